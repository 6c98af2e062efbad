"""The whole population at once (Splink's DuckDB backend): pairs above a threshold, with the
same words as the lookup, for ``link_people``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hearth.accounts.models import Agency
from hearth.matching.batch import pairs, population_pairs
from hearth.matching.comparisons import features
from hearth.matching.model import current_model
from hearth.matching.training import rows_table
from hearth.people.models import Person


def test_pairs_finds_the_same_people_and_explains_them() -> None:
    born = dt.date(2015, 3, 7)
    rows = [
        features(unique_id=1, given_names="Ada", family_name="Quinn", date_of_birth=born),
        features(
            unique_id=2, given_names="Ada", family_name="Quinn", date_of_birth=dt.date(2015, 7, 3)
        ),
        features(unique_id=3, given_names="Tom", family_name="Hale", date_of_birth=born),
        features(
            unique_id=4,
            given_names="William",
            family_name="Okafor",
            date_of_birth=dt.date(2011, 1, 30),
        ),
        features(
            unique_id=5,
            given_names="Bill",
            family_name="Okafor",
            date_of_birth=dt.date(2011, 1, 30),
        ),
        features(
            unique_id=6, given_names="Mary", family_name="Quinn", date_of_birth=dt.date(1980, 2, 2)
        ),
    ]
    found = list(pairs(rows_table(rows), threshold=0.5))
    assert {(p.person_id_a, p.person_id_b) for p in found} == {(1, 2), (4, 5)}
    swapped = next(p for p in found if p.person_id_a == 1)
    assert "Date of birth: day and month swapped — weaker evidence" in swapped.explanation
    assert swapped.model_version == current_model().version
    lookup = current_model().score(rows[0], rows[1]).probability
    assert swapped.probability == pytest.approx(lookup, rel=1e-9), "batch and lookup agree"


@pytest.mark.django_db
def test_population_pairs_reads_every_agencys_people(wessex: Any) -> None:
    police, council = Agency.objects.order_by("pk")[:2]
    born = dt.date(2016, 3, 4)
    a = Person.objects.create(
        given_names="Kacper", family_name="Nowak", date_of_birth=born, recorded_by_agency=police
    )
    b = Person.objects.create(
        given_names="Kacper", family_name="Nowack", date_of_birth=born, recorded_by_agency=council
    )
    steps: list[str] = []
    found = list(population_pairs(Person.objects.all(), progress=steps.append))
    assert (min(a.pk, b.pk), max(a.pk, b.pk)) in {(p.person_id_a, p.person_id_b) for p in found}
    assert "scoring pairs" in steps
