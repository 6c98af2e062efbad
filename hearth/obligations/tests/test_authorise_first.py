"""Authorise before validating (issue 11 §2): whoever may not act on an obligation gets
403 (or 404 where they may not see it), whatever the request says; what the request says
is checked only for someone who may act."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hearth.accounts.services import api_key_issue
from hearth.audit.models import TimelineEvent
from hearth.core.models import IdempotencyRecord
from hearth.encompass import policy as enc
from hearth.incidents.models import Incident
from hearth.obligations.models import Obligation
from hearth.obligations.tests.factories import (
    FRONT_DOOR,
    MARAC,
    checklist,
    of,
    submitted_incident,
    team,
)
from hearth.referrals.policy import Route, Status

pytestmark = pytest.mark.django_db

NORTHSHIRE = "northshire-council-childrens-services"
POLICE = "wessex-police"
FORBIDDEN = "forbidden"
JSON = "application/json"


def api_key(wessex: Any, agency: str, role: str, team_slug: str | None = None) -> Client:
    issued = api_key_issue(
        actor=None,
        agency=wessex.agency(agency),
        name=f"{agency} {role}",
        roles=[role],
        team=team(team_slug) if team_slug else None,
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {issued.raw_key}")


def post(client: Client, path: str, body: Any, key: str = "key-1") -> Any:
    return client.post(
        f"/api/v1{path}",
        json.dumps(body),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


@pytest.fixture
def incident(wessex: Any) -> Incident:
    return submitted_incident(wessex)


@pytest.fixture
def notification(incident: Incident) -> Obligation:
    """A child concern notification to the Northshire front door."""
    return of(incident, Route.CHILD_CONCERN)[0]


def test_redirecting_what_is_not_yours_is_403_whichever_team_is_named(
    wessex: Any, notification: Obligation
) -> None:
    southmoor = team("southmoor-front-door").pk  # a team it could be redirected to
    not_a_choice = team("northshire-education-safeguarding").pk
    # The referrer (the force) sees the notification; another team of the council with a
    # key of its own sees its agency's work. Neither may redirect it.
    for caller in (
        api_key(wessex, POLICE, "public_protection_officer"),
        api_key(
            wessex,
            NORTHSHIRE,
            "education_safeguarding_officer",
            "northshire-education-safeguarding",
        ),
    ):
        for index, to_team in enumerate((southmoor, not_a_choice, 999_999)):
            response = post(
                caller,
                f"/obligations/{notification.pk}/redirect",
                {"to_team_id": to_team, "reason": "Lives elsewhere"},
                key=f"r-{index}",
            )
            assert response.status_code == 403, response.content
            assert response.json()["error"]["code"] == FORBIDDEN
    notification.refresh_from_db()
    assert notification.team.slug == "northshire-front-door"
    assert not IdempotencyRecord.objects.filter(key__startswith="r-").exists()


def test_the_receiving_team_is_still_told_which_teams_it_may_choose(
    wessex: Any, notification: Obligation
) -> None:
    front_door = api_key(wessex, NORTHSHIRE, "front_door_practitioner", "northshire-front-door")
    response = post(
        front_door,
        f"/obligations/{notification.pk}/redirect",
        {"to_team_id": team("northshire-education-safeguarding").pk, "reason": "Wrong team"},
    )
    assert response.status_code == 422
    assert "to_team_id" in response.json()["error"]["fields"]


def test_recording_an_assessment_of_what_is_not_yours_is_403_whatever_its_id(
    wessex: Any, notification: Obligation
) -> None:
    police = api_key(wessex, POLICE, "public_protection_officer")
    response = post(
        police,
        f"/obligations/{notification.pk}/assessments/999999",
        {"started_on": "2026-01-05", "authorised_on": None, "factors": []},
    )
    assert response.status_code == 403, response.content


def test_sending_someone_elses_obligation_is_403_not_cannot_be_sent(
    notification: Obligation, client_for: Callable[[str], Client]
) -> None:
    # The front door received it; only the referrer sends (a MARAC referral).
    before = TimelineEvent.objects.count()
    response = client_for(FRONT_DOOR).post(reverse("obligation_send", args=[notification.pk]))
    assert response.status_code == 403
    assert TimelineEvent.objects.count() == before


def test_the_marac_cannot_raise_a_childs_notification_whatever_child_it_names(
    wessex: Any, incident: Incident, client_for: Callable[[str], Client]
) -> None:
    checklist(wessex, incident, yes=15)
    (marac,) = of(incident, Route.MARAC_REFERRAL)
    police = client_for("ppu.officer@police.wessex.example")
    police.post(
        reverse("marac_referral_edit", args=[marac.pk]),
        {
            "victim_aware": "yes",
            "consent_given": "yes",
            "safe_contact_number": "07700 900123",
            "number_safe_to_call": "yes",
            "safe_times": "Weekdays",
            "afraid_of": "Dean Vance",
        },
    )
    police.post(reverse("obligation_send", args=[marac.pk]))
    marac.refresh_from_db()
    assert marac.status == Status.SENT
    coordinator = client_for(MARAC)
    child = incident.child_involvements.order_by("id").first()
    assert child is not None
    for child_id in (child.child_id, 999_999):
        url = reverse("marac_child_notification_raise", args=[marac.pk, child_id])
        assert coordinator.post(url).status_code == 403


def test_whoever_may_not_act_is_refused_even_a_body_that_is_not_valid(
    wessex: Any, notification: Obligation
) -> None:
    police = api_key(wessex, POLICE, "public_protection_officer")  # sees it, may not act
    southmoor = api_key(
        wessex, "southmoor-council-childrens-services", "front_door_practitioner"
    )  # may not see it
    front_door = api_key(wessex, NORTHSHIRE, "front_door_practitioner", "northshire-front-door")
    url = f"/api/v1/obligations/{notification.pk}/redirect"
    for body in ({}, {"to_team_id": "x"}, "not json"):
        data = json.dumps(body) if isinstance(body, dict) else body
        assert (
            police.post(url, data, content_type=JSON).status_code == 403
        )  # no Idempotency-Key either
        assert southmoor.post(url, data, content_type=JSON).status_code == 404
        # Someone who may act is told what is wrong with the request.
        assert front_door.post(url, data, content_type=JSON).status_code == 422
    decision = f"/api/v1/obligations/{notification.pk}/decision"
    response = police.post(
        decision, json.dumps({"decision": "no such decision"}), content_type=JSON
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == FORBIDDEN


def test_the_force_is_refused_acting_on_its_encompass_notification_whatever_it_sends(
    wessex: Any, incident: Incident
) -> None:
    (encompass,) = of(incident, enc.ROUTE)
    police = api_key(wessex, POLICE, "public_protection_officer")
    url = f"/api/v1/encompass/notifications/{encompass.pk}/support"
    for body in ({"support": "not a kind of support"}, {}):
        response = police.post(url, json.dumps(body), content_type="application/json")
        assert response.status_code == 403, response.content
    assert police.get(f"/api/v1/encompass/notifications/{encompass.pk}").status_code == 200
