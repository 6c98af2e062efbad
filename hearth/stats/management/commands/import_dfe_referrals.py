"""``manage.py import_dfe_referrals PATH``: import DfE's Children in Need table C1,
referrals and re-referrals by local authority, region and England
(``c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv``), through
``hearth.stats.imports.referrals_import``, and compute each row's rate per 10,000 children
on the imported population estimates.

Bad rows are skipped and listed with their lines and reasons; the rest is imported in one
transaction. Running it again with the same file changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hearth.core.progress import ProgressBar
from hearth.stats.imports import (
    C1_COLUMNS,
    ImportReport,
    UnreadableFile,
    csv_rows,
    referrals_import,
)

SHOWN_LINES = 10  # line numbers listed per reason for skipping; the count says the rest


def run_import(
    command: BaseCommand,
    given: str,
    columns: Iterable[str],
    service: Callable[..., ImportReport],
) -> None:
    """Read ``given``, import its rows with ``service`` under a progress bar, and write
    the row report to the command's output."""
    path = Path(given)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror or error}") from None
    try:
        rows = csv_rows(data, columns=columns)
    except UnreadableFile as error:
        raise CommandError(
            f"{path.name} cannot be imported: {error}. Nothing was imported."
        ) from None
    command.stdout.write(f"Importing {path.name}")
    bar = ProgressBar(len(rows), command.stdout)
    report = service(rows=rows, progress=bar.step)
    bar.finish()
    command.stdout.write(
        f"{path.name}: {report.read} rows read, {report.added} added, {report.updated} "
        f"updated, {report.unchanged} unchanged, {len(report.skipped)} skipped."
    )
    for reason, lines in report.reasons():
        shown = ", ".join(str(line) for line in lines[:SHOWN_LINES])
        more = f" and {len(lines) - SHOWN_LINES} more" if len(lines) > SHOWN_LINES else ""
        noun = "row" if len(lines) == 1 else "rows"
        command.stdout.write(f"Skipped {len(lines)} {noun}, {reason}: line {shown}{more}")


class Command(BaseCommand):
    help = "Import DfE's Children in Need table C1 (referrals and re-referrals)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="DfE's C1 referrals and re-referrals CSV.")

    def handle(self, *args: Any, **options: Any) -> None:
        run_import(self, options["path"], C1_COLUMNS, referrals_import)
