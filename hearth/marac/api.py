"""The MARAC API (/api/v1/marac/...), for the MARAC's own agency (anyone else: 404, as
if missing): its meetings, a meeting's agenda, adding a referral to it, a case and the
record of its hearing. Each action takes an ``Idempotency-Key`` and is idempotent in its
service too; 404 for what the caller may not see, 422 for what the rules refuse."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Path, Router

from hearth.accounts.api_auth import acting_on, path_id
from hearth.core.actor import Actor
from hearth.core.api import CREATE_RESPONSES, ERROR_RESPONSES, api_actor, idempotency_key_header
from hearth.core.idempotency import idempotent_create, scope_for
from hearth.core.personal_data import no_personal_data, reads_personal_data
from hearth.marac import policy, selectors, services
from hearth.marac.models import MaracCase, MaracMeeting
from hearth.marac.schemas import (
    MaracActionOut,
    MaracCaseAddIn,
    MaracCaseChildOut,
    MaracCaseOut,
    MaracCaseSummaryOut,
    MaracHearIn,
    MaracMeetingIn,
    MaracMeetingOut,
    MaracMeetingSummaryOut,
)

router = Router(tags=["marac"])
MAX_ID = 2**63 - 1
MEETING = MaracMeeting._meta.label_lower
CASE = MaracCase._meta.label_lower


def _summary(meeting: MaracMeeting, case_count: int) -> MaracMeetingSummaryOut:
    return MaracMeetingSummaryOut(
        id=meeting.pk,
        held_on=meeting.held_on,
        starts_at=f"{meeting.starts_at:%H:%M}",
        how_held=meeting.format,
        place=meeting.place,
        status=meeting.status,
        case_count=case_count,
    )


def meeting_out(view: selectors.MeetingView) -> MaracMeetingOut:
    summary = _summary(view.meeting, len(view.cases))
    return MaracMeetingOut(
        **summary.model_dump(),
        cases=[
            MaracCaseSummaryOut(
                id=c.pk,
                position=c.position,
                referral_obligation_id=c.referral_id,
                victim_id=c.referral.subject_id,
                victim_name=c.referral.subject.full_name,
                repeat=c.repeat,
                status=c.status,
                children_count=c.children_count,  # type: ignore[attr-defined]
            )
            for c in [*view.cases, *view.moved_off]
        ],
    )


def case_out(view: selectors.CaseView) -> MaracCaseOut:
    case = view.case
    return MaracCaseOut(
        id=case.pk,
        meeting_id=view.meeting.pk,
        meeting_on=view.meeting.held_on,
        position=case.position,
        referral_obligation_id=view.referral.pk,
        victim_id=view.victim.pk,
        victim_name=view.victim.full_name,
        repeat=case.repeat,
        status=case.status,
        heard_at=case.heard_at,
        risks=case.risks,
        attended_agency_ids=[a.pk for a in view.attended],
        children=[
            MaracCaseChildOut(child_id=c.child_id, name=c.child.full_name, confirmed=c.confirmed)
            for c in view.children
        ],
        unconfirmed_reason=case.unconfirmed_reason,
        note=case.note,
        actions=[
            MaracActionOut(
                id=a.pk,
                number=a.number,
                for_person_id=a.for_person_id,
                for_role=a.for_role,
                owner_team_id=a.owner_team_id,
                owner_team_name=a.owner_team.name,
                words=a.words,
                due_on=a.due_on,
                obligation_id=a.obligation_id,
                obligation_status=a.obligation.status if a.obligation else None,
            )
            for a in view.actions
        ],
    )


def _may_act(actor: Actor, path: dict[str, str]) -> None:
    """Asked before the body is read: the MARAC's own agency, and only its own meetings
    and cases."""
    services.marac_team_of(actor)
    meeting_id = path_id(path, "meeting_id")
    if meeting_id is not None:
        selectors.meeting_only(actor=actor, meeting_id=meeting_id)
    case_id = path_id(path, "case_id")
    if case_id is not None:
        selectors.case_acting(actor=actor, case_id=case_id)


ACTING = acting_on(_may_act)


def _time(text: str) -> dt.time:
    hours, minutes = text.split(":")
    return dt.time(int(hours), int(minutes))


@router.get(
    "/marac/meetings",
    response={200: list[MaracMeetingSummaryOut], **ERROR_RESPONSES},
    summary="The MARAC's meetings",
)
@no_personal_data
def meeting_list(request: HttpRequest) -> list[MaracMeetingSummaryOut]:
    """Upcoming meetings (soonest first), then past and cancelled ones (latest first)."""
    page = selectors.meetings_for(actor=api_actor(request), with_waiting=False)
    return [_summary(m, m.case_count) for m in [*page.upcoming, *page.past]]  # type: ignore[attr-defined]


@router.post(
    "/marac/meetings",
    response={201: MaracMeetingSummaryOut, **CREATE_RESPONSES},
    summary="Schedule a meeting",
)
@no_personal_data
def meeting_schedule(
    request: HttpRequest,
    payload: MaracMeetingIn,
    idempotency_key: str = idempotency_key_header("the meeting"),
) -> tuple[int, MaracMeetingSummaryOut]:
    """A meeting of the caller's MARAC, today or later. The same date and time again is
    the same meeting."""
    actor = api_actor(request)
    with transaction.atomic():

        def run() -> tuple[str, int]:
            meeting = services.meeting_schedule(
                actor=actor,
                held_on=payload.held_on,
                starts_at=_time(payload.starts_at),
                format=payload.how_held,
                place=payload.place,
            )
            return MEETING, meeting.pk

        created = idempotent_create(
            scope=scope_for(actor),
            key=idempotency_key,
            operation="marac.meeting_schedule",
            body=payload.model_dump(mode="json"),
            create=run,
        )
        meeting = selectors.meeting_only(actor=actor, meeting_id=int(created.resource_id))
        count = meeting.cases.filter(status__in=policy.OPEN_CASE_STATUSES).count()
    return 201, _summary(meeting, count)


@router.get(
    "/marac/meetings/{meeting_id}",
    response={200: MaracMeetingOut, **ERROR_RESPONSES},
    summary="A meeting and its agenda",
)
@reads_personal_data
def meeting_get(
    request: HttpRequest, meeting_id: int = Path(..., ge=1, le=MAX_ID)
) -> MaracMeetingOut:
    """The cases on its agenda in order (new or repeat, heard or not), then those moved to
    a later meeting or taken off it."""
    return meeting_out(selectors.meeting_get_for(actor=api_actor(request), meeting_id=meeting_id))


@router.post(
    "/marac/meetings/{meeting_id}/cases",
    response={201: MaracCaseOut, **CREATE_RESPONSES},
    summary="Add a referral to the agenda",
    auth=ACTING,
)
@reads_personal_data
def case_add(
    request: HttpRequest,
    payload: MaracCaseAddIn,
    meeting_id: int = Path(..., ge=1, le=MAX_ID),
    idempotency_key: str = idempotency_key_header("the case"),
) -> tuple[int, MaracCaseOut]:
    """A MARAC referral sent to this MARAC and waiting to be heard joins a scheduled
    meeting's agenda, last (and is acknowledged if it was not yet). A referral on another
    meeting's agenda is refused (422): it is moved, not added twice."""
    actor = api_actor(request)
    with transaction.atomic():
        meeting = selectors.meeting_only(actor=actor, meeting_id=meeting_id)

        def run() -> tuple[str, int]:
            case = services.case_add(
                actor=actor, meeting=meeting, referral_obligation_id=payload.referral_obligation_id
            )
            return CASE, case.pk

        created = idempotent_create(
            scope=scope_for(actor),
            key=idempotency_key,
            operation="marac.case_add",
            body={"meeting_id": meeting_id, "body": payload.model_dump(mode="json")},
            create=run,
        )
        view = selectors.case_get_for(
            actor=actor, case_id=int(created.resource_id), purpose="Add a case to a MARAC agenda"
        )
    return 201, case_out(view)


@router.get(
    "/marac/cases/{case_id}",
    response={200: MaracCaseOut, **ERROR_RESPONSES},
    summary="A case",
)
@reads_personal_data
def case_get(request: HttpRequest, case_id: int = Path(..., ge=1, le=MAX_ID)) -> MaracCaseOut:
    """The referral's victim and children, and once heard: the agencies that attended, the
    risks discussed and each action with its obligation in the ledger."""
    return case_out(selectors.case_get_for(actor=api_actor(request), case_id=case_id))


@router.post(
    "/marac/cases/{case_id}/hear",
    response={200: MaracCaseOut, **CREATE_RESPONSES},
    summary="Record the hearing of a case",
    auth=ACTING,
)
@reads_personal_data
def case_hear(
    request: HttpRequest,
    payload: MaracHearIn,
    case_id: int = Path(..., ge=1, le=MAX_ID),
    idempotency_key: str = idempotency_key_header("the case"),
) -> MaracCaseOut:
    """With the agencies that attended, the risks discussed, the children confirmed and at
    least one action (422 otherwise, each problem named: ``actions.<n>.<field>``). Each
    action becomes an obligation to its owner team; the referral is heard and closes."""
    actor = api_actor(request)
    with transaction.atomic():
        case = selectors.case_acting(actor=actor, case_id=case_id)
        body: dict[str, Any] = payload.model_dump(mode="json")

        def run() -> tuple[str, int]:
            services.case_hear(
                actor=actor,
                case=case,
                attended_agency_ids=payload.attended_agency_ids,
                risks=payload.risks,
                child_ids=payload.child_ids,
                unconfirmed_reason=payload.unconfirmed_reason,
                note=payload.note,
                actions=[
                    policy.ActionIn(
                        for_person_id=a.for_person_id,
                        owner_team_id=a.owner_team_id,
                        words=a.words,
                        due_on=a.due_on,
                    )
                    for a in payload.actions
                ],
            )
            return CASE, case_id

        idempotent_create(
            scope=scope_for(actor),
            key=idempotency_key,
            operation="marac.case_hear",
            body={"case_id": case_id, "body": body},
            create=run,
        )
        view = selectors.case_get_for(actor=actor, case_id=case_id, purpose="Hear a MARAC case")
    return case_out(view)
