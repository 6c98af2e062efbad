"""Sending: a MARAC referral completed by the referrer, with each household child
linked to their child concern notification, and every route's send."""

from __future__ import annotations

from dataclasses import replace

from django.db import transaction

from hearth.core import calendar, clock
from hearth.core.actor import Actor
from hearth.core.errors import ValidationFailed
from hearth.obligations import policy, registry, routing
from hearth.obligations.models import (
    Deadline,
    MaracReferral,
    Obligation,
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
    """Send it to its team: a child concern notification, IDVA referral or follow-up goes
    as soon as it is made; a MARAC referral when the referrer has completed it."""
    obligation = _locked(obligation)
    if obligation.route == policy.Route.MARAC_REFERRAL:
        if actor is not None:
            _require("obligations.refer", actor, obligation, "Only the referrer can send this")
        if problems := marac_send_problems(obligation):
            raise ValidationFailed.from_fields({"referral": problems})
    _transition(obligation, policy.Action.SEND)
    obligation.sent_at = clock.now()
    obligation.save()
    _meet(obligation, policy.Stage.SEND)
    if obligation.route == policy.Route.MARAC_REFERRAL:
        # The MARAC's own clock starts when it receives the referral.
        timescales = routing.timescales_for(obligation.incident.local_authority)
        Deadline.objects.create(
            obligation=obligation,
            stage=policy.Stage.ACKNOWLEDGE,
            owner=policy.Owner.RECIPIENT,
            due_at=calendar.working_day_deadline(
                obligation.sent_at,
                timescales.marac_acknowledge_working_days,
                timescales.jurisdiction,
            ),
            rule=obligation.rule,
            rule_version=f"{policy.RULE_VERSION}/{calendar.CALENDAR_VERSION}",
            basis=f"{timescales.marac_acknowledge_working_days} working day(s) from receipt",
        )
    record_event(actor, obligation, "obligation.sent", f"Sent to {obligation.team.name}")
    route = registry.get(obligation.route)
    if route.on_sent is not None and route.on_sent(actor, obligation):
        return obligation  # the route told its recipient itself
    _tell_team(
        obligation.team,
        obligation,
        f"New {route.label.lower()} for your team",
        f"{_label(obligation)} has been sent to {obligation.team.name}.",
    )
    return obligation


def marac_send_problems(obligation: Obligation) -> list[str]:
    referral = MaracReferral.objects.filter(obligation=obligation).first()
    if referral is None:
        return ["This referral has no content yet"]
    links = list(referral.children.all())
    return policy.marac_send_problems(
        child_ids=[link.child_id for link in links],
        linked={link.child_id: link.notification_id for link in links},
        victim_aware=referral.victim_aware,
        not_aware_reason=referral.not_aware_reason,
    )


@transaction.atomic
def marac_referral_update(
    *,
    actor: Actor,
    obligation: Obligation,
    victim_aware: bool | None,
    not_aware_reason: str = "",
    consent_given: bool | None = None,
    safe_contact_number: str = "",
    number_safe_to_call: bool | None = None,
    safe_times: str = "",
    afraid_of: str = "",
) -> MaracReferral:
    """The referrer completes the referral before sending it (SafeLives form, §2.3)."""
    obligation = _locked(obligation)
    _require("obligations.refer", actor, obligation, "Only the referrer can change this")
    if obligation.status != policy.Status.CREATED:
        raise ValidationFailed("This referral has been sent: it can no longer be changed")
    problems: dict[str, list[str]] = {}
    if victim_aware is None:
        problems["victim_aware"] = ["Select whether the victim knows about this referral"]
    elif victim_aware is False and not not_aware_reason.strip():
        problems["not_aware_reason"] = ["Enter why the victim does not know about this referral"]
    if problems:
        raise ValidationFailed.from_fields(problems)
    referral = MaracReferral.objects.get(obligation=obligation)
    referral.victim_aware = victim_aware
    referral.not_aware_reason = not_aware_reason.strip() if victim_aware is False else ""
    referral.consent_given = consent_given
    referral.safe_contact_number = safe_contact_number.strip()
    referral.number_safe_to_call = number_safe_to_call
    referral.safe_times = safe_times.strip()
    referral.afraid_of = afraid_of.strip()
    referral.save()
    record_event(actor, obligation, "marac_referral.completed", "Referral details recorded")
    return referral


@transaction.atomic
def marac_child_notification_raise(
    *, actor: Actor, obligation: Obligation, child_id: int
) -> Obligation:
    """A household child without a child concern notification (not at the incident) gets
    one from the referrer, linked to the MARAC referral, so it can be sent."""
    obligation = _locked(obligation)
    _require("obligations.refer", actor, obligation, "Only the referrer can do this")
    referral = MaracReferral.objects.get(obligation=obligation)
    link = referral.children.filter(child_id=child_id).first()
    if link is None:
        raise ValidationFailed("This child is not in the referral")
    if link.notification_id is None:
        child = link.child
        area_id = routing.home_area_id(child, obligation.incident)
        plan_input = policy.IncidentIn(
            incident_id=obligation.incident_id,
            received_at=clock.now(),
            referral_source=obligation.data.get("referral_source", "6"),
            children=(policy.ChildIn(person_id=child_id, area_id=area_id),),
            victims=(),
        )
        areas = {area_id: routing.area_routing(area_id)} if area_id else {}
        result = policy.route_incident(plan_input, areas)
        if result.unrouted:
            raise ValidationFailed(result.unrouted[0].reason)
        # Its own key: the child's notification from the incident may have been withdrawn.
        (plan,) = result.planned
        plan = replace(plan, key=f"{plan.key}:for:{obligation.pk}")
        (link.notification,) = routing.record_plans(
            actor=actor, incident=obligation.incident, planned=(plan,)
        ) or Obligation.objects.filter(key=plan.key)
        link.save(update_fields=["notification"])
        record_event(
            actor,
            obligation,
            "marac_referral.child_linked",
            "A child's concern notification linked to the referral",
            payload={"child_id": child_id, "notification_id": link.notification_id},
        )
    return obligation
