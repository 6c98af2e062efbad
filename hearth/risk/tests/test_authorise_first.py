"""Authorise before validating (issue 11 §2): who may not countersign an assessment, or
may not see the incident a checklist is for, is refused (403 or 404) whatever the
request says and whatever state the assessment is in."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from hearth.accounts.services import api_key_issue
from hearth.core.actor import Role
from hearth.incidents.documents import incident_record_document
from hearth.incidents.models import Incident
from hearth.incidents.policy import PartyRole
from hearth.incidents.tests.factories import family_document
from hearth.risk import services
from hearth.risk.models import RiskAssessment

pytestmark = pytest.mark.django_db

FRONT_DOOR = "front.door@northshire.wessex.example"
NORTHSHIRE = "northshire-council-childrens-services"


def _system(wessex: Any, agency: str, role: str) -> Client:
    issued = api_key_issue(actor=None, agency=wessex.agency(agency), name="System", roles=[role])
    return Client(HTTP_AUTHORIZATION=f"Bearer {issued.raw_key}")


def _post(client: Client, url: str, body: Any) -> Any:
    return client.post(
        url, json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY="one"
    )


@pytest.fixture
def concern(wessex: Any) -> Incident:
    """A concern raised by the Northshire front door."""
    return incident_record_document(
        actor=wessex.actor(FRONT_DOOR), document=family_document(reference="")
    )


@pytest.fixture
def started(wessex: Any, concern: Incident) -> RiskAssessment:
    """A checklist the front door has started on its concern, not complete."""
    return services.assessment_start(
        actor=wessex.actor(FRONT_DOOR),
        incident=concern,
        victim=concern.parties.get(role=PartyRole.ADULT_VICTIM).person,
    )


def test_countersigning_is_refused_to_a_practitioner_whatever_the_assessments_state(
    wessex: Any, started: RiskAssessment
) -> None:
    practitioner = _system(wessex, NORTHSHIRE, Role.FRONT_DOOR_PRACTITIONER)
    url = f"/api/v1/assessments/{started.pk}/countersign"
    for body in ({"note": "Agreed"}, {"note": 5}, "not json"):
        response = practitioner.post(
            url, json.dumps(body) if not isinstance(body, str) else body, "application/json"
        )
        assert response.status_code == 403, response.content
    # The manager may: told what is wrong (not complete yet), as before.
    manager = _system(wessex, NORTHSHIRE, Role.FRONT_DOOR_MANAGER)
    assert _post(manager, url, {"note": "Agreed"}).status_code == 409


def test_who_may_not_see_the_assessment_or_incident_gets_404_whatever_they_send(
    wessex: Any, concern: Incident, started: RiskAssessment
) -> None:
    southmoor = _system(wessex, "southmoor-council-childrens-services", Role.FRONT_DOOR_MANAGER)
    for body in ({}, {"note": 5}):
        assert (
            _post(southmoor, f"/api/v1/assessments/{started.pk}/countersign", body).status_code
            == 404
        )
        assert (
            _post(southmoor, f"/api/v1/incidents/{concern.pk}/assessments", body).status_code == 404
        )
    # The front door's own system is told what is wrong with its checklist.
    own = _system(wessex, NORTHSHIRE, Role.FRONT_DOOR_PRACTITIONER)
    assert _post(own, f"/api/v1/incidents/{concern.pk}/assessments", {}).status_code == 422
