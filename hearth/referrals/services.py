"""The referral routes' own steps: a MARAC referral completed by the referrer, sent only
once each household child is linked to their child concern notification, with the MARAC's
clock starting on receipt; and each child's follow-up whenever an adult victim's support
starts (``support_started``: an IDVA or MARAC referral acknowledged, or what another app
records; domain.md §10.4). Attached to the routes by ``hearth.referrals.route``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from django.db import transaction
from django.db.models import Q

from hearth.core import calendar, clock
from hearth.core.actor import Actor
from hearth.core.errors import ValidationFailed
from hearth.incidents.models import Incident, Party
from hearth.incidents.policy import PartyRole
from hearth.obligations import reference, registry
from hearth.obligations.models import Deadline, Obligation
from hearth.obligations.services.plans import record_plans, record_unrouted
from hearth.obligations.services.steps import (
    close_held,
    locked,
    record_event,
    record_outcome_held,
    require,
    support_started,
)
from hearth.people.models import Person, Relationship
from hearth.people.policy import Kinship, inverse
from hearth.referrals import policy
from hearth.referrals.models import ChildAssessment, MaracReferral
from hearth.referrals.routing import area_routing


def marac_sent(actor: Actor | None, obligation: Obligation) -> bool:
    """The MARAC's own clock starts when it receives the referral (``Route.on_sent``)."""
    timescales = reference.timescales_for(obligation.incident.local_authority)
    Deadline.objects.create(
        obligation=obligation,
        stage=policy.Stage.ACKNOWLEDGE,
        owner=policy.Owner.RECIPIENT,
        due_at=calendar.working_day_deadline(
            obligation.sent_at or clock.now(),
            timescales.days(policy.MARAC_ACKNOWLEDGE_DAYS),
            timescales.jurisdiction,
        ),
        rule=obligation.rule,
        rule_version=f"{policy.RULE_VERSION}/{calendar.CALENDAR_VERSION}",
        basis=f"{timescales.days(policy.MARAC_ACKNOWLEDGE_DAYS)} working day(s) from receipt",
    )
    return False  # the MARAC's mailbox is told as usual


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
    obligation = locked(obligation)
    require("obligations.refer", actor, obligation, "Only the referrer can change this")
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


def marac_outcome(actor: Actor, obligation: Obligation, outcome: str, note: str) -> Obligation:
    """``Route.record_outcome`` of the MARAC route, through the generic outcome page and
    API: a referral is heard only at a meeting (issue 14 §3), so "heard" is refused here
    and recorded by ``marac_heard`` when the meeting's record of the case exists; the other
    outcomes (not accepted, transferred) close it as usual."""
    if outcome == policy.MaracOutcome.HEARD:
        raise ValidationFailed.from_fields(
            {
                "outcome": [
                    "A referral is heard at a MARAC meeting: record the case on the "
                    "meeting's page, with its actions"
                ]
            }
        )
    if outcome not in policy.MARAC_OUTCOME_LABELS:
        raise ValidationFailed.from_fields({"outcome": ["Select the outcome"]})
    record_outcome_held(actor, obligation, outcome, note)
    close_held(actor, obligation)
    return obligation


def marac_heard(
    *, actor: Actor, obligation: Obligation, case_id: int, meeting_on: dt.date, note: str = ""
) -> Obligation:
    """The referral heard at a MARAC meeting: called, in the meeting's transaction, by the
    app that keeps the meeting's record of the case (``case_id``), once that record exists.
    Its outcome is "heard", linked to the case (``data["heard"]``), and it closes."""
    obligation = locked(obligation)
    require("obligations.act_on", actor, obligation, "Only the MARAC can record this")
    if obligation.route != policy.Route.MARAC_REFERRAL:
        raise ValidationFailed("Only a MARAC referral is heard at a MARAC meeting")
    if obligation.status not in (policy.Status.SENT, policy.Status.ACKNOWLEDGED):
        raise ValidationFailed("This referral is not waiting to be heard")
    obligation.data = {
        **obligation.data,
        "heard": {"case_id": case_id, "meeting_on": meeting_on.isoformat()},
    }
    obligation.save(update_fields=["data", "updated_at"])
    record_outcome_held(actor, obligation, policy.MaracOutcome.HEARD, note)
    close_held(actor, obligation)
    return obligation


@transaction.atomic
def marac_child_notification_raise(
    *, actor: Actor, obligation: Obligation, child_id: int
) -> Obligation:
    """A household child without a child concern notification (not at the incident) gets
    one from the referrer, linked to the MARAC referral, so it can be sent."""
    obligation = locked(obligation)
    require("obligations.refer", actor, obligation, "Only the referrer can do this")
    referral = MaracReferral.objects.get(obligation=obligation)
    link = referral.children.filter(child_id=child_id).first()
    if link is None:
        raise ValidationFailed("This child is not in the referral")
    if link.notification_id is None:
        child = link.child
        area_id = reference.home_area_id(child, obligation.incident)
        plan_input = policy.IncidentIn(
            incident_id=obligation.incident_id,
            received_at=clock.now(),
            referral_source=obligation.data.get("referral_source", "6"),
            children=(policy.ChildIn(person_id=child_id, area_id=area_id),),
            victims=(),
        )
        areas = {area_id: area_routing(area_id)} if area_id else {}
        result = policy.route_incident(plan_input, areas)
        if result.unrouted:
            raise ValidationFailed(result.unrouted[0].reason)
        # Its own key: the child's notification from the incident may have been withdrawn.
        (plan,) = result.planned
        plan = replace(plan, key=f"{plan.key}:for:{obligation.pk}")
        (link.notification,) = record_plans(
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


# How an adult stands to a child they care for (``people.policy.Kinship``, seen from the
# adult): a parent, step-parent, parent's partner or carer; anyone with parental
# responsibility too.
CARING_KINSHIPS = (Kinship.PARENT, Kinship.STEP_PARENT, Kinship.PARENTS_PARTNER, Kinship.CARER)


def related_child_ids(
    *, adult_id: int, incident_id: int, source_obligation_id: int | None
) -> list[int]:
    """The children related to an adult victim whose support starts: the children at the
    incident, the children the adult is a parent, step-parent, parent's partner or carer
    of (a ``people.Relationship`` in either direction, or parental responsibility), and
    the household's children of a MARAC referral that started it. Not yet checked for
    age (the policy does)."""
    ids = list(
        Party.objects.filter(incident_id=incident_id, role=PartyRole.CHILD)
        .order_by("id")
        .values_list("person_id", flat=True)
    )
    ids += Relationship.objects.filter(
        Q(kinship__in=CARING_KINSHIPS) | Q(parental_responsibility=True), person_id=adult_id
    ).values_list("other_id", flat=True)
    ids += Relationship.objects.filter(
        other_id=adult_id, kinship__in=[inverse(k) for k in CARING_KINSHIPS]
    ).values_list("person_id", flat=True)
    if source_obligation_id is not None:
        referral = MaracReferral.objects.filter(
            obligation_id=source_obligation_id,
            obligation__route=policy.Route.MARAC_REFERRAL,
        ).first()
        if referral is not None:
            ids += [link.child_id for link in referral.children.all()]
    return list(dict.fromkeys(ids))


@transaction.atomic
def child_follow_ups_start(
    *,
    actor: Actor | None,
    adult_id: int,
    incident_id: int,
    source: str,
    source_words: str = "",
    source_obligation_id: int | None = None,
    started_at: dt.datetime | None = None,
    child_ids: Sequence[int] = (),
) -> list[Obligation]:
    """Each child related to an adult victim whose support has started gets a follow-up
    (FOLLOW-UP-1, domain.md §10.4, issue 14 §4), unless one is already open for them;
    owned by the child's lead agency (the front door of the child's home area). The
    receiver of ``support_started``; IDVA and MARAC acknowledgements send it too."""
    started = started_at or clock.now()
    incident = Incident.objects.get(pk=incident_id)
    ids = related_child_ids(
        adult_id=adult_id, incident_id=incident_id, source_obligation_id=source_obligation_id
    )
    ids = list(dict.fromkeys([*ids, *child_ids]))
    ids = [pk for pk in ids if pk != adult_id]
    # The children's rows held while deciding, so that two supports starting at once
    # for the same child make one follow-up, not two.
    people = list(Person.objects.select_for_update().filter(pk__in=ids).order_by("id"))
    by_id = {p.pk: p for p in people}
    open_ids = set(
        Obligation.objects.filter(route=policy.Route.CHILD_FOLLOW_UP, subject_id__in=ids)
        .open()
        .values_list("subject_id", flat=True)
    )
    day = started.astimezone(clock.LONDON).date()  # under 18 on the day support started
    children = []
    for pk in ids:
        if (child := by_id.get(pk)) is None:
            continue
        area_id = reference.home_area_id(child, incident)
        routing_area = area_routing(area_id) if area_id else None
        children.append(
            policy.FollowUpChild(
                person_id=child.pk,
                lead_team_id=routing_area.front_door_team_id if routing_area else None,
                timescales=routing_area.timescales if routing_area else policy.ENGLAND,
                age=child.age_on(day),
            )
        )
    result = policy.follow_ups_for_adult_support(
        victim_id=adult_id,
        incident_id=incident_id,
        acknowledged_at=started,
        children=children,
        source=source,
        source_words=source_words,
        source_ref=str(source_obligation_id)
        if source_obligation_id is not None
        else f"{adult_id}:{day.isoformat()}",
        open_child_ids=open_ids,
    )
    created = record_plans(actor=actor, incident=incident, planned=result.planned)
    record_unrouted(actor=actor, incident=incident, unrouted=result.unrouted)
    if source_obligation_id is not None and result.planned:
        source_obligation = Obligation.objects.filter(pk=source_obligation_id).first()
        if source_obligation is not None:
            for follow_up in Obligation.objects.filter(key__in=[p.key for p in result.planned]):
                follow_up.triggered_by.add(source_obligation)
    return created


def on_support_started(
    sender: Any,
    *,
    actor: Actor | None,
    adult_id: int,
    incident_id: int,
    source: str,
    source_words: str = "",
    source_obligation_id: int | None = None,
    started_at: dt.datetime | None = None,
    child_ids: Sequence[int] = (),
    **_: Any,
) -> None:
    """The receiver of the ledger's ``support_started`` (connected by
    ``referrals.route.connect``)."""
    child_follow_ups_start(
        actor=actor,
        adult_id=adult_id,
        incident_id=incident_id,
        source=source,
        source_words=source_words,
        source_obligation_id=source_obligation_id,
        started_at=started_at,
        child_ids=child_ids,
    )


def follow_ups_on_acknowledged(actor: Actor | None, adult: Obligation) -> None:
    """``Route.on_acknowledged`` of the IDVA and MARAC routes: the adult victim's support
    has started, said as every other app says it (``support_started``), so that there is
    one rule for each child's follow-up."""
    support_started.send(
        sender=Obligation,
        actor=actor,
        adult_id=adult.subject_id,
        incident_id=adult.incident_id,
        source=adult.route,
        source_words=policy.SUPPORT_SOURCE_WORDS[adult.route],
        source_obligation_id=adult.pk,
        started_at=adult.acknowledged_at or clock.now(),
        child_ids=[],
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
    obligation = locked(obligation)
    require("obligations.act_on", actor, obligation, "Only the receiving team can decide")
    if obligation.route != policy.Route.CHILD_CONCERN:
        raise ValidationFailed("Only a child concern notification has a front-door decision")
    try:
        chosen = policy.Decision(decision)
    except ValueError:
        raise ValidationFailed.from_fields({"decision": ["Select the decision"]}) from None
    if _already_decided(obligation, chosen):
        return obligation  # the same decision again (a form sent twice) changes nothing
    if obligation.status == policy.Status.OUTCOME_RECORDED and obligation.assessments.exists():
        raise ValidationFailed("An assessment has started: record its outcome instead")
    record_outcome_held(actor, obligation, chosen, note)
    if chosen in policy.ASSESSMENT_DECISIONS:
        started = assessment_started_on or clock.local_now().date()
        assessment = ChildAssessment.objects.create(
            obligation=obligation, kind=chosen, started_on=started
        )
        timescales = reference.timescales_for(obligation.incident.local_authority)
        planned = policy.assessment_deadline(
            referral_received_at=obligation.sent_at or obligation.created_at, t=timescales
        )
        assessment.deadline = Deadline.objects.create(
            obligation=obligation,
            stage=planned.stage,
            owner=planned.owner,
            due_at=planned.due_at,
            rule=planned.rule,
            rule_version=planned.rule_version,
            basis=planned.basis,
        )
        assessment.save(update_fields=["deadline", "updated_at"])
        record_event(
            actor,
            obligation,
            "assessment.started",
            f"Assessment started, due by {planned.due_at:%-d %B %Y}",
            payload={"assessment_id": assessment.pk},
            subject_too=True,
        )
    elif registry.get(obligation.route).closes_with_outcome(chosen):
        close_held(actor, obligation)
    return obligation


def _already_decided(obligation: Obligation, chosen: policy.Decision) -> bool:
    """This very decision is already recorded: closed by it, or its assessment started."""
    if obligation.outcome != chosen:
        return False
    return obligation.status == policy.Status.CLOSED or obligation.assessments.exists()


@transaction.atomic
def decisions_record(
    *,
    actor: Actor,
    obligation: Obligation,
    decision: str,
    note: str = "",
    assessment_started_on: dt.date | None = None,
    others: Mapping[int, str] | None = None,
) -> list[tuple[Obligation, bool]]:
    """One front-door decision for several children of a household at once (issue 17):
    this notification's, and ``others`` (the ids of the other children's notifications
    from the same incident, sent to the same team, each with its own decision). Each
    child keeps their own obligation, record and outcome: each is decided by
    ``decision_record``, with its own timeline events, in one transaction (all or none).
    Idempotent: a child already decided this way is left as it is, and a sibling decided
    meanwhile by someone else is left with their decision (``False`` beside it). Ids
    outside the household are refused."""
    others = dict(others or {})
    decided = [
        (
            decision_record(
                actor=actor,
                obligation=obligation,
                decision=decision,
                note=note,
                assessment_started_on=assessment_started_on,
            ),
            True,
        )
    ]
    if not others:
        return decided
    siblings = {
        o.pk: o
        # Locked (their rows only: PostgreSQL locks no outer join's nullable side).
        for o in Obligation.objects.select_for_update(of=("self",))
        .filter(
            pk__in=list(others),
            incident_id=obligation.incident_id,
            route=policy.Route.CHILD_CONCERN,
            team_id=obligation.team_id,
        )
        .exclude(pk=obligation.pk)
        .select_related("subject", "incident", "team", "referrer_team")
        .order_by("id")
    }
    if set(others) - set(siblings):
        raise ValidationFailed("Choose only children from this incident sent to your team")
    for pk, sibling in siblings.items():
        try:
            chosen = policy.Decision(others[pk])
        except ValueError:
            raise ValidationFailed.from_fields(
                {f"decision_{pk}": [f"Select the decision for {sibling.subject.full_name}"]}
            ) from None
        if _already_decided(sibling, chosen):
            decided.append((sibling, True))  # the same decision again changes nothing
            continue
        if sibling.outcome or not sibling.is_open:
            decided.append((sibling, False))  # decided or ended meanwhile: theirs stays
            continue
        decided.append(
            (
                decision_record(
                    actor=actor,
                    obligation=sibling,
                    decision=chosen,
                    note=note,
                    assessment_started_on=assessment_started_on,
                ),
                True,
            )
        )
    return decided


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
    obligation = locked(assessment.obligation)
    require("obligations.act_on", actor, obligation, "Only the receiving team can do this")
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
            close_held(actor, obligation)
    return assessment
