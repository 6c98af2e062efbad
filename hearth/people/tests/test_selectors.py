"""Reading and looking up people: an existing record is offered however the name or date
of birth was typed, only within the agency that recorded it, and every read and every
lookup is in the access log (issue 3 points 2 and 11)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from hearth.audit.models import AccessAction, AccessEvent
from hearth.core.actor import Actor
from hearth.core.errors import NotFound
from hearth.incidents.documents import IncidentDocument, PersonIn, incident_record_document
from hearth.incidents.models import Incident
from hearth.incidents.services import IncidentChanges
from hearth.incidents.tests.factories import OCCURRED, family_document
from hearth.people.matching import PersonQuery
from hearth.people.models import Person, PersonName
from hearth.people.selectors import person_find_candidates, person_get_for
from hearth.people.services import OtherName

OFFICER = "response.officer@police.wessex.example"
DSL = "dsl@schools.wessex.example"
DSL_SCHOOL = "ashcombe-primary-school"
BORN = dt.date(1990, 3, 7)


def zoe_as_victim(kind: str | None = None) -> IncidentDocument:
    """The factory family, with Zoë O'Brien-Smith (once Zoe Walsh) as the adult victim."""
    document = family_document()
    zoe = PersonIn(
        "victim",
        given_names="Zoë",
        family_name="O'Brien-Smith",
        date_of_birth=BORN,
        sex="female",
        other_names=(OtherName(family_name="Walsh", given_names="Zoe", kind="previous"),),
    )
    document = replace(document, people=[zoe, *document.people[1:]])
    if kind == Incident.Kind.CONCERN:
        document = replace(
            document,
            kind=kind,
            details=IncidentChanges(
                occurred_at=OCCURRED, summary="A pupil told her teacher about home."
            ),
        )
    return document


def recorded_zoe(actor: Actor, kind: str | None = None) -> Person:
    incident = incident_record_document(actor=actor, document=zoe_as_victim(kind))
    return Person.objects.get(parties__incident=incident, parties__role="adult_victim")


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        pytest.param(
            PersonQuery("Zoë", "O'Brien-Smith", BORN), "Same name", id="exactly as recorded"
        ),
        pytest.param(PersonQuery("ZOË", "o'brien-smith", BORN), "Same name", id="case"),
        pytest.param(PersonQuery("Zoe", "O'Brien-Smith", BORN), "Same name", id="accent"),
        pytest.param(PersonQuery("Zoe", "OBrien Smith", BORN), "Same name", id="hyphen"),
        pytest.param(
            PersonQuery("Zoë", "O'Brien-Smith", dt.date(1990, 7, 3)),
            "Date of birth with day and month swapped",
            id="day and month swapped",
        ),
        pytest.param(PersonQuery("Zoe", "Walsh", BORN), "Same other name", id="previous name"),
        pytest.param(
            PersonQuery("Zoe Anne", "O'Brien Smith", None),
            "Same family name and first name (name)",
            id="middle name, no date of birth",
        ),
        # Record systems that cannot store an apostrophe keep "O'Brien" as "O BRIEN", and
        # normalise_name promises that spacing does not make a different name. Without a
        # date of birth (common at intake) only the name can find her.
        pytest.param(PersonQuery("Zoe", "O Brien-Smith"), "Same name", id="apostrophe as a space"),
    ],
)
def test_the_existing_person_is_offered_however_they_were_typed(
    wessex: Any, query: PersonQuery, reason: str
) -> None:
    officer = wessex.actor(OFFICER)
    zoe = recorded_zoe(officer)
    matches = person_find_candidates(actor=officer, query=query)
    assert matches, "no candidates"
    best = matches[0]
    assert best.person == zoe
    assert reason in best.candidate.reasons
    assert 0.5 <= best.candidate.score <= 1


def test_someone_else_is_not_offered(wessex: Any) -> None:
    officer = wessex.actor(OFFICER)
    recorded_zoe(officer)
    matches = person_find_candidates(
        actor=officer, query=PersonQuery("Zoë", "O'Brien-Smith", dt.date(1971, 11, 28))
    )
    assert matches == []


def test_people_another_agency_recorded_are_never_offered(wessex: Any) -> None:
    officer, dsl = wessex.actor(OFFICER), wessex.actor(DSL, DSL_SCHOOL)
    police_zoe = recorded_zoe(officer)
    school_zoe = recorded_zoe(dsl, kind=Incident.Kind.CONCERN)
    query = PersonQuery("Zoe", "O'Brien-Smith", BORN)

    assert [m.person for m in person_find_candidates(actor=officer, query=query)] == [police_zoe]
    assert [m.person for m in person_find_candidates(actor=dsl, query=query)] == [school_zoe]
    for email, agency in (
        (DSL, "ashcombe-academy"),
        ("front.door@northshire.wessex.example", None),
        ("administrator@hearth.wessex.example", "hearth-service-for-wessex"),
        ("analyst@partnership.wessex.example", None),
    ):
        assert person_find_candidates(actor=wessex.actor(email, agency), query=query) == []


def test_a_lookup_is_logged_with_its_terms_and_the_people_offered(wessex: Any) -> None:
    officer = wessex.actor(OFFICER)
    zoe = recorded_zoe(officer)
    person_find_candidates(
        actor=officer,
        query=PersonQuery("zoe", "obrien smith", BORN),
        purpose="Check for an existing record",
    )
    event = AccessEvent.objects.latest("pk")
    assert event.action == AccessAction.SEARCH
    assert (event.user_id, event.agency_id) == (officer.user_id, officer.agency_id)
    assert event.query == {
        "given_names": "zoe",
        "family_name": "obrien smith",
        "date_of_birth": "1990-03-07",
        "nhs_number": "",
    }
    assert event.result_count == 1
    assert list(event.records.values_list("record_type", "record_id")) == [
        ("people.person", str(zoe.pk))
    ]


def test_a_lookup_that_finds_no_one_is_logged_too(wessex: Any) -> None:
    front_door = wessex.actor("front.door@northshire.wessex.example")
    recorded_zoe(wessex.actor(OFFICER))
    before = AccessEvent.objects.count()
    assert person_find_candidates(actor=front_door, query=PersonQuery("Zoe", "Walsh")) == []
    assert AccessEvent.objects.count() == before + 1
    event = AccessEvent.objects.latest("pk")
    assert event.action == AccessAction.SEARCH
    assert event.user_id == front_door.user_id
    assert event.query["family_name"] == "Walsh"
    assert event.result_count == 0 and not event.records.exists()


def test_reading_a_person_is_logged(wessex: Any) -> None:
    officer = wessex.actor(OFFICER)
    zoe = recorded_zoe(officer)
    person = person_get_for(actor=officer, person_id=zoe.pk)
    assert person == zoe
    assert [(n.given_names, n.family_name) for n in person.other_names.all()] == [("Zoe", "Walsh")]
    assert person.other_names.get().kind == PersonName.Kind.PREVIOUS
    event = AccessEvent.objects.latest("pk")
    assert event.action == AccessAction.READ
    assert list(event.records.values_list("record_type", "record_id")) == [
        ("people.person", str(zoe.pk))
    ]


@pytest.mark.parametrize(
    ("email", "agency"),
    [
        pytest.param(DSL, DSL_SCHOOL, id="school dsl"),
        pytest.param("front.door@northshire.wessex.example", None, id="front door"),
        pytest.param("administrator@hearth.wessex.example", "hearth-service-for-wessex", id="host"),
        pytest.param("analyst@partnership.wessex.example", None, id="analyst"),
    ],
)
def test_another_agency_cannot_read_a_person_the_police_recorded(
    wessex: Any, email: str, agency: str | None
) -> None:
    zoe = recorded_zoe(wessex.actor(OFFICER))
    outsider = wessex.actor(email, agency)
    before = AccessEvent.objects.count()
    with pytest.raises(NotFound) as missing:
        person_get_for(actor=outsider, person_id=Person.objects.latest("pk").pk + 1000)
    with pytest.raises(NotFound) as forbidden:
        person_get_for(actor=outsider, person_id=zoe.pk)
    assert forbidden.value.message == missing.value.message
    assert AccessEvent.objects.count() == before


def test_intake_finds_a_person_a_colleague_recorded_but_their_page_stays_closed(
    wessex: Any,
) -> None:
    """The intake lookup searches the force's records (an audited search), so the officer
    can link a new incident to the person; reading the person needs an incident of theirs
    that names them (issue 11 §2)."""
    zoe = recorded_zoe(wessex.actor("ppu.officer@police.wessex.example"))
    officer = wessex.actor(OFFICER)
    (match,) = person_find_candidates(
        actor=officer, query=PersonQuery("Zoë", "O'Brien-Smith", BORN)
    )
    assert match.person == zoe
    with pytest.raises(NotFound):
        person_get_for(actor=officer, person_id=zoe.pk)
    # Once the officer records an incident naming her, her page is theirs to read.
    document = zoe_as_victim()
    people = [replace(document.people[0], existing_person_id=zoe.pk), *document.people[1:]]
    incident_record_document(
        actor=officer,
        document=replace(
            document,
            people=people,
            details=replace(document.details, police_reference="WX/2026/0444"),
        ),
    )
    assert person_get_for(actor=officer, person_id=zoe.pk) == zoe
