"""API for agency and provider systems: refer a child to a service, and the service's
answers (acknowledge, accept, decline, start, a session, the outcome), each with an
``Idempotency-Key`` and idempotent in its service too; a referral as the caller may see
it; the lead agency's unmet need. Same rules as the ledger's API: 404 for what the caller
may not see, 403 for what they may not do, 422 for what the rules refuse."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import rules
from django.db import transaction
from django.http import HttpRequest
from ninja import Path, Router

from hearth.accounts.api_auth import acting_on, path_id
from hearth.core.actor import Actor
from hearth.core.api import CREATE_RESPONSES, ERROR_RESPONSES, api_actor, idempotency_key_header
from hearth.core.errors import NotFound, NotPermitted
from hearth.core.idempotency import idempotent_create, scope_for
from hearth.core.personal_data import reads_personal_data
from hearth.specialist import policy, selectors, services
from hearth.specialist.models import SpecialistReferral
from hearth.specialist.schemas import (
    SpecialistAcceptIn,
    SpecialistDeclineIn,
    SpecialistOutcomeIn,
    SpecialistReferralIn,
    SpecialistReferralOut,
    SpecialistSessionIn,
    SpecialistStartIn,
    SpecialistUnmetNeedOut,
)

router = Router(tags=["specialist support"])
MAX_ID = 2**63 - 1
RESOURCE = SpecialistReferral._meta.label_lower


def referral_out(view: selectors.ReferralView) -> SpecialistReferralOut:
    r = view.referral
    ack = view.ack_deadline
    return SpecialistReferralOut(
        obligation_id=r.obligation_id,
        child_id=r.child_id,
        child_name=r.child.full_name,
        child_date_of_birth=r.child.date_of_birth,
        service_id=r.service_id,
        service_name=r.service.name,
        status=r.obligation.status,
        status_words=r.status_words,
        acknowledge_by=ack.due_at if ack and not ack.met_at else None,
        need=r.need,
        child_view=r.child_view,
        child_words=r.child_words,
        parent_consent=r.parent_consent,
        parent_view=r.parent_view,
        answer=r.answer,
        start_on=r.start_on,
        expected_start_on=r.expected_start_on,
        declined_reason=r.declined_reason,
        declined_note=r.declined_note,
        started_on=r.started_on,
        sessions=[s.on for s in r.sessions.all()],
        outcome=r.obligation.outcome if r.ended_on else "",
        ended_on=r.ended_on,
        ended_reason=r.ended_reason,
        child_view_at_end=r.child_view_at_end,
        parent_view_at_end=r.parent_view_at_end,
    )


def _may_act(actor: Actor, path: dict[str, str]) -> None:
    """Asked before the body is read: the service's own team acts, nobody else."""
    obligation_id = path_id(path, "obligation_id")
    if obligation_id is not None:
        referral = (
            SpecialistReferral.objects.visible_to(actor)
            .filter(obligation_id=obligation_id)
            .select_related("obligation__team")
            .first()
        )
        if referral is None:
            raise NotFound("No such referral")
        if not rules.test_rule("obligations.act_on", actor, referral.obligation):
            raise NotPermitted("Only the service's team can do this")


ACTING = acting_on(_may_act)


@router.post(
    "/specialist/referrals",
    response={201: SpecialistReferralOut, **CREATE_RESPONSES},
    summary="Refer a child to a specialist service",
)
@reads_personal_data
def referral_create(
    request: HttpRequest,
    payload: SpecialistReferralIn,
    idempotency_key: str = idempotency_key_header("the referral"),
) -> tuple[int, SpecialistReferralOut]:
    """An obligation to the service's team, acknowledged within 2 working days (an area
    may configure it). The child must be one the caller may see and the service must fit
    them (else a 422 with why). The same child and service again on the same day is the
    same referral."""
    actor = api_actor(request)
    with transaction.atomic():

        def run() -> tuple[str, int]:
            made = services.referral_create(actor=actor, **payload.model_dump())
            return RESOURCE, made.obligation_id

        created = idempotent_create(
            scope=scope_for(actor),
            key=idempotency_key,
            operation="specialist.refer",
            body=payload.model_dump(mode="json"),
            create=run,
        )
        view = selectors.referral_get_for(
            actor=actor, obligation_id=int(created.resource_id), purpose="Refer a child"
        )
    return 201, referral_out(view)


def _act(
    request: HttpRequest,
    obligation_id: int,
    key: str,
    operation: str,
    body: dict[str, Any],
    act: Callable[[Actor, SpecialistReferral], object],
) -> SpecialistReferralOut:
    actor = api_actor(request)
    with transaction.atomic():
        referral = selectors.referral_acting(actor=actor, obligation_id=obligation_id)

        def run() -> tuple[str, int]:
            act(actor, referral)
            return RESOURCE, obligation_id

        idempotent_create(
            scope=scope_for(actor),
            key=key,
            operation=operation,
            body={"obligation_id": obligation_id, "body": body},
            create=run,
        )
        view = selectors.referral_get_for(
            actor=actor, obligation_id=obligation_id, purpose=f"Act on a referral ({operation})"
        )
    return referral_out(view)


ACTION: dict[str, Any] = {
    "response": {200: SpecialistReferralOut, **CREATE_RESPONSES},
    "auth": ACTING,
}


@router.get(
    "/specialist/referrals/{obligation_id}",
    response={200: SpecialistReferralOut, **ERROR_RESPONSES},
    summary="A referral to a specialist service",
)
@reads_personal_data
def referral_get(
    request: HttpRequest, obligation_id: int = Path(..., ge=1, le=MAX_ID)
) -> SpecialistReferralOut:
    """What the referral shares, and each step: to the service's team (for as long as the
    ledger allows), the referrer and the child's lead agency."""
    return referral_out(
        selectors.referral_get_for(actor=api_actor(request), obligation_id=obligation_id)
    )


@router.post("/specialist/referrals/{obligation_id}/acknowledge", summary="Acknowledge", **ACTION)
@reads_personal_data
def referral_acknowledge(
    request: HttpRequest,
    obligation_id: int = Path(..., ge=1, le=MAX_ID),
    idempotency_key: str = idempotency_key_header("the referral"),
) -> SpecialistReferralOut:
    return _act(
        request,
        obligation_id,
        idempotency_key,
        "specialist.acknowledge",
        {},
        lambda actor, referral: services.referral_acknowledge(actor=actor, referral=referral),
    )


@router.post("/specialist/referrals/{obligation_id}/accept", summary="Accept", **ACTION)
@reads_personal_data
def referral_accept(
    request: HttpRequest,
    payload: SpecialistAcceptIn,
    obligation_id: int = Path(..., ge=1, le=MAX_ID),
    idempotency_key: str = idempotency_key_header("the referral"),
) -> SpecialistReferralOut:
    """With a start date, or a place on the waiting list with an expected start (a place
    further off than the area's waiting threshold is recorded as unmet need)."""
    return _act(
        request,
        obligation_id,
        idempotency_key,
        "specialist.accept",
        payload.model_dump(mode="json"),
        lambda actor, referral: services.referral_accept(
            actor=actor, referral=referral, **payload.model_dump()
        ),
    )


@router.post("/specialist/referrals/{obligation_id}/decline", summary="Decline", **ACTION)
@reads_personal_data
def referral_decline(
    request: HttpRequest,
    payload: SpecialistDeclineIn,
    obligation_id: int = Path(..., ge=1, le=MAX_ID),
    idempotency_key: str = idempotency_key_header("the referral"),
) -> SpecialistReferralOut:
    """With a reason from the list and a note; "no_capacity" is recorded as unmet need."""
    return _act(
        request,
        obligation_id,
        idempotency_key,
        "specialist.decline",
        payload.model_dump(mode="json"),
        lambda actor, referral: services.referral_decline(
            actor=actor, referral=referral, **payload.model_dump()
        ),
    )


@router.post("/specialist/referrals/{obligation_id}/start", summary="Support started", **ACTION)
@reads_personal_data
def referral_start(
    request: HttpRequest,
    payload: SpecialistStartIn,
    obligation_id: int = Path(..., ge=1, le=MAX_ID),
    idempotency_key: str = idempotency_key_header("the referral"),
) -> SpecialistReferralOut:
    """Support has started: the child's unmet need closes."""
    return _act(
        request,
        obligation_id,
        idempotency_key,
        "specialist.start",
        payload.model_dump(mode="json"),
        lambda actor, referral: services.referral_start(
            actor=actor, referral=referral, started_on=payload.started_on
        ),
    )


@router.post("/specialist/referrals/{obligation_id}/sessions", summary="A session", **ACTION)
@reads_personal_data
def referral_session(
    request: HttpRequest,
    payload: SpecialistSessionIn,
    obligation_id: int = Path(..., ge=1, le=MAX_ID),
    idempotency_key: str = idempotency_key_header("the referral"),
) -> SpecialistReferralOut:
    """A session the child attended (one a day)."""
    return _act(
        request,
        obligation_id,
        idempotency_key,
        "specialist.session",
        payload.model_dump(mode="json"),
        lambda actor, referral: services.session_record(
            actor=actor, referral=referral, on=payload.on
        ),
    )


@router.post("/specialist/referrals/{obligation_id}/outcome", summary="How it ended", **ACTION)
@reads_personal_data
def referral_outcome(
    request: HttpRequest,
    payload: SpecialistOutcomeIn,
    obligation_id: int = Path(..., ge=1, le=MAX_ID),
    idempotency_key: str = idempotency_key_header("the referral"),
) -> SpecialistReferralOut:
    """Completed, ended early (with why) or moved on, with the child's and parent's
    views: it closes the referral."""
    return _act(
        request,
        obligation_id,
        idempotency_key,
        "specialist.outcome",
        payload.model_dump(mode="json"),
        lambda actor, referral: services.referral_end(
            actor=actor, referral=referral, **payload.model_dump()
        ),
    )


@router.get(
    "/specialist/unmet-need",
    response={200: list[SpecialistUnmetNeedOut], **ERROR_RESPONSES},
    summary="The lead agency's children with unmet need",
)
@reads_personal_data
def unmet_need(request: HttpRequest) -> list[SpecialistUnmetNeedOut]:
    """Open unmet need owned by the caller's agency (UNMET-NEED-1 v1), oldest first."""
    return [
        SpecialistUnmetNeedOut(
            id=n.pk,
            child_id=n.child_id,
            child_name=n.child.full_name,
            area=n.area.name if n.area else None,
            age_band=n.age_band,
            need=n.need,
            reason=n.reason,
            reason_words=policy.UNMET_REASON_LABELS[policy.UnmetReason(n.reason)],
            detail=n.detail,
            opened_on=n.opened_on,
            closed_on=n.closed_on,
        )
        for n in selectors.unmet_need_list(actor=api_actor(request))
    ]
