"""The Wessex demo incidents: the cases issue 3 asks the demo to show, and safe to seed twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.db.models import Model

from hearth.audit.models import TimelineEvent
from hearth.core import clock
from hearth.demo.incidents import POLICE_INCIDENTS, seed_incidents
from hearth.demo.wessex import SCHOOL_TOWNS, seed_wessex
from hearth.incidents.facts import IncidentFacts, incident_facts
from hearth.incidents.models import ChildInvolvement, Incident, IncidentVersion, Party
from hearth.incidents.policy import Finding
from hearth.people.models import Address, Person, Relationship

OFFICER = "response.officer@police.wessex.example"
DSL = "dsl@schools.wessex.example"


def facts_of(reference: str) -> IncidentFacts:
    return incident_facts(Incident.objects.get(police_reference=reference))


def child(facts: IncidentFacts, given_names: str) -> Any:
    return next(c for c in facts.children if c.child.given_names == given_names)


def test_every_demo_incident_is_submitted_by_the_response_officer(wessex: Any) -> None:
    police = Incident.objects.filter(kind=Incident.Kind.POLICE)
    assert police.count() == len(POLICE_INCIDENTS)
    for incident in police:
        assert incident.status == Incident.Status.SUBMITTED
        assert incident.version == 1
        assert incident.recorded_by == wessex.user(OFFICER)
        assert incident.recorded_by_agency.slug == "wessex-police"
        assert incident.occurred_at is not None and incident.occurred_at < clock.now()
        assert incident.local_authority is not None


def test_the_people_and_places_are_fictional_wessex(wessex: Any) -> None:
    towns = {town for towns in SCHOOL_TOWNS.values() for town in towns}
    for incident in Incident.objects.all():
        assert incident.location_town in towns
        assert incident.location_postcode.startswith("WX")
    for address in Address.objects.all():
        assert address.town in towns
        assert address.postcode.startswith("WX")


def test_children_who_saw_or_heard_are_victims_in_their_own_right(wessex: Any) -> None:
    checked = 0
    for incident in Incident.objects.all():
        for view in incident_facts(incident).children:
            involvement = view.involvement
            if involvement.saw or involvement.heard:
                assert view.victim_status.finding == Finding.MET, view.victim_status.reasons
                checked += 1
    assert checked >= 6
    # A child asleep through it is recorded, with the reason the Act is not met.
    poppy = child(facts_of("WX/DEMO/0001"), "Poppy")
    assert poppy.victim_status.finding == Finding.NOT_MET
    assert any("did not see or hear" in r for r in poppy.victim_status.reasons)


def test_children_present_and_absent(wessex: Any) -> None:
    present = ChildInvolvement.objects.filter(present=True)
    absent = ChildInvolvement.objects.filter(present=False)
    assert present.exists() and absent.exists()
    jayden = child(facts_of("WX/DEMO/0004"), "Jayden")
    assert jayden.involvement.present is False
    assert jayden.involvement.experienced_effects
    assert jayden.victim_status.finding == Finding.MET


def test_a_child_spoken_to_alone_in_their_own_words(wessex: Any) -> None:
    keira = child(facts_of("WX/DEMO/0003"), "Keira").involvement
    assert keira.spoken_to and keira.spoken_to_alone
    assert keira.spoken_where
    assert "rang 999" in keira.own_words


def test_a_child_not_spoken_to_alone_has_the_reason(wessex: Any) -> None:
    tyler = child(facts_of("WX/DEMO/0001"), "Tyler").involvement
    assert tyler.spoken_to is True
    assert tyler.spoken_to_alone is False
    assert "would not leave" in tyler.not_alone_reason


def test_a_baby_and_a_pregnancy_are_flagged(wessex: Any) -> None:
    baby = facts_of("WX/DEMO/0004")
    assert baby.pregnancy_flag == "There is a baby under 18 months"
    harper = child(baby, "Harper")
    assert harper.age == 0
    assert harper.involvement.spoken_to is False and harper.involvement.not_spoken_to_reason
    assert facts_of("WX/DEMO/0003").pregnancy_flag == "The victim is pregnant"


def test_a_repeat_victim_with_the_same_abuser_over_recent_months(wessex: Any) -> None:
    shona = Person.objects.get(given_names="Shona", family_name="Fenwright")
    incidents = list(
        Incident.objects.filter(parties__person=shona, parties__role=Party.Role.ADULT_VICTIM)
    )
    assert len(incidents) >= 2
    perpetrators = {tuple(p.pk for p in incident_facts(i).perpetrators) for i in incidents}
    assert len(perpetrators) == 1  # the same man each time
    dates = sorted(i.occurred_at for i in incidents if i.occurred_at)
    assert len(set(dates)) == len(incidents)
    assert clock.now() - dates[0] < dt.timedelta(days=183)
    # Her children are one record each across the incidents, not a line per incident.
    tyler = Person.objects.get(given_names="Tyler", family_name="Fenwright")
    assert tyler.involvements.count() == len(incidents)
    assert Person.objects.filter(given_names="Shona").count() == 1


def test_the_officer_attested_there_were_no_children(wessex: Any) -> None:
    incident = Incident.objects.get(police_reference="WX/DEMO/0006")
    assert incident.no_children_attested
    assert "separately" in incident.no_children_how
    facts = incident_facts(incident)
    assert facts.children == []
    assert facts.definition is not None and facts.definition.finding == Finding.MET


def test_a_school_raised_a_concern_about_a_pupil(wessex: Any) -> None:
    concern = Incident.objects.get(kind=Incident.Kind.CONCERN)
    assert concern.status == Incident.Status.SUBMITTED
    assert concern.recorded_by == wessex.user(DSL)
    assert concern.recorded_by_agency.slug == "ashcombe-primary-school"
    # No police fields.
    assert concern.police_reference == ""
    assert concern.arrest_made is None and concern.no_arrest_reason == ""
    ruby = child(incident_facts(concern), "Ruby")
    assert ruby.involvement.spoken_to_alone and ruby.involvement.own_words
    assert ruby.victim_status.finding == Finding.MET
    assert ruby.child.recorded_by_agency_id == concern.recorded_by_agency_id


DEMO_MODELS: tuple[type[Model], ...] = (
    Incident,
    Party,
    ChildInvolvement,
    IncidentVersion,
    Person,
    Address,
    Relationship,
    TimelineEvent,
)


def counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in DEMO_MODELS}


def test_seeding_twice_adds_no_incidents_even_weeks_later(wessex: Any) -> None:
    first = counts()
    assert first["Incident"] == len(POLICE_INCIDENTS) + 1
    seed_wessex()
    assert counts() == first
    with time_machine.travel(clock.now() + dt.timedelta(days=40)):
        steps: list[str] = []
        seed_incidents(progress=steps.append)
    assert counts() == first
    assert steps[-1] == "concern" and len(steps) == len(POLICE_INCIDENTS) + 1
