"""The statistics API (``/api/v1/statistics/…``, issue 15 §4): the same tables as the
statistics pages, from the same selectors, with the same cells hidden. A caller with no
statistics (neither an analyst nor a manager) gets the 404 a missing route gets; filters
that are malformed or outside the caller's scope are a 422 naming the field."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from ninja import Path, Query, Router

from hearth.accounts.models import Agency, Area
from hearth.core import clock
from hearth.core.api import ERROR_RESPONSES, api_actor
from hearth.core.errors import NotFound
from hearth.core.personal_data import no_personal_data
from hearth.stats import selectors
from hearth.stats.disclosure import Cell
from hearth.stats.periods import Period
from hearth.stats.schemas import (
    StatAgencyOut,
    StatAreaOut,
    StatCellOut,
    StatColumnOut,
    StatFiltersOut,
    StatGroupOut,
    StatGroupTablesOut,
    StatIndexOut,
    StatPeriodKindOut,
    StatPeriodOut,
    StatScopeOut,
    StatTableOut,
)
from hearth.stats.tables import GROUP_TITLES, Filters, Group, Scope, StatTable, Unit

router = Router(tags=["statistics"])


def _scope(request: HttpRequest) -> Scope:
    scope = selectors.scope_for(api_actor(request))
    if scope is None:
        raise NotFound("Not found")
    return scope


def _period(p: Period) -> StatPeriodOut:
    return StatPeriodOut(key=p.key, label=p.label, first=p.first, last=p.last)


def _scope_out(scope: Scope) -> StatScopeOut:
    return StatScopeOut(label=scope.label, exact=scope.exact)


def cell_out(cell: Cell, unit: Unit) -> StatCellOut:
    """One cell as published: a hidden one carries its symbol and why, never a value."""
    if not cell.shown or cell.value is None:
        return StatCellOut(text=cell.symbol, value=None, shown=False, reason=cell.reason)
    value: int | float = float(cell.value) if isinstance(cell.value, Decimal) else cell.value
    text = selectors.duration_words(int(cell.value)) if unit is Unit.DURATION else cell.text
    return StatCellOut(text=text, value=value, shown=True, reason="", adjusted=cell.perturbed)


def table_out(table: StatTable) -> StatTableOut:
    return StatTableOut(
        key=table.key,
        title=table.title,
        description=table.description,
        row_heading=table.row_heading,
        rows=list(table.rows),
        columns=[
            StatColumnOut(name=name, unit=str(unit))
            for name, unit in zip(table.columns, table.units, strict=True)
        ],
        cells=[
            [cell_out(c, u) for c, u in zip(line, table.units, strict=True)] for line in table.cells
        ],
        totals_row=table.totals_row,
        definition=table.definition,
        source=table.source,
        notes=list(table.notes),
    )


@router.get(
    "/statistics",
    response={200: StatIndexOut, **ERROR_RESPONSES},
    summary="The statistics the caller may read, and the filters they may use",
)
@no_personal_data
def statistics_index(request: HttpRequest) -> StatIndexOut:
    """The measure groups, and the periods, local authorities, force areas and agencies
    the caller's figures may be filtered by. Analysts count their partnership's areas;
    a manager their own agency's work."""
    scope = _scope(request)
    choices = selectors.filter_choices(scope, now=clock.now())
    return StatIndexOut(
        scope=_scope_out(scope),
        groups=[StatGroupOut(key=g.value, title=GROUP_TITLES[g]) for g in Group],
        default_period=_period(choices.default_period),
        period_kinds=[
            StatPeriodKindOut(
                kind=str(kind), label=label, periods=[_period(p) for p in choices.periods[kind]]
            )
            for kind, label in choices.kinds
        ],
        local_authorities=[
            StatAreaOut(code=a.code, name=a.name) for a in choices.local_authorities
        ],
        forces=[StatAreaOut(code=f.code, name=f.name) for f in choices.forces],
        agencies=[StatAgencyOut(slug=a.slug, name=a.name) for a in choices.agencies],
    )


def _filters_out(filters: Filters) -> StatFiltersOut:
    def code(area_id: int | None) -> str | None:
        if area_id is None:
            return None
        return Area.objects.filter(pk=area_id).values_list("code", flat=True).first()

    agency = (
        Agency.objects.filter(pk=filters.agency_id).values_list("slug", flat=True).first()
        if filters.agency_id is not None
        else None
    )
    return StatFiltersOut(
        period=_period(filters.period),
        area=code(filters.local_authority_id),
        force=code(filters.force_id),
        agency=agency,
    )


@router.get(
    "/statistics/{group}",
    response={200: StatGroupTablesOut, **ERROR_RESPONSES},
    summary="One group's statistics tables",
)
@no_personal_data
def statistics_group(
    request: HttpRequest,
    group: str = Path(..., max_length=40),
    period: str | None = Query(
        None, max_length=12, description='"FY2025-26", "2025-Q2", "2025-04" or "2025".'
    ),
    area: str | None = Query(None, max_length=16, description="A local authority's GSS code."),
    force: str | None = Query(None, max_length=16, description="A police force area's code."),
    agency: str | None = Query(None, max_length=80, description="An agency's slug."),
) -> StatGroupTablesOut:
    """Every table of the group for the filters (default: the current financial year,
    every area and agency in the caller's scope), with disclosure control: counts from 1
    to 5 (the deployment's rules) and any cell that would give them away are hidden, and
    a rate or percentage is not shown where its count is not."""
    scope = _scope(request)
    try:
        chosen = Group(group)
    except ValueError:
        raise NotFound("Not found") from None
    now = clock.now()
    params = {
        k: v
        for k, v in {"period": period, "area": area, "force": force, "agency": agency}.items()
        if v is not None
    }
    filters = selectors.parse_filters(params, scope, now=now)
    return StatGroupTablesOut(
        group=chosen.value,
        title=GROUP_TITLES[chosen],
        scope=_scope_out(scope),
        filters=_filters_out(filters),
        disclosure=selectors.rules().name,
        tables=[table_out(t) for t in selectors.tables(chosen, filters, scope, now=now)],
    )


__all__ = ["cell_out", "router", "table_out"]
