"""Schemathesis drives every API operation from the OpenAPI document and checks that each
answer (status code, content type, body) is one the document declares."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from config.wsgi import application
from hearth.accounts.services import api_key_issue

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

# Creates whose rules go beyond what JSON Schema can say (references between the people
# in a document, NHS number check digits, what must be recorded before submitting): a
# schema-valid body may still be a 422, so "valid data is accepted" does not apply. Every
# other check (no 5xx, declared status codes and bodies) still does.
DOMAIN_VALIDATED = {
    ("POST", "/api/v1/incidents"),
    ("POST", "/api/v1/incidents/{incident_id}/assessments"),
    # Actions on an obligation: which decision, outcome, team or CIN factor fits depends
    # on the obligation's route and team; text cannot hold NUL; dates lie in 1900-2100.
    ("POST", "/api/v1/obligations/{obligation_id}/acknowledge"),
    ("POST", "/api/v1/obligations/{obligation_id}/decision"),
    ("POST", "/api/v1/obligations/{obligation_id}/outcome"),
    ("POST", "/api/v1/obligations/{obligation_id}/redirect"),
    ("POST", "/api/v1/obligations/{obligation_id}/assessments/{assessment_id}"),
    # An inbox's due_by filter is a date in 1900-2100, like every date the API takes.
    ("GET", "/api/v1/teams/{team_id}/obligations"),
}


@pytest.fixture(autouse=True)
def _keep_the_test_transactions_connection() -> Iterator[None]:
    """Schemathesis calls the WSGI app directly, so Django's end-of-request handler would
    close the connection that holds the test's transaction (Django's own test client
    switches this off in the same way)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_key(wessex: Any) -> str:
    return api_key_issue(
        actor=None,
        agency=wessex.agency("northshire-council-childrens-services"),
        name="Northshire case system",
        roles=["front_door_practitioner"],
    ).raw_key


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_answer_matches_the_document(case: Any, api_key: str) -> None:
    excluded = [positive_data_acceptance] if (case.method, case.path) in DOMAIN_VALIDATED else []
    case.call_and_validate(headers={"Authorization": f"Bearer {api_key}"}, excluded_checks=excluded)
