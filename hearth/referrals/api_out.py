"""What the referral routes share on the obligations API (``registry.ApiShare``), built
from the obligation as the ledger's selectors read it (they have checked and logged the
read): a children's services notification the child's voice (in ``shared``) and the
front door's assessments (beside it, each with its deadline) and the child's risk level; a
MARAC referral the referral and the household's children with their notifications; a
MARAC or IDVA referral the household (alleged perpetrators, each child's decision, s.3
status, risk level and, for the MARAC, own words)."""

from __future__ import annotations

from hearth.obligations import registry
from hearth.obligations.api_out import person_out
from hearth.obligations.selectors import ObligationDetail
from hearth.referrals.schemas import (
    ChildAssessmentOut,
    ChildVoiceOut,
    HouseholdChildOut,
    HouseholdOut,
    MaracChildOut,
    MaracReferralOut,
    PerpetratorOut,
    SharedChildRiskOut,
)
from hearth.referrals.selectors import ReferralShare
from hearth.risk.models import ChildRisk


def _part(detail: ObligationDetail) -> ReferralShare:
    return detail.shared.part or ReferralShare()


def child_voice_out(detail: ObligationDetail) -> ChildVoiceOut | None:
    voice = _part(detail).child_voice
    if voice is None:
        return None
    return ChildVoiceOut(**{name: getattr(voice, name) for name in ChildVoiceOut.model_fields})


def assessments_out(detail: ObligationDetail) -> list[ChildAssessmentOut]:
    due = {d.pk: d.due_at for d in detail.deadlines}
    return [
        ChildAssessmentOut(
            id=a.pk,
            kind=a.kind,
            started_on=a.started_on,
            authorised_on=a.authorised_on,
            factors=list(a.factors),
            due_at=due.get(a.deadline_id) if a.deadline_id else None,
        )
        for a in _part(detail).assessments
    ]


def marac_out(detail: ObligationDetail) -> MaracReferralOut | None:
    part = _part(detail)
    marac = part.marac
    if marac is None:
        return None
    return MaracReferralOut(
        criteria=list(marac.criteria),
        criteria_basis=list(marac.criteria_basis),
        safe_contact_number=marac.safe_contact_number,
        number_safe_to_call=marac.number_safe_to_call,
        safe_times=marac.safe_times,
        afraid_of=marac.afraid_of,
        victim_aware=marac.victim_aware,
        not_aware_reason=marac.not_aware_reason,
        consent_given=marac.consent_given,
        children=[
            MaracChildOut(
                child=person_out(child),
                notification_id=notification.pk if notification else None,
            )
            for child, notification in part.marac_children
        ],
    )


def child_risk_of(risk: ChildRisk | None) -> SharedChildRiskOut | None:
    if risk is None:
        return None
    return SharedChildRiskOut(
        level=risk.level,
        label=risk.get_level_display(),
        recorded_at=risk.created_at,
        rule=risk.rule,
    )


def child_risk_out(detail: ObligationDetail) -> SharedChildRiskOut | None:
    return child_risk_of(_part(detail).child_risk)


def household_out(detail: ObligationDetail) -> HouseholdOut | None:
    part = _part(detail)
    if detail.obligation.route not in ("marac_referral", "idva_referral"):
        return None
    return HouseholdOut(
        perpetrators=[
            PerpetratorOut(person=person_out(p.person), relationship=p.relationship)
            for p in part.perpetrators
        ],
        children=[
            HouseholdChildOut(
                child=person_out(item.child),
                notification_id=item.notification.pk if item.notification else None,
                decision=item.decision or None,  # type: ignore[arg-type]
                decision_label=item.decision_label,
                decided_at=item.decided_at,
                victim_in_own_right=item.victim_status.finding  # type: ignore[arg-type]
                if item.victim_status
                else None,
                victim_in_own_right_reasons=list(item.victim_status.reasons)
                if item.victim_status
                else [],
                risk=child_risk_of(item.risk),
                own_words=item.own_words if item.shares_words else None,
            )
            for item in part.children
        ],
    )


CHILD_VOICE = registry.ApiShare(
    key="child_voice",
    schema=ChildVoiceOut,
    build=child_voice_out,
    description="A children's services notification: the child's voice, as the officer heard it.",
)
ASSESSMENTS = registry.ApiShare(
    key="assessments",
    schema=ChildAssessmentOut,
    build=assessments_out,
    many=True,
    place=registry.DETAIL,
    description="A children's services notification: the front door's assessments.",
)
MARAC = registry.ApiShare(
    key="marac",
    schema=MaracReferralOut,
    build=marac_out,
    description="A MARAC referral: the referral and the household's children.",
)
CHILD_RISK = registry.ApiShare(
    key="child_risk",
    schema=SharedChildRiskOut,
    build=child_risk_out,
    description="A children's services notification: the child's latest risk level.",
)
HOUSEHOLD = registry.ApiShare(
    key="household",
    schema=HouseholdOut,
    build=household_out,
    description=(
        "A MARAC or IDVA referral: the alleged perpetrators and, for each household child, "
        "the front door's decision, their s.3 status, their risk level and (MARAC only) "
        "their own words."
    ),
)
