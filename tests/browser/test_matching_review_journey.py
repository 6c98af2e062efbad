"""The data-quality reviewer's journey in Chromium (issue 16 §2): from the home page to
the possible matches waiting, the two records side by side, a decision refused without a
reason and then confirmed, and the link undone from the decided links. axe-core checks
every page, and nothing may scroll sideways at 375 CSS pixels."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Q
from playwright.sync_api import Browser, expect

from conftest import Wessex
from hearth.matching import policy, services
from hearth.matching.models import PersonLink
from hearth.matching.tests.helpers import FRONT_DOOR, POLICE, REVIEWER, record
from tests.browser.conftest import AxeCheck
from tests.browser.test_encompass_journey import Visit
from tests.browser.test_obligations_journey import phone

pytestmark = [pytest.mark.browser]


def test_a_reviewer_confirms_a_possible_match_and_undoes_it(
    browser: Browser,
    live_server: Any,
    axe_check: AxeCheck,
    console_messages: list[str],
    wessex_live: None,
    settings: Any,
) -> None:
    settings.HEARTH_PERSON_MATCHER = "hearth.people.matching.RuleBasedMatcher"
    w = Wessex()
    record(w, POLICE, "Ottoline Mary", "Quarrington", dt.date(2016, 3, 4))
    # Each record is matched as its recording commits (a live server's test commits).
    council = record(w, FRONT_DOOR, "Ottoline", "Quarrington", dt.date(2016, 3, 4))
    services.link_person(person=council)  # (a second look finds the pair known)
    link = PersonLink.objects.get(Q(person_a=council) | Q(person_b=council))
    assert link.status == policy.LinkStatus.PENDING

    context = phone(browser, live_server)
    try:
        reviewer = Visit(context.new_page(), axe_check)
        page = reviewer.page
        page.on("console", lambda m: console_messages.append(f"[{m.type}] {m.text}"))
        reviewer.sign_in(REVIEWER)
        expect(page.get_by_text("possible match waiting for review")).to_be_visible()
        page.get_by_role("button", name="Review possible matches").click()
        reviewer.check("the queue", "Possible matches to review")
        expect(page.get_by_text("1 waiting")).to_be_visible()
        expect(page.get_by_role("cell", name="Ottoline Mary Quarrington")).to_be_visible()

        page.get_by_role("link", name="Decide on possible match 1").click()
        reviewer.check("a possible match", "Are these the same person?")
        page.get_by_role("button", name="Save decision").click()
        reviewer.check("the decision refused", "Are these the same person?")
        expect(page.get_by_role("alert")).to_contain_text(
            "Select whether these are the same person"
        )

        page.get_by_label("Yes, these are the same person: link them").check()
        page.get_by_label("Why?").fill("The school confirmed the date of birth and address")
        page.get_by_role("button", name="Save decision").click()
        reviewer.check("the queue, emptied", "Possible matches to review")
        expect(page.get_by_text("The records are linked")).to_be_visible()
        expect(page.get_by_text("no possible matches waiting")).to_be_visible()
        link.refresh_from_db()
        assert link.status == policy.LinkStatus.CONFIRMED

        page.get_by_role("link", name="Links already decided or made automatically").click()
        reviewer.check("the decided links", "Links decided")
        page.get_by_role("link", name="Ottoline Mary Quarrington").click()
        reviewer.check("a confirmed link", "Are these the same person?")
        page.get_by_label("Undo this link: these are different people").check()
        page.get_by_label("Why?").fill("The front door says they are cousins")
        page.get_by_role("button", name="Save decision").click()
        reviewer.check("the decided links, after the undo", "Links decided")
        expect(page.get_by_text("The link is undone")).to_be_visible()
        assert PersonLink.objects.get(pk=link.pk).status == policy.LinkStatus.UNDONE
    finally:
        context.close()
