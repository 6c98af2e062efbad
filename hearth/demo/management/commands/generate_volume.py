"""``manage.py generate_volume``: synthetic incidents and obligations for benchmarks."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hearth.core.progress import ProgressBar
from hearth.demo.volume import (
    VolumeError,
    generate_obligations_only,
    generate_volume,
    generated_incident_count,
)


class Command(BaseCommand):
    help = (
        "Add synthetic incidents (with their people, children, risk and obligations) to "
        "the seeded Wessex demo area, fast, for benchmarks. Never in production."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--incidents", type=int, default=0, help="How many incidents to add.")
        parser.add_argument("--seed", type=int, default=1, help="The same seed, the same rows.")
        parser.add_argument(
            "--obligations-only",
            type=int,
            default=0,
            metavar="M",
            help="Then add M obligations (one deadline each) to generated incidents, "
            "for sweeper benchmarks.",
        )
        parser.add_argument(
            "--history",
            action="store_true",
            help="The demo's past year: incidents 30 to 395 days ago, all work finished "
            "(for the statistics; no inbox changes).",
        )
        parser.add_argument(
            "--only-if-none",
            action="store_true",
            help="Add nothing if generated incidents are there already (make run).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.HEARTH_DEMO_MODE:
            raise CommandError(
                "Synthetic volume is only generated with HEARTH_MODE=demo or "
                "HEARTH_MODE=test, never in production."
            )
        incidents, only = options["incidents"], options["obligations_only"]
        if incidents < 0 or only < 0 or incidents + only == 0:
            raise CommandError("Give --incidents N and/or --obligations-only M (above 0).")
        if options["only_if_none"] and generated_incident_count():
            self.stdout.write("Generated incidents are there already: nothing added.")
            return
        started = time.monotonic()
        try:
            if incidents:
                bar = ProgressBar(incidents, self.stdout)
                report = generate_volume(
                    incidents=incidents,
                    seed=options["seed"],
                    progress=bar.step,
                    history=options["history"],
                )
                bar.finish()
                self.stdout.write(
                    f"Added {report.incidents} incidents, {report.people} people, "
                    f"{report.obligations} obligations, {report.deadlines} deadlines."
                )
            if only:
                bar = ProgressBar(only, self.stdout)
                report = generate_obligations_only(
                    count=only, seed=options["seed"], progress=bar.step
                )
                bar.finish()
                self.stdout.write(f"Added {report.obligations} obligations.")
        except VolumeError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Done in {time.monotonic() - started:.1f} s."))
