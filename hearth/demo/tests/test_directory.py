"""The demo's directory of specialist services: what issue 13 §4 lists, linked to the
demo agencies' teams, a valid Open Referral UK feed, and no service for under-4s in
Southmoor (so that the demo shows unmet need)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from hearth.accounts.models import Area
from hearth.directory.models import Organisation, Service
from hearth.directory.selectors import services_for

pytestmark = pytest.mark.django_db


def test_the_demo_directory_has_the_issue_s_services(wessex: Any) -> None:
    north = Area.objects.get(name="Northshire")
    south = Area.objects.get(name="Southmoor")
    oaks = Service.objects.get(organisation__name="Little Oaks Children's Therapy")
    assert (oaks.min_age, oaks.max_age, oaks.waiting_weeks) == (4, 16, 8)
    assert oaks.places_free == 0 and oaks.open_to_referrals
    assert list(oaks.areas.all()) == [north]
    group = Service.objects.get(organisation__name="Wessex Children's Recovery Project")
    assert (group.min_age, group.max_age) == (7, 14)
    assert set(group.areas.all()) == {north, south}
    assert group.places_free and group.open_to_referrals
    ypva = Service.objects.get(organisation__name="Southmoor Young People's Domestic Abuse Service")
    assert (ypva.min_age, ypva.max_age) == (13, 17)
    for service in (oaks, group, ypva):
        assert service.team is not None
        assert service.team.agency_id == service.organisation.agency_id
    # Nothing in Southmoor takes a child under 4.
    assert not [s for s in services_for(south.pk) if s.min_age is None or s.min_age < 4]


def test_the_demo_directory_is_published_in_the_feed(wessex: Any) -> None:
    page = Client().get("/openreferral/services").json()
    assert page["total_items"] == Service.objects.count() == 3
    assert Organisation.objects.filter(agency__isnull=False).count() == 3
