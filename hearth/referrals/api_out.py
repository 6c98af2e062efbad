"""What the referral routes share on the obligations API (``registry.ApiShare``), built
from the obligation as the ledger's selectors read it (they have checked and logged the
read): a children's services notification the child's voice (in ``shared``) and the
front door's assessments (beside it, each with its deadline); a MARAC referral the
referral and the household's children with their notifications."""

from __future__ import annotations

from hearth.obligations import registry
from hearth.obligations.api_out import person_out
from hearth.obligations.selectors import ObligationDetail
from hearth.referrals.schemas import (
    ChildAssessmentOut,
    ChildVoiceOut,
    MaracChildOut,
    MaracReferralOut,
)
from hearth.referrals.selectors import ReferralShare


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
