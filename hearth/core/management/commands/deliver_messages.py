"""``manage.py deliver_messages [--once | --every SECONDS]``: send the outbox's due messages,
retry failed ones, give up visibly (``hearth.core.delivery``). Once by default; with
``--every`` it keeps delivering, looking again every SECONDS when nothing is due, as the
worker ``make run`` starts does. Run as a service beside the web workers; several may run
at once (on PostgreSQL they claim different messages with ``SKIP LOCKED``)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from hearth.core.delivery import deliver_due


class Command(BaseCommand):
    help = "Send the messages waiting in the outbox, retry failed ones."

    def add_arguments(self, parser: CommandParser) -> None:
        when = parser.add_mutually_exclusive_group()
        when.add_argument(
            "--once", action="store_true", help="Deliver what is due now, then stop (default)."
        )
        when.add_argument(
            "--every",
            type=float,
            default=0,
            metavar="SECONDS",
            help="Keep delivering, looking again every SECONDS when nothing is due.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=None,
            help="Messages claimed at a time (default: HEARTH_DELIVERY_BATCH_SIZE).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        every = 0.0 if options["once"] else options["every"]
        while True:
            report = deliver_due(batch_size=options["batch_size"])
            if report.total or not every:
                self.stdout.write(str(report))
            if not every:
                return
            time.sleep(every)
            # A long-running loop gives up connections the database may have dropped.
            close_old_connections()
