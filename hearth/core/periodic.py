"""A job a worker runs once, or again and again (``--every SECONDS``) until stopped: the
base of the commands ``make run``'s worker starts beside the web server (the deadline
sweeper, the directory's reminders). A subclass says what one run does and what to say
about it; the loop, the sleep, and giving up connections the database may have dropped
between runs are here."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections


class PeriodicCommand(BaseCommand):
    every_help = "Run again every SECONDS seconds until stopped (default: once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=int, default=0, metavar="SECONDS", help=self.every_help)

    def run_once(self) -> tuple[bool, str]:
        """Do the job once: whether it did anything, and a line saying what (said after
        every run when run once, and in a loop only when it did something)."""
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        every = options["every"]
        while True:
            busy, line = self.run_once()
            if busy or not every:
                self.stdout.write(line)
            if not every:
                return
            time.sleep(every)
            close_old_connections()
