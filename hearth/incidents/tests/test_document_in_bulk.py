"""A whole incident recorded in bulk (issue 12) records what recording it one change at
a time through the services records: the same rows, the same timeline events on the
incident and on each person, in the same order, and a field-level diff of every row."""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from django.db import transaction
from django.forms.models import model_to_dict

from hearth.audit.models import TimelineEvent
from hearth.incidents import documents
from hearth.incidents.documents import incident_record_document
from hearth.incidents.models import ChildInvolvement, Incident, IncidentVersion, Party
from hearth.incidents.tests.factories import family_document
from hearth.people.models import HouseholdMember, Person, PersonAddress, Relationship

PPU = "ppu.officer@police.wessex.example"
IDS = ("person_id", "other_id", "child_id", "child", "incident_id", "household_id", "address_id")


class _Recorded:
    """What recording one incident wrote, with ids replaced by names, so that two
    recordings of the same document can be compared."""

    def __init__(self, incident: Incident) -> None:
        self.incident = incident
        parties = Party.objects.filter(incident=incident).select_related("person")
        self.people = {p.person_id: p.person for p in parties}
        self.names = {pk: person.given_names for pk, person in self.people.items()}
        self.names[incident.pk] = "incident"
        homes = PersonAddress.objects.filter(person_id__in=self.people)
        self.names.update({h.address_id: f"home of {self.names[h.person_id]}" for h in homes})
        for member in HouseholdMember.objects.filter(person_id__in=self.people):
            self.names[member.household_id] = "household"

    def _plain(self, value: Any, key: str = "") -> Any:
        if key in IDS:
            return self.names.get(value, value)
        if isinstance(value, dict):
            return {k: self._plain(v, k) for k, v in value.items() if k not in ("id",)}
        if isinstance(value, list):
            return [self._plain(v) for v in value]
        if isinstance(value, str) and self.incident.police_reference:
            return value.replace(self.incident.police_reference, "REF")
        return value

    def timeline(self, subject: Any) -> list[tuple[Any, ...]]:
        return [
            (e.verb, self._plain(e.summary), self._plain(e.payload))
            for e in TimelineEvent.objects.for_subject(subject).order_by("at", "id")
        ]

    def timelines(self) -> dict[str, list[tuple[Any, ...]]]:
        return {
            "incident": self.timeline(self.incident),
            **{self.names[pk]: self.timeline(person) for pk, person in self.people.items()},
        }

    def rows(self) -> dict[str, Any]:
        def row(instance: Any, *skip: str) -> dict[str, Any]:
            data = model_to_dict(instance, exclude=["id", *skip])
            return {
                k: self.names.get(v, v) if k in ("person", "other", "child") else v
                for k, v in data.items()
            }

        incident = model_to_dict(
            self.incident, exclude=["id", "police_reference", "submitted_at", "attending_officers"]
        )
        snapshot = IncidentVersion.objects.get(incident=self.incident).snapshot
        return {
            "incident": incident,
            "snapshot": self._plain(
                {k: v for k, v in snapshot.items() if k not in ("police_reference", "submitted_at")}
            ),
            "parties": sorted(
                (self.names[p.person_id], p.role)
                for p in Party.objects.filter(incident=self.incident)
            ),
            "children": sorted(
                (
                    sorted(row(i, "incident").items())
                    for i in ChildInvolvement.objects.filter(incident=self.incident)
                ),
            ),
            "relationships": sorted(
                sorted(row(r).items())
                for r in Relationship.objects.filter(person_id__in=self.people)
            ),
            "households": sorted(
                self.names[m.person_id]
                for m in HouseholdMember.objects.filter(person_id__in=self.people)
            ),
            "people": sorted(
                sorted(row(p, "created_at", "updated_at", "estimated_age_on").items())
                for p in self.people.values()
            ),
        }

    def undiffed(self) -> list[str]:
        """Rows written with no django-auditlog "create" entry."""
        rows = [
            self.incident,
            *Party.objects.filter(incident=self.incident),
            *ChildInvolvement.objects.filter(incident=self.incident),
            *self.people.values(),
            *Relationship.objects.filter(person_id__in=self.people),
            *HouseholdMember.objects.filter(person_id__in=self.people),
            *PersonAddress.objects.filter(person_id__in=self.people),
        ]
        return [
            str(r)
            for r in rows
            if not LogEntry.objects.get_for_object(r).filter(action=LogEntry.Action.CREATE).exists()
        ]


def test_an_incident_recorded_in_bulk_records_what_one_change_at_a_time_records(
    wessex: Any,
) -> None:
    actor = wessex.actor(PPU)
    with transaction.atomic():
        one_by_one = _Recorded(
            documents._record_one_change_at_a_time(actor, family_document("WX/2026/0001"))
        )
    in_bulk = _Recorded(
        incident_record_document(actor=actor, document=family_document("WX/2026/0002"))
    )
    assert in_bulk.incident.status == Incident.Status.SUBMITTED
    assert len(in_bulk.people) == 5
    assert in_bulk.timelines() == one_by_one.timelines()
    bulk_rows, one_rows = in_bulk.rows(), one_by_one.rows()
    for name in one_rows["snapshot"]:
        assert bulk_rows["snapshot"][name] == one_rows["snapshot"][name], name
    assert bulk_rows == one_rows
    assert in_bulk.undiffed() == [] == one_by_one.undiffed()
    # What was recorded is what each person's page and the incident show.
    assert Person.objects.filter(pk__in=in_bulk.people, given_names_key="").count() == 0
