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
from functools import cached_property
from typing import Any

from django.contrib.postgres.lookups import TrigramSimilar
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Collate, Concat, Length

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

# Schools whose names contain the words typed, at most.
SCHOOL_LIMIT = 20
# The children recorded at them, at most: enough to rank (some may be found by name too).
SCHOOL_CHILDREN = 2 * (policy.MAX_RESULTS + 1)


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


def _in_scope(actor: Actor) -> Q:
    """Whether a person is someone the actor may find: named by a record they may see
    (``Person.objects.visible_to``: their incidents, their checklists), or the subject of
    an obligation addressed to their agency. Two ``EXISTS``, asked of each candidate the
    name (or date of birth) already found through an index, each answered by an index on
    the person's id (the visibility ``UNION`` takes the person as a parameter), rather
    than ``IN`` over everyone the actor may see."""
    visible = Exists(Person.objects.visible_to(actor).filter(pk=OuterRef("pk")))
    addressed = Exists(Obligation.objects.addressed_to(actor).filter(subject_id=OuterRef("pk")))
    return Q(visible) | Q(addressed)


def _bytewise(expression: Any) -> Any:
    """Order text by its characters' code points, as Python does (PostgreSQL's default
    collation may ignore spaces; SQLite's is already by code point)."""
    return Collate(expression, "C") if connection.vendor == "postgresql" else expression


def _sort_name() -> Any:
    """``family given``: how equal scores are ordered (``SearchResult.sort_name``)."""
    return _bytewise(Concat(F("family_name_key"), Value(" "), F("given_names_key")))


# --- Matching --------------------------------------------------------------------------------

# A person as ranked: (id, exact, score, sort name).
Ranked = tuple[int, bool, float, str]


def _name_candidate_ids(name: str) -> QuerySet[Any] | None:
    """On PostgreSQL, the people the trigram indexes find, as a subquery of their id,
    keys and date of birth: either key of any of their names at least
    ``policy.SIMILARITY_THRESHOLD`` alike (``%``, which an identical key always is), or
    a family name that is the words run together. One ``UNION`` of one-index branches,
    so each branch is an index scan (an ``OR`` of them the planner may read as a
    sequential scan). Elsewhere ``None``: every person in scope is a candidate, scored
    in Python."""
    if connection.vendor != "postgresql":
        return None
    squashed = name.replace(" ", "")
    own = ("pk", "given_names_key", "family_name_key", "date_of_birth")
    other = tuple(f"person__{column}" if column != "pk" else "person_id" for column in own)
    branches: list[QuerySet[Any]] = []
    for model, columns in ((Person, own), (PersonName, other)):
        rows = model.objects.order_by()
        branches += [
            rows.filter(TrigramSimilar(F("given_names_key"), Value(name))).values_list(*columns),
            rows.filter(TrigramSimilar(F("family_name_key"), Value(name))).values_list(*columns),
        ]
        if squashed != name:
            branches.append(rows.filter(family_name_key=squashed).values_list(*columns))
    first, *others = branches
    return first.union(*others)


# pg_trgm's similarity of the words (the first parameter) to the closest of a name's
# given names, family name and whole name, and whether they are exactly one of them or
# the family name is the words run together (the second): ``policy.name_score``, in SQL.
_LIKENESS = """GREATEST(similarity({given}, %s), similarity({family}, %s),
    similarity(TRIM({given} || ' ' || {family}), %s))"""
_EXACTLY = """({given} = %s OR {family} = %s OR {family} = %s
    OR TRIM({given} || ' ' || {family}) = %s)"""


class _ScopeSQL:
    """``_in_scope`` as SQL about the person whose id is a column named on use: two
    ``EXISTS`` by that id, each answered by indexes (``_fence`` keeps each a per-row
    probe, never a hash of everyone the searcher may see). Compiled at most once a
    search, on first use: compiling the visibility rules costs milliseconds."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor

    @cached_property
    def _parts(self) -> tuple[str, list[Any], str, list[Any]]:
        this = RawSQL("{person_id}", ())
        visible = Person.objects.visible_to(self.actor).filter(pk=this).order_by().values("pk")
        addressed = (
            Obligation.objects.addressed_to(self.actor)
            .filter(subject_id=this)
            .order_by()
            .values("pk")
        )
        return (*_exists(visible), *_exists(addressed))

    def visible(self, person_id: str) -> tuple[str, list[Any]]:
        """Whether the actor may see the person (``Person.objects.visible_to``)."""
        sql, params, _, _ = self._parts
        return sql.format(person_id=person_id), params

    def any(self, person_id: str) -> tuple[str, list[Any]]:
        """Whether the actor may find the person: visible, or addressed to them."""
        visible, visible_params, addressed, addressed_params = self._parts
        sql = f"({visible} OR {addressed})".format(person_id=person_id)
        return sql, [*visible_params, *addressed_params]


def _exists(rows: QuerySet[Any]) -> tuple[str, list[Any]]:
    """``EXISTS (rows)``, fenced, with its ``{person_id}`` placeholder; ``FALSE`` when
    the rule admits no one (``.none()``)."""
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:
        return "FALSE", []
    return _with_placeholder(f"EXISTS ({sql}{_fence()})"), list(params)


def _with_placeholder(sql: str) -> str:
    """``sql`` ready for ``str.format(person_id=...)``: its own braces (none today) kept."""
    return sql.replace("{", "{{").replace("}", "}}").replace("{{person_id}}", "{person_id}")


def _exact_single_word_sql(query: SearchQuery, scope: _ScopeSQL) -> tuple[str, list[Any]]:
    """The first ``policy.MAX_RESULTS`` + 1 people in scope whose given or family name
    (or another name's) is exactly the one word typed, by sort name: each of them scores
    1 (the word is the name), so they are the start of the ranking. Equality on the
    keys' B-tree indexes finds them all, however many; the scope is then asked of each,
    in order, until enough are found, as for ``_people_ranked_in_database``."""
    born, born_params = "AND p.date_of_birth = %s", [query.date_of_birth]
    if query.date_of_birth is None:
        born, born_params = "", []
    sort_name = "(p.family_name_key || ' ' || p.given_names_key) COLLATE " + '"C"'
    # Three branches that never find the same person, so nothing need be deduplicated;
    # the first two read only an index (``person_family_given_idx``, people's, and
    # ``search_person_given_family``, search 0003).
    branches = (
        "p.family_name_key = %s",
        "p.given_names_key = %s AND p.family_name_key <> %s",
        """p.id IN (SELECT n.person_id FROM people_personname n
            WHERE n.family_name_key = %s OR n.given_names_key = %s)
            AND p.family_name_key <> %s AND p.given_names_key <> %s""",
    )
    found = " UNION ALL ".join(
        f"SELECT p.id, {sort_name} AS sort_name FROM people_person p WHERE {where} {born}"  # noqa: S608
        for where in branches
    )
    params = [p for where in branches for p in [query.name] * where.count("%s") + born_params]
    in_scope, scope_params = scope.any("e.id")
    sql = f"""
        SELECT e.id, TRUE, 1::real, e.sort_name
        FROM (SELECT * FROM ({found}) AS u ORDER BY u.sort_name, u.id) AS e
        WHERE {in_scope}
        ORDER BY e.sort_name, e.id
        LIMIT %s"""  # noqa: S608
    return sql, [*params, *scope_params, policy.MAX_RESULTS + 1]


def _people_ranked_in_database(
    scope: _ScopeSQL, query: SearchQuery, candidates: QuerySet[Any]
) -> list[Ranked]:
    """PostgreSQL: the first ``policy.MAX_RESULTS`` + 1 candidates in scope, scored and
    ranked exactly as ``policy.name_score`` and ``_rank`` would, in one statement.

    The candidates (their keys read by the trigram indexes' own scans) are scored and
    ranked first, without the scope: a sort of the few thousand found, at worst. Then
    the scope is asked of each, best first, until enough are found (``_ScopeSQL``).
    The outer ``ORDER BY`` is the ranked subquery's own, so no sort waits for every
    candidate's scope. One word that is exactly the name of more people in scope than
    are ranked (a common family name) is answered from those alone
    (``_exact_single_word_sql``), and the candidates are then never read: PostgreSQL
    skips the branch its one-time filter rules out."""
    name, squashed = query.name, query.name.replace(" ", "")
    person = {"given": "c.given", "family": "c.family"}
    other = {"given": "n.given_names_key", "family": "n.family_name_key"}
    likeness, exactly = [name] * 3, [name, name, squashed, name]
    candidates_sql, candidates_params = candidates.query.sql_with_params()
    in_scope, scope_params = scope.any("ranked.id")
    born = "WHERE c.born = %s" if query.date_of_birth is not None else ""
    # Only SQL written here or compiled by the ORM is interpolated; every value is a
    # parameter.
    ranked_sql = f"""
        SELECT ranked.id, ranked.exact, ranked.score, ranked.sort_name FROM (
            SELECT
                c.id,
                {_EXACTLY.format(**person)} OR EXISTS (
                    SELECT 1 FROM people_personname n
                    WHERE n.person_id = c.id AND {_EXACTLY.format(**other)}
                ) AS exact,
                GREATEST({_LIKENESS.format(**person)}, COALESCE((
                    SELECT MAX({_LIKENESS.format(**other)}) FROM people_personname n
                    WHERE n.person_id = c.id
                ), 0)) AS score,
                (c.family || ' ' || c.given) COLLATE "C" AS sort_name
            FROM ({candidates_sql}) AS c (id, given, family, born)
            {born}
            ORDER BY exact DESC, score DESC, sort_name, c.id
        ) AS ranked
        WHERE {in_scope}
        ORDER BY ranked.exact DESC, ranked.score DESC, ranked.sort_name, ranked.id
        LIMIT %s"""  # noqa: S608
    ranked_params = [
        *exactly,
        *exactly,
        *likeness,
        *likeness,
        *candidates_params,
        *([query.date_of_birth] if query.date_of_birth is not None else []),
        *scope_params,
        policy.MAX_RESULTS + 1,
    ]
    sql, params = ranked_sql, ranked_params
    if " " not in name:
        exact_sql, exact_params = _exact_single_word_sql(query, scope)
        enough = f"(SELECT COUNT(*) FROM exact) > {policy.MAX_RESULTS:d}"  # noqa: S608
        sql = f"""
            WITH exact (id, exact, score, sort_name) AS MATERIALIZED ({exact_sql})
            SELECT * FROM exact WHERE {enough}
            UNION ALL
            SELECT * FROM ({ranked_sql}) AS ranked WHERE NOT {enough}"""  # noqa: S608
        params = [*exact_params, *ranked_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = [(pk, exact, score, sort_name) for pk, exact, score, sort_name in cursor]
    # Both halves come ranked; at most one of them is read.
    return found


def _people_ranked_in_python(people: QuerySet[Person], name: str) -> list[Ranked]:
    """SQLite: every person in scope is a candidate, scored by ``policy.name_score``."""
    names: dict[int, list[NameKeys]] = {}
    sort_names: dict[int, str] = {}
    for pk, given, family in people.values_list("pk", "given_names_key", "family_name_key"):
        names[pk] = [NameKeys(given, family)]
        sort_names[pk] = f"{family} {given}"
    other_names = PersonName.objects.filter(person__in=people.values("pk")).values_list(
        "person_id", "given_names_key", "family_name_key"
    )
    for person_id, given, family in other_names:
        names[person_id].append(NameKeys(given, family))
    found: list[Ranked] = []
    for pk, keys in names.items():
        exact, score = policy.name_score(name, keys)
        if exact or score > 0:
            found.append((pk, exact, score, sort_names[pk]))
    found.sort(key=lambda r: (not r[1], -round(r[2], 6), r[3], r[0]))
    return found[: policy.MAX_RESULTS + 1]


def _people_by_name(
    actor: Actor, scope: _ScopeSQL, query: SearchQuery
) -> dict[int, tuple[bool, float, str]]:
    """Person id → (exact, score, sort name) for the first ``policy.MAX_RESULTS`` + 1
    people in scope the query finds by name and date of birth, best first: one query on
    PostgreSQL (two on SQLite), however many people there are."""
    people = Person.objects.order_by()
    if query.date_of_birth is not None:
        people = people.filter(date_of_birth=query.date_of_birth)
    if not query.name:
        if query.date_of_birth is None:
            return {}
        born = (
            people.filter(_in_scope(actor))
            .annotate(sort_name=_sort_name())
            .order_by("sort_name", "pk")
            .values_list("pk", "sort_name")
        )
        return {pk: (True, 1.0, sort_name) for pk, sort_name in born[: policy.MAX_RESULTS + 1]}
    candidates = _name_candidate_ids(query.name)
    if candidates is None:
        ranked = _people_ranked_in_python(people.filter(_in_scope(actor)), query.name)
    else:
        # The candidates first (the trigram indexes), then the scope of each.
        ranked = _people_ranked_in_database(scope, query, candidates)
    return {pk: (exact, score, sort_name) for pk, exact, score, sort_name in ranked}


def _schools_named(query: SearchQuery) -> dict[str, str]:
    """URN → name of the schools the words name (a part of the name, or the URN)."""
    words = query.reference
    if len(words) < 3 or query.date_of_birth is not None:
        return {}
    found = EducationSetting.objects.filter(Q(name__icontains=words) | Q(urn=words))
    return dict(found.order_by("name", "urn").values_list("urn", "name")[:SCHOOL_LIMIT])


def _fence() -> str:
    """What keeps an ``EXISTS`` a per-row probe on PostgreSQL (``OFFSET 0``: the planner
    then never turns it into a hash of every row the subquery could give)."""
    return " OFFSET 0" if connection.vendor == "postgresql" else ""


def _children_at_schools(actor: Actor, urns: Iterable[str]) -> dict[int, str]:
    """Child id → URN, for the children the actor may see recorded at these schools:
    in an incident they may see, or in the incident of an obligation addressed to them
    about the child. The first ``SCHOOL_CHILDREN`` (by child id, then URN), on either
    database: the involvements at the schools are read by the URN's index in that order,
    and the two ``EXISTS`` asked of each until enough are found (a school's thousands of
    children ask them of little more than a page)."""
    urns = list(urns)
    if not urns:
        return {}
    incident, child = RawSQL("ci.incident_id", ()), RawSQL("ci.child_id", ())
    seen = Incident.objects.visible_to(actor).filter(pk=incident).order_by().values("pk")
    addressed = (
        Obligation.objects.addressed_to(actor)
        .filter(incident_id=incident, subject_id=child)
        .order_by()
        .values("pk")
    )
    involvements = (
        ChildInvolvement.objects.filter(education_setting_urn__in=urns)
        .order_by("child_id", "education_setting_urn")
        .values_list("child_id", "education_setting_urn", "incident_id")
    )
    involvements_sql, involvements_params = involvements.query.sql_with_params()
    seen_sql, seen_params = seen.query.sql_with_params()
    addressed_sql, addressed_params = addressed.query.sql_with_params()
    # Only SQL the ORM compiled is interpolated; every value is a parameter.
    sql = f"""
        SELECT ci.child_id, ci.education_setting_urn FROM ({involvements_sql}) AS ci
        WHERE EXISTS ({seen_sql}{_fence()}) OR EXISTS ({addressed_sql}{_fence()})
        ORDER BY ci.child_id, ci.education_setting_urn
        LIMIT %s"""  # noqa: S608
    params = [*involvements_params, *seen_params, *addressed_params, SCHOOL_CHILDREN]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def _incidents_by_reference(actor: Actor, query: SearchQuery) -> list[SearchResult]:
    """The incidents the actor may see whose force reference is (or contains) the words,
    or whose Hearth id they are: the first ``policy.MAX_RESULTS`` + 1 in ``_rank``'s
    order (exact, then the shortest reference containing them, then by reference)."""
    reference = query.reference.strip()
    if not reference or query.date_of_birth is not None:
        return []
    exact = Q(police_reference__iexact=reference)
    if query.hearth_id is not None:
        exact |= Q(pk=query.hearth_id)
    match = exact
    if len(reference) >= 3:
        match |= Q(police_reference__icontains=reference)
    rows = (
        Incident.objects.visible_to(actor)
        .filter(match)
        .annotate(
            exact=ExpressionWrapper(exact, output_field=BooleanField()),
            length=Case(
                When(exact, then=Value(0)),
                default=Length("police_reference"),
                output_field=IntegerField(),
            ),
            sort_name=_bytewise(F("police_reference")),
        )
        .order_by("-exact", "length", "sort_name", "pk")
        .values_list("pk", "police_reference")[: policy.MAX_RESULTS + 1]
    )
    results = []
    for pk, ref in rows:
        exact_match = pk == query.hearth_id or ref.casefold() == reference.casefold()
        score = 1.0 if exact_match else len(reference) / max(len(ref), 1)
        results.append(
            SearchResult(
                kind=ResultKind.INCIDENT,
                record_id=pk,
                exact=exact_match,
                score=score,
                sort_name=ref,
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


def _describe_people(
    actor: Actor, scope: _ScopeSQL, results: list[SearchResult], schools: dict[int, str]
) -> None:
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
    # Asked of each of the page's people, by id (the search's own compiled rule).
    seen, seen_params = scope.visible("p.id")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.id FROM people_person p WHERE p.id IN ({', '.join(['%s'] * len(ids))}) "  # noqa: S608
            f"AND {seen}",
            [*ids, *seen_params],
        )
        visible = {pk for (pk,) in cursor.fetchall()}
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
            what = obligation.get_route_display().lower()
            article = "An" if what[:1] in "aeiou" else "A"  # "An offer of specialist support"
            why.append(f"{article} {what} addressed to {team}")
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
    scope = _ScopeSQL(actor)
    found: list[SearchResult] = []
    schools_of: dict[int, str] = {}
    if may_search(actor) and not parsed.is_empty:
        people = _people_by_name(actor, scope, parsed)
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
    _describe_people(actor, scope, [r for r in shown if r.kind != ResultKind.INCIDENT], schools_of)
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
