"""Quality on data nobody here wrote: a slice of FEBRL4 (500 people and their 500 altered
records), trained without labels, loaded as people, every altered record looked up through
Hearth's own lookup. A real quality test: it fails if matching gets worse."""

from __future__ import annotations

from typing import Any

import pytest

from hearth.matching.bench import febrl4
from hearth.people.models import Person

pytestmark = pytest.mark.django_db


def test_a_febrl4_slice_is_matched_well_and_better_than_the_old_rules(wessex: Any) -> None:
    people_before = Person.objects.count()
    result = febrl4(lambda message: None, limit=500)
    auto_link, review = result["probabilistic"]["at"]
    rules = result["rules"]["at"][0]

    assert result["people_loaded"] == result["lookups"] == 500
    assert auto_link["precision"] >= 0.99
    assert auto_link["f1"] >= 0.97
    assert review["recall"] >= auto_link["recall"]
    assert review["f1"] >= 0.97
    assert auto_link["f1"] > rules["f1"] + 0.05
    assert Person.objects.count() == people_before, "the benchmark's people are removed"
