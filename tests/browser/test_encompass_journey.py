"""Operation Encompass end to end in Chromium (issue 6): a response officer records and
submits an incident with a child at Brackenford Primary School; the school's designated
safeguarding lead finds the notification in the school's inbox, reads what the force's
(full) template carries and its due time (the start of the next school day by the
Northshire terms), acknowledges it and records the support the school will give; the
force's public protection unit sees it acknowledged, and not among the late ones. axe-core
checks every page on the way (WCAG 2.2 AA), and nothing may scroll sideways at 375 CSS
pixels (WCAG 1.4.10 Reflow)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import dateformat, timezone
from playwright.sync_api import Browser, expect

from hearth.core import clock
from hearth.core.calendar import SCHOOL_DAY_FALLBACK_STARTS, next_school_day_start
from hearth.core.dates import govuk_datetime
from hearth.demo.wessex import DEMO_PASSWORD
from hearth.encompass import policy as enc
from hearth.encompass.policy import DO_NOT_APPROACH_PARENTS
from hearth.incidents.models import Incident
from hearth.obligations import policy
from hearth.obligations.models import Deadline, Obligation
from hearth.schools.models import EducationSetting
from hearth.schools.selectors import school_calendars_for
from tests.browser.conftest import AxeCheck
from tests.browser.test_incident_journey import Journey
from tests.browser.test_obligations_journey import phone

pytestmark = [pytest.mark.browser]

OFFICER = "response.officer@police.wessex.example"
DSL = "dsl03@schools.wessex.example"  # Brackenford Primary School's DSL
PPU = "ppu.officer@police.wessex.example"
SCHOOL = "Brackenford Primary School"
REFERENCE = "WX/2026/6006"
CHILD = "Ivy Quillfeather"
WORDS = "Daddy threw the lamp at Mummy. I hid under my bed."
OVERT = "Overt support: a trusted adult talks with the child"


class Visit(Journey):
    """One person's phone, signing in as them, with every page checked as it is reached."""

    def sign_in(self, email: str) -> None:
        self.page.goto("/")
        self.check(f"sign-in page ({email})")
        self.page.locator("input[name=login]").fill(email)
        self.page.locator("input[name=password]").fill(DEMO_PASSWORD)
        self.page.get_by_role("button", name=re.compile(r"^\s*sign in\s*$", re.IGNORECASE)).click()
        self.check(f"home page ({email})", "What you can do in Hearth")


def shown(moment: dt.datetime, fmt: str) -> str:
    """A moment as a page shows it (the template's ``date`` filter, in London time)."""
    return dateformat.format(timezone.localtime(moment), fmt)


def datetime_attribute(moment: dt.datetime) -> str:
    """The ``datetime`` attribute of the ``<time>`` the pages wrap a moment in."""
    return shown(moment, "c")


def test_a_school_is_told_before_the_next_school_day_and_acknowledges(
    browser: Browser,
    live_server: Any,
    axe_check: AxeCheck,
    console_messages: list[str],
    wessex_live: None,
) -> None:
    setting = EducationSetting.objects.get(name=SCHOOL)
    yesterday = clock.local_now().date() - dt.timedelta(days=1)
    born = dt.date(yesterday.year - 8, 1, 15)  # about 8: in school, a primary school's age

    # 1. The officer records the incident and submits it; the child is at the school.
    officer_phone = phone(browser, live_server)
    try:
        officer = Visit(officer_phone.new_page(), axe_check)
        page = officer.page
        page.on("console", lambda m: console_messages.append(f"[{m.type}] {m.text}"))
        officer.sign_in(OFFICER)
        record_incident(officer, born=born, on=yesterday, setting_urn=setting.urn)

        officer.check("incident summary", REFERENCE)
        expect(page.get_by_text("Incident submitted")).to_be_visible()

        # The notification's due time is the start of the next school day after the
        # submission, by the school's (here its local authority's) terms.
        incident = Incident.objects.get(police_reference=REFERENCE)
        obligation = Obligation.objects.select_related("encompass", "team").get(
            incident=incident, route=enc.ROUTE, encompass__setting=setting
        )
        assert obligation.encompass.template == "full"
        deadline = Deadline.objects.get(obligation=obligation, stage=policy.Stage.ACKNOWLEDGE)
        assert incident.submitted_at is not None
        start = next_school_day_start(incident.submitted_at, school_calendars_for(setting))
        assert deadline.due_at == start.at
        assert deadline.estimated == start.estimated
        assert timezone.localtime(deadline.due_at).time() == SCHOOL_DAY_FALLBACK_STARTS  # 08:45
        due = deadline.due_at

        row = (
            page.locator(".govuk-summary-list__row")
            .filter(has_text="Operation Encompass notification")
            .filter(has_text=obligation.team.name)
        )
        expect(row.locator(f'time[datetime="{datetime_attribute(due)}"]')).to_have_text(
            govuk_datetime(due, short=True)
        )
    finally:
        officer_phone.close()

    # 2. The school's DSL finds it, reads it, acknowledges it and records the support.
    dsl_phone = phone(browser, live_server)
    try:
        dsl = Visit(dsl_phone.new_page(), axe_check)
        page = dsl.page
        page.on("console", lambda m: console_messages.append(f"[{m.type}] {m.text}"))
        dsl.sign_in(DSL)
        dsl.navigate("Notifications")  # a DSL's one inbox (issue 17)
        dsl.check("the school's inbox", "Operation Encompass notifications")
        assert page.url.endswith("/encompass/")
        newest = page.locator("tbody tr").first
        expect(newest.get_by_role("link", name=CHILD, exact=True)).to_be_visible()
        expect(newest.get_by_text("Not opened")).to_be_visible()
        expect(newest.locator(f'time[datetime="{datetime_attribute(due)}"]')).to_have_text(
            govuk_datetime(due, short=True)
        )
        newest.get_by_role("link", name=CHILD, exact=True).click()

        dsl.check("the notification", CHILD)
        main = page.locator("main")
        expect(page.locator(".govuk-warning-text")).to_contain_text(DO_NOT_APPROACH_PARENTS)
        # The full template: the police reference, where the child was, whether spoken to
        # (alone) and their own words; never the alleged perpetrator.
        expect(main).to_contain_text(f"Police reference {REFERENCE}")
        expect(main).to_contain_text("Present: On the stairs")
        expect(main).to_contain_text("Yes, alone with the officer")
        expect(main).to_contain_text(WORDS)
        expect(main).not_to_contain_text("Rowan")
        expect(main).not_to_contain_text("Hartwell")
        due_shown = page.locator(f'time[datetime="{datetime_attribute(due)}"]')
        expect(due_shown).to_have_text(govuk_datetime(due))
        estimated = main.locator(".govuk-summary-list__value").filter(has=due_shown)
        if start.estimated:
            expect(estimated.get_by_text("Estimated", exact=True)).to_be_visible()
        else:
            expect(estimated.get_by_text("Estimated", exact=True)).to_have_count(0)
        expect(estimated).to_contain_text(start.basis)

        page.get_by_role("button", name="Acknowledge", exact=True).click()
        dsl.check("the notification, acknowledged", CHILD)
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            "You have acknowledged the notification"
        )
        expect(page.get_by_role("button", name="Acknowledge", exact=True)).to_have_count(0)

        page.get_by_role("link", name="Record the support the school will give").click()
        dsl.check("record the support", "Record the support the school will give")
        expect(page.locator(".govuk-inset-text")).to_contain_text(DO_NOT_APPROACH_PARENTS)
        dsl.choose("What support will the school give?", OVERT)
        dsl.fill(
            "Note for the child's safeguarding file (optional)",
            "Class teacher checks in with Ivy at morning registration",
        )
        dsl.button("Save")

        dsl.check("the notification, with the support", CHILD)
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            "The support the school will give has been recorded"
        )
        obligation.refresh_from_db()
        acknowledged = obligation.acknowledged_at
        assert acknowledged is not None
        assert obligation.outcome == enc.EncompassSupport.OVERT
        proof = page.locator(".govuk-summary-list__row")
        expect(
            proof.filter(has_text="Acknowledged").locator(
                f'time[datetime="{datetime_attribute(acknowledged)}"]'
            )
        ).to_have_text(govuk_datetime(acknowledged))
        expect(proof.filter(has_text="First opened").locator("time")).to_be_visible()
        expect(proof.filter(has_text="Support")).to_contain_text(OVERT)
        expect(proof.filter(has_text="Support")).to_contain_text("morning registration")
    finally:
        dsl_phone.close()

    in_time = acknowledged <= due

    # 3. The force's public protection unit sees it acknowledged (and, in time, not late).
    ppu_phone = phone(browser, live_server)
    try:
        ppu = Visit(ppu_phone.new_page(), axe_check)
        page = ppu.page
        page.on("console", lambda m: console_messages.append(f"[{m.type}] {m.text}"))
        ppu.sign_in(PPU)
        ppu.navigate("Encompass")
        ppu.check("notifications sent", "Operation Encompass notifications sent")
        assert page.url.endswith("/encompass/sent/")
        sent = page.locator("tbody tr").filter(has_text=REFERENCE)
        expect(sent.get_by_role("link", name=CHILD, exact=True)).to_be_visible()
        expect(sent).to_contain_text(f"To {obligation.team.name}")
        expect(sent).to_contain_text("Acknowledged")
        expect(sent.locator(f'time[datetime="{datetime_attribute(acknowledged)}"]')).to_have_text(
            govuk_datetime(acknowledged, short=True)
        )
        expect(sent.get_by_text("Late", exact=True)).to_have_count(0 if in_time else 1)

        page.get_by_role("link", name="Show only those not acknowledged by their due time").click()
        ppu.check(
            "notifications not acknowledged in time", "Notifications not acknowledged in time"
        )
        expect(page.get_by_role("link", name=CHILD, exact=True)).to_have_count(0 if in_time else 1)

        page.get_by_role("link", name="Show every notification").click()
        ppu.check("notifications sent, again", "Operation Encompass notifications sent")
        page.locator("tbody tr").filter(has_text=REFERENCE).get_by_role(
            "link", name=CHILD, exact=True
        ).click()
        ppu.check("the notification, as the force", CHILD)
        expect(page.get_by_role("button", name="Acknowledge")).to_have_count(0)
        expect(
            page.locator(".govuk-summary-list__row")
            .filter(has_text="Acknowledged")
            .locator(f'time[datetime="{datetime_attribute(acknowledged)}"]')
        ).to_be_visible()
    finally:
        ppu_phone.close()

    csp = [m for m in console_messages if "content security policy" in m.lower()]
    assert csp == [], "Content Security Policy violations:\n" + "\n".join(csp)


def record_incident(journey: Visit, *, born: dt.date, on: dt.date, setting_urn: str) -> None:
    """The officer's pages from the start page to the submitted incident: two adults and
    one child, there and spoken to alone, registered at the school."""
    page = journey.page
    journey.navigate("Record an incident")
    journey.check("start page", "Record a domestic abuse incident")
    page.get_by_role("button", name="Start now").click()

    journey.check("incident details", "When and where it happened")
    journey.fill("Police reference", REFERENCE)
    journey.date("occurred_date", on)
    page.locator("#id_occurred_time").fill("22:40")
    journey.date("reported_date", on)
    page.locator("#id_reported_time").fill("22:45")
    journey.fill("Address line 1", "3 Quillon Row")
    journey.fill("Town or city", "Brackenford")
    journey.fill("Postcode", "WX1 9QR")
    page.get_by_label("Local authority").select_option(label="Northshire")
    journey.button()

    journey.check("what happened", "What happened")
    journey.group("What kind of abuse was it?").get_by_label("Physical or sexual abuse").check()
    journey.choose(
        "Was it a single incident or part of a course of conduct?", "A course of conduct"
    )
    journey.fill("Describe what happened", "Neighbour heard shouting and a crash; lamp broken.")
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
        **{"Address line 1": "3 Quillon Row", "Town or city": "Brackenford"},
    )
    journey.check("the adults, with the victim", "The adults")
    journey.add_person(
        "Add the alleged perpetrator",
        "the alleged perpetrator",
        "Rowan",
        "Hartwell",
        dt.date(1988, 8, 19),
        sex="Male",
    )
    journey.check("the adults, both added", "The adults")
    page.get_by_role("button", name="Continue").click()

    journey.check("how the adults are related", "How the adults are related")
    page.get_by_label("How is Tamsin Quillfeather related to Rowan Hartwell?").select_option(
        "married"
    )
    journey.button()

    journey.check("children, none yet", "Children")
    journey.add_person("Add a child", "the child", "Ivy", "Quillfeather", born, sex="Female")
    record_child_at_school(journey, "Ivy", setting_urn=setting_urn)
    journey.check("children, one added", "Children")
    page.get_by_role("button", name="Continue").click()

    journey.check("pregnancy", "Pregnancy")
    journey.choose("Is the adult victim pregnant?", "No")
    journey.button()

    journey.check("check your answers", "Check your answers before submitting")
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.get_by_text(WORDS)).to_be_visible()
    page.get_by_role("button", name="Submit", exact=True).click()


def record_child_at_school(journey: Visit, name: str, *, setting_urn: str) -> None:
    """The child's loop: there, saw and heard it, a welfare check, spoken to alone, their
    own words, and their school chosen from the directory."""
    page = journey.page
    journey.check(f"{name}: relationships", f"How {name} is related to the adults")
    page.get_by_label(f"How is Tamsin Quillfeather related to {name}?").select_option("parent")
    page.get_by_label(f"How is Rowan Hartwell related to {name}?").select_option("parent")
    page.get_by_label(re.compile(r"Tamsin Quillfeather has parental responsibility")).check()
    journey.button()

    journey.check(f"{name}: where they were", f"Where {name} was")
    journey.choose(f"Was {name} there when it happened?", "Yes")
    journey.fill(f"If {name} was there, where were they?", "On the stairs")
    journey.choose(f"Does {name} normally live at the address?", "Yes")
    journey.button()

    journey.check(f"{name}: what they experienced", f"What {name} saw, heard or experienced")
    experienced = journey.group(f"What did {name} see, hear or experience?")
    experienced.get_by_label("Saw the abuse").check()
    experienced.get_by_label("Heard the abuse").check()
    journey.choose(f"Was {name} injured?", "No")
    journey.button()

    journey.check(f"{name}: welfare check", f"Welfare check on {name}")
    journey.choose(f"Was a welfare check done on {name}?", "Yes")
    journey.fill("Who did the welfare check?", "PC 4417 Ashdown")
    journey.button()

    journey.check(f"{name}: talking to them", f"Talking to {name}")
    journey.choose(f"Was {name} spoken to?", "Yes")
    journey.choose(f"Was {name} spoken to alone, away from their parents?", "Yes")
    journey.fill(f"Where was {name} spoken to?", "Her bedroom, with the door open")
    journey.fill(f"Who else was there when {name} was spoken to?", "PC 4417 only")
    journey.button()

    journey.check(f"{name}: their own words", f"{name}'s own words")
    journey.fill(f"What did {name} say?", WORDS)
    journey.fill(f"How did {name} behave and seem?", "Quiet, holding a toy rabbit")
    journey.button()

    journey.check(f"{name}: communication", f"{name}'s language and communication")
    journey.button()

    journey.check(f"{name}: school and health", f"{name}'s school and health services")
    journey.choose(
        f"Is {name} at a school, nursery or college?", "Registered at a school, nursery or college"
    )
    # The school is found by a search of the directory, then chosen (no JavaScript needed).
    page.get_by_label("Search for the school, nursery or college").fill("Brackenford")
    page.locator("#id_find_school").click()
    journey.check(f"{name}: schools found", f"{name}'s school and health services")
    page.get_by_label(f"{SCHOOL}, Northshire (URN {setting_urn})").check()
    journey.button()
