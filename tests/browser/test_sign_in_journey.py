"""Signing in with a password and an authenticator app, switching organisation and signing
out, in real Chromium, with axe-core checking every page on the way (WCAG 2.2 AA)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.core.cache import cache
from playwright.sync_api import Browser, Page, expect

from hearth.accounts.models import TeamFunction
from hearth.accounts.services import agency_ensure, membership_add, team_ensure, user_ensure
from hearth.accounts.tests.factories import totp_code
from hearth.core.actor import AgencyKind, Role
from tests.browser.conftest import AxeCheck

pytestmark = [pytest.mark.browser]

PASSWORD = "a long and memorable passphrase 7"
HOME_HEADING = "What you can do in Hearth"
SIGN_IN_BUTTON = re.compile(r"^\s*sign in\s*$", re.IGNORECASE)
CONTINUE_BUTTON = re.compile(r"^\s*(sign in|continue|verify|confirm)\s*$", re.IGNORECASE)
SIGN_OUT_BUTTON = re.compile(r"^\s*sign out\s*$", re.IGNORECASE)
LOGIN_PATH = re.compile(r"/account/login/(\?.*)?$")
HOME_PATH = re.compile(r"://[^/]+/(\?.*)?$")


@dataclass(frozen=True)
class Person:
    email: str
    password: str
    totp_secret: str
    agencies: tuple[str, str]  # in the order Hearth lists them (by name)


@pytest.fixture
def person(transactional_db: None) -> Person:
    """A police officer who also works at a children's services front door, with TOTP."""
    # Used TOTP codes and sign-in rate limits are counted in the cache, which the live
    # server shares with this process: start every test from a clean count.
    cache.clear()
    police = agency_ensure(
        actor=None, slug="wessex-police", name="Wessex Police", kind=AgencyKind.POLICE_FORCE
    )
    response_team = team_ensure(
        actor=None,
        agency=police,
        slug="response-north",
        name="Response North",
        function=TeamFunction.RESPONSE,
    )
    council = agency_ensure(
        actor=None,
        slug="wyvern-childrens-services",
        name="Wyvern Children's Services",
        kind=AgencyKind.CHILDRENS_SERVICES,
    )
    front_door = team_ensure(
        actor=None,
        agency=council,
        slug="front-door",
        name="Children's Front Door",
        function=TeamFunction.FRONT_DOOR,
    )
    user = user_ensure(
        actor=None,
        email="sam.okafor@example.org",
        first_name="Sam",
        last_name="Okafor",
        password=PASSWORD,
    )
    assert not user.is_demo  # demo accounts may skip the second factor; this one may not
    membership_add(
        actor=None, user=user, agency=police, role=Role.RESPONSE_OFFICER, team=response_team
    )
    membership_add(
        actor=None,
        user=user,
        agency=council,
        role=Role.FRONT_DOOR_PRACTITIONER,
        team=front_door,
    )
    # No Hearth service sets up an authenticator (people do it themselves through
    # allauth's pages), so use allauth's own activation, as its setup view does.
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    first, other = sorted([police.name, council.name])
    return Person(
        email=user.email,
        password=PASSWORD,
        totp_secret=secret,
        agencies=(first, other),
    )


def wrong_totp_code(secret: str) -> str:
    """A well-formed code that is valid at no counter within allauth's tolerance."""
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    window = range(counter - 2, counter + 3)
    valid = {format_hotp_value(hotp_value(secret, c)) for c in window}
    candidate = 0
    while format_hotp_value(candidate) in valid:
        candidate += 1
    return format_hotp_value(candidate)


def assert_no_csp_violations(console_messages: list[str]) -> None:
    csp = [m for m in console_messages if "content security policy" in m.lower()]
    assert csp == [], "The page logged Content Security Policy violations:\n" + "\n".join(csp)


def open_home_and_sign_in(page: Page, person: Person, axe_check: AxeCheck) -> None:
    """Open ``/``, be sent to sign in, give email and password; stop at the code page."""
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/account/login/\?next=/$"))
    expect(page.locator("input[name=login]")).to_be_visible()
    axe_check(page, "sign-in page")
    page.locator("input[name=login]").fill(person.email)
    page.locator("input[name=password]").fill(person.password)
    page.get_by_role("button", name=SIGN_IN_BUTTON).click()

    expect(page).to_have_url(re.compile(r"/account/2fa/authenticate/"))
    expect(page.locator("input[name=code]")).to_be_visible()
    axe_check(page, "two-factor code page")


def enter_code(page: Page, code: str) -> None:
    page.locator("input[name=code]").fill(code)
    page.get_by_role("button", name=CONTINUE_BUTTON).click()


def test_sign_in_with_authenticator_change_organisation_and_sign_out(
    page: Page, person: Person, axe_check: AxeCheck, console_messages: list[str]
) -> None:
    first_agency, other_agency = person.agencies
    open_home_and_sign_in(page, person, axe_check)

    enter_code(page, totp_code(person.totp_secret))
    expect(page).to_have_url(HOME_PATH)
    expect(page.get_by_role("heading", level=1)).to_have_text(HOME_HEADING)
    current = page.locator("[data-testid=current-organisation]")
    expect(current).to_contain_text(first_agency)
    axe_check(page, "home page")

    page.get_by_role("link", name="Change organisation").click()
    expect(page).to_have_url(re.compile(r"/organisation/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Change organisation")
    expect(page.get_by_role("radio", name=first_agency)).to_be_checked()
    axe_check(page, "change organisation page")
    page.get_by_role("radio", name=other_agency).check()
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(HOME_PATH)
    expect(page.get_by_role("heading", level=1)).to_have_text(HOME_HEADING)
    expect(current).to_contain_text(other_agency)
    expect(current).not_to_contain_text(first_agency)
    expect(page.get_by_text(f"You are now working for {other_agency}")).to_be_visible()
    axe_check(page, "home page, after changing organisation")

    page.get_by_role("button", name=SIGN_OUT_BUTTON).click()
    page.wait_for_load_state("load")
    if re.search(r"/account/logout/", page.url):
        # allauth asks "Are you sure?" when signing out is not a POST from Hearth's header.
        axe_check(page, "sign-out confirmation page")
        page.get_by_role("main").get_by_role("button", name=SIGN_OUT_BUTTON).click()
    expect(page).to_have_url(LOGIN_PATH)
    expect(page.locator("input[name=login]")).to_be_visible()
    expect(page.locator("[data-testid=current-organisation]")).to_have_count(0)
    axe_check(page, "sign-in page, after signing out")

    # Signed out for real: home sends the person back to sign in.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/account/login/\?next=/$"))
    assert_no_csp_violations(console_messages)


def test_wrong_authenticator_code_shows_an_error(
    page: Page, person: Person, axe_check: AxeCheck, console_messages: list[str]
) -> None:
    open_home_and_sign_in(page, person, axe_check)

    enter_code(page, wrong_totp_code(person.totp_secret))

    expect(page).to_have_url(re.compile(r"/account/2fa/authenticate/"))
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link")).not_to_have_count(0)
    expect(page.locator(".govuk-error-message")).to_be_visible()
    expect(page.locator("input[name=code]")).to_be_visible()
    expect(page.locator("[data-testid=current-organisation]")).to_have_count(0)
    axe_check(page, "two-factor code page, with a wrong code")
    assert_no_csp_violations(console_messages)


def test_sign_in_and_home_at_phone_width(
    page: Page, person: Person, axe_check: AxeCheck, console_messages: list[str]
) -> None:
    page.set_viewport_size({"width": 375, "height": 667})
    open_home_and_sign_in(page, person, axe_check)

    enter_code(page, totp_code(person.totp_secret))
    expect(page).to_have_url(HOME_PATH)
    expect(page.get_by_role("heading", level=1)).to_have_text(HOME_HEADING)
    expect(page.locator("[data-testid=current-organisation]")).to_contain_text(person.agencies[0])
    # Nothing may scroll sideways at 375 CSS pixels (WCAG 1.4.10 Reflow).
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    axe_check(page, "home page at phone width")
    assert_no_csp_violations(console_messages)


def test_the_whole_journey_works_without_javascript(
    browser: Browser, live_server: Any, person: Person
) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/")
        assert page.evaluate("() => document.body.className") == "govuk-template__body"
        page.locator("input[name=login]").fill(person.email)
        page.locator("input[name=password]").fill(person.password)
        page.get_by_role("button", name=SIGN_IN_BUTTON).click()
        page.locator("input[name=code]").fill(totp_code(person.totp_secret))
        page.get_by_role("button", name=CONTINUE_BUTTON).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(HOME_HEADING)
        page.get_by_role("link", name="Change organisation").click()
        page.get_by_role("radio", name=person.agencies[1]).check()
        page.get_by_role("button", name="Continue").click()
        current = page.locator("[data-testid=current-organisation]")
        expect(current).to_contain_text(person.agencies[1])
        page.get_by_role("button", name=SIGN_OUT_BUTTON).click()
        expect(page).to_have_url(LOGIN_PATH)
    finally:
        context.close()
