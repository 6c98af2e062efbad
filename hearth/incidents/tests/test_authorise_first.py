"""Authorise before validating (issue 11 §2): an agency that may not record incidents is
refused (403) whatever it sends, before the document is looked at."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from hearth.accounts.services import api_key_issue
from hearth.core.actor import Role
from hearth.incidents.models import Incident
from hearth.incidents.tests.factories import family_document
from hearth.incidents.tests.test_api import as_json

pytestmark = pytest.mark.django_db


def _system(wessex: Any, agency: str, role: str) -> Client:
    issued = api_key_issue(actor=None, agency=wessex.agency(agency), name="System", roles=[role])
    return Client(HTTP_AUTHORIZATION=f"Bearer {issued.raw_key}")


def _post(client: Client, body: Any) -> Any:
    return client.post(
        "/api/v1/incidents",
        json.dumps(body),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="first",
    )


def test_an_agency_that_records_nothing_is_refused_whatever_it_sends(wessex: Any) -> None:
    before = Incident.objects.count()
    broken = as_json(family_document(reference="WX/2026/0555"))
    broken["relationships"] = [{"person": "nobody", "other": "victim", "kinship": "parent"}]
    for agency, role in (
        ("hearth-service-for-wessex", Role.ADMINISTRATOR),
        ("wessex-safeguarding-partnership", Role.ANALYST),
        ("wessex-police", Role.ADMINISTRATOR),  # an administrator sees no case
    ):
        system = _system(wessex, agency, role)
        for body in (broken, {}, {"people": "not a list"}):
            response = _post(system, body)
            assert response.status_code == 403, (agency, response.content)
            assert response.json()["error"]["code"] == "forbidden"
    assert Incident.objects.count() == before


def test_a_force_is_still_told_what_is_wrong_with_its_document(wessex: Any) -> None:
    broken = as_json(family_document(reference="WX/2026/0556"))
    broken["relationships"] = [{"person": "nobody", "other": "victim", "kinship": "parent"}]
    response = _post(_system(wessex, "wessex-police", Role.PUBLIC_PROTECTION_OFFICER), broken)
    assert response.status_code == 422
