"""A person's page, and the GOV.UK form pieces used to record people at intake."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hearth.audit.models import AccessEvent
from hearth.incidents.policy import PartyRole
from hearth.incidents.services import incident_start, party_add
from hearth.people.forms import PersonFindForm, match_strength
from hearth.people.models import Person
from hearth.people.services import PersonDetails, person_address_add, person_create

OFFICER = "response.officer@police.wessex.example"
PPU = "ppu.officer@police.wessex.example"
FRONT_DOOR = "front.door@northshire.wessex.example"


@pytest.fixture
def victim(wessex: Any) -> Person:
    """A woman now in a refuge, recorded by the police as the victim at an incident."""
    officer = wessex.actor(OFFICER)
    person = person_create(
        actor=officer,
        details=PersonDetails(
            given_names="Tamsin", family_name="Quillfeather", date_of_birth=dt.date(1991, 5, 2)
        ),
    )
    person_address_add(actor=officer, person=person, line_1="3 Quillon Row", town="Ashcombe")
    person_address_add(
        actor=officer,
        person=person,
        line_1="Refuge, 1 Safe Street",
        town="Dunmere",
        is_confidential=True,
    )
    incident = incident_start(actor=officer)
    party_add(actor=officer, incident=incident, person=person, role=PartyRole.ADULT_VICTIM)
    return person


def test_a_person_is_shown_to_whoever_sees_their_incident_with_the_confidential_address_flagged(
    client_for: Callable[[str], Client], victim: Person
) -> None:
    client = client_for(PPU)
    before = AccessEvent.objects.order_by("pk").values_list("pk", flat=True).last() or 0
    response = client.get(reverse("person_detail", args=[victim.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tamsin Quillfeather" in page
    assert "Born 2 May 1991" in page
    assert "Confidential address (for example a refuge)" in page
    assert page.index("Lives here now") < page.index("Lived here until")
    event = AccessEvent.objects.filter(pk__gt=before).get()
    assert event.route == "person_detail"
    assert event.records.filter(record_id=str(victim.pk)).exists()


def test_another_agency_gets_the_same_404_as_for_nobody(
    client_for: Callable[[str], Client], victim: Person
) -> None:
    client = client_for(FRONT_DOOR)
    forbidden = client.get(reverse("person_detail", args=[victim.pk]))
    missing = client.get(reverse("person_detail", args=[victim.pk + 1000]))
    assert forbidden.status_code == missing.status_code == 404

    def strip(response: Any) -> bytes:
        return re.sub(rb'(nonce|value)="[^"]*"', b"", response.content)

    assert strip(forbidden) == strip(missing)


def test_a_person_their_agency_recorded_but_no_incident_names_is_not_shown(
    client_for: Callable[[str], Client], wessex: Any
) -> None:
    # Being recorded by one's force is no reason to read a person (issue 11 §2): only a
    # record that names them is, and the intake lookup finds them for a new incident.
    person = person_create(
        actor=wessex.actor(OFFICER),
        details=PersonDetails(given_names="Ottilie", family_name="Brayford"),
    )
    for email in (OFFICER, PPU):
        response = client_for(email).get(reverse("person_detail", args=[person.pk]))
        assert response.status_code == 404


def _find(**data: str) -> PersonFindForm:
    return PersonFindForm(
        data={"family_name": "Quillfeather", **data}, who="the child", date_required=True
    )


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("", "", "", "Enter the child's date of birth, or how old they are"),
        ("9", "", "2018", "Date of birth must include a month"),
        ("", "", "2018", "Date of birth must include a day and month"),
        ("31", "2", "2018", "Date of birth must be a real date"),
        ("9", "x", "2018", "Date of birth must be a real date"),
        ("9", "2", "18", "Year must include 4 numbers"),
        ("9", "2", "2999", "Date of birth must be today or in the past"),
    ],
)
def test_a_date_of_birth_is_checked_in_govuk_words(
    day: str, month: str, year: str, message: str, db: None
) -> None:
    form = _find(date_of_birth_0=day, date_of_birth_1=month, date_of_birth_2=year)
    assert not form.is_valid()
    assert form.errors["date_of_birth"] == [message]
    assert form.error_links() == [("#id_date_of_birth_0", message)]


def test_an_estimated_age_will_do_when_the_date_of_birth_is_not_known(db: None) -> None:
    form = _find(estimated_age="7")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] is None
    assert _find(estimated_age="seven").errors["estimated_age"] == ["Age must be a number, like 7"]


@pytest.mark.parametrize(
    ("score", "words"),
    [(1.0, "Strong match"), (0.9, "Strong match"), (0.7, "Possible match"), (0.6, "Weak match")],
)
def test_a_match_score_is_shown_in_words(score: float, words: str) -> None:
    assert match_strength(score) == words
