"""A child who harms a parent (issue 11 §3): the alleged perpetrator under 18 is recorded
as a child who harmed, with a child's involvement of their own, is a child to safeguard,
is not a victim under s.3 of the abuse they committed, and the words say what applies
(s.1 needs both to be 16 or over; a 16 or 17-year-old's abuse of a parent is domestic
abuse, and they are still a child)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hearth.incidents.models import ChildInvolvement, Incident
from hearth.incidents.policy import (
    AbuseType,
    ChildFacts,
    ChildRecord,
    Finding,
    IncidentRecord,
    child_victim_status,
    domestic_abuse_definition,
    submission_problems,
)
from hearth.incidents.tests.test_api import Api, api_for, as_json  # noqa: F401
from hearth.incidents.tests.test_views import (
    _errors,
    add_person,
    child_step,
    fill_details,
    fill_what_happened,
    post,
    relate_child,
    start,
)
from hearth.obligations.models import Obligation
from hearth.obligations.tests.factories import NORTHSHIRE, area
from hearth.people.policy import Kinship, Tie
from hearth.referrals.policy import Route
from hearth.referrals.tests.test_child_routes import child_to_parent

OFFICER = "response.officer@police.wessex.example"
PARENT = Tie(Kinship.PARENT, parental_responsibility=True)
NOW = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)


# --- The words of s.1 --------------------------------------------------------------------------


def _definition(victim_age: int, perpetrator_age: int) -> Any:
    return domestic_abuse_definition(
        victim_age=victim_age,
        perpetrator_age=perpetrator_age,
        ties_victim_to_perpetrator=[PARENT],
        abuse_types=[AbuseType.PHYSICAL_OR_SEXUAL],
    )


def test_a_child_under_16_who_harms_a_parent_is_outside_s1_and_a_child_to_safeguard() -> None:
    result = _definition(42, 15)
    assert result.finding == Finding.NOT_MET
    said = " ".join(result.reasons)
    assert (
        "The alleged perpetrator is 15: the definition needs both to be 16 or over, so this is "
        "not domestic abuse in the Act's terms. They are a child who has harmed someone: "
        "safeguard them as a child"
    ) in said
    assert "child abuse" not in said  # those words are for a child victim


def test_a_16_or_17_year_old_who_harms_a_parent_meets_s1_and_is_still_a_child() -> None:
    result = _definition(42, 17)
    assert result.finding == Finding.MET
    assert (
        "The alleged perpetrator is 17, so 16 or over: abuse by a 16 or 17-year-old of someone "
        "personally connected to them is domestic abuse. They are also a child (under 18): "
        "safeguard them as a child who has harmed"
    ) in result.reasons


def test_a_victim_under_16_is_still_told_it_is_child_abuse() -> None:
    result = _definition(14, 40)
    assert any("Abuse of a child under 16 is child abuse" in r for r in result.reasons)


# --- s.3: not a victim of what they did ---------------------------------------------------------


def test_a_child_who_harmed_is_not_a_victim_of_their_own_abuse() -> None:
    result = child_victim_status(
        ChildFacts(
            age=15,
            saw=True,
            heard=True,
            experienced_effects=True,
            victims=[("Kerry Vance", [PARENT])],
            perpetrators=[],
            harmed=True,
        )
    )
    assert result.finding == Finding.NOT_MET
    assert result.reasons[0].startswith("They are the alleged perpetrator: section 3 is about")


def test_a_child_who_harmed_and_saw_another_adults_abuse_can_be_a_victim_of_that() -> None:
    result = child_victim_status(
        ChildFacts(
            age=15,
            saw=True,
            heard=False,
            experienced_effects=False,
            victims=[("Kerry Vance", [PARENT])],
            perpetrators=[("Dean Vance", [PARENT])],
            harmed=True,
        )
    )
    assert result.finding == Finding.MET
    assert "only the abuse by the other alleged perpetrator is considered" in result.reasons[0]


# --- The submission check -------------------------------------------------------------------------


def _record(children: list[ChildRecord], missing: tuple[tuple[str, int], ...] = ()) -> Any:
    return IncidentRecord(
        is_police=False,
        police_reference="",
        occurred_at=NOW - dt.timedelta(days=1),
        reported_at=None,
        victims=1,
        perpetrators=1,
        children=children,
        no_children_attested=False,
        no_children_how="",
        arrest_made=None,
        no_arrest_reason="",
        perpetrators_not_recorded_as_children=missing,
    )


def test_no_attestation_is_asked_for_when_the_only_child_is_the_one_who_harmed() -> None:
    jayden = ChildRecord(
        name="Jayden",
        present=True,
        welfare_check_done=True,
        spoken_to=True,
        spoken_to_alone=True,
        not_spoken_to_reason="",
        not_alone_reason="",
        relationship_recorded=True,
        age=15,
        harmed=True,
    )
    assert submission_problems(_record([jayden]), now=NOW) == []
    problems = submission_problems(_record([], missing=(("Jayden Vance", 15),)), now=NOW)
    assert [(p.field, p.message) for p in problems if p.field == "perpetrators"] == [
        (
            "perpetrators",
            "Jayden Vance is 15, so under 18, on the date of the incident: record them as a "
            "child too, as a child who harmed",
        )
    ]


# --- The pages -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_officer_records_a_child_who_harmed_their_mother_through_the_pages(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for(OFFICER)
    incident_id = start(client)
    fill_details(client, incident_id)  # 14 March 2026
    fill_what_happened(client, incident_id)
    mother = add_person(
        client,
        incident_id,
        "adult-victim",
        "Tamsin",
        "Quillfeather",
        dt.date(1984, 5, 2),
        address_line_1="3 Quillon Row",
        address_town="Ashcombe",
    )
    son = add_person(
        client, incident_id, "alleged-perpetrator", "Jory", "Quillfeather", dt.date(2011, 1, 9)
    )
    # Adding him made him a child who harmed: he has a child's involvement of his own.
    assert ChildInvolvement.objects.filter(incident_id=incident_id, child=son).exists()
    post(
        client, "incident_relationship", [incident_id], {f"kinship_{mother.pk}_{son.pk}": "parent"}
    )

    children = client.get(reverse("incident_children", args=[incident_id])).content.decode()
    assert "Jory Quillfeather" in children
    assert "a child who harmed: safeguarded as a child" in children
    assert "If there are no children" not in children  # nothing to attest

    relate_child(client, incident_id, son, {mother: "parent"})
    child_step(
        client,
        incident_id,
        son,
        "presence",
        {"present": "yes", "where_present": "Kitchen", "normally_resident": "yes"},
    )
    child_step(client, incident_id, son, "welfare", {"welfare_check_done": "yes"})
    child_step(
        client,
        incident_id,
        son,
        "conversation",
        {
            "spoken_to": "yes",
            "spoken_to_alone": "no",
            "not_alone_reason": "Spoken to with an appropriate adult, as the suspect",
        },
    )
    post(client, "incident_pregnancy", [incident_id], {"victim_pregnant": "no"})

    check = client.get(reverse("incident_check", args=[incident_id]))
    page = check.content.decode()
    assert "govuk-error-summary" not in page, _errors(check)
    assert "The alleged perpetrator, and a child who harmed" in page
    response = client.post(reverse("incident_check", args=[incident_id]))
    assert response.status_code == 302
    incident = Incident.objects.get(pk=incident_id)
    assert incident.status == Incident.Status.SUBMITTED and not incident.no_children_attested

    summary = client.get(reverse("incident_detail", args=[incident_id])).content.decode()
    assert "not domestic abuse in the Act&#x27;s terms" in summary
    assert "They are the alleged perpetrator: section 3 is about" in summary


# --- The API ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_records_a_child_who_harmed_listed_in_perpetrators_and_children(
    api_for: Callable[..., Api],  # noqa: F811
) -> None:
    police = api_for()
    body = {**as_json(child_to_parent()), "local_authority_id": area(NORTHSHIRE).pk}
    response = police.post(body)
    assert response.status_code == 201, response.content
    incident = Incident.objects.get(pk=response.json()["id"])
    jayden = incident.parties.get(role="alleged_perpetrator").person
    assert jayden.given_names == "Jayden"
    assert ChildInvolvement.objects.get(incident=incident, child=jayden).own_words == (
        "I lost it when she took my phone."
    )
    read = police.get(f"/incidents/{incident.pk}").json()
    assert [(c["person"]["id"], c["harmed"]) for c in read["children"]] == [(jayden.pk, True)]
    assert [p["role"] for p in read["parties"] if p["person"]["id"] == jayden.pk] == [
        "alleged_perpetrator"
    ]
    assert Obligation.objects.filter(
        incident=incident, route=Route.CHILD_CONCERN, subject_id=jayden.pk
    ).exists()
