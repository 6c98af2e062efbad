"""Reads of people. Invariants:

- every read goes through ``Person.objects.visible_to(actor)`` (the people named by the
  records the actor may see); a person outside it is ``NotFound``, like one that does
  not exist;
- the intake lookup alone searches the people the actor's agency recorded
  (``Person.objects.for_intake``), so that an officer finds an existing record;
- every lookup records an access event with its search terms and the people it
  returned, even when it returns none (issue 3: "lookups are audited");
- ``ties_among`` gives the relationships between a set of people as plain data for the
  pure policies (``people.policy``, ``incidents.policy``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from hearth.audit.models import AccessAction
from hearth.audit.services import access_record
from hearth.core.actor import Actor
from hearth.core.errors import NotFound
from hearth.people.matching import Candidate, PersonQuery, find_candidates
from hearth.people.models import Person, Relationship
from hearth.people.policy import Kinship, Tie, inverse


def person_get_for(*, actor: Actor, person_id: int, purpose: str = "View a person") -> Person:
    person = (
        Person.objects.visible_to(actor)
        .prefetch_related("other_names", "addresses__address")
        .filter(pk=person_id)
        .first()
    )
    if person is None:
        raise NotFound("No such person")
    access_record(actor=actor, action=AccessAction.READ, purpose=purpose, records=[person])
    return person


@dataclass(frozen=True)
class PossibleMatch:
    person: Person
    candidate: Candidate


def person_find_candidates(
    *, actor: Actor, query: PersonQuery, purpose: str = "Check for an existing record"
) -> list[PossibleMatch]:
    """People the actor's agency recorded (the intake lookup's own scope,
    ``Person.objects.for_intake``) who may be the one described, best first; audited as
    a search naming every person it returned."""
    candidates = find_candidates(query, within=Person.objects.for_intake(actor))
    people = Person.objects.in_bulk([c.person_id for c in candidates])
    matches = [PossibleMatch(people[c.person_id], c) for c in candidates]
    access_record(
        actor=actor,
        action=AccessAction.SEARCH,
        purpose=purpose,
        records=[m.person for m in matches],
        query={
            "given_names": query.given_names,
            "family_name": query.family_name,
            "date_of_birth": query.date_of_birth.isoformat() if query.date_of_birth else "",
            "nhs_number": query.nhs_number,
        },
    )
    return matches


def ties_among(person_ids: Iterable[int]) -> dict[tuple[int, int], Tie]:
    """Every recorded relationship among ``person_ids``, in both directions:
    ``ties[(a, b)]`` is how ``a`` stands to ``b``."""
    ids = list(person_ids)
    ties: dict[tuple[int, int], Tie] = {}
    for rel in Relationship.objects.filter(person_id__in=ids, other_id__in=ids):
        kinship = Kinship(rel.kinship)
        ties[(rel.person_id, rel.other_id)] = Tie(kinship, rel.parental_responsibility)
        ties.setdefault((rel.other_id, rel.person_id), Tie(inverse(kinship), False))
    return ties


def linked_person_ids(person: Person) -> set[int]:
    """The records, across every agency, that are certainly this person: the same NHS
    number, or the same normalised names and date of birth. Used to count a person's
    history across agencies (each agency records its own Person) without showing any of
    those records; probabilistic linkage replaces this with the matcher (a later issue)."""
    same = Q(pk=person.pk)
    if person.nhs_number:
        same |= Q(nhs_number=person.nhs_number)
    if person.date_of_birth:
        same |= Q(
            given_names_key=person.given_names_key,
            family_name_key=person.family_name_key,
            date_of_birth=person.date_of_birth,
        )
    return set(Person.objects.filter(same).values_list("pk", flat=True))
