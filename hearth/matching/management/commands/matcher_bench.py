"""``manage.py matcher_bench``: the person matcher on FEBRL4 and on made-up UK people at
each size, beside the old rules, printed as JSON (``hearth.matching.bench``)."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hearth.matching.bench import run


def _sizes(text: str) -> list[int]:
    return [int(part) for part in text.replace(" ", "").replace("_", "").split(",") if part]


class Command(BaseCommand):
    help = (
        "Benchmark the person matcher: FEBRL4 (precision, recall, F1 at the auto-link and "
        "review thresholds, beside the old rules) and made-up UK people at each size "
        "(quality and lookup p50/p95). Loads people into its own agency and removes them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sizes", default="100000,2000000", help="People, comma-separated.")
        parser.add_argument("--queries", type=int, default=1000, help="Lookups at each size.")
        parser.add_argument(
            "--febrl-limit", type=int, default=0, help="Only this many FEBRL4 people (0: all)."
        )
        parser.add_argument("--no-febrl", action="store_true", help="Skip FEBRL4.")
        parser.add_argument("--output", default="", help="Also write the JSON to this file.")

    def handle(self, *args: Any, **options: Any) -> None:
        sizes = _sizes(options["sizes"])
        if any(size < 1 for size in sizes) or options["queries"] < 1:
            raise CommandError("Give sizes and --queries of 1 or more.")

        def log(message: str) -> None:
            sys.stderr.write(message + "\n")

        result = run(
            sizes=sizes,
            queries=options["queries"],
            febrl_limit=options["febrl_limit"] or None,
            febrl=not options["no_febrl"],
            log=log,
        )
        text = json.dumps(result, indent=2, default=str)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as out:
                out.write(text + "\n")
        self.stdout.write(text)
