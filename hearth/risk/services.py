"""Recording risk assessments and children's risk levels. Invariants:

- an assessment is stamped with its instrument and version; answers are only to that
  instrument's items (supplementary items only once their trigger question is yes);
- completing grades it with ``risk.policy`` and the area's bands, and stores the score,
  the actuarial grade, the final grade, its basis, reasons and rule; professional
  judgement may only raise the grade and needs a reason;
- a completed assessment is never changed except to be countersigned by someone else;
  a new assessment is a new row, so the history of grades is kept;
- countersigning again by the same supervisor (or the same agency system) is a retry
  and changes nothing; once countersigned, nobody else may countersign it;
- a change of the victim's circumstances is a dated fact of its own (dated today or
  earlier; "something else" says what), which prompts a new assessment;
- an area's bands and MARAC thresholds are set only by the service operator's
  administrators and are checked by ``policy.area_settings``; an assessment keeps the
  bands it was graded by, so a later change never regrades it;
- every change is one transaction with a timeline event on the victim (and incident),
  or on the area for its settings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.dispatch import Signal

from hearth.accounts.models import Area
from hearth.audit.services import timeline_record
from hearth.core import clock
from hearth.core.actor import Actor, AgencyKind, Role
from hearth.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from hearth.incidents.facts import incident_day
from hearth.incidents.models import Incident
from hearth.incidents.policy import adult_listed_as_child
from hearth.people.models import Person
from hearth.risk import policy
from hearth.risk.instruments import instrument, shipped_instruments
from hearth.risk.models import (
    AreaRiskSettings,
    ChildRisk,
    CircumstanceChange,
    RiskAnswer,
    RiskAssessment,
)
from hearth.risk.selectors import area_settings_for, settings_of

# Sent inside ``assessment_complete``'s transaction: the obligation ledger (a higher
# layer) routes the incident again, because the MARAC and IDVA routes need the grade.
assessment_completed = Signal()

SUPERVISOR_ROLES = (Role.PUBLIC_PROTECTION_OFFICER, Role.FRONT_DOOR_MANAGER, Role.MARAC_COORDINATOR)


def bands_for(incident: Incident | None) -> policy.Bands:
    """The grading bands of the incident's local authority, or the SafeLives default."""
    return area_settings_for(incident).bands


def _timeline(actor: Actor, assessment: RiskAssessment, verb: str, summary: str) -> None:
    for subject in (assessment.victim, assessment.incident):
        if subject is not None:
            timeline_record(
                actor=actor,
                subject=subject,
                verb=verb,
                summary=summary,
                payload={"assessment_id": assessment.pk, "incident_id": assessment.incident_id},
            )


@transaction.atomic
def assessment_start(
    *,
    actor: Actor,
    victim: Person,
    incident: Incident | None = None,
    perpetrator: Person | None = None,
    reason: str = RiskAssessment.Reason.INITIAL,
    instrument_key: str | None = None,
) -> RiskAssessment:
    """Start a checklist: the police DASH for a police force, the SafeLives RIC otherwise."""
    key = instrument_key or (
        "police_dash" if actor.agency_kind == AgencyKind.POLICE_FORCE else "safelives_ric"
    )
    chosen = instrument(key)
    assessment = RiskAssessment.objects.create(
        incident=incident,
        victim=victim,
        perpetrator=perpetrator,
        recorded_by_agency_id=actor.agency_id,
        recorded_by_id=actor.user_id,
        instrument_key=chosen.key,
        instrument_version=chosen.version,
        reason=reason,
    )
    _timeline(actor, assessment, "risk.started", f"{chosen.title} started")
    return assessment


@dataclass(frozen=True)
class SafetyChecks:
    safe_to_talk: str
    safe_contact_number: str = ""
    safe_times: str = ""
    afraid_of: str = ""
    perpetrator_whereabouts: str = ""
    children_whereabouts: str = ""


def _editable(actor: Actor, assessment: RiskAssessment) -> RiskAssessment:
    locked = RiskAssessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.recorded_by_agency_id != actor.agency_id:
        raise NotPermitted("Only the agency that started this checklist can change it")
    if locked.status != RiskAssessment.Status.IN_PROGRESS:
        raise InvalidTransition("This checklist is complete: start a new assessment instead")
    return locked


@transaction.atomic
def assessment_safety_record(
    *, actor: Actor, assessment: RiskAssessment, checks: SafetyChecks
) -> RiskAssessment:
    assessment = _editable(actor, assessment)
    for name, value in checks.__dict__.items():
        setattr(assessment, name, value)
    assessment.save()
    _timeline(actor, assessment, "risk.safety_checked", "Safety checks recorded")
    return assessment


@transaction.atomic
def assessment_answer(
    *,
    actor: Actor,
    assessment: RiskAssessment,
    item_key: str,
    answer: policy.Answer,
    comment: str = "",
    source: str = "",
) -> RiskAnswer:
    assessment = _editable(actor, assessment)
    used = instrument(assessment.instrument_key, assessment.instrument_version)
    main = {i.key: i for i in used.items}
    supplementary = {
        i.key: set_key for set_key, section in used.supplementary.items() for i in section.items
    }
    if item_key not in main and item_key not in supplementary:
        raise ValidationFailed.from_fields({item_key: [f"{used.label} has no item {item_key!r}"]})
    if item_key in supplementary:
        trigger = next(i for i in used.items if i.triggers == supplementary[item_key])
        if not assessment.answers.filter(item_key=trigger.key, answer=policy.Answer.YES).exists():
            raise ValidationFailed.from_fields(
                {item_key: [f"Answer question {trigger.number} yes before these questions"]}
            )
    stored, _ = RiskAnswer.objects.update_or_create(
        assessment=assessment,
        item_key=item_key,
        defaults={"answer": answer, "comment": comment, "source": source},
    )
    return stored


@transaction.atomic
def assessment_complete(
    *,
    actor: Actor,
    assessment: RiskAssessment,
    judged: policy.Grade | None = None,
    judgement_reason: str = "",
) -> RiskAssessment:
    """Grade the checklist: actuarially by the area's bands, then professional judgement."""
    assessment = _editable(actor, assessment)
    used = instrument(assessment.instrument_key, assessment.instrument_version)
    answers = {a.item_key: policy.Answer(a.answer) for a in assessment.answers.all()}
    if missing := [i.number for i in used.items if i.key not in answers]:
        raise ValidationFailed.from_fields(
            {"answers": [f"Answer every question (not yet: {', '.join(map(str, missing))})"]}
        )
    bands = bands_for(assessment.incident)
    actuarial = policy.actuarial_grade(policy.yes_count(answers[i.key] for i in used.items), bands)
    try:
        result = policy.with_judgement(actuarial, judged=judged, reason=judgement_reason)
    except policy.JudgementError as error:
        raise ValidationFailed.from_fields({"judged": [str(error)]}) from error
    assessment.score = result.score
    assessment.actuarial_grade = actuarial.grade
    assessment.grade = result.grade
    assessment.basis = result.basis
    assessment.judgement_reason = judgement_reason.strip() if judged else ""
    assessment.reasons = list(result.reasons)
    assessment.bands = {"high_from": bands.high_from, "medium_from": bands.medium_from}
    assessment.rule = result.rule
    assessment.status = RiskAssessment.Status.COMPLETED
    assessment.completed_at = clock.now()
    assessment.save()
    _timeline(
        actor,
        assessment,
        "risk.completed",
        f"Risk graded {result.grade.label.lower()} "
        f"({result.score} yes, {result.basis.replace('_', ' ')})",
    )
    assessment_completed.send(sender=RiskAssessment, actor=actor, assessment=assessment)
    return assessment


@transaction.atomic
def assessment_countersign(
    *, actor: Actor, assessment: RiskAssessment, note: str = ""
) -> RiskAssessment:
    """A supervisor reviews and countersigns a completed assessment (not their own). The
    same supervisor countersigning again (a retry) changes nothing, the first note
    included; anyone else finds it already countersigned."""
    assessment = RiskAssessment.objects.select_for_update().get(pk=assessment.pk)
    # Who may countersign comes first: anyone else is refused whatever its state (issue 11).
    require_may_countersign(actor, assessment)
    if assessment.status != RiskAssessment.Status.COMPLETED:
        raise InvalidTransition("Only a completed assessment can be countersigned")
    if assessment.countersigned_at is not None:
        if _signed_by(actor, assessment):
            return assessment
        raise InvalidTransition("This risk assessment has already been countersigned")
    assessment.countersigned_by_id = actor.user_id
    assessment.countersigned_by_api_key_id = actor.api_key_id
    assessment.countersigned_at = clock.now()
    assessment.countersign_note = note.strip()
    assessment.save()
    _timeline(actor, assessment, "risk.countersigned", "Risk assessment countersigned")
    return assessment


def require_may_countersign(actor: Actor, assessment: RiskAssessment) -> None:
    """A supervisor of the agency that recorded it, and not the person who did."""
    if not actor.has_role(*SUPERVISOR_ROLES) or actor.agency_id != assessment.recorded_by_agency_id:
        raise NotPermitted("Only a supervisor of the same agency can countersign")
    if actor.user_id is not None and actor.user_id == assessment.recorded_by_id:
        raise NotPermitted("Someone else must countersign your assessment")


def _signed_by(actor: Actor, assessment: RiskAssessment) -> bool:
    if actor.user_id is not None:
        return actor.user_id == assessment.countersigned_by_id
    return (
        actor.api_key_id is not None and actor.api_key_id == assessment.countersigned_by_api_key_id
    )


@transaction.atomic
def child_risk_record(
    *,
    actor: Actor,
    child: Person,
    incident: Incident | None,
    factors: policy.ChildRiskFactors,
    raise_to: policy.ChildRiskLevel | None = None,
    reason: str = "",
) -> ChildRisk:
    """Record a child's risk level by rule CHILD-RISK-1, raised by the practitioner if they
    judge it higher (with a reason). Earlier levels are kept: this adds one. Only a child
    has one: under 18 on the day of the incident (Children Act 1989 s.105)."""
    day = incident_day(incident) if incident is not None else clock.local_now().date()
    if adult := adult_listed_as_child(child.full_name, child.age_on(day)):
        raise ValidationFailed(adult)
    result = policy.child_risk(factors)
    final = result
    if raise_to is not None:
        try:
            final = policy.raise_child_risk(result, level=raise_to, reason=reason)
        except policy.JudgementError as error:
            raise ValidationFailed.from_fields({"raise_to": [str(error)]}) from error
    risk = ChildRisk.objects.create(
        child=child,
        incident=incident,
        recorded_by_agency_id=actor.agency_id,
        assessed_by_id=actor.user_id,
        rule_level=result.level,
        level=final.level,
        basis=final.basis,
        factors=list(final.factors),
        raise_reason=reason.strip() if final is not result else "",
        rule=final.rule,
    )
    timeline_record(
        actor=actor,
        subject=child,
        verb="child_risk.recorded",
        summary=f"Risk to the child assessed as {final.level.label.lower()}",
        payload={"child_risk_id": risk.pk, "incident_id": incident.pk if incident else None},
    )
    return risk


# --- Changes of circumstances -------------------------------------------------------------


@transaction.atomic
def circumstance_record(
    *,
    actor: Actor,
    victim: Person,
    kind: str,
    changed_on: dt.date | None,
    note: str = "",
    incident: Incident | None = None,
) -> CircumstanceChange:
    """Record that the victim's circumstances changed (separated from the alleged
    perpetrator, pregnant, or something else, said in ``note``) on ``changed_on``. The
    caller has read ``victim`` (and ``incident``) through a selector."""
    note = note.strip()
    problems: dict[str, list[str]] = {}
    if kind not in CircumstanceChange.Kind.values:
        problems["kind"] = ["Select what has changed"]
    if changed_on is None:
        problems["changed_on"] = ["Enter the date the circumstances changed"]
    elif changed_on > clock.local_now().date():
        problems["changed_on"] = ["The date the circumstances changed must be today or in the past"]
    if kind == CircumstanceChange.Kind.OTHER and not note:
        problems["note"] = ["Enter what has changed"]
    if incident is not None and not incident.parties.filter(person=victim).exists():
        problems["incident"] = ["The victim is not part of this incident"]
    if problems or changed_on is None:  # a missing date is always among the problems
        raise ValidationFailed.from_fields(problems)
    change = CircumstanceChange.objects.create(
        victim=victim,
        kind=kind,
        note=note,
        changed_on=changed_on,
        incident=incident,
        recorded_by_agency_id=actor.agency_id,
        recorded_by_id=actor.user_id,
    )
    timeline_record(
        actor=actor,
        subject=victim,
        verb="risk.circumstances_changed",
        summary=f"Change of circumstances recorded: {change.get_kind_display().lower()}",
        payload={
            "circumstance_change_id": change.pk,
            "kind": change.kind,
            "incident_id": incident.pk if incident else None,
        },
    )
    return change


# --- An area's settings -------------------------------------------------------------------


def most_items() -> int:
    """The number of items of the longest shipped instrument: the highest possible score."""
    return max(len(used.items) for used in shipped_instruments().values())


@transaction.atomic
def area_risk_settings_set(
    *,
    actor: Actor,
    area: Area,
    high_from: int,
    medium_from: int | None,
    visible_high_risk_from: int,
    escalation_count: int,
    escalation_window_months: int,
    repeat_window_months: int,
) -> AreaRiskSettings:
    """Set a local authority's grading bands and MARAC thresholds (the service operator's
    administrators only). Assessments already completed keep the bands they were graded
    by; the next one completed in the area uses these."""
    if not actor.is_host_administrator:
        raise NotPermitted("Only the Hearth service's administrators can change risk settings")
    if area.kind != Area.Kind.LOCAL_AUTHORITY:
        raise ValidationFailed("Risk settings belong to a local authority")
    try:
        checked = policy.area_settings(
            high_from=high_from,
            medium_from=medium_from,
            visible_high_risk_from=visible_high_risk_from,
            escalation_count=escalation_count,
            escalation_window_months=escalation_window_months,
            repeat_window_months=repeat_window_months,
            most_items=most_items(),
        )
    except policy.AreaSettingsError as error:
        raise ValidationFailed.from_fields(
            {name: [message] for name, message in error.problems.items()}
        ) from error
    local = AreaRiskSettings.objects.select_for_update().filter(area=area).first()
    before = settings_of(local)
    if local is not None and before == checked:
        return local  # nothing changed, nothing to record
    values = {
        "high_from": checked.bands.high_from,
        "medium_from": checked.bands.medium_from,
        "visible_high_risk_from": checked.marac.visible_high_risk_from,
        "escalation_count": checked.marac.escalation_count,
        "escalation_window_months": checked.marac.escalation_window_months,
        "repeat_window_months": checked.marac.repeat_window_months,
    }
    local, _ = AreaRiskSettings.objects.update_or_create(area=area, defaults=values)
    bands = checked.bands
    marac = checked.marac
    timeline_record(
        actor=actor,
        subject=area,
        verb="risk.area_settings_set",
        summary=(
            f"Risk settings set: high from {bands.high_from} yes answers, "
            + (f"medium from {bands.medium_from}" if bands.medium_from else "no medium band")
            + f"; visible high risk from {marac.visible_high_risk_from}; potential escalation "
            f"at {marac.escalation_count} incidents in {marac.escalation_window_months} months; "
            f"repeat within {marac.repeat_window_months} months"
        ),
        payload={
            "area_risk_settings_id": local.pk,
            "before": {
                "high_from": before.bands.high_from,
                "medium_from": before.bands.medium_from,
                "visible_high_risk_from": before.marac.visible_high_risk_from,
                "escalation_count": before.marac.escalation_count,
                "escalation_window_months": before.marac.escalation_window_months,
                "repeat_window_months": before.marac.repeat_window_months,
            },
            "after": values,
        },
    )
    return local
