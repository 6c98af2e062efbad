"""From stored incidents to the plain data the pure policies read, and back to words.

Used by services (the submission check, version snapshots) and selectors (what a page
shows). Nothing here checks access or writes the access log: callers have done that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.forms.models import model_to_dict

from hearth.core import clock
from hearth.core.ages import age_in_words
from hearth.incidents.models import ChildInvolvement, Incident, Party
from hearth.incidents.policy import (
    AbuseType,
    Assessment,
    ChildFacts,
    ChildRecord,
    IncidentRecord,
    PartyRole,
    child_victim_status,
    domestic_abuse_definition,
    is_child,
    pregnancy_or_baby_flag,
)
from hearth.people.models import Person
from hearth.people.policy import Tie
from hearth.people.selectors import ties_among


def incident_day(incident: Incident) -> dt.date:
    """The day ages are counted on: when it happened, or today for an undated draft."""
    return (incident.occurred_at or clock.now()).astimezone(clock.LONDON).date()


def person_age_words(person: Person, day: dt.date) -> str | None:
    """``person``'s age on ``day`` in words ("5 months", "7 years", "About 30 years")."""
    return age_in_words(
        born=person.date_of_birth,
        day=day,
        years=person.age_on(day),
        estimated=person.date_of_birth is None,
    )


@dataclass(frozen=True)
class ChildView:
    involvement: ChildInvolvement
    child: Person
    age: int | None
    victim_status: Assessment
    # The child is the alleged perpetrator: a child who harmed (child-to-parent abuse),
    # recorded as a child to safeguard, not as a victim of what they did.
    harmed: bool = False
    # Their age on the day in words: "5 months" for a baby, never "0" (issue 17).
    age_words: str | None = None


@dataclass(frozen=True)
class IncidentFacts:
    victims: list[Person]
    perpetrators: list[Person]
    others: list[Person]
    children: list[ChildView]
    definition: Assessment | None
    pregnancy_flag: str | None


def incident_facts(incident: Incident) -> IncidentFacts:
    """Who was involved, each child's s.3 status and the s.1 definition, with reasons."""
    return incidents_facts([incident])[incident.pk]


def incidents_facts(incidents: list[Incident]) -> dict[int, IncidentFacts]:
    """``incident_facts`` for many incidents in three queries, whatever their number (a
    page of a child's record lists many)."""
    kept = _FACTS.get()
    wanted = [i for i in incidents if kept is None or i.pk not in kept]
    parties, involvements = incident_rows([i.pk for i in wanted])
    ties = _ties_among({p.person_id for found in parties.values() for p in found})
    found = {i.pk: _facts_of(i, parties[i.pk], involvements[i.pk], ties) for i in wanted}
    if kept is None:
        return found
    kept.update(found)
    return {i.pk: kept[i.pk] for i in incidents}


# An incident's parties and children's involvements, read once while ``rows_read_once()``
# is open: a submission, from its check through its routing, reads them many times and
# changes neither.
_ROWS: ContextVar[dict[int, tuple[list[Party], dict[int, ChildInvolvement]]] | None] = ContextVar(
    "incident_rows_once", default=None
)


# And each incident's facts worked out inside the block (they follow from those rows and
# the incident's own fields, which the block changes none of but its status).
_FACTS: ContextVar[dict[int, IncidentFacts] | None] = ContextVar(
    "incident_facts_once", default=None
)


# And the relationships among people read inside the block, by the people asked about.
_TIES: ContextVar[dict[frozenset[int], dict[tuple[int, int], Tie]] | None] = ContextVar(
    "incident_ties_once", default=None
)


@contextmanager
def rows_read_once() -> Iterator[None]:
    """Keep each incident's parties and involvements, the relationships among its people
    and its facts, for the block (the caller changes none of them inside it). Nested blocks
    share the outer one's rows."""
    if _ROWS.get() is not None:
        yield
        return
    token = _ROWS.set({})
    ties_token = _TIES.set({})
    facts_token = _FACTS.set({})
    try:
        yield
    finally:
        _FACTS.reset(facts_token)
        _TIES.reset(ties_token)
        _ROWS.reset(token)


def _ties_among(person_ids: Iterable[int]) -> dict[tuple[int, int], Tie]:
    """``ties_among``, answered inside ``rows_read_once()`` from the relationships already
    read among a set of people that includes these (each tie is between two of them)."""
    wanted = frozenset(person_ids)
    kept = _TIES.get()
    if kept is None:
        return ties_among(wanted)
    for among, ties in kept.items():
        if wanted <= among:
            return {
                pair: tie for pair, tie in ties.items() if pair[0] in wanted and pair[1] in wanted
            }
    kept[wanted] = ties_among(wanted)
    return kept[wanted]


def incident_rows(
    ids: Iterable[int],
) -> tuple[dict[int, list[Party]], dict[int, dict[int, ChildInvolvement]]]:
    """Each incident's parties (with their people, in the model's order: role, then id)
    and its children's involvements by child id (with the child), in two queries, or
    none for incidents already read inside ``rows_read_once()``."""
    ids = list(dict.fromkeys(ids))
    kept = _ROWS.get()
    missing = [pk for pk in ids if kept is None or pk not in kept]
    parties: dict[int, list[Party]] = {pk: [] for pk in missing}
    involvements: dict[int, dict[int, ChildInvolvement]] = {pk: {} for pk in missing}
    if missing:
        for party in Party.objects.filter(incident_id__in=missing).select_related("person"):
            parties[party.incident_id].append(party)
        for involvement in ChildInvolvement.objects.filter(incident_id__in=missing).select_related(
            "child"
        ):
            involvements[involvement.incident_id][involvement.child_id] = involvement
    if kept is not None:
        for pk in missing:
            kept[pk] = (parties[pk], involvements[pk])
        return {pk: kept[pk][0] for pk in ids}, {pk: kept[pk][1] for pk in ids}
    return parties, involvements


def _facts_of(
    incident: Incident,
    parties: list[Party],
    involvements: dict[int, ChildInvolvement],
    ties: dict[tuple[int, int], Tie],
) -> IncidentFacts:
    by_role: dict[str, list[Person]] = {}
    for party in parties:
        by_role.setdefault(party.role, []).append(party.person)
    victims = by_role.get(PartyRole.ADULT_VICTIM, [])
    perpetrators = by_role.get(PartyRole.ALLEGED_PERPETRATOR, [])
    day = incident_day(incident)
    children = []
    for child, involvement, harmed in _children_of(parties, involvements, incident):
        age = child.age_on(day)
        words = person_age_words(child, day)
        others = [p for p in perpetrators if p.pk != child.pk]
        facts = ChildFacts(
            age=age,
            age_words=words,
            saw=involvement.saw,
            heard=involvement.heard,
            experienced_effects=involvement.experienced_effects,
            victims=[
                (a.full_name, [t for t in [ties.get((a.pk, child.pk))] if t]) for a in victims
            ],
            perpetrators=[
                (a.full_name, [t for t in [ties.get((a.pk, child.pk))] if t]) for a in others
            ],
            harmed=harmed,
        )
        children.append(
            ChildView(involvement, child, age, child_victim_status(facts), harmed, words)
        )
    definition = None
    if victims and perpetrators:
        victim, perpetrator = victims[0], perpetrators[0]
        tie = ties.get((victim.pk, perpetrator.pk))
        definition = domestic_abuse_definition(
            victim_age=victim.age_on(day),
            perpetrator_age=perpetrator.age_on(day),
            ties_victim_to_perpetrator=[tie] if tie else [],
            abuse_types=[AbuseType(t) for t in incident.abuse_types],
        )
    flag = pregnancy_or_baby_flag(
        victim_pregnant=incident.victim_pregnant == Incident.Pregnancy.YES,
        child_dates_of_birth=[c.child.date_of_birth for c in children if c.child.date_of_birth],
        on=day,
    )
    return IncidentFacts(
        victims,
        perpetrators,
        by_role.get(PartyRole.OTHER_HOUSEHOLD_MEMBER, []),
        children,
        definition,
        flag,
    )


def _children_of(
    parties: list[Party], involvements: dict[int, ChildInvolvement], incident: Incident
) -> list[tuple[Person, ChildInvolvement, bool]]:
    """The incident's children in the order they were recorded: each child, and each
    alleged perpetrator recorded as a child who harmed (they have an involvement), with
    whether they harmed."""
    found = [
        (
            party.person,
            involvements.get(party.person_id)
            or ChildInvolvement(incident=incident, child=party.person),
            party.role == PartyRole.ALLEGED_PERPETRATOR,
        )
        for party in parties
        if party.role == PartyRole.CHILD
        or (party.role == PartyRole.ALLEGED_PERPETRATOR and party.person_id in involvements)
    ]
    return sorted(found, key=lambda c: (c[1].pk is None, c[1].pk or 0, c[0].pk))


@dataclass(frozen=True)
class ChildAtIncident:
    """One of the incident's children as the routes see them: their age on the day of
    the incident (each route checks ``policy.is_child`` with it) and whether they are the
    child who harmed."""

    person: Person
    involvement: ChildInvolvement | None
    age: int | None
    harmed: bool


def children_at(incident: Incident) -> list[ChildAtIncident]:
    """Everyone listed among the incident's children, in the order they were recorded."""
    found, involved = incident_rows([incident.pk])
    parties, involvements = found[incident.pk], involved[incident.pk]
    day = incident_day(incident)
    return [
        ChildAtIncident(person, involvement if involvement.pk else None, person.age_on(day), harmed)
        for person, involvement, harmed in _children_of(parties, involvements, incident)
    ]


def children_who_harmed_missing(incident: Incident) -> list[tuple[Person, int]]:
    """Alleged perpetrators under 18 on the day of the incident who are not recorded as
    children who harmed, with their age (an age not known is not asked about)."""
    day = incident_day(incident)
    recorded = set(
        ChildInvolvement.objects.filter(incident=incident).values_list("child_id", flat=True)
    )
    missing = []
    for party in Party.objects.filter(
        incident=incident, role=PartyRole.ALLEGED_PERPETRATOR
    ).select_related("person"):
        age = party.person.age_on(day)
        if age is not None and is_child(age) and party.person_id not in recorded:
            missing.append((party.person, age))
    return missing


def incident_record_of(incident: Incident) -> IncidentRecord:
    """What the submission check needs to know."""
    facts = incident_facts(incident)
    adults = facts.victims + facts.perpetrators
    ties = _ties_among([a.pk for a in adults] + [c.child.pk for c in facts.children])
    return IncidentRecord(
        is_police=incident.kind == Incident.Kind.POLICE,
        police_reference=incident.police_reference,
        occurred_at=incident.occurred_at,
        reported_at=incident.reported_at,
        victims=len(facts.victims),
        perpetrators=len(facts.perpetrators),
        children=[
            ChildRecord(
                name=c.child.full_name,
                present=c.involvement.present,
                welfare_check_done=c.involvement.welfare_check_done,
                spoken_to=c.involvement.spoken_to,
                spoken_to_alone=c.involvement.spoken_to_alone,
                not_spoken_to_reason=c.involvement.not_spoken_to_reason,
                not_alone_reason=c.involvement.not_alone_reason,
                relationship_recorded=all(
                    (a.pk, c.child.pk) in ties for a in adults if a.pk != c.child.pk
                ),
                age=c.age,
                harmed=c.harmed,
            )
            for c in facts.children
        ],
        no_children_attested=incident.no_children_attested,
        no_children_how=incident.no_children_how,
        arrest_made=incident.arrest_made,
        no_arrest_reason=incident.no_arrest_reason,
        perpetrators_not_recorded_as_children=tuple(
            (person.full_name, age) for person, age in _harmed_missing(incident, facts)
        ),
    )


def _harmed_missing(incident: Incident, facts: IncidentFacts) -> list[tuple[Person, int]]:
    """``children_who_harmed_missing`` from facts already read: the alleged perpetrators
    (in the same order) under 18 on the day with no child's involvement of their own."""
    day = incident_day(incident)
    recorded = {c.child.pk for c in facts.children if c.involvement.pk is not None}
    return [
        (person, age)
        for person in facts.perpetrators
        if (age := person.age_on(day)) is not None and is_child(age) and person.pk not in recorded
    ]


def incident_snapshot(incident: Incident) -> dict[str, Any]:
    """The incident as data, for its version history (ids, codes and the words recorded)."""
    data = model_to_dict(incident, exclude=["attending_officers"])
    data["occurred_at"] = incident.occurred_at.isoformat() if incident.occurred_at else None
    data["reported_at"] = incident.reported_at.isoformat() if incident.reported_at else None
    data["submitted_at"] = incident.submitted_at.isoformat() if incident.submitted_at else None
    found, involved = incident_rows([incident.pk])
    data["parties"] = [
        {"person_id": p.person_id, "role": p.role}
        for p in sorted(found[incident.pk], key=lambda p: p.pk)
    ]
    data["children"] = [
        model_to_dict(i, exclude=["id", "incident"])
        for i in sorted(involved[incident.pk].values(), key=lambda i: i.pk)
    ]
    return data
