"""Search by name: children, adults and incidents, by name, date of birth, reference or
school, for whoever may see them (issue 12 §3; docs/search.md). Invariants:

- only case workers search: an actor who sees no case content (administrators,
  analysts: ``Actor.sees_case_content``) finds nothing;
- a person is found only within what the searcher may see: the people of the records
  they may see (``Person.objects.visible_to``: their incidents, their checklists) and the
  people an obligation addressed to their agency is about (the access an obligation
  grants, docs/access.md); an incident only within ``Incident.objects.visible_to``;
- each result says why the searcher may see it, and leads to the page through which
  they may (a front door opens the notification, not the incident or person page);
- every search is an access event (action SEARCH) with its terms and the records it
  returned, even when it returns none (architecture §5);
- PostgreSQL finds names through ``pg_trgm`` and the GIN trigram indexes
  (``search/migrations``); SQLite reads the keys of the people in scope and scores them
  in Python. Both score and rank with ``search.policy`` over the same candidates, so
  both give the same results.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.lookups import TrigramSimilar
from django.db import connection
from django.db.models import F, Q, QuerySet, Value

from hearth.audit.models import AccessAction
from hearth.audit.services import access_record
from hearth.core.actor import Actor, AgencyKind
from hearth.incidents.models import ChildInvolvement, Incident, Party
from hearth.obligations.models import Obligation
from hearth.people.models import Person, PersonName
from hearth.people.policy import normalise_name
from hearth.schools.models import EducationSetting
from hearth.search import policy
from hearth.search.policy import NameKeys, SearchQuery, parse_query

# Candidates read from the database for one search before scoring, on either database:
# a bound on the work of one search; ranking then keeps ``policy.MAX_RESULTS``.
CANDIDATE_LIMIT = 5000
# Schools whose names contain the words typed, at most.
SCHOOL_LIMIT = 20


class ResultKind:
    CHILD = "child"
    ADULT = "adult"
    INCIDENT = "incident"


@dataclass(frozen=True)
class Link:
    """Where a result is read: a URL name and its arguments (the pages resolve it)."""

    name: str
    kwargs: dict[str, int]


@dataclass
class SearchResult:
    kind: str
    record_id: int
    title: str = ""
    summary: str = ""
    why: list[str] = field(default_factory=list)
    link: Link | None = None
    exact: bool = False
    score: float = 0.0
    # How to order equal scores: a name (family then given) or a reference.
    sort_name: str = ""


@dataclass(frozen=True)
class SearchPage:
    query: SearchQuery
    results: list[SearchResult]
    total: int  # after the cap
    page: int
    pages: int
    capped: bool  # more matched than ``policy.MAX_RESULTS``

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def previous_page_number(self) -> int:
        return self.page - 1

    @property
    def next_page_number(self) -> int:
        return self.page + 1

    @property
    def has_other_pages(self) -> bool:
        return self.pages > 1


def may_search(actor: Actor | None) -> bool:
    """Whether the search box is offered: to whoever may see case content."""
    return actor is not None and actor.sees_case_content


# --- Scope -----------------------------------------------------------------------------------


def _people_in_scope(actor: Actor) -> QuerySet[Person]:
    """Everyone the actor may find: the people of the records they may see, and the
    people the obligations addressed to their agency are about (one ``IN (UNION)``)."""
    visible = Person.objects.visible_to(actor).order_by().values("pk")
    addressed = Obligation.objects.addressed_to(actor).order_by().values("subject_id")
    return Person.objects.filter(pk__in=visible.union(addressed))


# --- Matching --------------------------------------------------------------------------------


def _name_candidate_ids(name: str) -> list[int] | None:
    """On PostgreSQL, the ids of the people the trigram indexes find: either key of any of
    their names at least ``policy.SIMILARITY_THRESHOLD`` alike (``%``), or the same key.
    One ``UNION`` of one-index branches, so each branch is an index scan (an ``OR`` of
    them the planner may read as a sequential scan), before the searcher's scope is
    applied (once, by the caller). Elsewhere ``None``: every person in scope is a
    candidate, scored in Python."""
    if connection.vendor != "postgresql":
        return None
    squashed = name.replace(" ", "")
    branches: list[QuerySet[Any]] = []
    for model, column in ((Person, "pk"), (PersonName, "person_id")):
        rows = model.objects.order_by()
        branches += [
            rows.filter(TrigramSimilar(F("given_names_key"), Value(name))).values_list(column),
            rows.filter(TrigramSimilar(F("family_name_key"), Value(name))).values_list(column),
            rows.filter(given_names_key=name).values_list(column),
            rows.filter(family_name_key=squashed).values_list(column),
        ]
    first, *others = branches
    return [pk for (pk,) in first.union(*others)[:CANDIDATE_LIMIT]]


def _people_by_name(
    scope: QuerySet[Person], query: SearchQuery
) -> dict[int, tuple[bool, float, str]]:
    """Person id → (exact, score, sort name) for everyone in scope the query finds by
    name and date of birth."""
    if query.date_of_birth is not None:
        scope = scope.filter(date_of_birth=query.date_of_birth)
    if not query.name:
        if query.date_of_birth is None:
            return {}
        rows = scope.order_by("pk").values_list("pk", "family_name_key", "given_names_key")
        return {pk: (True, 1.0, f"{fam} {giv}") for pk, fam, giv in rows[:CANDIDATE_LIMIT]}
    ids = _name_candidate_ids(query.name)
    people = scope if ids is None else scope.filter(pk__in=ids)
    names: dict[int, list[NameKeys]] = {}
    sort_names: dict[int, str] = {}
    rows = people.order_by("pk").values_list("pk", "given_names_key", "family_name_key")
    for pk, given, family in rows[:CANDIDATE_LIMIT]:
        names[pk] = [NameKeys(given, family)]
        sort_names[pk] = f"{family} {given}"
    other_names = PersonName.objects.filter(person_id__in=list(names)).values_list(
        "person_id", "given_names_key", "family_name_key"
    )
    for person_id, given, family in other_names:
        names[person_id].append(NameKeys(given, family))
    found: dict[int, tuple[bool, float, str]] = {}
    for pk, keys in names.items():
        exact, score = policy.name_score(query.name, keys)
        if exact or score > 0:
            found[pk] = (exact, score, sort_names[pk])
    return found


def _schools_named(query: SearchQuery) -> dict[str, str]:
    """URN → name of the schools the words name (a part of the name, or the URN)."""
    words = query.reference
    if len(words) < 3 or query.date_of_birth is not None:
        return {}
    found = EducationSetting.objects.filter(Q(name__icontains=words) | Q(urn=words))
    return dict(found.order_by("name", "urn").values_list("urn", "name")[:SCHOOL_LIMIT])


def _children_at_schools(actor: Actor, urns: Iterable[str]) -> dict[int, str]:
    """Child id → URN, for the children the actor may see recorded at these schools:
    in an incident they may see, or in the incident of an obligation addressed to them
    about the child."""
    urns = list(urns)
    if not urns:
        return {}
    by_incident = ChildInvolvement.objects.visible_to(actor).filter(education_setting_urn__in=urns)
    addressed = Obligation.objects.addressed_to(actor).values("incident_id", "subject_id")
    by_obligation = ChildInvolvement.objects.filter(
        education_setting_urn__in=urns,
        incident_id__in=addressed.values("incident_id"),
        child_id__in=addressed.values("subject_id"),
    )
    rows = list(by_incident.values_list("child_id", "education_setting_urn")[:CANDIDATE_LIMIT])
    rows += list(by_obligation.values_list("child_id", "education_setting_urn")[:CANDIDATE_LIMIT])
    return dict(sorted(rows))


def _incidents_by_reference(actor: Actor, query: SearchQuery) -> list[SearchResult]:
    reference = query.reference.strip()
    if not reference or query.date_of_birth is not None:
        return []
    match = Q(police_reference__iexact=reference)
    if len(reference) >= 3:
        match |= Q(police_reference__icontains=reference)
    if query.hearth_id is not None:
        match |= Q(pk=query.hearth_id)
    rows = (
        Incident.objects.visible_to(actor)
        .filter(match)
        .order_by("pk")
        .values_list("pk", "police_reference")[:CANDIDATE_LIMIT]
    )
    results = []
    for pk, ref in rows:
        exact = pk == query.hearth_id or ref.casefold() == reference.casefold()
        score = 1.0 if exact else len(reference) / max(len(ref), 1)
        results.append(
            SearchResult(
                kind=ResultKind.INCIDENT, record_id=pk, exact=exact, score=score, sort_name=ref
            )
        )
    return results


# --- Why, and where ----------------------------------------------------------------------------


def _incident_reason(actor: Actor, recorded_by_id: int | None, kind: str) -> str:
    if actor.user_id is not None and recorded_by_id == actor.user_id:
        if kind == Incident.Kind.CONCERN:
            return "A concern you raised"
        return "An incident you recorded"
    if kind == Incident.Kind.CONCERN:
        return f"A concern {actor.agency_name} raised"
    if actor.agency_kind == AgencyKind.POLICE_FORCE:
        return f"All incidents of {actor.agency_name} (public protection)"
    return f"An incident {actor.agency_name} recorded"


def _describe_people(actor: Actor, results: list[SearchResult], schools: dict[int, str]) -> None:
    """Fill each person result's title, summary, kind, reasons and link (a few queries
    for the whole page)."""
    ids = [r.record_id for r in results]
    if not ids:
        return
    people = Person.objects.in_bulk(ids)
    children = set(
        ChildInvolvement.objects.filter(child_id__in=ids).values_list("child_id", flat=True)
    )
    parties: dict[int, list[tuple[int | None, str]]] = {}
    for person_id, recorded_by_id, kind in (
        Party.objects.filter(person_id__in=ids, incident__in=Incident.objects.visible_to(actor))
        .order_by("-incident__created_at")
        .values_list("person_id", "incident__recorded_by_id", "incident__kind")
    ):
        parties.setdefault(person_id, []).append((recorded_by_id, kind))
    visible = set(Person.objects.visible_to(actor).filter(pk__in=ids).values_list("pk", flat=True))
    obligations: dict[int, list[Obligation]] = {}
    for obligation in (
        Obligation.objects.addressed_to(actor)
        .filter(subject_id__in=ids)
        .select_related("team")
        .order_by("-created_at", "-id")
    ):
        obligations.setdefault(obligation.subject_id, []).append(obligation)
    for result in results:
        person = people[result.record_id]
        result.kind = ResultKind.CHILD if person.pk in children else ResultKind.ADULT
        result.title = person.full_name
        born = (
            f"Born {person.date_of_birth:%-d %B %Y}"
            if person.date_of_birth
            else "Date of birth not known"
        )
        result.summary = f"{'Child' if result.kind == ResultKind.CHILD else 'Adult'}. {born}"
        if person.pk in schools:
            result.summary += f". Recorded at {schools[person.pk]}"
        why = [_incident_reason(actor, rec, kind) for rec, kind in parties.get(person.pk, [])]
        if person.pk in visible and not why:
            why.append(f"A risk checklist {actor.agency_name} recorded")
        for obligation in obligations.get(person.pk, []):
            team = (
                f"your team ({obligation.team.name})"
                if obligation.team_id in actor.team_ids
                else obligation.team.name
            )
            why.append(f"A {obligation.get_route_display().lower()} addressed to {team}")
        result.why = list(dict.fromkeys(why))
        if person.pk in visible:
            result.link = (
                Link("child_detail", {"child_id": person.pk})
                if result.kind == ResultKind.CHILD and parties.get(person.pk)
                else Link("person_detail", {"person_id": person.pk})
            )
        elif obligations.get(person.pk):
            result.link = Link("obligation_detail", {"obligation_id": obligations[person.pk][0].pk})


def _describe_incidents(actor: Actor, results: list[SearchResult]) -> None:
    incidents = Incident.objects.select_related("local_authority").in_bulk(
        [r.record_id for r in results]
    )
    for result in results:
        incident = incidents[result.record_id]
        result.title = str(incident)
        when = f"{incident.occurred_at:%-d %B %Y}" if incident.occurred_at else "date not known"
        place = f", {incident.location_town}" if incident.location_town else ""
        status = incident.get_status_display()
        result.summary = f"{incident.get_kind_display()}, {when}{place}. {status}"
        result.why = [_incident_reason(actor, incident.recorded_by_id, incident.kind)]
        result.link = Link("incident_detail", {"incident_id": incident.pk})


# --- The search ----------------------------------------------------------------------------------


def _rank(results: list[SearchResult]) -> list[SearchResult]:
    """Exact matches first, then the most alike, then by name: the same order on every
    database."""
    return sorted(
        results, key=lambda r: (not r.exact, -round(r.score, 6), r.sort_name, r.kind, r.record_id)
    )


def search_for(
    *, actor: Actor, query: str, page: int = 1, purpose: str = "Search by name"
) -> SearchPage:
    """The children, adults and incidents ``query`` finds among what ``actor`` may see,
    best first, a page of ``policy.PAGE_SIZE`` at a time, each with why it is visible and
    where to read it. Always an access event, even for no results."""
    parsed = parse_query(query)
    found: list[SearchResult] = []
    schools_of: dict[int, str] = {}
    if may_search(actor) and not parsed.is_empty:
        scope = _people_in_scope(actor)
        people: dict[int, tuple[bool, float, str]] = _people_by_name(scope, parsed)
        schools = _schools_named(parsed)
        for child_id, urn in _children_at_schools(actor, schools).items():
            schools_of[child_id] = schools[urn]
            if child_id not in people:
                score = policy.similarity(parsed.name, normalise_name(schools[urn]))
                people[child_id] = (False, score, "")
        found = [
            SearchResult(
                kind=ResultKind.ADULT, record_id=pk, exact=exact, score=score, sort_name=name
            )
            for pk, (exact, score, name) in people.items()
        ]
        found += _incidents_by_reference(actor, parsed)
    ranked = _rank(found)
    capped = len(ranked) > policy.MAX_RESULTS
    ranked = ranked[: policy.MAX_RESULTS]
    pages = max(1, -(-len(ranked) // policy.PAGE_SIZE))
    page = min(max(1, page), pages)
    shown = ranked[(page - 1) * policy.PAGE_SIZE : page * policy.PAGE_SIZE]
    _describe_people(actor, [r for r in shown if r.kind != ResultKind.INCIDENT], schools_of)
    _describe_incidents(actor, [r for r in shown if r.kind == ResultKind.INCIDENT])
    records: list[Any] = [
        Incident(pk=r.record_id) if r.kind == ResultKind.INCIDENT else Person(pk=r.record_id)
        for r in shown
    ]
    access_record(
        actor=actor,
        action=AccessAction.SEARCH,
        purpose=purpose,
        records=records,
        query={**parsed.terms(), "page": page},
    )
    return SearchPage(
        query=parsed, results=shown, total=len(ranked), page=page, pages=pages, capped=capped
    )
