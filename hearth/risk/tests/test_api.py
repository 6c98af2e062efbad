"""The risk API: a whole checklist in one idempotent POST, graded with its MARAC criteria;
errors named by their path in the body; reads logged; a supervisor's countersignature
(safe to retry); a child's risk on their record."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from hearth.accounts.services import api_key_issue
from hearth.audit.models import AccessEvent, TimelineEvent
from hearth.incidents.documents import incident_record_document
from hearth.incidents.models import Incident
from hearth.incidents.tests.factories import family_document
from hearth.people.models import Person
from hearth.risk import services
from hearth.risk.instruments import instrument
from hearth.risk.models import RiskAnswer, RiskAssessment
from hearth.risk.policy import ChildRiskFactors, ChildRiskLevel

POLICE = "wessex-police"
NORTHSHIRE = "northshire-council-childrens-services"
OFFICER = "response.officer@police.wessex.example"


class Api:
    def __init__(self, raw_key: str) -> None:
        self.client = Client()
        self.auth = {"Authorization": f"Bearer {raw_key}"}

    def post(self, incident_id: int, body: Any, key: str | None = "key-1") -> Any:
        headers = dict(self.auth)
        if key is not None:
            headers["Idempotency-Key"] = key
        return self.client.post(
            f"/api/v1/incidents/{incident_id}/assessments",
            data=json.dumps(body),
            content_type="application/json",
            headers=headers,
        )

    def get(self, path: str) -> Any:
        return self.client.get(f"/api/v1{path}", headers=self.auth)

    def countersign(self, assessment_id: int, body: Any = None) -> Any:
        return self.client.post(
            f"/api/v1/assessments/{assessment_id}/countersign",
            data=json.dumps({"note": "Agreed"} if body is None else body),
            content_type="application/json",
            headers=self.auth,
        )


@pytest.fixture
def api_for(wessex: Any) -> Callable[..., Api]:
    def make(agency: str = POLICE, role: str = "public_protection_officer") -> Api:
        issued = api_key_issue(
            actor=None, agency=wessex.agency(agency), name=f"{agency} {role}", roles=[role]
        )
        return Api(issued.raw_key)

    return make


@pytest.fixture
def police(api_for: Callable[..., Api]) -> Api:
    return api_for()


@pytest.fixture
def incident(wessex: Any) -> Incident:
    return incident_record_document(actor=wessex.actor(OFFICER), document=family_document())


def checklist(yes: int = 14, **changes: Any) -> dict[str, Any]:
    items = instrument("police_dash").items
    return {
        "safety": {
            "safe_to_talk": "yes",
            "safe_contact_number": "07700 900123",
            "safe_times": "Weekday mornings",
            "afraid_of": "Dean",
            "perpetrator_whereabouts": "In custody",
            "children_whereabouts": "With their grandmother",
        },
        "answers": [
            {"item": item.key, "answer": "yes" if n < yes else "no"} for n, item in enumerate(items)
        ],
        "reason": "initial",
        **changes,
    }


def fields_of(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 422, response.content
    return response.json()["error"]["fields"]


def test_a_whole_checklist_is_graded_with_its_marac_criteria(
    police: Api, incident: Incident
) -> None:
    response = police.post(incident.pk, checklist(yes=14))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["instrument"], body["instrument_version"]) == ("police_dash", "2009")
    assert (body["status"], body["score"], body["grade"], body["basis"]) == (
        "completed",
        14,
        "high",
        "actuarial",
    )
    assert body["actuarial_grade"] == "high"
    assert body["rule"] == "GRADE-1"
    assert body["safety"]["afraid_of"] == "Dean"
    assert len(body["answers"]) == 27
    assert body["answers"][0]["number"] == 1
    victim = incident.parties.get(role="adult_victim").person
    assert body["victim_id"] == victim.pk
    marac = body["marac"]
    assert marac["met"] is True
    criteria = {c["key"]: c for c in marac["criteria"]}
    assert criteria["visible_high_risk"]["met"] is True
    assert "14 yes" in criteria["visible_high_risk"]["basis"]
    assert criteria["professional_judgement"]["met"] is False
    assert body["countersigned"] is False


def test_a_retry_answers_the_same_and_records_nothing(police: Api, incident: Incident) -> None:
    first = police.post(incident.pk, checklist())
    counts = (RiskAssessment.objects.count(), RiskAnswer.objects.count())
    again = police.post(incident.pk, checklist())
    assert again.status_code == 201
    assert again.json() == first.json()
    assert (RiskAssessment.objects.count(), RiskAnswer.objects.count()) == counts


def test_the_same_key_with_a_different_body_is_a_conflict(police: Api, incident: Incident) -> None:
    police.post(incident.pk, checklist(yes=14))
    response = police.post(incident.pk, checklist(yes=3))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert RiskAssessment.objects.filter(incident=incident).count() == 1


def test_missing_answers_are_named_and_nothing_is_kept(police: Api, incident: Incident) -> None:
    body = checklist()
    body["answers"] = body["answers"][:-2]
    fields = fields_of(police.post(incident.pk, body))
    assert list(fields) == ["answers"]
    assert "26, 27" in fields["answers"][0]
    assert RiskAssessment.objects.filter(incident=incident).count() == 0
    # The key was not used up: the corrected request goes through with it.
    assert police.post(incident.pk, checklist()).status_code == 201


def test_an_unknown_item_is_named_by_its_path(police: Api, incident: Incident) -> None:
    body = checklist()
    body["answers"][3]["item"] = "no_such_item"
    assert list(fields_of(police.post(incident.pk, body))) == ["answers.3.item"]


def test_a_supplementary_question_needs_its_trigger(police: Api, incident: Incident) -> None:
    body = checklist(yes=0)
    body["answers"].append({"item": "stalking_loitering", "answer": "yes"})
    assert list(fields_of(police.post(incident.pk, body))) == ["answers.27.item"]
    # Given after its trigger (or anywhere, once the trigger is yes), it is recorded.
    triggered = checklist(yes=0)
    triggered["answers"].insert(0, {"item": "stalking_loitering", "answer": "yes"})
    for answer in triggered["answers"]:
        if answer["item"] == "stalking_harassment":
            answer["answer"] = "yes"
    response = police.post(incident.pk, triggered, key="key-2")
    assert response.status_code == 201, response.content
    assert "stalking_loitering" in {a["item"] for a in response.json()["answers"]}


def test_judgement_raises_with_a_reason_and_never_lowers(police: Api, incident: Incident) -> None:
    lowered = checklist(yes=15, judgement={"grade": "medium", "reason": "Seems calmer"})
    fields = fields_of(police.post(incident.pk, lowered))
    assert list(fields) == ["judgement.grade"]
    assert "lower" in fields["judgement.grade"][0]
    raised = checklist(yes=3, judgement={"grade": "high", "reason": "Threats to kill"})
    body = police.post(incident.pk, raised, key="key-2").json()
    assert (body["actuarial_grade"], body["grade"], body["basis"]) == (
        "standard",
        "high",
        "professional_judgement",
    )
    criteria = {c["key"]: c["met"] for c in body["marac"]["criteria"]}
    assert criteria["professional_judgement"] is True
    blank = checklist(judgement={"grade": "high", "reason": "   "})
    assert "judgement.reason" in fields_of(police.post(incident.pk, blank, key="key-3"))


def test_an_unknown_instrument_or_person_is_named(police: Api, incident: Incident) -> None:
    assert "instrument" in fields_of(police.post(incident.pk, checklist(instrument="oasys")))
    child = Person.objects.get(given_names="Mia", recorded_by_agency__slug=POLICE)
    assert list(fields_of(police.post(incident.pk, checklist(victim_id=child.pk)))) == ["victim_id"]


def test_an_incident_you_may_not_see_is_a_404_like_a_missing_one(
    police: Api, api_for: Callable[..., Api], incident: Incident
) -> None:
    missing = police.post(987654321, checklist())
    assert missing.status_code == 404
    outsider = api_for(NORTHSHIRE, "front_door_practitioner")
    assert outsider.post(incident.pk, checklist()).content == missing.content
    assert RiskAssessment.objects.filter(incident=incident).count() == 0
    created = police.post(incident.pk, checklist()).json()
    events = AccessEvent.objects.count()
    assert outsider.get(f"/incidents/{incident.pk}/assessments").content == missing.content
    assert outsider.get(f"/assessments/{created['id']}").content == missing.content
    assert police.get("/assessments/987654321").content == missing.content
    assert AccessEvent.objects.count() == events


def test_reading_assessments_is_logged(police: Api, incident: Incident) -> None:
    first = police.post(incident.pk, checklist(yes=3)).json()
    second = police.post(incident.pk, checklist(yes=15, reason="review"), key="key-2").json()
    before = AccessEvent.objects.count()
    listed = police.get(f"/incidents/{incident.pk}/assessments")
    assert listed.status_code == 200
    assert [a["id"] for a in listed.json()] == [second["id"], first["id"]]
    assert [a["grade"] for a in listed.json()] == ["high", "standard"]
    assert AccessEvent.objects.count() == before + 2
    one = police.get(f"/assessments/{first['id']}")
    assert one.json() == first
    event = AccessEvent.objects.latest("pk")
    assert event.api_key_id is not None
    assert ("risk.riskassessment", str(first["id"])) in {
        (r.record_type, r.record_id) for r in event.records.all()
    }


def test_a_concern_is_assessed_with_the_safelives_ric(
    api_for: Callable[..., Api], wessex: Any
) -> None:
    northshire = api_for(NORTHSHIRE, "front_door_practitioner")
    concern = incident_record_document(
        actor=wessex.actor("front.door@northshire.wessex.example"),
        document=family_document(reference=""),
    )
    answers = [{"item": i.key, "answer": "no"} for i in instrument("safelives_ric").items]
    body = {"safety": {"safe_to_talk": "not_asked"}, "answers": answers}
    response = northshire.post(concern.pk, body)
    assert response.status_code == 201, response.content
    assert (response.json()["instrument"], response.json()["grade"]) == (
        "safelives_ric",
        "standard",
    )


def test_the_child_record_shows_the_latest_risk_and_its_history(
    police: Api, incident: Incident, wessex: Any
) -> None:
    mia = Person.objects.get(given_names="Mia", recorded_by_agency__slug=POLICE)
    assert police.get(f"/children/{mia.pk}").json()["risk"] is None
    officer = wessex.actor(OFFICER)
    factors = ChildRiskFactors(age=8, present_or_witnessed=True)
    services.child_risk_record(actor=officer, child=mia, incident=incident, factors=factors)
    services.child_risk_record(
        actor=officer,
        child=mia,
        incident=incident,
        factors=factors,
        raise_to=ChildRiskLevel.SERIOUS,
        reason="Said she is scared to go home",
    )
    before = AccessEvent.objects.count()
    response = police.get(f"/children/{mia.pk}")
    assert response.status_code == 200
    child = response.json()
    assert child["given_names"] == "Mia"
    assert child["incidents"][0]["incident"]["id"] == incident.pk
    risk = child["risk"]
    assert (risk["level"], risk["label"], risk["basis"]) == (
        3,
        "Serious",
        "professional_judgement",
    )
    assert risk["raised_reason"] == "Said she is scared to go home"
    assert risk["rule"] == "CHILD-RISK-1"
    assert "Present at or witnessed the abuse" in risk["factors"]
    assert [r["level"] for r in child["risk_history"]] == [3, 2]
    assert AccessEvent.objects.count() == before + 1


def test_the_schema_declares_every_answer() -> None:
    from config.api import api

    paths = api.get_openapi_schema()["paths"]
    post = paths["/api/v1/incidents/{incident_id}/assessments"]["post"]
    assert set(post["responses"]) == {201, 401, 403, 404, 409, 422}
    assert "Idempotency-Key" in {p["name"] for p in post["parameters"]}
    for path in (
        "/api/v1/incidents/{incident_id}/assessments",
        "/api/v1/assessments/{assessment_id}",
        "/api/v1/children/{child_id}",
    ):
        assert set(paths[path]["get"]["responses"]) == {200, 401, 403, 404, 422}
    countersign = paths["/api/v1/assessments/{assessment_id}/countersign"]["post"]
    assert set(countersign["responses"]) == {200, 401, 403, 404, 409, 422}


def test_each_read_by_a_childrens_services_key_is_one_access_event(
    api_for: Callable[..., Api], wessex: Any
) -> None:
    """The samples tests/test_every_route_is_audited.py uses: a concern the Northshire
    front door raised, read by the Northshire case system's key."""
    northshire = api_for(NORTHSHIRE, "front_door_practitioner")
    front_door = wessex.actor("front.door@northshire.wessex.example")
    concern = incident_record_document(actor=front_door, document=family_document(reference=""))
    answers = [{"item": i.key, "answer": "yes"} for i in instrument("safelives_ric").items]
    body = {"safety": {"safe_to_talk": "yes"}, "answers": answers}
    for method, call in (
        ("POST", lambda: northshire.post(concern.pk, body, key="walk-1")),
        ("GET list", lambda: northshire.get(f"/incidents/{concern.pk}/assessments")),
        (
            "GET one",
            lambda: northshire.get(
                f"/assessments/{RiskAssessment.objects.get(incident=concern).pk}"
            ),
        ),
    ):
        before = AccessEvent.objects.count()
        response = call()
        assert response.status_code in (200, 201), (method, response.content)
        assert AccessEvent.objects.count() == before + 1, method


# --- Countersigning ------------------------------------------------------------------


def completed_by_the_officer(wessex: Any, incident: Incident, yes: int = 5) -> RiskAssessment:
    from hearth.risk.tests.test_services import answered

    return answered(wessex, incident, yes=yes)


def test_a_supervisor_countersigns_and_gets_the_assessment_as_get_shows_it(
    police: Api, incident: Incident, wessex: Any
) -> None:
    assessment = completed_by_the_officer(wessex, incident)
    before = AccessEvent.objects.count()
    response = police.countersign(assessment.pk, {"note": "Agreed: standard"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["countersigned"], body["countersign_note"]) == (
        assessment.pk,
        True,
        "Agreed: standard",
    )
    assert body["countersigned_at"] is not None
    assert AccessEvent.objects.count() == before + 1
    assert AccessEvent.objects.latest("pk").purpose == "Countersign a risk assessment"
    assert police.get(f"/assessments/{assessment.pk}").json() == body
    assessment.refresh_from_db()
    assert assessment.countersigned_by_id is None
    assert assessment.countersigned_by_api_key_id is not None


def test_countersigning_again_by_the_same_supervisor_answers_the_same(
    police: Api, incident: Incident, wessex: Any
) -> None:
    assessment = completed_by_the_officer(wessex, incident)
    first = police.countersign(assessment.pk, {"note": "Agreed"})
    again = police.countersign(assessment.pk, {"note": "A different note"})
    assert again.status_code == 200
    assert again.json() == first.json()
    assert TimelineEvent.objects.filter(verb="risk.countersigned").count() == 2  # victim, incident


def test_someone_else_countersigning_it_again_is_a_conflict(
    police: Api, api_for: Callable[..., Api], incident: Incident, wessex: Any
) -> None:
    assessment = completed_by_the_officer(wessex, incident)
    police.countersign(assessment.pk)
    other = api_for()  # another key of the same force
    response = other.countersign(assessment.pk, {"note": "Me too"})
    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "conflict",
        "message": "This risk assessment has already been countersigned",
    }
    assessment.refresh_from_db()
    assert assessment.countersign_note == "Agreed"


def test_an_assessment_in_progress_cannot_be_countersigned(
    police: Api, incident: Incident, wessex: Any
) -> None:
    victim = incident.parties.get(role="adult_victim").person
    started = services.assessment_start(
        actor=wessex.actor(OFFICER), victim=victim, incident=incident
    )
    response = police.countersign(started.pk)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


def test_only_a_supervisor_other_than_the_assessor_countersigns(
    api_for: Callable[..., Api],
    incident: Incident,
    wessex: Any,
    client_for: Callable[[str], Client],
) -> None:
    front_door = wessex.actor("front.door@northshire.wessex.example")
    concern = incident_record_document(actor=front_door, document=family_document(reference=""))
    ric = services.assessment_start(
        actor=front_door, victim=concern.parties.get(role="adult_victim").person, incident=concern
    )
    for item in instrument("safelives_ric").items:
        services.assessment_answer(actor=front_door, assessment=ric, item_key=item.key, answer="no")  # type: ignore[arg-type]
    services.assessment_complete(actor=front_door, assessment=ric)
    practitioner_system = api_for(NORTHSHIRE, "front_door_practitioner")
    response = practitioner_system.countersign(ric.pk)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert api_for(NORTHSHIRE, "front_door_manager").countersign(ric.pk).status_code == 200
    # A supervisor may not countersign their own assessment (here through the session).
    ppu = wessex.actor("ppu.officer@police.wessex.example")
    victim = incident.parties.get(role="adult_victim").person
    own = services.assessment_start(actor=ppu, victim=victim, incident=incident)
    for item in instrument("police_dash").items:
        services.assessment_answer(actor=ppu, assessment=own, item_key=item.key, answer="no")  # type: ignore[arg-type]
    services.assessment_complete(actor=ppu, assessment=own)
    session = client_for("ppu.officer@police.wessex.example")
    response = session.post(
        f"/api/v1/assessments/{own.pk}/countersign",
        data=json.dumps({"note": ""}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "Someone else must countersign" in response.json()["error"]["message"]
    own.refresh_from_db()
    assert own.countersigned_at is None


def test_countersigning_one_you_may_not_see_is_a_404_like_a_missing_one(
    police: Api, api_for: Callable[..., Api], incident: Incident, wessex: Any
) -> None:
    assessment = completed_by_the_officer(wessex, incident)
    missing = police.countersign(987654321)
    assert missing.status_code == 404
    outsider = api_for(NORTHSHIRE, "front_door_manager")
    before = AccessEvent.objects.count()
    assert outsider.countersign(assessment.pk).content == missing.content
    assert AccessEvent.objects.count() == before
    assessment.refresh_from_db()
    assert assessment.countersigned_at is None


def test_a_countersign_body_is_checked(police: Api, incident: Incident, wessex: Any) -> None:
    assessment = completed_by_the_officer(wessex, incident)
    response = police.countersign(assessment.pk, {"note": "x", "grade": "high"})
    assert response.status_code == 422
    assert "grade" in response.json()["error"]["fields"]
    too_long = police.countersign(assessment.pk, {"note": "x" * 10001})
    assert list(too_long.json()["error"]["fields"]) == ["note"]
    nul = police.countersign(assessment.pk, {"note": "Agreed\u0000"})
    assert (nul.status_code, list(nul.json()["error"]["fields"])) == (422, ["note"])
    lines = police.countersign(assessment.pk, {"note": "Agreed.\nReview in a month."})
    assert lines.json()["countersign_note"] == "Agreed.\nReview in a month."
