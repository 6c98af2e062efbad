"""A person's age in words, as people say it (issue 17): "5 months" for a baby, never
"Age 0"; "2 weeks" or "Under 1 week" for a newborn; "7 years" for a child; "1 year" for one.

Under two, an age is said in months (as health visitors and parents say it), and under a
month in weeks or days. Only a date of birth gives months: an estimated age is in years
("About 3 years"). Pure: no database, no clock (the caller says which day).
"""

from __future__ import annotations

import datetime as dt

# Under this many months an age is said in months (NHS and health visiting practice).
MONTHS_UNTIL = 24


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def completed_months(born: dt.date, day: dt.date) -> int:
    """Whole months from ``born`` to ``day`` (a monthly birthday counts on the day; one
    born on the 31st has it on the last day of a shorter month)."""
    months = (day.year - born.year) * 12 + day.month - born.month
    if day.day < born.day:
        # The month's anniversary is on ``born.day``, or the month's last day if shorter.
        next_month = day.replace(day=28) + dt.timedelta(days=4)
        last_day = (next_month - dt.timedelta(days=next_month.day)).day
        if day.day < last_day:
            months -= 1
    return months


def age_in_words(
    *, born: dt.date | None, day: dt.date, years: int | None = None, estimated: bool = False
) -> str | None:
    """How old someone is on ``day``: from their date of birth (``born``), else from
    ``years`` (an estimate, said "About N years"). ``None`` when neither is known, and
    for a date of birth after ``day`` (not born yet on that day)."""
    if born is not None:
        if born > day:
            return None
        months = completed_months(born, day)
        if months >= MONTHS_UNTIL:
            return _plural(months // 12, "year")
        if months >= 1:
            return _plural(months, "month")
        days = (day - born).days
        if days >= 7:
            return _plural(days // 7, "week")
        return "Under 1 week"
    if years is None:
        return None
    if not years:
        return "Under 1 year"
    return f"About {_plural(years, 'year')}" if estimated else _plural(years, "year")
