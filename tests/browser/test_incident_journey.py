"""A response officer records a domestic abuse incident on a phone: two adults and three
children (one there and spoken to alone, in their own words; one not there; a baby),
then submits it. axe-core checks every page on the way (WCAG 2.2 AA), and nothing may
scroll sideways at 375 CSS pixels (WCAG 1.4.10 Reflow)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from hearth.demo.wessex import DEMO_PASSWORD
from tests.browser.conftest import PHONE, AxeCheck, PhoneVisit

pytestmark = [pytest.mark.browser]

OFFICER = "response.officer@police.wessex.example"
SAVE = "Save and continue"


class Journey(PhoneVisit):
    """The officer's phone, with every page checked as it is reached."""

    def group(self, name: str) -> Any:
        return self.page.get_by_role("group", name=name, exact=True)

    def choose(self, question: str, answer: str) -> None:
        self.group(question).get_by_label(answer, exact=True).check()

    def date(self, prefix: str, day: dt.date) -> None:
        self.page.locator(f"#id_{prefix}_0").fill(str(day.day))
        self.page.locator(f"#id_{prefix}_1").fill(str(day.month))
        self.page.locator(f"#id_{prefix}_2").fill(str(day.year))

    def fill(self, label: str, value: str) -> None:
        self.page.get_by_label(label, exact=True).fill(value)

    def button(self, name: str = SAVE) -> None:
        self.page.get_by_role("button", name=name, exact=True).click()

    def add_person(
        self, link: str, who: str, given: str, family: str, born: dt.date, **details: str
    ) -> None:
        self.page.get_by_text(link, exact=True).click()
        self.check(f"add {who}: name ({given})", f"Add {who}")
        self.fill("First and middle names", given)
        self.fill("Family name", family)
        self.date("date_of_birth", born)
        self.button("Continue")
        self.page.wait_for_load_state("load")
        if "/existing-records/" in self.page.url:  # someone like them is already recorded
            self.check(f"add {who}: possible existing records ({given})")
            self.page.get_by_label(re.compile(r"None of these")).check()
            self.button("Continue")
        self.check(f"add {who}: details ({given})", f"About {given}")
        self.group("Sex").get_by_label(details.pop("sex", "Not known"), exact=True).check()
        for label, value in details.items():
            self.fill(label, value)
        self.button()


def test_an_officer_records_a_family_on_a_phone_and_submits(
    page: Page, axe_check: AxeCheck, console_messages: list[str], wessex_live: None
) -> None:
    page.set_viewport_size(PHONE)
    journey = Journey(page, axe_check)

    page.goto("/")
    journey.check("sign-in page")
    page.locator("input[name=login]").fill(OFFICER)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile(r"^\s*sign in\s*$", re.IGNORECASE)).click()
    journey.check("home page", "What you can do in Hearth")

    journey.navigate("Record an incident")
    journey.check("start page", "Record a domestic abuse incident")
    page.get_by_role("button", name="Start now").click()

    # When and where.
    journey.check("incident details", "When and where it happened")
    journey.fill("Police reference", "WX/2026/4242")
    journey.date("occurred_date", dt.date(2026, 3, 14))
    page.locator("#id_occurred_time").fill("22:40")
    journey.date("reported_date", dt.date(2026, 3, 14))
    page.locator("#id_reported_time").fill("22:45")
    journey.fill("Address line 1", "3 Quillon Row")
    journey.fill("Town or city", "Ashcombe")
    journey.fill("Postcode", "WX1 9QR")
    page.get_by_label("Local authority").select_option(label="Northshire")
    journey.button()

    # What happened.
    journey.check("what happened", "What happened")
    kinds = journey.group("What kind of abuse was it?")
    kinds.get_by_label("Physical or sexual abuse").check()
    kinds.get_by_label("Controlling or coercive behaviour").check()
    journey.choose(
        "Was it a single incident or part of a course of conduct?", "A course of conduct"
    )
    journey.fill("Describe what happened", "Neighbour heard shouting and a crash; lamp broken.")
    journey.button()

    journey.check("weapons, crimes and arrest", "Weapons, crimes and arrest")
    journey.choose("Were weapons used or threatened?", "No")
    journey.fill("Crimes recorded (optional)", "Assault by beating")
    journey.choose("Was an arrest made?", "Yes")
    journey.button()

    # The adults.
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
    journey.add_person(
        "Add the alleged perpetrator",
        "the alleged perpetrator",
        "Rowan",
        "Quillfeather",
        dt.date(1988, 8, 19),
        sex="Male",
    )
    journey.check("the adults, both added", "The adults")
    expect(page.get_by_role("term").filter(has_text="Rowan Quillfeather")).to_be_visible()
    page.get_by_role("button", name="Continue").click()

    journey.check("how the adults are related", "How the adults are related")
    page.get_by_label("How is Tamsin Quillfeather related to Rowan Quillfeather?").select_option(
        "married"
    )
    journey.button()

    # The children: each a short loop of pages.
    journey.check("children, none yet", "Children")
    page.get_by_text("Add a child", exact=True).click()
    journey.button("Continue")  # nothing typed: GOV.UK errors, linked to their fields
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Enter the child's family name")).to_have_attribute(
        "href", "#id_family_name"
    )
    expect(page.locator("#id_family_name")).to_have_class(re.compile("govuk-input"))
    journey.check("add the child: name, with errors", "Add the child")
    page.get_by_role("link", name="Back", exact=True).click()
    journey.add_person(
        "Add a child",
        "the child",
        "Ivy",
        "Quillfeather",
        dt.date(2018, 2, 9),
        sex="Female",
        **{"NHS number (optional)": "943 476 5919"},
    )
    record_child(
        journey,
        "Ivy",
        kinships=("parent", "parent"),
        present=True,
        where="On the stairs",
        saw_heard=("Saw the abuse", "Heard the abuse"),
        spoken_alone=True,
        words="Daddy threw the lamp at Mummy. I hid under my bed.",
        setting="Ashcombe Primary School",
    )
    journey.check("children, one added", "Children")

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
    journey.check("children, two added", "Children")

    journey.add_person(
        "Add another child", "the child", "Wren", "Quillfeather", dt.date(2026, 1, 5)
    )
    record_child(
        journey,
        "Wren",
        kinships=("parent", "parent"),
        present=True,
        where="Cot in the front room",
        saw_heard=("Heard the abuse",),
        not_spoken_reason="A baby of two months",
        under_school_age=True,
    )
    journey.check("children, three added", "Children")
    page.get_by_role("button", name="Continue").click()

    journey.check("pregnancy", "Pregnancy")
    journey.choose("Is the adult victim pregnant?", "No")
    journey.button()

    # Check your answers, then submit.
    journey.check("check your answers", "Check your answers before submitting")
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.get_by_text("Daddy threw the lamp at Mummy. I hid under my bed.")).to_be_visible()
    page.get_by_role("button", name="Submit", exact=True).click()

    journey.check("incident summary", "WX/2026/4242")
    expect(page.get_by_text("Incident submitted")).to_be_visible()
    expect(
        page.get_by_text("There is a baby under 18 months. This raises the risk.")
    ).to_be_visible()
    expect(page.get_by_text("Victim in their own right")).to_have_count(3)
    expect(
        page.get_by_text("This meets the statutory definition of domestic abuse")
    ).to_be_visible()

    page.get_by_role("link", name="Ivy's record").click()
    journey.check("Ivy's record", "Ivy Quillfeather")
    expect(page.locator(".govuk-inset-text")).to_contain_text("Daddy threw the lamp at Mummy.")

    journey.navigate("Incidents")
    journey.check("incident list", "Incidents")
    expect(page.get_by_role("link", name="WX/2026/4242")).to_be_visible()

    assert len(journey.pages_checked) >= 40
    csp = [m for m in console_messages if "content security policy" in m.lower()]
    assert csp == [], "Content Security Policy violations:\n" + "\n".join(csp)


def record_child(
    journey: Journey,
    name: str,
    *,
    kinships: tuple[str, str],
    present: bool,
    saw_heard: tuple[str, ...],
    where: str = "",
    spoken_alone: bool = False,
    words: str = "",
    not_spoken_reason: str = "",
    setting: str = "",
    under_school_age: bool = False,
) -> None:
    """The child's loop: relationships, where they were, what they experienced, the
    welfare check, the conversation, their words, communication, school and health."""
    page = journey.page
    journey.check(f"{name}: relationships", f"How {name} is related to the adults")
    victim_kinship, perpetrator_kinship = kinships
    page.get_by_label(f"How is Tamsin Quillfeather related to {name}?").select_option(
        victim_kinship
    )
    page.get_by_label(f"How is Rowan Quillfeather related to {name}?").select_option(
        perpetrator_kinship
    )
    page.get_by_label(re.compile(r"Tamsin Quillfeather has parental responsibility")).check()
    journey.button()

    journey.check(f"{name}: where they were", f"Where {name} was")
    journey.choose(f"Was {name} there when it happened?", "Yes" if present else "No")
    if where:
        journey.fill(f"If {name} was there, where were they?", where)
    journey.choose(f"Does {name} normally live at the address?", "Yes")
    journey.button()

    journey.check(f"{name}: what they experienced", f"What {name} saw, heard or experienced")
    experienced = journey.group(f"What did {name} see, hear or experience?")
    for answer in saw_heard:
        experienced.get_by_label(answer).check()
    journey.choose(f"Was {name} injured?", "No")
    journey.button()

    journey.check(f"{name}: welfare check", f"Welfare check on {name}")
    if present:
        journey.choose(f"Was a welfare check done on {name}?", "Yes")
        journey.fill("Who did the welfare check?", "PC 4417 Ashdown")
    journey.button()

    journey.check(f"{name}: talking to them", f"Talking to {name}")
    if present and not not_spoken_reason:
        journey.choose(f"Was {name} spoken to?", "Yes")
        journey.choose(
            f"Was {name} spoken to alone, away from their parents?",
            "Yes" if spoken_alone else "No",
        )
        journey.fill(f"Where was {name} spoken to?", "Her bedroom, with the door open")
        journey.fill(f"Who else was there when {name} was spoken to?", "PC 4417 only")
    elif not_spoken_reason:
        journey.choose(f"Was {name} spoken to?", "No")
        journey.fill(f"If {name} was not spoken to, why not?", not_spoken_reason)
    journey.button()

    journey.check(f"{name}: their own words", f"{name}'s own words")
    if words:
        journey.fill(f"What did {name} say?", words)
        journey.fill(f"How did {name} behave and seem?", "Quiet, holding a toy rabbit")
    journey.button()

    journey.check(f"{name}: communication", f"{name}'s language and communication")
    journey.button()

    journey.check(f"{name}: school and health", f"{name}'s school and health services")
    school = journey.group(f"Is {name} at a school, nursery or college?")
    if under_school_age:
        school.get_by_label("Under school age, not at nursery").check()
        journey.fill("Health visitor (optional)", "Wessex health visiting, Ashcombe")
    else:
        school.get_by_label("Registered at a school, nursery or college").check()
        # Chosen from the directory, as Operation Encompass needs its URN.
        journey.page.get_by_label("Search for the school, nursery or college").fill(setting)
        journey.page.locator("#id_find_school").click()
        journey.check(f"{name}: schools found", f"{name}'s school and health services")
        journey.page.get_by_label(f"{setting}, ").first.check()
    journey.button()


def test_recording_works_without_javascript(
    browser: Browser, live_server: Any, wessex_live: None
) -> None:
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport=PHONE
    )
    try:
        page = context.new_page()
        page.goto("/")
        page.locator("input[name=login]").fill(OFFICER)
        page.locator("input[name=password]").fill(DEMO_PASSWORD)
        page.get_by_role("button", name=re.compile(r"^\s*sign in\s*$", re.IGNORECASE)).click()
        # Without JavaScript the service navigation is shown in full: no "Menu" toggle.
        page.get_by_role("link", name="Record an incident", exact=True).click()
        page.get_by_role("button", name="Start now").click()
        page.get_by_label("Police reference").fill("WX/2026/4343")
        page.get_by_role("button", name="Save and come back later").click()
        expect(page.get_by_text("Your draft has been saved")).to_be_visible()
        page.get_by_role("link", name=re.compile(r"Carry on")).first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Check your answers before submitting"
        )
        expect(page.locator(".govuk-error-summary")).to_contain_text("Add the adult victim")
        page.get_by_role("link", name="Add the adult victim").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("The adults")
    finally:
        context.close()


def test_a_designated_safeguarding_lead_raises_a_concern(
    page: Page, axe_check: AxeCheck, wessex_live: None
) -> None:
    page.set_viewport_size(PHONE)
    journey = Journey(page, axe_check)
    page.goto("/")
    page.locator("input[name=login]").fill("dsl@schools.wessex.example")
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile(r"^\s*sign in\s*$", re.IGNORECASE)).click()
    journey.navigate("Raise a concern")
    journey.check("concern start page", "Raise a concern about a child living with domestic abuse")
    page.get_by_role("button", name="Start now").click()
    journey.check("concern details", "When and where it happened")
    expect(page.get_by_label("Police reference")).to_have_count(0)
    journey.date("occurred_date", dt.date(2026, 3, 16))
    page.locator("#id_occurred_time").fill("8:50am")
    journey.button()
    journey.check("concern: what happened", "What happened")
    journey.fill("Describe what happened", "Ruby told her teacher that Dad hurt Mum again.")
    journey.button()
    journey.check("concern: the adults", "The adults")  # no police page in between
    journey.navigate("Concerns")
    journey.check("concern list", "Concerns")
