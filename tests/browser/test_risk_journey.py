"""A public protection officer completes the adult victim's risk checklist on a phone for
a demo incident: safety checks, each section (and the stalking questions, because
question 8 is yes), "Check your answers", complete, and the grade with the MARAC
criteria. axe-core checks every page (WCAG 2.2 AA); nothing scrolls sideways at 375px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from hearth.demo.wessex import DEMO_PASSWORD
from hearth.incidents.models import Incident
from hearth.risk.instruments import instrument
from tests.browser.conftest import PHONE, AxeCheck

pytestmark = [pytest.mark.browser]

PPU = "ppu.officer@police.wessex.example"
DASH = instrument("police_dash")
# 14 yes answers (visible high risk), question 8 among them; question 4 is no, so the
# honour-based abuse questions are not asked.
YES = {i.key for i in DASH.items if i.number and i.number <= 15 and i.number != 4}


def check(page: Page, axe_check: AxeCheck, label: str, heading: str | re.Pattern[str]) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    axe_check(page, label)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{label} scrolls sideways at 375px ({width}px wide)"


def test_an_officer_completes_a_risk_checklist_on_a_phone(
    page: Page, axe_check: AxeCheck, console_messages: list[str], wessex_live: None
) -> None:
    incident = Incident.objects.get(police_reference="WX/DEMO/0001")
    page.set_viewport_size(PHONE)
    page.goto("/")
    page.locator("input[name=login]").fill(PPU)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile(r"^\s*sign in\s*$", re.IGNORECASE)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What you can do in Hearth")

    page.goto(f"/incidents/{incident.pk}/")
    check(page, axe_check, "incident summary", re.compile("WX/DEMO/0001"))
    page.get_by_role("button", name="Start the risk checklist").click()

    check(page, axe_check, "safety checks", "Safety checks")
    page.get_by_role("group", name=re.compile("Is it safe to talk now")).get_by_label(
        "Yes", exact=True
    ).check()
    page.get_by_label("Safe contact number").fill("07700 900456")
    page.get_by_label("Safe times to call").fill("Weekday mornings")
    page.get_by_role("button", name="Save and continue").click()

    sections = [DASH.sections[0], DASH.supplementary["stalking"], *DASH.sections[1:]]
    for section in sections:
        check(page, axe_check, f"section: {section.title}", section.title)
        if section is DASH.sections[0]:
            page.get_by_text("Add a comment or source for question 1").click()
            page.locator("#id_current_injury_comment").fill("Bruised arm, seen by officer")
        for item in section.items:
            answer = "yes" if item.key in YES else ("dont_know" if not item.number else "no")
            page.locator(f"input[name={item.key}][value={answer}]").check()
        page.get_by_role("button", name="Save and continue").click()

    check(page, axe_check, "check your answers", "Check your answers")
    expect(page.get_by_text("14 yes answers so far")).to_be_visible()
    expect(page.get_by_text("Bruised arm, seen by officer")).to_be_visible()
    page.get_by_role("button", name="Complete the checklist").click()

    check(page, axe_check, "result", re.compile("^Risk to "))
    expect(page.locator(".govuk-summary-list__value .govuk-tag").first).to_have_text("High")
    expect(page.get_by_text("14 yes answers; 14 or more is visible high risk")).to_be_visible()
    expect(page.get_by_role("heading", name="MARAC referral criteria")).to_be_visible()

    page.get_by_role("link", name="Back to the incident").click()
    check(page, axe_check, "incident summary with its risk", re.compile("WX/DEMO/0001"))
    expect(page.get_by_text(re.compile("risk grades over time"))).to_be_visible()

    # The risk to one of the children, in their own right.
    page.get_by_role("link", name=re.compile("'s record$")).first.click()
    check(page, axe_check, "child's record", re.compile("."))
    page.get_by_role("button", name=re.compile("^Assess the risk to")).click()
    check(page, axe_check, "child's risk", re.compile("^Risk to "))
    page.get_by_role("button", name="Record the risk level").click()
    check(page, axe_check, "child's record with the risk", re.compile("."))
    expect(page.get_by_text("Latest level")).to_be_visible()
    assert not [m for m in console_messages if "Content Security Policy" in m], console_messages
