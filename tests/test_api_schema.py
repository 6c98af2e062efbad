"""Schemathesis drives every API operation from the OpenAPI document and checks that each
answer (status code, content type, body) is one the document declares."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, CheckFunction, is_check_class, load_all_checks
from schemathesis.specs.openapi.checks import positive_data_acceptance

from config.wsgi import application
from hearth.accounts.services import api_key_issue

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

# Every check this version of schemathesis has, not only those it runs by default (a check
# written as a class, if any, runs by itself once registered).
load_all_checks()
ALL_CHECKS: list[CheckFunction] = [c for c in CHECKS.get_all() if not is_check_class(c)]

# Creates whose rules go beyond what JSON Schema can say, so that a schema-valid body may
# still be refused (422 validation_failed) and "valid data is accepted" cannot apply. Every
# other check still does. Each is here for a reason of the domain:
DOMAIN_VALIDATED = {
    # A whole incident: the people named in victims, children and relationships must be
    # in people (references between parts of one document); an NHS number's check digit
    # and a unique pupil number's check letter; every child recorded (or how it was
    # established that there are none) before it is submitted; a local authority that
    # exists.
    ("POST", "/api/v1/incidents"),
    # A whole checklist: every main item of the instrument answered, each item once, a
    # supplementary item only once its trigger is answered yes, and professional
    # judgement that raises the grade, never lowers it.
    ("POST", "/api/v1/incidents/{incident_id}/assessments"),
    # A service's capacity: no more places taken than there are places (either may be
    # sent alone, so the rule joins the body with what is stored).
    ("POST", "/api/v1/directory/services/{service_id}/capacity"),
    # A service's entry: its youngest age not above its oldest, areas that are local
    # authorities, a real email and web address.
    ("POST", "/api/v1/directory/services/{service_id}/entry"),
    # Redirecting an obligation: the team named must exist, be active and do the same
    # work as the one it leaves (a generated id that happens to name a team may not).
    ("POST", "/api/v1/obligations/{obligation_id}/redirect"),
    # The front door's decision: only a child concern notification has one, so a
    # generated id that names other work the front door may see (an IDVA referral, an
    # offer of specialist support) is refused with 422, whatever the body (seen on
    # PostgreSQL, where hypothesis's ids met such an obligation).
    ("POST", "/api/v1/obligations/{obligation_id}/decision"),
    # A whole-family plan (the demo's Fenwright plan is led by the Northshire front door,
    # whose key this is): its lead team one of the caller's own, its members people of the
    # family, and the decision or support it was opened from one the caller may see...
    ("POST", "/api/v1/families/plans"),
    # ...and each goal, action and support for one of the plan's own members (an action's
    # owner an active team of the plan's area, due today or later), each review's progress
    # about the plan's own goals.
    ("POST", "/api/v1/families/plans/{plan_id}/goals"),
    ("POST", "/api/v1/families/plans/{plan_id}/actions"),
    ("POST", "/api/v1/families/plans/{plan_id}/supports"),
    ("POST", "/api/v1/families/plans/{plan_id}/reviews"),
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
    case.call_and_validate(
        headers={"Authorization": f"Bearer {key}"}, checks=ALL_CHECKS, excluded_checks=excluded
    )


def test_a_schools_notification_and_each_action_answer_as_the_document_says(
    school_api_key: str,
) -> None:
    """Generated ids seldom name a real notification: one of the demo school's own, read
    and then taken through each action, is checked against the document too."""
    from hearth.encompass.models import EncompassNotification

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


def test_every_component_schema_has_its_own_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ninja files each schema under its class's name and silently keeps the last of two
    with the same name (the s.1 finding's ``AssessmentOut`` once replaced the risk
    assessment's), so one operation would be documented with another's answer."""
    from ninja.openapi.schema import OpenAPISchema

    from config.api import api

    seen: dict[str, list[Any]] = {}
    original = OpenAPISchema.add_schema_definitions

    def recording(self: OpenAPISchema, definitions: dict) -> None:
        for name, definition in definitions.items():
            if definition not in seen.setdefault(name, []):
                seen[name].append(definition)
        original(self, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", recording)
    api.get_openapi_schema()
    assert seen
    assert {name for name, found in seen.items() if len(found) > 1} == set()


def test_a_risk_assessment_and_its_countersignature_answer_as_the_document_says(
    wessex: Any,
) -> None:
    """Generated ids seldom name a real assessment: one of the force's completed ones is
    read and countersigned, and each answer is checked against the document (the s.1
    finding's schema once took the risk assessment's name, so both failed)."""
    from hearth.risk.models import RiskAssessment

    assessment = RiskAssessment.objects.filter(
        recorded_by_agency=wessex.agency("wessex-police"),
        status="completed",
        countersigned_at__isnull=True,
    ).first()
    assert assessment is not None
    key = api_key_issue(
        actor=None,
        agency=wessex.agency("wessex-police"),
        name="Wessex Police records",
        roles=["public_protection_officer"],
    ).raw_key
    path = "/api/v1/assessments/{assessment_id}"
    calls: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", path, {}),
        (
            "POST",
            f"{path}/countersign",
            {"body": {"note": "Agreed"}, "media_type": "application/json"},
        ),
    ]
    for method, route, body in calls:
        case = schema[route][method].Case(
            path_parameters={"assessment_id": assessment.pk},
            headers={"Authorization": f"Bearer {key}", "Idempotency-Key": "countersign-1"},
            **body,
        )
        response = case.call_and_validate(checks=ALL_CHECKS)
        assert response.status_code == 200, (route, response.text)


def test_every_date_the_api_takes_says_its_years_in_the_document() -> None:
    """Dates and times the API takes lie between 1900 and 2100: the document says so
    (JSON Schema cannot compare dates, so in a pattern), and what it says is checked."""
    from config.api import api
    from hearth.incidents.schemas import DAY_PATTERN, MOMENT_PATTERN

    document = api.get_openapi_schema()
    taken = [s for name, s in document["components"]["schemas"].items() if name.endswith("In")]
    taken += [
        p["schema"]
        for path in document["paths"].values()
        for op in path.values()
        for p in op.get("parameters", [])
    ]

    def dates_in(node: Any) -> Iterator[dict[str, Any]]:
        if isinstance(node, dict):
            if node.get("format") in {"date", "date-time"}:
                yield node
            for value in node.values():
                yield from dates_in(value)
        elif isinstance(node, list):
            for value in node:
                yield from dates_in(value)

    found = [node for part in taken for node in dates_in(part)]
    assert found
    for node in found:
        expected = DAY_PATTERN if node["format"] == "date" else MOMENT_PATTERN
        assert node.get("pattern") == expected, node


def _largest(node: dict[str, Any], schemas: dict[str, Any]) -> int:
    """The most bytes a JSON value of this schema can take, written without spaces, each
    character of text 4 bytes of UTF-8 (the most any character takes)."""
    while "$ref" in node:
        node = schemas[node["$ref"].rsplit("/", 1)[-1]]
    for combined in ("allOf", "anyOf", "oneOf"):
        if combined in node:
            return max(_largest(branch, schemas) for branch in node[combined])
    if "enum" in node or "const" in node:
        return max(len(json.dumps(v).encode()) for v in node.get("enum", [node.get("const")]))
    kind = node["type"]
    if kind == "string":
        return 2 + (32 if "format" in node else 4 * node["maxLength"])
    if kind == "array":
        return 2 + node["maxItems"] * (_largest(node["items"], schemas) + 1)
    if kind == "object":
        return 2 + sum(
            len(json.dumps(name)) + 2 + _largest(value, schemas)
            for name, value in node["properties"].items()
        )
    return {"integer": 20, "number": 32, "boolean": 5, "null": 4}[kind]


def test_the_largest_valid_body_is_within_the_body_limit() -> None:
    """Every body the API takes is bounded (each text has a longest, each list a most), and
    the largest is under the limit on a request's size (docs/api.md): an incident of 100
    people and 100 children, every text at its longest in 4-byte characters."""
    from django.conf import settings

    from config.api import api

    document = api.get_openapi_schema()
    schemas = document["components"]["schemas"]
    bodies = {
        f"{method.upper()} {path}": _largest(
            op["requestBody"]["content"]["application/json"]["schema"], schemas
        )
        for path, item in document["paths"].items()
        for method, op in item.items()
        if "requestBody" in op
    }
    largest = max(bodies.values())
    assert largest == bodies["POST /api/v1/incidents"]
    assert 30_000_000 < largest < settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_every_bound_is_documented_as_json_schema_says() -> None:
    """A bound on a number is ``minimum``/``maximum`` in the document: pydantic writes a
    bound it cannot place (on an optional field, or after a validator) as stray ``ge`` or
    ``le`` keys, which no client and no schema test reads, so a valid-looking request
    was refused (seen as a schemathesis failure on the directory's entry)."""
    from config.api import api

    stray: list[str] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            if "type" in node and {"ge", "le", "gt", "lt"} & node.keys():
                stray.append(path)
            for key, value in node.items():
                walk(value, f"{path}/{key}")
        elif isinstance(node, list):
            for value in node:
                walk(value, path)

    walk(api.get_openapi_schema(), "")
    assert stray == []
