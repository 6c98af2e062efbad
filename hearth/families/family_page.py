"""Reading the family page (issue 14 §1). Invariants:

- the page opens only for whoever may see the person it starts from: a record naming them
  (``Person.objects.visible_to``) or an obligation about them the actor may see (for a
  child, exactly ``hearth.specialist.selectors.child_visible_to``); anyone else gets
  ``NotFound``, as for a missing person;
- of the family (``graph.family_of``), only the members the viewer may see by the same
  rule are shown (name, age, how they are connected); the others are counted, never named
  (nor is anything about them: their work, their grades, the words of their connection);
- each member's work is what ``Obligation.objects.visible_to`` returns; what the viewer
  may not see is counted per member; the same for incidents (shown with their reference
  when visible, counted otherwise), risk grades and children's risk levels (shown only
  through their own ``visible_to``);
- one access event names the people shown.

A bounded number of queries whatever the family's size: the graph's handful, and one or
two reads of each kind for all members together (a child the batch does not admit is
asked about on its own: a sibling listed on a school's notification).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q

from hearth.audit.models import AccessAction
from hearth.audit.services import access_record
from hearth.core import clock
from hearth.core.actor import Actor
from hearth.core.ages import age_in_words
from hearth.core.errors import NotFound
from hearth.families import graph
from hearth.incidents.models import Incident
from hearth.obligations import policy as ledger
from hearth.obligations import registry
from hearth.obligations.models import ENDED_STATUSES, Obligation
from hearth.people.models import Person
from hearth.people.selectors import linked_person_ids
from hearth.risk.models import ChildRisk, RiskAssessment
from hearth.specialist.selectors import child_visible_to

# Work that ended longer ago than this is no longer "recent" on the family page.
RECENT_DAYS = 365
PURPOSE = "View a family"


@dataclass(frozen=True)
class Grade:
    on: dt.datetime
    label: str
    assessment_id: int


@dataclass(frozen=True)
class Level:
    on: dt.datetime
    label: str


@dataclass
class MemberView:
    person: Person
    age: str | None  # in words: "5 months", "8 years", "About 30 years" (core.ages)
    is_child: bool
    connections: list[str]
    work: list[Obligation] = field(default_factory=list)  # open first, then recent
    hidden_work: int = 0  # open or recent work by agencies the viewer cannot see
    grades: list[Grade] = field(default_factory=list)  # adult victims' risk, oldest first
    levels: list[Level] = field(default_factory=list)  # a child's risk levels, oldest first


@dataclass(frozen=True)
class IncidentView:
    incident: Incident
    when: dt.datetime | None


@dataclass
class FamilyPage:
    person: Person
    members: list[MemberView]  # the person first
    hidden_people: int
    incidents: list[IncidentView]  # in the order they happened
    hidden_incidents: int
    truncated: bool

    @property
    def adults(self) -> list[MemberView]:
        return [m for m in self.members if not m.is_child]

    @property
    def children(self) -> list[MemberView]:
        return [m for m in self.members if m.is_child]


def may_see_person(actor: Actor, person: Person) -> bool:
    """A record naming them, or an obligation about them the actor may see (any route:
    an IDVA sees the adult victim it was referred); for a child the record's own rule."""
    try:
        child_visible_to(actor, person.pk)
        return True
    except NotFound:
        pass
    return Obligation.objects.visible_to(actor).owed_to(linked_person_ids(person)).exists()


def _visible_members(actor: Actor, ids: list[int], children: set[int]) -> set[int]:
    """Which of ``ids`` the actor may see, a few queries for all of them."""
    named = set(Person.objects.visible_to(actor).filter(pk__in=ids).values_list("pk", flat=True))
    owed = set(
        Obligation.objects.visible_to(actor)
        .filter(subject_id__in=ids)
        .values_list("subject_id", flat=True)
    )
    received = set(
        Obligation.objects.filter(
            team__agency_id=actor.agency_id,
            route__in=registry.read_elsewhere(),
            subject_id__in=ids,
        )
        .exclude(status=ledger.Status.CREATED)
        .filter(Q(access_ends_at__isnull=True) | Q(access_ends_at__gt=clock.now()))
        .values_list("subject_id", flat=True)
    )
    seen = named | owed | received
    # A child listed on a sibling's notification, or known under another agency's record.
    for child_id in sorted(children - seen):
        try:
            child_visible_to(actor, child_id)
        except NotFound:
            continue
        seen.add(child_id)
    return seen


def _incident_label(incident: Incident | None) -> str:
    if incident is None:
        return "an incident you may not see"
    when = incident.occurred_at or incident.reported_at
    label = f"incident {incident.police_reference}" if incident.police_reference else "a concern"
    return f"{label} ({when.astimezone(clock.LONDON):%-d %B %Y})" if when else label


def family_page_for(*, actor: Actor, person_id: int, purpose: str = PURPOSE) -> FamilyPage:
    person = Person.objects.filter(pk=person_id).first()
    if person is None or not actor.sees_case_content or not may_see_person(actor, person):
        raise NotFound("No such person")
    family = graph.family_of(person.pk)
    ids = family.member_ids
    visible = _visible_members(actor, ids, {m.person_id for m in family.members if m.is_child})
    visible.add(person.pk)
    shown_ids = [pid for pid in ids if pid in visible]
    people = Person.objects.in_bulk(shown_ids)
    today = clock.local_now().date()

    # The incidents: those the viewer may see, linked; the others counted.
    seen_incidents = Incident.objects.visible_to(actor).in_bulk(family.incident_ids)
    incidents = [
        IncidentView(
            seen_incidents[i], seen_incidents[i].occurred_at or seen_incidents[i].reported_at
        )
        for i in family.incident_ids
        if i in seen_incidents
    ]

    # Each member's open and recent work: what the viewer may see, the rest counted.
    since = clock.now() - dt.timedelta(days=RECENT_DAYS)
    current = Q(closed_at__isnull=True) | Q(closed_at__gte=since)
    work = list(
        Obligation.objects.visible_to(actor)
        .filter(current, subject_id__in=shown_ids)
        .select_related("team__agency")
        .order_by("created_at", "id")
    )
    totals = dict(
        Obligation.objects.filter(current, subject_id__in=shown_ids)
        .order_by()
        .values("subject_id")
        .annotate(n=Count("id"))
        .values_list("subject_id", "n")
    )
    seen_work = Counter(o.subject_id for o in work)

    grades: dict[int, list[Grade]] = {}
    for a in (
        RiskAssessment.objects.visible_to(actor)
        .filter(victim_id__in=shown_ids, status=RiskAssessment.Status.COMPLETED)
        .order_by("completed_at", "id")
    ):
        if a.grade is not None and a.completed_at is not None:
            grades.setdefault(a.victim_id, []).append(
                Grade(a.completed_at, a.get_grade_display(), a.pk)
            )
    levels: dict[int, list[Level]] = {}
    for r in (
        ChildRisk.objects.visible_to(actor)
        .filter(child_id__in=shown_ids)
        .order_by("created_at", "id")
    ):
        levels.setdefault(r.child_id, []).append(Level(r.created_at, r.get_level_display()))

    def words(member: graph.Member) -> list[str]:
        said: list[str] = []
        sex = people[member.person_id].sex
        for c in member.connections:
            if c.incident_id is not None:
                text = c.words(sex=sex, incident=_incident_label(seen_incidents.get(c.incident_id)))
            elif c.other_id in people:
                text = c.words(sex=sex, other=people[c.other_id].full_name)
            else:
                text = c.words(sex=sex, other="someone you may not see")
            if text not in said:
                said.append(text)
        return said

    members: list[MemberView] = []
    for m in family.members:
        if m.person_id not in visible:
            continue
        p = people[m.person_id]
        own = sorted(
            (o for o in work if o.subject_id == m.person_id),
            key=lambda o: (o.status in ENDED_STATUSES, o.created_at, o.pk),
        )
        members.append(
            MemberView(
                person=p,
                age=age_in_words(
                    born=p.date_of_birth,
                    day=today,
                    years=p.age_on(today),
                    estimated=p.date_of_birth is None,
                ),
                is_child=m.is_child,
                connections=words(m),
                work=own,
                hidden_work=max(0, totals.get(m.person_id, 0) - seen_work[m.person_id]),
                grades=grades.get(m.person_id, []),
                levels=levels.get(m.person_id, []),
            )
        )

    access_record(
        actor=actor,
        action=AccessAction.READ,
        purpose=purpose,
        records=[mv.person for mv in members],
        result_count=len(members),
    )
    return FamilyPage(
        person=person,
        members=members,
        hidden_people=len(ids) - len(members),
        incidents=incidents,
        hidden_incidents=len(family.incident_ids) - len(incidents),
        truncated=family.truncated,
    )
