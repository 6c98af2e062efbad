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
    # A school's actions on an Operation Encompass notification: text cannot hold NUL, how
    # the support went needs the support first, and a closed one's support cannot change.
    ("POST", "/api/v1/encompass/notifications/{notification_id}/acknowledge"),
    ("POST", "/api/v1/encompass/notifications/{notification_id}/support"),
    ("POST", "/api/v1/encompass/notifications/{notification_id}/outcome"),
}
# Operation Encompass is for a school's system: those routes are called with a school's
# key (a demo school with notifications), so its answers are exercised, not only 404s.
SCHOOL_PATHS = "/api/v1/encompass/"
SCHOOL = "brackenford-primary-school"


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


@pytest.fixture
def school_api_key(wessex: Any) -> str:
    return api_key_issue(
        actor=None,
        agency=wessex.agency(SCHOOL),
        name="Brackenford safeguarding system",
        roles=["designated_safeguarding_lead"],
    ).raw_key


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_answer_matches_the_document(case: Any, api_key: str, school_api_key: str) -> None:
    excluded = [positive_data_acceptance] if (case.method, case.path) in DOMAIN_VALIDATED else []
    key = school_api_key if case.path.startswith(SCHOOL_PATHS) else api_key
    case.call_and_validate(headers={"Authorization": f"Bearer {key}"}, excluded_checks=excluded)


def test_a_schools_notification_and_each_action_answer_as_the_document_says(
    school_api_key: str,
) -> None:
    """Generated ids seldom name a real notification: one of the demo school's own, read
    and then taken through each action, is checked against the document too."""
    from hearth.obligations.models import EncompassNotification

    notification = EncompassNotification.objects.filter(
        setting__agency__slug=SCHOOL, obligation__status="acknowledged"
    ).get()
    path = "/api/v1/encompass/notifications/{notification_id}"
    ids = {"notification_id": notification.obligation_id}
    headers = {"Authorization": f"Bearer {school_api_key}", "Idempotency-Key": "schema-1"}
    calls: list[tuple[str, str, Any]] = [
        ("GET", "/api/v1/encompass/notifications", None),
        ("GET", path, None),
        ("POST", f"{path}/acknowledge", {"note": "Seen"}),
        ("POST", f"{path}/support", {"support": "overt_support", "note": "Learning mentor"}),
        ("POST", f"{path}/outcome", {"outcome": "Settled in class"}),
    ]
    for index, (method, route, body) in enumerate(calls):
        operation = schema[route][method]
        case = operation.Case(
            path_parameters=ids if "{" in route else None,
            headers={**headers, "Idempotency-Key": f"schema-{index}"},
            **({"body": body, "media_type": "application/json"} if body is not None else {}),
        )
        response = case.call_and_validate()
        assert response.status_code == 200, (route, response.text)
