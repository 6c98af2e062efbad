"""The whole family end to end in Chromium (issue 14's "Done when"): the Northshire MARAC
hears Kerry Vance's high-risk case and records actions for the IDVA service, the front
door and Ashcombe Primary School; the front door opens a whole-family plan with goals for
Kerry, Mia and Leo, and the MARAC's actions join it; the school's safeguarding lead
records what Mia said; the IDVA acknowledges its action (Kerry's support starts) and each
child gets a follow-up; the front door records a review with progress on a goal and the
children's views. Everything is on a phone (375 CSS pixels), with axe-core checking every
page (WCAG 2.2 AA) and nothing scrolling sideways (WCAG 1.4.10 Reflow)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from conftest import Wessex
from hearth.core import clock
from hearth.families.models import FamilyPlan, Goal, Review
from hearth.marac.models import MaracAction, MaracCase
from hearth.marac.tests.factories import FRONT_DOOR, IDVA, MARAC, a_meeting, a_sent_referral
from hearth.obligations import services as ledger
from hearth.obligations.models import Obligation
from hearth.voices.models import VoiceEntry
from tests.browser.conftest import AxeCheck
from tests.browser.test_encompass_journey import Visit
from tests.browser.test_obligations_journey import phone

pytestmark = [pytest.mark.browser]

DSL = "dsl@schools.wessex.example"  # Ashcombe Primary School's (and Ashcombe Academy's) DSL
SCHOOL = "Ashcombe Primary School"
KERRY, MIA, LEO, AVA = "Kerry Vance", "Mia Vance", "Leo Hart", "Ava Vance"
RISKS = "Threats to kill; strangulation last month; Dean has breached his bail conditions"
KERRY_ACTION = "Contact Kerry through her safe number and review her safety plan"
MIA_FRONT_DOOR = "Visit Mia at home with her mother, away from Dean"
MIA_SCHOOL = "Give Mia a trusted adult at school and check in with her each morning"
SAFE_CONTACT = "Call Kerry on 07700 900123, weekdays 10 to 12 only. Dean must not know."
KERRY_GOAL = "Kerry feels safe at home"
MIA_GOAL = "Mia sleeps through the night and feels safe at school"
LEO_GOAL = "Leo can talk to someone he trusts about home"
SAID = "I like Mrs Patel's room. I don't want Daddy to come back."
VIEWS = "Mia says school feels safe. Leo wants to see his nan more."


def pick(select: Any, text: str) -> None:
    """Select the one option of ``select`` whose words contain ``text``."""
    options = [o.strip() for o in select.locator("option").all_inner_texts()]
    matching = [option for option in options if text in option]
    assert len(matching) == 1, f"{text!r} is not exactly one of {options}"
    select.select_option(label=matching[0])


def success(page: Page) -> Any:
    return page.locator(".govuk-notification-banner--success")


def test_a_marac_hears_a_case_and_the_family_is_supported_together(
    browser: Browser,
    live_server: Any,
    axe_check: AxeCheck,
    console_messages: list[str],
    wessex_live: None,
) -> None:
    wessex = Wessex()
    referral = a_sent_referral(wessex)  # Kerry's, 15 yes answers: high risk
    meeting = a_meeting(wessex)  # today, online
    incident = referral.incident
    people = {p.person.full_name: p.person for p in incident.parties.select_related("person")}
    kerry, mia, leo, ava = (people[name] for name in (KERRY, MIA, LEO, AVA))
    # Weeks ago the MARAC acknowledged the referral (each child was followed up then, and
    # the front door has since seen each child and closed their follow-up).
    ledger.obligation_acknowledge(actor=wessex.actor(MARAC), obligation=referral)
    earlier = Obligation.objects.filter(route="child_follow_up", incident=incident)
    assert earlier.count() == 3
    for follow_up in earlier:
        ledger.obligation_acknowledge(actor=wessex.actor(FRONT_DOOR), obligation=follow_up)
        ledger.outcome_record(
            actor=wessex.actor(FRONT_DOOR),
            obligation=follow_up,
            outcome="safe_and_supported",
            note="Seen at home with her mother on a visit; safe, and the school is told",
        )
    today = clock.local_now().date()
    due = today + dt.timedelta(days=14)
    meeting_words = f"{meeting.held_on:%A %-d %B %Y} at {meeting.starts_at:%H:%M}"

    # 1. The MARAC coordinator adds the referral to today's meeting and records the hearing.
    marac_phone = phone(browser, live_server)
    try:
        coordinator = Visit(marac_phone.new_page(), axe_check)
        page = coordinator.page
        page.on("console", lambda m: console_messages.append(f"[{m.type}] {m.text}"))
        coordinator.sign_in(MARAC)
        page.get_by_role("button", name="Meetings").click()
        coordinator.check("MARAC meetings", "MARAC meetings")
        page.get_by_role("link", name=re.compile(f"^Add to a meeting\\s*: {KERRY}$")).click()
        coordinator.check("add to a meeting", "Add to a MARAC meeting")
        page.get_by_role("group", name="Which meeting?").get_by_label(
            re.compile(re.escape(meeting_words))
        ).check()
        coordinator.button("Add to the agenda")
        coordinator.check("the agenda", meeting.held_on.strftime("%A %-d %B %Y"))
        case = MaracCase.objects.get(referral=referral)
        item = page.locator("main ol > li").filter(has_text=KERRY)
        expect(item).to_contain_text("Repeat" if case.repeat else "New")
        expect(item).to_contain_text("Not heard yet")
        expect(item).to_contain_text("3 children in the household")
        page.get_by_role("link", name=f"Record the hearing of {KERRY}'s case").click()

        coordinator.check("record the hearing", f"Record the hearing of {KERRY}'s case")
        # A first try with a mistake: no agency attended, and an action with no team.
        coordinator.fill("What risks were discussed?", RISKS)
        action = page.get_by_role("group", name="Action 1")
        pick(action.get_by_label("Who is it for?"), KERRY)
        action.get_by_label("What must be done?").fill(KERRY_ACTION)
        coordinator.date("action-0-due_on", due)
        coordinator.button("Record the hearing")
        expect(page).to_have_title(re.compile(r"^Error: "))
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_be_visible()
        coordinator.check("record the hearing, with errors")
        expect(
            summary.get_by_role("link", name="Select the agencies that attended for this case")
        ).to_be_visible()
        expect(
            summary.get_by_role("link", name="Action 1: Select the team that owns the action")
        ).to_be_visible()

        attended = page.get_by_role("group", name="Which agencies attended for this case?")
        for agency in (
            "Wessex Police",
            "Wessex IDVA Service",
            "Northshire Council children's services",
        ):
            attended.get_by_label(agency, exact=True).check()
        for name in (MIA, LEO, AVA):
            expect(
                page.get_by_role(
                    "group", name="Which children of the household did the meeting confirm?"
                ).get_by_label(name, exact=True)
            ).to_be_checked()
        rows = [
            (KERRY, "Wessex IDVA team", KERRY_ACTION),
            (MIA, "Northshire front door", MIA_FRONT_DOOR),
            (MIA, f"{SCHOOL} safeguarding", MIA_SCHOOL),
        ]
        for number, (who, team, words) in enumerate(rows):
            action = page.get_by_role("group", name=f"Action {number + 1}")
            pick(action.get_by_label("Who is it for?"), who)
            pick(action.get_by_label("Which team owns it?"), team)
            action.get_by_label("What must be done?").fill(words)
            coordinator.date(f"action-{number}-due_on", due)
        coordinator.button("Record the hearing")
        coordinator.check("the case, heard", KERRY)
        expect(success(page)).to_contain_text(f"The case is heard: {KERRY}'s referral is closed")
        actions = page.locator("main ol > li")
        expect(actions).to_have_count(3)
        expect(actions.nth(0)).to_contain_text(KERRY_ACTION)
        expect(actions.nth(0)).to_contain_text("IDVA")
        expect(actions.nth(1)).to_contain_text("front door")
        expect(actions.nth(2)).to_contain_text(SCHOOL)
        page.get_by_role("link", name="The referral in full").click()
        coordinator.check("the referral, heard")
        expect(page.locator("main")).to_contain_text(
            f"Heard at the MARAC meeting on {meeting.held_on:%-d %B %Y}"
        )
    finally:
        marac_phone.close()
    case.refresh_from_db()
    assert case.is_heard
    referral.refresh_from_db()
    assert referral.status == "closed" and referral.outcome == "heard"
    marac_actions = list(MaracAction.objects.filter(case=case).select_related("obligation"))
    assert len(marac_actions) == 3 and all(a.obligation for a in marac_actions)

    # 2. The front door finds Mia's MARAC action in its inbox, and from her family's page
    # opens a whole-family plan; the MARAC's actions join it; goals for Kerry, Mia and Leo.
    front_door_phone = phone(browser, live_server)
    try:
        front_door = Visit(front_door_phone.new_page(), axe_check)
        page = front_door.page
        page.on("console", lambda m: console_messages.append(f"[{m.type}] {m.text}"))
        front_door.sign_in(FRONT_DOOR)
        front_door.navigate("Work")
        front_door.check("team inbox", "Northshire front door")
        page.get_by_label("Kind of work").select_option(label="MARAC action")
        page.get_by_role("button", name="Apply filters").click()
        front_door.check("team inbox, MARAC actions", "Northshire front door")
        page.get_by_role("link", name=re.compile(rf"^{MIA}\s*, MARAC action", re.I)).click()
        front_door.check("Mia's MARAC action", re.compile("MARAC action"))
        expect(page.locator("main")).to_contain_text(MIA_FRONT_DOOR)
        page.get_by_role("link", name="See Mia's family").click()
        front_door.check("Mia's family", re.compile(MIA))
        page.get_by_role("link", name="Open a family plan").click()

        front_door.check("open a family plan", "Open a family plan")
        members = page.get_by_role("group", name="Who is in the plan?")
        for name, role in (
            (KERRY, "Adult victim"),
            ("Dean Vance", "Person causing harm"),
            (MIA, "Child"),
            (LEO, "Child"),
            (AVA, "Child"),
        ):
            members.get_by_label(name, exact=True).select_option(label=role)
        front_door.choose("What is the plan opened from?", "An agency working with the family")
        front_door.choose("Did the family agree to the plan?", "The family agreed to the plan")
        front_door.fill("How can the family be contacted safely?", SAFE_CONTACT)
        front_door.button("Open the plan")
        front_door.check("the family plan", re.compile("^Family plan"))
        expect(success(page)).to_contain_text("The family plan has been opened")
        expect(page.locator(".govuk-warning-text")).to_contain_text(SAFE_CONTACT)
        marac = page.locator("main ul").filter(has_text="MARAC action for")
        for team in ("Wessex IDVA team", "Northshire front door", f"{SCHOOL} safeguarding"):
            expect(marac).to_contain_text(f"MARAC action for {team}")

        for name, goal in ((KERRY, KERRY_GOAL), (MIA, MIA_GOAL), (LEO, LEO_GOAL)):
            page.get_by_role("button", name="Add a goal").click()
            front_door.check(f"add a goal ({name})", "Add a goal")
            page.get_by_role("group", name="Whose goal is it?").get_by_label(
                re.compile(f"{name} \\(")
            ).check()
            front_door.fill("What is the goal?", goal)
            front_door.button("Save")
            front_door.check(f"the family plan, goal for {name}", re.compile("^Family plan"))
            card = page.locator(".govuk-summary-card").filter(
                has=page.get_by_role("heading", name=re.compile(f"^{name}"))
            )
            expect(card).to_contain_text(goal)
    finally:
        front_door_phone.close()
    plan = FamilyPlan.objects.get(members__person=kerry)
    assert plan.marac_actions.count() == 3
    assert {g.member.person_id for g in Goal.objects.filter(plan=plan)} == {
        kerry.pk,
        mia.pk,
        leo.pk,
    }

    # 3. Ashcombe Primary School's safeguarding lead finds the school's MARAC action for Mia
    # and records what Mia said to her, from Mia's safeguarding record.
    school_phone = phone(browser, live_server)
    try:
        dsl = Visit(school_phone.new_page(), axe_check)
        page = dsl.page
        page.on("console", lambda m: console_messages.append(f"[{m.type}] {m.text}"))
        dsl.sign_in(DSL)
        if SCHOOL not in page.locator("[data-testid=current-organisation]").inner_text():
            page.get_by_role("link", name="Change organisation").click()
            dsl.check("change organisation", "Change organisation")
            page.get_by_role("radio", name=SCHOOL).check()
            dsl.button("Continue")
            dsl.check(f"home page ({SCHOOL})", "What you can do in Hearth")
        # A DSL's one inbox is the notifications page; other work is reached from it.
        dsl.navigate("Notifications")
        dsl.check("the school's notifications", "Operation Encompass notifications")
        page.get_by_test_id("other-work").get_by_role("link", name=re.compile("open item")).click()
        dsl.check("the school's work", f"{SCHOOL} safeguarding")
        page.get_by_role("link", name=re.compile(rf"^{MIA}\s*, MARAC action", re.I)).click()
        dsl.check("the school's MARAC action", re.compile("MARAC action"))
        expect(page.locator("main")).to_contain_text(MIA_SCHOOL)
        expect(page.locator("main")).not_to_contain_text(RISKS)  # the case stays the MARAC's
        page.get_by_role("link", name=f"{MIA}'s safeguarding record").click()
        dsl.check("Mia's safeguarding record, as the school", MIA)
        page.get_by_role("link", name="Record what Mia said").click()
        dsl.check("record what Mia said", "Record what Mia said")
        dsl.date("seen_on", today)
        dsl.fill("Where did you see them?", "At school, in the nurture room")
        dsl.choose("Did you see the child alone?", "No")
        dsl.fill("Who else was there? (optional)", "Her class teacher")
        dsl.fill("What did the child say?", SAID)
        dsl.fill("How are they? (optional if they spoke)", "Tired; brightened when drawing")
        dsl.button("Save")
        dsl.check("what Mia said, recorded")
        expect(page.locator("main")).to_contain_text(SAID)
    finally:
        school_phone.close()
    (entry,) = VoiceEntry.objects.filter(child=mia)
    assert entry.said == SAID and not entry.seen_alone

    child_follow_ups = Obligation.objects.filter(route="child_follow_up", incident=incident)
    assert not child_follow_ups.open().exists()  # each was closed before the meeting

    # 4. The IDVA acknowledges the MARAC's action for Kerry: her support starts, so each
    # child of the household is followed up by their lead agency (FOLLOW-UP-1).
    idva_phone = phone(browser, live_server)
    try:
        idva = Visit(idva_phone.new_page(), axe_check)
        page = idva.page
        page.on("console", lambda m: console_messages.append(f"[{m.type}] {m.text}"))
        idva.sign_in(IDVA)
        idva.navigate("Work")
        idva.check("the IDVA team's inbox", "Wessex IDVA team")
        page.get_by_label("Kind of work").select_option(label="MARAC action")
        page.get_by_role("button", name="Apply filters").click()
        idva.check("the IDVA team's inbox, MARAC actions", "Wessex IDVA team")
        page.get_by_role("link", name=re.compile(rf"^{KERRY}\s*, MARAC action", re.I)).click()
        idva.check("Kerry's MARAC action", re.compile("MARAC action"))
        expect(page.locator("main")).to_contain_text(KERRY_ACTION)
        # The action joined the family plan: how to contact the family safely.
        expect(page.locator(".govuk-warning-text")).to_contain_text(SAFE_CONTACT)
        page.get_by_role("button", name="Acknowledge", exact=True).click()
        idva.check("Kerry's MARAC action, acknowledged", re.compile("MARAC action"))
        expect(success(page)).to_contain_text("You have acknowledged")
    finally:
        idva_phone.close()
    follow_ups = child_follow_ups.open().select_related("team")
    assert sorted(f.subject_id for f in follow_ups) == sorted([mia.pk, leo.pk, ava.pk])
    assert {f.team.name for f in follow_ups} == {"Northshire front door"}

    # 5. The front door sees each child's follow-up, and records the plan's review: progress
    # on Mia's goal and the children's views, with what Mia said since the plan opened.
    front_door_phone = phone(browser, live_server)
    try:
        front_door = Visit(front_door_phone.new_page(), axe_check)
        page = front_door.page
        page.on("console", lambda m: console_messages.append(f"[{m.type}] {m.text}"))
        front_door.sign_in(FRONT_DOOR)
        front_door.navigate("Work")
        front_door.check("team inbox, later", "Northshire front door")
        page.get_by_label("Kind of work").select_option(label="Child follow-up")
        page.get_by_role("button", name="Apply filters").click()
        front_door.check("team inbox, follow-ups", "Northshire front door")
        for name in (MIA, LEO, AVA):
            expect(
                page.get_by_role("link", name=re.compile(rf"^{name}\s*, child follow-up", re.I))
            ).to_be_visible()
        page.get_by_role("link", name=re.compile(rf"^{MIA}\s*, child follow-up", re.I)).click()
        front_door.check("Mia's follow-up", re.compile("follow-up", re.I))
        page.get_by_role("link", name="See Mia's family").click()
        front_door.check("Mia's family, later", re.compile(MIA))
        for name in (MIA, LEO, AVA):
            card = page.locator(".govuk-summary-card").filter(
                has=page.get_by_role("heading", name=re.compile(f"^{name}"))
            )
            expect(card).to_contain_text("Child follow-up")
        page.get_by_role(
            "link", name=re.compile("^Family plan led by Northshire front door")
        ).click()
        front_door.check("the family plan, later", re.compile("^Family plan"))
        expect(page.locator("main")).to_contain_text(f'"{SAID}"')
        page.get_by_role("button", name="Record a review").click()
        front_door.check("record a review", "Record a review")
        front_door.date("held_on", today)
        for goal, name, progress in (
            (KERRY_GOAL, KERRY, "Some progress"),
            (MIA_GOAL, MIA, "Some progress"),
            (LEO_GOAL, LEO, "No progress yet"),
        ):
            front_door.choose(f"{goal} ({name})", progress)
        front_door.fill("The children's views", VIEWS)
        front_door.choose("Does the plan continue?", "Yes")
        front_door.button("Save")
        front_door.check("the family plan, reviewed", re.compile("^Family plan"))
        review = page.locator(".govuk-summary-card").filter(has_text="Review held on")
        expect(review).to_contain_text(VIEWS)
        expect(review).to_contain_text(MIA_GOAL)
        expect(review).to_contain_text("Some progress")
        expect(page.locator("main")).to_contain_text(f'"{SAID}"')  # seen on the review's day
    finally:
        front_door_phone.close()
    (held,) = Review.objects.filter(plan=plan)
    assert held.children_views == VIEWS and held.continues
    made = {p.goal.words: p.progress for p in held.progress.select_related("goal")}
    assert made == {KERRY_GOAL: "some", MIA_GOAL: "some", LEO_GOAL: "none"}

    csp = [m for m in console_messages if "content security policy" in m.lower()]
    assert csp == [], "Content Security Policy violations:\n" + "\n".join(csp)
