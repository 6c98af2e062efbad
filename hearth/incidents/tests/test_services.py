"""Recording and submitting incidents through the services."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hearth.audit.models import TimelineEvent
from hearth.core.errors import NotPermitted, ValidationFailed
from hearth.incidents import services
from hearth.incidents.documents import incident_record_document
from hearth.incidents.facts import incident_facts, rows_read_once
from hearth.incidents.models import Incident
from hearth.incidents.policy import Finding
from hearth.incidents.tests.factories import family_document
from hearth.people.models import HouseholdMember, Person
from hearth.people.policy import Kinship

OFFICER = "response.officer@police.wessex.example"
PPU = "ppu.officer@police.wessex.example"


def test_a_whole_incident_is_recorded_and_each_child_assessed(wessex: Any) -> None:
    incident = incident_record_document(actor=wessex.actor(OFFICER), document=family_document())
    assert incident.status == Incident.Status.SUBMITTED
    assert incident.version == 1
    facts = incident_facts(incident)
    status = {c.child.given_names: c.victim_status.finding for c in facts.children}
    assert status == {"Mia": Finding.MET, "Leo": Finding.MET, "Ava": Finding.MET}
    assert facts.definition is not None
    assert facts.definition.finding == Finding.MET
    assert facts.pregnancy_flag == "There is a baby under 18 months"
    mia = Person.objects.get(given_names="Mia")
    assert TimelineEvent.objects.for_subject(mia).filter(verb="child.incident_submitted").exists()


def test_a_submission_works_out_an_incidents_facts_once(wessex: Any) -> None:
    """Inside ``rows_read_once`` (a submission, from its check through every route) the
    facts are worked out once and then answered without a query; outside it, afresh."""
    incident = incident_record_document(actor=wessex.actor(OFFICER), document=family_document())
    with rows_read_once():
        first = incident_facts(incident)
        with CaptureQueriesContext(connection) as again:
            second = incident_facts(incident)
    assert second is first
    assert len(again.captured_queries) == 0
    assert len(first.children) == 3
    afresh = incident_facts(incident)
    assert afresh is not first
    assert [c.child.pk for c in afresh.children] == [c.child.pk for c in first.children]


def test_submission_is_refused_without_children_or_attestation(wessex: Any) -> None:
    document = replace(
        family_document(), children=[], relationships=family_document().relationships[:1]
    )
    before = Incident.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        incident_record_document(actor=wessex.actor(OFFICER), document=document)
    assert "children" in refused.value.fields
    assert Incident.objects.count() == before  # nothing half-recorded
    attested = replace(
        document, no_children_how="Checked with the victim and a neighbour; no children's things"
    )
    incident = incident_record_document(actor=wessex.actor(OFFICER), document=attested)
    assert incident.status == Incident.Status.SUBMITTED


def test_a_bad_nhs_number_names_its_field(wessex: Any) -> None:
    document = family_document()
    people = list(document.people)
    people[2] = replace(people[2], nhs_number="9434765918")
    with pytest.raises(ValidationFailed) as refused:
        incident_record_document(
            actor=wessex.actor(OFFICER), document=replace(document, people=people)
        )
    assert list(refused.value.fields) == ["people.2.nhs_number"]


def test_an_amendment_keeps_the_earlier_version(wessex: Any) -> None:
    officer = wessex.actor(OFFICER)
    incident = incident_record_document(actor=officer, document=family_document())
    services.incident_update(
        actor=officer,
        incident=incident,
        changes=services.IncidentChanges(injuries="Bruising to left arm"),
    )
    incident.refresh_from_db()
    assert incident.version == 2
    versions = {v.version: v.snapshot for v in incident.versions.all()}
    assert versions[1]["injuries"] == ""
    assert versions[2]["injuries"] == "Bruising to left arm"
    assert (
        TimelineEvent.objects.for_subject(incident).filter(verb="incident.amended.updated").exists()
    )


def test_only_the_recorder_or_public_protection_changes_an_incident(wessex: Any) -> None:
    incident = incident_record_document(actor=wessex.actor(OFFICER), document=family_document())
    changes = services.IncidentChanges(injuries="x")
    with pytest.raises(NotPermitted):
        services.incident_update(
            actor=wessex.actor("front.door@northshire.wessex.example"),
            incident=incident,
            changes=changes,
        )
    services.incident_update(actor=wessex.actor(PPU), incident=incident, changes=changes)


def test_police_references_are_unique_per_force(wessex: Any) -> None:
    incident_record_document(actor=wessex.actor(OFFICER), document=family_document("WX/1"))
    with pytest.raises(ValidationFailed) as refused:
        incident_record_document(actor=wessex.actor(OFFICER), document=family_document("WX/1"))
    assert (
        "details.police_reference" in refused.value.fields
        or "police_reference" in refused.value.fields
    )


def test_submitting_records_who_normally_lives_with_the_victim(wessex: Any) -> None:
    incident = incident_record_document(actor=wessex.actor(OFFICER), document=family_document())
    kerry = Person.objects.get(given_names="Kerry", family_name="Vance")
    household = HouseholdMember.objects.get(person=kerry).household
    residents = {m.person.given_names for m in household.members.select_related("person")}
    # Mia and Leo normally live there; the form did not say so for baby Ava.
    assert residents == {"Kerry", "Mia", "Leo"}
    assert str(household.address).startswith("14 Larch Close")
    assert incident.attending_officers.filter(email=OFFICER).exists()


def test_changing_a_relationship_after_submission_is_an_amendment(wessex: Any) -> None:
    officer = wessex.actor(OFFICER)
    incident = incident_record_document(actor=officer, document=family_document())
    leo = Person.objects.get(given_names="Leo")
    dean = Person.objects.get(given_names="Dean")
    services.incident_relationship_set(
        actor=officer, incident=incident, person=dean, other=leo, kinship=Kinship.PARENTS_PARTNER
    )
    incident.refresh_from_db()
    assert incident.version == 2
    outsider = Person.objects.exclude(parties__incident=incident).first()
    assert outsider is not None
    with pytest.raises(ValidationFailed, match="part of this incident"):
        services.incident_relationship_set(
            actor=officer, incident=incident, person=dean, other=outsider, kinship=Kinship.OTHER
        )
