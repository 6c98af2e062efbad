"""``manage.py stats_bench``: the statistics pages at volume beside DuckDB, as JSON
(``hearth.demo.stats_bench``; ``make bench``)."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hearth.demo.bench import BenchError
from hearth.demo.stats_bench import LEDGER_UP_TO, run


def _sizes(text: str) -> list[int]:
    return [int(part) for part in text.replace(" ", "").replace("_", "").split(",") if part]


class Command(BaseCommand):
    help = (
        "Benchmark every statistics page (and its API) at each size on a throwaway "
        "PostgreSQL database (its name must contain 'bench': it is emptied), beside the "
        "same aggregate queries in DuckDB over Arrow tables, and print the figures as JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--sizes",
            default="100000,1500000",
            help="Incidents a year, in the order to run them (comma-separated). Up to "
            "--ledger-up-to through the real ledger, above it facts written directly.",
        )
        parser.add_argument("--repeats", type=int, default=20, help="Requests per page.")
        parser.add_argument("--seed", type=int, default=1, help="The same seed, the same rows.")
        parser.add_argument(
            "--ledger-up-to",
            type=int,
            default=LEDGER_UP_TO,
            help=f"The largest size loaded through the ledger (default {LEDGER_UP_TO:,}).",
        )
        parser.add_argument("--output", default="", help="Also write the JSON to this file.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.HEARTH_DEMO_MODE:
            raise CommandError("The benchmarks seed the demo area: HEARTH_MODE=demo only.")
        sizes = _sizes(options["sizes"])
        if not sizes or min(sizes) < 1:
            raise CommandError("Give at least one size above 0.")
        if options["repeats"] < 1:
            raise CommandError("Give --repeats 1 or more.")

        def keep(result: dict[str, Any]) -> None:
            if options["output"]:
                with open(options["output"], "w", encoding="utf-8") as out:
                    out.write(json.dumps(result, indent=2) + "\n")

        try:
            result = run(
                sizes=sizes,
                repeats=options["repeats"],
                seed=options["seed"],
                ledger_up_to=options["ledger_up_to"],
                after_each=keep,
            )
        except BenchError as error:
            raise CommandError(str(error)) from error
        keep(result)
        self.stdout.write(json.dumps(result, indent=2))
