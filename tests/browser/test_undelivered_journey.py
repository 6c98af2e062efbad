"""Messages that could not be delivered, seen in Chromium (issue 11): an incident's alert to
the Northshire front door is refused for good by the mail server; the service operator's
administrator and the police team it was sent for each find it from the home page, and the
front door's page of the notification warns of it. axe-core checks every page (WCAG 2.2
AA), and nothing may scroll sideways at 375 CSS pixels."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings
from playwright.sync_api import Browser, expect

from conftest import Wessex
from hearth.core.delivery import deliver_due
from hearth.core.tests.smtp import smtp_server, smtp_settings
from hearth.obligations.tests.factories import FRONT_DOOR, of, submitted_incident
from hearth.referrals.policy import Route
from tests.browser.conftest import AxeCheck
from tests.browser.test_obligations_journey import Visit, phone

pytestmark = [pytest.mark.browser]

ADMINISTRATOR = "administrator@hearth.wessex.example"
PPU = "ppu.officer@police.wessex.example"


def test_the_administrator_and_the_sending_team_see_a_message_that_could_not_be_delivered(
    browser: Browser,
    live_server: Any,
    axe_check: AxeCheck,
    console_messages: list[str],
    wessex_live: None,
) -> None:
    deliver_due()  # the seed's own messages
    incident = submitted_incident(Wessex(), reference="WX/2026/7101")
    notification = of(incident, Route.CHILD_CONCERN)[0]
    with smtp_server() as (mailbox, port), override_settings(**smtp_settings(port)):
        mailbox.refuse_rcpt = "550 5.1.1 No such mailbox"
        deliver_due()
    mailbox_address = notification.team.email

    for who, link in (
        (ADMINISTRATOR, "Messages Hearth could not deliver"),
        (PPU, "Messages sent for your teams that could not be delivered"),
    ):
        context = phone(browser, live_server)
        try:
            person = Visit(context.new_page(), axe_check)
            person.sign_in(who)
            person.page.get_by_role("link", name=link).click()
            person.check(f"messages not delivered ({who})", "Messages not delivered")
            expect(person.page.get_by_text(mailbox_address).first).to_be_visible()
        finally:
            context.close()

    context = phone(browser, live_server)
    try:
        front_door = Visit(context.new_page(), axe_check)
        front_door.sign_in(FRONT_DOOR)
        front_door.page.goto(f"/obligations/{notification.pk}/")
        front_door.check("the notification, its alert undeliverable")
        expect(
            front_door.page.get_by_text("A message about this could not be delivered")
        ).to_be_visible()
    finally:
        context.close()
    assert console_messages == []
