"""What the referral routes share with their recipients (``Route.shares``), read for the
ledger's obligation page and API (which check visibility and log the read): a children's
services notification the child's voice, the incident's summary, the adults with their
risk, the other children's notifications to the same team and the assessments; a MARAC
referral the referral and the household's children; an IDVA referral the victim's risk
and the safe contact recorded with the checklist; a follow-up the child and the date."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hearth.audit.models import AccessAction
from hearth.audit.services import access_record
from hearth.core.actor import Actor
from hearth.core.errors import NotFound
from hearth.incidents.models import ChildInvolvement, Party
from hearth.incidents.policy import PartyRole
from hearth.obligations.models import Obligation
from hearth.obligations.selectors.obligation import ChildVoice, ObligationDetail, Shared, _risks
from hearth.referrals import policy
from hearth.referrals.models import ChildAssessment, MaracReferral
from hearth.risk.models import RiskAssessment
from hearth.risk.views import MARAC_LABELS


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
            child_voice=voice,
            assessments=list(obligation.assessments.all()),
            siblings=list(
                Obligation.objects.filter(
                    incident=incident, route=policy.Route.CHILD_CONCERN, team=obligation.team
                )
                .exclude(pk=obligation.pk)
                .select_related("subject")
            ),
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
            marac=referral,
            marac_children=children,
        )
    if route == policy.Route.IDVA_REFERRAL:
        return Shared(
            subject=base.subject,
            incident_reference=base.incident_reference,
            incident_occurred_at=base.incident_occurred_at,
            risks=_risks(incident, [obligation.subject]),
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


def page_context(actor: Actor, detail: ObligationDetail) -> dict[str, Any]:
    """What a referral route adds to the obligation's page: a front door's assessments in
    words, a MARAC referral's criteria in words, and an IDVA referral's safe contact."""
    obligation, shared = detail.obligation, detail.shared
    return {
        "assessments": [
            AssessmentSummary(
                assessment=a,
                kind=policy.DECISION_LABELS.get(a.kind, a.kind),
                factors=[(code, policy.ASSESSMENT_FACTORS.get(code, code)) for code in a.factors],
            )
            for a in shared.assessments
        ],
        "criteria": [
            MARAC_LABELS.get(key, key) for key in (shared.marac.criteria if shared.marac else [])
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
