"""The directory of specialist services and each area's specialist support settings in
Chromium (issue 13 §§1-2), on a phone, with axe-core on every page: Little Oaks's
specialist keeps its service's capacity current (a mistake first, then the change, then
"still right"); the operator's administrator browses the directory, opens the import page
(a mistake: nothing given), and sets Southmoor's waiting threshold (a mistake first)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from hearth.accounts.models import Area
from hearth.directory.models import Service
from hearth.specialist.models import SpecialistSettings
from hearth.specialist.tests.factories import SPECIALIST
from tests.browser.conftest import AxeCheck
from tests.browser.test_encompass_journey import Visit
from tests.browser.test_obligations_journey import phone

pytestmark = [pytest.mark.browser]

ADMINISTRATOR = "administrator@hearth.wessex.example"
LITTLE_OAKS = "Little Oaks therapy for children"


def test_a_provider_keeps_its_capacity_current_and_the_administrator_sets_an_area(
    browser: Browser,
    live_server: Any,
    axe_check: AxeCheck,
    console_messages: list[str],
    wessex_live: None,
) -> None:
    context = phone(browser, live_server)
    try:
        provider = Visit(context.new_page(), axe_check)
        page = provider.page
        page.on("console", lambda m: console_messages.append(f"[{m.type}] {m.text}"))
        provider.sign_in(SPECIALIST)
        page.get_by_role("link", name="Your services in the directory").click()
        provider.check("the directory", "Specialist services for children")
        page.get_by_role("link", name=LITTLE_OAKS).first.click()
        provider.check("Little Oaks's service", LITTLE_OAKS)
        page.get_by_role("link", name="Change the entry or capacity").click()
        provider.check("changing the service", f"Change {LITTLE_OAKS}")
        # More places taken than there are: refused on its field, nothing lost.
        page.get_by_label("Places taken").fill("40")
        page.get_by_role("button", name="Save and confirm").click()
        provider.check("the change, refused")
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        expect(page.get_by_label("Places taken")).to_have_value("40")
        page.get_by_label("Places taken").fill("10")
        page.get_by_label("Waiting time in weeks").fill("5")
        page.get_by_role("button", name="Save and confirm").click()
        provider.check("the service, changed", LITTLE_OAKS)
        service = Service.objects.get(name=LITTLE_OAKS)
        assert (service.places_taken, service.waiting_weeks) == (10, 5)
        page.get_by_role("button", name="Confirm it is still right").click()
        provider.check("the service, confirmed", LITTLE_OAKS)

        context.clear_cookies()
        admin = Visit(context.new_page(), axe_check)
        page = admin.page
        admin.sign_in(ADMINISTRATOR)
        page.get_by_role("link", name="Manage the directory of specialist services").click()
        admin.check("the directory, as its administrator", "Specialist services for children")
        page.get_by_role("link", name="Import a directory (Open Referral UK)").click()
        admin.check("the import page", "Import a directory")
        page.get_by_role("button", name="Import").click()
        admin.check("the import, with nothing given")
        expect(page.locator(".govuk-error-summary")).to_be_visible()

        page.goto("/")
        page.get_by_role(
            "link", name="Set each area's lead team and timescales for specialist support"
        ).click()
        admin.check("each area's settings", "Specialist support for each area")
        page.get_by_role("link", name="Change specialist support for Southmoor").click()
        admin.check("Southmoor's settings", "Specialist support for Southmoor")
        page.get_by_label("Waiting threshold, in weeks").fill("99")
        page.get_by_role("button", name="Save").click()
        admin.check("Southmoor's settings, refused")
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        page.get_by_label("Waiting threshold, in weeks").fill("4")
        page.get_by_role("button", name="Save").click()
        admin.check("each area's settings, saved", "Specialist support for each area")
        southmoor = Area.objects.get(name="Southmoor", kind=Area.Kind.LOCAL_AUTHORITY)
        assert SpecialistSettings.objects.get(area=southmoor).waiting_threshold_weeks == 4
    finally:
        context.close()
