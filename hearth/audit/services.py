"""Writing the audit trail. Invariants:

- every read, search or export of personal data records one ``AccessEvent`` listing
  the records returned (architecture.md §5); the selector that reads calls
  ``access_record`` before it returns;
- every change records a ``TimelineEvent`` on its subject, in the change's own
  transaction, so that a rolled-back change leaves no event and a committed one
  always has one;
- neither is ever changed or deleted (see ``models``);
- a change written in bulk (``bulk_create``, which sends no signals) records the same
  events through ``timeline_record_many`` and the same django-auditlog field-level
  diffs through ``diffs_record_created`` as row-by-row saves would have;
- inside ``batched()`` (a whole intake), the timeline events and those django-auditlog
  entries are kept and written at the block's end, inside the same transaction, each
  table in one statement and in the order recorded: the same rows, fewer statements.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from hearth.audit.models import AccessAction, AccessEvent, AccessEventRecord, TimelineEvent
from hearth.core.actor import Actor

# The route (URL name or API operation) being served, set by ``AccessRouteMiddleware`` and
# the API, so that an access event says where the read came from without every selector
# being told.
current_route: ContextVar[str] = ContextVar("hearth_current_route", default="")


@dataclass
class _Batch:
    events: list[TimelineEvent] = field(default_factory=list)
    entries: list[Any] = field(default_factory=list)  # auditlog's LogEntry


_BATCH: ContextVar[_Batch | None] = ContextVar("hearth_audit_batch", default=None)


@contextmanager
def batched() -> Iterator[None]:
    """Keep the block's timeline events and bulk django-auditlog entries and write them
    as it ends, each table in one statement, in the order they were recorded. Open it
    inside the change's transaction: if the block raises, nothing is written (and the
    transaction rolls back). A block inside another is part of the outer one."""
    if _BATCH.get() is not None:
        yield
        return
    batch = _Batch()
    token = _BATCH.set(batch)
    try:
        yield
    finally:
        _BATCH.reset(token)
    from auditlog.models import LogEntry

    if batch.events:
        TimelineEvent.objects.bulk_create(batch.events)
    if batch.entries:
        LogEntry.objects.bulk_create(batch.entries)


def record_label(instance: models.Model) -> tuple[str, str]:
    return instance._meta.label_lower, str(instance.pk)


@transaction.atomic(savepoint=False)  # nothing in it is tried and rolled back on its own
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


@dataclass(frozen=True)
class TimelineEntry:
    """One event for ``timeline_record_many``: as ``timeline_record``'s arguments."""

    subject: models.Model
    verb: str
    summary: str
    payload: Mapping[str, Any] | None = None


def _timeline_event(
    actor: Actor | None,
    subject: models.Model,
    verb: str,
    summary: str,
    payload: Mapping[str, Any] | None,
) -> TimelineEvent:
    return TimelineEvent(
        actor_user_id=actor.user_id if actor else None,
        actor_api_key_id=actor.api_key_id if actor else None,
        actor_agency_id=actor.agency_id if actor else None,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=str(subject.pk),
        verb=verb,
        summary=_fits(summary, TimelineEvent._meta.get_field("summary").max_length or 300),
        payload=dict(payload or {}),
    )


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
    event = _timeline_event(actor, subject, verb, summary, payload)
    if (batch := _BATCH.get()) is not None:
        batch.events.append(event)
    else:
        event.save()
    return event


def timeline_record_many(
    *, actor: Actor | None, entries: Sequence[TimelineEntry]
) -> list[TimelineEvent]:
    """Record several changes by the same ``actor`` in one statement, in the order given
    (the timeline orders events of the same moment by id). Call inside the changes'
    transaction, as ``timeline_record``; each event is what ``timeline_record`` writes."""
    events = [_timeline_event(actor, e.subject, e.verb, e.summary, e.payload) for e in entries]
    if (batch := _BATCH.get()) is not None:
        batch.events += events
        return events
    return TimelineEvent.objects.bulk_create(events) if events else []


def diffs_record_created(instances: Sequence[models.Model]) -> None:
    """The django-auditlog "create" entries (with their field-level diffs) for rows
    written by ``bulk_create``, which sends no signals: the entries a ``save()`` of each
    would have made (actor and remote address from the request's auditlog context), in
    one statement. Models not registered with auditlog are left out, as a save would."""
    from auditlog.cid import get_cid
    from auditlog.context import auditlog_disabled
    from auditlog.diff import model_instance_diff
    from auditlog.models import LogEntry
    from auditlog.registry import auditlog
    from django.conf import settings
    from django.db.models.signals import pre_save
    from django.utils.encoding import smart_str

    if auditlog_disabled.get():
        return
    use_json = bool(getattr(settings, "AUDITLOG_STORE_JSON_CHANGES", False))
    entries = []
    for instance in instances:
        if not auditlog.contains(type(instance)):
            continue
        changes = model_instance_diff(None, instance, use_json_for_changes=use_json)
        if not changes:
            continue
        entry = LogEntry(
            content_type=ContentType.objects.get_for_model(instance),
            object_pk=str(instance.pk),
            object_id=instance.pk if isinstance(instance.pk, int) else None,
            object_repr=smart_str(instance),
            serialized_data=LogEntry.objects._get_serialized_data_or_none(instance),
            action=LogEntry.Action.CREATE,
            changes=changes,
            cid=get_cid(),
        )
        if callable(additional := getattr(instance, "get_additional_data", None)):
            entry.additional_data = additional()
        # What a save would do first: the request's context fills in the actor.
        pre_save.send(
            sender=LogEntry,
            instance=entry,
            raw=False,
            using=LogEntry.objects.db,
            update_fields=None,
        )
        entries.append(entry)
    if (batch := _BATCH.get()) is not None:
        batch.entries += entries
    elif entries:
        LogEntry.objects.bulk_create(entries)


def _fits(text: str, limit: int) -> str:
    """A summary is for people to read at a glance; one too long for its column (which
    PostgreSQL refuses and SQLite does not) is cut with an ellipsis, never refused."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
