"""Writing the audit trail. Invariants:

- every read, search or export of personal data records one ``AccessEvent`` listing
  the records returned (architecture.md §5); the selector that reads calls
  ``access_record`` before it returns;
- every change records a ``TimelineEvent`` on its subject, in the change's own
  transaction, so that a rolled-back change leaves no event and a committed one
  always has one;
- neither is ever changed or deleted (see ``models``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from hearth.audit.models import AccessAction, AccessEvent, AccessEventRecord, TimelineEvent
from hearth.core.actor import Actor

# The route (URL name or API operation) being served, set by ``AccessRouteMiddleware`` and
# the API, so that an access event says where the read came from without every selector
# being told.
current_route: ContextVar[str] = ContextVar("hearth_current_route", default="")


def record_label(instance: models.Model) -> tuple[str, str]:
    return instance._meta.label_lower, str(instance.pk)


@transaction.atomic
def access_record(
    *,
    actor: Actor,
    action: str,
    purpose: str,
    records: Iterable[models.Model] = (),
    query: Mapping[str, Any] | None = None,
    result_count: int | None = None,
) -> AccessEvent:
    """Record that ``actor`` read, searched or exported ``records`` for ``purpose``."""
    labels = list(dict.fromkeys(record_label(r) for r in records))
    event = AccessEvent.objects.create(
        user_id=actor.user_id,
        api_key_id=actor.api_key_id,
        agency_id=actor.agency_id,
        action=AccessAction(action),
        purpose=purpose,
        route=current_route.get(),
        query=dict(query or {}),
        result_count=len(labels) if result_count is None else result_count,
    )
    AccessEventRecord.objects.bulk_create(
        AccessEventRecord(event=event, record_type=t, record_id=i) for t, i in labels
    )
    return event


def timeline_record(
    *,
    actor: Actor | None,
    subject: models.Model,
    verb: str,
    summary: str,
    payload: Mapping[str, Any] | None = None,
) -> TimelineEvent:
    """Record a change on ``subject``'s timeline. Call inside the change's transaction.

    ``summary`` is shown to people who can see the subject; ``payload`` holds ids and
    codes, never free text about a person. ``actor`` is ``None`` only for Hearth itself
    (a command or the sweeper).
    """
    return TimelineEvent.objects.create(
        actor_user_id=actor.user_id if actor else None,
        actor_api_key_id=actor.api_key_id if actor else None,
        actor_agency_id=actor.agency_id if actor else None,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=str(subject.pk),
        verb=verb,
        summary=_fits(summary, TimelineEvent._meta.get_field("summary").max_length or 300),
        payload=dict(payload or {}),
    )


def _fits(text: str, limit: int) -> str:
    """A summary is for people to read at a glance; one too long for its column (which
    PostgreSQL refuses and SQLite does not) is cut with an ellipsis, never refused."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
