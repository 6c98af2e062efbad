"""The API's front door: who am I, keys, sessions, errors, and the OpenAPI document."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from hearth.accounts.models import ApiKey
from hearth.accounts.services import api_key_issue, api_key_revoke

UNAUTHENTICATED = {
    "error": {"code": "unauthenticated", "message": "Sign in or send a valid API key"}
}


@pytest.mark.django_db
def test_me_without_credentials_is_401_in_the_one_error_shape() -> None:
    response = Client().get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED
    bad_key = Client(HTTP_AUTHORIZATION="Bearer hth_000000000000_nope").get("/api/v1/me")
    assert bad_key.status_code == 401


def test_me_with_a_session_gives_the_current_agency_and_roles(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for("front.door.manager@northshire.wessex.example")
    body = client.get("/api/v1/me").json()
    assert body["agency"]["name"] == "Northshire Council children's services"
    assert body["roles"] == [{"code": "front_door_manager", "label": "Front door manager"}]
    assert body["api_key_id"] is None
    assert body["user_id"] is not None


def test_me_with_an_api_key_gives_the_agency_system(wessex: Any) -> None:
    issued = api_key_issue(
        actor=None,
        agency=wessex.agency("wessex-police"),
        name="Niche RMS",
        roles=["public_protection_officer"],
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issued.raw_key}")
    body = client.get("/api/v1/me").json()
    assert body["agency"]["name"] == "Wessex Police"
    assert body["user_id"] is None
    assert body["api_key_id"] == issued.api_key.pk
    api_key_revoke(actor=None, api_key=issued.api_key)
    assert client.get("/api/v1/me").status_code == 401


def test_a_bad_id_is_a_422_in_the_one_error_shape(client_for: Callable[[str], Client]) -> None:
    response = client_for("front.door@northshire.wessex.example").get("/api/v1/teams/not-a-number")
    assert response.status_code == 422
    body = response.json()
    assert body["error"]["code"] == "invalid_input"
    assert "team_id" in body["error"]["fields"]


@pytest.mark.django_db
def test_the_openapi_document_declares_every_error_on_every_route() -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/me" in paths
    for path, operations in paths.items():
        for method, operation in operations.items():
            declared = set(operation["responses"])
            assert declared & {"200", "201"}, f"{method} {path} declares no success"
            assert {"401", "403", "404", "422"} <= declared, f"{method} {path}"


def test_create_api_key_prints_the_key_once_and_stores_its_hash(wessex: Any) -> None:
    out = StringIO()
    call_command(
        "create_api_key",
        "--agency",
        "wessex-police",
        "--name",
        "Niche RMS",
        "--role",
        "public_protection_officer",
        stdout=out,
    )
    raw = next(line for line in out.getvalue().splitlines() if line.startswith("hth_"))
    stored = ApiKey.objects.get(name="Niche RMS")
    assert raw not in stored.key_hash
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me").status_code == 200


def test_create_api_key_explains_a_wrong_agency(wessex: Any) -> None:
    with pytest.raises(CommandError, match="No active agency"):
        call_command("create_api_key", "--agency", "atlantis-police", "--name", "x")
    with pytest.raises(CommandError, match="not allowed"):
        call_command("create_api_key", "--agency", "wessex-police", "--name", "x", "--role", "idva")
