"""An obligation's page shows the messages sent about it and how each was delivered, so a
message that could not be delivered is seen where the work is (issue 11 point 1)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client, override_settings
from django.urls import reverse

from hearth.audit.models import AccessEvent
from hearth.core.delivery import deliver_due
from hearth.core.models import OutboundMessage
from hearth.core.tests.smtp import smtp_server, smtp_settings
from hearth.encompass.tests.test_encompass import DSL, at_schools, notification_of
from hearth.obligations.tests.factories import FRONT_DOOR, OFFICER, of, submitted_incident
from hearth.referrals.policy import Route

WARNING = "A message about this could not be delivered"


def test_the_obligation_page_shows_an_undeliverable_alert_to_both_sides(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    incident = submitted_incident(wessex, reference="WX/2026/0778")
    notification = of(incident, Route.CHILD_CONCERN)[0]
    with smtp_server() as (mailbox, port), override_settings(**smtp_settings(port)):
        mailbox.refuse_rcpt = "550 5.1.1 No such mailbox"
        deliver_due()
    (alert,) = OutboundMessage.objects.filter(
        about_type="obligations.obligation", about_id=str(notification.pk)
    )
    assert alert.status == OutboundMessage.Status.UNDELIVERABLE
    url = reverse("obligation_detail", args=[notification.pk])
    for who in (FRONT_DOOR, OFFICER):
        html = client_for(who).get(url).content.decode()
        assert WARNING in html, who
        assert "Undeliverable" in html and alert.recipient in html
    # The addresses shown are in the read's access event.
    event = AccessEvent.objects.filter(route="obligation_detail").latest("id")
    assert ("core.outboundmessage", str(alert.pk)) in set(
        event.records.values_list("record_type", "record_id")
    )


def test_a_delivered_alert_shows_as_delivered(
    wessex: Any, client_for: Callable[[str], Client], deliver_outbox: Callable[[], object]
) -> None:
    incident = submitted_incident(wessex, reference="WX/2026/0779")
    notification = of(incident, Route.CHILD_CONCERN)[0]
    deliver_outbox()
    html = client_for(FRONT_DOOR).get(reverse("obligation_detail", args=[notification.pk]))
    text = html.content.decode()
    assert "Messages sent" in text and "Delivered" in text
    assert WARNING not in text


def test_the_force_sees_on_an_encompass_notification_that_its_alerts_were_undeliverable(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    incident = at_schools(wessex, "WX/2026/0780")
    obligation = notification_of(incident).obligation
    with smtp_server() as (mailbox, port), override_settings(**smtp_settings(port)):
        mailbox.refuse_rcpt = "550 5.1.1 No such mailbox"
        deliver_due()
    url = reverse("encompass_detail", args=[obligation.pk])
    force = client_for("ppu.officer@police.wessex.example").get(url).content.decode()
    assert "messages about this could not be delivered" in force
    assert DSL in force
    # The school, which the alerts were for, is not shown the force's delivery record.
    school = client_for(DSL).get(url).content.decode()
    assert "Messages sent" not in school
