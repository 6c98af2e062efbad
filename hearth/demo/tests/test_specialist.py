"""Specialist support in the demo (issue 13 §4): Little Oaks's inbox has a child on its
waiting list and one to acknowledge, referred by the Northshire front door; a Southmoor
toddler is unmet need (no service) on the Southmoor front door's list; each step is on the
timeline; seeding again repeats nothing."""

from __future__ import annotations

from typing import Any

import pytest

from hearth.audit.models import TimelineEvent
from hearth.demo.wessex import seed_wessex
from hearth.obligations.models import Obligation
from hearth.specialist import policy, selectors
from hearth.specialist.models import SpecialistReferral, UnmetNeed

pytestmark = pytest.mark.django_db

SPECIALIST = "specialist@little-oaks.wessex.example"
NORTH_FRONT_DOOR = "front.door@northshire.wessex.example"
SOUTH_FRONT_DOOR = "front.door@southmoor.wessex.example"


def test_little_oaks_has_a_child_waiting_and_one_to_acknowledge(wessex: Any) -> None:
    specialist = wessex.actor(SPECIALIST)
    open_referrals = selectors.referrals_received(actor=specialist)
    by_child = {r.child.given_names: r for r in open_referrals}
    assert set(by_child) == {"Tyler", "Poppy"}
    tyler, poppy = by_child["Tyler"], by_child["Poppy"]
    for referral in (tyler, poppy):
        assert referral.service.organisation.name == "Little Oaks Children's Therapy"
        assert referral.obligation.referrer_agency.name == "Northshire Council children's services"
        assert referral.referred_by is not None
        assert referral.referred_by.email == NORTH_FRONT_DOOR
    # Tyler: acknowledged the day after, on the waiting list 8 weeks out.
    assert tyler.obligation.acknowledged_at is not None
    assert tyler.answer == policy.ReferralOutcome.WAITING_LIST
    assert tyler.expected_start_on is not None and tyler.started_on is None
    assert [
        r.child.given_names
        for r in selectors.referrals_received(actor=specialist, waiting_only=True)
    ] == ["Tyler"]
    # Poppy: sent, waiting to be acknowledged.
    assert poppy.obligation.acknowledged_at is None and not poppy.answer


def test_the_referrals_steps_are_on_the_timeline(wessex: Any) -> None:
    tyler = SpecialistReferral.objects.get(child__given_names="Tyler")
    verbs = set(TimelineEvent.objects.for_subject(tyler.obligation).values_list("verb", flat=True))
    assert {"obligation.sent", "obligation.acknowledged"} <= verbs, verbs
    # The offers of support for Tyler and Poppy closed as referred.
    for child in ("Tyler", "Poppy"):
        offer = Obligation.objects.get(route=policy.OFFER_ROUTE, subject__given_names=child)
        assert offer.outcome == policy.OfferOutcome.REFERRED


def test_a_southmoor_toddler_is_unmet_need_with_no_service(wessex: Any) -> None:
    rows = selectors.unmet_need_list(actor=wessex.actor(SOUTH_FRONT_DOOR))
    isla = [n for n in rows if n.child.full_name == "Isla Marchbank"]
    assert len(isla) == 1
    need = isla[0]
    assert need.reason == policy.UnmetReason.NO_SERVICE
    assert need.area is not None and need.area.name == "Southmoor"
    assert need.age_band == policy.age_band(1)
    age = need.child.age_on(need.opened_on)
    assert age is not None and age < 4
    # Made by routing her incident (the offer's on_created), so it is on her timeline.
    assert need.offer is not None and need.offer.incident.police_reference == "WX/DEMO/0007"
    assert TimelineEvent.objects.for_subject(need.child).filter(verb="unmet_need.opened").exists()
    # The Northshire front door's list is its own: no Southmoor child on it.
    north = selectors.unmet_need_list(actor=wessex.actor(NORTH_FRONT_DOOR))
    assert north and all(n.area is not None and n.area.name == "Northshire" for n in north)


def test_seeding_again_refers_nobody_twice(wessex: Any) -> None:
    before = list(
        SpecialistReferral.objects.order_by("id").values_list("id", "answer", "updated_at")
    )
    needs = UnmetNeed.objects.count()
    seed_wessex()
    after = list(
        SpecialistReferral.objects.order_by("id").values_list("id", "answer", "updated_at")
    )
    assert after == before and len(before) == 2
    assert UnmetNeed.objects.count() == needs
