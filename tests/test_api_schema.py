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

from config.wsgi import application
from hearth.accounts.services import api_key_issue

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


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
    case.call_and_validate(headers={"Authorization": f"Bearer {api_key}"})
