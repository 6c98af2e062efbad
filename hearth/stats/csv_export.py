"""Statistics tables as CSV files (issue 15 §4). Pure: tables in, text out; no database.

Two shapes, both with the period and the area on every line (no comment lines, so any
CSV reader takes the file as it is):

- **One table** (``table_csv``), as it is on the page: a header line ``Period, Area,
  <the table's row heading>, <its columns...>``, then one line per row.
- **All of a group's tables** (``group_csv``), whose columns differ from table to table,
  in long ("tidy") form: ``Period, Area, Table, Row heading, Row, Column, Value``, one line
  per cell, tables in page order.

What a cell holds is what the page shows, read by machines: a hidden figure is its
symbol (``c`` for a small count; never its value, which the protected table does not even
hold), a count is a plain number without thousands separators (``1234``), a rate or
percentage its rounded decimal (``41.0``), a time taken its minutes (the column says so).

**Formula characters are escaped** (OWASP, CSV injection): a field that starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a ``'`` in front, so a
spreadsheet shows it as text instead of running it. Row labels are the likeliest carrier
(an agency or team name is typed by people). No figure is ever negative (counts, rates,
percentages and times taken cannot be), so escaping a leading ``-`` never changes a
number. The file starts with a UTF-8 byte order mark, so Excel reads "children’s" and
"–" correctly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from hearth.core.csv_safety import BOM, escape
from hearth.stats.disclosure import Cell
from hearth.stats.tables import StatTable, Unit

LONG_HEADER = ("Period", "Area", "Table", "Row heading", "Row", "Column", "Value")


def cell_value(cell: Cell, unit: Unit) -> str:
    """What a CSV file holds for a cell: its symbol when hidden, else its plain value."""
    if not cell.shown or cell.value is None:
        return cell.symbol
    value = cell.value
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def column_heading(name: str, unit: Unit) -> str:
    """A column's heading, saying the unit where a bare number would not."""
    if unit == Unit.DURATION and "minutes" not in name.lower():
        return f"{name} (minutes)"
    return name


def _write(rows: Iterable[Sequence[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([escape(field) for field in row])
    return BOM + buffer.getvalue()


def table_csv(table: StatTable, *, period: str, area: str) -> str:
    """One table, wide, as on the page."""
    header = [
        "Period",
        "Area",
        table.row_heading,
        *(column_heading(c, u) for c, u in zip(table.columns, table.units, strict=True)),
    ]
    lines: list[list[str]] = [header]
    for label, cells in zip(table.rows, table.cells, strict=True):
        values = [cell_value(cell, unit) for cell, unit in zip(cells, table.units, strict=True)]
        lines.append([period, area, label, *values])
    return _write(lines)


def group_csv(tables: Sequence[StatTable], *, period: str, area: str) -> str:
    """Every table of a group, long: one line per cell."""
    lines: list[list[str]] = [list(LONG_HEADER)]
    for table in tables:
        for label, cells in zip(table.rows, table.cells, strict=True):
            for column, unit, cell in zip(table.columns, table.units, cells, strict=True):
                lines.append(
                    [
                        period,
                        area,
                        table.title,
                        table.row_heading,
                        label,
                        column_heading(column, unit),
                        cell_value(cell, unit),
                    ]
                )
    return _write(lines)


def filename(group: str, period_key: str, table_key: str | None = None) -> str:
    """``hearth-<group>-<table>-<period>.csv`` (or ``hearth-<group>-<period>.csv``)."""
    parts = ["hearth", group, *([table_key] if table_key else []), period_key]
    return "-".join(parts) + ".csv"
