"""School days: when "before the start of the next school day" runs out (Operation
Encompass, domain.md §3.2). Worked examples on a made-up local authority's 2026/27 terms
and an academy that sets its own, and the properties every due time relies on: strictly
after the incident, only ever on a school day, the first one, monotonic, stable."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hearth.core.calendar import (
    CALENDAR_VERSION,
    SCHOOL_DAY_FALLBACK_STARTS,
    SCHOOL_DAY_RULE,
    SchoolCalendar,
    SchoolDayStart,
    Term,
    bank_holidays,
    local_date,
    next_school_day_start,
)
from hearth.core.clock import LONDON

UTC = dt.UTC
_ONE_DAY = dt.timedelta(days=1)


def london(year: int, month: int, day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


# A local authority's calendar as the selectors copy it: one row holding every published
# term, here the end of 2025/26 (so the 2026 summer holiday is covered) and all of 2026/27.
NORTHSHIRE = SchoolCalendar(
    name="Northshire's terms",
    stamp="la-3/v2",
    terms=(
        Term(dt.date(2026, 6, 1), dt.date(2026, 7, 22)),  # summer 2026, second half
        Term(dt.date(2026, 9, 2), dt.date(2026, 10, 23)),  # autumn, first half (Wed–Fri)
        Term(dt.date(2026, 11, 2), dt.date(2026, 12, 18)),  # autumn, second half
        Term(dt.date(2027, 1, 5), dt.date(2027, 2, 12)),  # spring, first half (Tue–Fri)
        Term(dt.date(2027, 2, 22), dt.date(2027, 3, 26)),  # spring, second half (to Good Friday)
        Term(dt.date(2027, 4, 12), dt.date(2027, 5, 21)),  # summer, first half
        Term(dt.date(2027, 6, 1), dt.date(2027, 7, 21)),  # summer, second half (Tue–Wed)
    ),
    inset_days=frozenset(
        {
            dt.date(2026, 11, 2),  # Monday: the first day back after autumn half term
            dt.date(2027, 2, 5),  # Friday
            dt.date(2027, 6, 16),  # Wednesday
        }
    ),
    day_starts=dt.time(8, 45),
)

# An academy that sets its own terms: back a day earlier in September and January, no
# INSET day after autumn half term, a later May half term, and doors open at 08:30.
ASHCOMBE = SchoolCalendar(
    name="Ashcombe Academy's own terms",
    stamp="setting-100234/v1",
    terms=(
        Term(dt.date(2026, 9, 1), dt.date(2026, 10, 23)),
        Term(dt.date(2026, 11, 2), dt.date(2026, 12, 18)),
        Term(dt.date(2027, 1, 4), dt.date(2027, 2, 12)),
        Term(dt.date(2027, 2, 22), dt.date(2027, 3, 25)),
        Term(dt.date(2027, 4, 12), dt.date(2027, 5, 28)),
        Term(dt.date(2027, 6, 7), dt.date(2027, 7, 16)),
    ),
    inset_days=frozenset({dt.date(2027, 3, 19)}),
    day_starts=dt.time(8, 30),
)

LA_ONLY = (NORTHSHIRE,)
ACADEMY_THEN_LA = (ASHCOMBE, NORTHSHIRE)
NO_CALENDAR: tuple[SchoolCalendar, ...] = ()


# (incident, calendars most specific first, expected start, the calendar that decided it;
# None: no calendar covered the day, so the answer is the estimated weekday fallback)
WORKED_EXAMPLES = [
    pytest.param(
        london(2026, 11, 27, 22, 0),
        LA_ONLY,
        london(2026, 11, 30, 8, 45),
        NORTHSHIRE,
        id="Friday 22:00: the start of Monday",
    ),
    pytest.param(
        london(2026, 11, 28, 9, 0),
        LA_ONLY,
        london(2026, 11, 30, 8, 45),
        NORTHSHIRE,
        id="Saturday morning: the start of Monday",
    ),
    pytest.param(
        london(2026, 11, 24, 7, 0),
        LA_ONLY,
        london(2026, 11, 24, 8, 45),
        NORTHSHIRE,
        id="07:00 on a school day: that day's start",
    ),
    pytest.param(
        london(2026, 11, 24, 8, 44),
        LA_ONLY,
        london(2026, 11, 24, 8, 45),
        NORTHSHIRE,
        id="a minute before the start: that day's start",
    ),
    pytest.param(
        london(2026, 11, 24, 8, 45),
        LA_ONLY,
        london(2026, 11, 25, 8, 45),
        NORTHSHIRE,
        id="at the start itself: the next school day (strictly after)",
    ),
    pytest.param(
        london(2026, 11, 24, 9, 0),
        LA_ONLY,
        london(2026, 11, 25, 8, 45),
        NORTHSHIRE,
        id="09:00 on a school day: the next school day",
    ),
    pytest.param(
        london(2027, 2, 12, 16, 0),
        LA_ONLY,
        london(2027, 2, 22, 8, 45),
        NORTHSHIRE,
        id="the last school day before February half term: the Monday after it",
    ),
    pytest.param(
        london(2027, 2, 13, 10, 0),
        LA_ONLY,
        london(2027, 2, 22, 8, 45),
        NORTHSHIRE,
        id="the day after the last school day before half term: the Monday after it",
    ),
    pytest.param(
        london(2027, 2, 17, 11, 0),
        LA_ONLY,
        london(2027, 2, 22, 8, 45),
        NORTHSHIRE,
        id="a weekday in half term: the Monday after it",
    ),
    pytest.param(
        london(2027, 2, 21, 20, 0),
        LA_ONLY,
        london(2027, 2, 22, 8, 45),
        NORTHSHIRE,
        id="the Sunday before half term ends: the first day after it",
    ),
    pytest.param(
        london(2026, 10, 23, 15, 30),
        LA_ONLY,
        london(2026, 11, 3, 8, 45),
        NORTHSHIRE,
        id="before autumn half term: the Tuesday after it (Monday is an INSET day)",
    ),
    pytest.param(
        london(2026, 11, 1, 20, 0),
        LA_ONLY,
        london(2026, 11, 3, 8, 45),
        NORTHSHIRE,
        id="the Sunday before an INSET Monday: the Tuesday",
    ),
    pytest.param(
        london(2027, 6, 15, 12, 0),
        LA_ONLY,
        london(2027, 6, 17, 8, 45),
        NORTHSHIRE,
        id="the day before a Wednesday INSET day: the day after it",
    ),
    pytest.param(
        london(2027, 2, 4, 12, 0),
        LA_ONLY,
        london(2027, 2, 8, 8, 45),
        NORTHSHIRE,
        id="the day before a Friday INSET day: the Monday",
    ),
    pytest.param(
        london(2027, 4, 30, 22, 0),
        LA_ONLY,
        london(2027, 5, 4, 8, 45),
        NORTHSHIRE,
        id="Friday before the early May bank holiday, in term: Tuesday",
    ),
    pytest.param(
        london(2027, 5, 3, 7, 0),
        LA_ONLY,
        london(2027, 5, 4, 8, 45),
        NORTHSHIRE,
        id="on the early May bank holiday Monday itself: Tuesday",
    ),
    pytest.param(
        london(2027, 3, 25, 12, 0),
        LA_ONLY,
        london(2027, 4, 12, 8, 45),
        NORTHSHIRE,
        id="Easter: the term ends on Good Friday, a bank holiday; back after the holidays",
    ),
    pytest.param(
        london(2027, 5, 21, 16, 0),
        LA_ONLY,
        london(2027, 6, 1, 8, 45),
        NORTHSHIRE,
        id="May half term with the spring bank holiday: back on Tuesday 1 June",
    ),
    pytest.param(
        london(2026, 12, 18, 12, 0),
        LA_ONLY,
        london(2027, 1, 5, 8, 45),
        NORTHSHIRE,
        id="Christmas holidays: back on Tuesday 5 January",
    ),
    pytest.param(
        london(2026, 8, 31, 10, 0),
        LA_ONLY,
        london(2026, 9, 2, 8, 45),
        NORTHSHIRE,
        id="the summer holidays: the first day of the autumn term",
    ),
    pytest.param(
        london(2026, 8, 31, 10, 0),
        ACADEMY_THEN_LA,
        london(2026, 9, 1, 8, 30),
        ASHCOMBE,
        id="academy back a day earlier than its local authority, at 08:30",
    ),
    pytest.param(
        london(2026, 11, 1, 20, 0),
        ACADEMY_THEN_LA,
        london(2026, 11, 2, 8, 30),
        ASHCOMBE,
        id="academy without the local authority's INSET Monday",
    ),
    pytest.param(
        london(2027, 1, 3, 12, 0),
        ACADEMY_THEN_LA,
        london(2027, 1, 4, 8, 30),
        ASHCOMBE,
        id="academy back on Monday 4 January, the local authority on the Tuesday",
    ),
    pytest.param(
        london(2026, 11, 24, 8, 40),
        ACADEMY_THEN_LA,
        london(2026, 11, 25, 8, 30),
        ASHCOMBE,
        id="08:40 is after the academy's 08:30 start: the next day",
    ),
    pytest.param(
        london(2027, 5, 21, 16, 0),
        ACADEMY_THEN_LA,
        london(2027, 5, 24, 8, 30),
        ASHCOMBE,
        id="academy open the week of the local authority's May half term",
    ),
    pytest.param(
        london(2026, 11, 1, 20, 0),
        (NORTHSHIRE, ASHCOMBE),
        london(2026, 11, 3, 8, 45),
        NORTHSHIRE,
        id="the first calendar that covers the day decides, not the earliest answer",
    ),
    pytest.param(
        london(2026, 11, 27, 22, 0),
        NO_CALENDAR,
        london(2026, 11, 30, 8, 45),
        None,
        id="no calendar: estimated, Monday 08:45",
    ),
    pytest.param(
        london(2026, 11, 1, 20, 0),
        NO_CALENDAR,
        london(2026, 11, 2, 8, 45),
        None,
        id="no calendar: half term is not known, so Monday, estimated",
    ),
    pytest.param(
        london(2026, 12, 24, 12, 0),
        NO_CALENDAR,
        london(2026, 12, 29, 8, 45),
        None,
        id="no calendar: Christmas and the Boxing Day substitute are still skipped",
    ),
    pytest.param(
        london(2027, 7, 21, 16, 0),
        LA_ONLY,
        london(2027, 9, 1, 8, 45),
        None,
        id="after the last published term: the summer holiday, then estimated from September",
    ),
    pytest.param(
        london(2025, 8, 22, 16, 0),
        LA_ONLY,
        london(2025, 8, 26, 8, 45),
        None,
        id="before the first published school year: estimated, past the summer bank holiday",
    ),
    pytest.param(
        london(2026, 5, 29, 16, 0),
        LA_ONLY,
        london(2026, 6, 1, 8, 45),
        NORTHSHIRE,
        id="in a covered school year before its first term: the calendar answers",
    ),
    pytest.param(
        dt.datetime(2026, 9, 2, 23, 30, tzinfo=UTC),
        LA_ONLY,
        london(2026, 9, 3, 8, 45),
        NORTHSHIRE,
        id="23:30 UTC in BST is already Thursday 00:30 in London: Thursday's start",
    ),
    pytest.param(
        dt.datetime(2026, 9, 3, 7, 40, tzinfo=UTC),
        LA_ONLY,
        london(2026, 9, 3, 8, 45),
        NORTHSHIRE,
        id="07:40 UTC is 08:40 BST: the same day's start",
    ),
    pytest.param(
        dt.datetime(2026, 9, 3, 7, 50, tzinfo=UTC),
        LA_ONLY,
        london(2026, 9, 4, 8, 45),
        NORTHSHIRE,
        id="07:50 UTC is 08:50 BST, after the start: the next day",
    ),
    pytest.param(
        dt.datetime(2026, 9, 4, 23, 30, tzinfo=UTC),
        LA_ONLY,
        london(2026, 9, 7, 8, 45),
        NORTHSHIRE,
        id="Friday 23:30 UTC is Saturday in BST: Monday",
    ),
    pytest.param(
        dt.datetime(2026, 11, 27, 23, 30, tzinfo=UTC),
        LA_ONLY,
        london(2026, 11, 30, 8, 45),
        NORTHSHIRE,
        id="Friday 23:30 UTC in GMT is still Friday: Monday",
    ),
]


@pytest.mark.parametrize(("moment", "calendars", "expected", "deciding"), WORKED_EXAMPLES)
def test_worked_examples_of_the_start_of_the_next_school_day(
    moment: dt.datetime,
    calendars: tuple[SchoolCalendar, ...],
    expected: dt.datetime,
    deciding: SchoolCalendar | None,
) -> None:
    answer = next_school_day_start(moment, calendars)
    assert answer.at == expected
    assert answer.at.tzinfo is LONDON
    assert answer.rule == SCHOOL_DAY_RULE
    assert CALENDAR_VERSION in answer.rule_version
    if deciding is None:
        assert answer.estimated is True
        assert answer.at.time() == SCHOOL_DAY_FALLBACK_STARTS
        assert answer.calendar.startswith("No term calendar")
        assert answer.basis.startswith("Estimated")
        assert all(c.stamp not in answer.rule_version for c in calendars)
    else:
        assert answer.estimated is False
        assert answer.calendar == deciding.name
        assert deciding.stamp in answer.rule_version
        assert deciding.name in answer.basis
        assert answer.at.time() == deciding.day_starts


def test_the_answer_is_stamped_with_the_rule_the_calendar_and_the_holiday_data() -> None:
    answer = next_school_day_start(london(2026, 11, 27, 22, 0), ACADEMY_THEN_LA)
    assert answer == SchoolDayStart(
        at=london(2026, 11, 30, 8, 30),
        rule="SCHOOL-DAY-1",
        rule_version=f"1/setting-100234/v1/{CALENDAR_VERSION}",
        calendar="Ashcombe Academy's own terms",
        estimated=False,
        basis="The start of the next school day by Ashcombe Academy's own terms: "
        "Monday 30 November 2026 at 08:30",
    )


def test_the_bank_holidays_are_those_of_the_jurisdiction() -> None:
    for jurisdiction in ("england", "wales"):
        answer = next_school_day_start(london(2027, 4, 30, 22, 0), LA_ONLY, jurisdiction)
        assert answer.at == london(2027, 5, 4, 8, 45)
    with pytest.raises(ValueError, match="scotland"):
        next_school_day_start(london(2027, 4, 30, 22, 0), LA_ONLY, "scotland")


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        next_school_day_start(dt.datetime(2026, 11, 27, 22, 0), LA_ONLY)


def test_a_calendar_without_terms_covers_nothing() -> None:
    empty = SchoolCalendar(name="Nothing published yet", stamp="la-9/v1", terms=())
    assert not empty.covers(dt.date(2026, 11, 27))
    answer = next_school_day_start(london(2026, 11, 27, 22, 0), (empty,))
    assert answer.estimated is True
    assert answer.at == london(2026, 11, 30, 8, 45)


def test_a_calendar_covers_every_day_of_the_school_years_its_terms_fall_in() -> None:
    assert NORTHSHIRE.covers(dt.date(2026, 8, 15))
    assert not NORTHSHIRE.is_school_day(dt.date(2026, 8, 17))
    assert NORTHSHIRE.covers(dt.date(2025, 9, 1)) and NORTHSHIRE.covers(dt.date(2027, 8, 31))
    assert not NORTHSHIRE.covers(dt.date(2025, 8, 31))
    assert not NORTHSHIRE.covers(dt.date(2027, 9, 1))


def test_a_calendar_with_no_school_day_in_two_years_is_an_error() -> None:
    # Covers three years but its only school day is more than 800 days away: a data mistake.
    broken = SchoolCalendar(
        name="Mistyped terms",
        stamp="la-4/v1",
        terms=(
            Term(dt.date(2026, 1, 3), dt.date(2026, 1, 3)),
            Term(dt.date(2029, 1, 2), dt.date(2029, 1, 2)),
        ),
    )
    with pytest.raises(ValueError, match="No school day"):
        next_school_day_start(london(2026, 1, 5, 12, 0), (broken,))


# --- properties -------------------------------------------------------------------------


def _deciding(calendars: tuple[SchoolCalendar, ...], day: dt.date) -> SchoolCalendar | None:
    for calendar in calendars:
        terms = calendar.terms
        if not terms:
            continue
        first, last = min(t.starts_on for t in terms), max(t.ends_on for t in terms)
        first_year = first.year if first.month >= 9 else first.year - 1
        last_year = last.year if last.month >= 9 else last.year - 1
        if dt.date(first_year, 9, 1) <= day <= dt.date(last_year + 1, 8, 31):
            return calendar
    return None


def _is_school_day(calendars: tuple[SchoolCalendar, ...], day: dt.date) -> bool:
    """An independent statement of the rule, to check the module against."""
    if day.weekday() >= 5 or day in bank_holidays(day.year):
        return False
    calendar = _deciding(calendars, day)
    if calendar is None:
        return True
    return day not in calendar.inset_days and any(
        t.starts_on <= day <= t.ends_on for t in calendar.terms
    )


def _starts(calendars: tuple[SchoolCalendar, ...], day: dt.date) -> dt.datetime:
    calendar = _deciding(calendars, day)
    starts = calendar.day_starts if calendar else SCHOOL_DAY_FALLBACK_STARTS
    return dt.datetime.combine(day, starts, tzinfo=LONDON)


@st.composite
def made_up_calendars(draw: st.DrawFn) -> SchoolCalendar:
    """A calendar of a few terms with gaps between them, some INSET days inside them and
    a start time in the morning (never in the hour the clocks skip)."""
    day = draw(st.dates(min_value=dt.date(2026, 6, 1), max_value=dt.date(2027, 3, 1)))
    terms = []
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        day += dt.timedelta(days=draw(st.integers(min_value=0, max_value=20)))
        ends = day + dt.timedelta(days=draw(st.integers(min_value=0, max_value=60)))
        terms.append(Term(day, ends))
        day = ends + _ONE_DAY
    term_days = [
        t.starts_on + dt.timedelta(days=k)
        for t in terms
        for k in range((t.ends_on - t.starts_on).days + 1)
    ]
    inset = draw(st.frozensets(st.sampled_from(term_days), max_size=5))
    starts = dt.time(
        draw(st.integers(min_value=6, max_value=9)), draw(st.sampled_from([0, 15, 30, 45]))
    )
    return SchoolCalendar(
        name="A made-up calendar",
        stamp=f"made-up/{draw(st.integers(min_value=1, max_value=99))}",
        terms=tuple(terms),
        inset_days=inset,
        day_starts=starts,
    )


calendar_lists = st.one_of(
    st.sampled_from([NO_CALENDAR, LA_ONLY, ACADEMY_THEN_LA, (NORTHSHIRE, ASHCOMBE), (ASHCOMBE,)]),
    st.lists(made_up_calendars(), max_size=2).map(tuple),
)
moments = st.datetimes(
    min_value=dt.datetime(2026, 5, 1),
    max_value=dt.datetime(2027, 9, 30),
    timezones=st.sampled_from([UTC, LONDON]),
)
PROPERTY_SETTINGS = settings(deadline=None, max_examples=200)


@PROPERTY_SETTINGS
@given(moment=moments, calendars=calendar_lists)
def test_the_next_school_day_start_is_strictly_after_the_incident(
    moment: dt.datetime, calendars: tuple[SchoolCalendar, ...]
) -> None:
    assert next_school_day_start(moment, calendars).at > moment


@PROPERTY_SETTINGS
@given(moment=moments, calendars=calendar_lists)
def test_the_next_school_day_start_is_only_ever_on_a_school_day(
    moment: dt.datetime, calendars: tuple[SchoolCalendar, ...]
) -> None:
    answer = next_school_day_start(moment, calendars)
    day = answer.at.date()  # a London time, so its own date is the London day
    assert answer.at.tzinfo is LONDON
    assert day.weekday() < 5
    assert day not in bank_holidays(day.year)
    deciding = _deciding(calendars, day)
    assert answer.estimated is (deciding is None)
    if deciding is None:
        assert answer.at.time() == SCHOOL_DAY_FALLBACK_STARTS
    else:
        assert day not in deciding.inset_days
        assert any(t.starts_on <= day <= t.ends_on for t in deciding.terms)
        assert answer.at.time() == deciding.day_starts
        assert deciding.stamp in answer.rule_version
        assert deciding.name in answer.basis


@PROPERTY_SETTINGS
@given(moment=moments, calendars=calendar_lists)
def test_no_school_day_start_is_skipped(
    moment: dt.datetime, calendars: tuple[SchoolCalendar, ...]
) -> None:
    answer = next_school_day_start(moment, calendars)
    day = local_date(moment)
    while day < answer.at.date():
        assert not (_is_school_day(calendars, day) and _starts(calendars, day) > moment), day
        day += _ONE_DAY
    assert _is_school_day(calendars, day)
    assert answer.at == _starts(calendars, day)


@PROPERTY_SETTINGS
@given(first=moments, second=moments, calendars=calendar_lists)
def test_a_later_incident_never_has_an_earlier_school_day_start(
    first: dt.datetime, second: dt.datetime, calendars: tuple[SchoolCalendar, ...]
) -> None:
    early, late = sorted((first, second))
    assert next_school_day_start(early, calendars).at <= next_school_day_start(late, calendars).at


@PROPERTY_SETTINGS
@given(moment=moments, calendars=calendar_lists)
def test_asking_again_just_before_the_answer_gives_the_same_answer(
    moment: dt.datetime, calendars: tuple[SchoolCalendar, ...]
) -> None:
    answer = next_school_day_start(moment, calendars)
    assert next_school_day_start(answer.at - dt.timedelta(minutes=1), calendars) == answer
    assert next_school_day_start(answer.at, calendars).at > answer.at
