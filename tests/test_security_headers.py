"""Every page is sent with a nonce-based CSP, a Permissions-Policy and no framing, and is
never stored by a browser or proxy cache."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hearth.accounts.services import api_key_issue
from hearth.incidents.models import Incident
from hearth.incidents.policy import PartyRole

OFFICER = "response.officer@police.wessex.example"


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy() -> None:
    response = Client().get("/account/login/")
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    nonce = re.search(r"'nonce-([^']+)'", csp)
    assert nonce is not None
    # The only inline script (GOV.UK's js-enabled class) carries this response's nonce.
    assert f'nonce="{nonce.group(1)}"'.encode() in response.content
    assert "frame-ancestors 'none'" in csp
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"style=" not in response.content


@pytest.mark.django_db
def test_the_nonce_changes_with_every_response() -> None:
    client = Client()
    first = client.get("/account/login/")["Content-Security-Policy"]
    second = client.get("/account/login/")["Content-Security-Policy"]
    assert first != second


def _no_store(response: Any) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_case_pages_and_api_answers_are_never_stored(
    client_for: Callable[[str], Client], wessex: Any
) -> None:
    """A shared computer must not keep a case page after sign-out (issue 11 §2)."""
    incident = Incident.objects.get(police_reference="WX/DEMO/0001")
    victim = incident.parties.get(role=PartyRole.ADULT_VICTIM).person_id
    child = incident.child_involvements.order_by("id").first()
    assert child is not None
    client = client_for(OFFICER)
    for url in (
        reverse("person_detail", args=[victim]),
        reverse("child_detail", args=[child.child_id]),
        reverse("incident_detail", args=[incident.pk]),
        f"/api/v1/incidents/{incident.pk}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), url
    key = api_key_issue(
        actor=None,
        agency=wessex.agency("wessex-police"),
        name="Records system",
        roles=["public_protection_officer"],
    ).raw_key
    system = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    for url in (f"/api/v1/incidents/{incident.pk}", f"/api/v1/children/{child.child_id}"):
        response = system.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), url
    # Errors and refusals too: a 404 is as much a page as any other.
    assert _no_store(system.get("/api/v1/incidents/999999"))
    assert _no_store(client.get(reverse("person_detail", args=[999_999])))
