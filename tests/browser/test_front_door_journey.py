"""The front door's day from its home page, in Chromium on a phone (issue 17): the home
page leads with "Decide notifications" and counts the new, overdue and due-today
notifications, each linking to the inbox filtered to exactly those (the journey checks
each count against the list it opens); one step reaches the inbox, and one decision is
recorded for three siblings at once, with a different decision for one of them. Each
child keeps their own notification and outcome. axe-core checks every page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from conftest import Wessex
from hearth.obligations.models import Obligation
from hearth.obligations.tests.factories import FRONT_DOOR, submitted_incident
from hearth.referrals.policy import Route, Status
from tests.browser.conftest import AxeCheck
from tests.browser.test_obligations_journey import Visit, phone

pytestmark = [pytest.mark.browser]

REFERENCE = "WX/2026/7301"


def listed(page: Page) -> int:
    """The number of rows the inbox says it lists (its heading: "7 open, 2 overdue" or
    "3 results, 0 overdue"), every page of them."""
    heading = page.get_by_role("heading", level=2).filter(
        has_text=re.compile(r"^\s*\d+ (open|results?),")
    )
    found = re.match(r"\s*(\d+)", heading.inner_text())
    assert found, heading.inner_text()
    return int(found.group(1))


def home_counts(page: Page) -> dict[str, tuple[int, str]]:
    """The home page's counts under its first action: words -> (count, link)."""
    counts = {}
    first = page.locator(".hearth-home-action").first
    for link in first.get_by_role("link").all():
        text = link.inner_text().strip()
        number, words = text.split(" ", 1)
        counts[words] = (int(number), link.get_attribute("href") or "")
    return counts


def test_the_front_door_decides_three_siblings_at_once_from_the_home_page(
    browser: Browser,
    live_server: Any,
    axe_check: AxeCheck,
    console_messages: list[str],
    wessex_live: None,
) -> None:
    incident = submitted_incident(Wessex(), reference=REFERENCE)
    mia, leo, ava = Obligation.objects.filter(
        incident=incident, route=Route.CHILD_CONCERN
    ).order_by("id")
    context = phone(browser, live_server)
    try:
        visit = Visit(context.new_page(), axe_check)
        page = visit.page
        page.on("console", lambda m: console_messages.append(f"[{m.type}] {m.text}"))
        visit.sign_in(FRONT_DOOR)

        # The home page leads with the main work: its primary button, with counts.
        primary = page.locator(".hearth-home-action").first.locator(".govuk-button")
        expect(primary).to_have_text("Decide notifications")
        expect(primary).not_to_have_class(re.compile("govuk-button--secondary"))
        counts = home_counts(page)
        assert set(counts) == {"new notifications to decide", "overdue", "due later today"}
        assert counts["new notifications to decide"][0] >= 3  # our three at least
        # Every count is the number of rows of the list it links to.
        for words, (count, url) in counts.items():
            page.goto(url)
            visit.check(f"the inbox: {words}", "Northshire front door")
            assert listed(page) == count, words

        # One step from home to the work.
        page.goto("/")
        page.get_by_role("button", name="Decide notifications").click()
        visit.check("the inbox: notifications", "Northshire front door")
        expect(page.get_by_label("Kind of work")).to_have_value(str(Route.CHILD_CONCERN))
        page.get_by_role(
            "link", name=re.compile(r"^Mia Vance\s*, child concern notification")
        ).first.click()
        visit.check("Mia's notification", "Child concern notification for Mia Vance")
        page.get_by_role("button", name="Record the decision").click()
        visit.check("record the decision", "Record the decision")

        # Her brother and sister from the same incident are listed, ticked.
        expect(page.get_by_text("2 other children from this incident are waiting")).to_be_visible()
        for name in ("Leo Hart", "Ava Vance"):
            expect(page.get_by_label(f"Record a decision for {name} too")).to_be_checked()
            expect(page.get_by_label(f"Decision for {name}", exact=True)).to_have_value("")
        page.get_by_role("group", name="What have you decided for Mia Vance?").get_by_label(
            "Early help", exact=True
        ).check()
        page.get_by_label("Decision for Ava Vance", exact=True).select_option(
            "child_in_need_assessment"
        )
        page.get_by_label("Reasons for the decision (optional)").fill(
            "Family hub in Ashcombe; the baby to be assessed with her health visitor"
        )
        page.get_by_role("button", name="Record the decision").click()
        visit.check("Mia's notification, decided", "Child concern notification for Mia Vance")
        banner = page.locator(".govuk-notification-banner--success")
        expect(banner).to_contain_text(
            "Decisions recorded for 3 children: Mia Vance, Early help; Leo Hart, Early help; "
            "Ava Vance, Child and family assessment"
        )

        # Each child keeps their own notification and outcome.
        for o in (mia, leo, ava):
            o.refresh_from_db()
        assert [(o.status, o.outcome) for o in (mia, leo, ava)] == [
            (Status.CLOSED, "early_help"),
            (Status.CLOSED, "early_help"),
            (Status.OUTCOME_RECORDED, "child_in_need_assessment"),
        ]
        page.goto(f"/obligations/{ava.pk}/")
        visit.check("Ava's notification", "Child concern notification for Ava Vance")
        expect(page.get_by_text("Decided: assessment under way").first).to_be_visible()

        # Home again: three fewer new notifications, still each the list's count.
        page.goto("/")
        visit.check("home page, after deciding", "What you can do in Hearth")
        after = home_counts(page)
        new_before = counts["new notifications to decide"][0]
        assert after["new notifications to decide"][0] == new_before - 3
        page.goto(after["new notifications to decide"][1])
        assert listed(page) == new_before - 3
    finally:
        context.close()

    csp = [m for m in console_messages if "content security policy" in m.lower()]
    assert csp == [], "Content Security Policy violations:\n" + "\n".join(csp)
