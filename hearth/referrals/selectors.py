"""What the referral routes share with their recipients (``Route.shares``), read for the
ledger's obligation page and API (which check visibility and log the read): a children's
services notification the child's voice, the child's risk level, the incident's summary,
the adults with their risk, the other children's notifications to the same team and the
assessments; a MARAC referral the referral, the alleged perpetrators and the household's
children (each with the front door's decision, their s.3 status, their risk level and
their own words); an IDVA referral the victim's risk, the safe contact recorded with the
checklist, the alleged perpetrators and the household's children (as the MARAC's, without
the child's own words); a follow-up the child, the date and what started it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F

from hearth.audit.models import AccessAction
from hearth.audit.services import access_record
from hearth.core import clock
from hearth.core.actor import Actor
from hearth.core.errors import NotFound
from hearth.incidents.facts import incident_facts
from hearth.incidents.models import ChildInvolvement, Incident, Party
from hearth.incidents.policy import Assessment, PartyRole, is_child
from hearth.obligations.models import Obligation
from hearth.obligations.selectors.obligation import AdultRisk, ObligationDetail, Shared, _risks
from hearth.people.models import Person
from hearth.people.policy import KINSHIP_LABELS
from hearth.people.selectors import ties_among
from hearth.referrals import policy
from hearth.referrals.models import ChildAssessment, MaracReferral
from hearth.referrals.routing import child_concern_notification_of, household_child_ids
from hearth.risk import policy as risk_policy
from hearth.risk.models import ChildRisk, RiskAssessment
from hearth.risk.views import MARAC_LABELS


@dataclass(frozen=True)
class ChildVoice:
    present: bool | None
    saw: bool
    heard: bool
    injured: bool | None
    spoken_to: bool | None
    spoken_to_alone: bool | None
    not_spoken_to_reason: str
    own_words: str
    worries: str
    demeanour: str


@dataclass(frozen=True)
class Perpetrator:
    """An alleged perpetrator at the incident, and how they stand to the adult victim in
    words ("married (now or in the past)"; empty when no relationship is recorded)."""

    person: Person
    relationship: str


@dataclass(frozen=True)
class HouseholdChild:
    """One child of the victim's household as a MARAC or IDVA referral shares them: the
    front door's decision on their children's services notification, their s.3 status at
    the incident (``None``: not at it), their latest risk level (CHILD-RISK-1) and their
    own words where the route shares them (``shares_words``)."""

    child: Person
    notification: Obligation | None
    decision: str  # the decision's code, empty when not decided yet
    decision_label: str
    decided_at: dt.datetime | None
    victim_status: Assessment | None
    risk: ChildRisk | None
    shares_words: bool
    own_words: str = ""


@dataclass(frozen=True)
class ReferralShare:
    """A referral route's own part of what it shares (``Shared.parts[route]``): a children's
    services notification the child's voice, the child's risk level and the front door's
    assessments; a MARAC referral the referral, the household's children with their
    notifications, and (with an IDVA referral) the alleged perpetrators and each
    household child's decision, s.3 status, risk level and (MARAC only) own words."""

    child_voice: ChildVoice | None = None
    assessments: list[ChildAssessment] = field(default_factory=list)
    marac: MaracReferral | None = None
    marac_children: list[tuple[Person, Obligation | None]] = field(default_factory=list)
    child_risk: ChildRisk | None = None
    perpetrators: list[Perpetrator] = field(default_factory=list)
    children: list[HouseholdChild] = field(default_factory=list)


# Whether a route shares each household child's own words (what they said at the scene).
# The MARAC shares them: the meeting plans for each child's safety (domain.md §2.3, issue
# 14 §1). The IDVA service does not: it supports the adult victim, and a child's words
# passed to the parent's advocate can reach the parent, and through them the alleged
# perpetrator; the child's front door and the MARAC hear them.
SHARES_CHILD_WORDS = {policy.Route.MARAC_REFERRAL: True, policy.Route.IDVA_REFERRAL: False}


def latest_child_risks(child_ids: list[int]) -> dict[int, ChildRisk]:
    """Each child's latest risk level (CHILD-RISK-1), at any incident. The caller shares
    and logs them."""
    latest: dict[int, ChildRisk] = {}
    for risk in ChildRisk.objects.filter(child_id__in=child_ids).order_by("-created_at", "-id"):
        latest.setdefault(risk.child_id, risk)
    return latest


def _perpetrators(parties: list[Party], victim: Person) -> list[Perpetrator]:
    people = [p.person for p in parties if p.role == PartyRole.ALLEGED_PERPETRATOR]
    ties = ties_among([victim.pk, *(p.pk for p in people)])
    found = []
    for person in people:
        tie = ties.get((person.pk, victim.pk))
        words = KINSHIP_LABELS[tie.kinship] if tie else ""
        if words.endswith(" of"):
            words = f"{words} {victim.full_name}"
        found.append(Perpetrator(person=person, relationship=words))
    return found


def _household(
    obligation: Obligation,
    incident: Incident,
    links: list[tuple[Person, Obligation | None]] | None,
) -> list[HouseholdChild]:
    """The household's children of an adult's referral: a MARAC referral's own links, or
    (an IDVA referral) the incident's children under 18 and those living with the victim,
    each with their children's services notification from this incident (or their latest
    open one)."""
    facts = {view.child.pk: view for view in incident_facts(incident).children}
    if links is None:
        at_incident = [pk for pk, view in facts.items() if is_child(view.age)]
        ids = household_child_ids(obligation.subject, incident, at_incident)
        people = Person.objects.in_bulk(ids)
        links = [
            (
                people[pk],
                child_concern_notification_of(incident_id=incident.pk, child_id=pk),
            )
            for pk in ids
            if pk in people
        ]
    risks = latest_child_risks([child.pk for child, _ in links])
    decisions: dict[str, str] = {str(k): v for k, v in policy.DECISION_LABELS.items()}
    shares_words = SHARES_CHILD_WORDS.get(policy.Route(obligation.route), False)
    children = []
    for child, notification in links:
        view = facts.get(child.pk)
        decided = bool(notification and notification.outcome)
        if notification is None:
            label = "No children's services notification"
        elif notification.status == policy.Status.WITHDRAWN:
            label = "Notification withdrawn"
        elif decided:
            label = decisions.get(notification.outcome, notification.outcome)
        else:
            label = "Not decided yet"
        children.append(
            HouseholdChild(
                child=child,
                notification=notification,
                decision=notification.outcome if notification and decided else "",
                decision_label=label,
                decided_at=notification.outcome_at if notification and decided else None,
                victim_status=view.victim_status if view else None,
                risk=risks.get(child.pk),
                shares_words=shares_words,
                own_words=view.involvement.own_words if view and shares_words else "",
            )
        )
    return children


def _household_records(part: ReferralShare) -> list[Any]:
    """What a household share shows, for the read's access event: the alleged
    perpetrators, the children, their notifications and their risk levels."""
    records: list[Any] = [p.person for p in part.perpetrators]
    for item in part.children:
        records.append(item.child)
        if item.notification is not None:
            records.append(item.notification)
        if item.risk is not None:
            records.append(item.risk)
    return records


def shares(obligation: Obligation, base: Shared) -> Shared:
    incident = obligation.incident
    route = obligation.route
    parties = list(Party.objects.filter(incident=incident).select_related("person"))
    victims = [p.person for p in parties if p.role == PartyRole.ADULT_VICTIM]
    if route == policy.Route.CHILD_CONCERN:
        involvement = ChildInvolvement.objects.filter(
            incident=incident, child=obligation.subject
        ).first()
        voice = (
            ChildVoice(
                present=involvement.present,
                saw=involvement.saw,
                heard=involvement.heard,
                injured=involvement.injured,
                spoken_to=involvement.spoken_to,
                spoken_to_alone=involvement.spoken_to_alone,
                not_spoken_to_reason=involvement.not_spoken_to_reason,
                own_words=involvement.own_words,
                worries=involvement.worries,
                demeanour=involvement.demeanour,
            )
            if involvement
            else None
        )
        # The child's front door sees their risk level through the notification (issue 14
        # §1: child risk is shared with the child's front door, not only the police).
        child_risk = latest_child_risks([obligation.subject_id]).get(obligation.subject_id)
        return Shared(
            subject=base.subject,
            incident_reference=base.incident_reference,
            incident_occurred_at=base.incident_occurred_at,
            shares_incident=True,
            incident_town=incident.location_town,
            incident_summary=incident.summary,
            abuse_types=incident.abuse_type_labels,
            adults=[
                (p.get_role_display(), p.person)
                for p in parties
                if p.role in (PartyRole.ADULT_VICTIM, PartyRole.ALLEGED_PERPETRATOR)
            ],
            risks=_risks(incident, victims),
            siblings=list(
                Obligation.objects.filter(
                    incident=incident, route=policy.Route.CHILD_CONCERN, team=obligation.team
                )
                .exclude(pk=obligation.pk)
                .select_related("subject")
            ),
            route=route,
            parts={
                route: ReferralShare(
                    child_voice=voice,
                    assessments=list(obligation.assessments.all()),
                    child_risk=child_risk,
                )
            },
            records=[child_risk] if child_risk else [],
        )
    if route == policy.Route.MARAC_REFERRAL:
        referral = MaracReferral.objects.filter(obligation=obligation).first()
        children = (
            [
                (link.child, link.notification)
                for link in referral.children.select_related("child", "notification")
            ]
            if referral
            else []
        )
        part = ReferralShare(
            marac=referral,
            marac_children=children,
            perpetrators=_perpetrators(parties, obligation.subject),
            children=_household(obligation, incident, children),
        )
        return Shared(
            subject=base.subject,
            incident_reference=base.incident_reference,
            incident_occurred_at=base.incident_occurred_at,
            adults=[
                (p.get_role_display(), p.person)
                for p in parties
                if p.role in (PartyRole.ADULT_VICTIM, PartyRole.ALLEGED_PERPETRATOR)
            ],
            risks=_risks(incident, [obligation.subject]),
            route=route,
            parts={route: part},
            records=[child for child, _ in children] + _household_records(part),
        )
    if route == policy.Route.IDVA_REFERRAL:
        part = ReferralShare(
            perpetrators=_perpetrators(parties, obligation.subject),
            children=_household(obligation, incident, None),
        )
        return Shared(
            subject=base.subject,
            incident_reference=base.incident_reference,
            incident_occurred_at=base.incident_occurred_at,
            risks=_risks(incident, [obligation.subject]),
            route=route,
            parts={route: part},
            records=_household_records(part),
        )
    return base  # a follow-up: the child and when the incident happened


@dataclass(frozen=True)
class SafeContact:
    number: str
    safe_times: str
    afraid_of: str


def _idva_safe_contact(
    actor: Actor, obligation: Obligation, purpose: str = "Contact the victim safely"
) -> SafeContact | None:
    """The safe contact from the victim's latest completed checklist at the incident (an
    IDVA referral shares it), or ``None`` when none was recorded."""
    assessment = (
        RiskAssessment.objects.filter(
            incident_id=obligation.incident_id,
            victim_id=obligation.subject_id,
            status=RiskAssessment.Status.COMPLETED,
        )
        .order_by("-completed_at", "-id")
        .first()
    )
    if assessment is None or not (assessment.safe_contact_number or assessment.safe_times):
        return None
    access_record(actor=actor, action=AccessAction.READ, purpose=purpose, records=[assessment])
    return SafeContact(
        number=assessment.safe_contact_number,
        safe_times=assessment.safe_times,
        afraid_of=assessment.afraid_of,
    )


@dataclass(frozen=True)
class AssessmentSummary:
    assessment: ChildAssessment
    kind: str
    factors: list[tuple[str, str]]


# The window the MARAC criteria count incidents in (SafeLives potential escalation).
HISTORY_MONTHS = 12


@dataclass(frozen=True)
class RiskSummary:
    risk: AdultRisk
    recent: int  # incidents and concerns in the last 12 months, this one included
    agencies: list[str]


def risk_summaries(risks: list[AdultRisk], occurred_at: dt.datetime | None) -> list[RiskSummary]:
    day = (occurred_at or clock.now()).astimezone(clock.LONDON).date()
    summaries = []
    for risk in risks:
        recent = [
            e
            for e in risk.history
            if risk_policy.within_months(e.on, before=day, months=HISTORY_MONTHS)
        ]
        summaries.append(
            RiskSummary(risk=risk, recent=len(recent), agencies=sorted({e.agency for e in recent}))
        )
    return summaries


def _decision_words(kind: str | None) -> str:
    """The decision that started an assessment, in words."""
    words: dict[str, str] = {str(k): v for k, v in policy.DECISION_LABELS.items()}
    return words.get(kind or "", kind or "")


def page_context(actor: Actor, detail: ObligationDetail) -> dict[str, Any]:
    """What a referral route adds to the obligation's page: the adults' risk with their
    recent history, a front door's assessments in words, a MARAC referral's criteria in
    words, and an IDVA referral's safe contact."""
    obligation, shared = detail.obligation, detail.shared
    part = shared.part or ReferralShare()
    return {
        "risks": risk_summaries(shared.risks, shared.incident_occurred_at),
        "history_months": HISTORY_MONTHS,
        "assessments": [
            AssessmentSummary(
                assessment=a,
                kind=_decision_words(a.kind),
                factors=[(code, policy.ASSESSMENT_FACTORS.get(code, code)) for code in a.factors],
            )
            for a in part.assessments
        ],
        "criteria": [
            MARAC_LABELS.get(key, key) for key in (part.marac.criteria if part.marac else [])
        ],
        "safe_contact": _idva_safe_contact(actor, obligation)
        if obligation.route == policy.Route.IDVA_REFERRAL
        else None,
        # The incident is linked where the viewer may open it (the referrer, the police).
        "incident_opens": Incident.objects.visible_to(actor)
        .filter(pk=obligation.incident_id)
        .exists(),
        "support_words": policy.SUPPORT_SOURCE_WORDS.get(
            str(obligation.data.get("support_route", "")), ""
        ),
    }


def assessment_of(*, obligation: Obligation, assessment_id: int) -> ChildAssessment:
    """One of the obligation's own child and family assessments (an id from another
    obligation is a 404, the same as a missing one)."""
    assessment = ChildAssessment.objects.filter(obligation=obligation, pk=assessment_id).first()
    if assessment is None:
        raise NotFound("No such assessment")
    return assessment


# --- The front door deciding a household's children together --------------------------------


def undecided_siblings_for(
    *, actor: Actor, obligation: Obligation, purpose: str = "Decide for a household's children"
) -> list[Obligation]:
    """The other children's notifications from the same incident, sent to the same front
    door and not decided yet (open, no outcome), that the actor's team may decide with
    this one (issue 17): each keeps its own obligation, record and outcome. Visible to the
    actor (``addressed_to``), eldest first; their read is logged. One query, whatever the
    household's size."""
    if obligation.route != policy.Route.CHILD_CONCERN:
        return []
    siblings = list(
        Obligation.objects.addressed_to(actor)
        .open()
        .filter(
            incident_id=obligation.incident_id,
            route=policy.Route.CHILD_CONCERN,
            team_id=obligation.team_id,
            outcome="",
        )
        .exclude(pk=obligation.pk)
        .select_related("subject")
        .order_by(F("subject__date_of_birth").asc(nulls_last=True), "id")
    )
    if siblings:
        access_record(
            actor=actor,
            action=AccessAction.READ,
            purpose=purpose,
            records=[*siblings, *(s.subject for s in siblings)],
        )
    return siblings
