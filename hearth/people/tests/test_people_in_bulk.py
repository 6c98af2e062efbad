"""Recording several people in bulk (an incident's intake, issue 12) records what
recording each in turn does: the same rows, timeline events and field-level diffs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from auditlog.models import LogEntry

from hearth.audit.models import TimelineEvent
from hearth.core.errors import ValidationFailed
from hearth.people import services
from hearth.people.models import Address, HouseholdMember, Person, PersonAddress, PersonName
from hearth.people.services import NewAddress, OtherName, PersonDetails

OFFICER = "response.officer@police.wessex.example"

KERRY = PersonDetails(
    given_names=" Kerry ",
    family_name="Bulkley",
    date_of_birth=dt.date(1992, 4, 2),
    sex="female",
    nhs_number="943 476 5919",
    other_names=(OtherName(family_name="Smith", given_names="Kerry"),),
)
DEAN = PersonDetails(given_names="Dean", family_name="Bulkley", estimated_age=35)
HOME = NewAddress(line_1="14 Larch Close", town="Ashcombe", postcode="wx1 4lc ")


def _timeline(person: Person) -> list[tuple[str, str, dict[str, Any]]]:
    events = TimelineEvent.objects.for_subject(person).order_by("id")
    return [
        (e.verb, e.summary, {k: v for k, v in e.payload.items() if k != "address_id"})
        for e in events
    ]


def _diffed(instance: Any) -> list[str]:
    return [e.action for e in LogEntry.objects.get_for_object(instance)]


def test_people_recorded_in_bulk_are_recorded_as_one_by_one(wessex: Any) -> None:
    actor = wessex.actor(OFFICER)
    one = services.person_create(actor=actor, details=KERRY)
    services.person_address_add(
        actor=actor, person=one, line_1=HOME.line_1, town=HOME.town, postcode=HOME.postcode
    )
    kerry, dean = services.people_record_many(actor=actor, people=[(KERRY, HOME), (DEAN, None)])
    fields = [
        f.name
        for f in Person._meta.concrete_fields
        if f.name not in {"id", "created_at", "updated_at"}
    ]
    assert [getattr(kerry, f) for f in fields] == [getattr(one, f) for f in fields]
    assert kerry.given_names == "Kerry" and kerry.nhs_number == "9434765919"
    assert dean.estimated_age == 35 and dean.estimated_age_on is not None
    name_fields = ("family_name", "kind", "given_names_key", "family_name_key")
    assert list(PersonName.objects.filter(person=kerry).values_list(*name_fields)) == list(
        PersonName.objects.filter(person=one).values_list(*name_fields)
    )
    assert PersonName.objects.get(person=kerry).family_name_key == "smith"
    home = PersonAddress.objects.get(person=kerry, lived_to__isnull=True)
    assert home.address.postcode == "WX1 4LC"
    assert not PersonAddress.objects.filter(person=dean).exists()
    assert _timeline(kerry) == _timeline(one)
    assert [
        e.payload["address_id"]
        for e in TimelineEvent.objects.for_subject(kerry)
        if "address_id" in e.payload
    ] == [home.address_id]
    assert _timeline(dean) == [("person.recorded", "Person recorded", {})]
    for instance in (kerry, dean, home, home.address, PersonName.objects.get(person=kerry)):
        assert _diffed(instance) == [LogEntry.Action.CREATE]


def test_people_in_bulk_with_a_problem_record_nobody(wessex: Any) -> None:
    before = (Person.objects.count(), Address.objects.count())
    with pytest.raises(ValidationFailed) as refused:
        services.people_record_many(
            actor=wessex.actor(OFFICER),
            people=[(DEAN, HOME), (PersonDetails(given_names="", family_name=""), None)],
        )
    assert "family_name" in refused.value.fields
    assert (Person.objects.count(), Address.objects.count()) == before


def test_a_household_is_joined_once_by_each_with_an_event_for_each_who_joins(wessex: Any) -> None:
    actor = wessex.actor(OFFICER)
    kerry, dean, mia = services.people_record_many(
        actor=actor, people=[(KERRY, HOME), (DEAN, None), (DEAN, None)]
    )
    address = PersonAddress.objects.get(person=kerry).address
    household = services.household_record(actor=actor, address=address, people=[kerry, dean])
    again = services.household_record(actor=actor, address=address, people=[kerry, mia, mia])
    assert again == household
    members = HouseholdMember.objects.filter(household=household, lived_to=None)
    assert sorted(members.values_list("person_id", flat=True)) == sorted(
        [kerry.pk, dean.pk, mia.pk]
    )
    for person in (kerry, dean, mia):
        joined = TimelineEvent.objects.for_subject(person).filter(verb="household.joined")
        assert [e.payload for e in joined] == [{"household_id": household.pk}]
        assert _diffed(members.get(person=person)) == [LogEntry.Action.CREATE]
