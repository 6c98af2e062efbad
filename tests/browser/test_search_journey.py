"""Search by name in Chromium (issue 12 §3): the force's public protection officer types a
child's family name with a slip into the header's search box, reads the results (each
saying why they may see it), and opens the child's record. axe-core checks every page on
the way, and nothing may scroll sideways at 375 CSS pixels."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from hearth.incidents.models import ChildInvolvement
from tests.browser.conftest import AxeCheck
from tests.browser.test_encompass_journey import Visit
from tests.browser.test_obligations_journey import phone

pytestmark = [pytest.mark.browser]

PPU = "ppu.officer@police.wessex.example"


def test_public_protection_finds_a_child_by_a_misspelt_name_and_opens_the_record(
    browser: Browser,
    live_server: Any,
    axe_check: AxeCheck,
    console_messages: list[str],
    wessex_live: None,
) -> None:
    involvement = (
        ChildInvolvement.objects.filter(incident__recorded_by_agency__slug="wessex-police")
        .select_related("child")
        .order_by("id")
        .first()
    )
    assert involvement is not None, "the demo has a child in a police incident"
    child = involvement.child
    family = child.family_name
    slip = family[:-2] + family[-1] if len(family) > 4 else family  # one letter dropped

    context = phone(browser, live_server)
    try:
        ppu = Visit(context.new_page(), axe_check)
        page = ppu.page
        page.on("console", lambda m: console_messages.append(f"[{m.type}] {m.text}"))
        ppu.sign_in(PPU)

        box = page.get_by_role("search", name="Search by name")
        box.get_by_label("Search for a child, adult or incident").fill(
            f"{child.given_names} {slip}"
        )
        box.get_by_role("button", name="Search").click()
        ppu.check("search results", "Search")
        result = page.get_by_test_id("search-result").filter(has_text=child.full_name).first
        expect(result).to_contain_text("Why you can see this:")
        expect(result).to_contain_text("All incidents of Wessex Police (public protection)")

        result.get_by_role("link", name=child.full_name).click()
        ppu.check("the child's record", re.compile(re.escape(child.full_name)))

        # Nothing found says so, with what to try.
        page.goto("/search/?q=Zebedee+Quillfeather")
        ppu.check("no results", "Search")
        expect(page.get_by_text("No results")).to_be_visible()
        expect(page.get_by_text("check the spelling")).to_be_visible()
    finally:
        context.close()
