"""ASSURE-1 v1: an entry lapses when not confirmed within 3 calendar months."""

from __future__ import annotations

from datetime import date

import pytest

from hearth.directory.policy import assurance_lapsed, months_before


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 12, 6), date(2026, 9, 6)),
        (date(2026, 2, 15), date(2025, 11, 15)),
        (date(2026, 5, 31), date(2026, 2, 28)),  # February is shorter
        (date(2028, 5, 31), date(2028, 2, 29)),  # a leap year
    ],
)
def test_months_before_keeps_the_day_or_the_month_end(day: date, expected: date) -> None:
    assert months_before(day, 3) == expected


def test_an_entry_confirmed_exactly_3_months_ago_has_not_lapsed() -> None:
    today = date(2026, 12, 6)
    assert not assurance_lapsed(date(2026, 9, 6), today)
    assert assurance_lapsed(date(2026, 9, 5), today)


def test_an_entry_never_confirmed_has_lapsed() -> None:
    assert assurance_lapsed(None, date(2026, 12, 6))
