"""``manage.py import_term_dates --local-authority CODE | --urn URN [--name NAME]
[--day-starts HH:MM] [--replace-from YYYY-MM-DD] [--format csv|ics] PATH``: load term
dates and INSET days into a local authority's calendar (its maintained schools' terms)
or one setting's own (academies and independent schools), making the calendar if there
is none (``hearth.schools.imports``; the file formats are in ``imports.terms``).

All or nothing: if the file has any problem, each is printed with its line and nothing
changes, not even a new calendar. Importing the same file again changes nothing; a
changed file replaces the dates within its span and the calendar's version goes up.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from hearth.accounts.models import Area
from hearth.core.errors import ValidationFailed
from hearth.core.progress import ProgressBar
from hearth.schools.imports import term_calendar_ensure, term_dates_import
from hearth.schools.imports.report import long_date
from hearth.schools.imports.terms import parse_date
from hearth.schools.management.commands.import_schools import (
    ENCODING_HELP,
    plural,
    read_text,
)
from hearth.schools.selectors import setting_by_urn

TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


class Command(BaseCommand):
    help = "Import term dates and INSET days from CSV or ICS into a term calendar."

    def add_arguments(self, parser: CommandParser) -> None:
        owner = parser.add_mutually_exclusive_group(required=True)
        owner.add_argument(
            "--local-authority", metavar="CODE", help="The local authority's ONS code."
        )
        owner.add_argument("--urn", help="The URN of a setting that sets its own terms.")
        parser.add_argument("--name", help="The calendar's name, if it is new.")
        parser.add_argument(
            "--day-starts", metavar="HH:MM", help="When the school day starts (default 08:45)."
        )
        parser.add_argument(
            "--replace-from",
            metavar="YYYY-MM-DD",
            help="Replace the calendar's dates from this day, not from the file's first.",
        )
        parser.add_argument(
            "--format", choices=["csv", "ics"], help="The file's format (default: its ending)."
        )
        parser.add_argument("path", help="A .csv or .ics file.")
        parser.add_argument("--encoding", help=ENCODING_HELP)

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        file_format = options["format"] or path.suffix.lower().lstrip(".")
        if file_format not in {"csv", "ics"}:
            raise CommandError("The file must end .csv or .ics, or give --format csv or ics")
        day_starts = None
        if options["day_starts"]:
            if not (match := TIME.fullmatch(options["day_starts"])):
                raise CommandError("--day-starts must be a time like 08:45")
            day_starts = dt.time(int(match[1]), int(match[2]))
        replace_from = None
        if options["replace_from"]:
            replace_from = parse_date(options["replace_from"])
            if replace_from is None:
                raise CommandError("--replace-from must be a real date, like 2025-09-01")
        text = read_text(path, options["encoding"])
        owner: dict[str, Any] = {}
        if options["local_authority"]:
            area = Area.objects.filter(
                code=options["local_authority"], kind=Area.Kind.LOCAL_AUTHORITY
            ).first()
            if area is None:
                raise CommandError(f"No local authority has the code {options['local_authority']}")
            owner = {"local_authority": area, "name": options["name"] or f"{area.name}'s terms"}
        else:
            setting = setting_by_urn(options["urn"])
            if setting is None:
                raise CommandError(f"No setting has the URN {options['urn']}")
            owner = {"setting": setting, "name": options["name"] or f"{setting.name}'s own terms"}

        bar = ProgressBar(2, self.stdout)
        # One transaction: a file with problems leaves no new, empty calendar behind.
        with transaction.atomic():
            try:
                calendar = term_calendar_ensure(actor=None, day_starts=day_starts, **owner)
            except ValidationFailed as error:
                raise CommandError(error.message) from error
            bar.step("Calendar ready")
            report = term_dates_import(
                actor=None,
                calendar=calendar,
                text=text,
                file_format=file_format,  # type: ignore[arg-type]
                replace_from=replace_from,
            )
            bar.step("Dates checked")
            bar.finish()
            if report.problems:
                for problem in report.problems:
                    self.stderr.write(str(problem))
                raise CommandError(
                    f"{path.name} has {plural(len(report.problems), 'problem')}: nothing was "
                    "imported. Correct the file and run the import again."
                )
        if report.changed:
            assert report.starts_on is not None and report.ends_on is not None
            self.stdout.write(
                f"Imported {plural(report.terms, 'term')} and "
                f"{plural(report.inset_days, 'INSET day')} from {long_date(report.starts_on)} "
                f"to {long_date(report.ends_on)} into ‘{calendar.name}’ "
                f"(now version {report.version})."
            )
        else:
            self.stdout.write(
                f"The term dates are unchanged: ‘{calendar.name}’ already has them "
                f"(version {report.version})."
            )
        if day_starts is not None:
            self.stdout.write(f"The school day starts at {calendar.day_starts:%H:%M}.")
        for warning in report.warnings:
            self.stdout.write(f"Warning: {warning}")
