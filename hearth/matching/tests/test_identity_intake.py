"""Intake's lookup (issue 16 §2): an officer adding a child new to the force is told the
child may already be known to another organisation, never who or where, and the search
of other agencies' records is in the access log; the record is linked once saved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import resolve, reverse

from conftest import Wessex
from hearth.audit.models import AccessEvent
from hearth.core.background import run_ready_tasks
from hearth.matching.models import PersonLink
from hearth.matching.tests.helpers import FRONT_DOOR, POLICE, record
from hearth.people.models import Person

pytestmark = [pytest.mark.django_db]

MESSAGE = "This child may already be known to another organisation"


@pytest.fixture(autouse=True)
def rule_based_matcher(settings: Any) -> None:
    settings.HEARTH_PERSON_MATCHER = "hearth.people.matching.RuleBasedMatcher"


def details_page(client: Client, given: str, family: str, born: dt.date) -> str:
    response = client.post(reverse("incident_start"))
    incident_id = int(resolve(response["Location"]).kwargs["incident_id"])
    client.post(
        reverse("incident_person_find", args=[incident_id, "child"]),
        {
            "given_names": given,
            "family_name": family,
            "date_of_birth_0": str(born.day),
            "date_of_birth_1": str(born.month),
            "date_of_birth_2": str(born.year),
        },
    )
    page = client.get(reverse("incident_person_details", args=[incident_id, "child"]))
    assert page.status_code == 200
    return page.content.decode()


def test_a_child_known_to_the_front_door_is_flagged_without_saying_where(
    wessex: Wessex, client_for: Callable[[str], Client]
) -> None:
    record(wessex, FRONT_DOOR, "Ottoline", "Quarrington", dt.date(2017, 5, 6))
    before = AccessEvent.objects.filter(action="search").count()
    html = details_page(client_for(POLICE), "Ottoline", "Quarrington", dt.date(2017, 5, 6))
    assert MESSAGE in html
    assert "Northshire" not in html
    searches = AccessEvent.objects.filter(action="search").order_by("id")
    assert searches.count() >= before + 1
    assert searches.last().query["scope"] == "other organisations"  # type: ignore[union-attr]


def test_a_child_known_nowhere_else_is_not_flagged(
    wessex: Wessex, client_for: Callable[[str], Client]
) -> None:
    html = details_page(client_for(POLICE), "Zebedee", "Unmatchable", dt.date(2017, 5, 6))
    assert MESSAGE not in html


def test_a_child_recorded_by_the_police_is_linked_to_the_front_doors_record_once_saved(
    wessex: Wessex,
    client_for: Callable[[str], Client],
) -> None:
    council = record(wessex, FRONT_DOOR, "Ottoline", "Quarrington", dt.date(2017, 5, 6))
    client = client_for(POLICE)
    details_page(client, "Ottoline", "Quarrington", dt.date(2017, 5, 6))
    incident_id = client.session["hearth_pending_person"]["incident"]
    saved = client.post(
        reverse("incident_person_details", args=[incident_id, "child"]), {"sex": "unknown"}
    )
    assert saved.status_code == 302
    run_ready_tasks()  # the worker
    police = Person.objects.get(family_name="Quarrington", recorded_by_agency__slug="wessex-police")
    link = PersonLink.objects.get()
    assert {link.person_a_id, link.person_b_id} == {council.pk, police.pk}
