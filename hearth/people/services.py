"""Recording people, their addresses, relationships and households. Invariants:

- identifiers are checked before anything is saved: an NHS number's check digit and a
  Unique Pupil Number's check letter (``people.policy``), and a date of birth is not in
  the future; each problem names its field;
- a relationship is stored once per pair, whichever way round it is given;
- a contact marked unsafe (an email address or phone number the perpetrator can see) is
  stored normalised, once, and every message to it is refused by ``core.notify``
  (domain.md §9.4, §10.5); its timeline event never repeats the address;
- every change is one transaction with a timeline event on the person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from hearth.audit.services import (
    TimelineEntry,
    diffs_record_created,
    timeline_record,
    timeline_record_many,
)
from hearth.core import clock
from hearth.core.actor import Actor
from hearth.core.errors import ValidationFailed
from hearth.core.models import Channel, UnsafeContact
from hearth.core.notify import normalise_contact
from hearth.people.models import (
    Address,
    Household,
    HouseholdMember,
    Person,
    PersonAddress,
    PersonName,
    Relationship,
    Sex,
)
from hearth.people.policy import (
    Kinship,
    family_name_key,
    nhs_number_problem,
    normalise_name,
    normalise_nhs_number,
    upn_problem,
)


@dataclass(frozen=True)
class OtherName:
    family_name: str
    given_names: str = ""
    kind: str = PersonName.Kind.ALIAS


@dataclass(frozen=True)
class PersonDetails:
    """What is known about a person at intake. Only a name is required."""

    given_names: str
    family_name: str
    date_of_birth: dt.date | None = None
    estimated_age: int | None = None
    sex: str = Sex.UNKNOWN
    ethnicity: str = ""
    first_language: str = ""
    interpreter_needed: bool = False
    communication_needs: str = ""
    nhs_number: str = ""
    unique_pupil_number: str = ""
    police_person_id: str = ""
    other_names: tuple[OtherName, ...] = field(default_factory=tuple)


def person_details_problems(details: PersonDetails) -> dict[str, list[str]]:
    """Each field's problems, worded for the person filling in the form."""
    problems: dict[str, list[str]] = {}
    if not details.given_names.strip() and not details.family_name.strip():
        problems["family_name"] = ["Enter the person's name"]
    today = clock.local_now().date()
    if details.date_of_birth and details.date_of_birth > today:
        problems["date_of_birth"] = ["Date of birth must be today or in the past"]
    if details.estimated_age is not None and not 0 <= details.estimated_age <= 120:
        problems["estimated_age"] = ["Estimated age must be between 0 and 120"]
    if details.nhs_number and (problem := nhs_number_problem(details.nhs_number)):
        problems["nhs_number"] = [problem]
    if details.unique_pupil_number and (problem := upn_problem(details.unique_pupil_number)):
        problems["unique_pupil_number"] = [problem]
    return problems


def _person_from(actor: Actor, details: PersonDetails) -> Person:
    """The person ``details`` describe, not yet saved (the details are checked first),
    with the lookup keys ``Person.save`` sets, as ``bulk_create`` calls no ``save``."""
    person = Person(
        given_names=details.given_names.strip(),
        family_name=details.family_name.strip(),
        date_of_birth=details.date_of_birth,
        estimated_age=details.estimated_age if details.date_of_birth is None else None,
        estimated_age_on=clock.local_now().date() if details.estimated_age is not None else None,
        sex=details.sex,
        ethnicity=details.ethnicity,
        first_language=details.first_language,
        interpreter_needed=details.interpreter_needed,
        communication_needs=details.communication_needs,
        nhs_number=normalise_nhs_number(details.nhs_number),
        unique_pupil_number=details.unique_pupil_number.strip().upper(),
        police_person_id=details.police_person_id.strip(),
        recorded_by_agency_id=actor.agency_id,
    )
    person.given_names_key = normalise_name(person.given_names)
    person.family_name_key = family_name_key(person.family_name)
    return person


# Called with the ids of people just recorded, inside the recording's transaction: apps
# above register here (``hearth.matching`` queues a task, in the recording's transaction,
# for the worker to link each new person to other agencies' records of them, issue 16
# §2), as people imports none.
PEOPLE_RECORDED_HOOKS: list[Callable[[list[int]], None]] = []


def _recorded(persons: Sequence[Person]) -> None:
    for hook in PEOPLE_RECORDED_HOOKS:
        hook([p.pk for p in persons])


@transaction.atomic
def person_create(*, actor: Actor, details: PersonDetails) -> Person:
    if problems := person_details_problems(details):
        raise ValidationFailed.from_fields(problems)
    person = _person_from(actor, details)
    person.save()
    for name in details.other_names:
        PersonName.objects.create(
            person=person,
            kind=name.kind,
            given_names=name.given_names,
            family_name=name.family_name,
        )
    timeline_record(actor=actor, subject=person, verb="person.recorded", summary="Person recorded")
    _recorded([person])
    return person


def _name_of(person: Person, name: OtherName) -> PersonName:
    """Another name of ``person``, not yet saved, with the lookup keys ``PersonName.save``
    sets, as ``bulk_create`` calls no ``save``."""
    other = PersonName(
        person=person, kind=name.kind, given_names=name.given_names, family_name=name.family_name
    )
    other.given_names_key = normalise_name(other.given_names)
    other.family_name_key = family_name_key(other.family_name)
    return other


@dataclass(frozen=True)
class NewAddress:
    """Where a person recorded with ``people_record_many`` lives now."""

    line_1: str
    town: str
    postcode: str = ""
    line_2: str = ""
    local_authority_id: int | None = None
    is_confidential: bool = False


def people_record_many(
    *, actor: Actor, people: Sequence[tuple[PersonDetails, NewAddress | None]]
) -> list[Person]:
    """Record several new people, each with where they live now if given: what
    ``person_create`` and ``person_address_add`` record for each in turn (the same rows,
    timeline events and django-auditlog diffs), written in bulk. The details are
    checked by the caller (``person_details_problems``), which names each problem's
    path; any left are refused here, by the first person's."""
    for details, _ in people:
        if problems := person_details_problems(details):
            raise ValidationFailed.from_fields(problems)
    with transaction.atomic(savepoint=False):
        return _people_write(actor, people)


def _people_write(
    actor: Actor, people: Sequence[tuple[PersonDetails, NewAddress | None]]
) -> list[Person]:
    persons = Person.objects.bulk_create([_person_from(actor, d) for d, _ in people])
    names = PersonName.objects.bulk_create(
        _name_of(person, n)
        for person, (details, _) in zip(persons, people, strict=True)
        for n in details.other_names
    )
    homes = [(p, a) for p, (_, a) in zip(persons, people, strict=True) if a is not None]
    addresses = Address.objects.bulk_create(
        Address(
            line_1=a.line_1,
            line_2=a.line_2,
            town=a.town,
            postcode=a.postcode.upper().strip(),
            local_authority_id=a.local_authority_id,
            is_confidential=a.is_confidential,
        )
        for _, a in homes
    )
    lived = PersonAddress.objects.bulk_create(
        PersonAddress(person=p, address=address)
        for (p, _), address in zip(homes, addresses, strict=True)
    )
    diffs_record_created([*persons, *names, *addresses, *lived])
    address_of = {p.pk: address for (p, _), address in zip(homes, addresses, strict=True)}
    entries = []
    for person in persons:
        entries.append(TimelineEntry(person, "person.recorded", "Person recorded"))
        if (address := address_of.get(person.pk)) is not None:
            entries.append(
                TimelineEntry(
                    person,
                    "person.address_added",
                    "Confidential address recorded"
                    if address.is_confidential
                    else "Address recorded",
                    {"address_id": address.pk, "confidential": address.is_confidential},
                )
            )
    timeline_record_many(actor=actor, entries=entries)
    _recorded(persons)
    return persons


@transaction.atomic
def person_address_add(
    *,
    actor: Actor,
    person: Person,
    line_1: str,
    town: str,
    postcode: str = "",
    line_2: str = "",
    local_authority_id: int | None = None,
    is_confidential: bool = False,
    lived_from: dt.date | None = None,
) -> PersonAddress:
    """Record where ``person`` lives now; their previous current address ends today."""
    today = clock.local_now().date()
    PersonAddress.objects.filter(person=person, lived_to__isnull=True).update(lived_to=today)
    address = Address.objects.create(
        line_1=line_1,
        line_2=line_2,
        town=town,
        postcode=postcode.upper().strip(),
        local_authority_id=local_authority_id,
        is_confidential=is_confidential,
    )
    lived = PersonAddress.objects.create(person=person, address=address, lived_from=lived_from)
    timeline_record(
        actor=actor,
        subject=person,
        verb="person.address_added",
        summary="Confidential address recorded" if is_confidential else "Address recorded",
        payload={"address_id": address.pk, "confidential": is_confidential},
    )
    return lived


@transaction.atomic
def relationship_set(
    *,
    actor: Actor,
    person: Person,
    other: Person,
    kinship: Kinship,
    parental_responsibility: bool = False,
) -> Relationship:
    """Record that ``person`` is ``kinship`` of ``other`` (and whether ``person`` has
    parental responsibility for ``other``), replacing what was recorded for the pair in
    either direction, so that each pair is stored once."""
    if person.pk == other.pk:
        raise ValidationFailed("A person cannot be related to themselves")
    Relationship.objects.filter(person=other, other=person).delete()
    relationship, _ = Relationship.objects.update_or_create(
        person=person,
        other=other,
        defaults={"kinship": kinship, "parental_responsibility": parental_responsibility},
    )
    timeline_record(
        actor=actor,
        subject=person,
        verb="relationship.recorded",
        summary="Relationship recorded",
        payload={"other_id": other.pk, "kinship": str(kinship)},
    )
    return relationship


@transaction.atomic(savepoint=False)
def household_record(*, actor: Actor, address: Address, people: Iterable[Person]) -> Household:
    """The people who normally live at ``address`` (added to its household if it has one):
    each not yet a current member joins it, with a timeline event, in one statement."""
    household = Household.objects.filter(address=address).first() or Household.objects.create(
        address=address
    )
    household.address = address  # for the auditlog's description of each membership
    joining = list({person.pk: person for person in people}.values())
    current = set(
        HouseholdMember.objects.filter(
            household=household, person__in=joining, lived_to=None
        ).values_list("person_id", flat=True)
    )
    joining = [person for person in joining if person.pk not in current]
    members = HouseholdMember.objects.bulk_create(
        HouseholdMember(household=household, person=person) for person in joining
    )
    diffs_record_created(members)
    timeline_record_many(
        actor=actor,
        entries=[
            TimelineEntry(
                person,
                "household.joined",
                "Recorded as living in a household",
                {"household_id": household.pk},
            )
            for person in joining
        ],
    )
    return household


UNSAFE_REASON_MAX_LENGTH = UnsafeContact._meta.get_field("reason").max_length or 200
# Digits, spaces and the punctuation people write phone numbers with; 7 to 15 digits
# (E.164 allows at most 15).
PHONE_CHARACTERS = frozenset("0123456789 +-().")
PHONE_DIGITS = range(7, 16)


def unsafe_contact_problems(*, channel: str, value: str, reason: str) -> dict[str, list[str]]:
    """Each field's problems, in GOV.UK wording."""
    problems: dict[str, list[str]] = {}
    if channel not in Channel.values:
        problems["channel"] = ["Select whether it is an email address or a phone number"]
    elif not normalise_contact(channel, value):
        problems["value"] = [
            "Enter the email address" if channel == Channel.EMAIL else "Enter the phone number"
        ]
    elif channel == Channel.EMAIL:
        try:
            validate_email(normalise_contact(channel, value))
        except ValidationError:
            problems["value"] = [
                "Enter an email address in the correct format, like name@example.com"
            ]
    elif not set(value.strip()) <= PHONE_CHARACTERS or (
        len(normalise_contact(channel, value).lstrip("+")) not in PHONE_DIGITS
    ):
        problems["value"] = [
            "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
        ]
    if not reason.strip():
        problems["reason"] = ["Enter why this contact is not safe"]
    elif len(reason.strip()) > UNSAFE_REASON_MAX_LENGTH:
        problems["reason"] = [f"Reason must be {UNSAFE_REASON_MAX_LENGTH} characters or less"]
    return problems


@transaction.atomic
def contact_mark_unsafe(
    *, actor: Actor, person: Person, channel: str, value: str, reason: str
) -> UnsafeContact:
    """Record that ``value`` (an email address or phone number of ``person``'s) must never
    be written to, for example because the perpetrator can read it (domain.md §9.4 and
    §10.5: suppress addresses and phone numbers shared with the perpetrator).

    The value is stored normalised, so marking it again, however it is typed, updates
    the reason rather than adding a row; the person it was first marked for is kept. A
    contact is unsafe for every message, whoever it is sent about. The timeline event
    carries ids and the channel only: the person's timeline is read by people who need
    not, and must not, learn the address."""
    if problems := unsafe_contact_problems(channel=channel, value=value, reason=reason):
        raise ValidationFailed.from_fields(problems)
    contact, created = UnsafeContact.objects.update_or_create(
        channel=channel,
        value=normalise_contact(channel, value),
        defaults={"reason": reason.strip(), "marked_by_agency_id": actor.agency_id},
        create_defaults={
            "reason": reason.strip(),
            "marked_by_agency_id": actor.agency_id,
            "person_id": person.pk,
        },
    )
    timeline_record(
        actor=actor,
        subject=person,
        verb="contact.marked_unsafe",
        summary="Contact marked as not safe to use" if created else "Unsafe contact updated",
        payload={"unsafe_contact_id": contact.pk, "channel": str(channel)},
    )
    return contact
