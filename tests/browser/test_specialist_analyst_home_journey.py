"""A specialist practitioner's and an analyst's home pages (issue 17), in Chromium at
phone width with axe-core on every page: each leads with the role's main work and
reaches it in one step. The specialist's counts (referrals to acknowledge, children on
the waiting list and receiving support) are checked against the data, and each links to
a list of exactly that many referrals."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from hearth.specialist.models import SpecialistReferral
from hearth.specialist.policy import ReferralOutcome
from tests.browser.conftest import AxeCheck
from tests.browser.test_dsl_health_visitor_journey import Person
from tests.browser.test_obligations_journey import phone

pytestmark = [pytest.mark.browser]

SPECIALIST = "specialist@little-oaks.wessex.example"
ANALYST = "analyst@partnership.wessex.example"
ENDED = ("closed", "withdrawn")


def plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def test_a_specialist_and_an_analyst_reach_their_work_from_home(
    browser: Browser,
    live_server: Any,
    axe_check: AxeCheck,
    console_messages: list[str],
    wessex_live: None,
) -> None:
    # From the data: Little Oaks' open referrals (the demo has some at each step).
    open_referrals = SpecialistReferral.objects.filter(
        obligation__team__agency__name="Little Oaks Children's Therapy"
    ).exclude(obligation__status__in=ENDED)
    to_acknowledge = open_referrals.filter(obligation__acknowledged_at__isnull=True).count()
    waiting_list = open_referrals.filter(
        answer=ReferralOutcome.WAITING_LIST, started_on__isnull=True
    ).count()
    receiving_support = open_referrals.filter(started_on__isnull=False).count()
    assert to_acknowledge >= 1 and waiting_list >= 1

    context = phone(browser, live_server)
    try:
        specialist = Person(context.new_page(), axe_check)
        page = specialist.page
        page.on("console", lambda m: console_messages.append(f"[{m.type}] {m.text}"))
        specialist.sign_in(SPECIALIST)
        main = page.locator("main")
        # The main action is the page's first (primary) button.
        first = main.locator(".govuk-button").first
        expect(first).to_have_text("Acknowledge and answer referrals")
        expect(first).not_to_have_class("govuk-button--secondary")
        counts = (
            (
                f"{to_acknowledge} {plural(to_acknowledge, 'referral', 'referrals')} "
                "to acknowledge",
                to_acknowledge,
                "Referrals to your services",
            ),
            (
                f"{waiting_list} {plural(waiting_list, 'child', 'children')} on your waiting list",
                waiting_list,
                "Waiting list",
            ),
            (
                f"{receiving_support} {plural(receiving_support, 'child', 'children')} "
                "receiving support",
                receiving_support,
                "Referrals to your services",
            ),
        )
        for words, count, heading in counts:
            main.get_by_role("link", name=words, exact=True).click()
            specialist.check(words, heading)
            expect(page.locator("main tbody tr")).to_have_count(count)
            page.goto("/")
            specialist.check("home page, again")
        first.click()
        specialist.check("the referrals", "Referrals to your services")
        expect(page.locator("main tbody tr")).to_have_count(open_referrals.count())
    finally:
        context.close()

    context = phone(browser, live_server)
    try:
        analyst = Person(context.new_page(), axe_check)
        page = analyst.page
        page.on("console", lambda m: console_messages.append(f"[{m.type}] {m.text}"))
        analyst.sign_in(ANALYST)
        page.locator("main").get_by_role("button", name="See the statistics").first.click()
        analyst.check("the statistics", "Statistics")
    finally:
        context.close()

    csp = [m for m in console_messages if "content security policy" in m.lower()]
    assert csp == [], "Content Security Policy violations:\n" + "\n".join(csp)
