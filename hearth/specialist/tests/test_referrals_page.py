"""The service's list of the referrals to it. The ledger's team inbox never shows a
referral to a specialist service (the route is read only on its own pages), so without
this page a referral reached no page the service looks at."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hearth.audit.models import AccessEventRecord
from hearth.obligations.tests.factories import FRONT_DOOR, submitted_incident
from hearth.specialist import services
from hearth.specialist.tests.factories import SPECIALIST, service
from hearth.specialist.tests.test_services import refer

pytestmark = pytest.mark.django_db


def test_a_referral_arrives_on_the_services_referrals_page(
    empty_directory: Any, client_for: Callable[[str], Client]
) -> None:
    referral = refer(empty_directory, submitted_incident(empty_directory), service())
    specialist = client_for(SPECIALIST)
    home = specialist.get(reverse("home")).content.decode()
    url = reverse("specialist_referrals")
    # The navigation's "Work" leads the service to it.
    assert f'href="{url}"' in home
    page = specialist.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Mia Vance" in text and "Acknowledge by" in text
    assert reverse("specialist_referral", args=[referral.obligation_id]) in text
    assert AccessEventRecord.objects.filter(
        record_type="specialist.specialistreferral", record_id=str(referral.pk)
    ).exists()
    # Once support ends it leaves the list.
    services.referral_decline(
        actor=empty_directory.actor(SPECIALIST),
        referral=referral,
        reason="not_eligible",
        note="Over our age range",
    )
    assert "Mia Vance" not in specialist.get(url).content.decode()


def test_only_the_service_sees_its_referrals_there(
    empty_directory: Any, client_for: Callable[[str], Client]
) -> None:
    refer(empty_directory, submitted_incident(empty_directory), service())
    text = client_for(FRONT_DOOR).get(reverse("specialist_referrals")).content.decode()
    assert "Mia Vance" not in text
