"""The families API: opening a plan, reading it as the caller may, and the lead team's
changes, each idempotent (the same key answers the same; another body with it is a 409),
404 for who may not see, 403 for who may not change; and an action's share on the
obligations API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from hearth.accounts.services import api_key_issue
from hearth.families.models import FamilyPlan, Goal, PlanAction
from hearth.families.tests.factories import due, member, open_body, review_body
from hearth.families.tests.test_access import worked_plan
from hearth.families.tests.test_services import idva_team

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
def keys(wessex: Any) -> dict[str, str]:
    return {
        "lead": key_for(wessex, "northshire-council-childrens-services", "front_door_practitioner"),
        "idva": key_for(wessex, "wessex-idva-service", "idva"),
        "south": key_for(wessex, "southmoor-council-childrens-services", "front_door_practitioner"),
    }


def test_open_a_plan_once(wessex: Any, keys: dict[str, str]) -> None:
    body = open_body()
    made = call(keys["lead"], "POST", "/families/plans", body)
    assert made.status_code == 201, made.content
    plan = made.json()
    assert plan["is_lead"] and plan["safe_contact_note"] == "Kerry's mobile, weekdays"
    assert {m["role"] for m in plan["members"]} == {"adult_victim", "child"}
    assert plan["next_review_due_on"]
    again = call(keys["lead"], "POST", "/families/plans", body)
    assert again.status_code == 201 and again.json()["id"] == plan["id"]
    other = call(keys["lead"], "POST", "/families/plans", body | {"agreement": "not_agreed"})
    assert other.status_code == 409
    refused = call(
        keys["lead"], "POST", "/families/plans", body | {"safe_contact_note": " "}, idem="k2"
    )
    assert refused.status_code == 422
    assert FamilyPlan.objects.filter(members__person_id=body["person_id"]).count() == 1


def test_reading_a_plan(wessex: Any, keys: dict[str, str]) -> None:
    plan = worked_plan(wessex)
    lead = call(keys["lead"], "GET", f"/families/plans/{plan.pk}").json()
    assert lead["withheld"] == 0 and all(m["shown"] for m in lead["members"])
    idva = call(keys["idva"], "GET", f"/families/plans/{plan.pk}")
    assert idva.status_code == 200
    answer = idva.json()
    assert not answer["is_lead"] and answer["withheld"] == 6
    dean = next(m for m in answer["members"] if m["role"] == "person_causing_harm")
    assert dean["name"] == "Dean Vance" and not dean["shown"] and dean["actions"] == []
    assert call(keys["south"], "GET", f"/families/plans/{plan.pk}").status_code == 404
    listed = call(keys["idva"], "GET", "/families/plans").json()
    assert plan.pk in [row["id"] for row in listed]
    assert plan.pk not in [
        row["id"] for row in call(keys["south"], "GET", "/families/plans").json()
    ]


def test_only_the_lead_team_changes_the_plan(wessex: Any, keys: dict[str, str]) -> None:
    plan = worked_plan(wessex)
    body = {"member_id": member(plan, "Kerry").pk, "words": "Kerry is safe at home"}
    assert call(keys["idva"], "POST", f"/families/plans/{plan.pk}/goals", body).status_code == 403
    assert call(keys["south"], "POST", f"/families/plans/{plan.pk}/goals", body).status_code == 404
    done = call(keys["lead"], "POST", f"/families/plans/{plan.pk}/goals", body)
    assert done.status_code == 200
    call(keys["lead"], "POST", f"/families/plans/{plan.pk}/goals", body, idem="k2")
    assert Goal.objects.filter(plan=plan, words="Kerry is safe at home").count() == 1


def test_actions_supports_reviews_and_closing(wessex: Any, keys: dict[str, str]) -> None:
    plan = worked_plan(wessex)
    base = f"/families/plans/{plan.pk}"
    action = {
        "member_id": member(plan, "Kerry").pk,
        "team_id": idva_team().pk,
        "what": "Court support",
        "due_on": due().isoformat(),
    }
    assert call(keys["lead"], "POST", f"{base}/actions", action, idem="a").status_code == 200
    assert call(keys["lead"], "POST", f"{base}/actions", action, idem="a").status_code == 200
    assert PlanAction.objects.filter(plan=plan, what="Court support").count() == 1
    support = {"member_id": member(plan, "Leo").pk, "kind": "health"}
    answer = call(keys["lead"], "POST", f"{base}/supports", support, idem="s").json()
    leo = next(m for m in answer["members"] if m["name"] == "Leo Hart")
    (made,) = leo["supports"]
    assert made["kind_words"] == "Health" and made["status"] == "planned"
    changed = call(
        keys["lead"],
        "POST",
        f"{base}/supports/{made['id']}",
        {"status": "started", "started_on": review_body(plan)["held_on"]},
        idem="u",
    )
    assert changed.status_code == 200
    bad = call(keys["lead"], "POST", f"{base}/supports", {**support, "kind": "refuge"}, idem="b")
    assert bad.status_code == 422
    reviewed = call(keys["lead"], "POST", f"{base}/reviews", review_body(plan), idem="r")
    assert reviewed.status_code == 200, reviewed.content
    assert reviewed.json()["status"] == "reviewed" and len(reviewed.json()["reviews"]) == 1
    closed = call(keys["lead"], "POST", f"{base}/close", {"reason": "goals_met"}, idem="c")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    late = call(keys["lead"], "POST", f"{base}/goals", {"member_id": 1, "words": "x"}, idem="g")
    assert late.status_code == 422


def test_an_actions_share_on_the_obligations_api(wessex: Any, keys: dict[str, str]) -> None:
    plan = worked_plan(wessex)
    action = PlanAction.objects.get(plan=plan, member__person__given_names="Kerry")
    answer = call(keys["idva"], "GET", f"/obligations/{action.obligation_id}")
    assert answer.status_code == 200, answer.content
    share = answer.json()["shared"]["family_action"]
    assert share["what"] == "Kerry's safety plan"
    assert share["safe_contact_note"].startswith("Call Kerry's mobile")
    assert share["member_role"] == "Adult victim"
