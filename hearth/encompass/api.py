"""API: Operation Encompass for school safeguarding systems (issue 6, point 7): the inbox
of a school's notifications, one notification with what it carries, and the school's
actions on it (acknowledge, the support it will give, how the support went).

A key is issued to a school's agency, or to its trust's (``EducationSetting.trust``),
whose system then reads and acts for every school of the trust. Thin adapters over
``encompass.selectors`` and ``encompass.services``:

- the answer is only what the notification carries (its frozen content, the reminder
  not to approach the parents, the proof of the duty, the school's response): never the
  incident, its id, an adult or anyone's record (architecture §4). The generic
  ``/obligations/{obligation_id}`` stays a 404 for the school;
- a notification the caller may not see is a 404, exactly like a missing one; one the
  caller sees but may not act on (the force that sent it) is a 403;
- reading a notification as its recipient stamps its first opening (the proof of the
  duty), as the page does; every read writes one access event;
- every action takes an ``Idempotency-Key`` (``hearth.core.idempotency``): a retry with
  the same key and body acts no more and answers with the notification as it is; the
  same key with another body, notification or action is a 409.
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
from hearth.core.errors import NotPermitted
from hearth.core.idempotency import idempotent_create, scope_for
from hearth.core.personal_data import reads_personal_data
from hearth.encompass import services
from hearth.encompass.models import EncompassNotification
from hearth.encompass.policy import DO_NOT_APPROACH_PARENTS
from hearth.encompass.schemas import (
    EncompassChildOut,
    EncompassChildSummaryOut,
    EncompassContentOut,
    EncompassInboxFiltersIn,
    EncompassInboxOut,
    EncompassNotificationDetailOut,
    EncompassNotificationOut,
    EncompassOutcomeIn,
    EncompassSettingOut,
    EncompassSupportIn,
    EncompassSupportOut,
    EncompassSupportOutcomeOut,
)
from hearth.encompass.selectors import (
    NotificationDetail,
    NotificationView,
    encompass_inbox_for,
    encompass_notification_for_action,
    encompass_notification_get_for,
)
from hearth.incidents.schemas import MAX_ID
from hearth.obligations.api_out import team_out
from hearth.obligations.schemas import AcknowledgeIn

router = Router(tags=["operation encompass"])

# Each action also declares 409: a key reused for another request.
ACTION_RESPONSES = CREATE_RESPONSES
RESOURCE = EncompassNotification._meta.label_lower


def _notification_id() -> Any:
    return Path(..., ge=1, le=MAX_ID, description="The notification's id (`id` in the inbox).")


# --- What the API answers: records turned into documents (no reads here) -----------------


def _summary(view: NotificationView) -> dict[str, Any]:
    notification = view.notification
    obligation = notification.obligation
    setting = notification.setting
    return {
        "id": obligation.pk,
        "status": obligation.status,
        "team": team_out(obligation.team),
        "setting": EncompassSettingOut(urn=setting.urn, name=setting.name) if setting else None,
        # What the notification carries about each child, not their record.
        "children": [
            EncompassChildSummaryOut(name=c["name"], date_of_birth=c.get("date_of_birth"))
            for c in view.content.get("children", [])
        ],
        "created_at": notification.created_at,
        "delivered_at": notification.delivered_at,
        "first_opened_at": notification.first_opened_at,
        "acknowledged_at": view.acknowledged_at,
        "due_at": view.due.due_at if view.due else None,
        "estimated": bool(view.due and view.due.estimated),
        "overdue": view.is_overdue,
    }


def _content(content: dict[str, Any]) -> EncompassContentOut:
    child_fields = EncompassChildOut.model_fields
    return EncompassContentOut(
        template=content.get("template", "minimal"),
        incident_date=content.get("incident_date"),
        police_reference=content.get("police_reference"),
        occurred_at=content.get("occurred_at"),
        location=content.get("location"),
        # Only the fields a child's content may hold: its person id stays out.
        children=[
            EncompassChildOut(**{k: v for k, v in child.items() if k in child_fields})
            for child in content.get("children", [])
        ],
    )


def _detail(detail: NotificationDetail) -> EncompassNotificationDetailOut:
    view = detail.view
    notification, obligation = view.notification, view.obligation
    # The school's own words are for the school: the force sees that support was chosen
    # and when, as on its pages.
    mine = detail.is_recipient
    return EncompassNotificationDetailOut(
        **_summary(view),
        do_not_approach_parents=DO_NOT_APPROACH_PARENTS,
        content=_content(view.content),
        due_basis=view.due.basis if view.due else "",
        acknowledged_late=view.acknowledged_late,
        support=EncompassSupportOut(
            code=obligation.outcome,  # type: ignore[arg-type]
            label=view.support_label,
            note=obligation.outcome_note if mine else None,
            recorded_at=obligation.outcome_at,
        )
        if obligation.outcome
        else None,
        support_outcome=EncompassSupportOutcomeOut(
            outcome=notification.support_outcome if mine else None,
            recorded_at=notification.support_outcome_at,
        )
        if notification.support_outcome_at
        else None,
        closed_at=obligation.closed_at,
    )


# --- Acting on a notification --------------------------------------------------------------


def _act(
    request: HttpRequest,
    *,
    notification_id: int,
    key: str,
    operation: str,
    body: dict[str, Any],
    act: Callable[[Actor, EncompassNotification], object],
) -> EncompassNotificationDetailOut:
    """Find the notification (404 if the caller may not see it), act once per key (the
    service refuses anyone but the receiving school or its trust: 403), and answer with
    the notification as it now is (one access-logged read)."""
    actor = api_actor(request)
    with transaction.atomic():
        notification = encompass_notification_for_action(actor=actor, obligation_id=notification_id)

        def run() -> tuple[str, int]:
            act(actor, notification)
            return RESOURCE, notification.pk

        idempotent_create(
            scope=scope_for(actor),
            key=key,
            operation=operation,
            body={"notification_id": notification_id, "body": body},
            create=run,
        )
        detail = encompass_notification_get_for(actor=actor, obligation_id=notification_id)
    return _detail(detail)


def _may_act_on_notification(actor: Actor, path: dict[str, str]) -> None:
    """Authorise before validating (issue 11 §2): asked as the caller is authenticated,
    before the body is read; whoever may not see the notification gets 404, whoever sees
    it but may not act (the force that sent it) 403, whatever they sent."""
    notification_id = path_id(path, "notification_id")
    if notification_id is None:
        return
    notification = encompass_notification_for_action(actor=actor, obligation_id=notification_id)
    if not rules.test_rule("obligations.act_on", actor, notification.obligation):
        raise NotPermitted("Only the receiving school can do this")


ACTING_ON_NOTIFICATION = acting_on(_may_act_on_notification)


# --- Routes -----------------------------------------------------------------------------------


@router.get(
    "/encompass/notifications",
    response={200: EncompassInboxOut, **ERROR_RESPONSES},
    summary="Your Operation Encompass notifications",
)
@reads_personal_data
def encompass_inbox(
    request: HttpRequest, filters: Query[EncompassInboxFiltersIn]
) -> EncompassInboxOut:
    """The notifications your school received (a trust's key: every school of the trust),
    newest first, 25 a page, each with its children, its due time and whether it is
    overdue (an access-logged search). Listing does not open them."""
    inbox = encompass_inbox_for(actor=api_actor(request), page=filters.page)
    return EncompassInboxOut(
        total=inbox.page.paginator.count,
        overdue=inbox.overdue,
        page=inbox.page.number,
        pages=inbox.page.paginator.num_pages,
        notifications=[EncompassNotificationOut(**_summary(view)) for view in inbox.items],
    )


@router.get(
    "/encompass/notifications/{notification_id}",
    response={200: EncompassNotificationDetailOut, **ERROR_RESPONSES},
    summary="An Operation Encompass notification",
)
@reads_personal_data
def encompass_notification_get(
    request: HttpRequest, notification_id: int = _notification_id()
) -> EncompassNotificationDetailOut:
    """One notification: what the police shared (by the force's template), the reminder
    not to approach the parents, when it was due, delivered, first opened and
    acknowledged, and the support the school chose and how it went (an access-logged
    read). The first read by the receiving school (or its trust) is its first opening.
    The force that sent it may read it too; anyone else gets a 404, like a missing one."""
    actor = api_actor(request)
    with transaction.atomic():
        detail = encompass_notification_get_for(actor=actor, obligation_id=notification_id)
        if detail.is_recipient:
            services.notification_open(actor=actor, notification=detail.view.notification)
    return _detail(detail)


@router.post(
    "/encompass/notifications/{notification_id}/acknowledge",
    response={200: EncompassNotificationDetailOut, **ACTION_RESPONSES},
    auth=ACTING_ON_NOTIFICATION,
    summary="Acknowledge an Operation Encompass notification",
)
@reads_personal_data
def encompass_acknowledge(
    request: HttpRequest,
    payload: AcknowledgeIn | None = None,
    notification_id: int = _notification_id(),
    idempotency_key: str = idempotency_key_header("the notification"),
) -> EncompassNotificationDetailOut:
    """The school confirms it has the notification; the force sees the time. The body
    may be left out. Acknowledging what is already acknowledged changes nothing.
    Acknowledging without reading it first also counts as opening it."""
    given = payload or AcknowledgeIn(note="")
    return _act(
        request,
        notification_id=notification_id,
        key=idempotency_key,
        operation="encompass.acknowledge",
        body=given.model_dump(mode="json"),
        act=lambda actor, n: services.notification_acknowledge(
            actor=actor, notification=n, note=given.note
        ),
    )


@router.post(
    "/encompass/notifications/{notification_id}/support",
    response={200: EncompassNotificationDetailOut, **ACTION_RESPONSES},
    auth=ACTING_ON_NOTIFICATION,
    summary="Record the support the school will give",
)
@reads_personal_data
def encompass_support(
    request: HttpRequest,
    payload: EncompassSupportIn,
    notification_id: int = _notification_id(),
    idempotency_key: str = idempotency_key_header("the notification"),
) -> EncompassNotificationDetailOut:
    """The support the school will give, acknowledging the notification first if need
    be. Recording the same again changes nothing; a different choice replaces it. Once
    how it went is recorded (the notification is closed) it cannot change (422)."""
    return _act(
        request,
        notification_id=notification_id,
        key=idempotency_key,
        operation="encompass.support",
        body=payload.model_dump(mode="json"),
        act=lambda actor, n: services.notification_support_record(
            actor=actor, notification=n, support=payload.support, note=payload.note
        ),
    )


@router.post(
    "/encompass/notifications/{notification_id}/outcome",
    response={200: EncompassNotificationDetailOut, **ACTION_RESPONSES},
    auth=ACTING_ON_NOTIFICATION,
    summary="Record how the support went",
)
@reads_personal_data
def encompass_outcome(
    request: HttpRequest,
    payload: EncompassOutcomeIn,
    notification_id: int = _notification_id(),
    idempotency_key: str = idempotency_key_header("the notification"),
) -> EncompassNotificationDetailOut:
    """How the support went, which closes the notification. The support must be
    recorded first (a 422 naming ``outcome`` otherwise); recording the same words again
    changes nothing."""
    return _act(
        request,
        notification_id=notification_id,
        key=idempotency_key,
        operation="encompass.outcome",
        body=payload.model_dump(mode="json"),
        act=lambda actor, n: services.notification_outcome_record(
            actor=actor, notification=n, outcome=payload.outcome
        ),
    )
