"""The one working-day calendar: every "within n working days" in Hearth is counted here.

Invariants (the shared architecture.md §6 and style.md §10, tested with hypothesis in
``tests/test_calendar.py``):

- a working day is a day that is neither a Saturday or Sunday nor a bank holiday in the
  jurisdiction (domain.md §10.3: working days "exclude weekends + E&W bank holidays",
  [S111]). England and Wales share their bank holidays today but each is looked up on
  its own, so a future divergence needs no change here. Bank holidays come from the
  ``holidays`` package (``country_holidays("GB", subdiv="ENG" | "WLS")``), including
  the one-off ones (the 2023 coronation) and the substitute days for a holiday that
  falls at a weekend;
- days are London days: a moment is turned into a day with ``local_date`` on the
  Europe/London clock, so a referral received at 00:30 BST is received on that London
  day, not on the UTC day before. The date functions refuse a ``datetime`` for this
  reason: its own ``date()`` is the day of whatever time zone it happens to be in;
- "within n working days of receipt" ends at the end of the n-th working day after the
  day of receipt, the day of receipt itself not counted (``working_day_deadline``). For
  example the Working Together to Safeguard Children 2023 rule that children's social
  care decide on a referral within one working day of receipt (domain.md §4.2, [S61]): a
  notification received at 23:00 on Thursday 24 December 2026 must be decided by the end
  of Tuesday 29 December 2026 (Christmas Day on Friday, the weekend, then Boxing Day's
  substitute on Monday 28 December);
- ``add_working_days`` never lands on a weekend or bank holiday for n >= 1, is monotonic
  in n and in the start day, and composes: ``add(add(d, n), m) == add(d, n + m)``;
  ``working_days_between`` is its inverse.

Deadlines are stored rows, computed when the event happens and stamped with
``CALENDAR_RULE`` and ``CALENDAR_VERSION`` (style.md §11): the version names the
``holidays`` release, whose data can change (a new one-off bank holiday), so a stored
deadline says which calendar produced it and is never silently recomputed.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from enum import StrEnum

import holidays

from hearth.core.clock import LONDON

CALENDAR_RULE = "WORKING-DAYS-1"
CALENDAR_VERSION: str = f"1/holidays-{holidays.__version__}"

_ONE_DAY = dt.timedelta(days=1)
_SATURDAY = 5  # dt.date.weekday(): Monday is 0


class Jurisdiction(StrEnum):
    """Where the working days are counted. The values are those of
    ``accounts.models.Country``, so an area's country can be passed as it is stored."""

    ENGLAND = "england"
    WALES = "wales"


_SUBDIVISION = {Jurisdiction.ENGLAND: "ENG", Jurisdiction.WALES: "WLS"}


@functools.lru_cache(maxsize=256)
def bank_holidays(year: int, jurisdiction: str = Jurisdiction.ENGLAND) -> frozenset[dt.date]:
    """The bank holidays of ``year`` in ``jurisdiction`` (substitute days included).

    Raises ``ValueError`` for a jurisdiction that is not England or Wales."""
    subdivision = _SUBDIVISION[Jurisdiction(jurisdiction)]
    return frozenset(holidays.country_holidays("GB", subdiv=subdivision, years=year).keys())


def _require_date(day: dt.date) -> None:
    if isinstance(day, dt.datetime):
        raise TypeError("Pass a date, not a datetime: use local_date() to take London's day")


def is_working_day(day: dt.date, jurisdiction: str = Jurisdiction.ENGLAND) -> bool:
    """Not a Saturday or Sunday, and not a bank holiday in ``jurisdiction``."""
    _require_date(day)
    return day.weekday() < _SATURDAY and day not in bank_holidays(day.year, jurisdiction)


def add_working_days(day: dt.date, n: int, jurisdiction: str = Jurisdiction.ENGLAND) -> dt.date:
    """The n-th working day after ``day``, ``day`` itself not counted (so it may be a
    weekend or holiday). ``n == 0`` returns ``day`` unchanged; a negative ``n`` is a
    ``ValueError``: Hearth counts deadlines forwards only."""
    _require_date(day)
    if n < 0:
        raise ValueError(f"Working days are counted forwards only (n={n})")
    Jurisdiction(jurisdiction)  # an unknown jurisdiction fails even when n == 0
    while n:
        day += _ONE_DAY
        if is_working_day(day, jurisdiction):
            n -= 1
    return day


def next_working_day(day: dt.date, jurisdiction: str = Jurisdiction.ENGLAND) -> dt.date:
    """The first working day after ``day``."""
    return add_working_days(day, 1, jurisdiction)


def working_days_between(
    start: dt.date, end: dt.date, jurisdiction: str = Jurisdiction.ENGLAND
) -> int:
    """How many working days ``d`` there are with ``start < d <= end`` (0 when ``end`` is
    not after ``start``): the inverse of ``add_working_days``, so
    ``working_days_between(d, add_working_days(d, n)) == n``."""
    _require_date(start)
    _require_date(end)
    Jurisdiction(jurisdiction)
    count = 0
    day = start + _ONE_DAY
    while day <= end:
        count += is_working_day(day, jurisdiction)
        day += _ONE_DAY
    return count


def end_of_day(day: dt.date) -> dt.datetime:
    """23:59:59 on ``day`` by the London clock, aware. (The clocks change at 01:00 UTC,
    never near midnight, so this moment always exists and is never ambiguous.)"""
    _require_date(day)
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=LONDON)


def local_date(moment: dt.datetime) -> dt.date:
    """The London calendar day of an aware ``moment``. A naive datetime is a
    ``ValueError``: its day cannot be known."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("The moment must be time-zone aware")
    return moment.astimezone(LONDON).date()


def working_day_deadline(
    moment: dt.datetime, n: int, jurisdiction: str = Jurisdiction.ENGLAND
) -> dt.datetime:
    """When "within ``n`` working days of receipt" runs out for something received at
    ``moment``: the end (London time) of the n-th working day after the London day of
    receipt. The time of day of receipt does not matter; ``n == 0`` is the end of the
    day of receipt."""
    return end_of_day(add_working_days(local_date(moment), n, jurisdiction))


# --- School days ---------------------------------------------------------------------------
#
# Operation Encompass (domain.md §3.2, [S42][S44]): the school's designated safeguarding
# lead is told "before the start of the next school day", including after weekends and
# school holidays. A school day is a weekday that is not a bank holiday, falls inside one
# of the school's terms, and is not one of its INSET (training) days. Terms belong to a
# local authority, and a school may set its own (academies, independent schools): the
# school's own calendar is asked first, then its local authority's. A day that no
# calendar covers (between the end of one published year and the next, say) falls back
# to "a weekday that is not a bank holiday", and the answer is marked estimated.

SCHOOL_DAY_RULE = "SCHOOL-DAY-1"
SCHOOL_DAY_FALLBACK_STARTS = dt.time(8, 45)
_SCHOOL_DAY_SEARCH_DAYS = 800  # more than two years: every real calendar ends sooner


def school_year_of(day: dt.date) -> int:
    """The calendar year in which ``day``'s school year began (on 1 September)."""
    return day.year if day.month >= 9 else day.year - 1


@dataclass(frozen=True)
class Term:
    """Days a school is open, ``starts_on`` to ``ends_on`` inclusive."""

    starts_on: dt.date
    ends_on: dt.date


@dataclass(frozen=True)
class SchoolCalendar:
    """A plain copy of one term calendar (``schools.selectors.school_calendars_for``)."""

    name: str  # in words: "Northshire's terms", "Ashcombe Academy's own terms"
    stamp: str  # which calendar at which version: "la-3/v2"
    terms: tuple[Term, ...]
    inset_days: frozenset[dt.date] = frozenset()
    day_starts: dt.time = SCHOOL_DAY_FALLBACK_STARTS

    def covers(self, day: dt.date) -> bool:
        """Whether this calendar says anything about ``day``: every day of the school
        years its terms fall in (1 September to 31 August), so the holidays between and
        after its terms are its own: an academy closed for the summer before its local
        authority's schools is closed, not "estimated open"."""
        if not self.terms:
            return False
        first = school_year_of(min(t.starts_on for t in self.terms))
        last = school_year_of(max(t.ends_on for t in self.terms))
        return dt.date(first, 9, 1) <= day <= dt.date(last + 1, 8, 31)

    def is_school_day(self, day: dt.date, jurisdiction: str = Jurisdiction.ENGLAND) -> bool:
        return (
            is_working_day(day, jurisdiction)
            and day not in self.inset_days
            and any(t.starts_on <= day <= t.ends_on for t in self.terms)
        )


@dataclass(frozen=True)
class SchoolDayStart:
    """The start of the next school day, and how it was worked out."""

    at: dt.datetime  # aware, London
    rule: str
    rule_version: str  # the rule, the calendar used and its version, the holidays release
    calendar: str  # the calendar's name, or the fallback's
    estimated: bool  # no calendar covered the day: weekdays minus bank holidays
    basis: str  # in words, for the person who sees the due time


def next_school_day_start(
    moment: dt.datetime,
    calendars: tuple[SchoolCalendar, ...] | list[SchoolCalendar],
    jurisdiction: str = Jurisdiction.ENGLAND,
    fallback_day_starts: dt.time = SCHOOL_DAY_FALLBACK_STARTS,
) -> SchoolDayStart:
    """The first start of a school day strictly after ``moment``. ``calendars`` are asked
    most specific first (the school's own, then its local authority's): the first that
    covers a day decides whether it is a school day. A day none covers is a school day
    when it is a working day, and the answer is then marked estimated."""
    Jurisdiction(jurisdiction)
    day = local_date(moment)
    for _ in range(_SCHOOL_DAY_SEARCH_DAYS):
        deciding = next((c for c in calendars if c.covers(day)), None)
        if deciding is None:
            is_school_day = is_working_day(day, jurisdiction)
            starts = fallback_day_starts
        else:
            is_school_day = deciding.is_school_day(day, jurisdiction)
            starts = deciding.day_starts
        start = dt.datetime.combine(day, starts, tzinfo=LONDON)
        if is_school_day and start > moment:
            return _school_day_start(start, deciding)
        day += _ONE_DAY
    raise ValueError("No school day found within two years: check the calendar's terms")


def _school_day_start(start: dt.datetime, calendar: SchoolCalendar | None) -> SchoolDayStart:
    when = f"{start:%A %d %B %Y} at {start:%H:%M}"
    if calendar is None:
        return SchoolDayStart(
            at=start,
            rule=SCHOOL_DAY_RULE,
            rule_version=f"1/weekdays/{CALENDAR_VERSION}",
            calendar="No term calendar: weekdays that are not bank holidays",
            estimated=True,
            basis=f"Estimated: the next weekday that is not a bank holiday, {when} "
            "(no term calendar covers it)",
        )
    return SchoolDayStart(
        at=start,
        rule=SCHOOL_DAY_RULE,
        rule_version=f"1/{calendar.stamp}/{CALENDAR_VERSION}",
        calendar=calendar.name,
        estimated=False,
        basis=f"The start of the next school day by {calendar.name}: {when}",
    )
