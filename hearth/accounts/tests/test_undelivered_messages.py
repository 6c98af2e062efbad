"""Messages that could not be delivered are seen (issue 11 point 1): the service operator's
administrators see every one, the people of the team a message was sent for see their
team's, nobody else sees any; the listing is logged, because addresses are personal data.
The messages here are real: an incident's alerts, refused by a real SMTP server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from hearth.audit.models import AccessEvent
from hearth.core.delivery import deliver_due
from hearth.core.models import OutboundMessage
from hearth.core.tests.smtp import smtp_server, smtp_settings
from hearth.obligations.tests.factories import of, submitted_incident
from hearth.referrals.policy import Route

ADMIN = "administrator@hearth.wessex.example"
PPU = "ppu.officer@police.wessex.example"  # the police team that referred the incident
OFFICER = "response.officer@police.wessex.example"  # same force, another team
FRONT_DOOR = "front.door@northshire.wessex.example"  # the recipient's side

Status = OutboundMessage.Status


@pytest.fixture
def undeliverable(wessex: Any) -> list[OutboundMessage]:
    """An incident's alerts to the Northshire front door, refused for good by the mail
    server (the seed's own messages are delivered first)."""
    deliver_due()
    incident = submitted_incident(wessex, reference="WX/2026/0777")
    notification = of(incident, Route.CHILD_CONCERN)[0]
    with smtp_server() as (mailbox, port), override_settings(**smtp_settings(port)):
        mailbox.refuse_rcpt = "550 5.1.1 No such mailbox"
        deliver_due()
    alerts = list(
        OutboundMessage.objects.filter(
            about_type="obligations.obligation", about_id=str(notification.pk)
        )
    )
    assert alerts and {a.status for a in alerts} == {Status.UNDELIVERABLE}
    return alerts


def page(client: Client) -> str:
    response = client.get(reverse("undelivered_messages"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_operators_administrator_and_the_sending_team_see_an_undeliverable_message(
    undeliverable: list[OutboundMessage], client_for: Callable[[str], Client]
) -> None:
    (alert,) = undeliverable
    assert alert.sender_team_id is not None  # sent for the police team that referred it
    for who in (ADMIN, PPU):
        html = page(client_for(who))
        assert alert.recipient in html, who
        assert "Undeliverable" in html and "SMTPRecipientsRefused" in html


def test_another_team_does_not_see_the_message(
    undeliverable: list[OutboundMessage], client_for: Callable[[str], Client]
) -> None:
    (alert,) = undeliverable
    for who in (OFFICER, FRONT_DOOR):
        html = page(client_for(who))
        assert alert.recipient not in html, who
        assert "There are no undeliverable messages" in html


def test_listing_undelivered_messages_is_logged_with_the_messages_shown(
    undeliverable: list[OutboundMessage], client_for: Callable[[str], Client]
) -> None:
    (alert,) = undeliverable
    page(client_for(PPU))
    event = AccessEvent.objects.filter(route="undelivered_messages").latest("id")
    assert ("core.outboundmessage", str(alert.pk)) in set(
        event.records.values_list("record_type", "record_id")
    )


def test_the_home_page_links_to_the_messages_not_delivered(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    url = reverse("undelivered_messages")
    for who in (ADMIN, PPU):
        assert url in client_for(who).get(reverse("home")).content.decode(), who
