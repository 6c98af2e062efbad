"""The specialist support routes' steps. Each is one transaction, idempotent (doing it
again with the same answer changes nothing), writes a timeline event on the obligation
and the child's record, keeps the ledger's state (acknowledged, outcome, closed) and
opens or closes unmet need (UNMET-NEED-1 v1) whenever a reason arises or support starts.

- SPECIALIST-1 (an offer of support, to the child's lead agency): made by routing
  (``route``); its deadline counted again from the front door's decision when it is
  made (``offer_retime``); "not needed now" with a reason, or "referred" once a referral
  is made (``referral_create`` records it); overdue opens unmet need.
- SPECIALIST-REF-1 (a referral, to the service's team): made from the child's record,
  acknowledged, accepted (a start date or the waiting list) or declined, started,
  sessions, and an outcome.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from hearth.accounts.models import Team
from hearth.audit.services import timeline_record
from hearth.core import clock
from hearth.core.actor import Actor
from hearth.core.dates import govuk_date
from hearth.core.errors import NotPermitted, ValidationFailed
from hearth.directory.models import Service
from hearth.incidents.models import Incident
from hearth.obligations import policy as ledger
from hearth.obligations.models import Deadline, Obligation
from hearth.obligations.services import obligation_acknowledge
from hearth.obligations.services.lifecycle import send_held
from hearth.obligations.services.plans import record_plans
from hearth.obligations.services.steps import (
    close_held,
    locked,
    record_event,
    record_outcome_held,
    require,
)
from hearth.people.models import Person
from hearth.specialist import policy, routing
from hearth.specialist.models import (
    Consent,
    SessionAttended,
    SpecialistReferral,
    UnmetNeed,
)

# --- Unmet need ---------------------------------------------------------------------------------


def unmet_need_open(
    *,
    actor: Actor | None,
    child: Person,
    reason: policy.UnmetReason,
    area_id: int | None,
    lead_team_id: int | None,
    detail: str = "",
    offer: Obligation | None = None,
    referral: SpecialistReferral | None = None,
) -> UnmetNeed:
    """Open unmet need for the child for this reason, unless it is open already."""
    found = UnmetNeed.objects.open().filter(child=child, reason=reason).first()
    if found is not None:
        return found
    today = clock.local_now().date()
    # One open row a child and reason (a constraint): two steps opening the same one at
    # the same moment fail the later, which is tried again, rather than double count.
    need = UnmetNeed.objects.create(
        child=child,
        area_id=area_id,
        age_band=policy.age_band(child.age_on(today)),
        reason=reason,
        detail=detail,
        opened_on=today,
        lead_team_id=lead_team_id,
        offer=offer,
        referral=referral,
    )
    summary = f"Unmet need recorded: {policy.UNMET_REASON_LABELS[reason]}"
    payload = {"unmet_need_id": need.pk, "reason": str(reason), "rule": policy.UNMET_RULE}
    timeline_record(
        actor=actor, subject=need, verb="unmet_need.opened", summary=summary, payload=payload
    )
    timeline_record(
        actor=actor, subject=child, verb="unmet_need.opened", summary=summary, payload=payload
    )
    return need


def unmet_need_close_for(*, actor: Actor | None, child: Person, because: str) -> int:
    """Close every open unmet need of the child (support has started)."""
    today = clock.local_now().date()
    closed = 0
    for need in UnmetNeed.objects.open().filter(child=child).select_for_update():
        need.closed_on = today
        need.closed_because = because
        need.save(update_fields=["closed_on", "closed_because", "updated_at"])
        timeline_record(
            actor=actor,
            subject=need,
            verb="unmet_need.closed",
            summary=f"Unmet need closed: {because}",
            payload={"unmet_need_id": need.pk},
        )
        closed += 1
    if closed:
        timeline_record(
            actor=actor,
            subject=child,
            verb="unmet_need.closed",
            summary=f"Unmet need closed: {because}",
            payload={"count": closed},
        )
    return closed


def unmet_need_check(
    *, actor: Actor | None, child: Person, area_id: int | None, offer: Obligation | None = None
) -> UnmetNeed | None:
    """UNMET-NEED-1 v1 from today's directory: no service, all closed or full, or every
    available one waits too long. Opens it when a reason arises."""
    _facts, fits, area = routing.fits_for_child(child, area_id)
    reason = policy.unmet_reason(fits)
    if reason is None:
        return None
    return unmet_need_open(
        actor=actor,
        child=child,
        reason=reason,
        area_id=area_id,
        lead_team_id=area.lead_team_id if area else None,
        offer=offer,
    )


# --- SPECIALIST-1: the offer --------------------------------------------------------------------


def offer_created(obligation: Obligation, plan: Any) -> None:
    """``Route.on_created``: a child who needs support whom no service can take today is
    unmet need from the start."""
    unmet_need_check(
        actor=None,
        child=obligation.subject,
        area_id=plan.data.get("area_id"),
        offer=obligation,
    )


def offer_retime(ccn: Obligation) -> int:
    """The front door decided on a child's notification: each offer of support for the
    child from that incident still counted from when the decision was due (estimated) is
    counted from the decision itself (SPECIALIST-1 v1). Returns how many moved."""
    if ccn.outcome_at is None:
        return 0
    waiting = list(
        Deadline.objects.filter(
            obligation__route=policy.OFFER_ROUTE,
            obligation__subject_id=ccn.subject_id,
            obligation__incident_id=ccn.incident_id,
            estimated=True,
            met_at__isnull=True,
        ).select_related("obligation")
    )
    for deadline in waiting:
        area = routing.area_specialist(deadline.obligation.data.get("area_id"))
        if area is None:
            continue
        planned = policy.offer_deadline(
            decided_at=ccn.outcome_at, decision_due_at=None, received_at=ccn.outcome_at, area=area
        )
        deadline.due_at = planned.due_at
        deadline.basis = planned.basis
        deadline.rule_version = planned.rule_version
        deadline.estimated = False
        # A new due time: the ladder starts again from it.
        deadline.overdue_at = deadline.reminder_at = None
        deadline.manager_at = deadline.escalation_team_at = None
        deadline.save()
        record_event(
            None,
            deadline.obligation,
            "deadline.moved",
            f"Due by {govuk_date(planned.due_at)}: {planned.basis}",
            payload={"deadline_id": deadline.pk},
        )
    return len(waiting)


def offer_outcome(actor: Actor, obligation: Obligation, outcome: str, note: str) -> Obligation:
    """``Route.record_outcome`` (the generic outcome page and API): "not needed now"
    needs a reason; "referred" needs a referral of the child made since the offer."""
    if outcome not in {o.value for o in policy.OfferOutcome}:
        raise ValidationFailed.from_fields({"outcome": ["Select the outcome"]})
    if obligation.status == ledger.Status.CLOSED:
        return obligation
    if outcome == policy.OfferOutcome.NOT_NEEDED and not note.strip():
        raise ValidationFailed.from_fields(
            {"note": ["Enter why specialist support is not needed now"]}
        )
    if (
        outcome == policy.OfferOutcome.REFERRED
        and not SpecialistReferral.objects.filter(
            child_id=obligation.subject_id, created_at__gte=obligation.created_at
        ).exists()
    ):
        raise ValidationFailed.from_fields(
            {"outcome": ["Refer the child to a service from their record first"]}
        )
    record_outcome_held(actor, obligation, outcome, note)
    close_held(actor, obligation)
    return obligation


def offer_overdue(obligation: Obligation) -> UnmetNeed:
    """Nobody offered support in time (the sweeper's hook): unmet need."""
    area_id = obligation.data.get("area_id")
    return unmet_need_open(
        actor=None,
        child=obligation.subject,
        reason=policy.UnmetReason.NOT_OFFERED_IN_TIME,
        area_id=area_id,
        lead_team_id=obligation.team_id,
        offer=obligation,
    )


# --- SPECIALIST-REF-1: a referral to a service ------------------------------------------------


def _incident_for(actor: Actor, child: Person) -> Incident:
    """The incident a referral names: the one the child's open offer arose from, else the
    child's latest submitted incident."""
    offer = (
        Obligation.objects.filter(route=policy.OFFER_ROUTE, subject=child)
        .open()
        .select_related("incident")
        .order_by("-created_at")
        .first()
    )
    if offer is not None:
        return offer.incident
    incident = (
        Incident.objects.filter(parties__person=child, status=Incident.Status.SUBMITTED)
        .order_by("-submitted_at", "-id")
        .first()
    )
    if incident is None:
        raise ValidationFailed("The child has no submitted incident to refer them from")
    return incident


def _referrer_team(actor: Actor) -> Team | None:
    teams = Team.objects.filter(agency_id=actor.agency_id, is_active=True)
    if actor.team_ids:
        teams = teams.filter(pk__in=actor.team_ids)
    return teams.order_by("id").first()


def _views_problems(need: str, parent_consent: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not need.strip():
        errors["need"] = ["Enter what support the child needs"]
    if parent_consent not in Consent.values:
        errors["parent_consent"] = ["Select whether the non-abusing parent consents"]
    return errors


@transaction.atomic
def referral_create(
    *,
    actor: Actor,
    child_id: int,
    service_id: uuid.UUID | str,
    need: str,
    parent_consent: str,
    child_view: str = "",
    child_words: str = "",
    parent_view: str = "",
) -> SpecialistReferral:
    """Refer a child to a service: an obligation to the service's team, acknowledged
    within the area's working days (2 by default). Referring the same child to the same
    service again the same day returns the first referral."""
    from hearth.specialist.selectors import child_visible_to

    child = child_visible_to(actor, child_id)
    try:
        service = Service.objects.select_related("team").get(pk=service_id)
    except (Service.DoesNotExist, ValueError, ValidationError):
        raise ValidationFailed.from_fields({"service": ["Select a service"]}) from None
    key = policy.referral_key(child.pk, service.pk, clock.local_now().date())
    existing = SpecialistReferral.objects.filter(obligation__key=key).first()
    if existing is not None:
        return existing
    errors = _views_problems(need, parent_consent)
    if service.team is None or not service.open_to_referrals or service.status != "active":
        errors["service"] = ["This service does not take referrals through Hearth now"]
    if errors:
        raise ValidationFailed.from_fields(errors)
    area_id = routing.child_area_id(child)
    area = routing.area_specialist(area_id)
    _facts, fits, _ = routing.fits_for_child(child, area_id)
    fit = next((f for f in fits if f.service.service_id == service.pk), None)
    if fit is None or not fit.fits:
        raise ValidationFailed.from_fields(
            {"service": list(fit.reasons) if fit else ["Select a service"]}
        )
    incident = _incident_for(actor, child)
    assert service.team is not None  # refused above
    settings_area = area or policy.AreaSpecialist(0, "", None)
    plan = ledger.PlannedObligation(
        key=key,
        route=policy.REFERRAL_ROUTE,
        subject_id=child.pk,
        team_id=service.team.pk,
        incident_id=incident.pk,
        rule=policy.REFERRAL_RULE,
        rule_version=policy.RULE_VERSION,
        reason=f"Referred to {service.name} for specialist support",
        send_now=False,
        deadlines=(policy.acknowledge_deadline(clock.now(), settings_area),),
        data={"service_id": str(service.pk), "area_id": area_id},
        # The practitioner's agency refers, not the one that recorded the incident.
        referrer_agency_id=actor.agency_id,
        referrer_team_id=team.pk if (team := _referrer_team(actor)) else None,
    )
    (obligation,) = record_plans(actor=actor, incident=incident, planned=(plan,))
    referral = SpecialistReferral.objects.create(
        obligation=obligation,
        child=child,
        service=service,
        lead_team_id=area.lead_team_id if area else None,
        referred_by_id=actor.user_id,
        need=need.strip(),
        child_view=child_view.strip(),
        child_words=child_words.strip(),
        parent_consent=parent_consent,
        parent_view=parent_view.strip(),
    )
    referral.obligation = send_held(
        actor,
        Obligation.objects.select_related("team", "subject", "incident").get(pk=obligation.pk),
    )
    # The child's open offers of support are met: they were referred.
    for offer in Obligation.objects.filter(route=policy.OFFER_ROUTE, subject=child).open():
        offer = locked(offer)
        record_outcome_held(
            actor, offer, policy.OfferOutcome.REFERRED, f"Referred to {service.name}"
        )
        close_held(actor, offer)
    if fit.wait_too_long:
        unmet_need_open(
            actor=actor,
            child=child,
            reason=policy.UnmetReason.WAIT_TOO_LONG,
            area_id=area_id,
            lead_team_id=area.lead_team_id if area else None,
            detail=f"{service.name}: waiting time {service.waiting_weeks} weeks",
            referral=referral,
        )
    return referral


def _referral_locked(
    actor: Actor, referral: SpecialistReferral
) -> tuple[SpecialistReferral, Obligation]:
    obligation = locked(referral.obligation)
    require("obligations.act_on", actor, obligation, "Only the service's team can do this")
    referral = (
        # The referral's row only: its service and child are read, not changed.
        SpecialistReferral.objects.select_for_update(of=("self",))
        .select_related("service", "child")
        .get(pk=referral.pk)
    )
    referral.obligation = obligation
    return referral, obligation


@transaction.atomic
def referral_acknowledge(*, actor: Actor, referral: SpecialistReferral) -> SpecialistReferral:
    _referral_locked(actor, referral)
    obligation_acknowledge(actor=actor, obligation=referral.obligation)
    referral.refresh_from_db()
    return referral


@transaction.atomic
def referral_accept(
    *,
    actor: Actor,
    referral: SpecialistReferral,
    waiting_list: bool,
    start_on: dt.date | None = None,
    expected_start_on: dt.date | None = None,
) -> SpecialistReferral:
    """Accepted with a start date, or onto the waiting list with an expected start. A
    waiting list place further off than the area's threshold is unmet need."""
    referral, obligation = _referral_locked(actor, referral)
    answer = (
        policy.ReferralOutcome.WAITING_LIST if waiting_list else policy.ReferralOutcome.ACCEPTED
    )
    errors = policy.accept_problems(
        waiting_list=waiting_list, start_on=start_on, expected_start_on=expected_start_on
    )
    if errors:
        raise ValidationFailed.from_fields(errors)
    same = (referral.answer, referral.start_on, referral.expected_start_on) == (
        answer,
        None if waiting_list else start_on,
        expected_start_on if waiting_list else None,
    )
    if same:
        return referral
    if (
        referral.answer == policy.ReferralOutcome.DECLINED
        or referral.started_on
        or not obligation.is_open
    ):
        raise ValidationFailed("This referral has already been answered")
    referral.answer = answer
    referral.start_on = None if waiting_list else start_on
    referral.expected_start_on = expected_start_on if waiting_list else None
    referral.save()
    when = referral.expected_start_on if waiting_list else referral.start_on
    note = f"{'Expected to start' if waiting_list else 'Starts'} {govuk_date(when)}" if when else ""
    record_outcome_held(actor, obligation, answer, note)
    if waiting_list and expected_start_on is not None:
        area = routing.area_specialist(obligation.data.get("area_id"))
        threshold = area.waiting_threshold_weeks if area else policy.DEFAULT_WAITING_THRESHOLD_WEEKS
        if policy.waiting_too_long(expected_start_on, clock.local_now().date(), threshold):
            unmet_need_open(
                actor=actor,
                child=referral.child,
                reason=policy.UnmetReason.WAIT_TOO_LONG,
                area_id=obligation.data.get("area_id"),
                lead_team_id=referral.lead_team_id,
                detail=(
                    f"{referral.service.name}: expected to start {govuk_date(expected_start_on)}"
                ),
                referral=referral,
            )
    return referral


@transaction.atomic
def referral_decline(
    *, actor: Actor, referral: SpecialistReferral, reason: str, note: str
) -> SpecialistReferral:
    """Declined with a reason from the list and a note; lack of capacity is unmet need."""
    referral, obligation = _referral_locked(actor, referral)
    if referral.answer == policy.ReferralOutcome.DECLINED:
        return referral
    errors = policy.decline_problems(reason, note)
    if errors:
        raise ValidationFailed.from_fields(errors)
    if referral.started_on or not obligation.is_open:
        raise ValidationFailed("Support has started: record how it ended instead")
    referral.answer = policy.ReferralOutcome.DECLINED
    referral.declined_reason = reason
    referral.declined_note = note.strip()
    referral.save()
    label = policy.DECLINE_REASON_LABELS[policy.DeclineReason(reason)]
    record_outcome_held(actor, obligation, policy.ReferralOutcome.DECLINED, label)
    close_held(actor, obligation)
    if reason == policy.DeclineReason.NO_CAPACITY:
        unmet_need_open(
            actor=actor,
            child=referral.child,
            reason=policy.UnmetReason.DECLINED_NO_CAPACITY,
            area_id=obligation.data.get("area_id"),
            lead_team_id=referral.lead_team_id,
            detail=f"{referral.service.name} declined: no capacity",
            referral=referral,
        )
    return referral


@transaction.atomic
def referral_start(
    *, actor: Actor, referral: SpecialistReferral, started_on: dt.date
) -> SpecialistReferral:
    """Support has started: the child's unmet need closes."""
    referral, obligation = _referral_locked(actor, referral)
    if referral.started_on == started_on:
        return referral
    if referral.answer not in (
        policy.ReferralOutcome.ACCEPTED,
        policy.ReferralOutcome.WAITING_LIST,
    ):
        raise ValidationFailed("Accept the referral before support starts")
    if referral.started_on is not None or not obligation.is_open:
        raise ValidationFailed("Support has already started")
    referral.started_on = started_on
    referral.save()
    record_event(
        actor,
        obligation,
        "specialist.started",
        f"Support started on {govuk_date(started_on)}",
        subject_too=True,
    )
    unmet_need_close_for(
        actor=actor, child=referral.child, because=f"Support started with {referral.service.name}"
    )
    return referral


@transaction.atomic
def session_record(*, actor: Actor, referral: SpecialistReferral, on: dt.date) -> SessionAttended:
    """A session the child attended (one a day: recording it again changes nothing)."""
    referral, obligation = _referral_locked(actor, referral)
    if referral.started_on is None or not obligation.is_open:
        raise ValidationFailed("Record that support has started first")
    if on < referral.started_on or on > clock.local_now().date():
        raise ValidationFailed.from_fields(
            {"on": ["The session must be on or after the start, and not in the future"]}
        )
    session, made = SessionAttended.objects.get_or_create(referral=referral, on=on)
    if made:
        record_event(
            actor,
            obligation,
            "specialist.session",
            f"Session attended on {govuk_date(on)}",
            payload={"session_id": session.pk},
            subject_too=True,
        )
    return session


@transaction.atomic
def referral_end(
    *,
    actor: Actor,
    referral: SpecialistReferral,
    outcome: str,
    reason: str = "",
    child_view: str = "",
    parent_view: str = "",
    ended_on: dt.date | None = None,
) -> SpecialistReferral:
    """How support ended (completed, ended early with a reason, moved on), with the
    child's and the parent's view; it closes the referral."""
    referral, obligation = _referral_locked(actor, referral)
    if referral.ended_on is not None and obligation.outcome == outcome:
        return referral
    errors = policy.outcome_problems(outcome, reason)
    if errors:
        raise ValidationFailed.from_fields(errors)
    if referral.started_on is None or not obligation.is_open:
        raise ValidationFailed("Support has not started, or has already ended")
    referral.ended_on = ended_on or clock.local_now().date()
    referral.ended_reason = reason.strip()
    referral.child_view_at_end = child_view.strip()
    referral.parent_view_at_end = parent_view.strip()
    referral.save()
    record_outcome_held(actor, obligation, outcome, reason)
    close_held(actor, obligation)
    return referral


def referral_outcome_refused(
    actor: Actor, obligation: Obligation, outcome: str, note: str
) -> Obligation:
    """``Route.record_outcome``: a referral's answers are recorded on its own page."""
    raise NotPermitted("Record this on the referral's own page")


# --- An area's settings ----------------------------------------------------------------------


@transaction.atomic
def specialist_settings_set(
    *,
    actor: Actor,
    area: Any,
    lead_team: Team | None = None,
    offer_working_days: int | None = None,
    acknowledge_working_days: int | None = None,
    waiting_threshold_weeks: int | None = None,
) -> Any:
    """An area's lead team for specialist support (empty: its front door), its working
    days to offer support and for a service to acknowledge, and its waiting threshold
    (the service operator's administrators). A change applies to work made after it:
    due times are stored. Saving the same again records nothing."""
    from hearth.specialist.models import SpecialistSettings

    if not actor.is_host_administrator:
        raise NotPermitted("Only the Hearth service's administrators can change this")
    problems: dict[str, list[str]] = {}
    for name, value, low, high in (
        ("offer_working_days", offer_working_days, 1, 60),
        ("acknowledge_working_days", acknowledge_working_days, 1, 20),
        ("waiting_threshold_weeks", waiting_threshold_weeks, 0, 52),
    ):
        if value is not None and not low <= value <= high:
            problems[name] = [f"Enter a number from {low} to {high}"]
    if lead_team is not None and not lead_team.is_active:
        problems["lead_team"] = ["Choose an active team"]
    if problems:
        raise ValidationFailed.from_fields(problems)
    row, created = SpecialistSettings.objects.select_for_update().get_or_create(area=area)
    fields = (
        "lead_team_id",
        "offer_working_days",
        "acknowledge_working_days",
        "waiting_threshold_weeks",
    )
    before = {f: getattr(row, f) for f in fields}
    row.lead_team = lead_team
    for name, value in (
        ("offer_working_days", offer_working_days),
        ("acknowledge_working_days", acknowledge_working_days),
        ("waiting_threshold_weeks", waiting_threshold_weeks),
    ):
        if value is not None:
            setattr(row, name, value)
    after = {f: getattr(row, f) for f in fields}
    if before != after or created:
        row.save()
        timeline_record(
            actor=actor,
            subject=area,
            verb="specialist.settings_set",
            summary=(
                f"Specialist support: offered within {row.offer_working_days} working days, "
                f"acknowledged within {row.acknowledge_working_days}, waiting threshold "
                f"{row.waiting_threshold_weeks} weeks"
            ),
            payload={"before": before, "after": after},
        )
    return row
