"""What the referral routes share with their recipients (``Route.shares``), read for the
ledger's obligation page and API (which check visibility and log the read): a children's
services notification the child's voice, the incident's summary, the adults with their
risk, the other children's notifications to the same team and the assessments; a MARAC
referral the referral and the household's children; an IDVA referral the victim's risk
and the safe contact recorded with the checklist; a follow-up the child and the date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from hearth.audit.models import AccessAction
from hearth.audit.services import access_record
from hearth.core import clock
from hearth.core.actor import Actor
from hearth.core.errors import NotFound
from hearth.incidents.models import ChildInvolvement, Party
from hearth.incidents.policy import PartyRole
from hearth.obligations.models import Obligation
from hearth.obligations.selectors.obligation import AdultRisk, ObligationDetail, Shared, _risks
from hearth.people.models import Person
from hearth.referrals import policy
from hearth.referrals.models import ChildAssessment, MaracReferral
from hearth.risk import policy as risk_policy
from hearth.risk.models import RiskAssessment
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
class ReferralShare:
    """A referral route's own part of what it shares (``Shared.parts[route]``): a children's
    services notification the child's voice and the front door's assessments; a MARAC
    referral the referral and the household's children with their notifications."""

    child_voice: ChildVoice | None = None
    assessments: list[ChildAssessment] = field(default_factory=list)
    marac: MaracReferral | None = None
    marac_children: list[tuple[Person, Obligation | None]] = field(default_factory=list)


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
                    child_voice=voice, assessments=list(obligation.assessments.all())
                )
            },
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
            parts={route: ReferralShare(marac=referral, marac_children=children)},
            records=[child for child, _ in children],
        )
    if route == policy.Route.IDVA_REFERRAL:
        return Shared(
            subject=base.subject,
            incident_reference=base.incident_reference,
            incident_occurred_at=base.incident_occurred_at,
            risks=_risks(incident, [obligation.subject]),
            route=route,
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
    }


def assessment_of(*, obligation: Obligation, assessment_id: int) -> ChildAssessment:
    """One of the obligation's own child and family assessments (an id from another
    obligation is a 404, the same as a missing one)."""
    assessment = ChildAssessment.objects.filter(obligation=obligation, pk=assessment_id).first()
    if assessment is None:
        raise NotFound("No such assessment")
    return assessment
