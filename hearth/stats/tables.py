"""What every statistics page, chart, CSV and API answer is made from: a **StatTable**
(disclosure control already applied) for a **Filters** choice (period, area, force,
agency) within a viewer's **Scope** (which areas and agencies they may count). Pure
data; ``hearth.stats.selectors`` fills them from the maintained aggregates, pages draw
them (``charts``), ``csv_export`` writes them, the API returns them. Nothing here, or in
anything made from it, names or identifies a child, a person or an incident.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from hearth.stats.disclosure import Cell
from hearth.stats.periods import Period


class Group(StrEnum):
    """The statistics pages, one per measure group (issue 15 §1). The value is the
    address (``/statistics/<group>/``, ``/api/v1/statistics/<group>``)."""

    REFERRALS = "referrals"
    TIMELINESS = "timeliness"
    OUTCOMES = "outcomes"
    KNOWN = "known-to-childrens-services"
    SPECIALIST = "specialist-support"


GROUP_TITLES: dict[Group, str] = {
    Group.REFERRALS: "Referrals",
    Group.TIMELINESS: "Timeliness",
    Group.OUTCOMES: "Outcomes",
    Group.KNOWN: "Known to children's services",
    Group.SPECIALIST: "Specialist support and unmet need",
}


class Unit(StrEnum):
    COUNT = "count"  # whole numbers, disclosure-controlled
    RATE = "rate"  # per 10,000 (children, or adult women for MARAC)
    PERCENT = "percent"
    DURATION = "duration"  # a time taken, shown in words ("about 3 hours 10 minutes")


class ChartKind(StrEnum):
    BAR = "bar"  # one bar per row (first column), or grouped bars per column
    STACKED = "stacked"  # rows along the axis, columns stacked
    LINE = "line"  # rows are periods in order
    NONE = "none"  # table only (mixed units)


@dataclass(frozen=True)
class Scope:
    """What a viewer may count: the local authorities (``accounts.Area`` ids) and, for a
    manager, the one agency whose work they see exactly. An analyst's scope is the areas
    of their agency (the partnership), with disclosure control; a manager's is their own
    agency's work, exact (``managers_exact``)."""

    local_authority_ids: frozenset[int]
    agency_id: int | None = None
    exact: bool = False
    label: str = ""


@dataclass(frozen=True)
class Filters:
    """One choice of the filters on a page or API call. ``local_authority_id`` and
    ``force_id`` narrow the scope (never widen it: a value outside the scope is refused
    by the selectors with a clear message); ``agency_id`` narrows to one agency's work."""

    period: Period
    local_authority_id: int | None = None
    force_id: int | None = None
    agency_id: int | None = None


@dataclass(frozen=True)
class StatTable:
    """One table of one measure group, protected. ``cells[i][j]`` is row ``i``,
    column ``j``; ``units[j]`` says what column ``j`` holds. Counts come through
    ``disclosure.protect`` (hidden ones have ``value`` None); a rate, percentage or
    duration is not shown where the count it is made from is hidden."""

    key: str  # unique within its group, for addresses and CSV file names
    title: str
    description: str  # one or two sentences: what the chart shows, for its description
    row_heading: str
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    units: tuple[Unit, ...]
    cells: tuple[tuple[Cell, ...], ...]
    definition: str  # the measure's definition in plain words
    source: str  # where the definition comes from (DfE table, SafeLives, an Act)
    chart: ChartKind = ChartKind.BAR
    chart_columns: tuple[int, ...] = ()  # which columns the chart draws (default: counts)
    totals_row: bool = False  # the last row is a total
    notes: tuple[str, ...] = field(default_factory=tuple)
