"""Reads of risk: an assessment with its MARAC criteria, a victim's history and grades,
a child's risk levels. Invariants:

- assessments and child risks are read through ``visible_to`` (they follow their
  incident); missing and forbidden are the same ``NotFound``;
- the victim's history counts incidents and concerns recorded by any agency (domain.md
  §2.2: "doesn't just relate to police call-outs"), under any agency's record of the
  victim (certainly the same, or joined by a link in force: issue 16 §2), because a
  MARAC criterion must see the whole picture; it exposes only dates, perpetrator ids
  and the recording agency's
  name, never another agency's record, and the read is in the access log;
- a victim's risk page (grades, changes of circumstances, prompts) is for whoever may
  see the victim: the agency that recorded them, or one that may see an incident in
  which they are the adult victim;
- an area's settings are configuration, not personal data: the service operator's
  administrators read them (anyone else gets ``NotFound``) and no access event is kept;
- every read of personal data writes an access event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Q

from hearth.accounts.models import Area
from hearth.audit.models import AccessAction
from hearth.audit.services import access_record
from hearth.core import clock
from hearth.core.actor import Actor
from hearth.core.errors import NotFound
from hearth.incidents.models import Incident, Party
from hearth.incidents.policy import PartyRole, is_child
from hearth.matching.selectors import same_person_ids
from hearth.people.models import Person
from hearth.people.selectors import linked_person_ids as same_record_ids
from hearth.risk import policy
from hearth.risk.instruments import Instrument, instrument
from hearth.risk.models import AreaRiskSettings, ChildRisk, CircumstanceChange, RiskAssessment

# MARAC referrals live in the obligation ledger, a higher layer: it registers how to find
# a victim's earlier referrals here (the repeat criterion matches their perpetrators and
# counts from their dates). A source is called with the victim and the incident being
# assessed, whose own referral it leaves out (an incident never repeats itself).
MARAC_REFERRAL_SOURCES: list[Callable[[Person, int | None], list[policy.PastReferral]]] = []


def marac_referrals_of(
    victim: Person, *, excluding_incident_id: int | None = None
) -> list[policy.PastReferral]:
    """The victim's earlier MARAC referrals (under any agency's record of them, joined
    by links too: issue 16 §2), each with its date and its perpetrators' linked record
    ids. Each source finds the records certainly the same as the one it is given; it is
    asked again for each record only a link joins, and a referral found twice counts
    once."""
    records = [victim]
    joined = same_person_ids(victim) - same_record_ids(victim)
    if joined:
        records += list(Person.objects.filter(pk__in=joined).order_by("pk"))
    found = [
        referral
        for record in records
        for source in MARAC_REFERRAL_SOURCES
        for referral in source(record, excluding_incident_id)
    ]
    return list(dict.fromkeys(found))


def linked_ids_of(person_ids: Iterable[int]) -> frozenset[int]:
    """Every record id, across agencies, of each of these people: those certainly the
    same and those joined by links in force (``matching.selectors.same_person_ids``)."""
    ids: set[int] = set()
    for person in Person.objects.filter(pk__in=set(person_ids)):
        ids |= same_person_ids(person)
    return frozenset(ids)


def incident_perpetrator_ids(
    incident: Incident | None, *, also: int | None = None
) -> frozenset[int]:
    """The alleged perpetrator(s) of an incident (and ``also``, the person a checklist is
    about), as every record id of each across agencies: what a repeat is matched on."""
    ids = set(
        Party.objects.filter(incident=incident, role=PartyRole.ALLEGED_PERPETRATOR).values_list(
            "person_id", flat=True
        )
        if incident is not None
        else []
    )
    if also is not None:
        ids.add(also)
    return linked_ids_of(ids)


def settings_of(local: AreaRiskSettings | None) -> policy.AreaSettings:
    """An area's stored settings, or the SafeLives defaults when it has none."""
    if local is None:
        return policy.AreaSettings()
    return policy.AreaSettings(
        bands=policy.Bands(high_from=local.high_from, medium_from=local.medium_from),
        marac=policy.MaracConfig(
            visible_high_risk_from=local.visible_high_risk_from,
            escalation_count=local.escalation_count,
            escalation_window_months=local.escalation_window_months,
            repeat_window_months=local.repeat_window_months,
        ),
    )


def area_settings_for(incident: Incident | None) -> policy.AreaSettings:
    """The settings of the incident's local authority, or the SafeLives defaults."""
    if incident is not None and incident.local_authority_id:
        return settings_of(
            AreaRiskSettings.objects.filter(area_id=incident.local_authority_id).first()
        )
    return policy.AreaSettings()


def marac_config_for(incident: Incident | None) -> policy.MaracConfig:
    return area_settings_for(incident).marac


def victim_history(*, victim: Person, before: dt.date) -> list[policy.PastEvent]:
    """Every submitted incident or concern, recorded by any agency, in which ``victim``
    (under any agency's record of them, joined by links too) was the adult victim, up
    to ``before``: the
    dates, the perpetrators and who recorded it. Not filtered by the reader's
    visibility: see the module docstring."""
    incidents = (
        Incident.objects.filter(
            status=Incident.Status.SUBMITTED,
            parties__person_id__in=same_person_ids(victim),
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
            perpetrator_ids=incident_perpetrator_ids(
                assessment.incident, also=assessment.perpetrator_id
            ),
            history=history,
            referrals=marac_referrals_of(
                assessment.victim, excluding_incident_id=assessment.incident_id
            ),
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


@dataclass(frozen=True)
class Prompt:
    """Why a new assessment is due, and the assessment's reason if one is started."""

    text: str
    reason: str


NO_ASSESSMENT_YET = Prompt("No completed risk assessment yet", RiskAssessment.Reason.INITIAL)
NEW_INCIDENT = Prompt(
    "A new incident since the last assessment", RiskAssessment.Reason.NEW_INCIDENT
)
SEPARATED = Prompt(
    "The victim has separated from the perpetrator since the last assessment",
    RiskAssessment.Reason.SEPARATION,
)
PREGNANT = Prompt("The victim is now pregnant", RiskAssessment.Reason.PREGNANCY)
OTHER_CHANGE = Prompt(
    "The victim's circumstances have changed since the last assessment",
    RiskAssessment.Reason.REVIEW,
)
# The reason a new assessment records when several prompts apply: the change of
# circumstances first, because it is the more specific reason.
REASON_ORDER = (NO_ASSESSMENT_YET, SEPARATED, PREGNANT, OTHER_CHANGE, NEW_INCIDENT)


def reason_of(prompts: list[Prompt]) -> str:
    """The reason a new assessment records, given what made it due (a review if nothing
    did)."""
    for prompt in REASON_ORDER:
        if prompt in prompts:
            return prompt.reason
    return RiskAssessment.Reason.REVIEW


def reassessment_due(*, victim: Person, since: RiskAssessment | None) -> list[Prompt]:
    """Why a new assessment is due (domain.md §1.2: risk is dynamic; review after a new
    incident or a change such as separation or pregnancy): a submitted incident, or a
    change of circumstances that happened or was recorded, after the last completed
    assessment."""
    if since is None or since.completed_at is None:
        return [NO_ASSESSMENT_YET]
    prompts = []
    later = Incident.objects.filter(
        status=Incident.Status.SUBMITTED,
        parties__person=victim,
        parties__role=PartyRole.ADULT_VICTIM,
        submitted_at__gt=since.completed_at,
    ).distinct()
    if later.exists():
        prompts.append(NEW_INCIDENT)
    completed_on = since.completed_at.astimezone(clock.LONDON).date()
    changed = set(
        CircumstanceChange.objects.filter(victim=victim)
        .filter(Q(changed_on__gt=completed_on) | Q(created_at__gt=since.completed_at))
        .values_list("kind", flat=True)
    )
    if CircumstanceChange.Kind.SEPARATION in changed:
        prompts.append(SEPARATED)
    if (
        CircumstanceChange.Kind.PREGNANCY in changed
        or later.filter(victim_pregnant=Incident.Pregnancy.YES).exists()
    ):
        prompts.append(PREGNANT)
    if CircumstanceChange.Kind.OTHER in changed:
        prompts.append(OTHER_CHANGE)
    return prompts


def reassessment_prompts(*, victim: Person, since: RiskAssessment | None) -> list[str]:
    """The prompts of ``reassessment_due`` in words, for the pages."""
    return [prompt.text for prompt in reassessment_due(victim=victim, since=since)]


def reassessment_reason_for(*, actor: Actor, victim: Person) -> str:
    """The reason a new assessment of ``victim`` records: the first assessment the actor
    may see is "initial"; a later one gives the prompt that made it due (separation,
    pregnancy, another change, a new incident), or is a review. Only a code is returned,
    so nothing is read into the access log."""
    last = (
        RiskAssessment.objects.visible_to(actor)
        .filter(victim=victim, status=RiskAssessment.Status.COMPLETED)
        .first()
    )
    return reason_of(reassessment_due(victim=victim, since=last))


# --- A victim's risk page -----------------------------------------------------------------


@dataclass(frozen=True)
class VictimRisk:
    """A victim's grades over time, the changes in their circumstances, whether a new
    assessment is due, and the latest police incident one could be started from (the
    checklist pages start from a police incident, as on the incident's summary)."""

    victim: Person
    grade_history: list[RiskAssessment]
    changes: list[CircumstanceChange]
    prompts: list[Prompt]
    latest_incident: Incident | None

    @property
    def start_reason(self) -> str:
        return reason_of(self.prompts)


def victim_risk_get_for(
    *, actor: Actor, victim_id: int, purpose: str = "View a victim's risk over time"
) -> VictimRisk:
    """Missing and forbidden are the same ``NotFound``; every record shown is in the one
    access event."""
    # The same people as their own page: named by a record the actor may see.
    victim = Person.objects.visible_to(actor).filter(pk=victim_id).first()
    if victim is None:
        raise NotFound("No such person")
    history = list(
        RiskAssessment.objects.visible_to(actor)
        .filter(victim=victim, status=RiskAssessment.Status.COMPLETED)
        .select_related("incident")
    )
    changes = list(
        CircumstanceChange.objects.visible_to(actor)
        .filter(victim=victim)
        .select_related("recorded_by_agency")
    )
    latest_incident = (
        Incident.objects.visible_to(actor)
        .filter(
            kind=Incident.Kind.POLICE,
            status=Incident.Status.SUBMITTED,
            parties__person=victim,
            parties__role=PartyRole.ADULT_VICTIM,
        )
        .order_by("-occurred_at", "-id")
        .first()
    )
    access_record(
        actor=actor,
        action=AccessAction.READ,
        purpose=purpose,
        records=[victim, *history, *changes],
    )
    return VictimRisk(
        victim=victim,
        grade_history=history,
        changes=changes,
        prompts=reassessment_due(victim=victim, since=history[0] if history else None),
        latest_incident=latest_incident,
    )


# --- An area's settings -------------------------------------------------------------------


@dataclass(frozen=True)
class AreaRiskSettingsRow:
    """A local authority's settings as they apply now (the defaults if none are set)."""

    area: Area
    settings: policy.AreaSettings
    is_default: bool
    changed_at: dt.datetime | None


def _settings_admin(actor: Actor) -> None:
    if not actor.is_host_administrator:
        raise NotFound("No such page")


def area_settings_list_for(*, actor: Actor) -> list[AreaRiskSettingsRow]:
    """Every local authority with its risk settings, by name."""
    _settings_admin(actor)
    stored = {s.area_id: s for s in AreaRiskSettings.objects.all()}
    return [
        AreaRiskSettingsRow(
            area=area,
            settings=settings_of(stored.get(area.pk)),
            is_default=area.pk not in stored,
            changed_at=stored[area.pk].updated_at if area.pk in stored else None,
        )
        for area in Area.objects.filter(kind=Area.Kind.LOCAL_AUTHORITY).order_by("name")
    ]


def area_settings_get_for(*, actor: Actor, area_id: int) -> AreaRiskSettingsRow:
    _settings_admin(actor)
    area = Area.objects.filter(kind=Area.Kind.LOCAL_AUTHORITY, pk=area_id).first()
    if area is None:
        raise NotFound("No such area")
    stored = AreaRiskSettings.objects.filter(area=area).first()
    return AreaRiskSettingsRow(
        area=area,
        settings=settings_of(stored),
        is_default=stored is None,
        changed_at=stored.updated_at if stored else None,
    )


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
    if not is_child(age):  # 18 or over on the day: not a child (Children Act 1989 s.105)
        raise NotFound("No such child")
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
