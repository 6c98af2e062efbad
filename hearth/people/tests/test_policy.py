"""Identifiers, names and relationships (no database)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from hearth.people.matching import NameForm, PersonQuery, PersonRecord, score_pair, swapped
from hearth.people.policy import (
    Kinship,
    Tie,
    age_on,
    are_personally_connected,
    family_name_key,
    inverse,
    nhs_number_problem,
    normalise_name,
    relation_to_child,
    upn_problem,
)


def test_nhs_numbers_are_checked() -> None:
    assert nhs_number_problem("943 476 5919") is None
    assert "check digit" in (nhs_number_problem("9434765918") or "")
    assert "10 digits" in (nhs_number_problem("12345") or "")


def test_unique_pupil_numbers_are_checked() -> None:
    assert upn_problem("B801200005001") is None
    assert "check letter" in (upn_problem("A801200005001") or "")
    assert "letter then 12" in (upn_problem("801200005001") or "")


def test_ages_count_completed_years() -> None:
    born = dt.date(2008, 11, 22)
    assert age_on(born, dt.date(2026, 11, 21)) == 17
    assert age_on(born, dt.date(2026, 11, 22)) == 18


def test_names_ignore_case_accents_hyphens_and_apostrophes() -> None:
    assert (
        normalise_name("Zoë O'Brien-Smith")
        == normalise_name("zoe obrien smith")
        == "zoe obrien smith"
    )
    assert family_name_key("O Brien-Smith") == family_name_key("O'Brien Smith") == "obriensmith"


@given(st.sampled_from(list(Kinship)))
def test_inverse_of_inverse_is_itself(kinship: Kinship) -> None:
    assert inverse(inverse(kinship)) == kinship


def test_relatives_and_connections() -> None:
    assert are_personally_connected([Tie(Kinship.ENGAGED)])
    assert are_personally_connected([Tie(Kinship.COUSIN)])
    assert not are_personally_connected([Tie(Kinship.PARENTS_PARTNER)])
    assert (
        relation_to_child([Tie(Kinship.CARER, parental_responsibility=True)])
        == "has parental responsibility for them"
    )
    assert relation_to_child([Tie(Kinship.CARER)]) is None


def record(
    given_names: str, family: str, dob: dt.date | None, *aliases: tuple[str, str]
) -> PersonRecord:
    names: tuple[NameForm, ...] = (NameForm(normalise_name(given_names), family_name_key(family)),)
    names += tuple(NameForm(normalise_name(g), family_name_key(f)) for g, f in aliases)
    return PersonRecord(person_id=1, names=names, date_of_birth=dob)


def test_the_same_person_typed_differently_is_found_with_reasons() -> None:
    known = record("Zoë", "O'Brien-Smith", dt.date(2015, 3, 4))
    typed = PersonQuery("zoe", "OBrien Smith", dt.date(2015, 3, 4))
    found = score_pair(typed, known)
    assert found is not None
    assert found.score == 1.0
    assert found.reasons == ("Same name", "Same date of birth")
    day_month_swapped = score_pair(PersonQuery("Zoe", "O'Brien-Smith", dt.date(2015, 4, 3)), known)
    assert day_month_swapped is not None
    assert "Date of birth with day and month swapped" in day_month_swapped.reasons
    assert score_pair(PersonQuery("Zoe", "Jones", dt.date(2001, 1, 1)), known) is None


def test_an_alias_is_matched() -> None:
    known = record("Kerry", "Vance", dt.date(1990, 6, 1), ("Kerry", "Marsh"))
    found = score_pair(PersonQuery("Kerry", "Marsh", dt.date(1990, 6, 1)), known)
    assert found is not None
    assert found.reasons[0] == "Same other name"


def test_swapping_day_and_month() -> None:
    assert swapped(dt.date(2015, 3, 4)) == dt.date(2015, 4, 3)
    assert swapped(dt.date(2015, 3, 13)) is None
    assert swapped(dt.date(2015, 5, 5)) is None
