"""The service operator's administrator looks after schools and Operation Encompass in
Chromium: the schools directory, one school with its safeguarding leads, the term
calendars with a local authority's terms and INSET days, and each area's Operation
Encompass choices. axe-core checks every page (WCAG 2.2
AA), and nothing may scroll sideways at 375 CSS pixels."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from hearth.accounts.models import Area
from hearth.encompass.models import EncompassSettings
from hearth.schools.models import TermCalendar
from tests.browser.conftest import AxeCheck
from tests.browser.test_obligations_journey import Visit, phone

pytestmark = [pytest.mark.browser]

ADMINISTRATOR = "administrator@hearth.wessex.example"


def test_the_administrator_looks_after_schools_calendars_and_encompass_choices(
    browser: Browser,
    live_server: Any,
    axe_check: AxeCheck,
    console_messages: list[str],
    wessex_live: None,
) -> None:
    northshire_terms = TermCalendar.objects.get(local_authority__code="E06900001")
    force = Area.objects.get(code="E23900001")
    context = phone(browser, live_server)
    try:
        admin = Visit(context.new_page(), axe_check)
        admin.sign_in(ADMINISTRATOR)

        admin.page.get_by_role("link", name="Manage schools, their safeguarding leads").click()
        admin.check("schools directory")
        admin.page.get_by_label("Name or URN").fill("Brackenford Primary")
        admin.page.get_by_role("button", name="Search").click()
        admin.check("schools directory, searched")
        admin.page.get_by_role("link", name="Brackenford Primary School").first.click()
        admin.check("one school", "Brackenford Primary School")
        expect(admin.page.get_by_text("dsl03@schools.wessex.example")).to_be_visible()

        admin.page.goto(f"/schools/calendars/{northshire_terms.pk}/")
        admin.check("a local authority's terms")
        expect(admin.page.get_by_text("INSET").first).to_be_visible()

        admin.page.goto("/")
        admin.page.get_by_role("link", name="Set each area's Operation Encompass choices").click()
        admin.check("each area's Operation Encompass choices", "Operation Encompass for each area")
        admin.page.goto(f"/work/areas/encompass/{force.pk}/")
        admin.check("the force's template", "Operation Encompass for Wessex")
        admin.page.get_by_label("Minimal: that an incident happened").check()
        admin.page.get_by_role("button", name="Save").click()
        admin.check("each area's choices, saved", "Operation Encompass for each area")
    finally:
        context.close()
    assert console_messages == [], console_messages
    assert EncompassSettings.objects.get(area=force).template == "minimal"
