"""``manage.py sweep_obligations [--every SECONDS]``: mark missed deadlines overdue, remind,
then escalate (``hearth.obligations.sweeper``). Once by default; with ``--every`` it
sweeps in a loop, as the worker ``make run`` starts does every minute. Safe to run
several at once: each step of each deadline happens once."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from hearth.obligations.sweeper import sweep


class Command(BaseCommand):
    help = "Mark overdue obligations, send reminders and escalate."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Sweep again every SECONDS seconds until stopped (default: sweep once).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        every = options["every"]
        while True:
            report = sweep()
            if report.total or not every:
                steps = ", ".join(f"{n} {step}" for step, n in report.steps.items())
                self.stdout.write(f"Checked {report.checked} missed deadlines: {steps}")
            if not every:
                return
            time.sleep(every)
            # A long-running loop gives up connections the database may have dropped.
            close_old_connections()
