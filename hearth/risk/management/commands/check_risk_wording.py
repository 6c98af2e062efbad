"""``manage.py check_risk_wording [FILE ...]``: check licensed wording files against their
instruments (by default the files in ``HEARTH_RISK_WORDING_FILES``). Changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hearth.risk.instruments import InstrumentError, load_wording


class Command(BaseCommand):
    help = "Check licensed risk checklist wording files against their instruments."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", help="Wording files (JSON).")

    def handle(self, *args: Any, **options: Any) -> None:
        files = options["files"] or settings.HEARTH_RISK_WORDING_FILES
        if not files:
            self.stdout.write("No wording files given or configured: labels will be shown.")
            return
        failed = False
        for name in files:
            try:
                instrument, wording = load_wording(Path(name))
            except InstrumentError as error:
                failed = True
                self.stderr.write(f"{name}: {error}")
                continue
            self.stdout.write(f"{name}: wording for {instrument.label}, {len(wording)} items: OK")
        if failed:
            raise CommandError("Some wording files do not match their instruments")
