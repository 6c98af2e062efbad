"""The one interface to person matching: ``find_candidates`` behind
``HEARTH_PERSON_MATCHER``, the probabilistic matcher by default, the old rules on request;
``Candidate`` grew fields with defaults, so older callers keep working."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hearth.accounts.models import Agency
from hearth.people.matching import Candidate, PersonQuery, find_candidates
from hearth.people.models import Person

pytestmark = pytest.mark.django_db

BORN = dt.date(2013, 9, 2)


@pytest.fixture
def imani(wessex: Any) -> Person:
    agency = Agency.objects.order_by("pk")[0]
    return Person.objects.create(
        given_names="Imani", family_name="Adeyemi", date_of_birth=BORN, recorded_by_agency=agency
    )


def test_the_default_matcher_is_probabilistic_and_explained(imani: Person) -> None:
    within = Person.objects.filter(pk=imani.pk)
    [found] = find_candidates(PersonQuery("imani", "ADEYEMI", BORN), within=within)
    assert found.person_id == imani.pk
    assert found.model_version
    assert found.explanation and found.match_weight is not None
    assert "Same name" in found.reasons and "Same date of birth" in found.reasons


def test_the_old_rules_can_be_chosen(imani: Person, settings: Any) -> None:
    settings.HEARTH_PERSON_MATCHER = "hearth.people.matching.RuleBasedMatcher"
    within = Person.objects.filter(pk=imani.pk)
    [found] = find_candidates(PersonQuery("Imani", "Adeyemi", BORN), within=within)
    assert (found.score, found.model_version, found.explanation) == (1.0, "", ())


def test_a_candidate_made_the_old_way_still_works() -> None:
    old = Candidate(7, 0.8, ("Same name",))
    assert (old.explanation, old.model_version, old.match_weight) == ((), "", None)
