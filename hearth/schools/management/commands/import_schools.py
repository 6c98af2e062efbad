"""``manage.py import_schools path/to/edubasealldata.csv``: create and update education
settings from the DfE's "Get Information About Schools" establishment extract
(``hearth.schools.imports``).

All or nothing: if the file has any problem, each is printed with its line and nothing
is imported (the command fails). Running it again with the same file changes nothing;
settings missing from the file are left as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hearth.core.progress import ProgressBar
from hearth.schools.imports import Problem, UnreadableText, decode_text, gias_import
from hearth.schools.imports.gias import gias_line_count, gias_parse

ENCODING_HELP = (
    "The file's encoding, for example cp1252 (default: UTF-8, or UTF-16 or UTF-32 with a "
    "byte order mark, or Windows-1252 when the file has no UTF-8 character at all)."
)


def read_text(path: Path, encoding: str | None = None) -> str:
    """The file's text, only when the whole file decodes (``decode_text``): otherwise the
    command fails naming the line and byte, before anything is imported."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror or error}") from error
    try:
        return decode_text(data, encoding)
    except UnreadableText as error:
        advice = "" if encoding else " (--encoding)"
        raise CommandError(f"{path.name} cannot be read: {error.problem}{advice}") from None


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


class Command(BaseCommand):
    help = "Import education settings from a GIAS establishment CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The GIAS establishment CSV.")
        parser.add_argument("--encoding", help=ENCODING_HELP)

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        text = read_text(path, options["encoding"])
        # Checking the whole register takes a while: a bar for each line checked, then
        # one for each setting written (the import checks it again, well under a second).
        self.stdout.write(f"Checking {path.name}")
        checking = ProgressBar(gias_line_count(text), self.stdout)
        parsed = gias_parse(text, progress=checking.step)
        checking.finish()
        self._refuse_if_any(path, parsed.problems)
        self.stdout.write("Importing")
        bar = ProgressBar(len(parsed.rows), self.stdout)
        report = gias_import(actor=None, text=text, progress=bar.step)
        bar.finish()
        self._refuse_if_any(path, report.problems)
        self.stdout.write(
            f"Imported {path.name}: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged."
        )
        for warning in report.warnings:
            self.stdout.write(f"Warning: {warning}")

    def _refuse_if_any(self, path: Path, problems: Sequence[Problem]) -> None:
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{path.name} has {plural(len(problems), 'problem')}: nothing was "
                "imported. Correct the file and run the import again."
            )
