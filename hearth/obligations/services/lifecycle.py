"""Each step of an obligation's life: send, claim, acknowledge, decide, assess, record an
outcome, close, redirect, withdraw. A route adds its own part through its hooks
(``Route.on_sent``, ``Route.on_acknowledged``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import transaction

from hearth.accounts.models import Team
from hearth.core import clock
from hearth.core.actor import Actor
from hearth.core.errors import ValidationFailed
from hearth.obligations import policy, reference, registry
from hearth.obligations.models import (
    ChildAssessment,
    Deadline,
    Obligation,
    Redirection,
)
from hearth.obligations.services._common import (
    _label,
    _locked,
    _meet,
    _require,
    _tell_team,
    _transition,
    record_event,
)


@transaction.atomic
def obligation_send(*, actor: Actor | None, obligation: Obligation) -> Obligation:
    """Send it to its team: as soon as it is made, or (a route sent by the referrer, such
    as a MARAC referral) when the referrer has completed it and the route has nothing
    against it (``Route.send_problems``). The route may then do its own part
    (``Route.on_sent``); otherwise the team's mailbox is told."""
    obligation = _locked(obligation)
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
    _tell_team(
        obligation.team,
        obligation,
        f"New {route.label.lower()} for your team",
        f"{_label(obligation)} has been sent to {obligation.team.name}.",
    )
    return obligation


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


@transaction.atomic
def decision_record(
    *,
    actor: Actor,
    obligation: Obligation,
    decision: str,
    note: str = "",
    assessment_started_on: dt.date | None = None,
) -> Obligation:
    """The front door's decision on a child concern notification (Working Together 2023:
    within one working day). A decision to assess starts an assessment with its own
    45-working-day clock from the referral; the others end the front door's part."""
    obligation = _locked(obligation)
    _require("obligations.act_on", actor, obligation, "Only the receiving team can decide")
    if obligation.route != policy.Route.CHILD_CONCERN:
        raise ValidationFailed("Only a child concern notification has a front-door decision")
    try:
        chosen = policy.Decision(decision)
    except ValueError:
        raise ValidationFailed.from_fields({"decision": ["Select the decision"]}) from None
    if obligation.status == policy.Status.OUTCOME_RECORDED and obligation.assessments.exists():
        raise ValidationFailed("An assessment has started: record its outcome instead")
    _record_outcome(actor, obligation, chosen, note)
    if chosen in policy.ASSESSMENT_DECISIONS:
        started = assessment_started_on or clock.local_now().date()
        assessment = ChildAssessment.objects.create(
            obligation=obligation, kind=chosen, started_on=started
        )
        timescales = reference.timescales_for(obligation.incident.local_authority)
        planned = policy.assessment_deadline(
            referral_received_at=obligation.sent_at or obligation.created_at, t=timescales
        )
        Deadline.objects.create(
            obligation=obligation,
            assessment=assessment,
            stage=planned.stage,
            owner=planned.owner,
            due_at=planned.due_at,
            rule=planned.rule,
            rule_version=planned.rule_version,
            basis=planned.basis,
        )
        record_event(
            actor,
            obligation,
            "assessment.started",
            f"Assessment started, due by {planned.due_at:%d %B %Y}",
            payload={"assessment_id": assessment.pk},
            subject_too=True,
        )
    elif registry.get(obligation.route).closes_with_outcome(chosen):
        _close(actor, obligation)
    return obligation


@transaction.atomic
def assessment_record(
    *,
    actor: Actor,
    assessment: ChildAssessment,
    started_on: dt.date,
    authorised_on: dt.date | None,
    factors: Sequence[str],
) -> ChildAssessment:
    """Record the assessment's dates and the CIN factors found at its end. When every
    assessment on the notification is complete, it closes."""
    obligation = _locked(assessment.obligation)
    _require("obligations.act_on", actor, obligation, "Only the receiving team can do this")
    assessment = ChildAssessment.objects.select_for_update().get(pk=assessment.pk)
    problems: dict[str, list[str]] = {}
    today = clock.local_now().date()
    if started_on > today:
        problems["started_on"] = ["The start date must be today or in the past"]
    if authorised_on is not None:
        if authorised_on < started_on:
            problems["authorised_on"] = ["The authorisation date must be on or after the start"]
        elif authorised_on > today:
            problems["authorised_on"] = ["The authorisation date must be today or in the past"]
        if factor_problems := policy.assessment_factor_problems(list(factors)):
            problems["factors"] = factor_problems
    if problems:
        raise ValidationFailed.from_fields(problems)
    assessment.started_on = started_on
    assessment.authorised_on = authorised_on
    assessment.factors = list(dict.fromkeys(factors))
    assessment.save()
    record_event(
        actor,
        obligation,
        "assessment.recorded",
        "Assessment completed" if assessment.is_complete else "Assessment updated",
        payload={"assessment_id": assessment.pk, "factors": assessment.factors},
        subject_too=assessment.is_complete,
    )
    if assessment.is_complete:
        Deadline.objects.filter(assessment=assessment, met_at__isnull=True).update(
            met_at=clock.now()
        )
        if obligation.status == policy.Status.OUTCOME_RECORDED and all(
            a.is_complete for a in obligation.assessments.all()
        ):
            _close(actor, obligation)
    return assessment


@transaction.atomic
def outcome_record(
    *, actor: Actor, obligation: Obligation, outcome: str, note: str = ""
) -> Obligation:
    """The outcome of an IDVA or MARAC referral or a child's follow-up, which closes it."""
    obligation = _locked(obligation)
    _require("obligations.act_on", actor, obligation, "Only the receiving team can do this")
    if obligation.route == policy.Route.CHILD_CONCERN:
        return decision_record(actor=actor, obligation=obligation, decision=outcome, note=note)
    if outcome not in registry.get(obligation.route).outcomes:
        raise ValidationFailed.from_fields({"outcome": ["Select the outcome"]})
    if obligation.route == policy.Route.CHILD_FOLLOW_UP and not note.strip():
        raise ValidationFailed.from_fields(
            {"note": ["Enter when and how the child was seen, and what support they have"]}
        )
    _record_outcome(actor, obligation, outcome, note)
    if registry.get(obligation.route).closes_with_outcome(outcome):
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
