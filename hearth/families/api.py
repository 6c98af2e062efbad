"""The families API (/api/v1/): whole-family plans (issue 14 §2). Open a plan, read the
plans the caller's agency leads or acts in and one plan as it may see it, and the lead
team's changes (a goal, an action, a support and its changes, a review, closing), each
with an ``Idempotency-Key`` and idempotent in its service too. 404 for a plan the caller
may not see, 403 for a change only the lead team may make, 422 for what the rules refuse."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Path, Router

from hearth.accounts.api_auth import acting_on, path_id
from hearth.core.actor import Actor
from hearth.core.api import CREATE_RESPONSES, ERROR_RESPONSES, api_actor, idempotency_key_header
from hearth.core.errors import NotFound, NotPermitted
from hearth.core.idempotency import idempotent_create, scope_for
from hearth.core.personal_data import reads_personal_data
from hearth.families import selectors, services
from hearth.families.models import FamilyPlan
from hearth.families.reference import is_lead
from hearth.families.schemas import (
    FamilyActionIn,
    FamilyActionOut,
    FamilyChildRiskOut,
    FamilyGoalIn,
    FamilyGoalOut,
    FamilyGoalProgressOut,
    FamilyMaracActionOut,
    FamilyPlanCloseIn,
    FamilyPlanIn,
    FamilyPlanMemberOut,
    FamilyPlanOut,
    FamilyPlanSummaryOut,
    FamilyReviewIn,
    FamilyReviewOut,
    FamilySupportIn,
    FamilySupportOut,
    FamilySupportUpdateIn,
)
from hearth.families.selectors import PlanView

router = Router(tags=["family plans"])
MAX_ID = 2**63 - 1
RESOURCE = FamilyPlan._meta.label_lower


def plan_out(view: PlanView) -> FamilyPlanOut:
    plan = view.plan
    members = []
    for mv in view.members:
        members.append(
            FamilyPlanMemberOut(
                id=mv.member.pk,
                person_id=mv.member.person_id,
                name=mv.person.full_name,
                role=mv.member.role,
                shown=mv.shown,
                withheld=mv.withheld,
                child_risk=FamilyChildRiskOut(level=mv.risk.level, level_words=mv.risk_words)
                if mv.risk
                else None,
                goals=[
                    FamilyGoalOut(id=g.pk, member_id=g.member_id, words=g.words, status=g.status)
                    for g in mv.goals
                ],
                supports=[
                    FamilySupportOut(
                        id=s.pk,
                        member_id=s.member_id,
                        kind=s.kind,
                        kind_words=s.kind_label,
                        status=s.status,
                        started_on=s.started_on,
                        ended_on=s.ended_on,
                        obligation_id=s.obligation_id,
                        note=s.note,
                    )
                    for s in mv.supports
                ],
                actions=[
                    FamilyActionOut(
                        id=a.pk,
                        member_id=a.member_id,
                        goal_id=a.goal_id,
                        team=a.team.name,
                        what=a.what,
                        due_on=a.due_on,
                        obligation_id=a.obligation_id,
                        status=a.obligation.status,
                        outcome=a.obligation.outcome,
                    )
                    for a in mv.actions
                ],
            )
        )
    return FamilyPlanOut(
        id=plan.pk,
        status=plan.status,
        is_lead=view.is_lead,
        lead_team=plan.lead_team.name,
        lead_professional=plan.lead_professional.get_full_name() if plan.lead_professional else "",
        incident_id=plan.incident_id,
        opened_from=plan.opened_from,
        agreement=plan.agreement,
        agreement_note=plan.agreement_note if view.is_lead else "",
        safe_contact_note=plan.safe_contact_note,
        opened_on=plan.opened_on,
        first_meeting_due_on=plan.first_meeting_due_on,
        first_meeting_on=plan.first_meeting_on,
        next_review_due_on=plan.next_review_due_on,
        closed_on=plan.closed_on,
        close_reason=plan.close_reason,
        members=members,
        marac_actions=[
            FamilyMaracActionOut(
                obligation_id=m.obligation_id,
                case_id=m.case_id,
                team=m.obligation.team.name,
                status=m.obligation.status,
            )
            for m in view.marac_actions
        ],
        reviews=[
            FamilyReviewOut(
                id=r.review.pk,
                held_on=r.review.held_on,
                continues=r.review.continues,
                next_review_due_on=r.review.next_review_due_on,
                children_views=r.review.children_views,
                progress=[
                    FamilyGoalProgressOut(goal_id=p.goal_id, progress=p.progress)
                    for p in r.progress
                ],
            )
            for r in view.reviews
        ],
        withheld=view.withheld,
    )


def _may_change(actor: Actor, path: dict[str, str]) -> None:
    """Asked before the body is read: the plan must be one the caller sees (else 404) and
    the caller its lead team (else 403)."""
    plan_id = path_id(path, "plan_id")
    if plan_id is not None:
        plan = (
            FamilyPlan.objects.visible_to(actor)
            .select_related("lead_team")
            .filter(pk=plan_id)
            .first()
        )
        if plan is None:
            raise NotFound("No such family plan")
        if not is_lead(actor, plan):
            raise NotPermitted("Only the plan's lead team can change it")


CHANGING = acting_on(_may_change)


@router.get(
    "/families/plans",
    response={200: list[FamilyPlanSummaryOut], **ERROR_RESPONSES},
    summary="The family plans your agency leads or acts in",
)
@reads_personal_data
def plans_list(request: HttpRequest) -> list[FamilyPlanSummaryOut]:
    return [
        FamilyPlanSummaryOut(
            id=row.plan.pk,
            status=row.plan.status,
            lead_team=row.plan.lead_team.name,
            opened_on=row.plan.opened_on,
            next_review_due_on=row.plan.next_review_due_on,
            is_lead=row.is_lead,
        )
        for row in selectors.plans_for(actor=api_actor(request))
    ]


@router.post(
    "/families/plans",
    response={201: FamilyPlanOut, **CREATE_RESPONSES},
    summary="Open a family plan",
)
@reads_personal_data
def plan_create(
    request: HttpRequest,
    payload: FamilyPlanIn,
    idempotency_key: str = idempotency_key_header("the plan"),
) -> tuple[int, FamilyPlanOut]:
    """For a person the caller's agency works with: members from their family (each with a
    role; at least one child), led by one of the caller's teams, with the family's
    agreement (or why it was not sought) and a safe-contact note. A person already in
    another open plan is refused (422)."""
    actor = api_actor(request)
    body = payload.model_dump()
    members = {m["person_id"]: m["role"] for m in body.pop("members")}
    person_id = body.pop("person_id")
    with transaction.atomic():

        def run() -> tuple[str, int]:
            made = services.plan_open(actor=actor, person_id=person_id, members=members, **body)
            return RESOURCE, made.pk

        created = idempotent_create(
            scope=scope_for(actor),
            key=idempotency_key,
            operation="families.plan_open",
            body=payload.model_dump(mode="json"),
            create=run,
        )
        view = selectors.plan_get_for(
            actor=actor,
            plan_id=int(created.resource_id),
            purpose="Open a family plan",
            voices=False,
        )
    return 201, plan_out(view)


@router.get(
    "/families/plans/{plan_id}",
    response={200: FamilyPlanOut, **ERROR_RESPONSES},
    summary="A family plan",
)
@reads_personal_data
def plan_get(request: HttpRequest, plan_id: int = Path(..., ge=1, le=MAX_ID)) -> FamilyPlanOut:
    """The whole plan for its lead team; for a team owning an action, the members' names
    and roles, the safe-contact note, each child's risk level and the work of the members
    its actions are for (what is withheld is counted)."""
    return plan_out(selectors.plan_get_for(actor=api_actor(request), plan_id=plan_id, voices=False))


def _change(
    request: HttpRequest,
    plan_id: int,
    key: str,
    operation: str,
    body: dict[str, Any],
    act: Callable[[Actor], object],
) -> FamilyPlanOut:
    actor = api_actor(request)
    with transaction.atomic():

        def run() -> tuple[str, int]:
            act(actor)
            return RESOURCE, plan_id

        idempotent_create(
            scope=scope_for(actor),
            key=key,
            operation=operation,
            body={"plan_id": plan_id, "body": body},
            create=run,
        )
        view = selectors.plan_get_for(
            actor=actor,
            plan_id=plan_id,
            purpose=f"Change a family plan ({operation})",
            voices=False,
        )
    return plan_out(view)


CHANGE: dict[str, Any] = {"response": {200: FamilyPlanOut, **CREATE_RESPONSES}, "auth": CHANGING}


@router.post("/families/plans/{plan_id}/goals", summary="Add a goal", **CHANGE)
@reads_personal_data
def goal_add(
    request: HttpRequest,
    payload: FamilyGoalIn,
    plan_id: int = Path(..., ge=1, le=MAX_ID),
    idempotency_key: str = idempotency_key_header("the plan"),
) -> FamilyPlanOut:
    """A goal for a member, in plain words."""
    return _change(
        request,
        plan_id,
        idempotency_key,
        "families.goal",
        payload.model_dump(mode="json"),
        lambda actor: services.goal_add(actor=actor, plan=plan_id, **payload.model_dump()),
    )


@router.post("/families/plans/{plan_id}/actions", summary="Add an action", **CHANGE)
@reads_personal_data
def action_add(
    request: HttpRequest,
    payload: FamilyActionIn,
    plan_id: int = Path(..., ge=1, le=MAX_ID),
    idempotency_key: str = idempotency_key_header("the plan"),
) -> FamilyPlanOut:
    """An action for a member, owned by a team, due by a date: an obligation sent to the
    team at once (its outcome through the obligations API)."""
    return _change(
        request,
        plan_id,
        idempotency_key,
        "families.action",
        payload.model_dump(mode="json"),
        lambda actor: services.action_add(actor=actor, plan=plan_id, **payload.model_dump()),
    )


@router.post("/families/plans/{plan_id}/supports", summary="Add support", **CHANGE)
@reads_personal_data
def support_add(
    request: HttpRequest,
    payload: FamilySupportIn,
    plan_id: int = Path(..., ge=1, le=MAX_ID),
    idempotency_key: str = idempotency_key_header("the plan"),
) -> FamilyPlanOut:
    """A member's support of a kind their role may have. An adult victim's housing, refuge
    placement or specialist adult service started follows up each child."""
    return _change(
        request,
        plan_id,
        idempotency_key,
        "families.support",
        payload.model_dump(mode="json"),
        lambda actor: services.support_add(actor=actor, plan=plan_id, **payload.model_dump()),
    )


@router.post("/families/plans/{plan_id}/supports/{support_id}", summary="Update support", **CHANGE)
@reads_personal_data
def support_update(
    request: HttpRequest,
    payload: FamilySupportUpdateIn,
    plan_id: int = Path(..., ge=1, le=MAX_ID),
    support_id: int = Path(..., ge=1, le=MAX_ID),
    idempotency_key: str = idempotency_key_header("the plan"),
) -> FamilyPlanOut:
    """Planned, started or ended, with its dates."""
    return _change(
        request,
        plan_id,
        idempotency_key,
        "families.support_update",
        {"support_id": support_id, **payload.model_dump(mode="json")},
        lambda actor: services.support_update(
            actor=actor, plan=plan_id, support_id=support_id, **payload.model_dump()
        ),
    )


@router.post("/families/plans/{plan_id}/reviews", summary="Record a review", **CHANGE)
@reads_personal_data
def review_record(
    request: HttpRequest,
    payload: FamilyReviewIn,
    plan_id: int = Path(..., ge=1, le=MAX_ID),
    idempotency_key: str = idempotency_key_header("the plan"),
) -> FamilyPlanOut:
    """Progress on each goal still worked towards, the children's views, and whether the
    plan continues (the next review is planned) or closes (with a reason)."""
    body = payload.model_dump()
    progress = {p["goal_id"]: p["progress"] for p in body.pop("progress")}
    return _change(
        request,
        plan_id,
        idempotency_key,
        "families.review",
        payload.model_dump(mode="json"),
        lambda actor: services.review_record(actor=actor, plan=plan_id, progress=progress, **body),
    )


@router.post("/families/plans/{plan_id}/close", summary="Close the plan", **CHANGE)
@reads_personal_data
def plan_close(
    request: HttpRequest,
    payload: FamilyPlanCloseIn,
    plan_id: int = Path(..., ge=1, le=MAX_ID),
    idempotency_key: str = idempotency_key_header("the plan"),
) -> FamilyPlanOut:
    """With a reason ("other" needs a note). Actions stay with their teams until they
    record their outcomes; the lead team keeps seeing the plan for the area's days."""
    return _change(
        request,
        plan_id,
        idempotency_key,
        "families.close",
        payload.model_dump(mode="json"),
        lambda actor: services.plan_close(actor=actor, plan=plan_id, **payload.model_dump()),
    )
