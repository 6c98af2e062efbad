"""``manage.py link_people`` over the whole population (issue 16 §2): the batch run
(Splink on DuckDB) and the lookup per person both link the same child recorded by two
agencies, with progress, and a second run changes nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from conftest import Wessex
from hearth.matching import policy
from hearth.matching.models import PersonLink
from hearth.matching.tests.helpers import FRONT_DOOR, POLICE, record

pytestmark = [pytest.mark.django_db]


@pytest.mark.parametrize("per_person", [True, False])
def test_link_people_links_the_same_child_at_two_agencies_once(
    wessex: Wessex, per_person: bool
) -> None:
    police = record(wessex, POLICE, "Ottoline", "Quarrington", dt.date(2016, 3, 4))
    council = record(wessex, FRONT_DOOR, "Ottoline", "Quarrington", dt.date(2016, 3, 4))
    args = ["--per-person"] if per_person else []
    out = StringIO()
    call_command("link_people", *args, stdout=out)
    link = PersonLink.objects.get(
        person_a_id=min(police.pk, council.pk), person_b_id=max(police.pk, council.pk)
    )
    assert link.status == policy.LinkStatus.LINKED
    assert link.method == ("automatic" if per_person else "batch")
    assert link.model_version
    assert "possible pairs found" in out.getvalue()
    count = PersonLink.objects.count()
    call_command("link_people", *args, stdout=StringIO())
    assert PersonLink.objects.count() == count
