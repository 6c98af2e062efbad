"""Issue 17: a response officer on a phone, from the home page. The home page leads with
"Record an incident" and the drafts to finish (the count is the rows of the list it links
to); the officer records a family (three children: one not there, one a baby) and submits;
the next step, the risk checklist, is within the first screen of the submitted page
(measured: its top at most 667 CSS pixels down at 375 by 667). axe checks every page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from hearth.demo.wessex import DEMO_PASSWORD
from hearth.incidents.models import Incident
from tests.browser.conftest import PHONE, AxeCheck
from tests.browser.test_incident_journey import OFFICER, Journey, record_child

pytestmark = [pytest.mark.browser]

FIRST_SCREEN = PHONE["height"]


def top_of(page: Page, selector: str) -> float:
    """How far down the page (CSS pixels from its top) the element begins."""
    return float(
        page.locator(selector).first.evaluate(
            "(e) => e.getBoundingClientRect().top + window.scrollY"
        )
    )


def test_an_officer_on_a_phone_records_from_the_home_page_and_sees_the_next_step_first(
    page: Page, axe_check: AxeCheck, console_messages: list[str], wessex_live: None
) -> None:
    page.set_viewport_size(PHONE)
    journey = Journey(page, axe_check)
    page.goto("/")
    page.locator("input[name=login]").fill(OFFICER)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile(r"^\s*sign in\s*$", re.IGNORECASE)).click()
    journey.check("home page", "What you can do in Hearth")

    # The main action leads, in the first screen, without opening the menu.
    record = page.get_by_role("button", name="Record an incident")
    expect(record).to_be_visible()
    assert top_of(page, "a.govuk-button >> text=Record an incident") <= FIRST_SCREEN
    expect(page.get_by_role("button", name="Sign out of Hearth")).to_be_visible()

    # What is waiting: the drafts to finish, counted, and the list has that many rows.
    drafts = Incident.objects.filter(
        recorded_by__email=OFFICER, status=Incident.Status.DRAFT
    ).count()
    waiting = page.get_by_role("link", name=re.compile(r"^\d+ drafts? to finish$"))
    expect(waiting).to_have_text(f"{drafts} draft{'' if drafts == 1 else 's'} to finish")
    waiting.click()
    journey.check("drafts to finish", "Incidents")
    expect(page.locator("tbody tr")).to_have_count(drafts)
    expect(page.get_by_text(f"{drafts} result")).to_be_visible()
    page.go_back()

    record.click()
    journey.check("start page", "Record a domestic abuse incident")
    page.get_by_role("button", name="Start now").click()

    journey.check("incident details", "When and where it happened")
    journey.fill("Police reference", "WX/2026/5151")
    journey.date("occurred_date", dt.date(2026, 11, 20))
    page.locator("#id_occurred_time").fill("22:40")
    journey.date("reported_date", dt.date(2026, 11, 20))
    page.locator("#id_reported_time").fill("22:45")
    journey.fill("Address line 1", "3 Quillon Row")
    journey.fill("Town or city", "Ashcombe")
    page.get_by_label("Local authority").select_option(label="Northshire")
    journey.button()

    journey.check("what happened", "What happened")
    journey.group("What kind of abuse was it?").get_by_label("Physical or sexual abuse").check()
    journey.choose("Was it a single incident or part of a course of conduct?", "A single incident")
    journey.fill("Describe what happened", "Neighbour heard shouting; a door was broken.")
    journey.button()

    journey.check("weapons, crimes and arrest", "Weapons, crimes and arrest")
    journey.choose("Were weapons used or threatened?", "No")
    journey.choose("Was an arrest made?", "Yes")
    journey.button()

    journey.check("the adults", "The adults")
    journey.add_person(
        "Add the adult victim",
        "the adult victim",
        "Tamsin",
        "Quillfeather",
        dt.date(1991, 5, 2),
        sex="Female",
        **{"Address line 1": "3 Quillon Row", "Town or city": "Ashcombe"},
    )
    journey.check("the adults, with the victim", "The adults")
    # "Remove" beside each person is a link-coloured button in GOV.UK's font, not serif.
    remove = page.get_by_role("button", name=re.compile(r"^Remove"))
    font = remove.first.evaluate("(e) => getComputedStyle(e).fontFamily")
    colour = remove.first.evaluate("(e) => getComputedStyle(e).color")
    assert "arial" in font.lower(), font
    assert colour != "rgb(0, 0, 0)" and colour != "rgb(11, 12, 12)", colour
    journey.add_person(
        "Add the alleged perpetrator",
        "the alleged perpetrator",
        "Rowan",
        "Quillfeather",
        dt.date(1988, 8, 19),
        sex="Male",
    )
    journey.check("the adults, both added", "The adults")
    page.get_by_role("button", name="Continue").click()
    journey.check("how the adults are related", "How the adults are related")
    page.get_by_label("How is Tamsin Quillfeather related to Rowan Quillfeather?").select_option(
        "married"
    )
    journey.button()

    journey.check("children, none yet", "Children")
    journey.add_person(
        "Add a child", "the child", "Ivy", "Quillfeather", dt.date(2018, 2, 9), sex="Female"
    )
    record_child(
        journey,
        "Ivy",
        kinships=("parent", "parent"),
        present=True,
        where="On the stairs",
        saw_heard=("Saw the abuse", "Heard the abuse"),
        spoken_alone=True,
        words="Daddy broke the door. I hid under my bed.",
        setting="Ashcombe Primary School",
    )
    journey.add_person(
        "Add another child", "the child", "Otto", "Fernsby", dt.date(2013, 11, 1), sex="Male"
    )
    record_child(
        journey,
        "Otto",
        kinships=("parent", "step_parent"),
        present=False,
        saw_heard=("Experienced the effects of the abuse",),
        setting="Ashcombe Academy",
    )
    journey.add_person(
        "Add another child", "the child", "Wren", "Quillfeather", dt.date(2026, 6, 5)
    )
    record_child(
        journey,
        "Wren",
        kinships=("parent", "parent"),
        present=True,
        where="Cot in the front room",
        saw_heard=("Heard the abuse",),
        not_spoken_reason="A baby of five months",
        under_school_age=True,
    )
    journey.check("children, three added", "Children")
    expect(page.locator("dd", has_text=re.compile(r"^5 months"))).to_have_count(1)
    expect(page.get_by_text(re.compile(r"^Age 0|^0$"))).to_have_count(0)
    page.get_by_role("button", name="Continue").click()

    journey.check("pregnancy", "Pregnancy")
    journey.choose("Is the adult victim pregnant?", "No")
    journey.button()

    # Check your answers: Otto was not there, so nothing about a conversation with him.
    journey.check("check your answers", "Check your answers before submitting")
    otto = page.locator(".govuk-summary-card").filter(has_text="Otto Fernsby")
    expect(otto.get_by_text("Where spoken to")).to_have_count(0)
    expect(otto.get_by_text("Not recorded", exact=True)).to_have_count(0)
    check_height = page.evaluate("() => document.documentElement.scrollHeight")
    page.get_by_role("button", name="Submit", exact=True).click()

    # The submitted page: the next step in the success banner, within the first screen.
    journey.check("incident submitted", "WX/2026/5151")
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text("Incident submitted")
    expect(banner).to_contain_text("Next step: start the risk checklist")
    start = banner.get_by_role("button", name="Start the risk checklist")
    expect(start).to_be_visible()
    next_step_top = top_of(page, ".govuk-notification-banner--success button")
    height = page.evaluate("() => document.documentElement.scrollHeight")
    print(
        f"\nSubmitted page at 375px: next step's top {next_step_top:.0f}px, "
        f"page {height}px tall; check your answers {check_height}px tall"
    )
    assert next_step_top <= FIRST_SCREEN, (
        f"the next step starts {next_step_top:.0f}px down, below the first screen"
    )
    expect(page.locator("h1")).not_to_contain_text("Police incident")
    expect(page.get_by_text("Age 0")).to_have_count(0)
    expect(page.get_by_text("5 months", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile(r"Rule [A-Z]+-\d"))).to_have_count(0)
    # The history: one entry for each child's run of saves (not one for every page),
    # each save behind "Show each save".
    runs = page.locator("h3.moj-timeline__title", has_text="A child's involvement recorded")
    assert 1 <= runs.count() <= 3, runs.count()
    expect(runs.first).to_contain_text("saves)")

    start.click()
    journey.check("risk checklist started")

    csp = [m for m in console_messages if "content security policy" in m.lower()]
    assert csp == [], "Content Security Policy violations:\n" + "\n".join(csp)
