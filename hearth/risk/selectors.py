"""Reads of risk: an assessment with its MARAC criteria, a victim's history and grades,
a child's risk levels. Invariants:

- assessments and child risks are read through ``visible_to`` (they follow their
  incident); missing and forbidden are the same ``NotFound``;
- the victim's history counts incidents and concerns recorded by any agency (domain.md
  §2.2: "doesn't just relate to police call-outs"), because a MARAC criterion must see
  the whole picture; it exposes only dates, perpetrator ids and the recording agency's
  name, never another agency's record, and the read is in the access log;
- every read of personal data writes an access event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hearth.audit.models import AccessAction
from hearth.audit.services import access_record
from hearth.core import clock
from hearth.core.actor import Actor
from hearth.core.errors import NotFound
from hearth.incidents.models import Incident, Party
from hearth.incidents.policy import PartyRole
from hearth.people.models import Person
from hearth.people.selectors import linked_person_ids
from hearth.risk import policy
from hearth.risk.instruments import Instrument, instrument
from hearth.risk.models import AreaRiskSettings, ChildRisk, RiskAssessment

# Before a MARAC referral record exists (issue 5), nobody has a last referral date.
NO_REFERRAL: dt.date | None = None


def marac_config_for(incident: Incident | None) -> policy.MaracConfig:
    if incident is not None and incident.local_authority_id:
        local = AreaRiskSettings.objects.filter(area_id=incident.local_authority_id).first()
        if local is not None:
            return policy.MaracConfig(
                visible_high_risk_from=local.visible_high_risk_from,
                escalation_count=local.escalation_count,
                escalation_window_months=local.escalation_window_months,
                repeat_window_months=local.repeat_window_months,
            )
    return policy.MaracConfig()


def victim_history(*, victim: Person, before: dt.date) -> list[policy.PastEvent]:
    """Every submitted incident or concern, recorded by any agency, in which ``victim``
    (under any agency's record of them) was the adult victim, up to ``before``: the
    dates, the perpetrators and who recorded it. Not filtered by the reader's
    visibility: see the module docstring."""
    incidents = (
        Incident.objects.filter(
            status=Incident.Status.SUBMITTED,
            parties__person_id__in=linked_person_ids(victim),
            parties__role=PartyRole.ADULT_VICTIM,
            occurred_at__date__lte=before,
        )
        .select_related("recorded_by_agency")
        .distinct()
    )
    perpetrators: dict[int, set[int]] = {}
    for incident_id, person_id in Party.objects.filter(
        incident__in=incidents, role=PartyRole.ALLEGED_PERPETRATOR
    ).values_list("incident_id", "person_id"):
        perpetrators.setdefault(incident_id, set()).add(person_id)
    return [
        policy.PastEvent(
            on=incident.occurred_at.astimezone(clock.LONDON).date(),  # type: ignore[union-attr]
            perpetrator_ids=frozenset(perpetrators.get(incident.pk, set())),
            agency=incident.recorded_by_agency.name,
        )
        for incident in incidents
    ]


@dataclass(frozen=True)
class AssessmentDetail:
    assessment: RiskAssessment
    instrument: Instrument
    answers: dict[str, str]
    marac: policy.MaracResult | None
    history: list[policy.PastEvent]


def assessment_get_for(
    *, actor: Actor, assessment_id: int, purpose: str = "View a risk assessment"
) -> AssessmentDetail:
    assessment = (
        RiskAssessment.objects.visible_to(actor)
        .select_related("victim", "perpetrator", "incident")
        .filter(pk=assessment_id)
        .first()
    )
    if assessment is None:
        raise NotFound("No such assessment")
    today = (
        assessment.incident.occurred_at.astimezone(clock.LONDON).date()
        if assessment.incident and assessment.incident.occurred_at
        else clock.local_now().date()
    )
    history = victim_history(victim=assessment.victim, before=today)
    marac = None
    if assessment.status == RiskAssessment.Status.COMPLETED:
        marac = policy.marac_criteria(
            score=assessment.score or 0,
            judgement_reason=assessment.judgement_reason,
            today=today,
            perpetrator_id=assessment.perpetrator_id,
            history=history,
            last_marac_referral=NO_REFERRAL,
            config=marac_config_for(assessment.incident),
        )
    access_record(
        actor=actor,
        action=AccessAction.READ,
        purpose=purpose,
        records=[assessment, assessment.victim],
    )
    return AssessmentDetail(
        assessment=assessment,
        instrument=instrument(assessment.instrument_key, assessment.instrument_version),
        answers={a.item_key: a.answer for a in assessment.answers.all()},
        marac=marac,
        history=history,
    )


def grade_history_for(*, actor: Actor, victim_id: int) -> list[RiskAssessment]:
    """The victim's completed assessments the actor may see, newest first: the history of
    grades (re-assessments never overwrite earlier ones)."""
    assessments = list(
        RiskAssessment.objects.visible_to(actor)
        .filter(victim_id=victim_id, status=RiskAssessment.Status.COMPLETED)
        .select_related("incident")
    )
    if assessments:  # nothing returned, nothing read: the page's own read is logged
        access_record(
            actor=actor,
            action=AccessAction.READ,
            purpose="View the history of risk grades",
            records=assessments,
        )
    return assessments


def child_risk_history_for(*, actor: Actor, child_id: int) -> list[ChildRisk]:
    """A child's risk levels over time, newest first, as far as the actor may see."""
    levels = list(ChildRisk.objects.visible_to(actor).filter(child_id=child_id))
    if levels:
        access_record(
            actor=actor,
            action=AccessAction.READ,
            purpose="View a child's risk levels",
            records=levels,
        )
    return levels


def reassessment_prompts(*, victim: Person, since: RiskAssessment | None) -> list[str]:
    """Why a new assessment is due (domain.md §1.2: risk is dynamic; review after a new
    incident or a change such as separation or pregnancy)."""
    if since is None or since.completed_at is None:
        return ["No completed risk assessment yet"]
    prompts = []
    later = Incident.objects.filter(
        status=Incident.Status.SUBMITTED,
        parties__person=victim,
        parties__role=PartyRole.ADULT_VICTIM,
        submitted_at__gt=since.completed_at,
    ).distinct()
    if later.exists():
        prompts.append("A new incident since the last assessment")
    if later.filter(victim_pregnant=Incident.Pregnancy.YES).exists():
        prompts.append("The victim is now pregnant")
    return prompts


# --- For the risk pages -------------------------------------------------------------------


def assessment_list_for_incident(*, actor: Actor, incident_id: int) -> list[RiskAssessment]:
    """The checklists started at an incident that the actor may see, newest first (the
    incident's summary lists them, in progress or complete)."""
    assessments = list(
        RiskAssessment.objects.visible_to(actor)
        .filter(incident_id=incident_id)
        .select_related("victim")
    )
    access_record(
        actor=actor,
        action=AccessAction.READ,
        purpose="List an incident's risk assessments",
        records=assessments,
    )
    return assessments


@dataclass(frozen=True)
class ChildRiskContext:
    """What the child's risk page needs: the child, the incident, and the structured
    factors as far as Hearth's records already show them (the practitioner confirms or
    changes them before the level is recorded)."""

    child: Person
    incident: Incident
    factors: policy.ChildRiskFactors
    assessment: RiskAssessment | None


def _months_between(born: dt.date, day: dt.date) -> int:
    return (day.year - born.year) * 12 + day.month - born.month - (day.day < born.day)


def child_risk_context_for(*, actor: Actor, child_id: int, incident_id: int) -> ChildRiskContext:
    """The child's involvement in one visible incident, turned into the factors of rule
    CHILD-RISK-1: present or witnessed (there, saw or heard), directly harmed (injured),
    the child's own fears (worries they expressed), the age and infancy (date of birth,
    or the victim's pregnancy), earlier visible incidents involving the child, and the
    child-related DASH items answered yes in the incident's latest completed checklist.
    Missing and forbidden are the same ``NotFound``."""
    from hearth.incidents.models import ChildInvolvement

    involvement = (
        ChildInvolvement.objects.visible_to(actor)
        .select_related("child", "incident")
        .filter(child_id=child_id, incident_id=incident_id)
        .first()
    )
    if involvement is None:
        raise NotFound("No such child")
    child, incident = involvement.child, involvement.incident
    day = (
        incident.occurred_at.astimezone(clock.LONDON).date()
        if incident.occurred_at
        else clock.local_now().date()
    )
    age = child.age_on(day)
    infant = incident.victim_pregnant == Incident.Pregnancy.YES or (
        child.date_of_birth is not None and _months_between(child.date_of_birth, day) < 18
    )
    earlier = (
        ChildInvolvement.objects.visible_to(actor)
        .filter(child_id=child_id, incident__occurred_at__lt=incident.occurred_at)
        .count()
        if incident.occurred_at
        else 0
    )
    assessment = (
        RiskAssessment.objects.visible_to(actor)
        .filter(incident_id=incident_id, status=RiskAssessment.Status.COMPLETED)
        .first()
    )
    dash_yes: frozenset[str] = frozenset()
    if assessment is not None:
        dash_yes = frozenset(
            assessment.answers.filter(
                item_key__in=policy.CHILD_RELATED_DASH_ITEMS, answer=policy.Answer.YES
            ).values_list("item_key", flat=True)
        )
    factors = policy.ChildRiskFactors(
        age=age,
        is_infant_or_unborn=infant,
        directly_harmed=bool(involvement.injured),
        present_or_witnessed=bool(involvement.present or involvement.saw or involvement.heard),
        previous_incidents_involving_child=earlier,
        own_fears=bool(involvement.worries.strip()),
        dash_yes=dash_yes,
        adult_grade=policy.Grade(assessment.grade) if assessment and assessment.grade else None,
    )
    access_record(
        actor=actor,
        action=AccessAction.READ,
        purpose="Assess a child's risk",
        records=[child, incident],
    )
    return ChildRiskContext(child=child, incident=incident, factors=factors, assessment=assessment)


@dataclass(frozen=True)
class StoredAnswer:
    answer: str
    comment: str
    source: str


@dataclass(frozen=True)
class AssessmentAnswers:
    """An assessment (read and logged through ``assessment_get_for``) with each stored
    answer's comment and source, for the checklist's own pages."""

    detail: AssessmentDetail
    stored: dict[str, StoredAnswer]


def assessment_answers_get_for(
    *, actor: Actor, assessment_id: int, purpose: str = "Fill in a risk checklist"
) -> AssessmentAnswers:
    detail = assessment_get_for(actor=actor, assessment_id=assessment_id, purpose=purpose)
    stored = {
        a.item_key: StoredAnswer(a.answer, a.comment, a.source)
        for a in detail.assessment.answers.all()
    }
    return AssessmentAnswers(detail=detail, stored=stored)
