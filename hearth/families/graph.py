"""Who is in a person's family, as far as the records Hearth holds say (issue 14 §1).

``family_of(person_id)`` finds the adults and children connected to a person:

- by the incidents Hearth holds (every submitted incident the person is a party to: its
  adult victims, alleged perpetrators, children and other household members), and
- by ``people.Relationship``, read in both directions;

and then, from each child found, the same again: a child's other parent (from another
incident, or a recorded relationship) belongs to the family too. Two hops at most, at
most ``MAX_MEMBERS`` people, always in the same order (the person first, then by hop and
record number), in a handful of queries whatever the family's size (one pair of reads per
hop and one for the people).

This is who is connected, not who may see them: the family page
(``family_page.family_page_for``) decides what a viewer is shown and counts the rest. A
connection is plain data (the other person's and the incident's ids, a role or a kinship):
its words are written by the page, which names only what the viewer may see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q

from hearth.core import clock
from hearth.incidents.models import Incident, Party
from hearth.people.models import Person, Relationship
from hearth.people.policy import KINSHIP_LABELS, Kinship, inverse

MAX_MEMBERS = 40
ADULT_AGE = 18

ROLE_WORDS = {
    Party.Role.ADULT_VICTIM.value: "Adult victim",
    Party.Role.ALLEGED_PERPETRATOR.value: "Alleged perpetrator",
    Party.Role.CHILD.value: "Child",
    Party.Role.OTHER_HOUSEHOLD_MEMBER.value: "Other household member",
}

# Kinships said with the person's sex where it is known ("Mother of", "Father of").
_GENDERED = {
    Kinship.PARENT: ("Mother of", "Father of"),
    Kinship.STEP_PARENT: ("Step-mother of", "Step-father of"),
    Kinship.CHILD: ("Daughter of", "Son of"),
    Kinship.STEP_CHILD: ("Step-daughter of", "Step-son of"),
    Kinship.SIBLING: ("Sister of", "Brother of"),
    Kinship.GRANDPARENT: ("Grandmother of", "Grandfather of"),
}


@dataclass(frozen=True)
class Connection:
    """One reason a member belongs to the family: a part in an incident (``incident_id``
    and ``role``, a ``Party.Role`` value) or a recorded relationship to another member
    (``other_id`` and ``kinship``: how this member stands to the other)."""

    incident_id: int | None = None
    role: str = ""
    other_id: int | None = None
    kinship: str = ""

    def words(self, *, sex: str, other: str = "", incident: str = "") -> str:
        """In plain words, with the other person's name (or a phrase standing for them)
        and the incident (``incident WX/2026/0001``) as the caller may show them."""
        if self.incident_id is not None:
            return f"{ROLE_WORDS.get(self.role, 'Part')} at {incident or 'an incident'}"
        kinship = Kinship(self.kinship)
        if kinship in _GENDERED and sex in ("female", "male"):
            label = _GENDERED[kinship][0 if sex == "female" else 1]
        else:
            label = KINSHIP_LABELS[kinship]
            label = label[:1].upper() + label[1:]
            if not label.endswith(" of"):
                label = f"{label}:"
        return f"{label} {other}".strip()


@dataclass
class Member:
    person_id: int
    is_child: bool
    hop: int  # 0 for the person, 1 for those connected to them, 2 for a child's other parent
    connections: list[Connection] = field(default_factory=list)


@dataclass
class Family:
    person_id: int  # whose family it is
    members: list[Member]  # the person first
    incident_ids: list[int]  # the incidents connecting them, in the order they happened
    truncated: bool = False  # more people are connected than MAX_MEMBERS

    @property
    def member_ids(self) -> list[int]:
        return [m.person_id for m in self.members]

    def member(self, person_id: int) -> Member | None:
        return next((m for m in self.members if m.person_id == person_id), None)


@dataclass
class _Found:
    parties: list[tuple[int, int, str]]  # (incident id, person id, role)
    ties: list[tuple[int, int, str]]  # (person id, other id, kinship): person is kinship of other


def _expand(frontier: Iterable[int]) -> _Found:
    """Everyone at an incident any of ``frontier`` was part of, and every relationship
    naming one of them: two queries."""
    ids = sorted(set(frontier))
    if not ids:
        return _Found([], [])
    incidents = (
        Party.objects.filter(person_id__in=ids, incident__status=Incident.Status.SUBMITTED)
        .order_by()
        .values("incident_id")
    )
    parties = list(
        Party.objects.filter(incident_id__in=incidents)
        .order_by("incident_id", "id")
        .values_list("incident_id", "person_id", "role")
    )
    ties = list(
        Relationship.objects.filter(Q(person_id__in=ids) | Q(other_id__in=ids))
        .order_by("id")
        .values_list("person_id", "other_id", "kinship")
    )
    return _Found(parties, ties)


def _is_child(person: Person | None, roles: set[str], today: dt.date) -> bool:
    age = person.age_on(today) if person is not None else None
    if age is not None:
        return age < ADULT_AGE
    return Party.Role.CHILD.value in roles


def family_of(person_id: int) -> Family:
    """The person's family as Hearth's records connect it (see the module's docstring).
    A person with no incident and no relationship is a family of one."""
    today = clock.now().date()
    hop_of: dict[int, int] = {person_id: 0}
    connections: dict[int, list[Connection]] = {}
    roles: dict[int, set[str]] = {}
    incident_ids: set[int] = set()

    def take(found: _Found, hop: int) -> None:
        for incident_id, pid, role in found.parties:
            incident_ids.add(incident_id)
            hop_of.setdefault(pid, hop)
            roles.setdefault(pid, set()).add(role)
            conn = Connection(incident_id=incident_id, role=role)
            if conn not in connections.setdefault(pid, []):
                connections[pid].append(conn)
        for a, b, kinship in found.ties:
            hop_of.setdefault(a, hop)
            hop_of.setdefault(b, hop)
            k = Kinship(kinship)
            for who, other, how in ((a, b, k), (b, a, inverse(k))):
                conn = Connection(other_id=other, kinship=how.value)
                if conn not in connections.setdefault(who, []):
                    connections[who].append(conn)

    take(_expand([person_id]), 1)
    first = sorted(hop_of)
    people = Person.objects.in_bulk(first)
    # The second hop: from each child, their other parents (and whoever else their own
    # incidents and relationships connect them to).
    children = [pid for pid in first if _is_child(people.get(pid), roles.get(pid, set()), today)]
    if children:
        take(_expand(children), 2)
        people.update(Person.objects.in_bulk([p for p in hop_of if p not in people]))

    ordered = sorted(
        (p for p in hop_of if p in people), key=lambda p: (hop_of[p], p != person_id, p)
    )
    truncated = len(ordered) > MAX_MEMBERS
    kept = ordered[:MAX_MEMBERS]
    kept_set = set(kept)
    members = [
        Member(
            person_id=pid,
            is_child=_is_child(people[pid], roles.get(pid, set()), today),
            hop=hop_of[pid],
            connections=[
                c for c in connections.get(pid, []) if c.other_id is None or c.other_id in kept_set
            ],
        )
        for pid in kept
    ]
    # The incidents that connect the members kept, in the order they happened.
    linked = {c.incident_id for m in members for c in m.connections if c.incident_id is not None}
    dated = Incident.objects.filter(pk__in=sorted(incident_ids & linked)).values_list(
        "pk", "occurred_at", "reported_at", "created_at"
    )
    order = sorted(dated, key=lambda row: (row[1] or row[2] or row[3], row[0]))
    return Family(
        person_id=person_id,
        members=members,
        incident_ids=[row[0] for row in order],
        truncated=truncated,
    )
