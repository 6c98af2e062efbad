"""The obligations API for agency systems: a front door's inbox and obligations, its
actions (each safe to retry with an Idempotency-Key), errors named by their field, the
referrer seeing the decision, missing and forbidden alike a 404, every read logged."""

from __future__ import annotations

import datetime as dt
import json
import typing
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.test import Client

from hearth.accounts.services import api_key_issue
from hearth.audit.models import AccessEvent, TimelineEvent
from hearth.core import clock
from hearth.core.models import IdempotencyRecord
from hearth.incidents.models import Incident
from hearth.obligations import registry
from hearth.obligations.models import Obligation
from hearth.obligations.schemas import StatusCode
from hearth.obligations.tests.factories import PPU, of, submitted_incident, team
from hearth.referrals import policy
from hearth.referrals.policy import Route, Status
from hearth.referrals.schemas import DecisionCode

pytestmark = pytest.mark.django_db

NORTHSHIRE = "northshire-council-childrens-services"
SOUTHMOOR = "southmoor-council-childrens-services"
POLICE = "wessex-police"


class Api:
    def __init__(self, raw_key: str) -> None:
        self.client = Client()
        self.auth = {"Authorization": f"Bearer {raw_key}"}

    def get(self, path: str, **query: Any) -> Any:
        return self.client.get(f"/api/v1{path}", query, headers=self.auth)

    def post(self, path: str, body: Any = None, key: str | None = "key-1") -> Any:
        headers = dict(self.auth)
        if key is not None:
            headers["Idempotency-Key"] = key
        return self.client.post(
            f"/api/v1{path}",
            data=json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers=headers,
        )


@pytest.fixture
def api_for(wessex: Any) -> Callable[..., Api]:
    def make(agency: str, role: str, team_slug: str | None = None) -> Api:
        issued = api_key_issue(
            actor=None,
            agency=wessex.agency(agency),
            name=f"{agency} {role}",
            roles=[role],
            team=team(team_slug) if team_slug else None,
        )
        return Api(issued.raw_key)

    return make


@pytest.fixture
def front_door(api_for: Callable[..., Api]) -> Api:
    """The Northshire case system's key, acting for the front door."""
    return api_for(NORTHSHIRE, "front_door_practitioner", "northshire-front-door")


@pytest.fixture
def police(api_for: Callable[..., Api]) -> Api:
    return api_for(POLICE, "public_protection_officer")


@pytest.fixture
def incident(wessex: Any) -> Incident:
    """The Vance family's incident in Northshire: a notification for each of 3 children."""
    return submitted_incident(wessex)


def notification(incident: Incident, index: int = 0) -> Obligation:
    return of(incident, Route.CHILD_CONCERN)[index]


def fields_of(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 422, response.content
    return response.json()["error"]["fields"]


def logged(action: Callable[[], Any]) -> tuple[Any, list[AccessEvent]]:
    """The response to ``action`` and the access events it wrote."""
    last = AccessEvent.objects.order_by("pk").last()
    response = action()
    return response, list(AccessEvent.objects.filter(pk__gt=last.pk if last else 0))


def records_of(event: AccessEvent) -> set[tuple[str, str]]:
    return {(r.record_type, r.record_id) for r in event.records.all()}


def test_the_front_door_lists_its_inbox_with_each_childs_summary(
    front_door: Api, incident: Incident
) -> None:
    inbox = team("northshire-front-door")
    response, events = logged(lambda: front_door.get(f"/teams/{inbox.pk}/obligations"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["team"] == {"id": inbox.pk, "name": inbox.name}
    ours = [
        o
        for o in body["obligations"]
        if o["incident"]["id"] == incident.pk and o["route"] == "child_concern_notification"
    ]
    assert len(ours) == 3
    first = notification(incident)
    row = next(o for o in ours if o["id"] == first.pk)
    assert (row["route"], row["status"], row["overdue"]) == (
        "child_concern_notification",
        "sent",
        False,
    )
    assert row["subject"] == {
        "id": first.subject_id,
        "name": first.subject.full_name,
        "date_of_birth": first.subject.date_of_birth.isoformat(),  # type: ignore[union-attr]
    }
    assert row["incident"]["police_reference"] == "WX/2026/0001"
    assert row["team"]["id"] == inbox.pk
    assert row["next_due_at"] is not None and row["claimed_by_id"] is None
    assert body["total"] >= 3
    (event,) = events
    assert event.api_key_id is not None
    assert ("obligations.obligation", str(first.pk)) in records_of(event)
    assert ("people.person", str(first.subject_id)) in records_of(event)


def test_the_inbox_filters_by_route_status_and_due_day(front_door: Api, incident: Incident) -> None:
    path = f"/teams/{team('northshire-front-door').pk}/obligations"
    assert front_door.get(path, route="idva_referral").json()["obligations"] == []
    # None of ours has ended (the demo's own may have: its offers met by a referral).
    ended = front_door.get(path, status="ended").json()["obligations"]
    assert incident.pk not in {o["incident"]["id"] for o in ended}
    # Ours fall due a working day after they were made: not by yesterday, overdue later.
    yesterday = clock.local_now().date() - dt.timedelta(days=1)
    early = front_door.get(path, due_by=yesterday.isoformat()).json()["obligations"]
    assert incident.pk not in {o["incident"]["id"] for o in early}
    assert incident.pk not in {
        o["incident"]["id"] for o in front_door.get(path, overdue_only="true").json()["obligations"]
    }
    with time_machine.travel(clock.now() + dt.timedelta(days=10)):
        late = front_door.get(path, overdue_only="true").json()
    ours = [o for o in late["obligations"] if o["incident"]["id"] == incident.pk]
    assert len(ours) == 3 and all(o["overdue"] for o in ours)
    assert late["total"] == late["overdue"]
    assert list(fields_of(front_door.get(path, status="lost"))) == ["status"]
    # Due later today (London): on the day ours fall due, before they are overdue.
    due_at = min(o.next_due_at for o in of(incident, Route.CHILD_CONCERN) if o.next_due_at)
    with time_machine.travel(due_at - dt.timedelta(minutes=1)):
        today = front_door.get(path, due_today="true").json()
    ours = [o for o in today["obligations"] if o["incident"]["id"] == incident.pk]
    assert len(ours) == 3 and not any(o["overdue"] for o in ours)
    assert today["overdue"] == 0
    with time_machine.travel(due_at + dt.timedelta(minutes=1)):
        after = front_door.get(path, due_today="true").json()["obligations"]
    assert incident.pk not in {o["incident"]["id"] for o in after}  # overdue now, not today


def test_an_obligation_shows_its_rule_deadlines_and_what_its_route_shares(
    front_door: Api, incident: Incident
) -> None:
    first = notification(incident)
    response, events = logged(lambda: front_door.get(f"/obligations/{first.pk}"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["rule"], body["rule_version"]) == ("CCN-1", policy.RULE_VERSION)
    assert "referral source 6" in body["reason"]
    assert [d["stage"] for d in body["deadlines"]] == ["acknowledge", "decide"]
    assert all(d["rule"] == "CCN-1" and d["owner"] == "recipient" for d in body["deadlines"])
    assert "working day" in body["deadlines"][0]["basis"]
    assert body["deadlines"][0]["met_at"] is None
    assert (body["outcome"], body["acknowledged_at"], body["redirections"]) == (None, None, [])
    shared = body["shared"]
    assert shared["incident"]["summary"].startswith("Neighbour called police")
    assert shared["child_voice"] is not None
    assert [a["person"]["name"] for a in shared["adults"]] == ["Kerry Vance", "Dean Vance"]
    assert [r["grade"] for r in shared["risks"]] == ["Not assessed"]
    assert len(shared["siblings"]) == 2
    assert shared["marac"] is None
    (event,) = events
    assert {"obligations.obligation", "people.person", "incidents.incident"} <= {
        t for t, _ in records_of(event)
    }


def test_acknowledging_twice_with_one_key_is_one_acknowledgement(
    front_door: Api, incident: Incident
) -> None:
    first = notification(incident)
    path = f"/obligations/{first.pk}/acknowledge"
    response, events = logged(lambda: front_door.post(path, {"note": "Received"}, key="ack-1"))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "acknowledged"
    assert response.json()["acknowledged_at"] is not None
    assert len(events) == 1
    again = front_door.post(path, {"note": "Received"}, key="ack-1")
    assert again.status_code == 200
    assert again.json() == response.json()
    acknowledged = TimelineEvent.objects.filter(
        verb="obligation.acknowledged", subject_id=str(first.pk)
    )
    assert acknowledged.count() == 1
    assert IdempotencyRecord.objects.filter(key="ack-1").count() == 1
    conflict = front_door.post(path, {"note": "Something else"}, key="ack-1")
    assert conflict.status_code == 409
    assert conflict.json()["error"]["code"] == "conflict"
    # The same key for another obligation is another request: a conflict too.
    other = front_door.post(
        f"/obligations/{notification(incident, 1).pk}/acknowledge", {"note": "Received"}, "ack-1"
    )
    assert other.status_code == 409


def test_the_body_of_an_acknowledgement_may_be_left_out_but_the_key_may_not(
    front_door: Api, incident: Incident
) -> None:
    path = f"/obligations/{notification(incident).pk}/acknowledge"
    assert list(fields_of(front_door.post(path, key=None))) == ["Idempotency-Key"]
    response = front_door.post(path, key="ack-2")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "acknowledged"


def test_a_decision_is_recorded_and_a_bad_code_is_named(
    front_door: Api, incident: Incident
) -> None:
    first = notification(incident)
    path = f"/obligations/{first.pk}/decision"
    assert list(fields_of(front_door.post(path, {"decision": "maybe"}))) == ["decision"]
    first.refresh_from_db()
    assert first.status == Status.SENT
    # The key was not used up by the refused request.
    response = front_door.post(path, {"decision": "early_help", "note": "Family hub"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "closed"
    assert body["outcome"] == {"code": "early_help", "label": "Early help"}
    assert body["outcome_note"] == "Family hub"
    assert body["acknowledged_at"] is not None  # deciding also acknowledges
    assert all(d["met_at"] is not None for d in body["deadlines"])
    # Nothing can be decided twice: a new request on a closed notification is a 409.
    refused = front_door.post(path, {"decision": "no_further_action"}, key="key-2")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "invalid_transition"


def test_a_decision_to_assess_starts_an_assessment_that_closes_it_when_complete(
    front_door: Api, incident: Incident
) -> None:
    first = notification(incident)
    today = clock.local_now().date()
    started = front_door.post(
        f"/obligations/{first.pk}/decision",
        {"decision": "child_in_need_assessment", "assessment_started_on": today.isoformat()},
    ).json()
    assert started["status"] == "outcome_recorded"
    (assessment,) = started["assessments"]
    assert (assessment["started_on"], assessment["authorised_on"]) == (today.isoformat(), None)
    assert assessment["due_at"] is not None
    assert "assessment" in {d["stage"] for d in started["deadlines"]}
    path = f"/obligations/{first.pk}/assessments/{assessment['id']}"
    dates = {"started_on": today.isoformat(), "authorised_on": today.isoformat()}
    assert "factors" in fields_of(front_door.post(path, {**dates, "factors": ["21", "3A"]}, "a-1"))
    done = front_door.post(path, {**dates, "factors": ["3A", "3B"]}, key="a-2")
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "closed"
    assert done.json()["assessments"][0]["factors"] == ["3A", "3B"]
    other = notification(incident, 1)
    assert (
        front_door.post(
            f"/obligations/{other.pk}/assessments/{assessment['id']}",
            {**dates, "factors": ["3A"]},
            key="a-3",
        ).status_code
        == 404
    )


def test_an_outcome_must_fit_the_route(front_door: Api, incident: Incident) -> None:
    path = f"/obligations/{notification(incident).pk}/outcome"
    assert list(fields_of(front_door.post(path, {"outcome": "engaged"}))) == ["outcome"]
    response = front_door.post(path, {"outcome": "no_further_action"}, key="key-2")
    assert response.status_code == 200, response.content
    assert response.json()["outcome"]["code"] == "no_further_action"


def test_redirecting_hands_it_on_and_the_new_team_sees_it(
    front_door: Api, api_for: Callable[..., Api], incident: Incident
) -> None:
    first = notification(incident)
    path = f"/obligations/{first.pk}/redirect"
    south = team("southmoor-front-door")
    refused = fields_of(
        front_door.post(
            path, {"to_team_id": team("northshire-marac-coordination").pk, "reason": "x"}
        )
    )
    assert list(refused) == ["to_team_id"]
    assert list(fields_of(front_door.post(path, {"to_team_id": south.pk, "reason": ""}))) == [
        "reason"
    ]
    response, events = logged(
        lambda: front_door.post(
            path, {"to_team_id": south.pk, "reason": "Lives in Southmoor"}, key="r-1"
        )
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["team"]["id"], body["status"]) == (south.pk, "sent")
    assert [(r["to_team"]["id"], r["reason"]) for r in body["redirections"]] == [
        (south.pk, "Lives in Southmoor")
    ]
    assert len(events) == 1
    # Northshire no longer sees it; Southmoor's front door does, and must acknowledge it.
    assert front_door.get(f"/obligations/{first.pk}").status_code == 404
    southmoor = api_for(SOUTHMOOR, "front_door_practitioner", "southmoor-front-door")
    assert southmoor.get(f"/obligations/{first.pk}").json()["status"] == "sent"
    acknowledged = southmoor.post(f"/obligations/{first.pk}/acknowledge", key="s-1")
    assert acknowledged.json()["status"] == "acknowledged"


def test_another_councils_key_gets_the_same_404_as_for_a_missing_obligation(
    front_door: Api, api_for: Callable[..., Api], incident: Incident
) -> None:
    first = notification(incident)
    missing = front_door.get("/obligations/987654321")
    assert missing.status_code == 404
    southmoor = api_for(SOUTHMOOR, "front_door_practitioner", "southmoor-front-door")
    before = AccessEvent.objects.count()
    assert southmoor.get(f"/obligations/{first.pk}").content == missing.content
    posted = southmoor.post(f"/obligations/{first.pk}/acknowledge", key="s-1")
    assert posted.content == missing.content
    inbox = southmoor.get(f"/teams/{team('northshire-front-door').pk}/obligations")
    assert inbox.content == missing.content
    assert southmoor.get(f"/incidents/{incident.pk}/obligations").content == missing.content
    assert AccessEvent.objects.count() == before
    first.refresh_from_db()
    assert first.status == Status.SENT


def test_a_key_for_another_team_may_see_its_agencys_work_but_not_act_on_it(
    api_for: Callable[..., Api], incident: Incident
) -> None:
    education = api_for(
        NORTHSHIRE, "education_safeguarding_officer", "northshire-education-safeguarding"
    )
    inbox = education.get(f"/teams/{team('northshire-front-door').pk}/obligations")
    assert inbox.status_code == 404
    response = education.post(f"/obligations/{notification(incident).pk}/acknowledge", key="e-1")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert not IdempotencyRecord.objects.filter(key="e-1").exists()


def test_the_police_see_every_obligation_of_their_incident_and_the_decision(
    front_door: Api, police: Api, incident: Incident, client_for: Callable[[str], Client]
) -> None:
    first = notification(incident)
    front_door.post(f"/obligations/{first.pk}/decision", {"decision": "early_help"})
    response, events = logged(lambda: police.get(f"/incidents/{incident.pk}/obligations"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["incident_id"], body["complete"], body["unrouted"]) == (incident.pk, False, [])
    # Three child concern notifications, one Operation Encompass notification (to the
    # education safeguarding team: the children's schools are not known), and an offer of
    # specialist support for each child victim (SPECIALIST-1).
    assert sorted(o["route"] for o in body["obligations"]) == [
        "child_concern_notification",
        "child_concern_notification",
        "child_concern_notification",
        "encompass_notification",
        "specialist_offer",
        "specialist_offer",
        "specialist_offer",
    ]
    decided = next(o for o in body["obligations"] if o["id"] == first.pk)
    assert decided["outcome"] == {"code": "early_help", "label": "Early help"}
    assert (decided["status"], decided["rule"]) == ("closed", "CCN-1")
    assert decided["team"]["name"] == "Northshire front door"
    assert decided["subject_id"] == first.subject_id
    # Every deadline, met or not: both of this one were met by the decision.
    assert [d["stage"] for d in decided["deadlines"]] == ["acknowledge", "decide"]
    assert all(d["met_at"] for d in decided["deadlines"]) and decided["next_due_at"] is None
    (event,) = events
    assert ("obligations.obligation", str(first.pk)) in records_of(event)
    # The referrer may see the obligation, but only its team acts on it.
    assert police.get(f"/obligations/{first.pk}").json()["outcome"]["code"] == "early_help"
    other = notification(incident, 1)
    assert police.post(f"/obligations/{other.pk}/acknowledge", key="p-1").status_code == 403
    # The public protection officer's own session reads the same.
    session = client_for(PPU).get(f"/api/v1/incidents/{incident.pk}/obligations")
    assert session.status_code == 200
    assert session.json()["obligations"] == body["obligations"]
    assert AccessEvent.objects.latest("pk").user_id is not None


def test_work_no_team_could_be_found_for_is_shown_unrouted(police: Api, wessex: Any) -> None:
    incident = submitted_incident(wessex, la=None)
    body = police.get(f"/incidents/{incident.pk}/obligations").json()
    assert (body["obligations"], body["complete"]) == ([], False)
    concerns = [u for u in body["unrouted"] if u["route"] == "child_concern_notification"]
    assert len(concerns) == 3


def test_without_a_key_or_session_it_is_a_401(incident: Incident) -> None:
    response = Client().get(f"/api/v1/incidents/{incident.pk}/obligations")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_the_codes_in_the_document_are_the_policys() -> None:
    from config.api import api

    document = api.get_openapi_schema()
    components = document["components"]["schemas"]
    inbox = document["paths"]["/api/v1/teams/{team_id}/obligations"]["get"]["parameters"]
    (route_filter,) = [p for p in inbox if p["name"] == "route"]
    # The route and outcome codes are read from the route registry as the document is made.
    assert set(_enum(route_filter["schema"])) == set(registry.route_keys())
    assert set(components["ObligationOut"]["properties"]["route"]["enum"]) == set(
        registry.route_keys()
    )
    assert set(components["OutcomeIn"]["properties"]["outcome"]["enum"]) == {
        code for route in registry.routes() for code in route.outcomes
    }
    assert set(typing.get_args(StatusCode)) == {s.value for s in policy.Status}
    assert set(typing.get_args(DecisionCode)) == {d.value for d in policy.Decision}


def _enum(schema: dict[str, Any]) -> list[str]:
    """A parameter's codes, whether or not the document wraps them for being optional."""
    if "enum" in schema:
        return schema["enum"]
    return next(option["enum"] for option in schema.get("anyOf", []) if "enum" in option)


def test_an_unknown_route_or_outcome_is_refused() -> None:
    from hearth.obligations.schemas import InboxFiltersIn, OutcomeIn

    with pytest.raises(ValueError, match="Not a route"):
        InboxFiltersIn.model_validate({"route": "no_such_route"})
    with pytest.raises(ValueError, match="Not an outcome"):
        OutcomeIn.model_validate({"outcome": "no_such_outcome"})
    assert OutcomeIn.model_validate({"outcome": "heard"}).outcome == "heard"


def test_the_schema_declares_every_answer() -> None:
    from config.api import api

    paths = api.get_openapi_schema()["paths"]
    for path in (
        "/api/v1/teams/{team_id}/obligations",
        "/api/v1/obligations/{obligation_id}",
        "/api/v1/incidents/{incident_id}/obligations",
    ):
        assert set(paths[path]["get"]["responses"]) == {200, 401, 403, 404, 422}
    for action in ("acknowledge", "decision", "outcome", "redirect", "assessments/{assessment_id}"):
        post = paths[f"/api/v1/obligations/{{obligation_id}}/{action}"]["post"]
        assert set(post["responses"]) == {200, 401, 403, 404, 409, 422}, action
        assert "Idempotency-Key" in {p["name"] for p in post["parameters"] if p["required"]}
