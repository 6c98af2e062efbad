"""The MARAC coordinator and an IDVA reach their main work from the home page in one step
(issue 17), in Chromium on a phone: the home page's primary button is their work, and
each count beside it is what the list it links to shows (checked against the list, and
against the ledger). axe-core checks every page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from conftest import Wessex
from hearth.marac.tests.factories import a_meeting, a_sent_referral
from hearth.obligations.models import Obligation
from hearth.obligations.tests.factories import IDVA, MARAC
from hearth.referrals.policy import Route, Status
from tests.browser.conftest import AxeCheck
from tests.browser.test_obligations_journey import Visit, phone

pytestmark = [pytest.mark.browser]


def first_action(page: Page) -> tuple[str, dict[str, tuple[int, str]]]:
    """The home page's first action: its button's words, and its counts (words -> count,
    link)."""
    action = page.locator(".hearth-home-action").first
    button = action.locator(".govuk-button")
    expect(button).not_to_have_class(re.compile("govuk-button--secondary"))
    counts = {}
    for link in action.locator(".govuk-list").get_by_role("link").all():
        number, words = link.inner_text().strip().split(" ", 1)
        counts[words] = (int(number), link.get_attribute("href") or "")
    return button.inner_text().strip(), counts


def listed(page: Page) -> int:
    heading = page.get_by_role("heading", level=2).filter(
        has_text=re.compile(r"^\s*\d+ (open|results?),")
    )
    found = re.match(r"\s*(\d+)", heading.inner_text())
    assert found, heading.inner_text()
    return int(found.group(1))


def test_the_marac_coordinator_reaches_the_meetings_from_home_with_counts_checked(
    browser: Browser,
    live_server: Any,
    axe_check: AxeCheck,
    console_messages: list[str],
    wessex_live: None,
) -> None:
    wessex = Wessex()
    a_sent_referral(wessex)
    a_sent_referral(wessex)
    meeting = a_meeting(wessex, days=3)
    context = phone(browser, live_server)
    try:
        visit = Visit(context.new_page(), axe_check)
        page = visit.page
        page.on("console", lambda m: console_messages.append(f"[{m.type}] {m.text}"))
        visit.sign_in(MARAC)
        label, counts = first_action(page)
        assert label == "MARAC meetings"
        waiting = next(v for k, v in counts.items() if k.endswith("waiting to be heard"))
        assert waiting[0] >= 2
        agenda = next(v for k, v in counts.items() if "on the agenda of the next meeting" in k)
        assert agenda[1] == f"/marac/meetings/{meeting.pk}/"

        # One step: the button opens the meetings, listing every referral counted.
        page.get_by_role("button", name="MARAC meetings").click()
        visit.check("MARAC meetings", "MARAC meetings")
        section = page.locator("#waiting + p + ul > li")
        expect(section).to_have_count(waiting[0])
        # The count's own link goes to the same list.
        page.goto(waiting[1])
        visit.check("MARAC meetings, at the waiting referrals", "MARAC meetings")
        expect(page.locator("#waiting")).to_be_visible()
        page.goto(agenda[1])
        visit.check("the next meeting", re.compile(r".+"))
    finally:
        context.close()

    csp = [m for m in console_messages if "content security policy" in m.lower()]
    assert csp == [], "Content Security Policy violations:\n" + "\n".join(csp)


def test_an_idva_reaches_the_referrals_to_acknowledge_from_home_with_counts_checked(
    browser: Browser,
    live_server: Any,
    axe_check: AxeCheck,
    console_messages: list[str],
    wessex_live: None,
) -> None:
    wessex = Wessex()
    a_sent_referral(wessex)  # high risk: an IDVA referral sent to the IDVA service too
    context = phone(browser, live_server)
    try:
        visit = Visit(context.new_page(), axe_check)
        page = visit.page
        page.on("console", lambda m: console_messages.append(f"[{m.type}] {m.text}"))
        visit.sign_in(IDVA)
        label, counts = first_action(page)
        assert label == "IDVA referrals"
        to_acknowledge = counts["referrals to acknowledge"]
        sent = Obligation.objects.filter(
            route=Route.IDVA_REFERRAL, status=Status.SENT, team__agency__slug="wessex-idva-service"
        ).count()
        assert to_acknowledge[0] == sent >= 1
        for words, (count, url) in counts.items():
            page.goto(url)
            visit.check(f"the inbox: {words}", re.compile(r".+"))
            assert listed(page) == count, words

        # One step from home to the work.
        page.goto("/")
        page.get_by_role("button", name="IDVA referrals").click()
        visit.check("the IDVA referrals", re.compile(r".+"))
        expect(page.get_by_label("Kind of work")).to_have_value(str(Route.IDVA_REFERRAL))
        first = page.get_by_role("link", name=re.compile(r", IDVA referral$")).first
        expect(first).to_be_visible()  # the proper name, never "idva referral"
        first.click()
        visit.check("an IDVA referral", re.compile(r"^IDVA referral for "))
        page.get_by_role("button", name="Acknowledge", exact=True).click()
        visit.check("the IDVA referral, acknowledged")
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            "You have acknowledged the IDVA referral for"
        )
        page.goto("/")
        visit.check("home page, after acknowledging", "What you can do in Hearth")
        _, after = first_action(page)
        assert after["referrals to acknowledge"][0] == to_acknowledge[0] - 1
    finally:
        context.close()

    csp = [m for m in console_messages if "content security policy" in m.lower()]
    assert csp == [], "Content Security Policy violations:\n" + "\n".join(csp)
