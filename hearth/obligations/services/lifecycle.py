"""Each step of an obligation's life: send, claim, acknowledge, decide, assess, record an
outcome, close, redirect, withdraw. A route adds its own part through its hooks
(``Route.on_sent``, ``Route.on_acknowledged``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

from hearth.accounts.models import Team
from hearth.core import clock, notify
from hearth.core.actor import Actor
from hearth.core.errors import ValidationFailed
from hearth.obligations import policy, reference, registry
from hearth.obligations.models import Deadline, Obligation, Redirection
from hearth.obligations.services._common import (
    _label,
    _locked,
    _meet,
    _require,
    _tell_team,
    _transition,
    record_event,
    team_message,
)

# Sent inside the transaction that records an obligation's outcome (a front door's
# decision included), with ``actor`` and ``obligation``: another route that counts from
# it (the offer of specialist support counts from the front door's decision) listens,
# so that no route imports another.
outcome_recorded = Signal()

# Sent inside the transaction in which support for an adult victim starts, by whichever
# app records it (an IDVA or MARAC referral acknowledged, a family plan's action for the
# adult acknowledged, a housing or refuge placement or a specialist adult service recorded
# on a family plan), so that each related child is followed up (FOLLOW-UP-1, domain.md
# §10.4) without the app that records the support knowing the route that follows up.
# Arguments (all by keyword): ``actor`` (an ``Actor`` or ``None``), ``adult_id`` (the adult
# victim, a ``people.Person`` id), ``incident_id`` (the incident the follow-ups will name),
# ``source`` (a short key of what started, such as ``"idva_referral"`` or
# ``"family_plan_support"``), ``source_words`` (the same in words, shown in the follow-up's
# reason: "IDVA support acknowledged"), ``source_obligation_id`` (the obligation that
# started it, or ``None``), ``started_at`` (when the support started) and ``child_ids``
# (children to follow up besides those the receiver finds related to the adult; may be
# empty).
support_started = Signal()


@transaction.atomic
def obligation_send(*, actor: Actor | None, obligation: Obligation) -> Obligation:
    """Send it to its team: as soon as it is made, or (a route sent by the referrer, such
    as a MARAC referral) when the referrer has completed it and the route has nothing
    against it (``Route.send_problems``). The route may then do its own part
    (``Route.on_sent``); otherwise the team's mailbox is told."""
    return send_held(actor, _locked(obligation))


def send_held(actor: Actor | None, obligation: Obligation) -> Obligation:
    """``obligation_send`` for an obligation this transaction already holds (one it has
    just created, which nobody else can see yet): no lock, no savepoint of its own."""
    route = registry.get(obligation.route)
    if route.sent_by_referrer and actor is not None:
        _require("obligations.refer", actor, obligation, "Only the referrer can send this")
    if route.send_problems is not None and (problems := route.send_problems(obligation)):
        raise ValidationFailed.from_fields({"referral": problems})
    _transition(obligation, policy.Action.SEND)
    obligation.sent_at = clock.now()
    obligation.save()
    _meet(obligation, policy.Stage.SEND)
    record_event(actor, obligation, "obligation.sent", f"Sent to {obligation.team.name}")
    if route.on_sent is not None and route.on_sent(actor, obligation):
        return obligation  # the route told its recipient itself
    if message := new_work_message(obligation):
        notify.send(message)
    return obligation


def new_work_message(obligation: Obligation) -> notify.Message | None:
    """The alert to the team an obligation has just been sent to (none to a team without
    a mailbox)."""
    label = registry.label(obligation.route)
    return team_message(
        obligation.team,
        obligation,
        f"New {registry.in_sentence(label)} for your team",
        f"{_label(obligation)} has been sent to {obligation.team.name}.",
    )


@transaction.atomic
def obligation_claim(*, actor: Actor, obligation: Obligation) -> Obligation:
    """Someone in the team takes the item on (the team still owns it)."""
    obligation = _locked(obligation)
    _require("obligations.act_on", actor, obligation, "Only the receiving team can do this")
    if not obligation.is_open:
        raise ValidationFailed("This has ended: there is nothing to claim")
    if obligation.claimed_by_id != actor.user_id:
        obligation.claimed_by_id = actor.user_id
        obligation.save(update_fields=["claimed_by", "updated_at"])
        record_event(actor, obligation, "obligation.claimed", "Claimed")
    return obligation


def _acknowledge(actor: Actor, obligation: Obligation, note: str = "") -> None:
    _transition(obligation, policy.Action.ACKNOWLEDGE)
    obligation.acknowledged_at = clock.now()
    obligation.acknowledged_by_id = actor.user_id
    obligation.acknowledgement_note = note.strip()
    obligation.save()
    _meet(obligation, policy.Stage.ACKNOWLEDGE)
    record_event(
        actor,
        obligation,
        "obligation.acknowledged",
        f"Acknowledged by {obligation.team.name}",
        subject_too=True,
    )
    _tell_team(
        obligation.referrer_team,
        obligation,
        "Your referral has been acknowledged",
        f"{_label(obligation)} was acknowledged by {obligation.team.name}.",
    )
    route = registry.get(obligation.route)
    if route.on_acknowledged is not None:
        route.on_acknowledged(actor, obligation)


@transaction.atomic
def obligation_acknowledge(*, actor: Actor, obligation: Obligation, note: str = "") -> Obligation:
    """The receiving team confirms it has it: the referrer sees the acknowledgement."""
    obligation = _locked(obligation)
    _require("obligations.act_on", actor, obligation, "Only the receiving team can acknowledge")
    if obligation.status == policy.Status.ACKNOWLEDGED:
        return obligation  # idempotent: acknowledging twice is one acknowledgement
    _acknowledge(actor, obligation, note)
    return obligation


@transaction.atomic
def obligation_acknowledge_many(
    *, actor: Actor, obligations: Iterable[Obligation]
) -> list[Obligation]:
    """Bulk acknowledge from the inbox: all of them or, if one cannot be, none."""
    return [obligation_acknowledge(actor=actor, obligation=o) for o in obligations]


def _close(actor: Actor | None, obligation: Obligation) -> None:
    _transition(obligation, policy.Action.CLOSE)
    obligation.closed_at = clock.now()
    obligation.access_ends_at = obligation.closed_at + dt.timedelta(
        days=reference.access_days_after_close(obligation.incident.local_authority_id)
    )
    obligation.save()
    record_event(actor, obligation, "obligation.closed", "Closed", subject_too=True)


def _record_outcome(actor: Actor, obligation: Obligation, outcome: str, note: str) -> None:
    if obligation.status == policy.Status.SENT:
        _acknowledge(actor, obligation)  # deciding is also acknowledging receipt
    _transition(obligation, policy.Action.RECORD_OUTCOME)
    obligation.outcome = outcome
    obligation.outcome_note = note.strip()
    obligation.outcome_at = clock.now()
    obligation.outcome_by_id = actor.user_id
    obligation.save()
    _meet(obligation, policy.Stage.DECIDE, policy.Stage.OUTCOME)
    label = registry.outcome_label(obligation.route, outcome)
    record_event(
        actor,
        obligation,
        "obligation.outcome_recorded",
        f"Outcome: {label}",
        payload={"outcome": outcome},
        subject_too=True,
    )
    _tell_team(
        obligation.referrer_team,
        obligation,
        "An outcome has been recorded on your referral",
        f"{_label(obligation)}: {label}.",
    )
    outcome_recorded.send(sender=Obligation, actor=actor, obligation=obligation)


@transaction.atomic
def outcome_record(
    *, actor: Actor, obligation: Obligation, outcome: str, note: str = ""
) -> Obligation:
    """Its outcome, from the route's outcomes; it closes the obligation unless the route
    says it stays open (``Route.closes_with_outcome``). A route that records its outcome
    its own way (a front door's decision) does so (``Route.record_outcome``); a route may
    ask for a note with it (``Route.note_required``)."""
    obligation = _locked(obligation)
    _require("obligations.act_on", actor, obligation, "Only the receiving team can do this")
    route = registry.get(obligation.route)
    if route.record_outcome is not None:
        return route.record_outcome(actor, obligation, outcome, note)
    if outcome not in route.outcomes:
        raise ValidationFailed.from_fields({"outcome": ["Select the outcome"]})
    if route.note_required and not note.strip():
        raise ValidationFailed.from_fields({"note": [route.note_required]})
    _record_outcome(actor, obligation, outcome, note)
    if route.closes_with_outcome(outcome):
        _close(actor, obligation)
    return obligation


@transaction.atomic
def obligation_redirect(
    *, actor: Actor, obligation: Obligation, to_team: Team, reason: str
) -> Obligation:
    """Send it on to the team it should have gone to. Its history and clock stay; the
    new team acknowledges it afresh."""
    obligation = _locked(obligation)
    _require("obligations.act_on", actor, obligation, "Only the receiving team can redirect")
    if not reason.strip():
        raise ValidationFailed.from_fields({"reason": ["Enter why it should go to another team"]})
    if to_team.pk == obligation.team_id or not to_team.is_active:
        raise ValidationFailed.from_fields({"to_team": ["Choose another active team"]})
    from_team = obligation.team
    _transition(obligation, policy.Action.REDIRECT)
    Redirection.objects.create(
        obligation=obligation,
        from_team=from_team,
        to_team=to_team,
        reason=reason.strip(),
        by_id=actor.user_id,
    )
    obligation.team = to_team
    obligation.claimed_by = None
    obligation.acknowledged_at = None
    obligation.acknowledged_by = None
    obligation.save()
    # The new team must acknowledge it; the deadline it owes is the one already set.
    Deadline.objects.filter(obligation=obligation, stage=policy.Stage.ACKNOWLEDGE).update(
        met_at=None
    )
    record_event(
        actor,
        obligation,
        "obligation.redirected",
        f"Redirected from {from_team.name} to {to_team.name}",
        payload={"from_team_id": from_team.pk, "to_team_id": to_team.pk},
        subject_too=True,
    )
    _tell_team(
        to_team,
        obligation,
        "Work redirected to your team",
        f"{_label(obligation)} was redirected to {to_team.name} by {from_team.name}.",
        sender=from_team,
    )
    return obligation


@transaction.atomic
def obligation_withdraw(*, actor: Actor, obligation: Obligation, reason: str) -> Obligation:
    """A manager withdraws an obligation made in error (for example a duplicate), with the
    reason. It ends without an outcome, visibly, never silently."""
    obligation = _locked(obligation)
    _require("obligations.withdraw", actor, obligation, "Only the team's manager can withdraw")
    if not reason.strip():
        raise ValidationFailed.from_fields({"reason": ["Enter why it is being withdrawn"]})
    _transition(obligation, policy.Action.WITHDRAW)
    obligation.withdrawn_reason = reason.strip()
    obligation.closed_at = clock.now()
    obligation.access_ends_at = obligation.closed_at + dt.timedelta(
        days=reference.access_days_after_close(obligation.incident.local_authority_id)
    )
    obligation.save()
    record_event(actor, obligation, "obligation.withdrawn", "Withdrawn", subject_too=True)
    return obligation
