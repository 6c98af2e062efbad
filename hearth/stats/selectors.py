"""The statistics' read layer (issue 15 §1, §3, §4): who may count what (``scope_for``),
the filters offered and chosen (``filter_choices``, ``parse_filters``), and every table of
a measure group (``tables``), read from the maintained aggregates (``MonthlyFigure``, and
``DeadlineFact`` for work open now) with disclosure control applied. Pages, charts, CSV
files and the API are all made from what these return, so they show the same figures
with the same cells hidden.

Access (architecture §4): an analyst counts the local authorities of their agency (a
police force area among its areas means every local authority it covers), with
disclosure control; a manager counts only their own agency's work, exactly; anyone else
has no scope (the pages and API answer 404). Nothing here reads a case record: the
aggregates hold integer ids of areas and agencies, and counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber

from hearth.accounts.models import Agency, Area
from hearth.core.actor import Actor, AgencyKind, Role
from hearth.core.calendar import local_date
from hearth.core.errors import ValidationFailed
from hearth.stats import disclosure
from hearth.stats.disclosure import (
    Cell,
    CountTable,
    DisclosureRules,
    Keyed,
    count_cell,
    protect,
    rate_cell,
)
from hearth.stats.figures import LATE, ON_TIME, Measure, percentile_of_buckets, split_category
from hearth.stats.models import DeadlineFact, KnownFact, MonthlyFigure, PublishedReferrals
from hearth.stats.periods import (
    GRANULARITY_LABELS,
    Granularity,
    Period,
    period_containing_day,
    period_from_key,
    periods_between,
)
from hearth.stats.population import Population, children_population
from hearth.stats.tables import ChartKind, Filters, Group, Scope, StatTable, Unit

POLICE_SOURCE = "6"
ENGLAND = "E92000001"
TOTAL = "Total"
DEFAULT_MONTHS_BACK = 24

# CIN census referral source codes in words (domain.md §7.1; DfE's referral_source.yml).
SOURCE_WORDS: Mapping[str, str] = {
    "1A": "Family member, relative or carer",
    "1B": "Acquaintance",
    "1C": "Self",
    "1D": "Other individual",
    "2A": "Schools",
    "2B": "Education services",
    "3A": "GP",
    "3B": "Health visitor",
    "3C": "School nurse",
    "3D": "Other primary health services",
    "3E": "A&E",
    "3F": "Other health services",
    "4": "Housing",
    "5A": "Local authority social care",
    "5B": "Other internal local authority services",
    "5C": "Another local authority",
    "5D": "Local authority early help",
    "6": "Police",
    "7": "Other legal agency",
    "8": "Other",
    "9": "Anonymous",
    "10": "Unknown",
}

CIN_SOURCE = "DfE Children in Need census: referral source codes (domain.md §7.1)"


def rules() -> DisclosureRules:
    """The deployment's disclosure control: ``settings.HEARTH_STATS_DISCLOSURE`` names a
    preset of ``disclosure.PRESETS`` ("dfe", the default, or "ons")."""
    name = getattr(settings, "HEARTH_STATS_DISCLOSURE", "dfe")
    return disclosure.PRESETS[str(name).lower()]


def source_label(code: str) -> str:
    """A referral source in words with its CIN code ("Schools (2A)"); the police plainly."""
    if code == POLICE_SOURCE:
        return "Police"
    words = SOURCE_WORDS.get(code)
    return f"{words} ({code})" if words else f"Source {code or 'not recorded'}"


def duration_words(minutes: int | None) -> str:
    """A time taken in plain words, "about" since it is read from buckets: "about 45
    minutes", "about 3 hours 10 minutes", "about 2 days 4 hours"."""
    if minutes is None:
        return ""
    days, rest = divmod(int(minutes), 24 * 60)
    hours, mins = divmod(rest, 60)

    def unit(n: int, word: str) -> str:
        return f"{n} {word}" if n == 1 else f"{n} {word}s"

    if days:
        parts = [unit(days, "day")] + ([unit(hours, "hour")] if hours else [])
    elif hours:
        parts = [unit(hours, "hour")] + ([unit(mins, "minute")] if mins else [])
    else:
        parts = [unit(mins, "minute")]
    return "about " + " ".join(parts)


# --- Scope ------------------------------------------------------------------------------


def _local_authorities_of(area_ids: Iterable[int]) -> frozenset[int]:
    """The local authorities among ``area_ids``, with every local authority covered by a
    police force area among them."""
    ids = list(area_ids)
    return frozenset(
        Area.objects.filter(kind=Area.Kind.LOCAL_AUTHORITY)
        .filter(Q(pk__in=ids) | Q(police_force_area_id__in=ids))
        .values_list("pk", flat=True)
    )


def scope_for(actor: Actor) -> Scope | None:
    """What ``actor`` may count: an analyst their agency's areas (disclosure control); a
    manager their own agency's work (exact); anyone else nothing (None: a 404)."""
    agency = Agency.objects.filter(pk=actor.agency_id).first()
    if agency is None:
        return None
    areas = _local_authorities_of(agency.areas.values_list("pk", flat=True))
    if actor.has_role(Role.ANALYST):
        return Scope(local_authority_ids=areas, agency_id=None, exact=False, label=agency.name)
    if actor.managed_team_ids:
        return Scope(local_authority_ids=areas, agency_id=agency.pk, exact=True, label=agency.name)
    return None


# --- Filters ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaChoice:
    id: int
    name: str
    code: str


@dataclass(frozen=True)
class AgencyChoice:
    id: int
    name: str
    slug: str


@dataclass(frozen=True)
class FilterChoices:
    """What the filters offer a viewer: each kind of period and its periods (newest
    first), the local authorities in scope, the force areas covering them, and the
    agencies whose work is counted. ``default_period`` is the current financial year."""

    kinds: tuple[tuple[Granularity, str], ...]
    periods: Mapping[Granularity, tuple[Period, ...]]
    default_period: Period
    local_authorities: tuple[AreaChoice, ...]
    forces: tuple[AreaChoice, ...]
    agencies: tuple[AgencyChoice, ...]


def _today(now: dt.datetime) -> dt.date:
    return local_date(now)


def _scoped(qs: QuerySet, scope: Scope) -> QuerySet:
    """Rows a scope may count: a manager's agency's work; an analyst's areas."""
    if scope.agency_id is not None:
        return qs.filter(agency_id=scope.agency_id)
    return qs.filter(_area_q(scope.local_authority_ids))


def _area_q(la_ids: Iterable[int]) -> Q:
    """Rows in the local authorities ``la_ids``, or with no local authority but a force
    area all of whose local authorities are among them."""
    ids = frozenset(la_ids)
    whole_forces = [
        force_id
        for force_id, las in _force_las().items()
        if las and las <= ids  # every local authority the force covers
    ]
    return Q(local_authority_id__in=ids) | Q(
        local_authority_id__isnull=True, force_id__in=whole_forces
    )


def _force_las() -> dict[int, frozenset[int]]:
    """Each force area's local authorities: read once per ``tables`` call (every figure
    read narrows by it)."""
    result: dict[int, frozenset[int]] = _once(("force_las",), _read_force_las)
    return result


def _read_force_las() -> dict[int, frozenset[int]]:
    found: dict[int, set[int]] = {}
    for la_id, force_id in Area.objects.filter(
        kind=Area.Kind.LOCAL_AUTHORITY, police_force_area__isnull=False
    ).values_list("pk", "police_force_area_id"):
        found.setdefault(force_id, set()).add(la_id)
    return {k: frozenset(v) for k, v in found.items()}


# The kinds of agency whose work the statistics count (analytics and the service
# operator do none): the agencies the agency filter offers.
COUNTED_KINDS = (
    AgencyKind.CHILDRENS_SERVICES,
    AgencyKind.SCHOOL,
    AgencyKind.POLICE_FORCE,
    AgencyKind.MARAC,
    AgencyKind.IDVA_SERVICE,
    AgencyKind.SPECIALIST_CHILDRENS_SERVICE,
    AgencyKind.HEALTH,
)


def _agencies_offered(scope: Scope) -> QuerySet:
    """The agencies a viewer may filter by: a manager their own; an analyst each agency of
    a counted kind with an area in the scope (a local authority of it, or a police force
    area covering one), by name. Read from the agencies, not the figures, so offering them
    scans nothing however many figures there are."""
    if scope.agency_id is not None:
        return Agency.objects.filter(pk=scope.agency_id)
    las = scope.local_authority_ids
    forces = Area.objects.filter(pk__in=las, police_force_area__isnull=False).values(
        "police_force_area_id"
    )
    in_scope = Agency.areas.through.objects.filter(
        Q(area_id__in=las) | Q(area_id__in=forces)
    ).values("agency_id")
    return Agency.objects.filter(kind__in=COUNTED_KINDS, pk__in=in_scope).order_by("name", "pk")


def _first_month() -> dt.date | None:
    """The earliest month with any figure, whoever's: per measure, each one seek of the
    (measure, month) index (a scoped look-up would scan every figure of the scope). It
    only says where the periods offered start, so it need not be the viewer's own."""
    firsts = [
        MonthlyFigure.objects.filter(measure=m)
        .order_by("month")
        .values_list("month", flat=True)[:1]
        for m in Measure
    ]
    found = [month for qs in firsts for month in qs]
    return min(found, default=None)


def filter_choices(scope: Scope, *, now: dt.datetime) -> FilterChoices:
    """The filters offered within ``scope``: periods from the earliest month with figures
    (or 24 months back) to the one holding today, newest first."""
    today = _today(now)
    earliest = _first_month() or period_containing_day(today, Granularity.MONTH).first.replace(
        year=today.year - DEFAULT_MONTHS_BACK // 12
    )
    kinds = (
        Granularity.MONTH,
        Granularity.QUARTER,
        Granularity.YEAR,
        Granularity.FINANCIAL_YEAR,
    )
    periods = {g: tuple(reversed(periods_between(earliest, today, g))) for g in kinds}
    las = Area.objects.filter(pk__in=scope.local_authority_ids).order_by("name")
    forces = (
        Area.objects.filter(kind=Area.Kind.POLICE_FORCE_AREA, local_authorities__in=las)
        .distinct()
        .order_by("name")
    )
    agencies = _agencies_offered(scope)
    return FilterChoices(
        kinds=tuple((g, GRANULARITY_LABELS[g]) for g in kinds),
        periods=periods,
        default_period=period_containing_day(today, Granularity.FINANCIAL_YEAR),
        local_authorities=tuple(AreaChoice(a.pk, a.name, a.code) for a in las),
        forces=tuple(AreaChoice(f.pk, f.name, f.code) for f in forces),
        agencies=tuple(AgencyChoice(a.pk, a.name, a.slug) for a in agencies),
    )


def parse_filters(params: Mapping[str, str], scope: Scope, *, now: dt.datetime) -> Filters:
    """The filters chosen in ``params`` (``period``, ``area``, ``force``, ``agency``),
    checked against ``scope``: a malformed value, or one outside the scope, is a
    ``ValidationFailed`` naming the field. A filter only ever narrows the scope."""
    errors: dict[str, list[str]] = {}
    today = _today(now)

    def value(name: str) -> str:
        return (params.get(name) or "").strip()

    period = period_containing_day(today, Granularity.FINANCIAL_YEAR)
    if value("period"):
        try:
            period = period_from_key(value("period"))
        except ValueError:
            errors["period"] = [
                "Choose a period from the list (for example FY2025-26, 2025-Q2, 2025-04 or 2025)"
            ]
        else:
            if period.first > today:
                errors["period"] = ["Choose a period that has started"]

    area_id: int | None = None
    if value("area"):
        area = Area.objects.filter(
            code=value("area").upper(),
            kind=Area.Kind.LOCAL_AUTHORITY,
            pk__in=scope.local_authority_ids,
        ).first()
        if area is None:
            errors["area"] = ["Choose a local authority from the list"]
        else:
            area_id = area.pk

    force_id: int | None = None
    if value("force"):
        force = Area.objects.filter(
            code=value("force").upper(),
            kind=Area.Kind.POLICE_FORCE_AREA,
            local_authorities__in=scope.local_authority_ids,
        ).first()
        if force is None:
            errors["force"] = ["Choose a police force area from the list"]
        else:
            force_id = force.pk
            if (
                area_id is not None
                and not Area.objects.filter(pk=area_id, police_force_area_id=force_id).exists()
            ):
                errors["area"] = ["Choose a local authority in the police force area you chose"]

    agency_id = scope.agency_id
    if value("agency"):
        agency = Agency.objects.filter(slug=value("agency").lower()).first()
        if (
            agency is None
            or (scope.agency_id is not None and agency.pk != scope.agency_id)
            or not _agencies_offered(scope).filter(pk=agency.pk).exists()
        ):
            errors["agency"] = ["Choose an agency from the list"]
        else:
            agency_id = agency.pk

    if errors:
        raise ValidationFailed.from_fields(errors)
    return Filters(
        period=period, local_authority_id=area_id, force_id=force_id, agency_id=agency_id
    )


# --- Reading the aggregates -------------------------------------------------------------


def _filter_las(filters: Filters, scope: Scope) -> frozenset[int]:
    """The local authorities the filters count: the scope's, narrowed to one local
    authority or to a force area's."""
    las = scope.local_authority_ids
    if filters.local_authority_id is not None:
        las = las & {filters.local_authority_id}
    if filters.force_id is not None:
        las = las & _force_las().get(filters.force_id, frozenset())
    return frozenset(las)


def _narrowed(qs: QuerySet, filters: Filters, scope: Scope) -> QuerySet:
    qs = _scoped(qs, scope)
    if filters.local_authority_id is not None or filters.force_id is not None:
        qs = qs.filter(_area_q(_filter_las(filters, scope)))
    if filters.agency_id is not None:
        qs = qs.filter(agency_id=filters.agency_id)
    return qs


def _every_area(filters: Filters, scope: Scope) -> bool:
    """Nothing narrows the figures and the scope covers every local authority of the
    deployment: the figures summed over every area are the scope's."""
    if scope.agency_id is not None or filters.agency_id is not None:
        return False
    if filters.local_authority_id is not None or filters.force_id is not None:
        return False
    every = _once(
        ("every_la",),
        lambda: frozenset(
            Area.objects.filter(kind=Area.Kind.LOCAL_AUTHORITY).values_list("pk", flat=True)
        ),
    )
    return bool(every) and every <= scope.local_authority_ids


def _all_areas(measure: Measure, period: Period) -> QuerySet:
    return MonthlyFigure.objects.filter(
        measure=measure,
        month__gte=period.first,
        month__lt=period.after,
        local_authority_id__isnull=True,
        force_id__isnull=True,
        agency_id__isnull=True,
    )


def _figures(measure: Measure, filters: Filters, scope: Scope) -> QuerySet:
    period = filters.period
    return _narrowed(
        MonthlyFigure.objects.filter(
            measure=measure, month__gte=period.first, month__lt=period.after
        ),
        filters,
        scope,
    )


# What one ``tables`` call has read, kept across its passes (a group is built again when
# linking hides more, and reads the same figures each time).
_READ: ContextVar[dict[Hashable, Any] | None] = ContextVar("stats_read", default=None)


def _once(key: Hashable, read: Callable[[], Any]) -> Any:
    cache = _READ.get()
    if cache is None:
        return read()
    if key not in cache:
        cache[key] = read()
    return cache[key]


def _sum_by(qs: QuerySet, *fields: str) -> dict[tuple, int]:
    """``value`` summed by ``fields`` (a tuple key, in the fields' order)."""
    result: dict[tuple, int] = _once(("sum", str(qs.query), fields), lambda: _sum(qs, fields))
    return result


def _sum(qs: QuerySet, fields: tuple[str, ...]) -> dict[tuple, int]:
    """Each sum carries its cell key (DISCLOSURE-2: ``disclosure.Keyed``)."""
    out: dict[tuple, int] = {}
    for row in qs.values(*fields).annotate(total=Sum("value"), ckey=Sum("ckey")).order_by():
        k = tuple(row[f] for f in fields)
        out[k] = out.get(k, 0) + Keyed(int(row["total"] or 0), int(row["ckey"] or 0))
    return out


def _by_category(measure: Measure, filters: Filters, scope: Scope) -> dict[str, int]:
    return {k[0]: v for k, v in _sum_by(_figures(measure, filters, scope), "category").items()}


def _months(period: Period) -> list[Period]:
    return periods_between(period.first, period.last, Granularity.MONTH)


# --- Building tables --------------------------------------------------------------------


@dataclass
class _Ctx:
    filters: Filters
    scope: Scope
    now: dt.datetime
    rules: DisclosureRules
    # Tables shown together are protected together (``disclosure.protect_linked``'s rule,
    # across one group's tables): a figure hidden in any table is hidden in every table
    # that shows it. ``hidden_keys`` are the figures to hide (from the pass before);
    # ``hidden_now`` collects every figure this pass hid.
    hidden_keys: frozenset[Hashable] = frozenset()
    hidden_now: set[Hashable] = field(default_factory=set)

    @property
    def exact(self) -> bool:
        return self.scope.exact

    @property
    def period(self) -> Period:
        return self.filters.period


def _count_table(
    ctx: _Ctx,
    *,
    key: str,
    title: str,
    description: str,
    row_heading: str,
    rows: Sequence[str],
    columns: Sequence[str],
    counts: Sequence[Sequence[int]],
    definition: str,
    source: str,
    chart: ChartKind = ChartKind.BAR,
    total_column: str = TOTAL,
    notes: Sequence[str] = (),
    atoms: Sequence[Sequence[Atoms]] | None = None,
    total_keys: Mapping[tuple[int, int], Hashable] | None = None,
) -> tuple[StatTable, disclosure.ProtectedTable]:
    """A table of counts with its totals, protected (secondary suppression), as a
    ``StatTable``. With one column the total column is left out (it repeats the column);
    with one row the totals row likewise.

    ``atoms[i][j]`` says what cell (i, j) counts (the finest figures it adds up, each
    with its sign), so that the same count in another table of the group is recognised
    and hidden there too; a total counts what its line adds up, unless ``total_keys``
    names it (a position in the grid with its totals)."""
    keys = _grid_keys(counts, atoms, total_keys)
    hide = [p for p, k in keys.items() if k in ctx.hidden_keys]
    protected = protect(
        CountTable(rows=list(rows), columns=list(columns), counts=[list(c) for c in counts]),
        ctx.rules,
        managers_exact=ctx.exact,
        hide=hide,
    )
    for (i, j), k in keys.items():
        if not protected.cells[i][j].shown:
            ctx.hidden_now.add(k)
    one_column = len(columns) == 1
    one_row = len(rows) == 1
    grid = [line[:-1] if one_column else line for line in protected.cells]
    if one_row:
        grid = grid[:-1]
    out_columns = tuple(columns) if one_column else (*columns, total_column)
    out_rows = tuple(rows) if one_row else (*rows, TOTAL)
    table = StatTable(
        key=key,
        title=title,
        description=description,
        row_heading=row_heading,
        rows=out_rows,
        columns=out_columns,
        units=tuple(Unit.COUNT for _ in out_columns),
        cells=tuple(tuple(line) for line in grid),
        definition=definition,
        source=source,
        chart=chart,
        chart_columns=tuple(range(len(columns))),
        totals_row=not one_row,
        notes=tuple(notes),
    )
    return table, protected


# What a figure counts: the finest figures it adds up (hashable atoms), each with its
# sign (+1, or −1 for "referrals that were not re-referrals").
Atoms = Mapping[Hashable, int]


def _key_of(atoms: Atoms) -> Hashable | None:
    items = frozenset((a, n) for a, n in atoms.items() if n)
    return items or None


def _add(*parts: Atoms) -> dict[Hashable, int]:
    out: dict[Hashable, int] = {}
    for part in parts:
        for a, n in part.items():
            out[a] = out.get(a, 0) + n
    return out


def _grid_keys(
    counts: Sequence[Sequence[int]],
    atoms: Sequence[Sequence[Atoms]] | None,
    total_keys: Mapping[tuple[int, int], Hashable] | None,
) -> dict[tuple[int, int], Hashable]:
    """Each position of the grid with its totals and what it counts (none for a table
    that does not say)."""
    keys: dict[tuple[int, int], Hashable] = {}
    if atoms is not None and counts:
        rows, cols = len(counts), len(counts[0])
        for i in range(rows):
            for j in range(cols):
                keys[(i, j)] = _key_of(atoms[i][j])
            keys[(i, cols)] = _key_of(_add(*atoms[i]))
        for j in range(cols):
            keys[(rows, j)] = _key_of(_add(*(atoms[i][j] for i in range(rows))))
        keys[(rows, cols)] = _key_of(_add(*(a for line in atoms for a in line)))
    for p, k in (total_keys or {}).items():
        keys[p] = k
    return {p: k for p, k in keys.items() if k is not None}


def _share(ctx: _Ctx, count_cell: Cell, part: int, whole: int) -> Cell:
    """A percentage of ``whole``, not shown where its count is not."""
    return rate_cell(count_cell, part, whole, per=100, rules=ctx.rules)


def _with_columns(
    table: StatTable, columns: Sequence[tuple[str, Unit, Sequence[Cell]]]
) -> StatTable:
    """``table`` with more columns on the right (one cell per row)."""
    cells = tuple((*line, *(col[2][i] for col in columns)) for i, line in enumerate(table.cells))
    return StatTable(
        key=table.key,
        title=table.title,
        description=table.description,
        row_heading=table.row_heading,
        rows=table.rows,
        columns=(*table.columns, *(c[0] for c in columns)),
        units=(*table.units, *(c[1] for c in columns)),
        cells=cells,
        definition=table.definition,
        source=table.source,
        chart=table.chart,
        chart_columns=table.chart_columns,
        totals_row=table.totals_row,
        notes=table.notes,
    )


def _replace(table: StatTable, **changes: object) -> StatTable:
    from dataclasses import replace

    return replace(table, **changes)  # type: ignore[arg-type]


def _shown(value: int | Decimal) -> Cell:
    return Cell(value=value, shown=True)


def _not_applicable() -> Cell:
    return Cell(
        value=None,
        shown=False,
        reason=disclosure.NOT_APPLICABLE,
        symbol=disclosure.NOT_APPLICABLE_SYMBOL,
    )


def _areas(ids: Iterable[int]) -> list[Area]:
    return list(
        Area.objects.filter(pk__in=list(ids)).select_related("police_force_area").order_by("name")
    )


# --- Referrals --------------------------------------------------------------------------


Base = list[tuple[Hashable, dt.date, int | None, int | None, str, int]]
Tally = Mapping[Hashable, tuple[int, dict[Hashable, int]]]


def _base(measure: Measure, ctx: _Ctx) -> Base:
    """The finest figures of ``measure`` for the filters: (atom, month, local authority,
    agency, category, value), the atom naming the figure for linking tables."""
    rows = (
        _figures(measure, ctx.filters, ctx.scope)
        .values("month", "local_authority_id", "agency_id", "category")
        .annotate(total=Sum("value"), ckey=Sum("ckey"))
        .order_by()
    )
    result: Base = _once(("base", str(rows.query)), lambda: _base_rows(measure, rows))
    return result


def _base_rows(measure: Measure, rows: QuerySet) -> Base:
    out: Base = []
    for r in rows:
        parts = (r["month"], r["local_authority_id"], r["agency_id"], r["category"])
        value = Keyed(int(r["total"] or 0), int(r["ckey"] or 0))
        out.append(((str(measure), *parts), *parts, value))
    return out


def _tally(
    base: Base, key: Callable[[dt.date, int | None, int | None, str], Hashable | None]
) -> dict[Hashable, tuple[int, dict[Hashable, int]]]:
    """``base`` summed by ``key(month, local authority, agency, category)`` (None: left
    out), each sum with the atoms it adds up."""
    out: dict[Hashable, tuple[int, dict[Hashable, int]]] = {}
    for atom, month, la_id, agency_id, category, value in base:
        k = key(month, la_id, agency_id, category)
        if k is None or not value:
            continue
        n, atoms = out.get(k, (0, {}))
        atoms[atom] = 1
        out[k] = (n + value, atoms)
    return out


def _count_of(tally: Tally, k: Hashable) -> int:
    return tally[k][0] if k in tally else 0


def _atoms_of(tally: Tally, k: Hashable) -> Atoms:
    return tally[k][1] if k in tally else {}


def _referrals(ctx: _Ctx) -> list[StatTable]:
    f, s, period = ctx.filters, ctx.scope, ctx.period
    base = _base(Measure.REFERRALS, ctx)
    by_month_source = _tally(base, lambda m, la, ag, cat: (m, cat))
    sources = sorted(
        {str(k[1]) for k in by_month_source if isinstance(k, tuple)} | {POLICE_SOURCE},
        key=lambda c: (c != POLICE_SOURCE, c),
    )
    months = _months(period)
    by_month, _ = _count_table(
        ctx,
        key="by-month-and-source",
        title=f"Referrals by month and source, {period.label}",
        description=(
            "Child concern notifications received by children's services front doors in each "
            "month, by who made the referral."
        ),
        row_heading="Month",
        rows=[m.label for m in months],
        columns=[source_label(c) for c in sources],
        counts=[[_count_of(by_month_source, (m.first, c)) for c in sources] for m in months],
        atoms=[[_atoms_of(by_month_source, (m.first, c)) for c in sources] for m in months],
        definition=(
            "A referral is a child concern notification: one child, one incident, one front "
            "door, counted in the month it was received (London time). The source is the "
            "census code of who referred: 6 is the police."
        ),
        source=CIN_SOURCE,
        chart=ChartKind.STACKED,
        total_column="All referrals",
    )

    by_door = _tally(base, lambda m, la, ag, cat: (ag, cat == POLICE_SOURCE))
    door_ids = sorted({int(k[0]) for k in by_door if isinstance(k, tuple) and k[0] is not None})
    names = dict(Agency.objects.filter(pk__in=door_ids).values_list("pk", "name"))
    doors = sorted(door_ids, key=lambda a: names.get(a, ""))
    front_doors, _ = _count_table(
        ctx,
        key="by-front-door",
        title=f"Referrals by front door, {period.label}",
        description="Referrals received by each children's services front door, from the "
        "police and from others.",
        row_heading="Front door",
        rows=[names.get(a, "Unknown front door") for a in doors] or ["No referrals"],
        columns=["From the police", "From others"],
        counts=[[_count_of(by_door, (a, True)), _count_of(by_door, (a, False))] for a in doors]
        or [[0, 0]],
        atoms=[[_atoms_of(by_door, (a, True)), _atoms_of(by_door, (a, False))] for a in doors]
        or [[{}, {}]],
        definition="Referrals received, by the front door (the local authority children's "
        "services team) that received them.",
        source=CIN_SOURCE,
        chart=ChartKind.STACKED,
        total_column="All referrals",
    )

    las = _areas(_filter_las(f, s))
    police = _tally(base, lambda m, la, ag, cat: la if cat == POLICE_SOURCE else None)
    force_names = {
        a.pk: a.police_force_area.name if a.police_force_area else "No police force area"
        for a in las
    }
    police_rows = sorted(las, key=lambda a: (force_names[a.pk], a.name))
    by_force, _ = _count_table(
        ctx,
        key="police-by-force-and-area",
        title=f"Referrals from the police by force and local authority, {period.label}",
        description="Referrals from the police, by the police force area and the local "
        "authority the child lives in.",
        row_heading="Police force area and local authority",
        rows=[f"{force_names[a.pk]}: {a.name}" for a in police_rows] or ["No local authorities"],
        columns=["Referrals from the police"],
        counts=[[_count_of(police, a.pk)] for a in police_rows] or [[0]],
        atoms=[[_atoms_of(police, a.pk)] for a in police_rows] or [[{}]],
        definition="Referrals whose source is the police (census code 6), by the force area "
        "and local authority of the referral.",
        source=CIN_SOURCE,
    )
    by_la = _tally(base, lambda m, la, ag, cat: la)
    return [
        by_month,
        front_doors,
        by_force,
        _referral_rates(ctx, las, by_la),
        _re_referrals(ctx, las, by_la),
        _children_per_incident(ctx),
        _victims_in_own_right(ctx),
        *_national_picture(ctx, las),
    ]


def _referral_rates(ctx: _Ctx, las: list[Area], by_la: Tally) -> StatTable:
    return _rate_table(
        ctx,
        las,
        by_la,
        population=children_population,
        people="Children aged 0 to 17",
        count_column="Referrals",
        key="rate-per-10000-children",
        title=f"Referrals per 10,000 children, {ctx.period.label}",
        description="Referrals per 10,000 children aged 0 to 17 living in each local authority.",
        definition=(
            "Referrals received in the period per 10,000 children aged 0 to 17, on ONS's "
            "mid-year estimate for the financial year the period ends in (for a financial "
            "year to 31 March N, mid-(N−1), as DfE does)."
        ),
        source="DfE Children in Need statistics (referral rate); ONS mid-year population estimates",
    )


def _re_referrals(ctx: _Ctx, las: list[Area], by_la: Tally) -> StatTable:
    period = ctx.period
    re = _tally(_base(Measure.RE_REFERRALS, ctx), lambda m, la, ag, cat: la)
    counts: list[list[int]] = []
    atoms: list[list[Atoms]] = []
    for a in las:
        whole = _count_of(by_la, a.pk)
        part = min(_count_of(re, a.pk), whole)
        counts.append([part, whole - part])
        re_atoms = _atoms_of(re, a.pk)
        others = _add(_atoms_of(by_la, a.pk), {k: -n for k, n in re_atoms.items()})
        atoms.append([re_atoms, others])
    table, _ = _count_table(
        ctx,
        key="re-referrals",
        title=f"Re-referrals within 12 months, {period.label}",
        description="Referrals that were re-referrals: the same child referred to the same "
        "front door within 12 months of their previous referral.",
        row_heading="Local authority",
        rows=[a.name for a in las] or ["No local authorities"],
        columns=["Re-referrals within 12 months", "Other referrals"],
        counts=counts or [[0, 0]],
        atoms=atoms or [[{}, {}]],
        definition=(
            "A referral is a re-referral when the same child's previous referral to the same "
            "front door was no more than 12 months before (1 March 2024 then 1 March 2025 is; "
            "2 March 2025 is not). The share is of all referrals."
        ),
        source="DfE Children in Need statistics, table C1 (re-referrals within 12 months)",
        total_column="All referrals",
    )
    if not counts:
        counts = [[0, 0]]
    shares = []
    for i, line in enumerate(table.cells):
        nums = (
            counts[i] if i < len(counts) else [sum(c[0] for c in counts), sum(c[1] for c in counts)]
        )
        shares.append(_share(ctx, line[0], nums[0], nums[0] + nums[1]))
    return _replace(
        _with_columns(table, [("Re-referrals (%)", Unit.PERCENT, shares)]), chart_columns=(3,)
    )


def _children_per_incident(ctx: _Ctx) -> StatTable:
    cats = ("0", "1", "2", "3", "4", "5+")
    by = _by_category(Measure.INCIDENTS, ctx.filters, ctx.scope)
    table, _ = _count_table(
        ctx,
        key="children-per-incident",
        title=f"Incidents by number of children, {ctx.period.label}",
        description="Domestic abuse incidents that happened in the period, by how many "
        "children were at them.",
        row_heading="Children at the incident",
        rows=[("5 or more" if c == "5+" else c) for c in cats],
        columns=["Incidents"],
        counts=[[by.get(c, 0)] for c in cats],
        definition="Incidents that happened in the period (London time), by the number of "
        "children recorded at each. A child at two incidents counts at each.",
        source="Issue 15 §1; Domestic Abuse Act 2021",
    )
    return table


def _victims_in_own_right(ctx: _Ctx) -> StatTable:
    by = _by_category(Measure.CHILDREN, ctx.filters, ctx.scope)
    whole = by.get("", 0)
    s3 = min(by.get("s3", 0), whole)
    table, _ = _count_table(
        ctx,
        key="victims-in-their-own-right",
        title=f"Children recorded as victims in their own right, {ctx.period.label}",
        description="Children at incidents in the period, and how many were recorded as "
        "victims of domestic abuse in their own right.",
        row_heading="Children at incidents",
        rows=["Children at incidents"],
        columns=["Victims in their own right", "Others"],
        counts=[[s3, whole - s3]],
        definition="Each child at each incident in the period, and those recorded as victims "
        "in their own right: a child who sees, hears or experiences the effects of domestic "
        "abuse and is related to either person (Domestic Abuse Act 2021, section 3).",
        source="Domestic Abuse Act 2021, section 3",
        total_column="All children",
    )
    share = _share(ctx, table.cells[0][0], s3, whole)
    return _replace(
        _with_columns(table, [("Victims in their own right (%)", Unit.PERCENT, [share])]),
        chart=ChartKind.NONE,
    )


def _dfe_cell(value: Decimal | None, symbol: str) -> Cell:
    if value is None:
        return Cell(value=None, shown=False, reason="not published", symbol=symbol or "x")
    return Cell(value=value, shown=True)


def _national_picture(ctx: _Ctx, las: list[Area]) -> list[StatTable]:
    """DfE's published referrals rate and re-referral share for England, the region and
    each local authority, beside a financial year (the latest published when the chosen
    year is not published yet)."""
    year = ctx.period.census_year
    if year is None:
        return []
    published = PublishedReferrals.objects.filter(year__lte=year)
    shown_year = published.order_by("-year").values_list("year", flat=True).first()
    if shown_year is None:
        return []
    rows_qs = {r.code: r for r in PublishedReferrals.objects.filter(year=shown_year)}
    wanted: list[str] = [ENGLAND]
    regions = [rows_qs[a.code].region_code for a in las if a.code in rows_qs]
    wanted += sorted({r for r in regions if r})
    wanted += [a.code for a in las]
    rows: list[str] = []
    cells: list[tuple[Cell, ...]] = []
    for code in dict.fromkeys(wanted):
        r = rows_qs.get(code)
        if r is None:
            continue
        rows.append(r.name)
        cells.append(
            (
                _dfe_cell(r.rate_per_10k, "x"),
                _dfe_cell(r.rereferral_percent, r.rereferral_percent_symbol),
            )
        )
    if not rows:
        return []
    label = f"{shown_year - 1}-{shown_year % 100:02d}"
    notes = [f"DfE's published figures for {label} (year to 31 March {shown_year})."]
    if shown_year != year:
        notes.append(
            f"DfE has not published {year - 1}-{year % 100:02d} yet: these are the latest "
            "published figures."
        )
    return [
        StatTable(
            key="national-picture",
            title=f"The national picture: DfE's published referrals, {label}",
            description="DfE's published referrals per 10,000 children and share of "
            "re-referrals for England, the region and each local authority.",
            row_heading="Area",
            rows=tuple(rows),
            columns=("Referrals per 10,000 children (DfE)", "Re-referrals (%) (DfE)"),
            units=(Unit.RATE, Unit.PERCENT),
            cells=tuple(cells),
            definition="As published by DfE in Children in Need table C1; the rate is "
            "referrals per 10,000 children aged 0 to 17 at ONS's mid-year estimate before the "
            "year's end, computed as DfE computes it.",
            source="DfE Children in Need statistics, table C1",
            chart=ChartKind.BAR,
            chart_columns=(0,),
            notes=tuple(notes),
        )
    ]


# --- Rates per 10,000 ------------------------------------------------------------------


def _rate_table(
    ctx: _Ctx,
    las: list[Area],
    by_la: Tally,
    *,
    population: Callable[..., Population | None],
    people: str,
    count_column: str,
    key: str,
    title: str,
    description: str,
    definition: str,
    source: str,
) -> StatTable:
    """Counts per local authority (and their total) with the population of ``people``
    (children aged 0 to 17, or women aged 16 and over) and the rate per 10,000; no rate
    where the count is hidden or there is no population ("z")."""
    period = ctx.period
    counts = [[_count_of(by_la, a.pk)] for a in las] or [[0]]
    table, _ = _count_table(
        ctx,
        key=key,
        title=title,
        description=description,
        row_heading="Local authority",
        rows=[a.name for a in las] or ["No local authorities"],
        columns=[count_column],
        counts=counts,
        atoms=[[_atoms_of(by_la, a.pk)] for a in las] or [[{}]],
        definition=definition,
        source=source,
    )

    def people_in(codes: list[str]) -> Population | None:
        found: Population | None = _once(
            ("population", population.__name__, tuple(codes), period.last),
            lambda: population(codes=codes, last_day=period.last),
        )
        return found

    populations = [people_in([a.code]) for a in las]
    if len(las) > 1:
        populations.append(people_in([a.code for a in las]))
    if not las:
        populations = [None]
    line_counts = [c[0] for c in counts]
    if len(las) > 1:
        line_counts.append(sum(line_counts))
    pop_cells: list[Cell] = []
    rate_cells: list[Cell] = []
    for i, pop in enumerate(populations):
        if pop is None:
            pop_cells.append(_not_applicable())
            rate_cells.append(_not_applicable())
            continue
        pop_cells.append(_shown(pop.people))
        rate_cells.append(
            rate_cell(table.cells[i][0], line_counts[i], pop.people, per=10_000, rules=ctx.rules)
        )
    notes: list[str] = []
    years = sorted({p.mid_year for p in populations if p is not None})
    if years:
        latest = any(p is not None and p.is_latest_available for p in populations)
        notes.append(
            f"{people} at mid-"
            + ", mid-".join(str(y) for y in years)
            + (" (the latest estimate available)" if latest else "")
            + "."
        )
    if any(p is None for p in populations):
        notes.append("z: no population estimate for this area, so no rate.")
    table = _with_columns(
        table, [(people, Unit.COUNT, pop_cells), ("Rate per 10,000", Unit.RATE, rate_cells)]
    )
    return _replace(table, chart_columns=(2,), notes=tuple(notes))


# --- Timeliness -------------------------------------------------------------------------

# Operation Encompass and the follow-ups that come after a referral (issue 15 §1).
ENCOMPASS_ROUTE = "encompass_notification"
FOLLOW_UP_ROUTE = "child_follow_up"


def _route_stage_label(route: str, stage: str) -> str:
    from hearth.obligations.models import stage_label
    from hearth.obligations.registry import label

    try:
        route_words = label(route)
    except (KeyError, LookupError):
        route_words = route.replace("_", " ").capitalize()
    return f"{route_words}: {stage_label(stage)}"


@dataclass
class _Clock:
    on_time: int = 0
    late: int = 0
    pending: int = 0
    overdue_now: int = 0
    buckets: dict[int, int] | None = None


def _clocks(ctx: _Ctx) -> dict[tuple[str, str], _Clock]:
    """Each route and stage's deadlines: those started in the period met on time or late
    (from the monthly figures), still open and past due (late) or not yet due (pending),
    and open and past due now whenever they started (from the facts)."""
    result: dict[tuple[str, str], _Clock] = _once(("clocks",), lambda: _read_clocks(ctx))
    return result


def _read_clocks(ctx: _Ctx) -> dict[tuple[str, str], _Clock]:
    f, s, period, now = ctx.filters, ctx.scope, ctx.period, ctx.now
    clocks: dict[tuple[str, str], _Clock] = {}

    def clock(route: str, stage: str) -> _Clock:
        return clocks.setdefault((route, stage), _Clock(buckets={}))

    # Summed over agencies unless an agency is named (a manager's scope, the agency
    # filter): the split by agency has about one figure per deadline (every school is
    # an agency), too many to sum for a whole area.
    by_agency = f.agency_id is not None or s.agency_id is not None
    met_measure = Measure.DEADLINES_MET_BY_AGENCY if by_agency else Measure.DEADLINES_MET
    durations_measure = Measure.DURATIONS_BY_AGENCY if by_agency else Measure.DURATIONS
    met_figures, duration_figures = _figures(met_measure, f, s), _figures(durations_measure, f, s)
    if _every_area(f, s):
        # A national analyst's whole scope: the figures summed over every area already.
        met_figures = _all_areas(Measure.DEADLINES_MET_ALL_AREAS, period)
        duration_figures = _all_areas(Measure.DURATIONS_ALL_AREAS, period)
    for (category,), n in _sum_by(met_figures, "category").items():
        route, stage, result = split_category(category)
        if result == ON_TIME:
            clock(route, stage).on_time += n
        elif result == LATE:
            clock(route, stage).late += n
    for (category,), n in _sum_by(duration_figures, "category").items():
        route, stage, upper = split_category(category)
        buckets = clock(route, stage).buckets
        assert buckets is not None
        buckets[int(upper)] = buckets.get(int(upper), 0) + n
    open_now = _open_deadlines(f, s)
    in_period = open_now.filter(month__gte=period.first, month__lt=period.after)
    for row in (
        in_period.values("route", "stage")
        .annotate(
            # Counted by due_at (never null), not the id: read from the open work's
            # covering index alone.
            overdue=Count("due_at", filter=Q(due_at__lt=now)),
            pending=Count("due_at", filter=Q(due_at__gte=now)),
            k_overdue=Sum("record_key", filter=Q(due_at__lt=now)),
            k_pending=Sum("record_key", filter=Q(due_at__gte=now)),
        )
        .order_by()
    ):
        c = clock(row["route"], row["stage"])
        c.late += Keyed(row["overdue"], row["k_overdue"] or 0)
        c.pending += Keyed(row["pending"], row["k_pending"] or 0)
    for row in (
        open_now.filter(due_at__lt=now)
        .values("route", "stage")
        .annotate(n=Count("*"), k=Sum("record_key"))
        .order_by()
    ):
        clock(row["route"], row["stage"]).overdue_now += Keyed(row["n"], row["k"] or 0)
    return clocks


def _timeliness_table(
    ctx: _Ctx,
    clocks: Mapping[tuple[str, str], _Clock],
    keys: Sequence[tuple[str, str]],
    labels: Sequence[str],
    *,
    key: str,
    title: str,
    description: str,
    row_heading: str,
    definition: str,
    source: str,
) -> StatTable:
    lines = [clocks.get(k) or _Clock(buckets={}) for k in keys]
    if not keys:
        labels, lines = ["No deadlines"], [_Clock(buckets={})]
    counts = [[c.on_time, c.late, c.pending] for c in lines]
    # The same route and stage is in both of the group's tables: linked by what it counts.
    real = list(keys) if keys else [("", "")]
    atoms: list[list[Atoms]] = [
        [
            {("clock", *k, col): 1} if n else {}
            for col, n in zip(("on", "late", "pending"), line, strict=True)
        ]
        for k, line in zip(real, counts, strict=True)
    ]
    overdue_atoms: list[list[Atoms]] = [
        [{("overdue", *k): 1} if c.overdue_now else {}] for k, c in zip(real, lines, strict=True)
    ]
    table, _ = _count_table(
        ctx,
        key=key,
        title=title,
        description=description,
        row_heading=row_heading,
        rows=labels,
        columns=["On time", "Late", "Pending"],
        counts=counts,
        atoms=atoms,
        definition=definition,
        source=source,
        chart=ChartKind.STACKED,
        total_column="Started",
    )
    overdue, _ = _count_table(
        ctx,
        key=key,
        title=title,
        description=description,
        row_heading=row_heading,
        rows=labels,
        columns=["Overdue now"],
        counts=[[c.overdue_now] for c in lines],
        atoms=overdue_atoms,
        definition=definition,
        source=source,
    )
    totals = [sum(c[j] for c in counts) for j in range(3)]
    shares: list[Cell] = []
    medians: list[Cell] = []
    nineties: list[Cell] = []
    for i, line in enumerate(table.cells):
        on_time, late = (counts[i] if i < len(counts) else totals)[:2]
        # The share is made from both counts: not shown where either is hidden.
        made_from = line[0] if not line[0].shown or line[1].shown else line[1]
        shares.append(rate_cell(made_from, on_time, on_time + late, per=100, rules=ctx.rules))
        if i >= len(lines):  # the totals row: a time across routes means nothing
            medians.append(_not_applicable())
            nineties.append(_not_applicable())
            continue
        buckets = lines[i].buckets or {}
        met = sum(buckets.values())
        hidden = not ctx.exact and (ctx.rules.is_small(met) or not line[-1].shown)
        for out, p in ((medians, 50), (nineties, 90)):
            value = percentile_of_buckets(buckets, p)
            if value is None:
                out.append(_not_applicable())
            elif hidden:
                out.append(
                    Cell(
                        value=None,
                        shown=False,
                        reason=disclosure.COUNT_HIDDEN,
                        symbol=ctx.rules.symbol,
                    )
                )
            else:
                out.append(_shown(value))
    table = _with_columns(
        table,
        [
            ("On time (%)", Unit.PERCENT, shares),
            ("Overdue now", Unit.COUNT, [line[0] for line in overdue.cells]),
            ("Median time", Unit.DURATION, medians),
            ("90th percentile time", Unit.DURATION, nineties),
        ],
    )
    return _replace(
        table,
        chart=ChartKind.BAR,
        chart_columns=(4,),
        notes=(
            "Times are read from buckets (whole minutes up to an hour, then each about 5 % "
            "wider), so each is about right: never under the exact time, at most 5 % (or a "
            "minute) over.",
        ),
    )


TIMELINESS_DEFINITION = (
    "For each deadline started in the period: on time when done at or before it is due "
    "(done exactly at the deadline is on time); late when done after it, or not done "
    "with the deadline passed; pending when not done and not yet due (left out of the "
    "share on time). Overdue now: not done and past due, whenever it started. Median and "
    "90th percentile: the nearest-rank time from start to done."
)


def _timeliness(ctx: _Ctx) -> list[StatTable]:
    clocks = _clocks(ctx)
    keys = sorted(clocks, key=lambda k: _route_stage_label(*k))
    every = _timeliness_table(
        ctx,
        clocks,
        keys,
        [_route_stage_label(*k) for k in keys],
        key="by-route-and-stage",
        title=f"Deadlines met on time, by route and stage, {ctx.period.label}",
        description="For each kind of work and each of its deadlines: how many started in "
        "the period, how many were met on time, late or are pending, and how long they took.",
        row_heading="Route and stage",
        definition=TIMELINESS_DEFINITION,
        source="Working Together to Safeguard Children 2023; Hearth's route rules; issue 15 §1",
    )
    encompass_keys = sorted(
        {k for k in clocks if k[0] in (ENCOMPASS_ROUTE, FOLLOW_UP_ROUTE)}
        | {(ENCOMPASS_ROUTE, "acknowledge")},
        key=lambda k: (k[0] != ENCOMPASS_ROUTE, k[1]),
    )

    def encompass_label(route: str, stage: str) -> str:
        if (route, stage) == (ENCOMPASS_ROUTE, "acknowledge"):
            return "School told and acknowledged by the start of the next school day"
        if route == FOLLOW_UP_ROUTE:
            return f"Follow-up done in time ({_route_stage_label(route, stage).split(': ')[1]})"
        return _route_stage_label(route, stage)

    encompass = _timeliness_table(
        ctx,
        clocks,
        encompass_keys,
        [encompass_label(*k) for k in encompass_keys],
        key="operation-encompass",
        title=f"Operation Encompass and follow-ups, {ctx.period.label}",
        description="Schools told of a child's incident and acknowledging it before the next "
        "school day starts, and children's follow-ups done in time.",
        row_heading="Measure",
        definition="Operation Encompass: the child's school is told of the incident and "
        "acknowledges it by the start of the next school day. Follow-ups: the check on a "
        "child after support starts, done by its deadline. " + TIMELINESS_DEFINITION,
        source="Operation Encompass; Domestic Abuse Act 2021 statutory guidance; issue 15 §1",
    )
    return [every, encompass]


def _open_deadlines(filters: Filters, scope: Scope) -> QuerySet:
    return _narrowed(DeadlineFact.objects.filter(done_at__isnull=True), filters, scope)


# --- Outcomes ---------------------------------------------------------------------------

AWAITING = "awaiting_decision"
FACTOR_WORDS = (
    ("3A", "3A: the child the subject of domestic abuse"),
    ("3B", "3B: a parent or carer the subject of domestic abuse"),
    ("3C", "3C: another person in the household the subject of domestic abuse"),
    ("any", "Any of 3A, 3B or 3C"),
)


def _single_counts(
    ctx: _Ctx, counts: Sequence[int], whole: int | None
) -> tuple[list[Cell], list[Cell]]:
    """Counts that are not one table's sums (overlapping ones), each hidden alone when
    small, with their share of ``whole`` (not shown with a hidden count or whole)."""
    whole_cell = count_cell(whole or 0, ctx.rules, managers_exact=ctx.exact)
    cells = [count_cell(n, ctx.rules, managers_exact=ctx.exact) for n in counts]
    shares = [
        rate_cell(c if whole_cell.shown else whole_cell, n, whole or 0, per=100, rules=ctx.rules)
        for c, n in zip(cells, counts, strict=True)
    ]
    return cells, shares


def _outcomes(ctx: _Ctx) -> list[StatTable]:
    from hearth.referrals.policy import DECISION_LABELS, Decision

    f, s, period = ctx.filters, ctx.scope, ctx.period
    by = _by_category(Measure.DECISIONS, f, s)
    decisions = [d.value for d in Decision] + [AWAITING]
    words = {d.value: DECISION_LABELS[d] for d in Decision} | {AWAITING: "Awaiting a decision"}
    counts = [[by.get(d, 0)] for d in decisions]
    decided, _ = _count_table(
        ctx,
        key="decisions",
        title=f"Front door decisions, {period.label}",
        description="What the front door decided about the notifications received in the period.",
        row_heading="Decision",
        rows=[words[d] for d in decisions],
        columns=["Notifications"],
        counts=counts,
        definition="Of the child concern notifications received in the period, how many "
        "had each decision (no further action, information and advice, early help, child "
        "and family assessment, strategy discussion and s.47 enquiry, immediate protection) "
        "and how many await one.",
        source="Working Together to Safeguard Children 2023; DfE Children in Need census",
    )
    total = sum(c[0] for c in counts)
    decided = _with_columns(
        decided,
        [
            (
                "Share (%)",
                Unit.PERCENT,
                [
                    _share(ctx, line[0], (counts[i][0] if i < len(counts) else total), total)
                    for i, line in enumerate(decided.cells)
                ],
            )
        ],
    )

    a = _by_category(Measure.ASSESSMENTS, f, s)
    all_assessments = a.get("", 0)
    cells, shares = _single_counts(ctx, [a.get(k, 0) for k, _ in FACTOR_WORDS], all_assessments)
    whole = count_cell(all_assessments, ctx.rules, managers_exact=ctx.exact)
    assessments = StatTable(
        key="domestic-abuse-factors",
        title=f"Assessments with domestic abuse factors, {period.label}",
        description="Assessments completed in the period that found domestic abuse as a "
        "factor, by whom it concerned.",
        row_heading="Factor at the end of the assessment",
        rows=("All assessments completed", *(w for _, w in FACTOR_WORDS)),
        columns=("Assessments", "Share of assessments (%)"),
        units=(Unit.COUNT, Unit.PERCENT),
        cells=(
            (whole, _share(ctx, whole, all_assessments, all_assessments)),
            *((c, sh) for c, sh in zip(cells, shares, strict=True)),
        ),
        definition="Assessments completed (authorised) in the period with factor 3A (the "
        "child), 3B (a parent or carer) or 3C (another person in the household) as the "
        "subject of domestic abuse. One assessment may have more than one factor.",
        source="DfE Children in Need census, factors identified at the end of assessment "
        "(table C3)",
        chart=ChartKind.BAR,
        chart_columns=(0,),
    )

    m = _by_category(Measure.MARAC, f, s)
    cases = m.get("", 0)
    parts = ["repeat", "others", "heard"]
    cells, shares = _single_counts(ctx, [m.get(k, 0) for k in parts], cases)
    cases_cell = count_cell(cases, ctx.rules, managers_exact=ctx.exact)
    children_cell = count_cell(m.get("children", 0), ctx.rules, managers_exact=ctx.exact)
    marac = StatTable(
        key="marac",
        title=f"MARAC referrals, {period.label}",
        description="Cases referred to a MARAC in the period, repeats, referrals from "
        "agencies other than the police, cases heard and the children in their households.",
        row_heading="MARAC",
        rows=(
            "Referrals (cases)",
            "Repeats (repeat rate)",
            "From agencies other than the police",
            "Cases heard",
            "Children in MARAC households",
        ),
        columns=("Number", "Share of referrals (%)"),
        units=(Unit.COUNT, Unit.PERCENT),
        cells=(
            (cases_cell, _not_applicable()),
            *((c, sh) for c, sh in zip(cells, shares, strict=True)),
            (children_cell, _not_applicable()),
        ),
        definition="MARAC referrals sent in the period (cases). A repeat is a case referred "
        "again within 12 months of its last referral; the repeat rate is repeats as a share "
        "of cases. Children in MARAC households: each case counts the children of its "
        "household, so a child in two households' cases counts in each (as SafeLives counts).",
        source="SafeLives MARAC data (repeat rate, referrals from agencies other than the "
        "police, children in MARAC households)",
        chart=ChartKind.NONE,
    )
    las = _areas(_filter_las(f, s))
    from hearth.stats.population import adult_women_population

    women = _rate_table(
        ctx,
        las,
        _tally(_base(Measure.MARAC, ctx), lambda m, la, ag, cat: la if cat == "" else None),
        population=adult_women_population,
        people="Women aged 16 and over",
        count_column="MARAC referrals",
        key="marac-per-10000-women",
        title=f"MARAC referrals per 10,000 adult women, {period.label}",
        description="MARAC referrals per 10,000 women aged 16 and over in each local authority.",
        definition="MARAC referrals (cases) sent in the period per 10,000 women aged 16 and "
        "over, on ONS's mid-year estimate for the financial year the period ends in.",
        source="SafeLives MARAC data (referrals per 10,000 adult women); ONS mid-year "
        "population estimates",
    )
    return [decided, assessments, marac, women]


# --- Known to children's services -------------------------------------------------------


def known_counts(filters: Filters, scope: Scope) -> dict[tuple[int | None, str], int]:
    """Children in high-risk households in the period, by local authority and category
    (``""`` all, ``already``, ``within_5``, ``decided``: as ``Measure.KNOWN``), each child
    once, at their first such incident in the period within the filters.

    A month's figures take each child once in that month, so a single month is read from
    them. A longer period is not their sum (a child high-risk in two months of a quarter
    would count twice): it is counted from ``KnownFact`` at view time, each child's first
    fact in the period (``RowNumber`` over the child's facts by time, kept where 1), summed
    by local authority. The facts are few (one per child and month, about 1 in 10
    incidents), and every page for a period longer than a month reads them once."""
    if len(_months(filters.period)) == 1:
        return _sum_by(_figures(Measure.KNOWN, filters, scope), "local_authority_id", "category")
    result: dict[tuple[int | None, str], int] = _once(
        ("known", filters, scope.local_authority_ids, scope.agency_id),
        lambda: _read_known(filters, scope),
    )
    return result


def _read_known(filters: Filters, scope: Scope) -> dict[tuple[int | None, str], int]:
    period = filters.period
    facts = _narrowed(
        KnownFact.objects.filter(month__gte=period.first, month__lt=period.after),
        filters,
        scope,
    )
    firsts = facts.annotate(
        nth=Window(
            RowNumber(),
            partition_by=[F("child_id")],
            order_by=[F("occurred_at").asc(), F("incident_id").asc()],
        )
    ).filter(nth=1)
    out: dict[tuple[int | None, str], int] = {}
    for row in (
        KnownFact.objects.filter(pk__in=firsts.values("pk"))
        .values("local_authority_id")
        .annotate(
            children=Count("pk"),
            already=Count("pk", filter=Q(already_known=True)),
            within=Count("pk", filter=Q(within_5=True)),
            decided=Count("pk", filter=Q(within_5__isnull=False)),
            k_children=Sum("record_key"),
            k_already=Sum("record_key", filter=Q(already_known=True)),
            k_within=Sum("record_key", filter=Q(within_5=True)),
            k_decided=Sum("record_key", filter=Q(within_5__isnull=False)),
        )
        .order_by()
    ):
        la_id = row["local_authority_id"]
        for category, n, k in (
            ("", row["children"], row["k_children"]),
            ("already", row["already"], row["k_already"]),
            ("within_5", row["within"], row["k_within"]),
            ("decided", row["decided"], row["k_decided"]),
        ):
            if n:
                out[(la_id, category)] = Keyed(n, k or 0)
    return out


def _known(ctx: _Ctx) -> list[StatTable]:
    f, s, period = ctx.filters, ctx.scope, ctx.period
    sums = known_counts(f, s)
    las = _areas(_filter_las(f, s))

    def split(la_id: int) -> list[int]:
        children = sums.get((la_id, ""), 0)
        already = sums.get((la_id, "already"), 0)
        within = sums.get((la_id, "within_5"), 0)
        decided = sums.get((la_id, "decided"), 0)
        neither = max(0, decided - already - within)
        pending = max(0, children - already - within - neither)
        return [already, within, neither, pending]

    counts = [split(a.pk) for a in las] or [[0, 0, 0, 0]]
    table, _ = _count_table(
        ctx,
        key="known-to-childrens-services",
        title=f"Children in high-risk households known to children's services, {period.label}",
        description="Children in households whose adult victim was graded high risk or "
        "referred to MARAC in the period: already known to children's services, known "
        "within 5 working days, neither, or not yet 5 working days on.",
        row_heading="Local authority",
        rows=[a.name for a in las] or ["No local authorities"],
        columns=[
            "Already known",
            "Known within 5 working days",
            "Not known",
            "Not yet 5 working days on",
        ],
        counts=counts,
        definition="Each child once, at their first such incident in the period. Already "
        "known: a notification about them had been acknowledged at or before the incident, "
        "or an assessment or plan was open at it. Known within 5 working days: not known "
        "then, but by the end of the 5th working day after the incident's day. Both are "
        "shares of all the children.",
        source="Issue 15 §1; SafeLives (only about half of children in high-risk households "
        "are known to children's services)",
        chart=ChartKind.STACKED,
        total_column="Children",
    )
    totals = [sum(c[j] for c in counts) for j in range(4)]
    already_shares: list[Cell] = []
    within_shares: list[Cell] = []
    for i, line in enumerate(table.cells):
        nums = counts[i] if i < len(counts) else totals
        children = sum(nums)
        already_shares.append(_share(ctx, line[0], nums[0], children))
        within_shares.append(_share(ctx, line[1], nums[1], children))
    return [
        _with_columns(
            table,
            [
                ("Already known (%)", Unit.PERCENT, already_shares),
                ("Known within 5 working days (%)", Unit.PERCENT, within_shares),
            ],
        )
    ]


# --- Specialist support and unmet need --------------------------------------------------


def _specialist(ctx: _Ctx) -> list[StatTable]:
    from hearth.specialist.policy import (
        AGE_BAND_LABELS,
        UNMET_REASON_LABELS,
        AgeBand,
        UnmetReason,
    )

    f, s, period = ctx.filters, ctx.scope, ctx.period
    las = _areas(_filter_las(f, s))
    sums = _sum_by(_figures(Measure.SPECIALIST, f, s), "local_authority_id", "category")
    rows = [a.name for a in las] or ["No local authorities"]
    ids = [a.pk for a in las] or [-1]

    def get(la_id: int, cat: str) -> int:
        return sums.get((la_id, cat), 0)

    answers = []
    progress = []
    for la_id in ids:
        whole = get(la_id, "")
        acc, wait, dec = get(la_id, "accepted"), get(la_id, "waiting_list"), get(la_id, "declined")
        answers.append([acc, wait, dec, max(0, whole - acc - wait - dec)])
        started, completed = get(la_id, "started"), get(la_id, "completed")
        progress.append([completed, max(0, started - completed), max(0, whole - started)])
    source = "Issue 15 §1 (specialist support for child victims); the specialist services' records"

    # Both tables' row totals are each local authority's referrals (and the grand total
    # all of them): the same figures, linked so that one hidden is hidden in both.
    def referral_totals(cols: int) -> dict[tuple[int, int], Hashable]:
        keys: dict[tuple[int, int], Hashable] = {
            (i, cols): ("specialist referrals", la_id) for i, la_id in enumerate(ids)
        }
        keys[(len(ids), cols)] = ("specialist referrals", "all")
        return keys

    answered, _ = _count_table(
        ctx,
        key="referrals-and-answers",
        title=f"Specialist referrals and their answers, {period.label}",
        description="Referrals of child victims to specialist support made in the period, by "
        "the service's answer.",
        row_heading="Local authority",
        rows=rows,
        columns=["Accepted", "Waiting list", "Declined", "Not answered yet"],
        counts=answers,
        total_keys=referral_totals(4),
        definition="Referrals to a specialist service for a child victim made in the period, "
        "and the service's answer: accepted, put on a waiting list, or declined.",
        source=source,
        chart=ChartKind.STACKED,
        total_column="Referrals",
    )
    progressed, _ = _count_table(
        ctx,
        key="started-and-completed",
        title=f"Specialist support started and completed, {period.label}",
        description="Of the referrals made in the period, how many started support and how "
        "many completed it.",
        row_heading="Local authority",
        rows=rows,
        columns=["Completed", "Started, not completed", "Not started"],
        counts=progress,
        total_keys=referral_totals(3),
        definition="Of the referrals made in the period: support started (a first session), "
        "and completed (started and ended).",
        source=source,
        chart=ChartKind.STACKED,
        total_column="Referrals",
    )

    waits = _sum_by(_figures(Measure.SPECIALIST_WAIT, f, s), "local_authority_id", "category")
    per_la: list[dict[int, int]] = []
    for la_id in ids:
        per_la.append({int(c): n for (l_id, c), n in waits.items() if l_id == la_id and c != ""})
    every: dict[int, int] = {}
    for d in per_la:
        for k, n in d.items():
            every[k] = every.get(k, 0) + n
    lines = per_la + ([every] if len(ids) > 1 else [])
    wait_table, _ = _count_table(
        ctx,
        key="waiting-times",
        title=f"Waiting times for specialist support, {period.label}",
        description="Days from referral to the start of support, for the referrals made in "
        "the period that started.",
        row_heading="Local authority",
        rows=rows,
        columns=["Started"],
        counts=[[sum(d.values())] for d in per_la],
        definition="Days waited from the referral to the first session, of referrals made in "
        "the period that started; median and 90th percentile by the nearest-rank method.",
        source=source,
    )
    medians: list[Cell] = []
    nineties: list[Cell] = []
    for i, line in enumerate(wait_table.cells):
        d = lines[i]
        n = sum(d.values())
        for out, p in ((medians, 50), (nineties, 90)):
            value = percentile_of_buckets(d, p)
            if value is None:
                out.append(_not_applicable())
            elif not ctx.exact and (not line[0].shown or ctx.rules.is_small(n)):
                out.append(
                    Cell(
                        value=None,
                        shown=False,
                        reason=disclosure.COUNT_HIDDEN,
                        symbol=ctx.rules.symbol,
                    )
                )
            else:
                out.append(_shown(value))
    wait_table = _replace(
        _with_columns(
            wait_table,
            [
                ("Median wait (days)", Unit.COUNT, medians),
                ("90th percentile wait (days)", Unit.COUNT, nineties),
            ],
        ),
        chart_columns=(1, 2),
    )

    ages = [b.value for b in AgeBand]
    by_cat = _by_category(Measure.SPECIALIST, f, s)
    by_age, _ = _count_table(
        ctx,
        key="referrals-by-age-band",
        title=f"Specialist referrals by age band, {period.label}",
        description="Referrals of child victims to specialist support, by the child's age.",
        row_heading="Age band",
        rows=[AGE_BAND_LABELS[AgeBand(b)] for b in ages],
        columns=["Referrals"],
        counts=[[by_cat.get(f"age:{b}", 0)] for b in ages],
        definition="Referrals made in the period, by the child's age band when referred.",
        source=source,
    )

    # Both unmet need tables add up the same finest figures (area, reason, age band), so
    # a figure hidden in one is hidden in the other (their grand totals, say).
    unmet = _base(Measure.UNMET_NEED, ctx)
    unmet_la = _tally(unmet, lambda m, la, ag, cat: la)
    unmet_by_la, _ = _count_table(
        ctx,
        key="unmet-need-by-area",
        title=f"Unmet need by local authority, {period.label}",
        description="Children whose need for specialist support no service could meet, by "
        "local authority.",
        row_heading="Local authority",
        rows=rows,
        columns=["Children with unmet need"],
        counts=[[_count_of(unmet_la, la_id)] for la_id in ids],
        atoms=[[_atoms_of(unmet_la, la_id)] for la_id in ids],
        definition="A child's need for specialist support that no service could meet, "
        "recorded in the period (no service for the child's area and age, every one closed "
        "or full, the wait too long, declined for capacity, or not offered in time).",
        source=source,
    )
    reasons = [r.value for r in UNMET_REASON_LABELS]

    def reason_age(m: dt.date, la: int | None, ag: int | None, cat: str) -> Hashable:
        reason, _, age = cat.partition("|")
        return (reason.removeprefix("reason:"), age.removeprefix("age:"))

    grid = _tally(unmet, reason_age)
    unmet_by_reason, _ = _count_table(
        ctx,
        key="unmet-need-by-reason-and-age",
        title=f"Unmet need by reason and age band, {period.label}",
        description="Children whose need for specialist support no service could meet, by "
        "why and by age band.",
        row_heading="Why the need was not met",
        rows=[UNMET_REASON_LABELS[UnmetReason(r)] for r in reasons],
        columns=[AGE_BAND_LABELS[AgeBand(b)] for b in ages],
        counts=[[_count_of(grid, (r, b)) for b in ages] for r in reasons],
        atoms=[[_atoms_of(grid, (r, b)) for b in ages] for r in reasons],
        definition="Unmet needs recorded in the period, by the reason no service could meet "
        "them and the child's age band.",
        source=source,
        chart=ChartKind.STACKED,
        total_column="All ages",
    )
    return [answered, progressed, wait_table, by_age, unmet_by_la, unmet_by_reason]


# --- Entry points -----------------------------------------------------------------------

_BUILDERS: dict[Group, Callable[[_Ctx], list[StatTable]]] = {
    Group.REFERRALS: _referrals,
    Group.TIMELINESS: _timeliness,
    Group.OUTCOMES: _outcomes,
    Group.KNOWN: _known,
    Group.SPECIALIST: _specialist,
}


def tables(group: Group, filters: Filters, scope: Scope, *, now: dt.datetime) -> list[StatTable]:
    """Every table of ``group`` for ``filters`` within ``scope``, protected (managers'
    scopes exact), under the deployment's disclosure rules."""
    builder = _BUILDERS[Group(group)]
    hidden: frozenset[Hashable] = frozenset()
    token = _READ.set({})
    try:
        while True:
            ctx = _Ctx(filters=filters, scope=scope, now=now, rules=rules(), hidden_keys=hidden)
            built = builder(ctx)
            if ctx.exact or ctx.hidden_now <= hidden:
                return built
            # A figure hidden in one table is shown in another: hide it there too and
            # build again (hiding only grows, so this ends).
            hidden = hidden | frozenset(ctx.hidden_now)
    finally:
        _READ.reset(token)


# --- Managers' home page ----------------------------------------------------------------


@dataclass(frozen=True)
class TeamFigures:
    """A managed team's figures for its manager's home page (exact: their own work):
    deadlines overdue now, and of the deadlines due this month that have been met or
    passed, how many were met on time."""

    team_id: int
    team_name: str
    overdue_now: int
    due_this_month: int
    on_time: int
    late: int

    @property
    def share_on_time(self) -> Decimal | None:
        """The share on time, to one decimal place; None when nothing was due yet."""
        return disclosure.rate(
            self.on_time, self.on_time + self.late, per=100, rules=disclosure.DFE
        )


def manager_figures(actor: Actor, *, now: dt.datetime) -> list[TeamFigures]:
    """For each team ``actor`` manages: work overdue now and the share of this month's
    deadlines met on time (from the facts by ``team_id``)."""
    from hearth.accounts.models import Team

    if not actor.managed_team_ids:
        return []
    month = period_containing_day(_today(now), Granularity.MONTH)
    out = []
    for team in Team.objects.filter(
        pk__in=actor.managed_team_ids, agency_id=actor.agency_id
    ).order_by("name"):
        facts = DeadlineFact.objects.filter(team_id=team.pk)
        overdue = facts.filter(done_at__isnull=True, due_at__lt=now).count()
        due = facts.filter(due_at__gte=month.start, due_at__lt=month.end)
        counted = due.aggregate(
            n=Count("pk"),
            on_time=Count("pk", filter=Q(done_at__isnull=False, done_at__lte=F("due_at"))),
            late=Count(
                "pk",
                filter=Q(done_at__isnull=False, done_at__gt=F("due_at"))
                | Q(done_at__isnull=True, due_at__lt=now),
            ),
        )
        out.append(
            TeamFigures(
                team_id=team.pk,
                team_name=team.name,
                overdue_now=overdue,
                due_this_month=counted["n"],
                on_time=counted["on_time"],
                late=counted["late"],
            )
        )
    return out
