"""The MARAC API: meetings, the agenda, a case and its hearing; each action idempotent
(the same key answers the same; the same action again changes nothing), 404 for anyone
but the MARAC's own agency, every refusal named."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from hearth.accounts.models import Agency, Team
from hearth.accounts.services import api_key_issue
from hearth.audit.models import AccessEvent
from hearth.core import clock
from hearth.marac.models import MaracAction, MaracCase, MaracMeeting
from hearth.marac.tests.factories import a_case, a_sent_referral

pytestmark = pytest.mark.django_db

NORTH = "northshire-marac"
SOUTH = "southmoor-marac"


def key_for(wessex: Any, agency: str, role: str = "marac_coordinator") -> str:
    return api_key_issue(
        actor=None, agency=wessex.agency(agency), name="Case system", roles=[role]
    ).raw_key


def call(key: str, method: str, path: str, body: Any = None, idem: str = "k1") -> Any:
    return Client().generic(
        method,
        f"/api/v1{path}",
        json.dumps(body) if body is not None else "",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
        HTTP_IDEMPOTENCY_KEY=idem,
    )


def test_schedule_add_and_hear_through_the_api(wessex: Any) -> None:
    key = key_for(wessex, NORTH)
    referral = a_sent_referral(wessex)
    today = clock.local_now().date()
    body = {"held_on": today.isoformat(), "starts_at": "09:30", "how_held": "online"}
    demo = set(MaracMeeting.objects.values_list("id", flat=True))  # next week's
    made = call(key, "POST", "/marac/meetings", body)
    assert made.status_code == 201, made.content
    meeting_id = made.json()["id"]
    again = call(key, "POST", "/marac/meetings", body)
    assert again.json()["id"] == meeting_id and MaracMeeting.objects.count() == len(demo) + 1
    listed = call(key, "GET", "/marac/meetings")
    assert [m["id"] for m in listed.json() if m["id"] not in demo] == [meeting_id]

    added = call(
        key,
        "POST",
        f"/marac/meetings/{meeting_id}/cases",
        {"referral_obligation_id": referral.pk},
        "add-1",
    )
    assert added.status_code == 201, added.content
    case = added.json()
    assert case["victim_id"] == referral.subject_id and len(case["children"]) == 3
    assert case["repeat"] is False and case["status"] == "on_agenda"
    agenda = call(key, "GET", f"/marac/meetings/{meeting_id}").json()
    assert [c["id"] for c in agenda["cases"]] == [case["id"]]

    idva = Team.objects.get(agency__slug="wessex-idva-service")
    hearing = {
        "attended_agency_ids": [Agency.objects.get(slug="wessex-police").pk],
        "risks": "Threats to kill",
        "child_ids": [c["child_id"] for c in case["children"]],
        "actions": [
            {
                "for_person_id": referral.subject_id,
                "owner_team_id": idva.pk,
                "words": "Safety plan",
                "due_on": (today + dt.timedelta(days=3)).isoformat(),
            }
        ],
    }
    refused = call(key, "POST", f"/marac/cases/{case['id']}/hear", {**hearing, "actions": []}, "h0")
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"]["actions"] == [
        "A case is heard with an action plan: add at least one action"
    ]
    heard = call(key, "POST", f"/marac/cases/{case['id']}/hear", hearing, "h1")
    assert heard.status_code == 200, heard.content
    answer = heard.json()
    assert answer["status"] == "heard"
    (action,) = answer["actions"]
    assert action["obligation_status"] == "sent" and action["for_role"] == "victim"
    # The same hearing again, with the same key or another, changes nothing.
    assert call(key, "POST", f"/marac/cases/{case['id']}/hear", hearing, "h1").json() == answer
    assert call(key, "POST", f"/marac/cases/{case['id']}/hear", hearing, "h2").status_code == 200
    assert MaracAction.objects.count() == 1
    # The same key with another hearing is a conflict.
    other = {**hearing, "risks": "Other"}
    assert call(key, "POST", f"/marac/cases/{case['id']}/hear", other, "h1").status_code == 409
    got = call(key, "GET", f"/marac/cases/{case['id']}")
    assert got.status_code == 200 and got.json()["risks"] == "Threats to kill"


def test_the_owner_reads_the_action_through_the_obligations_api(wessex: Any) -> None:
    from hearth.marac.tests.factories import hear

    case = hear(wessex, a_case(wessex))
    action = case.actions.get()
    key = key_for(wessex, "wessex-idva-service", "idva")
    got = call(key, "GET", f"/obligations/{action.obligation_id}")
    assert got.status_code == 200, got.content
    shared = got.json()["shared"]["marac_action"]
    assert shared["words"] == action.words
    assert shared["meeting_on"] == case.meeting.held_on.isoformat()
    assert shared["for_role"] == "victim"
    assert "Escalating threats" not in got.content.decode()
    assert call(key, "GET", f"/marac/cases/{case.pk}").status_code == 404


def test_another_agency_gets_404_on_every_marac_route(wessex: Any) -> None:
    case = a_case(wessex, days=1)
    referral = a_sent_referral(wessex)
    today = clock.local_now().date().isoformat()
    for key in (
        key_for(wessex, SOUTH),
        key_for(wessex, "northshire-council-childrens-services", "front_door_practitioner"),
    ):
        before = AccessEvent.objects.count()
        assert call(key, "GET", f"/marac/meetings/{case.meeting_id}").status_code == 404
        assert call(key, "GET", f"/marac/cases/{case.pk}").status_code == 404
        assert (
            call(
                key,
                "POST",
                f"/marac/meetings/{case.meeting_id}/cases",
                {"referral_obligation_id": referral.pk},
            ).status_code
            == 404
        )
        assert call(key, "POST", f"/marac/cases/{case.pk}/hear", {}).status_code == 404
        assert AccessEvent.objects.count() == before
    front_door = key_for(wessex, "northshire-council-childrens-services", "front_door_practitioner")
    assert call(front_door, "GET", "/marac/meetings").status_code == 404
    made = call(
        front_door,
        "POST",
        "/marac/meetings",
        {"held_on": today, "starts_at": "09:30", "how_held": "online"},
    )
    assert made.status_code == 404
    # Southmoor's MARAC cannot put Northshire's referral on its own agenda either.
    south = key_for(wessex, SOUTH)
    body = {"held_on": today, "starts_at": "11:00", "how_held": "in_person"}
    south_meeting = call(south, "POST", "/marac/meetings", body).json()["id"]
    refused = call(
        south,
        "POST",
        f"/marac/meetings/{south_meeting}/cases",
        {"referral_obligation_id": referral.pk},
        "add-1",
    )
    assert refused.status_code == 404
    assert not MaracCase.objects.filter(referral=referral).exists()
