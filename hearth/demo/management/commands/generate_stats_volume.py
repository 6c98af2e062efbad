"""``manage.py generate_stats_volume``: a national year of statistics facts, written
directly (``hearth.demo.stats_volume``), for the statistics benchmark at 1.5 M incidents."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hearth.core.progress import ProgressBar
from hearth.demo.stats_volume import StatsVolumeError, generate_stats_volume


class Command(BaseCommand):
    help = (
        "Write a national year of made-up statistics facts (incidents, referrals, "
        "deadlines, MARAC, specialist support) over made-up local authorities, straight "
        "into the fact tables, then rebuild the monthly figures. Never in production."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--incidents", type=int, required=True, help="Incidents a year (1500000: national)."
        )
        parser.add_argument("--seed", type=int, default=1, help="The same seed, the same rows.")
        parser.add_argument(
            "--areas", type=int, default=150, help="Made-up local authorities (default 150)."
        )
        parser.add_argument(
            "--year",
            type=int,
            default=None,
            help="The financial year starting in April of this year (default: the last "
            "one ended); the 12 months before are written too.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.HEARTH_DEMO_MODE:
            raise CommandError(
                "Synthetic statistics are only generated with HEARTH_MODE=demo or "
                "HEARTH_MODE=test, never in production."
            )
        began = time.monotonic()
        bar: ProgressBar | None = None

        def days(total: int) -> None:
            nonlocal bar
            bar = ProgressBar(total, self.stdout)

        def step(label: str) -> None:
            if bar is not None:
                bar.step(label)

        try:
            report = generate_stats_volume(
                incidents=options["incidents"],
                seed=options["seed"],
                areas=options["areas"],
                year=options["year"],
                progress=step,
                days_progress=days,
            )
        except StatsVolumeError as error:
            raise CommandError(str(error)) from error
        if bar is not None:
            bar.finish()
        self.stdout.write(f"Incidents in the year: {report.incidents:,}")
        for table, n in sorted(report.rows.items()):
            self.stdout.write(f"  {table}: {n:,} rows")
        self.stdout.write(f"  monthly figures: {report.figures:,} rows")
        seconds = ", ".join(f"{k} {v} s" for k, v in report.seconds.items())
        self.stdout.write(f"Seconds: {seconds}.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {report.total_rows:,} facts in {time.monotonic() - began:.1f} s."
            )
        )
