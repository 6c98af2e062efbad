"""A whole incident as one document: what a police record system sends to the API, and
what the demo seed uses, recorded in one transaction by ``incident_record_document``.

People are given once in ``people`` with a ``ref`` (any string unique in the document),
or as ``existing_person_id`` of someone already recorded, and referred to by ``ref``
everywhere else, so a child related to both adults is one person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from hearth.core.actor import Actor
from hearth.core.errors import ValidationFailed
from hearth.incidents import services
from hearth.incidents.facts import incident_day
from hearth.incidents.models import ChildInvolvement, Incident
from hearth.incidents.policy import PartyRole
from hearth.people import services as people_services
from hearth.people.models import Person
from hearth.people.policy import Kinship
from hearth.people.services import OtherName, PersonDetails


@dataclass(frozen=True)
class PersonIn:
    ref: str
    given_names: str = ""
    family_name: str = ""
    existing_person_id: int | None = None
    date_of_birth: dt.date | None = None
    estimated_age: int | None = None
    sex: str = "unknown"
    ethnicity: str = ""
    first_language: str = ""
    interpreter_needed: bool = False
    communication_needs: str = ""
    nhs_number: str = ""
    unique_pupil_number: str = ""
    police_person_id: str = ""
    other_names: tuple[OtherName, ...] = ()
    address_line_1: str = ""
    address_town: str = ""
    address_postcode: str = ""
    address_confidential: bool = False


@dataclass(frozen=True)
class RelationshipIn:
    """``person`` is ``kinship`` of ``other`` (for example a parent of a child)."""

    person: str
    other: str
    kinship: str
    parental_responsibility: bool = False


@dataclass(frozen=True)
class ChildIn:
    ref: str
    involvement: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class IncidentDocument:
    people: list[PersonIn]
    victims: list[str]
    perpetrators: list[str] = field(default_factory=list)
    children: list[ChildIn] = field(default_factory=list)
    others: list[str] = field(default_factory=list)
    relationships: list[RelationshipIn] = field(default_factory=list)
    details: services.IncidentChanges = field(default_factory=services.IncidentChanges)
    no_children_how: str = ""
    kind: str | None = None
    submit: bool = True


@transaction.atomic
def incident_record_document(*, actor: Actor, document: IncidentDocument) -> Incident:
    """Record the whole incident and, unless ``submit`` is false, submit it. Every problem
    is reported with the document path of its field; nothing is kept if any is found.
    Someone who may not record one is refused before the document is looked at."""
    services.incident_kind_for(actor, document.kind)
    problems = _reference_problems(document)
    if problems:
        raise ValidationFailed.from_fields(problems)
    incident = services.incident_start(actor=actor, kind=document.kind)
    services.incident_update(actor=actor, incident=incident, changes=document.details)
    people = _record_people(actor, document)
    _add_parties(actor, incident, document, people)
    for index, rel in enumerate(document.relationships):
        try:
            kinship = Kinship(rel.kinship)
        except ValueError:
            raise ValidationFailed.from_fields(
                {f"relationships.{index}.kinship": [f"Unknown relationship: {rel.kinship}"]}
            ) from None
        services.incident_relationship_set(
            actor=actor,
            incident=incident,
            person=people[rel.person],
            other=people[rel.other],
            kinship=kinship,
            parental_responsibility=rel.parental_responsibility,
        )
    for index, child in enumerate(document.children):
        involvement = ChildInvolvement.objects.get(incident=incident, child=people[child.ref])
        try:
            services.child_involvement_update(
                actor=actor, involvement=involvement, changes=child.involvement
            )
        except ValidationFailed as error:
            raise ValidationFailed.from_fields(
                {f"children.{index}.involvement": [error.message]}
            ) from None
    if not document.children and document.no_children_how:
        services.no_children_attest(actor=actor, incident=incident, how=document.no_children_how)
    if document.submit:
        # The submission check names children by their position among the incident's
        # children, which is their order in the document.
        services.incident_submit(actor=actor, incident=incident)
    incident.refresh_from_db()
    return incident


def _add_parties(
    actor: Actor, incident: Incident, document: IncidentDocument, people: dict[str, Person]
) -> None:
    """Each person in their part. The children go in the document's order, so the
    submission check's ``children.N`` is the document's; a child who harmed is listed in
    both ``perpetrators`` and ``children`` and stays the alleged perpetrator, with a
    child's involvement (``services.party_add``)."""
    for ref in document.victims:
        services.party_add(
            actor=actor, incident=incident, person=people[ref], role=PartyRole.ADULT_VICTIM
        )
    harmed = set(document.perpetrators)
    for index, child in enumerate(document.children):
        person = people[child.ref]
        role = PartyRole.ALLEGED_PERPETRATOR if child.ref in harmed else PartyRole.CHILD
        try:
            services.party_add(actor=actor, incident=incident, person=person, role=role)
        except ValidationFailed as error:
            messages = [m for found in error.fields.values() for m in found] or [error.message]
            raise ValidationFailed.from_fields({f"children.{index}": messages}) from None
        if (
            role == PartyRole.ALLEGED_PERPETRATOR
            and not incident.child_involvements.filter(child=person).exists()
        ):
            raise ValidationFailed.from_fields(
                {
                    f"children.{index}": [
                        f"{person.full_name} is an alleged perpetrator: they can be listed as a "
                        "child too only when under 18 on the date of the incident. Give their "
                        "date of birth or estimated age"
                    ]
                }
            )
    for index, ref in enumerate(document.perpetrators):
        if ref in {c.ref for c in document.children}:
            continue
        person = people[ref]
        services.party_add(
            actor=actor, incident=incident, person=person, role=PartyRole.ALLEGED_PERPETRATOR
        )
        if incident.child_involvements.filter(child=person).exists():
            age = person.age_on(incident_day(incident))
            raise ValidationFailed.from_fields(
                {
                    f"perpetrators.{index}": [
                        f"{person.full_name} is {age}, so under 18, on the date of the "
                        "incident: list them in children too, as a child who harmed, with "
                        "what happened to them"
                    ]
                }
            )
    for ref in document.others:
        services.party_add(
            actor=actor,
            incident=incident,
            person=people[ref],
            role=PartyRole.OTHER_HOUSEHOLD_MEMBER,
        )


def _reference_problems(document: IncidentDocument) -> dict[str, list[str]]:
    refs = [p.ref for p in document.people]
    problems: dict[str, list[str]] = {}
    seen: set[str] = set()
    for index, ref in enumerate(refs):
        if ref in seen:
            problems[f"people.{index}.ref"] = [f"The reference {ref!r} is used twice"]
        seen.add(ref)
    used = [
        ("victims", document.victims),
        ("perpetrators", document.perpetrators),
        ("children", [c.ref for c in document.children]),
        ("others", document.others),
    ]
    for name, group in used:
        for index, ref in enumerate(group):
            if ref not in seen:
                problems[f"{name}.{index}"] = [f"No person with the reference {ref!r}"]
    for index, rel in enumerate(document.relationships):
        for end in ("person", "other"):
            if getattr(rel, end) not in seen:
                problems[f"relationships.{index}.{end}"] = [
                    f"No person with the reference {getattr(rel, end)!r}"
                ]
    return problems


def _record_people(actor: Actor, document: IncidentDocument) -> dict[str, Person]:
    people: dict[str, Person] = {}
    # An existing person is chosen as at intake: among the agency's own records.
    visible = Person.objects.for_intake(actor)
    for index, given in enumerate(document.people):
        if given.existing_person_id is not None:
            person = visible.filter(pk=given.existing_person_id).first()
            if person is None:
                raise ValidationFailed.from_fields(
                    {f"people.{index}.existing_person_id": ["No such person"]}
                )
        else:
            details = PersonDetails(
                given_names=given.given_names,
                family_name=given.family_name,
                date_of_birth=given.date_of_birth,
                estimated_age=given.estimated_age,
                sex=given.sex,
                ethnicity=given.ethnicity,
                first_language=given.first_language,
                interpreter_needed=given.interpreter_needed,
                communication_needs=given.communication_needs,
                nhs_number=given.nhs_number,
                unique_pupil_number=given.unique_pupil_number,
                police_person_id=given.police_person_id,
                other_names=given.other_names,
            )
            problems = people_services.person_details_problems(details)
            if problems:
                raise ValidationFailed.from_fields(
                    {f"people.{index}.{name}": msgs for name, msgs in problems.items()}
                )
            person = people_services.person_create(actor=actor, details=details)
            if given.address_line_1:
                people_services.person_address_add(
                    actor=actor,
                    person=person,
                    line_1=given.address_line_1,
                    town=given.address_town,
                    postcode=given.address_postcode,
                    is_confidential=given.address_confidential,
                )
        people[given.ref] = person
    return people
