"""The statistics pages (issue 15 §4): one page per measure group with its filters, each
table drawn as a chart beside its figures, definitions and sources, and CSV downloads.

Statistics show no personal data: every view is ``no_personal_data``, reads only through
``hearth.stats.selectors`` (the maintained aggregates, disclosure control applied) and
links to no case record. Whoever has no statistics scope (``scope_for`` gives None: not an
analyst, not a manager), or asks for a group or table that does not exist, gets the
project's normal 404, the same answer for each. A hidden figure is shown as DfE shows
it, one symbol ("c") whatever the reason it is hidden; the pages and CSV files do not say
which were small counts and which were hidden beside them (disclosure control is safe
even against someone who knows, but a reader has no use for it).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from hearth.accounts.views import HomeAction
from hearth.core import clock
from hearth.core.actor import Actor, Role
from hearth.core.errors import NotFound, ValidationFailed
from hearth.core.http import actor_of
from hearth.core.personal_data import no_personal_data
from hearth.stats import charts, csv_export, selectors
from hearth.stats.disclosure import Cell
from hearth.stats.tables import GROUP_TITLES, Filters, Group, Scope, StatTable, Unit

# One line each, for the statistics home page and analysts' home page.
GROUP_DESCRIPTIONS: dict[Group, str] = {
    Group.REFERRALS: "Child concern notifications received, where they came from, "
    "re-referrals within 12 months, children per incident and victims in their own right.",
    Group.TIMELINESS: "Whether each referral and notification was acknowledged and decided "
    "in time, how long it took, and what is overdue now.",
    Group.OUTCOMES: "The front door's decisions, assessments with domestic abuse factors, "
    "MARAC referrals and repeats, and children in MARAC households.",
    Group.KNOWN: "Of children in high-risk households, how many children's services already "
    "knew, and how many it knew within 5 working days.",
    Group.SPECIALIST: "Referrals to specialist services for children, acceptances, waiting "
    "times, completions, and children who went without.",
}

# What a symbol in place of a figure means, said once per page (DfE's conventions).
SYMBOL_MEANINGS = {
    "c": "a small number, hidden to protect people",
    "z": "not applicable (for example, no population to make a rate from)",
    "x": "not available or not published",
    ":": "not available",
    "u": "low reliability",
}

FILTER_FIELDS = ("period", "area", "force", "agency")


@dataclass(frozen=True)
class ShownCell:
    text: str
    numeric: bool
    hidden: bool


@dataclass(frozen=True)
class ShownTable:
    """A ``StatTable`` ready for its template: the chart, the cells as words, the CSV
    link."""

    table: StatTable
    chart: str
    columns: Sequence[str]
    rows: Sequence[tuple[str, Sequence[ShownCell], bool]]  # label, cells, is the totals row
    csv_url: str


def _scope(request: HttpRequest) -> tuple[Actor, Scope]:
    actor = actor_of(request)
    scope = selectors.scope_for(actor)
    if scope is None:
        raise NotFound()
    return actor, scope


def _group(value: str) -> Group:
    try:
        return Group(value)
    except ValueError:
        raise NotFound() from None


def _query(request: HttpRequest) -> str:
    """The filters chosen, as a query string to carry into the CSV links."""
    chosen = {name: request.GET.get(name, "").strip() for name in FILTER_FIELDS}
    query = urlencode({k: v for k, v in chosen.items() if v})
    return f"?{query}" if query else ""


def cell_words(cell: Cell, unit: Unit) -> str:
    """A cell as the page shows it: its symbol when hidden; a time taken in words."""
    if not cell.shown or cell.value is None:
        return cell.symbol
    if unit == Unit.DURATION:
        return selectors.duration_words(int(cell.value))
    return cell.text


def _shown(table: StatTable, csv_url: str) -> ShownTable:
    last = len(table.rows) - 1
    rows = [
        (
            label,
            [
                ShownCell(
                    text=cell_words(cell, unit),
                    numeric=unit != Unit.DURATION,
                    hidden=not cell.shown,
                )
                for cell, unit in zip(cells, table.units, strict=True)
            ],
            table.totals_row and i == last,
        )
        for i, (label, cells) in enumerate(zip(table.rows, table.cells, strict=True))
    ]
    return ShownTable(
        table=table,
        chart=shared_chart(table),
        columns=table.columns,
        rows=rows,
        csv_url=csv_url,
    )


CHART_CACHE_SECONDS = 24 * 60 * 60


def shared_chart(table: StatTable) -> str:
    """The table's chart, from the cache every web worker shares when another worker (or
    an earlier view) has drawn the same table: drawing takes tens of milliseconds, a
    look-up one. Keyed by the table's whole content (a different figure is a different
    key) and the chart code's version; the chart holds no personal data."""
    content = f"{charts.CHART_VERSION}:{table!r}".encode()
    key = "stats-chart:" + hashlib.sha256(content).hexdigest()
    found = cache.get(key)
    if isinstance(found, str):
        return found
    svg = charts.chart_svg(table)
    cache.set(key, svg, CHART_CACHE_SECONDS)
    return svg


def _symbols_used(tables: Sequence[StatTable], scope: Scope) -> list[tuple[str, str]]:
    """The symbols on the page and what each means; "c" always for disclosure-controlled
    figures, so the rule is stated even where nothing is hidden."""
    used = {c.symbol for t in tables for row in t.cells for c in row if not c.shown}
    if not scope.exact and tables:
        used.add(selectors.rules().symbol)
    return [(s, SYMBOL_MEANINGS.get(s, "not shown")) for s in sorted(used) if s]


def _names(choices: Sequence[Any]) -> str:
    names = [c.name for c in choices]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def scope_words(scope: Scope, choices: selectors.FilterChoices) -> str:
    """The viewer's scope in words."""
    if scope.exact:
        return f"The work of {scope.label}, exact counts"
    areas = _names(choices.local_authorities) or "No local authorities"
    return f"{areas}, small numbers shown as c"


def _area_words(filters: Filters, choices: selectors.FilterChoices) -> str:
    """Where the figures count, in words (also the CSV's Area column)."""
    if filters.local_authority_id is not None:
        where = next(
            (a.name for a in choices.local_authorities if a.id == filters.local_authority_id),
            "",
        )
    elif filters.force_id is not None:
        force = next((f.name for f in choices.forces if f.id == filters.force_id), "")
        where = f"{force} police force area"
    else:
        where = _names(choices.local_authorities) or "All areas"
    if filters.agency_id is not None:
        agency = next((a.name for a in choices.agencies if a.id == filters.agency_id), "")
        if agency:
            where = f"{where}, the work of {agency}"
    return where


def _read(
    request: HttpRequest, group: Group, scope: Scope
) -> tuple[selectors.FilterChoices, Filters | None, dict[str, list[str]], list[StatTable]]:
    now = clock.now()
    choices = selectors.filter_choices(scope, now=now)
    try:
        filters = selectors.parse_filters(request.GET, scope, now=now)
    except ValidationFailed as failure:
        return choices, None, failure.fields or {"period": [failure.message]}, []
    return choices, filters, {}, selectors.tables(group, filters, scope, now=now)


@no_personal_data
def index(request: HttpRequest) -> HttpResponse:
    """The measure groups, each with a line saying what it holds, and the viewer's scope."""
    _, scope = _scope(request)
    choices = selectors.filter_choices(scope, now=clock.now())
    groups = [
        (GROUP_TITLES[g], GROUP_DESCRIPTIONS[g], reverse("stats_group", args=[g.value]))
        for g in Group
    ]
    return render(
        request,
        "stats/index.html",
        {"groups": groups, "scope_words": scope_words(scope, choices), "scope": scope},
    )


@no_personal_data
def group_page(request: HttpRequest, group: str) -> HttpResponse:
    """One measure group: the filters, what they chose, then each table."""
    chosen_group = _group(group)
    _, scope = _scope(request)
    choices, filters, errors, tables = _read(request, chosen_group, scope)
    query = _query(request)
    shown = [
        _shown(t, reverse("stats_table_csv", args=[chosen_group.value, t.key]) + query)
        for t in tables
    ]
    error_list = [(name, message) for name in FILTER_FIELDS for message in errors.get(name, ())] + [
        (name, m) for name, ms in errors.items() if name not in FILTER_FIELDS for m in ms
    ]
    selected = {name: request.GET.get(name, "").strip() for name in FILTER_FIELDS}
    if filters is not None:
        selected["period"] = filters.period.key
    elif not selected["period"]:
        selected["period"] = choices.default_period.key
    context = {
        "group": chosen_group,
        "title": GROUP_TITLES[chosen_group],
        "description": GROUP_DESCRIPTIONS[chosen_group],
        "groups": [(GROUP_TITLES[g], reverse("stats_group", args=[g.value])) for g in Group],
        "scope": scope,
        "scope_words": scope_words(scope, choices),
        "choices": choices,
        "period_groups": [(label, choices.periods[kind]) for kind, label in choices.kinds],
        "selected": selected,
        "filters": filters,
        "period_words": filters.period.label if filters else "",
        "area_words": _area_words(filters, choices) if filters else "",
        "errors": errors,
        "error_list": error_list,
        "tables": shown,
        "symbols": _symbols_used(tables, scope),
        "adjusted": any(c.perturbed for t in tables for row in t.cells for c in row),
        "group_csv_url": reverse("stats_group_csv", args=[chosen_group.value]) + query,
    }
    return render(request, "stats/group.html", context)


def _csv_response(text: str, name: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name)
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    return response


def _csv_tables(
    request: HttpRequest, group: str
) -> tuple[Group, Filters, list[StatTable], str] | HttpResponse:
    chosen_group = _group(group)
    _, scope = _scope(request)
    choices, filters, _errors, tables = _read(request, chosen_group, scope)
    if filters is None:
        # Bad filters: the page says what is wrong with them, beside the form.
        return HttpResponseRedirect(
            reverse("stats_group", args=[chosen_group.value]) + _query(request)
        )
    return chosen_group, filters, tables, _area_words(filters, choices)


@no_personal_data
def group_csv(request: HttpRequest, group: str) -> HttpResponse:
    """All of a group's tables as one CSV file (long form: one line per figure)."""
    read = _csv_tables(request, group)
    if isinstance(read, HttpResponse):
        return read
    chosen_group, filters, tables, area = read
    text = csv_export.group_csv(tables, period=filters.period.label, area=area)
    return _csv_response(text, csv_export.filename(chosen_group.value, filters.period.key))


@no_personal_data
def table_csv(request: HttpRequest, group: str, table_key: str) -> HttpResponse:
    """One table as a CSV file, as it is on the page."""
    read = _csv_tables(request, group)
    if isinstance(read, HttpResponse):
        return read
    chosen_group, filters, tables, area = read
    table = next((t for t in tables if t.key == table_key), None)
    if table is None:
        raise NotFound()
    text = csv_export.table_csv(table, period=filters.period.label, area=area)
    name = csv_export.filename(chosen_group.value, filters.period.key, table.key)
    return _csv_response(text, name)


# --- The home page ------------------------------------------------------------------------


def home_actions(actor: Actor) -> list[HomeAction]:
    """An analyst's main work, led with on the home page (issue 17)."""
    if Role.ANALYST not in actor.roles:
        return []
    return [HomeAction(label="See the statistics", url=reverse("stats_index"), order=10)]


def home_page_context(actor: Actor) -> dict[str, Any]:
    """The home page (``HOME_PAGE_EXTRAS``): analysts a way into statistics, with the
    groups; managers their teams' figures (overdue now, on time this month) and a link to
    their agency's statistics. Counts only, about teams, never about a person."""
    scope = selectors.scope_for(actor)
    if scope is None:
        return {}
    groups = [
        (GROUP_TITLES[g], GROUP_DESCRIPTIONS[g], reverse("stats_group", args=[g.value]))
        for g in Group
    ]
    stats_home: dict[str, Any] = {
        "url": reverse("stats_index"),
        "groups": groups,
        "exact": scope.exact,
        "label": scope.label,
        "teams": [],
    }
    if scope.exact:
        stats_home["teams"] = [
            {
                "name": team.team_name,
                "overdue": team.overdue_now,
                "on_time": on_time_words(team),
            }
            for team in selectors.manager_figures(actor, now=clock.now())
        ]
    return {"stats_home": stats_home}


def on_time_words(team: selectors.TeamFigures) -> str:
    """This month's deadlines met on time, in words: "9 of 10 (90.0%)"."""
    decided = team.on_time + team.late
    if decided == 0:
        return "None due yet"
    return f"{team.on_time:,} of {decided:,} ({team.share_on_time}%)"
