"""Ages in words (issue 17): "5 months" for a baby, never "Age 0" or "They are 0"."""

from __future__ import annotations

import datetime as dt

import pytest

from hearth.core.ages import age_in_words, completed_months
from hearth.incidents.policy import ChildFacts, child_victim_status

D = dt.date


@pytest.mark.parametrize(
    ("born", "day", "words"),
    [
        (D(2026, 6, 1), D(2026, 11, 20), "5 months"),
        (D(2026, 10, 20), D(2026, 11, 20), "1 month"),
        (D(2026, 10, 21), D(2026, 11, 20), "4 weeks"),
        (D(2026, 11, 6), D(2026, 11, 20), "2 weeks"),
        (D(2026, 11, 14), D(2026, 11, 20), "Under 1 week"),
        (D(2026, 11, 20), D(2026, 11, 20), "Under 1 week"),
        (D(2025, 11, 20), D(2026, 11, 20), "12 months"),
        (D(2024, 11, 21), D(2026, 11, 20), "23 months"),
        (D(2024, 11, 20), D(2026, 11, 20), "2 years"),
        (D(2018, 6, 11), D(2026, 11, 20), "8 years"),
        (D(2009, 11, 21), D(2026, 11, 20), "16 years"),
    ],
)
def test_an_age_is_said_in_months_under_two_and_in_years_after(
    born: dt.date, day: dt.date, words: str
) -> None:
    assert age_in_words(born=born, day=day) == words


def test_a_child_born_on_the_31st_has_a_monthly_birthday_on_a_shorter_months_last_day() -> None:
    assert completed_months(D(2026, 1, 31), D(2026, 2, 28)) == 1
    assert completed_months(D(2026, 1, 31), D(2026, 2, 27)) == 0
    assert completed_months(D(2026, 1, 31), D(2026, 4, 30)) == 3
    assert completed_months(D(2026, 1, 15), D(2026, 4, 14)) == 2


def test_an_estimated_age_is_about_so_many_years_and_no_age_is_none() -> None:
    day = D(2026, 11, 20)
    assert age_in_words(born=None, day=day, years=3, estimated=True) == "About 3 years"
    assert age_in_words(born=None, day=day, years=1) == "1 year"
    assert age_in_words(born=None, day=day, years=0, estimated=True) == "Under 1 year"
    assert age_in_words(born=None, day=day) is None
    assert age_in_words(born=D(2026, 12, 1), day=day) is None  # not born on that day


def test_no_age_in_words_is_ever_zero() -> None:
    day = D(2026, 11, 20)
    for offset in range(0, 800, 3):
        words = age_in_words(born=day - dt.timedelta(days=offset), day=day)
        assert words is not None and not words.startswith("0")


def _facts(age: int, words: str | None) -> ChildFacts:
    return ChildFacts(
        age=age,
        age_words=words,
        saw=False,
        heard=True,
        experienced_effects=False,
        victims=[("Kerry Vance", [])],
        perpetrators=[("Dean Vance", [])],
    )


def test_the_section_3_reasons_say_a_babys_age_in_months_not_0() -> None:
    reasons = child_victim_status(_facts(0, "5 months")).reasons
    assert "They are 5 months old, so under 18" in reasons
    assert not any("They are 0" in r for r in reasons)
    newborn = child_victim_status(_facts(0, "Under 1 week")).reasons
    assert "They are under 1 week old, so under 18" in newborn


def test_the_section_3_reasons_say_an_older_childs_age_in_years() -> None:
    assert "They are 8, so under 18" in child_victim_status(_facts(8, "8 years")).reasons
