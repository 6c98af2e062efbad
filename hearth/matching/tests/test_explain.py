"""What a practitioner reads about a candidate: comparison by comparison, in plain words,
with how strong each piece of evidence is, and which fields could not be compared."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hearth.matching.comparisons import features
from hearth.matching.explain import explanation, reasons
from hearth.matching.model import ScoringModel, current_model, strength


def score(model: ScoringModel, left: dict[str, Any], right: dict[str, Any]) -> Any:
    return model.score(features(unique_id=1, **left), features(unique_id=2, **right))


BORN = dt.date(2016, 3, 7)


def test_swapped_day_and_month_is_explained_as_weaker_evidence() -> None:
    model = current_model()
    result = score(
        model,
        {"given_names": "Zoe", "family_name": "Brennan", "date_of_birth": BORN},
        {"given_names": "Zoe", "family_name": "Brennan", "date_of_birth": dt.date(2016, 7, 3)},
    )
    lines = explanation(result)
    dob = next(line for line in lines if line.startswith("Date of birth"))
    assert dob == "Date of birth: day and month swapped — weaker evidence"
    assert "Date of birth with day and month swapped" in reasons(result)
    assert any(line.startswith("Given names: the same") for line in lines)
    weights = [abs(e.weight) for e in result.evidence if e.level != "null"]
    assert len(lines) == len(weights) + 1, "one line a comparison, then what was missing"
    assert weights, "something was compared"
    assert lines[-1] == (
        "Not recorded on both, so not compared: sex, postcode, address, town, nhs number, "
        "unique pupil number"
    )


def test_a_common_family_name_counts_for_less_and_says_so() -> None:
    model = current_model()
    common = max(model.tf["family"], key=model.tf["family"].__getitem__)
    assert model.tf["family"][common] > 0.005
    person = {"given_names": "Ann", "date_of_birth": BORN}
    with_common = score(model, person | {"family_name": common}, person | {"family_name": common})
    with_rare = score(
        model, person | {"family_name": "Quayle-Oduya"}, person | {"family_name": "Quayle-Oduya"}
    )
    common_line = next(e for e in with_common.evidence if e.comparison == "Family name")
    rare_line = next(e for e in with_rare.evidence if e.comparison == "Family name")
    assert common_line.weight < rare_line.weight
    assert common_line.words.startswith("Family name: the same, but common here")
    assert rare_line.words.startswith("Family name: the same, and uncommon here")
    assert with_common.probability < with_rare.probability


def test_a_different_date_of_birth_is_evidence_against() -> None:
    result = score(
        current_model(),
        {"given_names": "Zoe", "family_name": "Brennan", "date_of_birth": BORN},
        {"given_names": "Zoe", "family_name": "Brennan", "date_of_birth": dt.date(1971, 11, 28)},
    )
    line = next(e for e in result.evidence if e.comparison == "Date of birth")
    assert line.weight < 0
    assert line.words.startswith("Date of birth: different — ")
    assert "against" in line.words


def test_strength_words() -> None:
    assert strength(10) == "strong evidence"
    assert strength(10, exact=False) == "weaker evidence"
    assert strength(3) == "weaker evidence"
    assert strength(0) == "little evidence either way"
    assert strength(-3) == "evidence against"
    assert strength(-10) == "strong evidence against"


def test_nickname_and_previous_name_are_said() -> None:
    result = score(
        current_model(),
        {"given_names": "Bill", "family_name": "Walsh", "date_of_birth": BORN},
        {
            "given_names": "William",
            "family_name": "Okafor",
            "other_family_names": ["Walsh"],
            "date_of_birth": BORN,
        },
    )
    words = {e.comparison: e.words for e in result.evidence}
    assert words["Given names"].startswith("Given names: a short form of the same name")
    assert words["Family name"].startswith("Family name: matches a previous or other name")
