"""Working days: worked examples from the bank-holiday calendar, and the properties every
deadline relies on (style.md §10: never lands on a weekend or holiday, monotonic,
composable)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hearth.accounts.models import Country
from hearth.core.calendar import (
    CALENDAR_RULE,
    CALENDAR_VERSION,
    Jurisdiction,
    add_working_days,
    bank_holidays,
    end_of_day,
    is_working_day,
    local_date,
    next_working_day,
    working_day_deadline,
    working_days_between,
)
from hearth.core.clock import LONDON

UTC = dt.UTC


def london(year: int, month: int, day: int, hour: int, minute: int, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=LONDON)


def end_of(year: int, month: int, day: int) -> dt.datetime:
    return london(year, month, day, 23, 59, 59)


# (received, working days, deadline, jurisdiction)
WORKED_EXAMPLES = [
    pytest.param(
        london(2026, 12, 24, 23, 0),
        1,
        end_of(2026, 12, 29),
        Jurisdiction.ENGLAND,
        id="Christmas Eve 2026: Christmas Friday, weekend, Boxing Day substitute Monday",
    ),
    pytest.param(
        london(2026, 12, 24, 23, 0),
        1,
        end_of(2026, 12, 29),
        Jurisdiction.WALES,
        id="Christmas Eve 2026 in Wales",
    ),
    pytest.param(
        london(2026, 11, 27, 22, 0),
        1,
        end_of(2026, 11, 30),
        Jurisdiction.ENGLAND,
        id="Friday night: the end of Monday",
    ),
    pytest.param(
        london(2026, 11, 28, 9, 0),
        1,
        end_of(2026, 11, 30),
        Jurisdiction.ENGLAND,
        id="received at the weekend: the end of Monday",
    ),
    pytest.param(
        london(2026, 8, 28, 16, 0),
        1,
        end_of(2026, 9, 1),
        Jurisdiction.ENGLAND,
        id="Friday before the late summer bank holiday: Tuesday",
    ),
    pytest.param(
        london(2026, 8, 31, 10, 0),
        1,
        end_of(2026, 9, 1),
        Jurisdiction.WALES,
        id="received on the bank holiday Monday itself, in Wales",
    ),
    pytest.param(
        london(2027, 3, 25, 12, 0),
        1,
        end_of(2027, 3, 30),
        Jurisdiction.ENGLAND,
        id="Easter 2027: Good Friday, weekend, Easter Monday",
    ),
    pytest.param(
        london(2027, 3, 25, 12, 0),
        3,
        end_of(2027, 4, 1),
        Jurisdiction.ENGLAND,
        id="Easter 2027, three working days",
    ),
    pytest.param(
        london(2027, 5, 28, 15, 0),
        1,
        end_of(2027, 6, 1),
        Jurisdiction.ENGLAND,
        id="late May (spring) bank holiday 2027",
    ),
    pytest.param(
        london(2023, 5, 5, 12, 0),
        1,
        end_of(2023, 5, 9),
        Jurisdiction.ENGLAND,
        id="a one-off bank holiday: the coronation, Monday 8 May 2023",
    ),
    pytest.param(
        dt.datetime(2027, 3, 28, 0, 59, 59, tzinfo=UTC),
        1,
        end_of(2027, 3, 30),
        Jurisdiction.ENGLAND,
        id="the last second of GMT, Easter Sunday 2027",
    ),
    pytest.param(
        dt.datetime(2027, 3, 30, 23, 30, tzinfo=UTC),
        1,
        end_of(2027, 4, 1),
        Jurisdiction.ENGLAND,
        id="23:30 UTC is already Wednesday in BST",
    ),
    pytest.param(
        dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        1,
        end_of(2026, 10, 26),
        Jurisdiction.ENGLAND,
        id="the first 01:30 of 25 October 2026 (BST)",
    ),
    pytest.param(
        dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
        1,
        end_of(2026, 10, 26),
        Jurisdiction.ENGLAND,
        id="the second 01:30 of 25 October 2026 (GMT)",
    ),
    pytest.param(
        london(2026, 12, 24, 23, 0),
        0,
        end_of(2026, 12, 24),
        Jurisdiction.ENGLAND,
        id="zero working days: the end of the day of receipt",
    ),
]


@pytest.mark.parametrize(("received", "n", "deadline", "jurisdiction"), WORKED_EXAMPLES)
def test_worked_examples_of_a_deadline_within_n_working_days_of_receipt(
    received: dt.datetime, n: int, deadline: dt.datetime, jurisdiction: Jurisdiction
) -> None:
    due = working_day_deadline(received, n, jurisdiction)
    assert due == deadline
    assert due.tzinfo is LONDON
    assert (due.hour, due.minute, due.second) == (23, 59, 59)


def test_a_referral_received_on_christmas_eve_2026_is_decided_by_the_end_of_tuesday() -> None:
    """Working Together 2023: a decision within one working day of receipt."""
    due = working_day_deadline(london(2026, 12, 24, 23, 0), 1)
    assert due == london(2026, 12, 29, 23, 59, 59)
    assert due.astimezone(UTC) == dt.datetime(2026, 12, 29, 23, 59, 59, tzinfo=UTC)


def test_the_end_of_a_summer_day_is_an_hour_ahead_of_utc() -> None:
    assert end_of_day(dt.date(2026, 7, 1)).astimezone(UTC) == dt.datetime(
        2026, 7, 1, 22, 59, 59, tzinfo=UTC
    )


def test_the_bank_holidays_of_2026_in_england_and_wales() -> None:
    expected = {
        dt.date(2026, 1, 1),
        dt.date(2026, 4, 3),
        dt.date(2026, 4, 6),
        dt.date(2026, 5, 4),
        dt.date(2026, 5, 25),
        dt.date(2026, 8, 31),
        dt.date(2026, 12, 25),
        dt.date(2026, 12, 28),
    }
    for jurisdiction in Jurisdiction:
        holidays = bank_holidays(2026, jurisdiction)
        # Boxing Day falls on a Saturday in 2026; the weekday that matters is its substitute.
        assert holidays - {dt.date(2026, 12, 26)} == expected
    assert bank_holidays(2026, "wales") is bank_holidays(2026, "wales")  # cached


def test_the_jurisdictions_are_the_countries_areas_are_in() -> None:
    assert {j.value for j in Jurisdiction} == set(Country.values)


def test_an_unknown_jurisdiction_is_refused() -> None:
    with pytest.raises(ValueError, match="scotland"):
        is_working_day(dt.date(2026, 1, 5), "scotland")
    with pytest.raises(ValueError, match="scotland"):
        add_working_days(dt.date(2026, 1, 5), 0, "scotland")


def test_working_days_are_counted_forwards_only() -> None:
    with pytest.raises(ValueError, match="forwards"):
        add_working_days(dt.date(2026, 1, 5), -1)


def test_a_day_is_a_london_date_never_a_datetime_or_a_naive_moment() -> None:
    with pytest.raises(TypeError, match="local_date"):
        add_working_days(dt.datetime(2026, 1, 5, 12, 0, tzinfo=UTC), 1)
    with pytest.raises(ValueError, match="aware"):
        local_date(dt.datetime(2026, 1, 5, 12, 0))
    assert local_date(dt.datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == dt.date(2026, 7, 1)
    assert local_date(dt.datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == dt.date(2026, 12, 31)


def test_deadlines_are_stamped_with_the_rule_and_the_holiday_data_release() -> None:
    assert CALENDAR_RULE == "WORKING-DAYS-1"
    assert CALENDAR_VERSION.startswith("1/holidays-0.")


def test_working_days_between_counts_the_end_day_but_not_the_start_day() -> None:
    thursday, tuesday = dt.date(2026, 12, 24), dt.date(2026, 12, 29)
    assert working_days_between(thursday, tuesday) == 1
    assert working_days_between(thursday, thursday) == 0
    assert working_days_between(tuesday, thursday) == 0
    assert working_days_between(dt.date(2026, 12, 31), dt.date(2027, 1, 8)) == 5


# --- properties -------------------------------------------------------------------------

days = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 12, 31))
counts = st.integers(min_value=0, max_value=80)
jurisdictions = st.sampled_from(list(Jurisdiction))


@settings(deadline=None)
@given(day=days, n=st.integers(min_value=1, max_value=80), jurisdiction=jurisdictions)
def test_adding_working_days_never_lands_on_a_weekend_or_bank_holiday(
    day: dt.date, n: int, jurisdiction: Jurisdiction
) -> None:
    due = add_working_days(day, n, jurisdiction)
    assert due > day
    assert due.weekday() < 5
    assert due not in bank_holidays(due.year, jurisdiction)
    assert is_working_day(due, jurisdiction)


@settings(deadline=None)
@given(day=days, n=counts, m=counts, jurisdiction=jurisdictions)
def test_more_working_days_is_never_earlier(
    day: dt.date, n: int, m: int, jurisdiction: Jurisdiction
) -> None:
    low, high = sorted((n, m))
    assert add_working_days(day, low, jurisdiction) <= add_working_days(day, high, jurisdiction)


@settings(deadline=None)
@given(first=days, second=days, n=counts, jurisdiction=jurisdictions)
def test_a_later_start_is_never_an_earlier_deadline(
    first: dt.date, second: dt.date, n: int, jurisdiction: Jurisdiction
) -> None:
    early, late = sorted((first, second))
    assert add_working_days(early, n, jurisdiction) <= add_working_days(late, n, jurisdiction)


@settings(deadline=None)
@given(day=days, n=counts, m=counts, jurisdiction=jurisdictions)
def test_adding_working_days_composes(
    day: dt.date, n: int, m: int, jurisdiction: Jurisdiction
) -> None:
    assert add_working_days(add_working_days(day, n, jurisdiction), m, jurisdiction) == (
        add_working_days(day, n + m, jurisdiction)
    )


@settings(deadline=None)
@given(day=days, n=counts, jurisdiction=jurisdictions)
def test_working_days_between_undoes_adding_them(
    day: dt.date, n: int, jurisdiction: Jurisdiction
) -> None:
    assert working_days_between(day, add_working_days(day, n, jurisdiction), jurisdiction) == n


@settings(deadline=None)
@given(day=days, jurisdiction=jurisdictions)
def test_the_next_working_day_is_one_working_day_on(
    day: dt.date, jurisdiction: Jurisdiction
) -> None:
    following = next_working_day(day, jurisdiction)
    assert following == add_working_days(day, 1, jurisdiction)
    assert all(
        not is_working_day(day + dt.timedelta(days=k), jurisdiction)
        for k in range(1, (following - day).days)
    )


@settings(deadline=None)
@given(
    moment=st.datetimes(
        min_value=dt.datetime(2020, 1, 1),
        max_value=dt.datetime(2035, 12, 31),
        timezones=st.just(UTC),
    ),
    n=counts,
)
def test_a_deadline_is_the_end_of_a_london_day_never_before_receipt(
    moment: dt.datetime, n: int
) -> None:
    due = working_day_deadline(moment, n)
    assert due >= moment
    assert due == end_of_day(local_date(due))
    assert working_days_between(local_date(moment), local_date(due)) == n
