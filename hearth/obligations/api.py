"""API: the obligation ledger for agency systems (issue 5, point 9): a team's inbox, one
obligation with what its route shares, the actions its team takes on it, and an
incident's obligations for whoever may see the incident (the referrer sees the decision).

Thin adapters over ``obligations.services`` and ``obligations.selectors``. An obligation
the caller may not see is a 404, exactly like a missing one; one the caller may see but
not act on (the referrer, another team of the agency for a key issued to one team) is a
403, whatever the body says (authorise before validating: the body is checked only for
someone who may act); an action its status does not allow is a 409
``invalid_transition``.

Every action takes an ``Idempotency-Key``, as a create does (``hearth.core.idempotency``):
the first request with a key acts, a retry with the same key and body acts no more and
answers with the obligation as it is, and the same key with another body (or another
obligation) is a 409. The answer to each action is the obligation, read like ``GET
/obligations/{obligation_id}`` (one access event).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import rules
from django.db import transaction
from django.http import HttpRequest
from ninja import Path, Query, Router

from hearth.accounts.api_auth import acting_on, path_id
from hearth.core.actor import Actor
from hearth.core.api import CREATE_RESPONSES, ERROR_RESPONSES, api_actor, idempotency_key_header
from hearth.core.errors import NotPermitted, ValidationFailed
from hearth.core.idempotency import idempotent_create, scope_for
from hearth.core.personal_data import reads_personal_data
from hearth.incidents.schemas import MAX_ID
from hearth.obligations import selectors, services
from hearth.obligations.api_out import (
    deadline_out,
    detail_out,
    next_due_of,
    outcome_out,
    summary_out,
    team_out,
)
from hearth.obligations.models import Obligation
from hearth.obligations.schemas import (
    AcknowledgeIn,
    InboxFiltersIn,
    InboxOut,
    IncidentObligationOut,
    IncidentObligationsOut,
    ObligationDetailBase,
    ObligationOut,
    OutcomeIn,
    RedirectIn,
    UnroutedOut,
    obligation_detail_schema,
)

router = Router(tags=["obligations"])

# One obligation's answer, with what each registered route shares: made as the API is
# built (this module is imported by the URL configuration, once every app is ready).
ObligationDetailOut = obligation_detail_schema()

# Each action also declares 409: a key reused for another request, or a status that does
# not allow the action.
ACTION_RESPONSES = CREATE_RESPONSES
RESOURCE = Obligation._meta.label_lower


# --- Acting on an obligation ---------------------------------------------------------------


def _act(
    request: HttpRequest,
    *,
    obligation_id: int,
    key: str,
    operation: str,
    body: dict[str, Any],
    act: Callable[[Actor, Obligation], object],
    purpose: str,
) -> ObligationDetailBase:
    """Find the obligation (404 if the caller may not see it), refuse a caller who may
    not act on it (403) before anything in the request is looked at, act once per key,
    and answer with the obligation as it now is (an access-logged read)."""
    actor = api_actor(request)
    with transaction.atomic():
        obligation = selectors.obligation_for_action(actor=actor, obligation_id=obligation_id)
        _require_may_act(actor, obligation)

        def run() -> tuple[str, int]:
            act(actor, obligation)
            return RESOURCE, obligation.pk

        idempotent_create(
            scope=scope_for(actor),
            key=key,
            operation=operation,
            body={"obligation_id": obligation_id, "body": body},
            create=run,
        )
        detail = selectors.obligation_get_for(
            actor=actor, obligation_id=obligation_id, purpose=purpose
        )
    return detail_out(detail)


def _require_may_act(actor: Actor, obligation: Obligation) -> None:
    """Authorise before validating (issue 11 §2): someone who may see the obligation but
    not act on it (the referrer, another team of the agency) is refused whatever the
    body says, so that the answer never depends on (or tells them about) its content. The
    services check the same rule again."""
    if not rules.test_rule("obligations.act_on", actor, obligation):
        raise NotPermitted("Only the team it is addressed to can do this")


def _may_act_on_obligation(actor: Actor, path: dict[str, str]) -> None:
    """Asked as the caller is authenticated, before the body is read (``acting_on``)."""
    obligation_id = path_id(path, "obligation_id")
    if obligation_id is not None:
        _require_may_act(
            actor, selectors.obligation_for_action(actor=actor, obligation_id=obligation_id)
        )


# The actions' way in: whoever may not act is refused (404 or 403) before validation.
ACTING_ON_OBLIGATION = acting_on(_may_act_on_obligation)


def _renamed(error: ValidationFailed, paths: dict[str, str]) -> ValidationFailed:
    return error.renamed(lambda name: paths.get(name, name))


# --- Routes -----------------------------------------------------------------------------------


@router.get(
    "/teams/{team_id}/obligations",
    response={200: InboxOut, **ERROR_RESPONSES},
    summary="A team's inbox",
)
@reads_personal_data
def inbox(
    request: HttpRequest,
    filters: Query[InboxFiltersIn],
    team_id: int = Path(..., ge=1, le=MAX_ID),
) -> InboxOut:
    """The obligations addressed to one of your teams (a key issued for a team sees that
    team's inbox only): overdue and soonest due first, a page at a time (50 unless
    page_size says fewer or up to 100), with how many match (an access-logged search). A
    team that is not yours is a 404."""
    found = selectors.inbox_for(
        actor=api_actor(request),
        team_id=team_id,
        filters=selectors.InboxFilters(
            status=filters.status or "",
            route=filters.route or "",
            due_by=filters.due_by,
            local_authority_id=filters.local_authority_id,
            overdue_only=filters.overdue_only,
            due_today=filters.due_today,
        ),
        page=filters.page,
        page_size=filters.page_size,
    )
    assert found.page is not None
    return InboxOut(
        team=team_out(found.team),
        total=found.total,
        overdue=found.overdue,
        page=found.page.number,
        pages=found.page.paginator.num_pages,
        obligations=[
            ObligationOut(**summary_out(row.obligation, row.next_due)) for row in found.rows
        ],
    )


@router.get(
    "/obligations/{obligation_id}",
    response={200: ObligationDetailOut, **ERROR_RESPONSES},
    summary="An obligation",
)
@reads_personal_data
def obligation_get(
    request: HttpRequest, obligation_id: int = Path(..., ge=1, le=MAX_ID)
) -> ObligationDetailBase:
    """One obligation: the rule and version that created it and why, its deadlines, what
    has happened (acknowledgement, outcome, redirections, and its route's own records) and
    what its route shares with the team it is addressed to (an access-logged read). The team it is
    addressed to sees it while it is open and for a while after; whoever may see its
    incident sees it too. Otherwise it is a 404, like a missing one."""
    return detail_out(
        selectors.obligation_get_for(actor=api_actor(request), obligation_id=obligation_id)
    )


@router.post(
    "/obligations/{obligation_id}/acknowledge",
    response={200: ObligationDetailOut, **ACTION_RESPONSES},
    auth=ACTING_ON_OBLIGATION,
    summary="Acknowledge an obligation",
)
@reads_personal_data
def obligation_acknowledge(
    request: HttpRequest,
    payload: AcknowledgeIn | None = None,
    obligation_id: int = Path(..., ge=1, le=MAX_ID),
    idempotency_key: str = idempotency_key_header("the obligation"),
) -> ObligationDetailBase:
    """The team it is addressed to confirms it has it; the referrer sees the
    acknowledgement. The body may be left out. Acknowledging what is already acknowledged
    changes nothing."""
    given = payload or AcknowledgeIn(note="")
    return _act(
        request,
        obligation_id=obligation_id,
        key=idempotency_key,
        operation="obligations.acknowledge",
        body=given.model_dump(mode="json"),
        act=lambda actor, o: services.obligation_acknowledge(
            actor=actor, obligation=o, note=given.note
        ),
        purpose="Acknowledge an obligation",
    )


@router.post(
    "/obligations/{obligation_id}/outcome",
    response={200: ObligationDetailOut, **ACTION_RESPONSES},
    auth=ACTING_ON_OBLIGATION,
    summary="Record an obligation's outcome",
)
@reads_personal_data
def obligation_outcome(
    request: HttpRequest,
    payload: OutcomeIn,
    obligation_id: int = Path(..., ge=1, le=MAX_ID),
    idempotency_key: str = idempotency_key_header("the obligation"),
) -> ObligationDetailBase:
    """An obligation's outcome, one of its route's, which closes it unless the route keeps
    it open (a route may need a note: when and how a child was seen, say). An outcome that
    does not fit the route is a 422 naming ``outcome``; a route that records its outcome
    its own way takes it through its own action."""

    def record(actor: Actor, obligation: Obligation) -> None:
        try:
            services.outcome_record(
                actor=actor, obligation=obligation, outcome=payload.outcome, note=payload.note
            )
        except ValidationFailed as error:
            # On a child concern notification the outcome is the decision.
            raise _renamed(error, {"decision": "outcome"}) from None

    return _act(
        request,
        obligation_id=obligation_id,
        key=idempotency_key,
        operation="obligations.outcome",
        body=payload.model_dump(mode="json"),
        act=record,
        purpose="Record an obligation's outcome",
    )


@router.post(
    "/obligations/{obligation_id}/redirect",
    response={200: ObligationDetailOut, **ACTION_RESPONSES},
    auth=ACTING_ON_OBLIGATION,
    summary="Redirect an obligation to another team",
)
@reads_personal_data
def obligation_redirect(
    request: HttpRequest,
    payload: RedirectIn,
    obligation_id: int = Path(..., ge=1, le=MAX_ID),
    idempotency_key: str = idempotency_key_header("the obligation"),
) -> ObligationDetailBase:
    """Send it on to the team it should have gone to (another active team doing the same
    work, for example the front door where the child lives), with the reason. Its history
    and clock stay; the new team must acknowledge it. Once it has gone to another
    agency's team you no longer see it: the answer is its last view (read, and logged,
    just before it was handed on), and a later retry or read is a 404."""
    actor = api_actor(request)
    with transaction.atomic():
        _require_may_act(
            actor, selectors.obligation_for_action(actor=actor, obligation_id=obligation_id)
        )
        detail = selectors.obligation_get_for(
            actor=actor, obligation_id=obligation_id, purpose="Redirect an obligation"
        )
        redirected: list[Obligation] = []

        def redirect() -> tuple[str, int]:
            team = selectors.redirect_team_for(
                obligation=detail.obligation, team_id=payload.to_team_id, field="to_team_id"
            )
            try:
                redirected.append(
                    services.obligation_redirect(
                        actor=actor,
                        obligation=detail.obligation,
                        to_team=team,
                        reason=payload.reason,
                    )
                )
            except ValidationFailed as error:
                raise _renamed(error, {"to_team": "to_team_id"}) from None
            return RESOURCE, obligation_id

        idempotent_create(
            scope=scope_for(actor),
            key=idempotency_key,
            operation="obligations.redirect",
            body={"obligation_id": obligation_id, "body": payload.model_dump(mode="json")},
            create=redirect,
        )
        if redirected:
            # A retry acts no more: what was read above is the obligation as it is.
            detail = selectors.redirected_detail(detail=detail, obligation=redirected[0])
    return detail_out(detail)


@router.get(
    "/incidents/{incident_id}/obligations",
    response={200: IncidentObligationsOut, **ERROR_RESPONSES},
    summary="An incident's obligations",
)
@reads_personal_data
def incident_obligations(
    request: HttpRequest, incident_id: int = Path(..., ge=1, le=MAX_ID)
) -> IncidentObligationsOut:
    """For whoever may see the incident (the police force that recorded it, the agency
    that raised a concern): every obligation it created, with its team, status, every
    deadline, the rule and version that created it and why, and its outcome (an
    access-logged read); whether every child's obligations have ended (``complete``); and
    the work no team could be found for (``unrouted``). What each obligation shared with
    its team is not shown here."""
    found = selectors.incident_obligations_with_deadlines_for(
        actor=api_actor(request), incident_id=incident_id
    )
    progress = found.progress
    return IncidentObligationsOut(
        incident_id=progress.incident.pk,
        complete=progress.complete,
        obligations=[
            IncidentObligationOut(
                id=o.pk,
                route=o.route,
                subject_id=o.subject_id,
                team=team_out(o.team),
                status=o.status,  # type: ignore[arg-type]
                deadlines=[deadline_out(d) for d in found.deadlines[o.pk]],
                next_due_at=next_due_of(found.deadlines[o.pk]),
                overdue=any(d.is_overdue for d in found.deadlines[o.pk]),
                rule=o.rule,
                rule_version=o.rule_version,
                reason=o.reason,
                outcome=outcome_out(o),
            )
            for o in progress.obligations
        ],
        unrouted=[
            UnroutedOut(route=u.route, subject_id=u.subject_id, reason=u.reason)
            for u in progress.unrouted
        ],
    )
