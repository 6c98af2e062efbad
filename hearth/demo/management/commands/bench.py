"""``manage.py bench``: Hearth's benchmarks as JSON (``hearth.demo.bench``; ``make bench``)."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hearth.demo.bench import BenchError, run


def _sizes(text: str) -> list[int]:
    return [int(part) for part in text.replace(" ", "").split(",") if part]


class Command(BaseCommand):
    help = (
        "Benchmark intake, pages and the sweeper on a throwaway PostgreSQL database (its "
        "name must contain 'bench': it is emptied) and print the figures as JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--sizes",
            default="10000,100000",
            help="Incident counts to measure the pages at (comma-separated).",
        )
        parser.add_argument(
            "--sweep-sizes",
            default="",
            help="Obligation counts to sweep at; default: the largest size and ten times it.",
        )
        parser.add_argument("--clients", default="1,4,16", help="Concurrent intake clients.")
        parser.add_argument(
            "--intake-seconds",
            type=float,
            default=0.0,
            help="How long each intake level runs (default 20 s; 5 s below 10,000 incidents).",
        )
        parser.add_argument("--repeats", type=int, default=30, help="Requests per page.")
        parser.add_argument("--workers", type=int, default=4, help="gunicorn workers.")
        parser.add_argument("--output", default="", help="Also write the JSON to this file.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.HEARTH_DEMO_MODE:
            raise CommandError("The benchmarks seed the demo area: HEARTH_MODE=demo only.")
        sizes = _sizes(options["sizes"])
        if not sizes:
            raise CommandError("Give at least one size.")
        sweep_sizes = _sizes(options["sweep_sizes"]) or [max(sizes), 10 * max(sizes)]
        try:
            result = run(
                sizes=sizes,
                sweep_sizes=sweep_sizes,
                clients=_sizes(options["clients"]),
                # 20 s per level, 5 s for a quick run below 10,000 incidents.
                intake_seconds=options["intake_seconds"] or (20.0 if max(sizes) >= 10_000 else 5.0),
                repeats=options["repeats"],
                workers=options["workers"],
            )
        except BenchError as error:
            raise CommandError(str(error)) from error
        text = json.dumps(result, indent=2)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as out:
                out.write(text + "\n")
        self.stdout.write(text)
