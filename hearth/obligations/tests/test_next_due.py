"""The stored next due time (``Obligation.next_due_at``, issue 12) stays what it stands
for through every step of an obligation's life: its soonest deadline not yet met, and
nothing once it has ended. Each check recomputes it from the deadlines themselves."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from hearth.demo.volume import generate_obligations_only, generate_volume
from hearth.encompass import services as encompass
from hearth.encompass.models import EncompassNotification
from hearth.obligations import policy, services
from hearth.obligations.models import Deadline, Obligation
from hearth.obligations.tests.factories import (
    EDUCATION,
    FRONT_DOOR,
    FRONT_DOOR_MANAGER,
    IDVA,
    MARAC,
    PPU,
    checklist,
    of,
    submitted_incident,
    team,
)
from hearth.referrals import services as referral_services
from hearth.referrals.policy import Route, Stage, Status

pytestmark = pytest.mark.django_db


def expected_next_due(obligation: Obligation) -> dt.datetime | None:
    if obligation.status in policy.ENDED:
        return None
    unmet = Deadline.objects.filter(obligation=obligation, met_at__isnull=True)
    return min((d.due_at for d in unmet), default=None)


def assert_every_next_due_is_right() -> int:
    """Every obligation in the ledger; how many have something due."""
    wrong = [
        (o.pk, o.status, o.next_due_at, expected_next_due(o))
        for o in Obligation.objects.all()
        if o.next_due_at != expected_next_due(o)
    ]
    assert wrong == []
    return Obligation.objects.filter(next_due_at__isnull=False).count()


def stored(obligation: Obligation) -> dt.datetime | None:
    return Obligation.objects.values_list("next_due_at", flat=True).get(pk=obligation.pk)


def test_a_child_concern_through_acknowledgement_decision_assessment_and_close(
    wessex: Any,
) -> None:
    incident = submitted_incident(wessex)
    assert assert_every_next_due_is_right() > 0  # routing stored them as it created them
    first, second, third = of(incident, Route.CHILD_CONCERN)
    acknowledge_due = first.deadlines.get(stage=Stage.ACKNOWLEDGE).due_at
    assert stored(first) == acknowledge_due

    practitioner = wessex.actor(FRONT_DOOR)
    services.obligation_acknowledge(actor=practitioner, obligation=first)
    assert first.deadlines.get(stage=Stage.ACKNOWLEDGE).met_at is not None
    assert stored(first) == first.deadlines.get(stage=Stage.DECIDE).due_at
    assert_every_next_due_is_right()

    # A decision to assess meets the decision and starts the assessment's own clock.
    referral_services.decision_record(
        actor=practitioner,
        obligation=second,
        decision="child_in_need_assessment",
        assessment_started_on=dt.date(2026, 11, 23),
    )
    (assessment,) = second.assessments.all()
    assert stored(second) == Deadline.objects.get(assessment=assessment).due_at
    assert_every_next_due_is_right()
    referral_services.assessment_record(
        actor=practitioner,
        assessment=assessment,
        started_on=dt.date(2026, 11, 23),
        authorised_on=dt.date(2026, 11, 30),
        factors=["3A", "3B"],
    )
    second.refresh_from_db()
    assert second.status == Status.CLOSED and stored(second) is None

    referral_services.decision_record(actor=practitioner, obligation=first, decision="early_help")
    services.obligation_withdraw(
        actor=wessex.actor(FRONT_DOOR_MANAGER), obligation=third, reason="Duplicate"
    )
    assert stored(first) is None and stored(third) is None
    assert_every_next_due_is_right()


def test_a_redirected_obligation_owes_its_acknowledgement_again(wessex: Any) -> None:
    incident = submitted_incident(wessex)
    first = of(incident, Route.CHILD_CONCERN)[0]
    acknowledge_due = first.deadlines.get(stage=Stage.ACKNOWLEDGE).due_at
    services.obligation_acknowledge(actor=wessex.actor(FRONT_DOOR), obligation=first)
    # The decision, due later than the acknowledgement was, is what is left to do.
    later = acknowledge_due + dt.timedelta(days=2)
    Deadline.objects.filter(obligation=first, stage=Stage.DECIDE).update(due_at=later)
    assert stored(first) == later
    services.obligation_redirect(
        actor=wessex.actor(FRONT_DOOR),
        obligation=first,
        to_team=team("southmoor-front-door"),
        reason="Lives in Southmoor",
    )
    assert stored(first) == acknowledge_due
    assert_every_next_due_is_right()


def test_referrals_follow_ups_and_operation_encompass_keep_it_right(wessex: Any) -> None:
    incident = submitted_incident(wessex)
    checklist(wessex, incident, yes=15)
    (marac,) = of(incident, Route.MARAC_REFERRAL)
    (idva,) = of(incident, Route.IDVA_REFERRAL)
    assert stored(marac) == marac.deadlines.get(stage=Stage.SEND).due_at
    ppu = wessex.actor(PPU)
    referral_services.marac_referral_update(actor=ppu, obligation=marac, victim_aware=True)
    services.obligation_send(actor=ppu, obligation=marac)  # meets the send, owes the ack
    assert stored(marac) == marac.deadlines.get(stage=Stage.ACKNOWLEDGE).due_at
    assert_every_next_due_is_right()

    services.obligation_acknowledge(actor=wessex.actor(MARAC), obligation=marac)
    services.obligation_acknowledge(actor=wessex.actor(IDVA), obligation=idva)
    assert of(incident, Route.CHILD_FOLLOW_UP)  # created by routing as the adult is supported
    assert_every_next_due_is_right()
    services.outcome_record(actor=wessex.actor(IDVA), obligation=idva, outcome="engaged")
    assert stored(idva) is None

    education = wessex.actor(EDUCATION)
    for notification in EncompassNotification.objects.filter(obligation__incident=incident):
        encompass.notification_support_record(
            actor=education, notification=notification, support="already_known"
        )
        assert_every_next_due_is_right()
        encompass.notification_outcome_record(
            actor=education, notification=notification, outcome="Known to the team already"
        )
        assert stored(notification.obligation) is None
    assert_every_next_due_is_right()


def test_a_deadline_met_or_moved_directly_refreshes_its_obligation(wessex: Any) -> None:
    first = of(submitted_incident(wessex), Route.CHILD_CONCERN)[0]
    deadlines = list(first.deadlines.order_by("due_at"))
    later = deadlines[-1].due_at + dt.timedelta(days=3)
    Deadline.objects.filter(pk=deadlines[0].pk).update(due_at=later)
    assert stored(first) == min([later, *(d.due_at for d in deadlines[1:])])
    Deadline.objects.filter(obligation=first).update(met_at=deadlines[0].due_at)
    assert stored(first) is None
    deadlines[0].met_at = None
    deadlines[0].save()
    assert stored(first) == deadlines[0].due_at
    # The sweeper's step stamps leave it alone (and cost no refresh).
    Deadline.objects.filter(obligation=first).update(overdue_at=deadlines[0].due_at)
    assert_every_next_due_is_right()


def test_the_volume_generator_stores_it_as_the_services_would(wessex: Any) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC), tick=False):
        generate_volume(incidents=20, seed=3)
        generate_obligations_only(count=200, seed=3)
    assert assert_every_next_due_is_right() > 0


def test_a_deadline_moved_on_its_own_moves_its_obligations_updated_at(wessex: Any) -> None:
    """Whatever reads the ledger by what changed since a moment (the statistics' refresh)
    sees a deadline made, met or moved, even by a service that saves only the deadline
    (as ``specialist.services.offer_retime`` does)."""
    deadline = Deadline.objects.filter(met_at__isnull=True).select_related("obligation").first()
    assert deadline is not None
    before = deadline.obligation.updated_at
    with time_machine.travel(before + dt.timedelta(hours=1), tick=False):
        deadline.due_at += dt.timedelta(days=1)
        deadline.save()
        moved = Obligation.objects.get(pk=deadline.obligation_id)
        assert moved.updated_at == before + dt.timedelta(hours=1)
        Deadline.objects.filter(pk=deadline.pk).update(met_at=before + dt.timedelta(hours=1))
    with time_machine.travel(before + dt.timedelta(hours=2), tick=False):
        Deadline.objects.filter(pk=deadline.pk).update(met_at=None)
        assert Obligation.objects.get(
            pk=deadline.obligation_id
        ).updated_at == before + dt.timedelta(hours=2)
