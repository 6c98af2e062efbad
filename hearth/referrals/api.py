"""API: the referral routes' own actions on an obligation, beside the ledger's (same
rules: 404 for what the caller may not see, 403 for what they may not do, 409 for what
the status does not allow, an ``Idempotency-Key`` on every action): the front door's
decision on a children's services notification, and recording the assessment it starts.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Path, Router

from hearth.core.actor import Actor
from hearth.core.api import idempotency_key_header
from hearth.core.personal_data import reads_personal_data
from hearth.incidents.schemas import MAX_ID
from hearth.obligations.api import (
    ACTING_ON_OBLIGATION,
    ACTION_RESPONSES,
    ObligationDetailOut,
    _act,
)
from hearth.obligations.models import Obligation
from hearth.obligations.schemas import ObligationDetailBase
from hearth.referrals import services
from hearth.referrals.schemas import ChildAssessmentIn, DecisionIn
from hearth.referrals.selectors import assessment_of

router = Router(tags=["obligations"])


@router.post(
    "/obligations/{obligation_id}/decision",
    response={200: ObligationDetailOut, **ACTION_RESPONSES},
    auth=ACTING_ON_OBLIGATION,
    summary="Record the front door's decision",
)
@reads_personal_data
def obligation_decision(
    request: HttpRequest,
    payload: DecisionIn,
    obligation_id: int = Path(..., ge=1, le=MAX_ID),
    idempotency_key: str = idempotency_key_header("the obligation"),
) -> ObligationDetailBase:
    """The front door's decision on a child concern notification (Working Together 2023:
    within one working day of receipt); deciding also acknowledges it. A decision to
    assess starts a child and family assessment, due 45 working days from the referral;
    the others close the notification. Only a child concern notification has a decision
    (else a 422)."""

    def decide(actor: Actor, obligation: Obligation) -> None:
        services.decision_record(
            actor=actor,
            obligation=obligation,
            decision=payload.decision,
            note=payload.note,
            assessment_started_on=payload.assessment_started_on,
        )

    return _act(
        request,
        obligation_id=obligation_id,
        key=idempotency_key,
        operation="obligations.decision",
        body=payload.model_dump(mode="json"),
        act=decide,
        purpose="Record a decision on an obligation",
    )


@router.post(
    "/obligations/{obligation_id}/assessments/{assessment_id}",
    response={200: ObligationDetailOut, **ACTION_RESPONSES},
    auth=ACTING_ON_OBLIGATION,
    summary="Record a child and family assessment",
)
@reads_personal_data
def obligation_assessment(
    request: HttpRequest,
    payload: ChildAssessmentIn,
    obligation_id: int = Path(..., ge=1, le=MAX_ID),
    assessment_id: int = Path(..., ge=1, le=MAX_ID),
    idempotency_key: str = idempotency_key_header("the obligation"),
) -> ObligationDetailBase:
    """An assessment's start and authorisation dates and the CIN census factors found at
    its end (needed once it is authorised). When every assessment of the notification is
    complete, the notification closes. An assessment of another obligation is a 404."""

    def record(actor: Actor, obligation: Obligation) -> None:
        services.assessment_record(
            actor=actor,
            assessment=assessment_of(obligation=obligation, assessment_id=assessment_id),
            started_on=payload.started_on,
            authorised_on=payload.authorised_on,
            factors=payload.factors,
        )

    return _act(
        request,
        obligation_id=obligation_id,
        key=idempotency_key,
        operation="obligations.assessment",
        body={"assessment_id": assessment_id, **payload.model_dump(mode="json")},
        act=record,
        purpose="Record a child and family assessment",
    )
