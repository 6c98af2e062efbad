"""The periods statistics are counted over (issue 15 §1; domain.md §7.1, §11.4). Pure.

Four kinds: calendar months, calendar quarters (January to March, April to June, July to
September, October to December, labelled by their months so that no one has to guess
whether "Q1" is a calendar or a financial quarter), calendar years, and **financial
years**, 1 April to 31 March, labelled "2024-25" as DfE labels the CIN census year (the
year to 31 March 2025).

Every period is a run of whole London days: it starts at 00:00 on its first day and ends
at 00:00 on the day after its last day, Europe/London time (half-open, ``start <= t <
end``). A moment is placed by its London day (``hearth.core.calendar.local_date``), so a
notification received at 00:30 BST on 1 April 2025 (23:30 UTC on 31 March) belongs to
2025-26, not 2024-25.

Each period has a ``key`` that names it in a URL or CSV ("2025-04", "2025-Q2", "2025",
"FY2025-26") and ``period_from_key`` reads one back.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from hearth.core.calendar import local_date
from hearth.core.clock import LONDON

FINANCIAL_YEAR_START_MONTH = 4  # 1 April


class Granularity(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"  # calendar year
    FINANCIAL_YEAR = "financial_year"


GRANULARITY_LABELS = {
    Granularity.MONTH: "Month",
    Granularity.QUARTER: "Quarter",
    Granularity.YEAR: "Calendar year",
    Granularity.FINANCIAL_YEAR: "Financial year (April to March)",
}

_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTHS_IN = {
    Granularity.MONTH: 1,
    Granularity.QUARTER: 3,
    Granularity.YEAR: 12,
    Granularity.FINANCIAL_YEAR: 12,
}


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole calendar months (forwards or back), the day of the month
    kept, or the month's last day where it has no such day: 31 January + 1 month is 28
    (or 29) February, 29 February 2024 + 12 months is 28 February 2025."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has at least 28 days")


@dataclass(frozen=True, order=True)
class Period:
    """One period: its ``first`` day and the ``granularity`` that fixes its length.
    Build one with ``period_containing`` (or ``period_from_key``): the constructor does
    not check that ``first`` is the first day of such a period."""

    first: dt.date
    granularity: Granularity

    @property
    def after(self) -> dt.date:
        """The day after the period's last day."""
        return add_months(self.first, _MONTHS_IN[self.granularity])

    @property
    def last(self) -> dt.date:
        return self.after - dt.timedelta(days=1)

    @property
    def start(self) -> dt.datetime:
        """00:00 London time on the first day (aware)."""
        return dt.datetime.combine(self.first, dt.time(0), tzinfo=LONDON)

    @property
    def end(self) -> dt.datetime:
        """00:00 London time on the day after the last day (aware, excluded)."""
        return dt.datetime.combine(self.after, dt.time(0), tzinfo=LONDON)

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """``(start, end)``: a moment ``t`` is in the period when ``start <= t < end``."""
        return self.start, self.end

    def contains(self, moment: dt.datetime) -> bool:
        """Whether ``moment`` (aware) falls in the period, by its London day."""
        return self.first <= local_date(moment) < self.after

    def contains_day(self, day: dt.date) -> bool:
        return self.first <= day < self.after

    def next(self) -> Period:
        return Period(self.after, self.granularity)

    @property
    def label(self) -> str:
        """Plain words: "April 2025", "April to June 2025", "2025", "2025-26"."""
        g = self.granularity
        if g is Granularity.MONTH:
            return f"{_MONTH_NAMES[self.first.month - 1]} {self.first.year}"
        if g is Granularity.QUARTER:
            first, last = _MONTH_NAMES[self.first.month - 1], _MONTH_NAMES[self.last.month - 1]
            return f"{first} to {last} {self.first.year}"
        if g is Granularity.YEAR:
            return str(self.first.year)
        return financial_year_label(self.first.year)

    @property
    def key(self) -> str:
        """A short stable name: "2025-04", "2025-Q2", "2025", "FY2025-26"."""
        g = self.granularity
        if g is Granularity.MONTH:
            return f"{self.first.year}-{self.first.month:02d}"
        if g is Granularity.QUARTER:
            return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"
        if g is Granularity.YEAR:
            return str(self.first.year)
        return "FY" + financial_year_label(self.first.year)

    @property
    def census_year(self) -> int | None:
        """For a financial year, N where it is the year to 31 March N (the year whose
        rates use ONS's mid-(N-1) population estimate, domain.md §11.4); else None."""
        if self.granularity is Granularity.FINANCIAL_YEAR:
            return self.first.year + 1
        return None


def financial_year_label(start_year: int) -> str:
    """ "2024-25" for the financial year that starts on 1 April 2024."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def period_containing_day(day: dt.date, granularity: Granularity) -> Period:
    """The period of kind ``granularity`` that holds the London day ``day``."""
    if isinstance(day, dt.datetime):
        raise TypeError("Pass a date, or use period_containing() for a moment")
    g = Granularity(granularity)
    if g is Granularity.MONTH:
        return Period(day.replace(day=1), g)
    if g is Granularity.QUARTER:
        return Period(dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1), g)
    if g is Granularity.YEAR:
        return Period(dt.date(day.year, 1, 1), g)
    year = day.year if day.month >= FINANCIAL_YEAR_START_MONTH else day.year - 1
    return Period(dt.date(year, FINANCIAL_YEAR_START_MONTH, 1), g)


def period_containing(moment: dt.datetime, granularity: Granularity) -> Period:
    """The period a moment falls in, by its London day (a naive moment is a
    ``ValueError``)."""
    return period_containing_day(local_date(moment), granularity)


def periods_between(first: dt.date, last: dt.date, granularity: Granularity) -> list[Period]:
    """Every period of kind ``granularity`` from the one holding ``first`` to the one
    holding ``last``, both included, in order (empty when ``last`` is before
    ``first``)."""
    if last < first:
        return []
    period = period_containing_day(first, granularity)
    periods = []
    while period.first <= last:
        periods.append(period)
        period = period.next()
    return periods


_KEYS = (
    (re.compile(r"^(\d{4})-(\d{2})$"), Granularity.MONTH),
    (re.compile(r"^(\d{4})-Q([1-4])$"), Granularity.QUARTER),
    (re.compile(r"^(\d{4})$"), Granularity.YEAR),
    (re.compile(r"^FY(\d{4})-(\d{2})$"), Granularity.FINANCIAL_YEAR),
)


def period_from_key(key: str) -> Period:
    """The period named by ``Period.key``; ``ValueError`` for anything else."""
    for pattern, granularity in _KEYS:
        match = pattern.match(key)
        if not match:
            continue
        year = int(match.group(1))
        if granularity is Granularity.MONTH:
            month = int(match.group(2))
            if not 1 <= month <= 12:
                break
            return Period(dt.date(year, month, 1), granularity)
        if granularity is Granularity.QUARTER:
            return Period(dt.date(year, (int(match.group(2)) - 1) * 3 + 1, 1), granularity)
        if granularity is Granularity.YEAR:
            return Period(dt.date(year, 1, 1), granularity)
        if match.group(2) != financial_year_label(year)[-2:]:
            break
        return Period(dt.date(year, FINANCIAL_YEAR_START_MONTH, 1), granularity)
    raise ValueError(f"Not a period: {key!r}")
