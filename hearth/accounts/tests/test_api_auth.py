"""Who is calling the API: a request without credentials is a 401, whatever its method;
a signed-in session still needs the CSRF token to change anything (issue 11 §2)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from hearth.incidents.tests.factories import family_document
from hearth.incidents.tests.test_api import as_json

UNAUTHENTICATED = {
    "error": {"code": "unauthenticated", "message": "Sign in or send a valid API key"}
}
OFFICER = "response.officer@police.wessex.example"


def _post_incident(client: Client, **headers: str) -> Any:
    return client.post(
        "/api/v1/incidents",
        json.dumps(as_json(family_document(reference="WX/2026/0901"))),
        content_type="application/json",
        headers={"Idempotency-Key": "auth-1", **headers},
    )


@pytest.mark.django_db
def test_a_write_without_credentials_is_401_not_a_csrf_failure() -> None:
    response = _post_incident(Client(enforce_csrf_checks=True))
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


@pytest.mark.django_db
def test_a_write_with_a_wrong_key_is_401() -> None:
    response = _post_incident(
        Client(enforce_csrf_checks=True), Authorization="Bearer hth_000000000000_nope"
    )
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def _signed_in_checking_csrf(client_for: Callable[[str], Client]) -> Client:
    client = client_for(OFFICER)
    client.handler.enforce_csrf_checks = True  # as a browser's requests are checked
    client.get("/")  # a page with a form: the CSRF cookie is set
    return client


def test_a_signed_in_session_without_the_csrf_token_cannot_write(
    client_for: Callable[[str], Client],
) -> None:
    client = _signed_in_checking_csrf(client_for)
    response = _post_incident(client)
    assert response.status_code == 403
    # With the token the session writes, as Hearth's own pages do.
    token = client.cookies["csrftoken"].value
    allowed = _post_incident(client, **{"X-CSRFToken": token})
    assert allowed.status_code == 201, allowed.content


def test_a_signed_in_session_reads_without_a_token(
    client_for: Callable[[str], Client],
) -> None:
    client = _signed_in_checking_csrf(client_for)
    assert client.get("/api/v1/me").status_code == 200
