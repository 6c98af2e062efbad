"""GOV.UK dates and times, one style everywhere (issue 17)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template

from hearth.core.clock import LONDON
from hearth.core.dates import govuk_date, govuk_datetime, govuk_time


@pytest.mark.parametrize(
    ("hour", "minute", "words"),
    [
        (8, 45, "8:45am"),
        (17, 0, "5pm"),
        (17, 30, "5:30pm"),
        (12, 0, "midday"),
        (0, 0, "midnight"),
        (0, 5, "12:05am"),
        (12, 1, "12:01pm"),
    ],
)
def test_times_are_in_govuk_style(hour: int, minute: int, words: str) -> None:
    assert govuk_time(dt.time(hour, minute)) == words


def test_dates_have_no_leading_zero() -> None:
    day = dt.date(2026, 12, 7)
    assert govuk_date(day) == "7 December 2026"
    assert govuk_date(day, weekday=True) == "Monday 7 December 2026"
    assert govuk_date(day, short=True) == "7 Dec 2026"
    assert govuk_date(day, weekday=True, short=True) == "Mon 7 Dec 2026"


def test_a_moment_is_its_time_on_its_day_in_london() -> None:
    # 08:45 UTC in summer is 9:45am in London.
    summer = dt.datetime(2026, 7, 6, 8, 45, tzinfo=dt.UTC)
    assert govuk_datetime(summer) == "9:45am on Monday 6 July 2026"
    winter = dt.datetime(2026, 12, 7, 8, 45, tzinfo=LONDON)
    assert govuk_datetime(winter) == "8:45am on Monday 7 December 2026"
    assert govuk_datetime(winter, short=True) == "8:45am on 7 Dec 2026"


def test_the_filters_are_in_every_template_and_empty_stays_empty() -> None:
    moment = dt.datetime(2026, 12, 7, 8, 45, tzinfo=LONDON)
    out = Template(
        "{{ m|govuk_datetime }}|{{ m|govuk_time }}|{{ d|govuk_date }}|{{ none|govuk_datetime }}"
    ).render(Context({"m": moment, "d": moment.date(), "none": None}))
    assert out == "8:45am on Monday 7 December 2026|8:45am|7 December 2026|"
    assert "a.m." not in out
