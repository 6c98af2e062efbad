"""``manage.py refresh_stats [--once | --every SECONDS] [--rebuild]``: bring the
statistics' maintained aggregates up to date with the ledger (``hearth.stats.refresh``).

Once by default; with ``--every`` it keeps refreshing, every SECONDS, as the worker
``make run`` starts does. A run reads what changed since the last one (each source's
watermark), so a missed run is caught up by the next. ``--rebuild`` empties the facts
and figures and reads the whole ledger again (after a change to a definition). Each run
writes one line; a long run (a rebuild, a first run) shows a progress bar of its steps.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from hearth.core.progress import ProgressBar
from hearth.stats.refresh import STEPS, refresh


class Command(BaseCommand):
    help = "Bring the statistics' maintained aggregates up to date with the ledger."

    def add_arguments(self, parser: CommandParser) -> None:
        when = parser.add_mutually_exclusive_group()
        when.add_argument("--once", action="store_true", help="Refresh once, then stop (default).")
        when.add_argument(
            "--every",
            type=float,
            default=0,
            metavar="SECONDS",
            help="Keep refreshing, every SECONDS.",
        )
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="Empty the facts and figures and read the whole ledger again (first run only).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        every = 0.0 if options["once"] else options["every"]
        rebuild = options["rebuild"]
        first = True
        while True:
            bar = ProgressBar(len(STEPS), self.stdout) if rebuild or first else None
            report = refresh(rebuild=rebuild, progress=bar.step if bar else None)
            if bar is not None:
                bar.finish()
            if report.total or not every or first:
                self.stdout.write(str(report))
            if not every:
                return
            rebuild = first = False
            time.sleep(every)
            # A long-running loop gives up connections the database may have dropped.
            close_old_connections()
