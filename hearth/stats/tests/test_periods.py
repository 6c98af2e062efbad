"""Periods: months, quarters, calendar and financial years, on the London clock."""

from __future__ import annotations

import datetime as dt

import pytest

from hearth.core.clock import LONDON
from hearth.stats.periods import (
    Granularity,
    Period,
    add_months,
    financial_year_label,
    period_containing,
    period_containing_day,
    period_from_key,
    periods_between,
)

UTC = dt.UTC
FY = Granularity.FINANCIAL_YEAR


def test_financial_year_runs_from_1_april_to_31_march():
    fy = period_containing_day(dt.date(2025, 3, 31), FY)
    assert (fy.first, fy.last, fy.label, fy.key) == (
        dt.date(2024, 4, 1),
        dt.date(2025, 3, 31),
        "2024-25",
        "FY2024-25",
    )
    assert period_containing_day(dt.date(2025, 4, 1), FY).label == "2025-26"
    assert period_containing_day(dt.date(2025, 1, 1), FY).label == "2024-25"
    assert fy.census_year == 2025


def test_00_30_bst_on_1_april_is_in_the_new_financial_year():
    moment = dt.datetime(2025, 3, 31, 23, 30, tzinfo=UTC)  # 00:30 BST on 1 April
    assert period_containing(moment, FY).label == "2025-26"
    # One minute before London's midnight stays in the old year.
    assert period_containing(dt.datetime(2025, 3, 31, 22, 59, tzinfo=UTC), FY).label == ("2024-25")


def test_bounds_are_london_midnights_half_open():
    fy = period_from_key("FY2025-26")
    start, end = fy.bounds()
    assert start == dt.datetime(2025, 4, 1, tzinfo=LONDON)
    assert start.astimezone(UTC) == dt.datetime(2025, 3, 31, 23, tzinfo=UTC)  # BST
    assert end == dt.datetime(2026, 4, 1, tzinfo=LONDON)
    assert fy.contains(start)
    assert not fy.contains(end)
    assert fy.contains(end - dt.timedelta(microseconds=1))
    january = period_from_key("2026-01")
    assert january.start.astimezone(UTC) == dt.datetime(2026, 1, 1, tzinfo=UTC)  # GMT


def test_months_quarters_and_calendar_years():
    day = dt.date(2024, 2, 29)
    month = period_containing_day(day, Granularity.MONTH)
    assert (month.first, month.last, month.label, month.key) == (
        dt.date(2024, 2, 1),
        dt.date(2024, 2, 29),
        "February 2024",
        "2024-02",
    )
    quarter = period_containing_day(day, Granularity.QUARTER)
    assert (quarter.first, quarter.last, quarter.label, quarter.key) == (
        dt.date(2024, 1, 1),
        dt.date(2024, 3, 31),
        "January to March 2024",
        "2024-Q1",
    )
    q4 = period_containing_day(dt.date(2024, 12, 31), Granularity.QUARTER)
    assert (q4.first, q4.label) == (dt.date(2024, 10, 1), "October to December 2024")
    year = period_containing_day(day, Granularity.YEAR)
    assert (year.first, year.last, year.label, year.key) == (
        dt.date(2024, 1, 1),
        dt.date(2024, 12, 31),
        "2024",
        "2024",
    )
    assert year.census_year is None


def test_periods_between_includes_both_ends():
    months = periods_between(dt.date(2024, 11, 15), dt.date(2025, 2, 1), Granularity.MONTH)
    assert [p.key for p in months] == ["2024-11", "2024-12", "2025-01", "2025-02"]
    years = periods_between(dt.date(2024, 3, 31), dt.date(2024, 4, 1), FY)
    assert [p.label for p in years] == ["2023-24", "2024-25"]
    assert periods_between(dt.date(2025, 1, 1), dt.date(2025, 1, 1), Granularity.QUARTER) == [
        period_from_key("2025-Q1")
    ]
    assert periods_between(dt.date(2025, 1, 2), dt.date(2025, 1, 1), Granularity.MONTH) == []


@pytest.mark.parametrize("key", ["2025-04", "2025-Q4", "2025", "FY2025-26", "FY1999-00"])
def test_keys_read_back(key):
    assert period_from_key(key).key == key


@pytest.mark.parametrize("key", ["2025-13", "2025-Q5", "FY2025-27", "25", "", "fy2025-26"])
def test_bad_keys_are_refused(key):
    with pytest.raises(ValueError, match="Not a period"):
        period_from_key(key)


def test_financial_year_label_crosses_the_century():
    assert financial_year_label(1999) == "1999-00"


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2024, 3, 15), -3) == dt.date(2023, 12, 15)
    assert add_months(dt.date(2024, 12, 31), 12) == dt.date(2025, 12, 31)


def test_naive_moments_and_datetimes_as_days_are_refused():
    with pytest.raises(ValueError, match="aware"):
        period_containing(dt.datetime(2025, 4, 1), FY)
    with pytest.raises(TypeError):
        period_containing_day(dt.datetime(2025, 4, 1, tzinfo=UTC), FY)


def test_periods_order_by_first_day():
    a, b = period_from_key("2025-01"), period_from_key("2025-02")
    assert a < b
    assert a.next() == b
    assert isinstance(a, Period)
