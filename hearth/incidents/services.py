"""Recording incidents and concerns. Invariants:

- an incident is a draft until submitted; it can be submitted only when
  ``policy.submission_problems`` finds nothing: every child recorded (or no children
  attested, with how that was established), each present child's welfare check and
  conversation recorded, with reasons when a child was not spoken to or not alone;
- a child is under 18 on the day of the incident (Children Act 1989 s.105): someone 18
  or over is refused as a child; an alleged perpetrator under 18 is also recorded as a
  child who harmed, with an involvement of their own (``_children_who_harmed_sync``);
- each change is one transaction with a timeline event on the incident, and on the
  child for changes to a child's involvement;
- submitting stores version 1 of the incident; every change after that is an amendment
  that stores the next version, so earlier versions stay in the history;
- only the person who recorded an incident, or a force-wide role of the same force,
  changes it (``incidents.change_incident``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

import rules
from django.db import transaction
from django.dispatch import Signal

from hearth.audit.services import TimelineEntry, timeline_record, timeline_record_many
from hearth.core import clock
from hearth.core.actor import Actor, AgencyKind
from hearth.core.errors import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from hearth.incidents.directory import setting_named
from hearth.incidents.facts import (
    children_who_harmed_missing,
    incident_day,
    incident_record_of,
    incident_rows,
    incident_snapshot,
    rows_read_once,
)
from hearth.incidents.models import (
    FORCE_WIDE_ROLES,
    ChildInvolvement,
    Incident,
    IncidentVersion,
    Party,
)
from hearth.incidents.policy import (
    AbuseType,
    PartyRole,
    adult_listed_as_child,
    is_child,
    submission_problems,
)
from hearth.people import services as people_services
from hearth.people.models import Person, PersonAddress
from hearth.people.policy import Kinship
from hearth.people.services import PersonDetails

# Sent inside ``incident_submit``'s transaction with ``actor`` and ``incident``: contexts
# above incidents (the obligation ledger's routing) act on a submission in the same
# transaction without incidents importing them (pyproject.toml's layers).
incident_submitted = Signal()


def _require_change(actor: Actor, incident: Incident) -> None:
    if not rules.test_rule("incidents.change_incident", actor, incident):
        raise NotPermitted("Only the person who recorded this, or public protection, can change it")


def incident_kind_for(actor: Actor, kind: str | None = None) -> str:
    """What the actor may record (a police incident for a police force, a concern for
    anyone else who works with families), or ``NotPermitted``. Asked before anything
    about the incident is checked (authorise before validating, issue 11 §2).
    Administrators and analysts record nothing: they see no case (``sees_case_content``)."""
    if not actor.sees_case_content or actor.agency_kind in (
        AgencyKind.HOST,
        AgencyKind.ANALYTICS,
    ):
        raise NotPermitted("Only agencies that work with families record incidents or concerns")
    is_police = actor.agency_kind == AgencyKind.POLICE_FORCE
    kind = kind or (Incident.Kind.POLICE if is_police else Incident.Kind.CONCERN)
    if kind == Incident.Kind.POLICE and not is_police:
        raise NotPermitted("Only a police force records police incidents")
    return kind


@transaction.atomic
def incident_start(*, actor: Actor, kind: str | None = None) -> Incident:
    """Open a draft: a police incident for a police force, a concern for anyone else."""
    kind = incident_kind_for(actor, kind)
    incident = Incident.objects.create(
        kind=kind, recorded_by_agency_id=actor.agency_id, recorded_by_id=actor.user_id
    )
    if kind == Incident.Kind.POLICE and actor.user_id is not None:
        # The officer recording it usually attended; others go in ``other_attending``.
        incident.attending_officers.add(actor.user_id)
    timeline_record(
        actor=actor,
        subject=incident,
        verb="incident.started",
        summary="Concern started" if kind == Incident.Kind.CONCERN else "Incident record started",
    )
    return incident


@dataclass(frozen=True)
class IncidentChanges:
    """Fields of an incident that a form or the API may change; ``None`` leaves one as is."""

    police_reference: str | None = None
    occurred_at: dt.datetime | None = None
    reported_at: dt.datetime | None = None
    location_line_1: str | None = None
    location_town: str | None = None
    location_postcode: str | None = None
    local_authority_id: int | None = None
    other_attending: str | None = None
    abuse_types: list[str] | None = None
    pattern: str | None = None
    summary: str | None = None
    injuries: str | None = None
    weapons_used: bool | None = None
    weapons_description: str | None = None
    crimes_recorded: str | None = None
    arrest_made: bool | None = None
    no_arrest_reason: str | None = None
    victim_pregnant: str | None = None

    def given(self) -> dict[str, Any]:
        return {
            f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None
        }


@transaction.atomic
def incident_update(*, actor: Actor, incident: Incident, changes: IncidentChanges) -> Incident:
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    _require_change(actor, incident)
    values = changes.given()
    _details_check(values, agency_id=incident.recorded_by_agency_id, incident_id=incident.pk)
    for name, value in values.items():
        setattr(incident, name, value)
    incident.save()
    if "occurred_at" in values:  # ages are counted on the day it happened
        _children_who_harmed_sync(actor, incident)
    _record_change(
        actor,
        incident,
        verb="incident.updated",
        summary="Incident details changed",
        payload={"fields": sorted(values)},
    )
    return incident


def _details_check(values: dict[str, Any], *, agency_id: int, incident_id: int | None) -> None:
    """Refuse unknown kinds of abuse, and a police reference another of the agency's
    incidents has."""
    if bad := [t for t in values.get("abuse_types", []) if t not in AbuseType.__members__.values()]:
        raise ValidationFailed.from_fields({"abuse_types": [f"Unknown kind of abuse: {bad[0]}"]})
    if reference := values.get("police_reference"):
        clash = Incident.objects.filter(recorded_by_agency_id=agency_id, police_reference=reference)
        if incident_id is not None:
            clash = clash.exclude(pk=incident_id)
        if clash.exists():
            raise ValidationFailed.from_fields(
                {"police_reference": ["Another incident already has this police reference"]}
            )


def incident_open(
    *, actor: Actor, kind: str | None, changes: IncidentChanges
) -> tuple[Incident, list[TimelineEntry]]:
    """A draft opened with ``changes`` made, in one insert: what ``incident_start`` then
    ``incident_update`` record, for a caller that records a whole incident in its own
    transaction (``documents.incident_record_document``). Returns the incident and its
    timeline events (started, details changed) for the caller to write with the rest."""
    kind = incident_kind_for(actor, kind)
    values = changes.given()
    _details_check(values, agency_id=actor.agency_id, incident_id=None)
    incident = Incident.objects.create(
        kind=kind, recorded_by_agency_id=actor.agency_id, recorded_by_id=actor.user_id, **values
    )
    if kind == Incident.Kind.POLICE and actor.user_id is not None:
        incident.attending_officers.add(actor.user_id)
    return incident, [
        TimelineEntry(
            incident,
            "incident.started",
            "Concern started" if kind == Incident.Kind.CONCERN else "Incident record started",
        ),
        TimelineEntry(
            incident, "incident.updated", "Incident details changed", {"fields": sorted(values)}
        ),
    ]


@transaction.atomic
def party_add(*, actor: Actor, incident: Incident, person: Person, role: str) -> Party:
    """Add ``person`` to the incident in ``role`` (a child also gets their involvement)."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    _require_change(actor, incident)
    # The person was found by the intake lookup, whose scope is the agency's own records.
    if not Person.objects.for_intake(actor).filter(pk=person.pk).exists():
        raise ValidationFailed.from_fields({"person": ["Choose a person you can see"]})
    # Children Act 1989 s.105: a child is under 18 on the day (policy.is_child). Without
    # a date yet, the submission check asks again.
    adult = (
        adult_listed_as_child(person.full_name, person.age_on(incident_day(incident)))
        if role == PartyRole.CHILD and incident.occurred_at is not None
        else None
    )
    if adult:
        raise ValidationFailed.from_fields({"date_of_birth": [adult]})
    party, created = Party.objects.get_or_create(
        incident=incident, person=person, defaults={"role": role}
    )
    if not created and party.role != role:
        party.role = role
        party.save(update_fields=["role", "updated_at"])
        if role not in (PartyRole.CHILD, PartyRole.ALLEGED_PERPETRATOR):
            ChildInvolvement.objects.filter(incident=incident, child=person).delete()
    if role == PartyRole.CHILD:
        ChildInvolvement.objects.get_or_create(incident=incident, child=person)
        incident.no_children_attested = False
        incident.no_children_how = ""
        incident.save(update_fields=["no_children_attested", "no_children_how", "updated_at"])
    _record_change(
        actor,
        incident,
        verb="incident.party_added",
        summary=f"{Party.Role(role).label} added",
        payload={"person_id": person.pk, "role": role},
    )
    if role == PartyRole.CHILD:
        timeline_record(
            actor=actor,
            subject=person,
            verb="child.added_to_incident",
            summary=f"Recorded as a child at {incident}",
            payload={"incident_id": incident.pk},
        )
    if role == PartyRole.ALLEGED_PERPETRATOR:
        _children_who_harmed_sync(actor, incident)
    return party


def _children_who_harmed_sync(actor: Actor, incident: Incident) -> None:
    """An alleged perpetrator under 18 on the day of the incident is a child who harmed
    (child-to-parent abuse, for example): they get a child's involvement of their own, so
    they are recorded and routed as a child to safeguard, and the "no children"
    confirmation gives way to them. While a draft, one who turns out to be 18 or over (a
    date changed) loses it again."""
    for person, _ in children_who_harmed_missing(incident):
        ChildInvolvement.objects.get_or_create(incident=incident, child=person)
        if incident.no_children_attested:
            incident.no_children_attested = False
            incident.no_children_how = ""
            incident.save(update_fields=["no_children_attested", "no_children_how", "updated_at"])
        timeline_record(
            actor=actor,
            subject=person,
            verb="child.added_to_incident",
            summary=f"Recorded as a child who harmed at {incident}",
            payload={"incident_id": incident.pk, "harmed": True},
        )
    if incident.status != Incident.Status.DRAFT:
        return
    day = incident_day(incident)
    for involvement in ChildInvolvement.objects.filter(
        incident=incident,
        child__parties__incident=incident,
        child__parties__role=PartyRole.ALLEGED_PERPETRATOR,
    ).select_related("child"):
        if not is_child(involvement.child.age_on(day)):
            involvement.delete()


@transaction.atomic
def party_remove(*, actor: Actor, party: Party) -> None:
    incident = Incident.objects.select_for_update().get(pk=party.incident_id)
    _require_change(actor, incident)
    ChildInvolvement.objects.filter(incident=incident, child_id=party.person_id).delete()
    party.delete()
    _record_change(
        actor,
        incident,
        verb="incident.party_removed",
        summary=f"{Party.Role(party.role).label} removed",
        payload={"person_id": party.person_id, "role": party.role},
    )


# The parts of a child's involvement a form or the API may set.
INVOLVEMENT_FIELDS = frozenset(
    f.name
    for f in ChildInvolvement._meta.get_fields()
    if getattr(f, "concrete", False)
    and f.name not in {"id", "incident", "child", "created_at", "updated_at"}
)


def child_involvement_problems(
    changes: dict[str, Any], open_settings: Mapping[str, Any] | None = None
) -> dict[str, list[str]]:
    """What is wrong with a child's involvement changes, by field: a school, nursery or
    college is chosen from the directory (Operation Encompass notifies it by its URN),
    so a URN it does not list as open is refused. ``open_settings``: the open settings
    already read by URN (``settings_named``) for several children at once."""
    urn = changes.get("education_setting_urn") or ""
    known = open_settings is not None and urn in open_settings
    if urn and not known and setting_named(urn) is None:
        return {
            "education_setting_urn": [f"No open school, nursery or college has the URN {urn!r}"]
        }
    return {}


@transaction.atomic
def child_involvement_update(
    *, actor: Actor, involvement: ChildInvolvement, changes: dict[str, Any]
) -> ChildInvolvement:
    incident = Incident.objects.select_for_update().get(pk=involvement.incident_id)
    _require_change(actor, incident)
    if unknown := set(changes) - INVOLVEMENT_FIELDS:
        raise ValidationFailed(f"Unknown fields: {', '.join(sorted(unknown))}")
    if problems := child_involvement_problems(changes):
        raise ValidationFailed.from_fields(problems)
    for name, value in changes.items():
        setattr(involvement, name, value)
    involvement.save()
    _record_change(
        actor,
        incident,
        verb="incident.child_updated",
        summary="A child's involvement recorded",
        payload={"child_id": involvement.child_id, "fields": sorted(changes)},
    )
    timeline_record(
        actor=actor,
        subject=involvement.child,
        verb="child.involvement_recorded",
        summary=f"What happened to them at {incident} recorded",
        payload={"incident_id": incident.pk, "fields": sorted(changes)},
    )
    return involvement


@transaction.atomic
def no_children_attest(*, actor: Actor, incident: Incident, how: str) -> Incident:
    """The officer confirms no child lives in or is related to the household, and how."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    _require_change(actor, incident)
    if incident.child_involvements.exists():
        raise ValidationFailed.from_fields(
            {"no_children_how": ["You have recorded children: remove them first"]}
        )
    if not how.strip():
        raise ValidationFailed.from_fields(
            {"no_children_how": ["Enter how you established there are no children"]}
        )
    incident.no_children_attested = True
    incident.no_children_how = how.strip()
    incident.save(update_fields=["no_children_attested", "no_children_how", "updated_at"])
    _record_change(
        actor, incident, verb="incident.no_children_attested", summary="No children confirmed"
    )
    return incident


@transaction.atomic
def incident_relationship_set(
    *,
    actor: Actor,
    incident: Incident,
    person: Person,
    other: Person,
    kinship: Kinship,
    parental_responsibility: bool = False,
) -> None:
    """Record how two people in this incident are related. After submission this is an
    amendment: the s.1 and s.3 results may change, so a new version is stored."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    _require_change(actor, incident)
    in_incident = set(
        Party.objects.filter(incident=incident, person__in=[person, other]).values_list(
            "person_id", flat=True
        )
    )
    if in_incident != {person.pk, other.pk}:
        raise ValidationFailed("Both people must be part of this incident")
    people_services.relationship_set(
        actor=actor,
        person=person,
        other=other,
        kinship=kinship,
        parental_responsibility=parental_responsibility,
    )
    _record_change(
        actor,
        incident,
        verb="incident.relationship_recorded",
        summary="Relationship recorded",
        payload={"person_id": person.pk, "other_id": other.pk, "kinship": str(kinship)},
    )


@transaction.atomic
def incident_submit(*, actor: Actor, incident: Incident) -> Incident:
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    return incident_submit_held(actor=actor, incident=incident)


def incident_submit_held(*, actor: Actor, incident: Incident) -> Incident:
    """Submit ``incident``, which the caller's transaction holds: locked, or created in it
    (``documents.incident_record_document``); ``incident_submit`` for anyone else."""
    _require_change(actor, incident)
    if incident.status != Incident.Status.DRAFT:
        raise InvalidTransition("This has already been submitted")
    # From the check through routing nothing changes who was there: their rows are read
    # once for the check, the version, the household and every route.
    with rows_read_once():
        return _submit(actor, incident)


def _submit(actor: Actor, incident: Incident) -> Incident:
    if problems := submission_problems(incident_record_of(incident), now=clock.now()):
        fields_: dict[str, list[str]] = {}
        for problem in problems:
            fields_.setdefault(problem.field, []).append(problem.message)
        raise ValidationFailed.from_fields(fields_)
    incident.status = Incident.Status.SUBMITTED
    incident.submitted_at = clock.now()
    _store_version(actor, incident, also=["status", "submitted_at"])
    involvements = sorted(incident_rows([incident.pk])[1][incident.pk].values(), key=lambda i: i.pk)
    timeline_record_many(
        actor=actor,
        entries=[
            TimelineEntry(incident, "incident.submitted", "Submitted"),
            *(
                TimelineEntry(
                    involvement.child,
                    "child.incident_submitted",
                    f"{incident} submitted",
                    {"incident_id": incident.pk},
                )
                for involvement in involvements
            ),
        ],
    )
    _record_household(actor, incident, involvements)
    incident_submitted.send(sender=Incident, actor=actor, incident=incident)
    return incident


def _record_household(
    actor: Actor, incident: Incident, involvements: list[ChildInvolvement]
) -> None:
    """Who normally lives where: the adult victim's current home, with the children and
    other household members the officer recorded as normally living there."""
    parties = incident_rows([incident.pk])[0][incident.pk]
    victim = next((p for p in parties if p.role == PartyRole.ADULT_VICTIM), None)
    if victim is None:
        return
    home = PersonAddress.objects.filter(person=victim.person, lived_to__isnull=True).first()
    if home is None:
        return
    residents = [victim.person]
    residents += [i.child for i in involvements if i.normally_resident]
    residents += [p.person for p in parties if p.role == PartyRole.OTHER_HOUSEHOLD_MEMBER]
    people_services.household_record(actor=actor, address=home.address, people=residents)


def _record_change(
    actor: Actor,
    incident: Incident,
    *,
    verb: str,
    summary: str,
    payload: dict[str, Any] | None = None,
) -> None:
    """A change to a submitted incident is an amendment: the next version is stored."""
    if incident.status == Incident.Status.SUBMITTED:
        _store_version(actor, incident)
        verb, summary = (
            verb.replace("incident.", "incident.amended."),
            f"Amended: {summary.lower()}",
        )
    timeline_record(actor=actor, subject=incident, verb=verb, summary=summary, payload=payload)


def _store_version(actor: Actor, incident: Incident, also: list[str] | None = None) -> None:
    """Store the next version; ``also`` names other fields changed, saved with it."""
    incident.version += 1
    incident.save(update_fields=["version", "updated_at", *(also or [])])
    IncidentVersion.objects.create(
        incident=incident,
        version=incident.version,
        snapshot=incident_snapshot(incident),
        recorded_at=clock.now(),
        recorded_by_id=actor.user_id,
    )


# --- For the pages of the recording journey ------------------------------------------------


@dataclass(frozen=True)
class AddressIn:
    """Where a person met at an incident lives now."""

    line_1: str
    town: str
    line_2: str = ""
    postcode: str = ""
    is_confidential: bool = False


@transaction.atomic
def incident_person_record(
    *,
    actor: Actor,
    incident: Incident,
    details: PersonDetails,
    role: str,
    address: AddressIn | None = None,
) -> Person:
    """Record someone met at this incident who is not yet known (the officer checked the
    possible existing records first), with where they live, and add them in ``role``.
    Nothing is kept unless all of it is."""
    person = people_services.person_create(actor=actor, details=details)
    if address is not None:
        people_services.person_address_add(
            actor=actor,
            person=person,
            line_1=address.line_1,
            line_2=address.line_2,
            town=address.town,
            postcode=address.postcode,
            is_confidential=address.is_confidential,
        )
    party_add(actor=actor, incident=incident, person=person, role=role)
    return person


@transaction.atomic
def incident_person_remove(*, actor: Actor, incident: Incident, person_id: int) -> None:
    """Take a person added by mistake out of the incident (their own record stays)."""
    party = Party.objects.filter(incident_id=incident.pk, person_id=person_id).first()
    if party is None:
        raise NotFound("No such person in this incident")
    party_remove(actor=actor, party=party)


# --- The public protection unit's review (issue 17) -------------------------------------------

REVIEW_NOTE_MAX = 2000


@transaction.atomic
def incident_review(*, actor: Actor, incident: Incident, note: str) -> Incident:
    """Public protection marks a submitted incident of its own force reviewed, with a note
    (who and when are recorded). Reviewing it again changes nothing: a second click or a
    retried request is not a second review. The timeline says that it was reviewed, never
    the note's words (they may be about a person)."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.recorded_by_agency_id != actor.agency_id or not actor.has_role(*FORCE_WIDE_ROLES):
        raise NotPermitted("Only the force's public protection unit reviews its incidents")
    if incident.status != Incident.Status.SUBMITTED:
        raise InvalidTransition("A draft cannot be reviewed: it has not been submitted")
    if incident.reviewed_at is not None:
        return incident
    note = note.strip()
    if not note:
        raise ValidationFailed.from_fields({"note": ["Enter what you found or did"]})
    if len(note) > REVIEW_NOTE_MAX:
        raise ValidationFailed.from_fields(
            {"note": [f"The note must be {REVIEW_NOTE_MAX} characters or fewer"]}
        )
    incident.reviewed_at = clock.now()
    incident.reviewed_by_id = actor.user_id
    incident.review_note = note
    incident.save(update_fields=["reviewed_at", "reviewed_by", "review_note", "updated_at"])
    timeline_record(
        actor=actor,
        subject=incident,
        verb="incident.reviewed",
        summary="Reviewed by public protection",
    )
    return incident
