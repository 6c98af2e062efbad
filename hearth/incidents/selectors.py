"""Reads of incidents, concerns and children. Invariants:

- every read starts from ``Incident.objects.visible_to(actor)`` (or the involvements of
  visible incidents); anything outside it is ``NotFound``, like a missing record;
- every read of an incident, a list of incidents or a child records an access event
  naming the incidents and people returned (architecture §5);
- a child's record shows only their involvement in incidents the actor may see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from hearth.accounts.models import Area
from hearth.audit.models import AccessAction, TimelineEvent
from hearth.audit.selectors import timeline_of
from hearth.audit.services import access_record
from hearth.core import clock
from hearth.core.actor import Actor
from hearth.core.errors import NotFound
from hearth.incidents.directory import setting_choices_of
from hearth.incidents.facts import (
    ChildView,
    IncidentFacts,
    incident_facts,
    incident_record_of,
    incidents_facts,
)
from hearth.incidents.models import ChildInvolvement, Incident, IncidentVersion, Party
from hearth.incidents.policy import Assessment, PartyRole, Problem, submission_problems
from hearth.people.models import Person
from hearth.people.policy import Tie, normalise_name
from hearth.people.selectors import ties_among

LIST_PAGE_SIZE = 50
CHILD_INCIDENTS_PER_PAGE = 20


@dataclass(frozen=True)
class IncidentDetail:
    incident: Incident
    facts: IncidentFacts
    problems: list[Problem]
    timeline: list[TimelineEvent]
    versions: list[IncidentVersion]


def incident_get_for(
    *, actor: Actor, incident_id: int, purpose: str = "View an incident", history: bool = True
) -> IncidentDetail:
    """The incident, its facts and what a draft lacks; with ``history`` its timeline and
    versions too (the page shows them, the API answers without them)."""
    incident = (
        Incident.objects.visible_to(actor)
        .select_related("recorded_by", "recorded_by_agency", "local_authority")
        .filter(pk=incident_id)
        .first()
    )
    if incident is None:
        raise NotFound("No such incident")
    facts = incident_facts(incident)
    problems = (
        submission_problems(incident_record_of(incident), now=clock.now())
        if incident.status == Incident.Status.DRAFT
        else []
    )
    people = facts.victims + facts.perpetrators + facts.others + [c.child for c in facts.children]
    access_record(
        actor=actor, action=AccessAction.READ, purpose=purpose, records=[incident, *people]
    )
    return IncidentDetail(
        incident=incident,
        facts=facts,
        problems=problems,
        timeline=timeline_of(subject=incident) if history else [],
        versions=list(incident.versions.select_related("recorded_by")) if history else [],
    )


@dataclass(frozen=True)
class IncidentFilters:
    status: str = ""
    kind: str = ""
    occurred_from: dt.date | None = None
    occurred_to: dt.date | None = None
    local_authority_id: int | None = None
    with_children: bool | None = None
    reference: str = ""
    # Submitted and not yet reviewed by public protection (issue 17).
    to_review: bool = False
    # Someone named in it: every word of the name begins a word of their given or family
    # names, compared as ``people.policy.normalise_name`` keeps names.
    person: str = ""


@dataclass(frozen=True)
class IncidentRow:
    """One incident in the list with the people named in it (adult victims first), whom
    whoever may see the incident may see (``people_in_incidents_visible_to``)."""

    incident: Incident
    people: list[Person]


@dataclass(frozen=True)
class IncidentListPage:
    incidents: Sequence[Incident]
    total: int
    page: Page[Any] | None = None  # which page of ``total`` the incidents are
    rows: Sequence[IncidentRow] = ()


def _not_reviewed(incidents: Any) -> Any:
    return incidents.filter(status=Incident.Status.SUBMITTED, reviewed_at__isnull=True)


def _naming(incidents: Any, name: str) -> Any:
    """The incidents naming someone each word typed begins one of the names of: a given
    name, or the family name (kept without spaces, ``people.policy.family_name_key``)."""
    people = Person.objects.all()
    for word in normalise_name(name).split():
        people = people.filter(
            Q(given_names_key__startswith=word)
            | Q(given_names_key__contains=f" {word}")
            | Q(family_name_key__startswith=word)
        )
    return incidents.filter(
        pk__in=Party.objects.filter(person__in=people.values("pk")).values("incident_id")
    )


def _people_of(rows: Sequence[Incident]) -> dict[int, list[Person]]:
    """Each listed incident's people in one query, adult victims first, then alleged
    perpetrators, children and others (the model's order of roles)."""
    order: dict[str, int] = {str(role): i for i, role in enumerate(LIST_ROLE_ORDER)}
    found: dict[int, list[tuple[int, int, Person]]] = {i.pk: [] for i in rows}
    for party in Party.objects.filter(incident_id__in=found).select_related("person"):
        found[party.incident_id].append((order.get(party.role, 9), party.pk, party.person))
    return {
        pk: [p for _, _, p in sorted(people, key=lambda t: t[:2])] for pk, people in found.items()
    }


# The order the list names each incident's people in.
LIST_ROLE_ORDER = (
    PartyRole.ADULT_VICTIM,
    PartyRole.ALLEGED_PERPETRATOR,
    PartyRole.CHILD,
    PartyRole.OTHER_HOUSEHOLD_MEMBER,
)


def incident_list_for(
    *,
    actor: Actor,
    filters: IncidentFilters,
    page: int | str | None = 1,
    purpose: str = "List incidents",
) -> IncidentListPage:
    """The incidents the actor may see, newest first, filtered, one page of
    ``LIST_PAGE_SIZE`` at a time; the page is logged."""
    # A subquery per incident listed, not a count that groups every visible incident
    # joined to its children before the list can be sorted and cut to a page.
    children = (
        ChildInvolvement.objects.filter(incident=OuterRef("pk"))
        .order_by()
        .values("incident")
        .annotate(n=Count("pk"))
        .values("n")
    )
    incidents = Incident.objects.visible_to(actor).annotate(
        children_count=Coalesce(Subquery(children), 0)
    )
    if filters.status:
        incidents = incidents.filter(status=filters.status)
    if filters.kind:
        incidents = incidents.filter(kind=filters.kind)
    if filters.occurred_from:
        incidents = incidents.filter(occurred_at__date__gte=filters.occurred_from)
    if filters.occurred_to:
        incidents = incidents.filter(occurred_at__date__lte=filters.occurred_to)
    if filters.local_authority_id:
        incidents = incidents.filter(local_authority_id=filters.local_authority_id)
    if filters.with_children is True:
        incidents = incidents.filter(children_count__gt=0)
    elif filters.with_children is False:
        incidents = incidents.filter(children_count=0)
    if filters.reference:
        incidents = incidents.filter(police_reference__icontains=filters.reference.strip())
    if filters.to_review:
        incidents = _not_reviewed(incidents)
    if filters.person.strip():
        incidents = _naming(incidents, filters.person)
    total = incidents.count()
    paginator = Paginator(
        incidents.select_related("recorded_by", "local_authority").order_by("-occurred_at", "-id"),
        LIST_PAGE_SIZE,
    )
    paginator.count = total  # counted once, above
    current = paginator.get_page(page)
    rows = list(current.object_list)
    current.object_list = rows
    people = _people_of(rows)
    named = list({p.pk: p for found in people.values() for p in found}.values())
    # The name searched for is personal data: the log says a name was searched, not which.
    query = {k: str(v) for k, v in filters.__dict__.items() if v not in ("", None, False)}
    if "person" in query:
        query["person"] = "(a name)"
    access_record(
        actor=actor,
        action=AccessAction.SEARCH,
        purpose=purpose,
        records=[*rows, *named],
        query=query,
        result_count=total,
    )
    return IncidentListPage(
        incidents=rows,
        total=total,
        page=current,
        rows=[IncidentRow(incident, people[incident.pk]) for incident in rows],
    )


@dataclass(frozen=True)
class HomeCounts:
    """What waits for the person on the home page, counted (no personal data)."""

    drafts: int  # their own drafts (a response officer's or an agency's)
    to_review: int  # their force's submitted incidents public protection has not reviewed


def home_counts_for(*, actor: Actor, drafts: bool, to_review: bool) -> HomeCounts:
    """The counts the home page shows, each exactly the rows of the list it links to
    (``incident_list_for`` with ``status=draft``, or ``to_review``): one query each."""
    visible = Incident.objects.visible_to(actor)
    return HomeCounts(
        drafts=visible.filter(status=Incident.Status.DRAFT).count() if drafts else 0,
        to_review=_not_reviewed(visible).count() if to_review else 0,
    )


@dataclass(frozen=True)
class ChildIncident:
    involvement: ChildInvolvement
    victim_status: Assessment
    age: int | None


@dataclass(frozen=True)
class ChildDetail:
    child: Person
    incidents: list[ChildIncident]  # this page's, newest first
    timeline: list[TimelineEvent]
    page: Page[ChildInvolvement] | None = None
    # The newest visible incident, whichever page is shown: a new risk level starts there.
    latest_incident_id: int | None = None


def child_get_for(
    *,
    actor: Actor,
    child_id: int,
    page: int | str | None = 1,
    purpose: str = "View a child's record",
) -> ChildDetail:
    """A child's own record: the visible incidents they were part of, newest first, one
    page of ``CHILD_INCIDENTS_PER_PAGE`` at a time, with their s.3 status in each (read
    in the same few queries for any page). A child the actor has no visible incident for
    is not found."""
    newest_first = (
        ChildInvolvement.objects.visible_to(actor)
        .filter(child_id=child_id)
        .order_by("-incident__occurred_at", "-incident_id")
    )
    paginator = Paginator(
        newest_first.select_related("incident__recorded_by_agency", "child"),
        CHILD_INCIDENTS_PER_PAGE,
    )
    if not paginator.count:
        raise NotFound("No such child")
    current = paginator.get_page(page)
    involvements = list(current.object_list)
    current.object_list = involvements
    setting_choices_of(involvements)  # the page's schools in one query, not one a card
    child = involvements[0].child
    facts = incidents_facts([i.incident for i in involvements])
    incidents = []
    for involvement in involvements:
        view = next(c for c in facts[involvement.incident_id].children if c.child.pk == child.pk)
        incidents.append(ChildIncident(involvement, view.victim_status, view.age))
    access_record(
        actor=actor,
        action=AccessAction.READ,
        purpose=purpose,
        records=[child, *(i.incident for i in involvements)],
    )
    latest_incident_id = (
        involvements[0].incident_id
        if current.number == 1
        else newest_first.values_list("incident_id", flat=True).first()
    )
    return ChildDetail(
        child=child,
        incidents=incidents,
        timeline=_visible_timeline(child, actor),
        page=current,
        latest_incident_id=latest_incident_id,
    )


def _visible_timeline(child: Person, actor: Actor) -> list[TimelineEvent]:
    """The child's timeline, less the events about incidents this actor may not see (an
    event naming another officer's incident would reveal that it exists)."""
    events = timeline_of(subject=child, limit=200)
    named = {e.payload["incident_id"] for e in events if "incident_id" in e.payload}
    visible = set(
        Incident.objects.visible_to(actor).filter(pk__in=named).values_list("pk", flat=True)
    )
    return [
        event
        for event in events
        if "incident_id" not in event.payload or event.payload["incident_id"] in visible
    ][:50]


# --- For the pages of the recording journey ------------------------------------------------


@dataclass(frozen=True)
class IncidentJourney:
    """An incident as its recording pages need it: the detail (read and logged through
    ``incident_get_for``) and how its people are related to each other."""

    detail: IncidentDetail
    ties: dict[tuple[int, int], Tie]

    @property
    def incident(self) -> Incident:
        return self.detail.incident

    @property
    def person_ids(self) -> frozenset[int]:
        """Everyone already in the incident, in any role."""
        facts = self.detail.facts
        people = [*facts.victims, *facts.perpetrators, *facts.others]
        return frozenset([p.pk for p in people] + [c.child.pk for c in facts.children])

    def child(self, child_id: int) -> ChildView:
        """One of the incident's children; any other id is ``NotFound``."""
        for view in self.detail.facts.children:
            if view.child.pk == child_id:
                return view
        raise NotFound("No such child")


def incident_journey_get_for(
    *, actor: Actor, incident_id: int, purpose: str = "Record an incident"
) -> IncidentJourney:
    detail = incident_get_for(actor=actor, incident_id=incident_id, purpose=purpose)
    facts = detail.facts
    people = [*facts.victims, *facts.perpetrators, *facts.others]
    people += [c.child for c in facts.children]
    return IncidentJourney(detail=detail, ties=ties_among(p.pk for p in people))


def local_authority_choices() -> list[tuple[int, str]]:
    """Every local authority, for choosing where an incident happened (no personal data)."""
    return list(
        Area.objects.filter(kind=Area.Kind.LOCAL_AUTHORITY)
        .order_by("name")
        .values_list("pk", "name")
    )
