"""The specialist API: each action idempotent (the same key answers the same; the same
action again with another key changes nothing), 404 for who may not see, 403 for who may
not act, and the lead agency's unmet need."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from hearth.accounts.models import Agency
from hearth.accounts.services import api_key_issue
from hearth.audit.models import TimelineEvent
from hearth.core import clock
from hearth.obligations.tests.factories import submitted_incident
from hearth.specialist.models import SessionAttended, SpecialistReferral
from hearth.specialist.tests.factories import LITTLE_OAKS, service
from hearth.specialist.tests.test_services import child

pytestmark = pytest.mark.django_db


def key_for(wessex: Any, agency: str, role: str) -> str:
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


@pytest.fixture
def keys(empty_directory: Any) -> dict[str, str]:
    little_oaks = Agency.objects.get(name=LITTLE_OAKS).slug
    return {
        "front_door": key_for(
            empty_directory, "northshire-council-childrens-services", "front_door_practitioner"
        ),
        "service": key_for(empty_directory, little_oaks, "specialist_practitioner"),
        "south": key_for(
            empty_directory, "southmoor-council-childrens-services", "front_door_practitioner"
        ),
    }


def test_refer_and_answer_through_the_api(empty_directory: Any, keys: dict[str, str]) -> None:
    svc = service()
    incident = submitted_incident(empty_directory)
    mia = child(incident, "Mia")
    body = {
        "child_id": mia.pk,
        "service_id": str(svc.pk),
        "need": "Someone to talk to",
        "parent_consent": "given",
        "child_words": "I want it to stop",
    }
    made = call(keys["front_door"], "POST", "/specialist/referrals", body)
    assert made.status_code == 201, made.content
    again = call(keys["front_door"], "POST", "/specialist/referrals", body)
    assert again.json() == made.json()
    other_key = call(keys["front_door"], "POST", "/specialist/referrals", body, idem="k2")
    assert other_key.json()["obligation_id"] == made.json()["obligation_id"]
    assert SpecialistReferral.objects.filter(child=mia).count() == 1
    conflict = call(keys["front_door"], "POST", "/specialist/referrals", {**body, "need": "x"})
    assert conflict.status_code == 409
    number = made.json()["obligation_id"]
    path = f"/specialist/referrals/{number}"

    # Who may not see it: 404; who may see it but not act: 403.
    assert call(keys["south"], "GET", path).status_code == 404
    assert call(keys["south"], "POST", f"{path}/acknowledge", idem="s1").status_code == 404
    assert call(keys["front_door"], "POST", f"{path}/acknowledge", idem="f1").status_code == 403

    service_key = keys["service"]
    shared = call(service_key, "GET", path).json()
    assert shared["child_words"] == "I want it to stop" and shared["status_words"] == "Sent"
    for idem in ("a1", "a1", "a2"):
        assert call(service_key, "POST", f"{path}/acknowledge", idem=idem).status_code == 200
    today = clock.local_now().date().isoformat()
    accept = {"waiting_list": False, "start_on": today}
    for idem in ("b1", "b1", "b2"):
        answer = call(service_key, "POST", f"{path}/accept", accept, idem=idem)
        assert answer.status_code == 200 and answer.json()["answer"] == "accepted"
    bad = call(service_key, "POST", f"{path}/accept", {"waiting_list": True}, idem="b3")
    assert bad.status_code == 422
    for idem in ("c1", "c2"):
        started = call(service_key, "POST", f"{path}/start", {"started_on": today}, idem=idem)
        assert started.status_code == 200
    for idem in ("d1", "d2"):
        call(service_key, "POST", f"{path}/sessions", {"on": today}, idem=idem)
    assert SessionAttended.objects.filter(referral__obligation_id=number).count() == 1
    early = call(service_key, "POST", f"{path}/outcome", {"outcome": "ended_early"}, idem="e0")
    assert early.status_code == 422
    for idem in ("e1", "e2"):
        ended = call(service_key, "POST", f"{path}/outcome", {"outcome": "completed"}, idem=idem)
        assert ended.status_code == 200 and ended.json()["outcome"] == "completed"
    assert call(keys["front_door"], "GET", path).json()["sessions"] == [today]
    verbs = list(
        TimelineEvent.objects.filter(
            subject_id=str(number), verb__startswith="obligation."
        ).values_list("verb", flat=True)
    )
    assert verbs.count("obligation.acknowledged") == 1
    assert verbs.count("obligation.closed") == 1


def test_decline_through_the_api(empty_directory: Any, keys: dict[str, str]) -> None:
    svc = service()
    incident = submitted_incident(empty_directory)
    body = {
        "child_id": child(incident, "Leo").pk,
        "service_id": str(svc.pk),
        "need": "Group work",
        "parent_consent": "not_asked",
    }
    number = call(keys["front_door"], "POST", "/specialist/referrals", body).json()["obligation_id"]
    path = f"/specialist/referrals/{number}/decline"
    missing = call(keys["service"], "POST", path, {"reason": "busy", "note": "x"})
    assert missing.status_code == 422
    declined = {"reason": "no_capacity", "note": "Full"}
    for idem in ("x1", "x2"):
        answer = call(keys["service"], "POST", path, declined, idem=idem)
        assert answer.status_code == 200 and answer.json()["declined_reason"] == "no_capacity"
    needs = call(keys["front_door"], "GET", "/specialist/unmet-need").json()
    assert any(
        n["child_id"] == body["child_id"] and n["reason"] == "declined_no_capacity" for n in needs
    )
    assert call(keys["south"], "GET", "/specialist/unmet-need").json() == [] or all(
        n["child_id"] != body["child_id"]
        for n in call(keys["south"], "GET", "/specialist/unmet-need").json()
    )


def test_a_child_the_caller_cannot_see_is_not_found(
    empty_directory: Any, keys: dict[str, str]
) -> None:
    svc = service()
    incident = submitted_incident(empty_directory)
    body = {
        "child_id": child(incident, "Mia").pk,
        "service_id": str(svc.pk),
        "need": "x",
        "parent_consent": "given",
    }
    assert call(keys["south"], "POST", "/specialist/referrals", body).status_code == 404
