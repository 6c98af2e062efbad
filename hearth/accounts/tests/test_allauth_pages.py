"""allauth's pages render in GOV.UK markup inside Hearth's layout (templates/allauth,
templates/account, templates/mfa).

Each page is fetched as the kind of person who would see it, through the real sign-in
(password, then the authenticator code) so that allauth's "recently signed in" checks hold.
The markup checks stand in for what axe-core checks later in a browser: one GOV.UK h1,
a label for every field, no duplicate ids, no inline style or script, no sign-up link.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.test import Client
from django.urls import reverse

from hearth.accounts.models import User
from hearth.accounts.tests.factories import totp_code

EMAIL = "someone@example.org"
PASSWORD = "a-long-password-123"


class Page(HTMLParser):
    """The tags of a page, with their attributes, and the text of each h1 and title."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.h1s: list[str] = []
        self.title = ""
        self._in: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        if tag in ("h1", "title"):
            self._in = tag
            if tag == "h1":
                self.h1s.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "h1":
            self.h1s[-1] += data
        elif self._in == "title":
            self.title += data

    def all(self, tag: str) -> list[dict[str, str]]:
        return [attrs for t, attrs in self.tags if t == tag]

    def classes(self, tag: str) -> set[str]:
        return {c for attrs in self.all(tag) for c in attrs.get("class", "").split()}


def assert_govuk_page(response, h1: str) -> Page:
    """A 200 page in Hearth's layout with one GOV.UK h1 and none of allauth's plain markup."""
    assert response.status_code == 200
    html = response.content.decode()
    page = Page(html)
    # One h1, GOV.UK-styled, with the expected words; the title says the same.
    assert [" ".join(text.split()) for text in page.h1s] == [h1]
    assert page.all("h1")[0].get("class") == "govuk-heading-l"
    assert " ".join(page.title.split()).removeprefix("Error: ").startswith(h1 + " –")
    assert "govuk-template" in html  # Hearth's base layout
    # No allauth or Django default markup: every p, h2, button, input, table is GOV.UK.
    for tag in ("p", "h2", "button", "textarea", "select", "table", "ul", "ol", "details"):
        for attrs in page.all(tag):
            if tag == "ul" and attrs.get("class") is None:
                continue  # plain lists inside hints (password rules)
            assert attrs.get("class"), f"<{tag}> without a class in {response.request['PATH_INFO']}"
    for attrs in page.all("input"):
        if attrs.get("type") != "hidden" and "hidden" not in attrs:
            assert "govuk-" in attrs.get("class", ""), attrs
    assert "errorlist" not in html
    assert "helptext" not in html
    # Every field has a label; ids are unique.
    label_for = {attrs.get("for") for attrs in page.all("label")}
    for tag in ("input", "textarea", "select"):
        for attrs in page.all(tag):
            if attrs.get("type") != "hidden" and "hidden" not in attrs:
                assert attrs.get("id") in label_for, f"{tag} {attrs} has no label"
    ids = Counter(attrs["id"] for _, attrs in page.tags if "id" in attrs)
    assert [i for i, n in ids.items() if n > 1] == []
    # No inline style (the CSP blocks it), no inline script without the nonce.
    assert not any("style" in attrs for _, attrs in page.tags)
    for attrs in page.all("script"):
        assert "src" in attrs or "nonce" in attrs
    # Sign-up is closed: no link to it, no mention of it.
    assert reverse("account_signup") not in html
    assert "sign up" not in html.lower()
    assert "signup" not in html.lower()
    return page


def make_user(*, totp: bool = False, recovery_codes: bool = False) -> tuple[User, str | None]:
    user = User.objects.create_user(EMAIL, PASSWORD)
    secret = None
    if totp:
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
    if recovery_codes:
        RecoveryCodes.activate(user)
    return user, secret


def sign_in(client: Client, secret: str | None = None) -> None:
    """Sign in as the real person does: password, then (with TOTP) the app's code."""
    response = client.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD})
    assert response.status_code == 302
    if secret:
        assert response["Location"] == reverse("mfa_authenticate")
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
        assert response.status_code == 302
        assert response["Location"] != reverse("mfa_authenticate")


def confirm_it_is_you(client: Client) -> None:
    """allauth asks for the password again before changing the second factor (even just
    after signing in: only a re-authentication counts)."""
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


@pytest.fixture
def client_with_totp(db: None) -> Client:
    _, secret = make_user(totp=True, recovery_codes=True)
    client = Client()
    sign_in(client, secret)
    return client


@pytest.fixture
def client_without_totp(db: None) -> Client:
    make_user()
    client = Client()
    sign_in(client)
    return client


# --- Signing in ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_sign_in_page() -> None:
    response = Client().get(reverse("account_login"))
    page = assert_govuk_page(response, "Sign in")
    html = response.content.decode()
    assert "govuk-button" in page.classes("button")
    email, password = (attrs for attrs in page.all("input") if attrs.get("type") != "hidden")
    assert email["type"] == "email"
    assert email["name"] == "login"
    assert email["autocomplete"] == "email"
    assert "govuk-input" in email["class"]
    assert password["type"] == "password"
    assert password["autocomplete"] == "current-password"
    assert "govuk-password-input__input" in password["class"]
    assert "placeholder" not in email
    assert "authenticator app" in html
    assert "administrator" in html
    assert reverse("account_reset_password") in html
    assert "govuk-error-summary" not in html


@pytest.mark.django_db
def test_sign_in_with_a_wrong_password_shows_the_govuk_errors() -> None:
    make_user()
    response = Client().post(
        reverse("account_login"), {"login": EMAIL, "password": "not-the-password"}
    )
    page = assert_govuk_page(response, "Sign in")
    html = response.content.decode()
    assert page.title.strip().startswith("Error: Sign in")
    assert "govuk-error-summary" in html
    assert "There is a problem" in html
    # The summary links to the field that shows the error.
    assert '<a href="#id_login">' in html
    assert "govuk-form-group--error" in html
    assert 'id="id_login-error" class="govuk-error-message"' in html
    assert '<span class="govuk-visually-hidden">Error:</span>' in html
    email = next(attrs for attrs in page.all("input") if attrs.get("name") == "login")
    assert "govuk-input--error" in email["class"]
    assert "id_login-error" in email["aria-describedby"]
    assert email["value"] == EMAIL
    # The password is never written back into the page.
    assert "not-the-password" not in html


@pytest.mark.django_db
def test_sign_in_with_an_empty_form_shows_each_field_error() -> None:
    response = Client().post(reverse("account_login"), {"login": "", "password": ""})
    assert_govuk_page(response, "Sign in")
    html = response.content.decode()
    assert '<a href="#id_login">' in html
    assert '<a href="#id_password">' in html
    assert 'id="id_password-error"' in html


@pytest.mark.django_db
def test_second_factor_page() -> None:
    _, secret = make_user(totp=True)
    client = Client()
    response = client.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")

    response = client.get(reverse("mfa_authenticate"))
    page = assert_govuk_page(response, "Enter the code from your authenticator app")
    code = next(attrs for attrs in page.all("input") if attrs.get("name") == "code")
    assert code["autocomplete"] == "one-time-code"
    assert code["inputmode"] == "numeric"
    assert "govuk-input" in code["class"]
    assert "govuk-button" in page.classes("button")
    assert "govuk-button--secondary" in page.classes("button")  # cancel, which signs out

    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    page = assert_govuk_page(response, "Enter the code from your authenticator app")
    html = response.content.decode()
    assert page.title.strip().startswith("Error: ")
    assert "There is a problem" in html
    assert '<a href="#id_code">' in html
    assert 'id="id_code-error"' in html

    assert secret
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302


@pytest.mark.django_db
def test_cancel_on_the_second_factor_page_abandons_the_sign_in() -> None:
    make_user(totp=True)
    client = Client()
    client.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD})
    page = Page(client.get(reverse("mfa_authenticate")).content.decode())
    cancel = next(f for f in page.all("form") if f.get("id") == "logout-from-stage")
    assert cancel["action"] == reverse("account_logout")
    response = client.post(cancel["action"], {"next": reverse("account_login")})
    assert response["Location"] == reverse("account_login")
    assert client.get(reverse("mfa_authenticate"))["Location"] == reverse("account_login")


@pytest.mark.django_db
def test_sign_out_confirmation_page(client_with_totp: Client) -> None:
    response = client_with_totp.get(reverse("account_logout"))
    page = assert_govuk_page(response, "Sign out")
    forms = [f for f in page.all("form") if f.get("action") == reverse("account_logout")]
    assert any(f.get("method") == "post" for f in forms)
    assert "govuk-button" in page.classes("button")
    response = client_with_totp.post(reverse("account_logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")


@pytest.mark.django_db
def test_sign_up_is_closed() -> None:
    response = Client().get(reverse("account_signup"))
    assert_govuk_page(response, "You cannot create an account here")


@pytest.mark.django_db
def test_inactive_account_page() -> None:
    assert_govuk_page(Client().get(reverse("account_inactive")), "Your account is not active")


# --- Confirming it is you -----------------------------------------------------------------


@pytest.mark.django_db
def test_reauthenticate_with_password(client_with_totp: Client) -> None:
    response = client_with_totp.get(reverse("account_reauthenticate"))
    page = assert_govuk_page(response, "Confirm it is you")
    password = next(attrs for attrs in page.all("input") if attrs.get("name") == "password")
    assert password["type"] == "password"
    assert password["autocomplete"] == "current-password"
    # The other way to confirm: the authenticator app.
    assert reverse("mfa_reauthenticate") in response.content.decode()

    response = client_with_totp.post(reverse("account_reauthenticate"), {"password": "wrong"})
    page = assert_govuk_page(response, "Confirm it is you")
    assert page.title.strip().startswith("Error: ")
    assert '<a href="#id_password">' in response.content.decode()


@pytest.mark.django_db
def test_reauthenticate_with_authenticator_code(client_with_totp: Client) -> None:
    response = client_with_totp.get(reverse("mfa_reauthenticate"))
    page = assert_govuk_page(response, "Confirm it is you")
    code = next(attrs for attrs in page.all("input") if attrs.get("name") == "code")
    assert code["autocomplete"] == "one-time-code"
    assert code["inputmode"] == "numeric"
    assert reverse("account_reauthenticate") in response.content.decode()


# --- Passwords ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_change_password_page(client_with_totp: Client) -> None:
    response = client_with_totp.get(reverse("account_change_password"))
    page = assert_govuk_page(response, "Change your password")
    autocompletes = [
        a.get("autocomplete") for a in page.all("input") if a.get("type") == "password"
    ]
    assert autocompletes == ["current-password", "new-password", "new-password"]
    assert "govuk-hint" in response.content.decode()  # the password rules

    response = client_with_totp.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "short", "password2": "other"},
    )
    page = assert_govuk_page(response, "Change your password")
    html = response.content.decode()
    assert page.title.strip().startswith("Error: ")
    assert '<a href="#id_password1">' in html
    assert PASSWORD not in html


@pytest.mark.django_db
def test_password_reset_pages(deliver_outbox: Callable[[], object]) -> None:
    user, _ = make_user()
    client = Client()
    page = assert_govuk_page(client.get(reverse("account_reset_password")), "Reset your password")
    email = next(attrs for attrs in page.all("input") if attrs.get("name") == "email")
    assert email["autocomplete"] == "email"

    response = client.post(reverse("account_reset_password"), {"email": "not-an-email"})
    page = assert_govuk_page(response, "Reset your password")
    assert '<a href="#id_email">' in response.content.decode()

    response = client.post(reverse("account_reset_password"), {"email": EMAIL})
    assert response["Location"] == reverse("account_reset_password_done")
    deliver_outbox()
    assert len(mail.outbox) == 1
    assert_govuk_page(client.get(reverse("account_reset_password_done")), "Check your email")

    key_url = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    response = client.get(key_url)
    assert response.status_code == 302  # allauth moves the key into the session
    response = client.get(response["Location"])
    page = assert_govuk_page(response, "Set a new password")
    autocompletes = [
        a.get("autocomplete") for a in page.all("input") if a.get("type") == "password"
    ]
    assert autocompletes == ["new-password", "new-password"]

    bad_url = reverse(
        "account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": "x-y"}
    )
    assert_govuk_page(Client().get(bad_url), "Your reset link has expired")
    assert_govuk_page(
        Client().get(reverse("account_reset_password_from_key_done")),
        "Your password has been changed",
    )


# --- Sign-in security ---------------------------------------------------------------------


@pytest.mark.django_db
def test_sign_in_security_page(client_with_totp: Client) -> None:
    response = client_with_totp.get(reverse("mfa_index"))
    page = assert_govuk_page(response, "Sign-in security")
    html = response.content.decode()
    assert "govuk-tag" in page.classes("strong")
    assert reverse("mfa_deactivate_totp") in html
    assert reverse("mfa_view_recovery_codes") in html
    assert reverse("mfa_generate_recovery_codes") in html
    assert reverse("account_change_password") in html
    assert "govuk-button--warning" in html


@pytest.mark.django_db
def test_set_up_authenticator_app(client_without_totp: Client) -> None:
    # A person without an authenticator is sent to set one up.
    response = client_without_totp.get(reverse("home"))
    assert response["Location"] == reverse("mfa_activate_totp")

    response = client_without_totp.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    page = assert_govuk_page(client_without_totp.get(response["Location"]), "Confirm it is you")
    next_field = next(attrs for attrs in page.all("input") if attrs.get("name") == "next")
    assert next_field["value"] == reverse("mfa_activate_totp")
    confirm_it_is_you(client_without_totp)

    response = client_without_totp.get(reverse("mfa_activate_totp"))
    page = assert_govuk_page(response, "Set up your authenticator app")
    html = response.content.decode()
    qr = page.all("img")
    assert len(qr) == 1
    assert qr[0]["src"].startswith("data:image/svg+xml;base64,")
    assert qr[0]["alt"]
    secret = re.search(r"Secret key</dt>\s*<dd[^>]*>([A-Z2-7]+)</dd>", html)
    assert secret, "the secret is shown as text with its label"
    code = next(attrs for attrs in page.all("input") if attrs.get("name") == "code")
    assert code["autocomplete"] == "one-time-code"
    assert code["inputmode"] == "numeric"
    assert "govuk-input" in code["class"]

    response = client_without_totp.post(reverse("mfa_activate_totp"), {"code": "000000"})
    page = assert_govuk_page(response, "Set up your authenticator app")
    assert page.title.strip().startswith("Error: ")
    assert '<a href="#id_code">' in response.content.decode()

    response = client_without_totp.post(
        reverse("mfa_activate_totp"), {"code": totp_code(secret.group(1))}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    page = assert_govuk_page(client_without_totp.get(response["Location"]), "Recovery codes")
    assert len(page.all("li")) >= 10


@pytest.mark.django_db
def test_sign_in_security_page_without_authenticator(client_without_totp: Client) -> None:
    response = client_without_totp.get(reverse("mfa_index"))
    assert_govuk_page(response, "Sign-in security")
    assert reverse("mfa_activate_totp") in response.content.decode()


@pytest.mark.django_db
def test_remove_authenticator_app_page(client_with_totp: Client) -> None:
    confirm_it_is_you(client_with_totp)
    response = client_with_totp.get(reverse("mfa_deactivate_totp"))
    page = assert_govuk_page(response, "Remove your authenticator app")
    assert "govuk-button--warning" in page.classes("button")
    assert "govuk-warning-text" in response.content.decode()


@pytest.mark.django_db
def test_recovery_codes_pages(client_with_totp: Client) -> None:
    confirm_it_is_you(client_with_totp)
    response = client_with_totp.get(reverse("mfa_view_recovery_codes"))
    page = assert_govuk_page(response, "Recovery codes")
    codes = re.findall(r"<li>(\d{8})</li>", response.content.decode())
    assert len(codes) == 10
    assert reverse("mfa_download_recovery_codes") in response.content.decode()

    response = client_with_totp.get(reverse("mfa_generate_recovery_codes"))
    page = assert_govuk_page(response, "Get new recovery codes")
    assert "govuk-button--warning" in page.classes("button")
    response = client_with_totp.post(reverse("mfa_generate_recovery_codes"))
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    new_codes = re.findall(
        r"<li>(\d{8})</li>", client_with_totp.get(response["Location"]).content.decode()
    )
    assert len(new_codes) == 10
    assert new_codes != codes


# --- Pages not given their own template still come out GOV.UK (element overrides) ---------


@pytest.mark.django_db
def test_people_cannot_change_their_own_sign_in_email(client_with_totp: Client) -> None:
    response = client_with_totp.get("/account/email/")
    page = assert_govuk_page(response, "Your email address")
    assert "administrator" in response.content.decode()
    assert [f["action"] for f in page.all("form")] == [reverse("account_logout")]  # header only
    client_with_totp.post("/account/email/", {"email": "thief@example.org", "action_add": ""})
    assert not EmailAddress.objects.filter(email="thief@example.org").exists()
