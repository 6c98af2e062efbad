"""Reads of the audit trail. Invariants:

- the access log is visible to administrators only (``AccessEvent.visible_to``), and every
  search of it is itself recorded as an access event (architecture §5);
- timeline events are read only through a subject the caller has already been allowed to
  see: ``timeline_of`` trusts its caller's selector to have checked ``visible_to``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import rules
from django.db import models

from hearth.audit.models import AccessAction, AccessEvent, TimelineEvent
from hearth.audit.services import access_record
from hearth.core.actor import Actor
from hearth.core.errors import NotFound

ACCESS_LOG_PAGE_SIZE = 100


@dataclass(frozen=True)
class AccessLogSearch:
    user_email: str = ""
    record_type: str = ""
    record_id: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass(frozen=True)
class AccessLogPage:
    events: list[AccessEvent]
    total: int


# A model that moved to another app keeps its rows, but reads logged before the move name
# it by its former label: searching by the new one finds both (append-only: old rows are
# never rewritten). Filled by the app that received the model, from its AppConfig.ready.
FORMER_RECORD_TYPES: dict[str, tuple[str, ...]] = {}


def access_event_search(*, actor: Actor, search: AccessLogSearch) -> AccessLogPage:
    """Search the access log by user, record and date; the search is logged too."""
    if not rules.test_rule("audit.search_access_log", actor):
        raise NotFound("No such page")
    events = AccessEvent.objects.visible_to(actor)
    if search.user_email:
        events = events.filter(user__email__iexact=search.user_email.strip())
    if search.record_type:
        wanted = search.record_type.strip().lower()
        events = events.filter(
            records__record_type__in=[wanted, *FORMER_RECORD_TYPES.get(wanted, ())]
        )
    if search.record_id:
        events = events.filter(records__record_id=search.record_id.strip())
    if search.date_from:
        events = events.filter(at__date__gte=search.date_from)
    if search.date_to:
        events = events.filter(at__date__lte=search.date_to)
    events = events.distinct()
    total = events.count()
    page = list(
        events.select_related("user", "agency", "api_key").prefetch_related("records")[
            :ACCESS_LOG_PAGE_SIZE
        ]
    )
    access_record(
        actor=actor,
        action=AccessAction.SEARCH,
        purpose="Search the access log",
        records=[],
        query={
            "user_email": search.user_email,
            "record_type": search.record_type,
            "record_id": search.record_id,
            "date_from": search.date_from.isoformat() if search.date_from else "",
            "date_to": search.date_to.isoformat() if search.date_to else "",
        },
        result_count=total,
    )
    return AccessLogPage(events=page, total=total)


def timeline_of(*, subject: models.Model, limit: int = 50) -> list[TimelineEvent]:
    """The newest events on ``subject``. Call only from a selector that checked the subject."""
    return list(
        TimelineEvent.objects.for_subject(subject).select_related("actor_user", "actor_agency")[
            :limit
        ]
    )
