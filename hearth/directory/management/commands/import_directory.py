"""``manage.py import_directory <file-or-url>``: import an Open Referral UK 3.0 services
list (a feed's ``/services`` address, or a file of the same JSON) into the directory
(``hearth.directory.importing``).

All or nothing: if any row is malformed, each error is printed with its row and nothing
is imported (the command fails). Running it again changes only what changed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hearth.core.progress import ProgressBar
from hearth.directory.importing import (
    FetchFailed,
    Outcome,
    directory_import,
    fetch_feed,
    read_document,
)
from hearth.directory.oruk import RowError


class Command(BaseCommand):
    help = "Import an Open Referral UK 3.0 services list from a file or a feed URL."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="A JSON file, or the feed's /services URL.")
        parser.add_argument(
            "--source-name",
            help="What to call this source (default: the URL, or file: and the file's name). "
            "Re-imports match on it.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        given: str = options["source"]
        if given.startswith(("http://", "https://")):
            source = options["source_name"] or given.split("?")[0]
            self.stdout.write(f"Reading {source}")
            try:
                rows = fetch_feed(given)
            except FetchFailed as error:
                raise CommandError(str(error)) from None
        else:
            path = Path(given)
            source = options["source_name"] or f"file:{path.name}"
            try:
                rows = read_document(path.read_bytes())
            except OSError as error:
                raise CommandError(f"Cannot read {path}: {error.strerror or error}") from None
            except RowError as error:
                raise CommandError(f"{path.name} cannot be read: {error}") from None
        bar = ProgressBar(len(rows), self.stdout)
        report = directory_import(actor=None, rows=rows, source=source, progress=bar.step)
        bar.finish()
        for row in report.rows:
            if row.outcome == Outcome.ERROR:
                self.stderr.write(
                    f"Row {row.number} ({row.source_id or 'no id'}): {'; '.join(row.reasons)}"
                )
        if not report.ok:
            n = len(report.errors)
            raise CommandError(
                f"{n} row{'s' if n != 1 else ''} cannot be imported: nothing was imported."
            )
        self.stdout.write(
            f"Imported from {source}: {report.count(Outcome.IMPORTED)} imported, "
            f"{report.count(Outcome.CHANGED)} changed, "
            f"{report.count(Outcome.UNCHANGED)} unchanged."
        )
