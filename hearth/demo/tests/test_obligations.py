"""The demo incidents leave work in the front door, MARAC and IDVA inboxes, some of it
overdue, and seeding again changes none of it."""

from __future__ import annotations

from typing import Any

import pytest

from hearth.accounts.models import Team
from hearth.demo.wessex import seed_wessex
from hearth.obligations.models import Obligation
from hearth.obligations.selectors import inbox_for
from hearth.referrals.policy import Route, Status

pytestmark = pytest.mark.django_db


def inbox(wessex: Any, email: str, slug: str) -> Any:
    return inbox_for(actor=wessex.actor(email), team_id=Team.objects.get(slug=slug).pk)


def test_every_inbox_has_work_and_some_is_overdue(wessex: Any) -> None:
    north = inbox(wessex, "front.door@northshire.wessex.example", "northshire-front-door")
    south = inbox(wessex, "front.door@southmoor.wessex.example", "southmoor-front-door")
    marac_referrals = Obligation.objects.filter(route=Route.MARAC_REFERRAL)
    idva = inbox(wessex, "idva@idva.wessex.example", "wessex-idva-team")
    assert north.total >= 3 and north.overdue >= 2
    assert south.total >= 1 and south.overdue >= 1
    assert {o.status for o in marac_referrals} == {Status.CREATED}  # for the PPU to send
    (referral,) = [r.obligation for r in idva.rows if r.obligation.route == Route.IDVA_REFERRAL]
    assert referral.status == Status.ACKNOWLEDGED
    # and the Fenwrights' family plan's action for their mother (hearth/demo/families.py)
    assert idva.total == 2
    follow_ups = Obligation.objects.filter(route=Route.CHILD_FOLLOW_UP)
    assert follow_ups.count() == 2 and {o.team.slug for o in follow_ups} == {
        "northshire-front-door"
    }
    closed = Obligation.objects.filter(status=Status.CLOSED, route=Route.CHILD_CONCERN)
    assert closed.count() == 2  # the Fenwrights' first call: early help
    assert Obligation.objects.filter(assessments__isnull=False).count() == 2


def test_seeding_again_changes_no_obligation(wessex: Any) -> None:
    before = list(Obligation.objects.order_by("id").values_list("id", "status", "updated_at"))
    seed_wessex()
    assert (
        list(Obligation.objects.order_by("id").values_list("id", "status", "updated_at")) == before
    )
