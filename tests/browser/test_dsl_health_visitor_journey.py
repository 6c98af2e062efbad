"""A school's DSL and a health visitor, each from their home page (issue 17), in Chromium
at phone width with axe-core on every page: the home page leads with "Open
notifications" and counts those not opened and not yet acknowledged, each count (checked
against the data) linking to the inbox showing exactly that many; the menu has one inbox;
one step from home reaches the notification. The health visitor's pages are worded for
health visiting, and each state is named for what happened ("Support planned")."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from conftest import Wessex
from hearth.demo.wessex import DEMO_PASSWORD
from hearth.encompass.models import EncompassNotification
from hearth.encompass.policy import EncompassSupport
from hearth.encompass.tests.test_encompass import at_schools
from hearth.encompass.wording import Recipient, words_for
from hearth.obligations import policy
from tests.browser.conftest import AxeCheck, PhoneVisit
from tests.browser.test_obligations_journey import phone

pytestmark = [pytest.mark.browser]

DSL = "dsl03@schools.wessex.example"  # Brackenford Primary School's DSL
HEALTH_VISITOR = "health.visitor@health.wessex.example"
SOUTHMOOR = "E06900002"  # tells health visiting about under-school-age children (demo)
REFERENCE = "WX/2026/1717"
SIBLINGS = "Mia Vance and Leo Hart"
BABY = "Ava Vance"


class Person(PhoneVisit):
    """Someone's phone, signed in as them; every page checked as it is reached."""

    def sign_in(self, email: str) -> None:
        self.page.goto("/")
        self.page.locator("input[name=login]").fill(email)
        self.page.locator("input[name=password]").fill(DEMO_PASSWORD)
        self.page.get_by_role("button", name=re.compile(r"^\s*sign in\s*$", re.IGNORECASE)).click()
        self.check(f"home page ({email})")


def waiting(agency_id: int) -> tuple[int, int]:
    """From the data: the agency's notifications sent and not yet opened, and sent and
    not yet acknowledged (a sent one's access has not ended)."""
    sent = EncompassNotification.objects.filter(
        obligation__team__agency_id=agency_id, obligation__status=policy.Status.SENT
    )
    return sent.filter(first_opened_at__isnull=True).count(), sent.count()


def plural(count: int) -> str:
    return "notification" if count == 1 else "notifications"


def one_inbox_in_the_menu(page: Page) -> None:
    # Behind the "Menu" toggle on a phone: counted whether shown or not.
    menu = page.get_by_role("navigation", name="Menu")
    inbox = menu.locator('a[href="/encompass/"]')
    expect(inbox).to_have_count(1)
    expect(inbox).to_have_text("Notifications")
    expect(menu.locator('a[href="/work/"]')).to_have_count(0)
    expect(menu.locator("a", has_text=re.compile(r"^\s*(Work|Encompass)\s*$"))).to_have_count(0)


def from_home_to_the_list(person: Person, agency_id: int) -> tuple[int, int]:
    """The home page leads with "Open notifications"; each count matches the data and
    its link lists exactly that many."""
    page = person.page
    main = page.locator("main")
    expect(main.get_by_role("button", name="Open notifications")).to_be_visible()
    not_opened, not_acknowledged = waiting(agency_id)
    assert not_opened >= 1
    for count, words, show in (
        (not_acknowledged, "not yet acknowledged", "not_acknowledged"),
        (not_opened, "not opened", "not_opened"),
    ):
        link = main.get_by_role("link", name=f"{count} {plural(count)} {words}", exact=True)
        expect(link).to_be_visible()
        link.click()
        person.check(f"inbox: {words}", "Operation Encompass notifications")
        assert page.url.endswith(f"/encompass/?show={show}")
        expect(page.get_by_test_id("notification-count")).to_contain_text(
            f"{count} {plural(count)}"
        )
        expect(page.locator("tbody tr")).to_have_count(min(count, 25))
        if show == "not_acknowledged":
            page.goto("/")
            person.check("home page, again")
    return not_opened, not_acknowledged


def test_a_dsl_and_a_health_visitor_reach_their_notifications_from_home(
    browser: Browser,
    live_server: Any,
    axe_check: AxeCheck,
    console_messages: list[str],
    wessex_live: None,
) -> None:
    wessex = Wessex()
    # Mia and Leo at Brackenford Primary School; baby Ava in Southmoor, which tells
    # health visiting.
    at_schools(wessex, REFERENCE, la=SOUTHMOOR)

    # 1. The DSL: from home to the school's unopened notifications, then to this one.
    dsl_phone = phone(browser, live_server)
    try:
        dsl = Person(dsl_phone.new_page(), axe_check)
        page = dsl.page
        page.on("console", lambda m: console_messages.append(f"[{m.type}] {m.text}"))
        dsl.sign_in(DSL)
        one_inbox_in_the_menu(page)
        from_home_to_the_list(dsl, wessex.actor(DSL).agency_id)
        ours = page.locator("tbody tr").filter(has_text=SIBLINGS)
        expect(ours.get_by_text("Not opened", exact=True)).to_be_visible()
        ours.get_by_role("link", name=SIBLINGS, exact=True).click()
        dsl.check("the notification", SIBLINGS)
        main = page.locator("main")
        expect(main.get_by_text("Opened, not acknowledged", exact=True)).to_be_visible()
        expect(main).to_contain_text("The school's response")
        page.get_by_role("button", name="Acknowledge", exact=True).click()
        dsl.check("the notification, acknowledged", SIBLINGS)
        page.get_by_role("link", name="Record the support the school will give").click()
        dsl.check("record the support", "Record the support the school will give")
        page.get_by_role("group", name="What support will the school give?").get_by_label(
            "Silent support: staff watch over the child without telling them", exact=True
        ).check()
        page.get_by_role("button", name="Save", exact=True).click()
        dsl.check("the notification, support planned", SIBLINGS)
        expect(main.get_by_text("Support planned", exact=True)).to_be_visible()
        expect(main).not_to_contain_text("Outcome recorded")
    finally:
        dsl_phone.close()

    # 2. The health visitor: the same from home, worded for health visiting.
    hv_phone = phone(browser, live_server)
    try:
        hv = Person(hv_phone.new_page(), axe_check)
        page = hv.page
        page.on("console", lambda m: console_messages.append(f"[{m.type}] {m.text}"))
        hv.sign_in(HEALTH_VISITOR)
        one_inbox_in_the_menu(page)
        from_home_to_the_list(hv, wessex.actor(HEALTH_VISITOR).agency_id)
        main = page.locator("main")
        words = words_for(Recipient.HEALTH_VISITING)
        expect(main).to_contain_text(words.inbox_intro)
        expect(main).not_to_contain_text("at your school")
        expect(main).not_to_contain_text("school day")
        page.locator("tbody tr").filter(has_text=BABY).get_by_role(
            "link", name=BABY, exact=True
        ).click()
        hv.check("the notification", BABY)
        expect(main).to_contain_text("Health visiting's response")
        expect(page.locator(".govuk-warning-text")).to_contain_text(words.do_not_approach)
        page.get_by_role("button", name="Acknowledge", exact=True).click()
        hv.check("the notification, acknowledged", BABY)
        page.get_by_role("link", name=words.support_heading).click()
        hv.check("record the support", words.support_heading)
        page.get_by_label(words.support_labels[EncompassSupport.SILENT], exact=True).check()
        page.get_by_role("button", name="Save", exact=True).click()
        hv.check("the notification, support planned", BABY)
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            words.support_recorded
        )
        expect(main.get_by_text("Support planned", exact=True)).to_be_visible()
        expect(main).not_to_contain_text("school")
    finally:
        hv_phone.close()

    csp = [m for m in console_messages if "content security policy" in m.lower()]
    assert csp == [], "Content Security Policy violations:\n" + "\n".join(csp)
