"""A MARAC referral's page, for the referrer (issue 17): while it cannot be sent, it says
what must be done, each a link or a button to do it, and shows no "Send referral"; once
it can be sent, the button is there and the list is gone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hearth.obligations.tests.factories import PPU, checklist, of, submitted_incident
from hearth.referrals import services
from hearth.referrals.models import MaracReferral
from hearth.referrals.policy import Route

pytestmark = pytest.mark.django_db


def test_what_stops_the_sending_is_listed_with_links_and_no_send_button(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    incident = submitted_incident(wessex)
    checklist(wessex, incident, yes=15)
    (marac,) = of(incident, Route.MARAC_REFERRAL)
    # A household child whose notification is not linked yet.
    link = MaracReferral.objects.get(obligation=marac).children.select_related("child")[0]
    link.notification = None
    link.save()
    client = client_for(PPU)
    url = reverse("obligation_detail", args=[marac.pk])
    send = f'action="{reverse("obligation_send", args=[marac.pk])}"'
    edit = reverse("marac_referral_edit", args=[marac.pk])
    raise_url = reverse("marac_child_notification_raise", args=[marac.pk, link.child_id])
    page = client.get(url).content.decode()
    assert "This referral cannot be sent yet. Before you send it:" in page
    assert f'<a class="govuk-link" href="{edit}">Say whether the victim knows about this' in page
    assert f'action="{raise_url}"' in page
    assert f"Send a child concern notification for {link.child.full_name}" in page
    assert send not in page and "Send referral</button>" not in page

    # Said the victim does not know, without why (the service refuses that; older data).
    referral = MaracReferral.objects.get(obligation=marac)
    referral.victim_aware = False
    referral.save()
    page = client.get(url).content.decode()
    assert "Say why the victim does not know about this referral" in page
    assert "Say whether the victim knows" not in page

    client.post(raise_url)  # the child's notification, raised and linked from the page
    services.marac_referral_update(
        actor=wessex.actor(PPU),
        obligation=marac,
        victim_aware=False,
        not_aware_reason="The perpetrator reads her messages",
    )
    page = client.get(url).content.decode()
    assert "cannot be sent yet" not in page and 'id="marac-referral-to-do"' not in page
    assert send in page and "Send referral</button>" in page
