"""Who sees which incidents and children, and the access log every read leaves (issue 3
point 11): response officers see what they recorded, public protection sees the force's,
an agency sees the concerns it raised, and nobody else sees anything: a record they may
not see is ``NotFound``, exactly like one that does not exist."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hearth.accounts.models import Team
from hearth.accounts.services import membership_add, user_ensure
from hearth.audit.models import AccessAction, AccessEvent
from hearth.core.actor import Actor, Role
from hearth.core.errors import NotFound
from hearth.incidents.documents import (
    ChildIn,
    IncidentDocument,
    PersonIn,
    RelationshipIn,
    incident_record_document,
)
from hearth.incidents.models import Incident, Party
from hearth.incidents.selectors import (
    IncidentFilters,
    child_get_for,
    incident_get_for,
    incident_list_for,
)
from hearth.incidents.services import IncidentChanges
from hearth.incidents.tests.factories import OCCURRED, family_document
from hearth.people.models import Person

OFFICER = "response.officer@police.wessex.example"
COLLEAGUE = "second.officer@police.wessex.example"
PPU = "ppu.officer@police.wessex.example"
DSL = "dsl@schools.wessex.example"
DSL_SCHOOL, DSL_OTHER_SCHOOL = "ashcombe-primary-school", "ashcombe-academy"

# Everyone who sees no police incident, with the agency they act for.
OUTSIDERS = [
    pytest.param("front.door@northshire.wessex.example", None, id="northshire front door"),
    pytest.param("analyst@partnership.wessex.example", None, id="analyst"),
    pytest.param("administrator@hearth.wessex.example", "hearth-service-for-wessex", id="host"),
    pytest.param("administrator@hearth.wessex.example", "wessex-police", id="police admin"),
    pytest.param(DSL, DSL_SCHOOL, id="school dsl"),
    pytest.param("idva@idva.wessex.example", None, id="idva"),
]

INCIDENT, PERSON = "incidents.incident", "people.person"


@pytest.fixture
def colleague(wessex: Any) -> Actor:
    """A second response officer in Wessex Police's response team."""
    police = wessex.agency("wessex-police")
    user = user_ensure(
        actor=None, email=COLLEAGUE, first_name="Morgan", last_name="Fielding", password=None
    )
    membership_add(
        actor=None,
        user=user,
        agency=police,
        team=Team.objects.get(agency=police, function="response"),
        role=Role.RESPONSE_OFFICER,
    )
    actor: Actor = wessex.actor(COLLEAGUE)
    return actor


def record(actor: Actor, document: IncidentDocument | None = None) -> Incident:
    return incident_record_document(actor=actor, document=document or family_document())


def missing_id() -> int:
    return Incident.objects.latest("pk").pk + 1000


def not_found_message(read: Any) -> str:
    with pytest.raises(NotFound) as refused:
        read()
    return refused.value.message


def records_of(event: AccessEvent) -> set[tuple[str, str]]:
    return set(event.records.values_list("record_type", "record_id"))


def concern_document() -> IncidentDocument:
    """The Vance family as a school would raise it: no police fields."""
    return replace(
        family_document(),
        kind=Incident.Kind.CONCERN,
        details=IncidentChanges(
            occurred_at=OCCURRED,
            reported_at=OCCURRED + dt.timedelta(hours=11),
            abuse_types=["physical_or_sexual"],
            summary="Mia told her teacher that Daddy pushed Mummy.",
        ),
    )


def the_child_again(reference: str, victim: Person, perpetrator: Person, mia: Person) -> Any:
    """A second incident for the same family, the people attached as existing records."""
    mia_involvement = family_document().children[0]
    return replace(
        family_document(reference),
        people=[
            PersonIn("victim", existing_person_id=victim.pk),
            PersonIn("perpetrator", existing_person_id=perpetrator.pk),
            PersonIn("mia", existing_person_id=mia.pk),
        ],
        children=[mia_involvement],
        relationships=family_document().relationships[:3],
    )


# --- Who sees which incidents -------------------------------------------------------------


def test_a_response_officer_sees_what_they_recorded_and_not_a_colleagues(
    wessex: Any, colleague: Actor
) -> None:
    officer = wessex.actor(OFFICER)
    mine = record(officer, family_document("WX/T/0001"))
    theirs = record(colleague, family_document("WX/T/0002"))

    assert incident_get_for(actor=officer, incident_id=mine.pk).incident == mine
    missing = not_found_message(lambda: incident_get_for(actor=officer, incident_id=missing_id()))
    assert (
        not_found_message(lambda: incident_get_for(actor=officer, incident_id=theirs.pk)) == missing
    )

    listed = incident_list_for(actor=officer, filters=IncidentFilters()).incidents
    assert mine in listed and theirs not in listed
    assert {i.recorded_by_id for i in listed} == {officer.user_id}
    theirs_listed = incident_list_for(actor=colleague, filters=IncidentFilters())
    assert list(theirs_listed.incidents) == [theirs]
    assert theirs_listed.total == 1


def test_public_protection_sees_every_incident_the_force_recorded(
    wessex: Any, colleague: Actor
) -> None:
    officer, ppu = wessex.actor(OFFICER), wessex.actor(PPU)
    mine = record(officer, family_document("WX/T/0001"))
    theirs = record(colleague, family_document("WX/T/0002"))
    force = set(Incident.objects.filter(recorded_by_agency_id=ppu.agency_id))

    page = incident_list_for(actor=ppu, filters=IncidentFilters())
    assert set(page.incidents) == force
    assert page.total == len(force)
    assert {mine, theirs} <= force
    for incident in (mine, theirs):
        assert incident_get_for(actor=ppu, incident_id=incident.pk).incident == incident
    found = incident_list_for(actor=ppu, filters=IncidentFilters(reference="wx/t/0002"))
    assert list(found.incidents) == [theirs]


@pytest.mark.parametrize(("email", "agency"), OUTSIDERS)
def test_nobody_else_sees_a_police_incident(wessex: Any, email: str, agency: str | None) -> None:
    incident = record(wessex.actor(OFFICER))
    mia = Person.objects.get(given_names="Mia", family_name="Vance")
    outsider = wessex.actor(email, agency)
    events = AccessEvent.objects.count()

    missing = not_found_message(lambda: incident_get_for(actor=outsider, incident_id=missing_id()))
    assert (
        not_found_message(lambda: incident_get_for(actor=outsider, incident_id=incident.pk))
        == missing
    )
    missing_child = not_found_message(
        lambda: child_get_for(actor=outsider, child_id=Person.objects.latest("pk").pk + 1000)
    )
    assert not_found_message(lambda: child_get_for(actor=outsider, child_id=mia.pk)) == (
        missing_child
    )
    assert AccessEvent.objects.count() == events  # nothing shown, nothing logged as read

    listed = incident_list_for(actor=outsider, filters=IncidentFilters()).incidents
    assert not [i for i in listed if i.kind == Incident.Kind.POLICE]


def test_a_school_sees_the_concern_it_raised_and_no_one_else_does(wessex: Any) -> None:
    dsl = wessex.actor(DSL, DSL_SCHOOL)
    concern = record(dsl, concern_document())
    police_incident = record(wessex.actor(OFFICER))

    assert incident_get_for(actor=dsl, incident_id=concern.pk).incident == concern
    listed = incident_list_for(actor=dsl, filters=IncidentFilters()).incidents
    assert concern in listed
    assert police_incident not in listed
    assert {i.kind for i in listed} == {Incident.Kind.CONCERN}
    assert {i.recorded_by_agency_id for i in listed} == {dsl.agency_id}

    # The same DSL acting for the other school of the federation, and the police, do not.
    for other in (
        wessex.actor(DSL, DSL_OTHER_SCHOOL),
        wessex.actor(OFFICER),
        wessex.actor(PPU),
        wessex.actor("front.door@northshire.wessex.example"),
    ):
        with pytest.raises(NotFound):
            incident_get_for(actor=other, incident_id=concern.pk)
        assert concern not in incident_list_for(actor=other, filters=IncidentFilters()).incidents


# --- A child's own record -----------------------------------------------------------------


def test_a_childs_record_shows_only_the_incidents_the_actor_may_see(
    wessex: Any, colleague: Actor
) -> None:
    officer, ppu = wessex.actor(OFFICER), wessex.actor(PPU)
    mine = record(officer, family_document("WX/T/0001"))
    facts = incident_get_for(actor=officer, incident_id=mine.pk).facts
    mia = next(c.child for c in facts.children if c.child.given_names == "Mia")
    theirs = record(
        colleague,
        the_child_again("WX/T/0002", facts.victims[0], facts.perpetrators[0], mia),
    )

    def incidents_seen_by(actor: Actor) -> set[Incident]:
        return {
            i.involvement.incident for i in child_get_for(actor=actor, child_id=mia.pk).incidents
        }

    assert incidents_seen_by(officer) == {mine}
    assert incidents_seen_by(colleague) == {theirs}
    assert incidents_seen_by(ppu) == {mine, theirs}
    detail = child_get_for(actor=officer, child_id=mia.pk)
    assert detail.child == mia
    assert [i.victim_status.met for i in detail.incidents] == [True]


def test_a_childs_timeline_does_not_reveal_incidents_the_actor_may_not_see(
    wessex: Any, colleague: Actor
) -> None:
    officer = wessex.actor(OFFICER)
    mine = record(officer, family_document("WX/T/0001"))
    facts = incident_get_for(actor=officer, incident_id=mine.pk).facts
    mia = next(c.child for c in facts.children if c.child.given_names == "Mia")
    theirs = record(
        colleague,
        the_child_again("WX/T/0002", facts.victims[0], facts.perpetrators[0], mia),
    )

    timeline = child_get_for(actor=officer, child_id=mia.pk).timeline
    leaked = [
        e
        for e in timeline
        if e.payload.get("incident_id") == theirs.pk or theirs.police_reference in e.summary
    ]
    assert leaked == [], [(e.verb, e.summary) for e in leaked]


# --- The access log -----------------------------------------------------------------------


def test_reading_an_incident_logs_the_incident_and_everyone_in_it(wessex: Any) -> None:
    officer = wessex.actor(OFFICER)
    incident = record(officer)
    detail = incident_get_for(actor=officer, incident_id=incident.pk, purpose="Check the record")

    event = AccessEvent.objects.latest("pk")
    assert event.action == AccessAction.READ
    assert (event.user_id, event.agency_id) == (officer.user_id, officer.agency_id)
    assert event.purpose == "Check the record"
    people = (
        detail.facts.victims + detail.facts.perpetrators + [c.child for c in detail.facts.children]
    )
    assert len(people) == 5
    assert records_of(event) == {(INCIDENT, str(incident.pk))} | {
        (PERSON, str(p.pk)) for p in people
    }


def test_listing_incidents_logs_each_incident_listed_and_the_filters(wessex: Any) -> None:
    ppu = wessex.actor(PPU)
    first = record(wessex.actor(OFFICER), family_document("WX/T/0001"))
    second = record(wessex.actor(OFFICER), family_document("WX/T/0002"))

    page = incident_list_for(actor=ppu, filters=IncidentFilters(reference="WX/T/"))
    event = AccessEvent.objects.latest("pk")
    assert event.action == AccessAction.SEARCH
    assert event.user_id == ppu.user_id
    assert event.query == {"reference": "WX/T/"}
    assert event.result_count == page.total == 2
    listed = {(t, i) for t, i in records_of(event) if t == INCIDENT}
    assert listed == {(INCIDENT, str(first.pk)), (INCIDENT, str(second.pk))}
    # The people the list names are personal data read too (issue 17: names on the list).
    named = {
        ("people.person", str(p.person_id))
        for p in Party.objects.filter(incident__in=[first, second])
    }
    assert named and {r for r in records_of(event) if r[0] == "people.person"} == named

    incident_list_for(actor=ppu, filters=IncidentFilters(reference="nothing like it"))
    empty = AccessEvent.objects.latest("pk")
    assert empty.action == AccessAction.SEARCH
    assert empty.query == {"reference": "nothing like it"}
    assert empty.result_count == 0 and not empty.records.exists()


def test_reading_a_childs_record_logs_the_child_and_their_incidents(wessex: Any) -> None:
    officer = wessex.actor(OFFICER)
    incident = record(officer)
    ava = Person.objects.get(given_names="Ava", family_name="Vance")
    child_get_for(actor=officer, child_id=ava.pk)

    event = AccessEvent.objects.latest("pk")
    assert event.action == AccessAction.READ
    assert event.user_id == officer.user_id
    assert records_of(event) == {(PERSON, str(ava.pk)), (INCIDENT, str(incident.pk))}


# --- Query counts -------------------------------------------------------------------------


def queries(read: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        read()
    return len(captured)


def test_the_list_does_not_query_per_incident(
    wessex: Any, django_assert_max_num_queries: Any
) -> None:
    ppu, officer = wessex.actor(PPU), wessex.actor(OFFICER)
    record(officer, family_document("WX/T/0001"))
    few = queries(lambda: incident_list_for(actor=ppu, filters=IncidentFilters()))
    for number in range(2, 8):
        record(officer, family_document(f"WX/T/{number:04d}"))
    with django_assert_max_num_queries(few):
        page = incident_list_for(actor=ppu, filters=IncidentFilters(with_children=True))
        for incident in page.incidents:  # what the list page shows of each
            # the annotation the list page shows beside each incident
            assert incident.children_count > 0  # type: ignore[attr-defined]
            _ = (incident.recorded_by, incident.local_authority)
    assert len(page.incidents) >= 7


def family_with_children(reference: str, count: int, *, submit: bool = True) -> IncidentDocument:
    """Kerry and Dean Vance with ``count`` children, all theirs, none present."""
    base = family_document(reference)
    refs = [f"child{n}" for n in range(count)]
    return replace(
        base,
        people=[
            *base.people[:2],
            *(
                PersonIn(
                    ref,
                    given_names=f"Child {n}",
                    family_name="Vance",
                    date_of_birth=dt.date(2012 + n % 12, 1 + n % 12, 3),
                )
                for n, ref in enumerate(refs)
            ),
        ],
        children=[
            ChildIn(ref, {"present": False, "normally_resident": True, "heard": True})
            for ref in refs
        ],
        relationships=[
            base.relationships[0],
            *(
                RelationshipIn(adult, ref, "parent")
                for ref in refs
                for adult in ("victim", "perpetrator")
            ),
        ],
        submit=submit,
    )


@pytest.mark.parametrize("submit", [True, False], ids=["submitted", "draft"])
def test_reading_an_incident_does_not_query_per_child(
    wessex: Any, django_assert_max_num_queries: Any, submit: bool
) -> None:
    officer = wessex.actor(OFFICER)
    one = record(officer, family_with_children("WX/T/0001", 1, submit=submit))
    many = record(officer, family_with_children("WX/T/0002", 8, submit=submit))
    assert many.status == one.status
    few = queries(lambda: incident_get_for(actor=officer, incident_id=one.pk))
    with django_assert_max_num_queries(few):
        detail = incident_get_for(actor=officer, incident_id=many.pk)
        for view in detail.facts.children:
            _ = (view.child.full_name, view.involvement.present, view.victim_status.finding)
    assert len(detail.facts.children) == 8
