"""Sign-in: two factors for every account, no sign-up, lockout, idle expiry (issue 2, point 6)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse

from hearth.accounts.models import User
from hearth.accounts.tests.factories import PASSWORD, person, totp_code

pytestmark = pytest.mark.django_db

HOME = reverse("home")
LOGIN = reverse("account_login")
TWO_FACTOR = reverse("mfa_authenticate")
SET_UP_TOTP = reverse("mfa_activate_totp")


def post_password(client: Client, email: str, password: str = PASSWORD):
    return client.post(LOGIN, {"login": email, "password": password})


def test_password_alone_does_not_sign_in_a_person_with_an_authenticator() -> None:
    someone = person("officer@testshire.example")
    client = Client()
    response = post_password(client, "officer@testshire.example")
    assert response.status_code == 302 and response["Location"] == TWO_FACTOR
    # Half-way through, nothing is reachable.
    assert client.get(HOME)["Location"].startswith(LOGIN)
    assert client.get("/api/v1/me").status_code == 401

    response = client.post(TWO_FACTOR, {"code": totp_code(someone.totp_secret or "")})
    assert response.status_code == 302
    assert client.get(HOME).status_code == 200


def test_a_wrong_code_is_refused_with_a_clear_error() -> None:
    person("officer@testshire.example")
    client = Client()
    post_password(client, "officer@testshire.example")
    response = client.post(TWO_FACTOR, {"code": "000000"})
    assert response.status_code == 200
    assert client.get(HOME)["Location"].startswith(LOGIN)


def test_a_recovery_code_works_once_instead_of_the_app() -> None:
    someone = person("officer@testshire.example")
    code = someone.recovery_codes[0]
    client = Client()
    post_password(client, "officer@testshire.example")
    assert client.post(TWO_FACTOR, {"code": code}).status_code == 302
    assert client.get(HOME).status_code == 200

    again = Client()
    post_password(again, "officer@testshire.example")
    again.post(TWO_FACTOR, {"code": code})
    assert again.get(HOME)["Location"].startswith(LOGIN)


def test_a_person_without_an_authenticator_must_set_one_up_before_anything_else() -> None:
    person("new.starter@testshire.example", totp=False)
    client = Client()
    assert post_password(client, "new.starter@testshire.example").status_code == 302
    for path in (HOME, reverse("team_list"), reverse("choose_agency")):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == SET_UP_TOTP
    # Adding a factor is sensitive: allauth asks for the password again first.
    assert client.get(SET_UP_TOTP)["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.get(SET_UP_TOTP).status_code == 200
    # The API gives such a session no actor either.
    assert client.get("/api/v1/me").status_code == 401


def test_demo_accounts_skip_the_second_factor_only_in_demo_mode() -> None:
    person("demo@testshire.example", totp=False, is_demo=True)
    client = Client()
    post_password(client, "demo@testshire.example")
    response = client.get(HOME)
    assert response.status_code == 200
    assert b"This is a demonstration of Hearth" in response.content

    with override_settings(HEARTH_DEMO_MODE=False):
        response = client.get(HOME)
        assert response.status_code == 302 and response["Location"] == SET_UP_TOTP
        assert b"demonstration" not in client.get(SET_UP_TOTP, follow=True).content


def test_nobody_can_sign_up() -> None:
    client = Client()
    client.post(
        reverse("account_signup"),
        {
            "email": "stranger@example.org",
            "password1": "a-long-password-1",
            "password2": "a-long-password-1",
        },
    )
    assert not User.objects.filter(email="stranger@example.org").exists()
    assert b"/account/signup/" not in client.get(LOGIN).content


def test_repeated_failures_lock_the_account_for_a_while() -> None:
    someone = person("officer@testshire.example")
    client = Client()
    for _ in range(5):
        assert (
            post_password(client, "officer@testshire.example", "wrong-password").status_code == 200
        )
    # Even the right password is refused while the account is locked.
    response = post_password(client, "officer@testshire.example")
    assert response.status_code in (200, 429)
    assert response.status_code == 429 or TWO_FACTOR not in response.get("Location", "")
    assert client.get(HOME)["Location"].startswith(LOGIN)
    # After the window the person can sign in again.
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=16)):
        response = post_password(Client(), someone.user.email)
        assert response.status_code == 302 and response["Location"] == TWO_FACTOR


def test_a_session_expires_after_thirty_minutes_without_use() -> None:
    someone = person("officer@testshire.example")
    client = Client()
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        post_password(client, someone.user.email)
        client.post(TWO_FACTOR, {"code": totp_code(someone.totp_secret or "", start.timestamp())})
        assert client.get(HOME).status_code == 200
        traveller.shift(dt.timedelta(minutes=29))
        assert client.get(HOME).status_code == 200  # using it keeps it alive
        traveller.shift(dt.timedelta(minutes=29))
        assert client.get(HOME).status_code == 200
        traveller.shift(dt.timedelta(minutes=31))
        response = client.get(HOME)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)
