"""Every page is sent with a nonce-based CSP, a Permissions-Policy and no framing."""

from __future__ import annotations

import re

import pytest
from django.test import Client


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
