"""DISCLOSURE-1: small counts, secondary suppression, rounding, rates, managers' exact counts.

Pure tests. The secondary suppression tests use a brute-force attacker: it knows every
shown figure (exact, even where a national total is published rounded), that a hidden
small count is from ``low`` to ``high`` and that any other hidden figure is at least 1,
and lists every way of filling the hidden cells that adds up; a hidden cell it can work
out is one with a single possible value.
"""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import pytest

from hearth.stats import disclosure as d

Grid = list[list[int]]
Position = tuple[int, int]


# --- The attacker ----------------------------------------------------------------------


def _equations(grid: Grid) -> list[list[tuple[Position, int]]]:
    """Each row adds up to its total, each column to its total (totals included)."""
    last_row, last_col = len(grid) - 1, len(grid[0]) - 1
    rows = [
        [((i, j), 1) for j in range(last_col)] + [((i, last_col), -1)] for i in range(last_row + 1)
    ]
    cols = [
        [((i, j), 1) for i in range(last_row)] + [((last_row, j), -1)] for j in range(last_col + 1)
    ]
    return rows + cols


def recoverable(grid: Grid, hidden: dict[Position, str], rules: d.DisclosureRules) -> set[Position]:
    """The hidden cells whose values the attacker can work out (a single possible value).

    Unknown hidden cells other than small counts are capped at twice the grand total plus
    10: a cap only takes possibilities away, so it makes the attacker stronger, not weaker.
    """
    cap = 2 * grid[-1][-1] + 10
    bounds = {
        p: (rules.low, rules.high) if reason == d.SMALL_COUNT else (1, cap)
        for p, reason in hidden.items()
    }
    known = {
        (i, j): v for i, line in enumerate(grid) for j, v in enumerate(line) if (i, j) not in hidden
    }
    equations = _equations(grid)
    seen: dict[Position, set[int]] = {p: set() for p in hidden}
    order = sorted(hidden)

    def propagate(values: dict[Position, int]) -> dict[Position, int] | None:
        values = dict(values)
        changed = True
        while changed:
            changed = False
            for eq in equations:
                unknown = [(p, c) for p, c in eq if p not in values]
                total = sum(c * values[p] for p, c in eq if p in values)
                if not unknown:
                    if total != 0:
                        return None
                elif len(unknown) == 1:
                    p, c = unknown[0]
                    value = -total * c  # c is 1 or -1
                    low, high = bounds[p]
                    if not low <= value <= high:
                        return None
                    values[p] = value
                    changed = True
        return values

    def search(values: dict[Position, int]) -> bool:
        """False once every hidden cell has two possible values (nothing to recover)."""
        propagated = propagate(values)
        if propagated is None:
            return True
        free = [p for p in order if p not in propagated]
        if not free:
            for p in hidden:
                seen[p].add(propagated[p])
            return any(len(v) < 2 for v in seen.values())
        p = free[0]
        low, high = bounds[p]
        return all(search({**propagated, p: value}) for value in range(low, high + 1))

    search(dict(known))
    assert all(seen[p] for p in hidden), "the true table is always one of the possibilities"
    return {p for p, values in seen.items() if len(values) == 1}


def hidden_of(table: d.ProtectedTable) -> dict[Position, str]:
    return {
        (i, j): cell.reason
        for i, line in enumerate(table.cells)
        for j, cell in enumerate(line)
        if not cell.shown
    }


def table_of(counts: Grid, **kw: object) -> d.CountTable:
    rows = [f"Area {i + 1}" for i in range(len(counts))]
    columns = [f"Source {j + 1}" for j in range(len(counts[0]))]
    return d.CountTable(rows=rows, columns=columns, counts=counts, **kw)  # type: ignore[arg-type]


def assert_safe(counts: Grid, rules: d.DisclosureRules = d.DFE) -> d.ProtectedTable:
    protected = d.protect(table_of(counts), rules)
    hidden = hidden_of(protected)
    grid = d.with_totals(counts)
    assert recoverable(grid, hidden, rules) == set()
    # Every small count is hidden, every line has no hidden cell or at least two.
    for i, line in enumerate(grid):
        for j, count in enumerate(line):
            if rules.is_small(count):
                assert hidden[(i, j)] == d.SMALL_COUNT
    for equation in _equations(grid):
        assert sum(1 for p, _ in equation if p in hidden) != 1
    return protected


# --- Small counts: every boundary -----------------------------------------------------


@pytest.mark.parametrize(
    ("count", "shown"), [(0, True), (1, False), (2, False), (5, False), (6, True), (7, True)]
)
def test_dfe_hides_counts_from_1_to_5_and_shows_0(count: int, shown: bool) -> None:
    cell = d.count_cell(count)
    assert cell.shown is shown
    if shown:
        assert (cell.value, cell.text, cell.reason) == (count, str(count), "")
    else:
        assert (cell.value, cell.text, cell.reason) == (None, "c", d.SMALL_COUNT)


@pytest.mark.parametrize(
    ("count", "shown"), [(0, True), (1, False), (9, False), (10, True), (11, True)]
)
def test_ons_preset_hides_counts_under_10(count: int, shown: bool) -> None:
    assert d.count_cell(count, d.ONS).shown is shown
    assert d.PRESETS["ons"] is d.ONS and d.PRESETS["dfe"] is d.DFE


def test_a_deployment_sets_its_own_rules() -> None:
    rules = d.DisclosureRules(name="Wessex", low=1, high=3, symbol="*")
    assert d.count_cell(3, rules).text == "*"
    assert d.count_cell(4, rules).text == "4"
    with pytest.raises(ValueError, match="low < high"):
        d.DisclosureRules(low=5, high=5)
    with pytest.raises(ValueError, match="low < high"):
        d.DisclosureRules(low=-1)
    with pytest.raises(ValueError, match="Round to"):
        d.DisclosureRules(national_round_to=0)


def test_large_counts_are_shown_with_thousands_separated() -> None:
    assert d.count_cell(632_830).text == "632,830"


# --- Rounding ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "n", "rounded"),
    [
        (14, 10, 10),
        (15, 10, 20),
        (25, 10, 30),
        (632_834, 10, 632_830),
        (632_835, 10, 632_840),
        (12, 5, 10),
        (13, 5, 15),
        (0, 10, 0),
    ],
)
def test_national_totals_round_to_the_nearest_n_halves_up(count: int, n: int, rounded: int) -> None:
    assert d.round_to_nearest(count, n) == rounded


def test_a_national_count_is_rounded_but_a_small_one_still_hidden() -> None:
    assert d.count_cell(15, national=True) == d.Cell(value=20, shown=True, rounded=True)
    assert d.count_cell(4, national=True).text == "c"
    assert d.count_cell(13, d.ONS, national=True).value == 15


@pytest.mark.parametrize(
    ("value", "decimals", "rounded"),
    [
        (41.05, 1, "41.1"),
        (41.04, 1, "41.0"),
        (0.15, 1, "0.2"),
        (0.25, 1, "0.3"),  # half up, not to even
        (Fraction(1, 8), 2, "0.13"),
        (Fraction(2, 3) * 100, 1, "66.7"),
        (Decimal("22.55"), 1, "22.6"),
        (7, 1, "7.0"),
    ],
)
def test_rates_round_half_up(
    value: Fraction | Decimal | int | float, decimals: int, rounded: str
) -> None:
    assert d.round_half_up(value, decimals) == Decimal(rounded)
    assert str(d.round_half_up(value, decimals)) == rounded


def test_rate_per_10000_children_is_the_domain_figure() -> None:
    # domain.md §11.4: 571 police referrals, 139,256 children in Dorset and BCP at mid-2020.
    assert d.rate(571, 139_256, per=10_000, rules=d.DFE) == Decimal("41.0")
    assert d.rate(1, 3, per=100, rules=d.DFE) == Decimal("33.3")
    assert d.rate(1, 0, per=100, rules=d.DFE) is None


# --- Rates go with their counts ----------------------------------------------------------


def test_a_rate_is_not_shown_where_its_count_is_hidden() -> None:
    hidden = d.count_cell(4)
    assert d.rate_cell(hidden, 4, 1_000, per=10_000) == d.Cell(
        value=None, shown=False, reason=d.COUNT_HIDDEN, symbol="c"
    )
    shown = d.count_cell(6)
    assert d.rate_cell(shown, 6, 1_000, per=10_000).text == "60.0"
    assert d.rate_cell(shown, 6, 0, per=10_000).text == "z"


def test_a_tables_rates_are_hidden_with_their_counts_primary_and_secondary() -> None:
    counts = [[3, 12, 20], [15, 9, 30], [22, 18, 7]]
    protected = d.protect(table_of(counts, denominators=[10_000, 20_000, 30_000]))
    for i, line in enumerate(protected.cells):
        for j, cell in enumerate(line):
            assert protected.rates[i][j].shown is cell.shown
            if not cell.shown:
                assert protected.rates[i][j].reason == d.COUNT_HIDDEN
    assert protected.rates[1][2].text == "15.0"  # 30 per 20,000
    assert protected.rates[3][3].text == "22.7"  # 136 per 60,000 (all areas)


# --- Secondary suppression ----------------------------------------------------------------


def test_without_secondary_suppression_a_hidden_count_is_worked_out_from_its_total() -> None:
    counts = [[3, 12, 20], [15, 9, 30], [22, 18, 7]]
    grid = d.with_totals(counts)
    primary_only = {(0, 0): d.SMALL_COUNT}
    assert recoverable(grid, primary_only, d.DFE) == {(0, 0)}  # 35 - 12 - 20 = 3

    protected = assert_safe(counts)
    assert protected.body[0][0].reason == d.SMALL_COUNT
    # The smallest non-zero cells beside it are hidden second: 12 in its row, 15 in its
    # column, then 9 closes the rectangle.
    assert hidden_of(protected) == {
        (0, 0): d.SMALL_COUNT,
        (0, 1): d.SECONDARY,
        (1, 0): d.SECONDARY,
        (1, 1): d.SECONDARY,
    }
    assert protected.row_total(0).text == "35"  # totals stay shown where they can


def test_the_line_rule_alone_is_not_enough_when_hidden_cells_add_up_to_too_little() -> None:
    # Both 1s are hidden by their own rule; the row's total (22) minus 20 leaves 2 for two
    # hidden cells of at least 1 each, so each is 1, whatever else is hidden.
    counts = [[1, 1, 20], [30, 40, 20], [25, 35, 50]]
    grid = d.with_totals(counts)
    line_rule_only = {
        (0, 0): d.SMALL_COUNT,
        (0, 1): d.SMALL_COUNT,
        (1, 0): d.SECONDARY,
        (1, 1): d.SECONDARY,
    }
    assert recoverable(grid, line_rule_only, d.DFE) == {(0, 0), (0, 1), (1, 0), (1, 1)}
    protected = assert_safe(counts)
    assert len(hidden_of(protected)) > len(line_rule_only)


def test_several_small_cells_settle_and_protecting_twice_gives_the_same_table() -> None:
    counts = [[2, 4, 30, 1], [5, 0, 12, 3], [40, 2, 8, 9], [0, 0, 6, 11]]
    first = assert_safe(counts)
    assert d.protect(table_of(counts)) == first


def test_a_one_row_table() -> None:
    protected = assert_safe([[3, 8, 20]])
    # The row is also the totals row: 3 and 8 are hidden in both, the totals shown.
    assert [c.text for c in protected.cells[0]] == ["c", "c", "20", "31"]
    assert [c.text for c in protected.cells[1]] == ["c", "c", "20", "31"]


def test_a_one_column_table() -> None:
    assert_safe([[3], [10], [20]])


def test_all_zero_rows_are_shown_and_never_hidden_second() -> None:
    protected = assert_safe([[0, 0, 0], [4, 10, 12], [0, 0, 0], [7, 9, 30]])
    assert [c.text for c in protected.cells[0]] == ["0", "0", "0", "0"]
    assert [c.text for c in protected.cells[2]] == ["0", "0", "0", "0"]


def test_a_small_total_is_hidden_too() -> None:
    protected = assert_safe([[2, 0, 1], [8, 20, 30], [9, 11, 40]])
    assert protected.row_total(0).reason == d.SMALL_COUNT


def test_a_table_of_only_small_counts() -> None:
    protected = assert_safe([[1, 2], [3, 1]])
    assert protected.grand_total.text == "7"  # 7 is no small count, nothing else to see


def test_an_empty_table_shows_its_zeros() -> None:
    protected = assert_safe([[0, 0], [0, 0]])
    assert all(c.text == "0" for line in protected.cells for c in line)


@pytest.mark.parametrize("seed", range(60))
def test_random_tables_leave_nothing_to_work_out(seed: int) -> None:
    rng = random.Random(seed)
    rows, cols = rng.randint(1, 4), rng.randint(1, 4)
    rules = d.ONS if seed % 3 == 0 else d.DFE
    counts = [
        [rng.choice([0, 1, 2, 3, 5, 6, 9, 10, 14, 25]) for _ in range(cols)] for _ in range(rows)
    ]
    assert_safe(counts, rules)


def test_hidden_counts_are_not_in_the_protected_table() -> None:
    protected = d.protect(table_of([[3, 12, 20], [15, 9, 30]]))
    for line in protected.cells:
        for cell in line:
            assert (cell.value is None) is (not cell.shown)


# --- National totals and managers' exact counts ---------------------------------------------


def test_national_totals_are_rounded_and_rates_use_the_unrounded_counts() -> None:
    counts = [[3, 12, 20], [15, 9, 31], [22, 18, 7]]
    protected = d.protect(
        table_of(counts, denominators=[10_000, 20_000, 30_000]), national_totals=True
    )
    england = protected.cells[-1]
    assert [c.text for c in england] == ["40", "40", "60", "140"]  # 40, 39, 58, 137
    assert all(c.rounded for c in england)
    assert protected.row_total(1).text == "55"  # an area's total is not rounded
    assert protected.rates[-1][-1].text == "22.8"  # 137 per 60,000, not 140


def test_a_manager_sees_exact_counts_of_their_own_agencys_work_with_rounded_rates() -> None:
    counts = [[3, 12, 20], [15, 9, 31]]
    protected = d.protect(
        table_of(counts, denominators=[3_000, 7_000]), managers_exact=True, national_totals=True
    )
    assert protected.exact
    assert [c.text for c in protected.cells[0]] == ["3", "12", "20", "35"]
    assert [c.text for c in protected.cells[-1]] == ["18", "21", "51", "90"]
    assert protected.rates[0][0].text == "10.0"
    assert protected.rates[0][1].value == Decimal("40.0")
    assert d.count_cell(2, managers_exact=True).text == "2"


def test_tables_must_be_consistent() -> None:
    with pytest.raises(ValueError, match="each column"):
        d.CountTable(rows=["A"], columns=["x", "y"], counts=[[1]])
    with pytest.raises(ValueError, match="each row"):
        d.CountTable(rows=["A", "B"], columns=["x"], counts=[[1]])
    with pytest.raises(ValueError, match="never negative"):
        d.CountTable(rows=["A"], columns=["x"], counts=[[-1]])
    with pytest.raises(ValueError, match="denominator for each row"):
        d.CountTable(rows=["A"], columns=["x"], counts=[[1]], denominators=[1, 2])


# --- Tables shown together --------------------------------------------------------------
#
# Found on the demo's referrals page: the front doors' table hid Northshire's police
# referrals (1,029, secondary to its 1 from others), while the forces' table beside it
# showed the police's 1,029 for Northshire, so 1,030 − 1,029 gave the hidden 1 away.


def _front_doors() -> d.CountTable:
    # rows: Northshire, Southmoor; columns: from the police, from others
    return d.CountTable(rows=["N", "S"], columns=["police", "others"], counts=[[1029, 1], [416, 0]])


def _forces() -> d.CountTable:
    # rows: Wessex: Northshire, Wessex: Southmoor; one column: from the police
    return d.CountTable(rows=["N", "S"], columns=["police"], counts=[[1029], [416]])


def _front_door_key(position: Position) -> object:
    i, j = position
    area = ("N", "S", "all")[i]
    source = ("police", "others", "all")[j]
    return ("referrals", area, source)


def _forces_key(position: Position) -> object:
    i, _j = position
    area = ("N", "S", "all")[i]
    return ("referrals", area, "police")  # one column: its row total is the same count


def _figures(tables: list[d.ProtectedTable], keys: list[object]) -> dict[object, int]:
    shown: dict[object, int] = {}
    for table, key in zip(tables, keys, strict=True):
        for i, line in enumerate(table.cells):
            for j, cell in enumerate(line):
                if cell.shown:
                    shown[key((i, j))] = int(cell.value)  # type: ignore[operator, arg-type]
    return shown


def test_protected_alone_two_tables_give_a_hidden_count_away() -> None:
    front, forces = d.protect(_front_doors()), d.protect(_forces())
    assert not front.cells[0][1].shown  # Northshire's 1 from others is hidden...
    shown = _figures([front, forces], [_front_door_key, _forces_key])
    # ...but its total and its police count (from the other table) are both shown.
    assert shown[("referrals", "N", "all")] - shown[("referrals", "N", "police")] == 1


def test_tables_protected_together_hide_a_figure_everywhere_it_is_shown() -> None:
    front, forces = d.protect_linked([(_front_doors(), _front_door_key), (_forces(), _forces_key)])
    shown = _figures([front, forces], [_front_door_key, _forces_key])
    for area in ("N", "S", "all"):
        # police + others = all: with exactly one of the three hidden it could be worked
        # out from the two shown, whichever tables they are in.
        figures = [shown.get(("referrals", area, source)) for source in ("police", "others", "all")]
        assert sum(f is None for f in figures) != 1, (area, figures)
    assert not front.cells[0][0].shown and not forces.cells[0][0].shown
    # Each table is still safe on its own against the brute-force attacker.
    for table, counts in ((front, [[1029, 1], [416, 0]]), (forces, [[1029], [416]])):
        grid = d.with_totals(counts)
        assert not recoverable(grid, hidden_of(table), d.DFE)


def test_linked_tables_with_nothing_hidden_are_left_alone() -> None:
    a = d.CountTable(rows=["x"], columns=["y"], counts=[[50]])
    (only,) = d.protect_linked([(a, lambda p: ("same",))])
    assert all(c.shown for line in only.cells for c in line)
