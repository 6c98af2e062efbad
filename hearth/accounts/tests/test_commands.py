"""Operators' commands for people and keys."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from hearth.accounts.models import Membership, User
from hearth.accounts.services import api_key_issue

NEW_OFFICER = (
    "--email", "new.officer@police.wessex.example", "--first-name", "Noor",
    "--last-name", "Quill", "--agency", "wessex-police", "--role", "response_officer",
)  # fmt: skip


def add(*args: str) -> str:
    out = StringIO()
    call_command("add_person", *args, stdout=out)
    return out.getvalue()


def test_add_person_makes_an_account_without_a_password_once(wessex: Any) -> None:
    args = (*NEW_OFFICER, "--team", "wessex-police-response")
    assert "Forgotten your password" in add(*args)
    user = User.objects.get(email="new.officer@police.wessex.example")
    assert not user.has_usable_password()
    assert not user.is_demo
    add(*args)
    assert Membership.objects.filter(user=user).count() == 1


def test_add_person_explains_mistakes(wessex: Any) -> None:
    with pytest.raises(CommandError, match="first-name"):
        add("--email", "x@example.org", "--agency", "wessex-police", "--role", "response_officer")
    with pytest.raises(CommandError, match="cannot work for a police force"):
        add(
            "--email",
            "x@example.org",
            "--first-name",
            "A",
            "--last-name",
            "B",
            "--agency",
            "wessex-police",
            "--role",
            "idva",
        )
    with pytest.raises(CommandError, match="no team"):
        add(
            "--email",
            "x@example.org",
            "--first-name",
            "A",
            "--last-name",
            "B",
            "--agency",
            "wessex-police",
            "--role",
            "response_officer",
            "--team",
            "nope",
        )


def test_revoke_api_key_stops_it_working(wessex: Any) -> None:
    issued = api_key_issue(actor=None, agency=wessex.agency("wessex-police"), name="RMS")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issued.raw_key}")
    assert client.get("/api/v1/me").status_code == 200
    call_command("revoke_api_key", issued.api_key.prefix, stdout=StringIO())
    assert client.get("/api/v1/me").status_code == 401
    with pytest.raises(CommandError, match="No API key"):
        call_command("revoke_api_key", "000000", stdout=StringIO())


def test_a_new_person_can_set_their_password_by_email(wessex: Any, deliver_outbox: Any) -> None:
    add(*NEW_OFFICER)
    Client().post("/account/password/reset/", {"email": "new.officer@police.wessex.example"})
    deliver_outbox()  # the seed's own messages go too: read only the new officer's
    (sent,) = [m for m in mail.outbox if m.to == ["new.officer@police.wessex.example"]]
    assert "/account/password/reset/key/" in sent.body
