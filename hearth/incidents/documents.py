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

from hearth.audit.services import TimelineEntry, batched, diffs_record_created, timeline_record_many
from hearth.core.actor import Actor
from hearth.core.errors import ValidationFailed
from hearth.incidents import services
from hearth.incidents.directory import settings_named
from hearth.incidents.facts import incident_day
from hearth.incidents.models import ChildInvolvement, Incident, Party
from hearth.incidents.policy import PartyRole, adult_listed_as_child, is_child
from hearth.people import services as people_services
from hearth.people.models import Person, Relationship
from hearth.people.policy import Kinship
from hearth.people.services import NewAddress, OtherName, PersonDetails


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
    Someone who may not record one is refused before the document is looked at.

    The rows, timeline events and django-auditlog diffs are those the services record
    one change at a time (``incident_start``, ``incident_update``, ``person_create``,
    ``party_add``, ``incident_relationship_set``, ``child_involvement_update``,
    ``incident_submit``), and the problems are found in the same order; they are
    written in bulk, inside this one transaction (issue 12). A document that names one
    person in two parts goes through those services one change at a time."""
    services.incident_kind_for(actor, document.kind)
    problems = _reference_problems(document)
    if problems:
        raise ValidationFailed.from_fields(problems)
    if not _each_person_once(document):
        return _record_one_change_at_a_time(actor, document)
    # The timeline events and bulk audit entries of the whole intake, routing included,
    # are written at its end, each table in one statement (issue 12).
    with batched():
        return _record_in_bulk(actor, document)


def _record_in_bulk(actor: Actor, document: IncidentDocument) -> Incident:
    incident, entries = services.incident_open(
        actor=actor, kind=document.kind, changes=document.details
    )
    people = _record_people_in_bulk(actor, document)
    parties = _parties_of(incident, document, people)
    relationships = _relationships_of(incident, document, people, parties)
    involvements = _involvements_of(document, people)
    entries += _write_parties(incident, parties, involvements)
    recorded_before = {p.existing_person_id for p in document.people if p.existing_person_id}
    one_by_one = _write_relationships(incident, relationships, recorded_before, entries)
    if one_by_one:  # someone recorded before: their relationships may be replaced
        timeline_record_many(actor=actor, entries=entries)
        entries = []
        for relationship in one_by_one:
            services.incident_relationship_set(actor=actor, incident=incident, **relationship)
    for child in document.children:
        changes = child.involvement
        person = people[child.ref]
        entries += [
            TimelineEntry(
                incident,
                "incident.child_updated",
                "A child's involvement recorded",
                {"child_id": person.pk, "fields": sorted(changes)},
            ),
            TimelineEntry(
                person,
                "child.involvement_recorded",
                f"What happened to them at {incident} recorded",
                {"incident_id": incident.pk, "fields": sorted(changes)},
            ),
        ]
    timeline_record_many(actor=actor, entries=entries)
    if not document.children and document.no_children_how:
        services.no_children_attest(actor=actor, incident=incident, how=document.no_children_how)
        incident.refresh_from_db()
    if document.submit:
        # The submission check names children by their position among the incident's
        # children, which is their order in the document.
        services.incident_submit_held(actor=actor, incident=incident)
    incident.refresh_from_db()
    return incident


def _each_person_once(document: IncidentDocument) -> bool:
    """Whether each person is given once and has one part (a child who harmed is both a
    perpetrator and a child, as the one part of alleged perpetrator)."""
    existing = [p.existing_person_id for p in document.people if p.existing_person_id]
    children = [c.ref for c in document.children]
    perpetrators = [ref for ref in document.perpetrators if ref not in set(children)]
    parts = [*document.victims, *children, *perpetrators, *document.others]
    return len(set(existing)) == len(existing) and len(set(parts)) == len(parts)


def _record_people_in_bulk(actor: Actor, document: IncidentDocument) -> dict[str, Person]:
    """``_record_people``, with the existing people read in one query and the new ones
    recorded in bulk: the first problem found is the same."""
    wanted = [p.existing_person_id for p in document.people if p.existing_person_id is not None]
    # An existing person is chosen as at intake: among the agency's own records.
    existing = (
        {p.pk: p for p in Person.objects.for_intake(actor).filter(pk__in=wanted)} if wanted else {}
    )
    new: list[tuple[str, PersonDetails, NewAddress | None]] = []
    for index, given in enumerate(document.people):
        if given.existing_person_id is not None:
            if given.existing_person_id not in existing:
                raise ValidationFailed.from_fields(
                    {f"people.{index}.existing_person_id": ["No such person"]}
                )
            continue
        details = _details_of(given)
        problems = people_services.person_details_problems(details)
        if problems:
            raise ValidationFailed.from_fields(
                {f"people.{index}.{name}": msgs for name, msgs in problems.items()}
            )
        home = (
            NewAddress(
                line_1=given.address_line_1,
                town=given.address_town,
                postcode=given.address_postcode,
                is_confidential=given.address_confidential,
            )
            if given.address_line_1
            else None
        )
        new.append((given.ref, details, home))
    recorded = people_services.people_record_many(
        actor=actor, people=[(details, home) for _, details, home in new]
    )
    people = {ref: person for (ref, _, _), person in zip(new, recorded, strict=True)}
    return {
        given.ref: existing[given.existing_person_id]
        if given.existing_person_id is not None
        else people[given.ref]
        for given in document.people
    }


@dataclass(frozen=True)
class _Part:
    person: Person
    role: PartyRole
    harmed: bool = False  # an alleged perpetrator under 18: a child who harmed


def _parties_of(
    incident: Incident, document: IncidentDocument, people: dict[str, Person]
) -> list[_Part]:
    """Each person's part, in the order ``_add_parties`` adds them, with the problems it
    finds (a child 18 or over; a perpetrator listed as a child who is not under 18, or
    one under 18 not listed as a child)."""
    day = incident_day(incident)
    parts = [_Part(people[ref], PartyRole.ADULT_VICTIM) for ref in document.victims]
    harmed = set(document.perpetrators)
    for index, child in enumerate(document.children):
        person = people[child.ref]
        age = person.age_on(day)
        if child.ref in harmed:
            if age is None or not is_child(age):
                raise ValidationFailed.from_fields(
                    {
                        f"children.{index}": [
                            f"{person.full_name} is an alleged perpetrator: they can be listed "
                            "as a child too only when under 18 on the date of the incident. "
                            "Give their date of birth or estimated age"
                        ]
                    }
                )
            parts.append(_Part(person, PartyRole.ALLEGED_PERPETRATOR, harmed=True))
            continue
        adult = (
            adult_listed_as_child(person.full_name, age)
            if incident.occurred_at is not None
            else None
        )
        if adult:
            raise ValidationFailed.from_fields({f"children.{index}": [adult]})
        parts.append(_Part(person, PartyRole.CHILD))
    children = {c.ref for c in document.children}
    for index, ref in enumerate(document.perpetrators):
        if ref in children:
            continue
        person = people[ref]
        age = person.age_on(day)
        if age is not None and is_child(age):
            raise ValidationFailed.from_fields(
                {
                    f"perpetrators.{index}": [
                        f"{person.full_name} is {age}, so under 18, on the date of the "
                        "incident: list them in children too, as a child who harmed, with "
                        "what happened to them"
                    ]
                }
            )
        parts.append(_Part(person, PartyRole.ALLEGED_PERPETRATOR))
    parts += [_Part(people[ref], PartyRole.OTHER_HOUSEHOLD_MEMBER) for ref in document.others]
    return parts


def _relationships_of(
    incident: Incident,
    document: IncidentDocument,
    people: dict[str, Person],
    parts: list[_Part],
) -> list[dict[str, Any]]:
    """Each relationship as ``incident_relationship_set``'s arguments, with the problems
    it finds, in the same order."""
    in_incident = {part.person.pk for part in parts}
    relationships = []
    for index, rel in enumerate(document.relationships):
        try:
            kinship = Kinship(rel.kinship)
        except ValueError:
            raise ValidationFailed.from_fields(
                {f"relationships.{index}.kinship": [f"Unknown relationship: {rel.kinship}"]}
            ) from None
        person, other = people[rel.person], people[rel.other]
        if {person.pk, other.pk} - in_incident:
            raise ValidationFailed("Both people must be part of this incident")
        if person.pk == other.pk:
            raise ValidationFailed("A person cannot be related to themselves")
        relationships.append(
            {
                "person": person,
                "other": other,
                "kinship": kinship,
                "parental_responsibility": rel.parental_responsibility,
            }
        )
    return relationships


def _involvements_of(
    document: IncidentDocument, people: dict[str, Person]
) -> dict[int, dict[str, Any]]:
    """Each child's involvement by person id, with the problems
    ``child_involvement_update`` finds, named as ``incident_record_document`` names them."""
    involvements = {}
    schools = settings_named(
        {
            urn
            for child in document.children
            if (urn := child.involvement.get("education_setting_urn"))
        }
    )
    for index, child in enumerate(document.children):
        changes = child.involvement
        error: ValidationFailed | None = None
        if unknown := set(changes) - services.INVOLVEMENT_FIELDS:
            error = ValidationFailed(f"Unknown fields: {', '.join(sorted(unknown))}")
        elif problems := services.child_involvement_problems(changes, schools):
            error = ValidationFailed.from_fields(problems)
        if error is not None:
            raise ValidationFailed.from_fields({f"children.{index}.involvement": [error.message]})
        involvements[people[child.ref].pk] = changes
    return involvements


def _write_parties(
    incident: Incident, parts: list[_Part], involvements: dict[int, dict[str, Any]]
) -> list[TimelineEntry]:
    """The parties, and each child's involvement with what happened to them, in bulk;
    the timeline events ``party_add`` records for each."""
    rows = Party.objects.bulk_create(
        Party(incident=incident, person=part.person, role=part.role) for part in parts
    )
    children = ChildInvolvement.objects.bulk_create(
        ChildInvolvement(incident=incident, child=part.person, **involvements[part.person.pk])
        for part in parts
        if part.role == PartyRole.CHILD or part.harmed
    )
    diffs_record_created([*rows, *children])
    entries = []
    for part in parts:
        entries.append(
            TimelineEntry(
                incident,
                "incident.party_added",
                f"{Party.Role(part.role).label} added",
                {"person_id": part.person.pk, "role": part.role},
            )
        )
        if part.role == PartyRole.CHILD:
            entries.append(
                TimelineEntry(
                    part.person,
                    "child.added_to_incident",
                    f"Recorded as a child at {incident}",
                    {"incident_id": incident.pk},
                )
            )
        if part.harmed:
            entries.append(
                TimelineEntry(
                    part.person,
                    "child.added_to_incident",
                    f"Recorded as a child who harmed at {incident}",
                    {"incident_id": incident.pk, "harmed": True},
                )
            )
    return entries


def _write_relationships(
    incident: Incident,
    relationships: list[dict[str, Any]],
    recorded_before: set[int],
    entries: list[TimelineEntry],
) -> list[dict[str, Any]]:
    """The relationships between people recorded now, in bulk, with the timeline events
    ``incident_relationship_set`` records (added to ``entries``). When one involves
    someone recorded before, or a pair is given twice, a relationship already recorded
    may be replaced: then none is written, and all are returned for
    ``incident_relationship_set`` to record one at a time, in order."""
    pairs = [frozenset((r["person"].pk, r["other"].pk)) for r in relationships]
    earlier = any(
        r[end].pk in recorded_before for r in relationships for end in ("person", "other")
    )
    if earlier or len(set(pairs)) != len(pairs):
        return relationships
    rows = Relationship.objects.bulk_create(
        Relationship(
            person=r["person"],
            other=r["other"],
            kinship=r["kinship"],
            parental_responsibility=r["parental_responsibility"],
        )
        for r in relationships
    )
    diffs_record_created(rows)
    for r in relationships:
        person, other, kinship = r["person"], r["other"], r["kinship"]
        entries += [
            TimelineEntry(
                person,
                "relationship.recorded",
                "Relationship recorded",
                {"other_id": other.pk, "kinship": str(kinship)},
            ),
            TimelineEntry(
                incident,
                "incident.relationship_recorded",
                "Relationship recorded",
                {"person_id": person.pk, "other_id": other.pk, "kinship": str(kinship)},
            ),
        ]
    return []


def _details_of(given: PersonIn) -> PersonDetails:
    return PersonDetails(
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


def _record_one_change_at_a_time(actor: Actor, document: IncidentDocument) -> Incident:
    """A document that names one person in two parts (changed from the first to the
    second, as ``party_add`` does): through the services, one change at a time."""
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
