"""``manage.py remind_directory [--every SECONDS]``: remind each provider team whose
directory entry has not been confirmed for 3 months (ASSURE-1 v1, Open Referral UK's
assurance rule; ``hearth.directory.services.assurance_remind``). Once by default; with
``--every`` in a loop, as ``make run``'s worker does every hour. Each lapse is reminded
once, however often it runs; the messages go out through the outbox."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from hearth.directory.services import assurance_remind


class Command(BaseCommand):
    help = "Remind providers of directory entries not confirmed for 3 months."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Check again every SECONDS seconds until stopped (default: once).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        every = options["every"]
        while True:
            result = assurance_remind()
            if result.reminded or result.without_team or not every:
                self.stdout.write(
                    f"Reminded {result.reminded} provider teams; "
                    f"{result.without_team} entries have no team or address to remind."
                )
            if not every:
                return
            time.sleep(every)
            close_old_connections()
