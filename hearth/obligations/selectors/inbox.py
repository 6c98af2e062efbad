"""Team inboxes: a team's work, overdue first, with siblings together."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Func, IntegerField, Q, Subquery

from hearth.accounts.models import Team
from hearth.audit.models import AccessAction
from hearth.audit.services import access_record
from hearth.core import clock
from hearth.core.actor import Actor
from hearth.core.errors import NotFound
from hearth.obligations import policy, registry
from hearth.obligations.models import (
    Obligation,
    ObligationQuerySet,
)

INBOX_PAGE_SIZE = 50


# --- Inboxes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxFilters:
    status: str = ""  # "" means every open status; "ended" the closed and withdrawn
    route: str = ""
    due_by: dt.date | None = None
    local_authority_id: int | None = None
    overdue_only: bool = False
    claimed_by_me: bool = False
    due_today: bool = False  # due later today, not yet overdue


@dataclass(frozen=True)
class InboxRow:
    obligation: Obligation
    next_due: dt.datetime | None
    siblings: list[Obligation]

    @property
    def is_overdue(self) -> bool:
        return self.next_due is not None and self.next_due <= clock.now()

    @property
    def time_left(self) -> str:
        return policy.time_left_words(self.next_due, clock.now()) if self.next_due else ""


@dataclass(frozen=True)
class Inbox:
    team: Team
    rows: list[InboxRow]
    total: int
    overdue: int
    is_manager: bool
    by_status: dict[str, int] = field(default_factory=dict)
    by_person: list[tuple[str, int]] = field(default_factory=list)
    page: Page[Any] | None = None  # which page of ``total`` the rows are (``rows``)


def inbox_teams_for(*, actor: Actor) -> list[Team]:
    """The teams whose inboxes the actor works from (names only: not logged)."""
    teams = Team.objects.filter(agency_id=actor.agency_id, is_active=True)
    if actor.team_ids:
        teams = teams.filter(pk__in=actor.team_ids)
    return list(teams.order_by("name"))


def _team_for_inbox(actor: Actor, team_id: int) -> Team:
    team = next((t for t in inbox_teams_for(actor=actor) if t.pk == team_id), None)
    if team is None:
        raise NotFound("No such team")
    return team


def _filtered(
    items: ObligationQuerySet, actor: Actor, filters: InboxFilters, now: dt.datetime
) -> ObligationQuerySet:
    """A team's work narrowed by the filters: what the inbox lists and the home page
    counts, so the two always agree."""
    if filters.status == "ended":
        items = items.filter(status__in=[s.value for s in policy.ENDED])
    elif filters.status:
        items = items.filter(status=filters.status)
    else:
        # Open: not yet ended (the lifecycle, docs/obligations.md): sent, acknowledged, or
        # an outcome recorded that keeps it open (a decision to assess); never closed or
        # withdrawn.
        items = items.open()
    if filters.route:
        items = items.filter(route=filters.route)
    if filters.local_authority_id:
        items = items.filter(incident__local_authority_id=filters.local_authority_id)
    if filters.claimed_by_me:
        items = items.filter(claimed_by_id=actor.user_id)
    # The stored next due time (``Obligation.next_due_at``): the team's open work is read
    # in its order, counted and cut to a page through one partial index.
    if filters.due_by:
        # Due on or before that day in London: before the next day's start (an index range).
        items = items.filter(next_due_at__lt=_start_of_day_after(filters.due_by))
    if filters.overdue_only:
        items = items.filter(next_due_at__lte=now)
    if filters.due_today:
        # Due later today (London), not yet overdue: beside "overdue", never counted twice.
        today = now.astimezone(clock.LONDON).date()
        items = items.filter(next_due_at__gt=now, next_due_at__lt=_start_of_day_after(today))
    return items


def _start_of_day_after(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=clock.LONDON)


@dataclass(frozen=True)
class WorkCounts:
    """How many of a team's items each set of filters lists (the home page's counts)."""

    team: Team
    counts: dict[str, int]


def inbox_counts(*, actor: Actor, team_id: int, filters: Mapping[str, InboxFilters]) -> WorkCounts:
    """How many items the team's inbox lists under each of ``filters`` (by name), in one
    query: the inbox's own filters (``_filtered``), so a count on the home page and the
    list it links to always agree. Counts only: no personal data, nothing logged."""
    team = _team_for_inbox(actor, team_id)
    base = Obligation.objects.addressed_to(actor).filter(team=team)
    now = clock.now()
    names = list(filters)
    if not names:
        return WorkCounts(team=team, counts={})
    # Each count is its own scalar subquery over exactly what the inbox would list (for
    # open work, the partial index), all asked in one statement of one row: counting
    # with FILTER over the team's whole history instead read every item it ever had
    # (a school's years of ended Operation Encompass notifications).
    found = (
        Team.objects.filter(pk=team.pk)
        .annotate(
            **{
                f"n{index}": _count_of(_filtered(base, actor, filters[name], now))
                for index, name in enumerate(names)
            }
        )
        .values_list(*(f"n{index}" for index in range(len(names))))
        .get()
    )
    return WorkCounts(team=team, counts={name: int(found[i] or 0) for i, name in enumerate(names)})


def _count_of(items: ObligationQuerySet) -> Subquery:
    """How many rows ``items`` holds, as a scalar subquery: ``COUNT`` with no ``GROUP
    BY`` (a function, not an aggregate, to Django), so always exactly one row."""
    return Subquery(
        items.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
        output_field=IntegerField(),
    )


# What an inbox row shows (the page and the API's summary), and no more: a page's 50 rows
# with every column of their incidents and people cost more to load than to find. A
# field left out here and then shown is a query per row, which the tests' constant
# query counts catch.
_ROW_FIELDS = (
    "id",
    "route",
    "status",
    "subject_id",
    "incident_id",
    "team_id",
    "claimed_by_id",
    "next_due_at",
    "subject__given_names",
    "subject__family_name",
    "subject__date_of_birth",
    "incident__kind",
    "incident__police_reference",
    "incident__occurred_at",
    "claimed_by__first_name",
    "claimed_by__last_name",
    "claimed_by__email",
)


def inbox_for(
    *,
    actor: Actor,
    team_id: int,
    filters: InboxFilters = InboxFilters(),
    page: int | str | None = 1,
    page_size: int = INBOX_PAGE_SIZE,
    purpose: str = "",
) -> Inbox:
    """A team's obligations, overdue first, then by the time left, one page of
    ``page_size`` at a time. Siblings (children of one incident sent to the same team) are
    listed with each other."""
    team = _team_for_inbox(actor, team_id)
    base = Obligation.objects.addressed_to(actor).filter(team=team)
    now = clock.now()
    items = _filtered(base, actor, filters, now)
    # How many, and how many overdue, in one pass over the index.
    counts = items.aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(next_due_at__lte=now)))
    total, overdue = int(counts["total"]), int(counts["overdue"])
    # The page is chosen among the obligations alone (overdue and soonest first; nothing
    # due, waiting on others, last), then only its rows are read with their people and
    # incident: joining those to every open obligation before sorting costs more.
    paginator = Paginator(
        items.order_by(F("next_due_at").asc(nulls_last=True), "incident_id", "id").values_list(
            "pk", flat=True
        ),
        page_size,
    )
    paginator.count = total  # counted once, above
    current = paginator.get_page(page)
    ids = list(current.object_list)
    by_id = {
        o.pk: o
        for o in Obligation.objects.filter(pk__in=ids)
        .select_related("subject", "incident", "claimed_by")
        .only(*_ROW_FIELDS)
    }
    listed: list[Obligation] = [by_id[pk] for pk in ids]
    for o in listed:
        o.team = team  # every row is the team's: read once, above
    current.object_list = listed  # type: ignore[assignment]  # the ids' rows
    siblings: dict[int, list[Obligation]] = {}
    grouped = registry.grouped()
    # Siblings are shown by name only: their rows are read with no more than that.
    for other in (
        base.filter(
            incident_id__in={o.incident_id for o in listed if o.route in grouped},
            route__in=grouped,
        )
        .select_related("subject")
        .only("id", "incident_id", "subject__given_names", "subject__family_name")
        .order_by("id")
    ):
        siblings.setdefault(other.incident_id, []).append(other)
    rows = [
        InboxRow(
            obligation=o,
            next_due=o.next_due_at,
            siblings=[s for s in siblings.get(o.incident_id, []) if s.pk != o.pk]
            if o.route in grouped
            else [],
        )
        for o in listed
    ]
    is_manager = actor.manages(team.pk)
    by_status: dict[str, int] = {}
    by_person: list[tuple[str, int]] = []
    if is_manager:
        # Both summaries from one pass over the team's open work (the claimant is not in
        # the open work's index, so each pass reads the rows themselves).
        by_claimant: dict[tuple[str | None, str | None], int] = {}
        for status, first, last, n in (
            base.open()
            .values_list("status", "claimed_by__first_name", "claimed_by__last_name")
            .annotate(n=Count("id"))
            .values_list("status", "claimed_by__first_name", "claimed_by__last_name", "n")
            .order_by()
        ):
            by_status[status] = by_status.get(status, 0) + n
            by_claimant[first, last] = by_claimant.get((first, last), 0) + n
        by_person = [
            (f"{first or ''} {last or ''}".strip() or "Not claimed", n)
            for (first, last), n in sorted(by_claimant.items(), key=lambda item: -item[1])
        ]
    access_record(
        actor=actor,
        action=AccessAction.SEARCH,
        purpose=purpose or f"Work from the {team.name} inbox",
        records=[*listed, *(o.subject for o in listed)],
        query={k: str(v) for k, v in filters.__dict__.items() if v not in ("", None, False)},
        result_count=total,
    )
    return Inbox(
        team=team,
        rows=rows,
        total=total,
        overdue=overdue,
        is_manager=is_manager,
        by_status=by_status,
        by_person=by_person,
        page=current,
    )


def obligations_for_bulk(*, actor: Actor, team_id: int, ids: Sequence[int]) -> list[Obligation]:
    """The chosen items of a team's inbox, for bulk acknowledgement (ids outside it are
    ignored: a forged id acts on nothing)."""
    team = _team_for_inbox(actor, team_id)
    return list(
        Obligation.objects.addressed_to(actor).filter(team=team, pk__in=list(ids)).order_by("id")
    )
