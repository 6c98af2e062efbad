"""Writing in bulk records what writing row by row records: the same timeline events,
in the same order, and the same django-auditlog field-level diffs."""

from __future__ import annotations

from typing import Any

from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from hearth.audit.models import TimelineEvent
from hearth.audit.services import (
    TimelineEntry,
    diffs_record_created,
    timeline_record,
    timeline_record_many,
)
from hearth.people.models import Address, Person

OFFICER = "response.officer@police.wessex.example"

EVENT_FIELDS = (
    "actor_user_id",
    "actor_api_key_id",
    "actor_agency_id",
    "subject_type_id",
    "subject_id",
    "verb",
    "summary",
    "payload",
)


def _event(event: TimelineEvent) -> tuple[Any, ...]:
    return tuple(getattr(event, name) for name in EVENT_FIELDS)


def test_timeline_events_in_bulk_are_those_recorded_one_by_one_in_order(wessex: Any) -> None:
    actor = wessex.actor(OFFICER)
    first = Person.objects.create(
        given_names="Kerry", family_name="Bulk", recorded_by_agency_id=actor.agency_id
    )
    second = Person.objects.create(
        given_names="Dean", family_name="Bulk", recorded_by_agency_id=actor.agency_id
    )
    entries = [
        TimelineEntry(first, "test.one", "One", {"n": 1}),
        TimelineEntry(second, "test.two", "x" * 400),
        TimelineEntry(first, "test.three", "Three", {"other_id": second.pk}),
    ]
    singly = [
        timeline_record(
            actor=actor, subject=e.subject, verb=e.verb, summary=e.summary, payload=e.payload
        )
        for e in entries
    ]
    written = timeline_record_many(actor=actor, entries=entries)
    assert all(e.pk for e in written)
    bulk = list(TimelineEvent.objects.filter(pk__in=[e.pk for e in written]).order_by("id"))
    assert [_event(e) for e in bulk] == [_event(e) for e in singly]
    assert bulk[1].summary.endswith("…") and len(bulk[1].summary) == 300
    # Newest first, as the timeline is read: the last one given is on top.
    assert [e.verb for e in TimelineEvent.objects.for_subject(first)[:2]] == [
        "test.three",
        "test.one",
    ]
    assert timeline_record_many(actor=actor, entries=[]) == []


def _entry(instance: Any) -> tuple[Any, ...]:
    entry = LogEntry.objects.get_for_object(instance).get()
    return (entry.action, entry.object_repr, entry.actor_id, entry.changes_dict)


def test_diffs_of_rows_written_in_bulk_are_those_a_save_writes(wessex: Any) -> None:
    user = wessex.user(OFFICER)
    values = {"line_1": "14 Larch Close", "town": "Ashcombe", "postcode": "WX1 4LC"}
    with set_actor(user):
        saved = Address.objects.create(**values)
        (bulk,) = Address.objects.bulk_create([Address(**values)])
        assert not LogEntry.objects.get_for_object(bulk).exists()
        diffs_record_created([bulk])
    saved_entry, bulk_entry = _entry(saved), _entry(bulk)
    assert saved_entry[2] == user.pk
    # The same diff, but for the ids and times that differ between the two rows.
    differs = {"id", "created_at", "updated_at"}
    assert bulk_entry[:3] == (LogEntry.Action.CREATE, str(bulk), user.pk)
    assert {k: v for k, v in bulk_entry[3].items() if k not in differs} == {
        k: v for k, v in saved_entry[3].items() if k not in differs
    }
    assert set(bulk_entry[3]) == set(saved_entry[3])


def test_models_not_registered_with_auditlog_get_no_diff(wessex: Any) -> None:
    before = LogEntry.objects.count()
    (event,) = TimelineEvent.objects.bulk_create(
        [
            TimelineEvent(
                subject_type=ContentType.objects.get_for_model(Person),
                subject_id="1",
                verb="test",
                summary="Test",
            )
        ]
    )
    diffs_record_created([event])
    assert LogEntry.objects.count() == before
