"""``manage.py import_schools path/to/edubasealldata.csv``: create and update education
settings from the DfE's "Get Information About Schools" establishment extract
(``hearth.schools.imports``).

All or nothing: if the file has any problem, each is printed with its line and nothing
is imported (the command fails). Running it again with the same file changes nothing;
settings missing from the file are left as they are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hearth.core.progress import ProgressBar
from hearth.schools.imports import decode_text, gias_import
from hearth.schools.imports.gias import gias_parse


def read_text(path: Path) -> str:
    try:
        return decode_text(path.read_bytes())
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror or error}") from error


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


class Command(BaseCommand):
    help = "Import education settings from a GIAS establishment CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The GIAS establishment CSV (UTF-8 or Windows-1252).")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        text = read_text(path)
        # Reading twice (here for the count, then in the import) costs well under a second
        # for the whole register; the import's writes are what take the time.
        bar = ProgressBar(len(gias_parse(text).rows), self.stdout)
        report = gias_import(actor=None, text=text, progress=bar.step)
        bar.finish()
        if report.problems:
            for problem in report.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{path.name} has {plural(len(report.problems), 'problem')}: nothing was "
                "imported. Correct the file and run the import again."
            )
        self.stdout.write(
            f"Imported {path.name}: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged."
        )
        for warning in report.warnings:
            self.stdout.write(f"Warning: {warning}")
