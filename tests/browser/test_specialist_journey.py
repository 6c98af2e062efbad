"""Specialist support end to end in Chromium (issue 13 §4 and its "Done when"): the
Northshire front door decides on a child victim's child concern notification (the offer
of specialist support is then due from the decision) and refers the child to Little Oaks
Children's Therapy from the child's safeguarding record, seeing which services fit and why the others
do not; Little Oaks's specialist finds it waiting on their home page, acknowledges it,
accepts the child onto the waiting list, later records that support started, a session
and how it ended; the front door sees each step on the child's safeguarding record and
the referral's page; the Southmoor front door sees the demo's Southmoor toddler as unmet
need (no service). Everything is on a phone (375 CSS pixels), with axe-core checking
every page (WCAG 2.2 AA) and nothing scrolling sideways (WCAG 1.4.10 Reflow)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from conftest import Wessex
from hearth.core import clock
from hearth.obligations.models import Deadline
from hearth.obligations.tests.factories import FRONT_DOOR, SOUTH_FRONT_DOOR, submitted_incident
from hearth.specialist import policy, selectors
from hearth.specialist.models import SpecialistReferral, UnmetNeed
from hearth.specialist.tests.factories import SPECIALIST
from tests.browser.conftest import AxeCheck
from tests.browser.test_encompass_journey import Visit
from tests.browser.test_obligations_journey import phone

pytestmark = [pytest.mark.browser]

REFERENCE = "WX/2026/8013"
CHILD = "Mia Vance"
LITTLE_OAKS = "Little Oaks therapy for children"
GROUP = "Recovering together: mothers and children"
YPVA = "Young people's violence advisers"
NEED = "Mia saw her dad push her mum and hides when voices are raised. She needs a safe space."
WORDS = "I want the shouting to stop."


def success(page: Page) -> Any:
    return page.locator(".govuk-notification-banner--success")


def row(page: Page, key: str) -> Any:
    return page.locator(".govuk-summary-list__row").filter(
        has=page.locator(".govuk-summary-list__key", has_text=re.compile(f"^\\s*{key}\\s*$"))
    )


def test_a_child_is_referred_to_little_oaks_and_supported(
    browser: Browser,
    live_server: Any,
    axe_check: AxeCheck,
    console_messages: list[str],
    wessex_live: None,
) -> None:
    wessex = Wessex()
    incident = submitted_incident(wessex, reference=REFERENCE)
    mia = incident.parties.get(role="child", person__given_names="Mia").person
    offer = incident.obligations.get(route=policy.OFFER_ROUTE, subject=mia)
    offer_deadline = Deadline.objects.get(obligation=offer)
    assert offer_deadline.estimated  # counted from when the decision is due, until made
    today = clock.local_now().date()

    # 1. The front door decides on Mia's child concern notification.
    front_door_phone = phone(browser, live_server)
    try:
        front_door = Visit(front_door_phone.new_page(), axe_check)
        page = front_door.page
        page.on("console", lambda m: console_messages.append(f"[{m.type}] {m.text}"))
        front_door.sign_in(FRONT_DOOR)
        waiting = selectors.children_waiting_count(actor=wessex.actor(FRONT_DOOR))
        expect(
            page.get_by_role("link", name=f"{waiting} children waiting for specialist support")
        ).to_be_visible()
        front_door.navigate("Work")
        front_door.check("team inbox", "Northshire front door")
        page.get_by_role("link", name=re.compile(rf"^{CHILD}\s*, child concern")).click()
        front_door.check("the notification", f"Child concern notification for {CHILD}")
        page.get_by_role("button", name="Acknowledge", exact=True).click()
        front_door.check("the notification, acknowledged")
        page.get_by_role("button", name="Record the decision").click()
        front_door.check("record the decision", "Record the decision")
        page.get_by_role("group", name=f"What have you decided for {CHILD}?").get_by_label(
            "Early help", exact=True
        ).check()
        page.get_by_role("button", name="Record the decision").click()
        front_door.check("the notification, decided")
        expect(success(page)).to_contain_text(
            f"Decisions recorded for 3 children: {CHILD}, Early help"
        )
        # The offer of support is now due 10 working days from the decision itself.
        offer_deadline.refresh_from_db()
        assert not offer_deadline.estimated

        # Mia's safeguarding record: the offer of support is open, and leads to referring her.
        page.get_by_role("link", name=f"{CHILD}'s safeguarding record").click()
        front_door.check("Mia's safeguarding record", CHILD)
        offer_row = page.locator("tbody tr").filter(has_text="Offer of specialist support")
        expect(offer_row).to_contain_text("Sent")
        page.get_by_role("link", name="Refer Mia to specialist support").click()

        # Which services fit, with their capacity and wait, and why the others do not.
        front_door.check("the services that fit", "Refer to specialist support")
        main = page.locator("main")
        expect(
            page.get_by_role("link", name=f"Back to {CHILD}'s safeguarding record")
        ).to_be_visible()
        oaks = page.locator(".govuk-summary-card").filter(has_text=LITTLE_OAKS)
        expect(oaks).to_contain_text("Full (0 of 12 places free)")
        expect(oaks).to_contain_text("the child would join the waiting list")
        expect(oaks).to_contain_text("Waiting time 8 weeks exceeds the area's threshold of 6 weeks")
        expect(page.locator(".govuk-summary-card").filter(has_text=GROUP)).to_contain_text(
            "7 of 12 places free"
        )
        others = main.locator("li").filter(has_text=YPVA)
        expect(others).to_contain_text("Does not cover Northshire")
        expect(others).to_contain_text("For ages 13 to 17: the child is 8")
        oaks.get_by_role("link", name=f"Refer to {LITTLE_OAKS}").click()

        # The referral form (at phone width: checked by front_door.check), its errors first.
        front_door.check("the referral form", f"Refer to {LITTLE_OAKS}")
        expect(main).to_contain_text("It does not see the incident")
        front_door.button("Send the referral")
        expect(page).to_have_title(re.compile(r"^Error: "))
        summary = page.locator(".govuk-error-summary")
        expect(
            summary.get_by_role("link", name="Enter what support the child needs")
        ).to_be_visible()
        front_door.check("the referral form, with errors", f"Refer to {LITTLE_OAKS}")
        front_door.fill("What support does the child need, and why now?", NEED)
        front_door.fill("The child's own words, if they gave them (optional)", WORDS)
        front_door.choose("Does the non-abusing parent consent to the referral?", "Given")
        front_door.button("Send the referral")
        front_door.check("the referral, sent", CHILD)
        expect(success(page)).to_contain_text(f"{CHILD} has been referred to {LITTLE_OAKS}")
        referral = SpecialistReferral.objects.get(child=mia)
        offer.refresh_from_db()
        assert offer.outcome == policy.OfferOutcome.REFERRED  # the offer is met
    finally:
        front_door_phone.close()

    # 2. Little Oaks's specialist sees it waiting, acknowledges it and accepts Mia onto the
    # waiting list.
    specialist_phone = phone(browser, live_server)
    expected_start = today + dt.timedelta(weeks=8)
    try:
        specialist = Visit(specialist_phone.new_page(), axe_check)
        page = specialist.page
        page.on("console", lambda m: console_messages.append(f"[{m.type}] {m.text}"))
        work = selectors.service_work_for(actor=wessex.actor(SPECIALIST))
        assert work.to_acknowledge >= 2  # the demo's Poppy, and Mia
        specialist.sign_in(SPECIALIST)
        main = page.locator("main")
        expect(main).to_contain_text(f"{work.to_acknowledge} referrals to acknowledge")
        expect(main).to_contain_text(f"{work.waiting_list} child on your waiting list")
        page.get_by_role("button", name="Acknowledge and answer referrals").click()
        specialist.check("referrals to the service", "Referrals to your services")
        page.get_by_role("link", name=CHILD, exact=True).click()

        specialist.check("the referral", CHILD)
        # Only what the referral shares: the need and the child's words, not the incident.
        expect(row(page, "Support needed")).to_contain_text(NEED)
        expect(row(page, "The child's own words")).to_contain_text(WORDS)
        expect(main).not_to_contain_text(REFERENCE)
        expect(main).not_to_contain_text("Dean")
        page.get_by_role("button", name="Acknowledge the referral").click()
        specialist.check("the referral, acknowledged", CHILD)
        expect(success(page)).to_contain_text("You have acknowledged the referral")

        page.get_by_role("link", name=re.compile("^Accept the referral")).click()
        specialist.check("accept the referral", "Accept the referral")
        specialist.choose("Can the child start?", "They join the waiting list")
        specialist.date("expected_start_on", expected_start)
        specialist.button("Save")
        specialist.check("the referral, on the waiting list", CHILD)
        expect(success(page)).to_contain_text("The referral has been accepted")
        expect(row(page, "On the waiting list, expected to start")).to_contain_text(
            f"{expected_start.day} {expected_start:%B %Y}"
        )
        specialist.navigate("Work")
        specialist.check("referrals to the service, after accepting", "Referrals to your services")
        page.get_by_role("link", name="Your waiting list").click()
        specialist.check("the waiting list", "Waiting list")
        expect(page.locator("tbody tr").filter(has_text=CHILD)).to_contain_text(LITTLE_OAKS)
    finally:
        specialist_phone.close()

    # The front door sees the step on Mia's safeguarding record.
    front_door_phone = phone(browser, live_server)
    try:
        front_door = Visit(front_door_phone.new_page(), axe_check)
        page = front_door.page
        front_door.sign_in(FRONT_DOOR)
        page.goto(f"/children/{mia.pk}/safeguarding/")
        front_door.check("Mia's safeguarding record, waiting", CHILD)
        referral_row = page.locator("tbody tr").filter(has_text="Specialist support referral")
        expect(referral_row).to_contain_text("Little Oaks Children's Therapy")
        expect(referral_row).to_contain_text("Accepted onto the waiting list")
    finally:
        front_door_phone.close()

    # 3. Later: support starts, Mia attends a session, and it ends.
    specialist_phone = phone(browser, live_server)
    try:
        specialist = Visit(specialist_phone.new_page(), axe_check)
        page = specialist.page
        specialist.sign_in(SPECIALIST)
        page.get_by_role("button", name=re.compile("referrals")).click()
        specialist.check("referrals to the service, later", "Referrals to your services")
        page.get_by_role("link", name=CHILD, exact=True).click()
        specialist.check("the referral, later", CHILD)
        page.get_by_role("link", name="Record that support has started").click()
        specialist.check("record the start", "Record that support has started")
        specialist.date("on", today)
        specialist.button("Save")
        specialist.check("the referral, started", CHILD)
        expect(success(page)).to_contain_text("Support has started")
        page.get_by_role("link", name="Record a session the child attended").click()
        specialist.check("record a session", "Record a session the child attended")
        specialist.date("on", today)
        specialist.button("Save")
        specialist.check("the referral, a session", CHILD)
        expect(row(page, "Sessions attended")).to_contain_text("1")
        page.get_by_role("link", name="Record how support ended").click()
        specialist.check("record how it ended", "Record how support ended")
        specialist.choose("How did support end?", "Support completed")
        specialist.fill(
            "The child's view of the support (optional)", "Mia said she liked the sand tray."
        )
        specialist.button("Save")
        specialist.check("the referral, ended", CHILD)
        expect(success(page)).to_contain_text("How support ended has been recorded")
        expect(row(page, "How support ended")).to_contain_text("Support completed")
    finally:
        specialist_phone.close()
    referral.refresh_from_db()
    assert referral.started_on == today and referral.ended_on == today
    assert not UnmetNeed.objects.open().filter(child=mia).exists()

    # The front door sees it ended on Mia's record, and each step on the referral's page.
    front_door_phone = phone(browser, live_server)
    try:
        front_door = Visit(front_door_phone.new_page(), axe_check)
        page = front_door.page
        front_door.sign_in(FRONT_DOOR)
        page.goto(f"/children/{mia.pk}/safeguarding/")
        front_door.check("Mia's safeguarding record, ended", CHILD)
        referral_row = page.locator("tbody tr").filter(has_text="Specialist support referral")
        expect(referral_row).to_contain_text("Closed")
        expect(referral_row).to_contain_text("Support completed")
        page.goto(f"/children/{mia.pk}/specialist/")
        front_door.check("Mia's referrals", "Refer to specialist support")
        page.get_by_role("link", name=re.compile(f"^{LITTLE_OAKS}")).click()
        front_door.check("the referral, as the referrer", CHILD)
        expect(row(page, "Acknowledged")).not_to_contain_text("Not yet")
        expect(row(page, "Support started")).to_contain_text(f"{today.day} {today:%B %Y}")
        expect(row(page, "Sessions attended")).to_contain_text("1")
        expect(row(page, "How support ended")).to_contain_text("Support completed")
        expect(page.get_by_role("button", name="Acknowledge the referral")).to_have_count(0)
    finally:
        front_door_phone.close()

    # 4. The Southmoor front door sees the demo's Southmoor toddler as unmet need.
    south_phone = phone(browser, live_server)
    try:
        south = Visit(south_phone.new_page(), axe_check)
        page = south.page
        page.on("console", lambda m: console_messages.append(f"[{m.type}] {m.text}"))
        south.sign_in(SOUTH_FRONT_DOOR)
        waiting = selectors.children_waiting_count(actor=wessex.actor(SOUTH_FRONT_DOOR))
        assert waiting >= 1
        noun = "child" if waiting == 1 else "children"
        page.get_by_role("link", name=f"{waiting} {noun} waiting for specialist support").click()
        south.check("unmet need", "Children waiting for specialist support")
        isla = page.locator("tbody tr").filter(has_text="Isla Marchbank")
        expect(isla).to_contain_text(policy.UNMET_REASON_LABELS[policy.UnmetReason.NO_SERVICE])
        expect(isla).to_contain_text("Southmoor")
        expect(isla).to_contain_text("aged 1 to 4")
        expect(page.locator("main")).not_to_contain_text(CHILD)
    finally:
        south_phone.close()

    csp = [m for m in console_messages if "content security policy" in m.lower()]
    assert csp == [], "Content Security Policy violations:\n" + "\n".join(csp)
