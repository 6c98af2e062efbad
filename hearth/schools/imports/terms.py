"""Reading a school calendar's term dates and INSET days from CSV or iCalendar.

Local authorities publish their maintained schools' term dates each year, as a table or
as a calendar feed; academies and independent schools publish their own (issue 6 point
2). Pure: text in, plain ``TermDates`` out; no database.

CSV: a header ``term,starts_on,ends_on`` (any order and case; other columns are ignored)
and one line per term, ``Autumn term,2025-09-03,2025-12-19``. A line whose ``term`` is
``INSET`` (any case), optionally followed by a note (``INSET: staff training``), is an
INSET day on ``starts_on``; if it has an ``ends_on``, every weekday from ``starts_on``
to ``ends_on`` is one. Dates are ISO (``2025-09-03``) or UK style (``03/09/2025``).

ICS (RFC 5545, read with ``icalendar``): each VEVENT is a term from DTSTART to DTEND,
named by its SUMMARY. DTEND is exclusive: an all-day event with DTSTART 3 September and
DTEND 20 December is a term ending on 19 December; without DTEND an all-day event is one
day; a timed event ends on the day of its DTEND (the day before, if DTEND is midnight).
An event whose SUMMARY contains "INSET" or "training day" (any case) makes each weekday
in it an INSET day; then one whose SUMMARY contains "holiday", "half term" or "half-term"
is skipped (the gaps between terms are the holidays; bank holidays are
``core.calendar``'s). Repeating events (RRULE) are refused: no term repeats.

The rules (each broken one a problem with its line; ``Problem``): every date is a real
date; a term has a name, a start and an end, and does not end before it starts; no two
terms overlap or repeat; every INSET day is a weekday (as ``services`` requires of one
added by hand) inside one of the file's terms, given once; the file has at least one
term. Problems are listed in line order.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

import icalendar
from django.db import models

from hearth.core.clock import LONDON
from hearth.schools.imports.report import Problem, long_date
from hearth.schools.models import InsetDay, TermPeriod

CSV_COLUMNS = ("term", "starts_on", "ends_on")
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
INSET_TERM = re.compile(r"inset\b[\s:\-–—]*(?P<note>.*)", re.IGNORECASE | re.DOTALL)
INSET_WORDS = ("inset", "training day")
SKIPPED_WORDS = ("holiday", "half term", "half-term")
DEFAULT_INSET_NOTE = "INSET day"
# A calendar event spanning more than a year is a mistake, not a term (and would make
# an INSET event expand into thousands of days).
LONGEST_EVENT = dt.timedelta(days=366)


def _limit(model: type[TermPeriod] | type[InsetDay], name: str) -> int:
    model_field = model._meta.get_field(name)
    assert isinstance(model_field, models.Field) and model_field.max_length is not None
    return model_field.max_length


TERM_NAME_LIMIT = _limit(TermPeriod, "name")
INSET_NOTE_LIMIT = _limit(InsetDay, "note")


@dataclass(frozen=True)
class TermSpan:
    name: str
    starts_on: dt.date
    ends_on: dt.date
    line: int | None = None

    @property
    def key(self) -> tuple[str, dt.date, dt.date]:
        return (self.name, self.starts_on, self.ends_on)


@dataclass(frozen=True)
class InsetSpan:
    day: dt.date
    note: str = DEFAULT_INSET_NOTE
    line: int | None = None

    @property
    def key(self) -> tuple[dt.date, str]:
        return (self.day, self.note)


@dataclass
class TermDates:
    """A file's terms and INSET days, and what is wrong with it (if anything)."""

    terms: list[TermSpan] = field(default_factory=list)
    inset_days: list[InsetSpan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def span(self) -> tuple[dt.date, dt.date] | None:
        """The first and last day the file says anything about."""
        days = [t.starts_on for t in self.terms] + [t.ends_on for t in self.terms]
        days += [d.day for d in self.inset_days]
        return (min(days), max(days)) if days else None


def parse_date(value: str) -> dt.date | None:
    """``2025-09-03`` or ``03/09/2025`` (day first, as in the UK), else ``None``."""
    value = value.strip()
    try:
        if match := ISO_DATE.fullmatch(value):
            year, month, day = (int(part) for part in match.groups())
            return dt.date(year, month, day)
        if match := UK_DATE.fullmatch(value):
            day, month, year = (int(part) for part in match.groups())
            return dt.date(year, month, day)
    except ValueError:
        return None
    return None


def _school_days(first: dt.date, last: dt.date) -> list[dt.date]:
    """The weekdays from ``first`` to ``last``: an INSET event over a weekend (Friday to
    Monday) gives two INSET days, as pupils are off at the weekend anyway."""
    days = (first + dt.timedelta(days=n) for n in range((last - first).days + 1))
    return [day for day in days if day.weekday() < 5]


def _add_inset_days(
    dates: TermDates, first: dt.date, last: dt.date, note: str, line: int | None, label: str
) -> None:
    days = _school_days(first, last)
    if not days:
        dates.problems.append(Problem(f"{label} falls on a weekend: INSET days are weekdays", line))
    dates.inset_days.extend(InsetSpan(day, note, line) for day in days)


def term_dates_parse_csv(text: str) -> TermDates:
    dates = TermDates()
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = [name.strip().casefold() for name in next(reader)]
    except (StopIteration, csv.Error):
        dates.problems.append(Problem("the file is empty or is not a CSV file"))
        return dates
    missing = [column for column in CSV_COLUMNS if column not in header]
    if missing:
        dates.problems.extend(
            Problem(f"the column ‘{column}’ is missing", line=1, column=column)
            for column in missing
        )
        return dates
    where = {column: header.index(column) for column in CSV_COLUMNS}
    previous_end = reader.line_num
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            dates.problems.append(
                Problem(f"the rest of the file cannot be read ({error})", line=previous_end + 1)
            )
            break
        line, previous_end = previous_end + 1, reader.line_num
        if not any(value.strip() for value in values):
            continue
        raw = {c: values[i].strip() if i < len(values) else "" for c, i in where.items()}
        _csv_line(line, raw, dates)
    _check(dates)
    return dates


def _csv_line(line: int, raw: dict[str, str], dates: TermDates) -> None:
    found: list[Problem] = []
    inset = INSET_TERM.fullmatch(raw["term"])
    parsed: dict[str, dt.date | None] = {}
    for column in ("starts_on", "ends_on"):
        parsed[column] = None
        if raw[column]:
            parsed[column] = parse_date(raw[column])
            if parsed[column] is None:
                found.append(
                    Problem(
                        f"{column} must be a real date, like 2025-09-03 or 03/09/2025",
                        line=line,
                        column=column,
                    )
                )
        elif column == "starts_on" or not inset:
            what = "the INSET day" if inset else "the term"
            when = "starts" if column == "starts_on" else "ends"
            found.append(Problem(f"enter the day {what} {when} ({column})", line, column))
    if not raw["term"]:
        found.append(Problem("enter the term's name", line=line, column="term"))
    elif not inset and len(raw["term"]) > TERM_NAME_LIMIT:
        found.append(
            Problem(f"the term's name must be {TERM_NAME_LIMIT} characters or fewer", line, "term")
        )
    elif inset and len(inset["note"]) > INSET_NOTE_LIMIT:
        found.append(
            Problem(f"the INSET note must be {INSET_NOTE_LIMIT} characters or fewer", line, "term")
        )
    if found:
        dates.problems.extend(found)
        return
    starts_on = parsed["starts_on"]
    assert starts_on is not None
    ends_on = parsed["ends_on"] or starts_on
    if ends_on < starts_on:
        dates.problems.append(
            Problem("ends_on must be the same as or after starts_on", line=line, column="ends_on")
        )
    elif ends_on - starts_on > LONGEST_EVENT:
        dates.problems.append(Problem("the dates are more than a year apart", line, "ends_on"))
    elif inset:
        note = inset["note"].strip() or DEFAULT_INSET_NOTE
        _add_inset_days(dates, starts_on, ends_on, note, line, "the INSET day")
    else:
        dates.terms.append(TermSpan(raw["term"], starts_on, ends_on, line))


def term_dates_parse_ics(text: str) -> TermDates:
    dates = TermDates()
    try:
        calendar = icalendar.Calendar.from_ical(text.removeprefix("\ufeff"))
    except ValueError as error:
        dates.problems.append(Problem(f"the file is not an iCalendar (ICS) file ({error})"))
        return dates
    # icalendar does not say where an event was; the n-th event is the n-th BEGIN:VEVENT.
    starts = [
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip().upper() == "BEGIN:VEVENT"
    ]
    for index, event in enumerate(calendar.walk("VEVENT")):
        _ics_event(starts[index] if index < len(starts) else None, event, dates)
    _check(dates)
    return dates


def _day_of(value: object, *, end: bool) -> dt.date | None:
    """The London day of a DTSTART or DTEND value (``end``: the last day it covers)."""
    if isinstance(value, dt.datetime):
        local = value.astimezone(LONDON) if value.tzinfo else value
        if end and local.time() == dt.time(0):
            return local.date() - dt.timedelta(days=1)
        return local.date()
    if isinstance(value, dt.date):
        return value - dt.timedelta(days=1) if end else value
    return None


def _ics_event(line: int | None, event: icalendar.Component, dates: TermDates) -> None:
    summary = " ".join(str(event.get("SUMMARY", "")).split())
    words = summary.casefold()
    is_inset = any(word in words for word in INSET_WORDS)
    if not is_inset and any(word in words for word in SKIPPED_WORDS):
        return
    label = f"the event ‘{summary}’" if summary else "the event"
    if event.get("RRULE") is not None:
        dates.problems.append(Problem(f"{label} repeats: give each term as its own event", line))
        return
    start_value = getattr(event.get("DTSTART"), "dt", None)
    starts_on = _day_of(start_value, end=False)
    if starts_on is None:
        dates.problems.append(Problem(f"{label} has no start date (DTSTART)", line, "DTSTART"))
        return
    ends_on: dt.date | None
    if event.get("DTEND") is not None:
        ends_on = _day_of(getattr(event.get("DTEND"), "dt", None), end=True)
    elif isinstance(getattr(event.get("DURATION"), "dt", None), dt.timedelta):
        ends_on = _day_of(start_value + event.get("DURATION").dt, end=True)
    else:
        ends_on = starts_on  # RFC 5545 §3.6.1: a day (or an instant) without an end
    if ends_on is None:
        dates.problems.append(Problem(f"{label} has an end (DTEND) that is not a date", line))
    elif ends_on < starts_on:
        dates.problems.append(Problem(f"{label} ends before it starts", line, "DTEND"))
    elif ends_on - starts_on > LONGEST_EVENT:
        dates.problems.append(Problem(f"{label} lasts more than a year", line, "DTEND"))
    elif is_inset:
        note = summary[:INSET_NOTE_LIMIT] or DEFAULT_INSET_NOTE
        _add_inset_days(dates, starts_on, ends_on, note, line, label)
    elif len(summary) > TERM_NAME_LIMIT:
        dates.problems.append(
            Problem(f"{label}'s name must be {TERM_NAME_LIMIT} characters or fewer", line)
        )
    else:
        dates.terms.append(TermSpan(summary or "Term", starts_on, ends_on, line))


def _where(line: int | None) -> str:
    return f"line {line}" if line else "another event"


def _check(dates: TermDates) -> None:
    """The rules between lines: no overlapping or repeated terms, INSET days in term."""
    latest: TermSpan | None = None
    for term in sorted(dates.terms, key=lambda t: (t.starts_on, t.ends_on, t.line or 0)):
        if latest is not None and term.starts_on <= latest.ends_on:
            first, second = sorted((latest, term), key=lambda t: t.line or 0)
            if (first.starts_on, first.ends_on) == (second.starts_on, second.ends_on):
                message = f"the term ‘{second.name}’ has the same dates as {_where(first.line)}"
            else:
                message = (
                    f"the term ‘{second.name}’ overlaps the term ‘{first.name}’ "
                    f"on {_where(first.line)}"
                )
            dates.problems.append(Problem(message, line=second.line))
        if latest is None or term.ends_on > latest.ends_on:
            latest = term
    seen: dict[dt.date, InsetSpan] = {}
    for inset in dates.inset_days:
        if inset.day in seen:
            if seen[inset.day].line != inset.line:  # one line's range never repeats a day
                dates.problems.append(
                    Problem(
                        f"{long_date(inset.day)} is already an INSET day on "
                        f"{_where(seen[inset.day].line)}",
                        line=inset.line,
                    )
                )
            continue
        seen[inset.day] = inset
        if dates.terms and not any(t.starts_on <= inset.day <= t.ends_on for t in dates.terms):
            dates.problems.append(
                Problem(f"the INSET day {long_date(inset.day)} is not in any term", inset.line)
            )
    if not dates.terms and not dates.problems:
        dates.problems.append(Problem("the file has no terms"))
    # Read top to bottom, as a person fixing the file would.
    dates.problems.sort(key=lambda p: p.line or 0)
