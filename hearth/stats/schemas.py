"""The statistics API's documents (``api``): the groups and filter choices a caller may
use, and each group's tables as published. A hidden cell is ``{"text": "c", "value":
null, "shown": false, "reason": "small count"}``: its count is never in the answer."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class StatPeriodOut(Schema):
    key: str = Field(
        description='As used in ``period``: "FY2025-26", "2025-Q2", "2025-04", "2025".'
    )
    label: str = Field(description='In words: "2025-26", "April to June 2025", "April 2025".')
    first: dt.date
    last: dt.date


class StatPeriodKindOut(Schema):
    kind: str = Field(description="month, quarter, year (calendar) or financial_year.")
    label: str
    periods: list[StatPeriodOut] = Field(description="Newest first.")


class StatAreaOut(Schema):
    code: str = Field(description="GSS code, as used in ``area`` or ``force``.")
    name: str


class StatAgencyOut(Schema):
    slug: str = Field(description="As used in ``agency``.")
    name: str


class StatGroupOut(Schema):
    key: str = Field(description="As used in ``/statistics/{group}``.")
    title: str


class StatScopeOut(Schema):
    label: str = Field(description="Whose figures the caller counts.")
    exact: bool = Field(
        description="True for a manager's own agency's work: exact counts, nothing hidden."
    )


class StatIndexOut(Schema):
    """What the caller may ask for."""

    scope: StatScopeOut
    groups: list[StatGroupOut]
    default_period: StatPeriodOut
    period_kinds: list[StatPeriodKindOut]
    local_authorities: list[StatAreaOut]
    forces: list[StatAreaOut]
    agencies: list[StatAgencyOut]


class StatCellOut(Schema):
    text: str = Field(description='What to show: "1,234", "41.0", "c", "about 3 hours".')
    value: int | float | None = Field(
        description="The number when shown (minutes for a time, days for a wait); null when "
        "hidden or not applicable."
    )
    shown: bool
    reason: str = Field(
        description='Why not shown: "small count", "secondary", "count hidden", '
        '"not applicable", "not published"; empty when shown.'
    )
    adjusted: bool = Field(
        default=False,
        description="A count adjusted by the cell key method (up to ±2, the same every time "
        "it is asked for), or a rate or percentage made from such counts: totals may not "
        "equal the sum of their parts. Never says whether this figure was moved.",
    )


class StatColumnOut(Schema):
    name: str
    unit: str = Field(description="count, rate (per 10,000), percent or duration.")


class StatTableOut(Schema):
    key: str
    title: str
    description: str
    row_heading: str
    rows: list[str]
    columns: list[StatColumnOut]
    cells: list[list[StatCellOut]] = Field(description="One list per row, one cell per column.")
    totals_row: bool = Field(description="The last row is the total.")
    definition: str
    source: str
    notes: list[str]


class StatFiltersOut(Schema):
    period: StatPeriodOut
    area: str | None
    force: str | None
    agency: str | None


class StatGroupTablesOut(Schema):
    """One group's tables, with disclosure control applied as on the pages."""

    group: str
    title: str
    scope: StatScopeOut
    filters: StatFiltersOut
    disclosure: str = Field(description='The disclosure rules applied: "DfE" or "ONS".')
    tables: list[StatTableOut]
