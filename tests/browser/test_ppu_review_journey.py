"""Issue 17: public protection reviews an incident, from the home page. The home page
leads with "Review incidents" and the number not yet reviewed (the list it links to has
exactly that many); the officer opens one, reads it (the adult victim's record links to
her family and household), reviews it with a note, and the count goes down by one. axe
checks every page, at phone width too."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from hearth.accounts.models import User
from hearth.accounts.selectors import actor_for_user
from hearth.core.actor import Actor
from hearth.demo.wessex import DEMO_PASSWORD
from hearth.incidents.documents import incident_record_document
from hearth.incidents.models import Incident
from hearth.incidents.selectors import home_counts_for
from hearth.incidents.tests.factories import family_document
from hearth.people.models import Person
from tests.browser.conftest import PHONE, AxeCheck, PhoneVisit

pytestmark = [pytest.mark.browser]

PPU = "ppu.officer@police.wessex.example"
OFFICER = "response.officer@police.wessex.example"
NOTE = "Risk checklist done; Encompass sent to the school; no MARAC needed yet."
WAITING = re.compile(r"^(\d+) incidents? not yet reviewed$")


def _actor(email: str) -> Actor:
    actor = actor_for_user(user=User.objects.get(email=email), agency_id=None)
    assert actor is not None
    return actor


def waiting_count(page: Page) -> int:
    text = page.get_by_role("link", name=WAITING).inner_text()
    match = WAITING.match(text.strip())
    assert match, text
    return int(match.group(1))


def test_public_protection_reviews_an_incident_from_the_home_page(
    page: Page, axe_check: AxeCheck, console_messages: list[str], wessex_live: None
) -> None:
    incident = incident_record_document(
        actor=_actor(OFFICER),
        document=family_document("WX/2026/6161"),
    )
    expected = home_counts_for(actor=_actor(PPU), drafts=False, to_review=True).to_review
    assert expected >= 1

    page.set_viewport_size(PHONE)
    visit = PhoneVisit(page, axe_check)
    page.goto("/")
    page.locator("input[name=login]").fill(PPU)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile(r"^\s*sign in\s*$", re.IGNORECASE)).click()
    visit.check("home page", "What you can do in Hearth")

    # The main action first, with what is waiting counted from the data.
    expect(page.locator("a.govuk-button").first).to_have_text("Review incidents")
    assert waiting_count(page) == expected

    page.get_by_role("button", name="Review incidents").click()
    visit.check("incidents not yet reviewed", "Incidents")
    expect(page.get_by_role("heading", level=2, name=re.compile(r"results?"))).to_contain_text(
        f"{expected} result"
    )
    if expected <= 50:  # one page of the list
        expect(page.locator("tbody tr")).to_have_count(expected)
    expect(
        page.locator("tbody strong.govuk-tag", has_text="Not yet reviewed").first
    ).to_be_visible()
    # Names are shown to those who may see them.
    row = page.locator("tbody tr").filter(has_text="WX/2026/6161")
    expect(row).to_contain_text("Kerry Vance")
    expect(row).to_contain_text("Mia Vance")

    row.get_by_role("link", name="WX/2026/6161").click()
    visit.check("the incident", "WX/2026/6161")
    expect(page.get_by_text("Not yet reviewed", exact=True)).to_be_visible()

    # The adult victim's record: her family and household are one link away.
    page.get_by_role("link", name="See Kerry's family and household").click()
    visit.check("Kerry's family")
    assert "/families/" in page.url
    page.go_back()

    page.get_by_role("button", name="Review this incident").click()
    visit.check("review: empty", "Review this incident")
    page.get_by_role("button", name="Mark as reviewed").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what you found or did")
    visit.check("review: with an error", "Review this incident")
    page.get_by_label("What did you find or do?").fill(NOTE)
    page.get_by_role("button", name="Mark as reviewed").click()

    visit.check("the incident, reviewed", "WX/2026/6161")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "WX/2026/6161 marked as reviewed"
    )
    expect(page.get_by_text(NOTE)).to_be_visible()
    expect(page.get_by_text("Reviewed", exact=True)).to_be_visible()
    expect(page.get_by_text("Reviewed by public protection").first).to_be_visible()  # history
    incident.refresh_from_db()
    assert incident.reviewed_at is not None

    page.goto("/")
    visit.check("home page, after the review", "What you can do in Hearth")
    assert waiting_count(page) == expected - 1
    page.get_by_role("link", name=WAITING).click()
    visit.check("incidents not yet reviewed, after", "Incidents")
    expect(page.locator("tbody tr").filter(has_text="WX/2026/6161")).to_have_count(0)

    # The list searched by a name.
    page.goto("/incidents/?person=kerry+vance")
    visit.check("incidents naming Kerry Vance", "Incidents")
    expect(page.locator("tbody tr").filter(has_text="WX/2026/6161")).to_have_count(1)
    assert Person.objects.filter(given_names="Kerry", family_name="Vance").exists()
    assert Incident.objects.filter(pk=incident.pk, reviewed_by__email=PPU).exists()

    csp = [m for m in console_messages if "content security policy" in m.lower()]
    assert csp == [], "Content Security Policy violations:\n" + "\n".join(csp)
