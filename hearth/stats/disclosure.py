"""Disclosure control for every table analysts see (pure: plain data in, plain data out).

- **DISCLOSURE-1 v1** (domain.md §11.4; issue 15 §3): DfE's children in need convention.
  Counts from ``low`` to ``high`` (1 to 5) are shown as ``c``; 0 is shown. England and
  regional (national) totals are rounded to the nearest 10; rates and percentages to one
  decimal place, half up, computed on the unrounded counts. A rate or percentage is not
  shown where its count is not. ONS's alternative (suppress under 10, round to 5) is the
  ``ONS`` preset; a deployment may set its own ``DisclosureRules``.
- **Secondary suppression**: a table of counts with its row and column totals is one set
  of sums (each row adds up to its total, each column to its total, the totals to the
  grand total). First, any row or column with exactly one hidden cell has a second cell
  hidden: the smallest non-zero shown cell in that line (first by position on a tie), a
  total only when the line has no such cell; repeated until nothing changes. That classic
  rule is not enough on its own (a row ``1, 1, 20`` with its total 22 hides both 1s, and
  the two hidden cells must add up to 2, so each is 1), so then every hidden cell is
  checked against an attacker who knows every shown figure, that a hidden small count is
  from ``low`` to ``high`` and that any other hidden count is at least 1 (0 is always
  shown): a hidden cell is safe when the sums allow it another value, which is when it
  lies on a cycle of hidden cells that can move by one (cells on it alternately up and
  down, each staying within what the attacker knows of it). A cell that is not safe gets
  such a cycle: the shown non-zero cells that complete one at the least cost (their
  counts added up, cells before totals, the grand total last) are hidden too. Hiding
  more never makes a safe cell unsafe, so this ends.
- **Managers' exact counts** (issue 15 §3): a manager looking at their own agency's work
  sees exact counts, unsuppressed and unrounded; rates are still rounded.
- **DISCLOSURE-2 v1, differencing across requests** (issue 15 §3: "no suppressed cell can
  be worked out"): suppression protects each answer and the tables shown with it, but not
  two answers set side by side: the partnership's 43 less Northshire's 40 is Southmoor's
  hidden 3, and a year less its shown months is the hidden month. So every count an
  analyst sees is adjusted by ONS's **cell key method** (ONS, "Cell key perturbation",
  the method behind Census 2021's flexible tables): every fact has a random-looking
  record key from 0 to 255, fixed for ever; a count's cell key is the sum of its
  records' keys modulo 256, so any period or area's cell key is a sum like its count
  (``Keyed``); and the count is shown moved by a perturbation from −2 to +2 that is a
  fixed function of (count, cell key) (``perturbation``). The same figure asked for
  twice is the same; two figures subtracted give the hidden count plus noise that
  cannot be taken out. A 0 stays 0 (an empty cell has no records to protect) and a
  shown count never moves into the suppressed range. Rates and percentages are computed
  from the adjusted counts, so they give nothing back. Totals are adjusted as figures in
  their own right and may not equal the sum of their adjusted parts (ONS says so beside
  its tables, and so do Hearth's). Not adjusted: managers' exact counts, England's and
  regions' totals (rounded to the nearest 10 already), and DfE's published figures.
  A count made from the facts without a key (``int``, not ``Keyed``) is shown unadjusted:
  every count the statistics pages read carries its key (tests check).

The protected table never holds a hidden count: what is not shown is not there to leak.
"""

from __future__ import annotations

import hashlib
import heapq
import math
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

RULE = "DISCLOSURE-1"
RULE_VERSION = "1"
PERTURBATION_RULE = "DISCLOSURE-2"
PERTURBATION_RULE_VERSION = "1"

SMALL_COUNT = "small count"
SECONDARY = "secondary"
LINKED = "secondary"  # hidden because the same figure is hidden in a linked table
COUNT_HIDDEN = "count hidden"
NOT_APPLICABLE = "not applicable"

NOT_APPLICABLE_SYMBOL = "z"  # DfE: not applicable (a rate with no population)


@dataclass(frozen=True)
class DisclosureRules:
    """A deployment's disclosure control (domain.md §11.4)."""

    name: str = "DfE"
    low: int = 1  # counts from low to high (inclusive) are shown as the symbol
    high: int = 5
    symbol: str = "c"
    national_round_to: int = 10  # England and regional totals, to the nearest N
    decimals: int = 1  # rates and percentages
    # DISCLOSURE-2: the largest adjustment of a count by its cell key (0: none).
    perturbation: int = 2

    def __post_init__(self) -> None:
        if not 0 <= self.low < self.high:
            raise ValueError("Suppression needs 0 <= low < high.")
        if self.national_round_to < 1 or self.decimals < 0:
            raise ValueError("Round to a positive number, to 0 or more decimals.")
        if self.perturbation not in PERTURBATION_WEIGHTS:
            raise ValueError(f"Adjust counts by at most one of {sorted(PERTURBATION_WEIGHTS)}.")

    def is_small(self, count: int) -> bool:
        return self.low <= count <= self.high


# --- Cell keys (DISCLOSURE-2) ------------------------------------------------------------

KEY_SPACE = 256  # record keys and cell keys are 0 to 255, as ONS's

# How likely each adjustment is, out of 256, by the largest adjustment allowed: centred
# on 0 (no bias), most counts moved, none by more than the largest.
PERTURBATION_WEIGHTS: dict[int, dict[int, int]] = {
    0: {0: 256},
    1: {-1: 64, 0: 128, 1: 64},
    2: {-2: 26, -1: 51, 0: 102, 1: 51, 2: 26},
    3: {-3: 13, -2: 26, -1: 51, 0: 76, 1: 51, 2: 26, 3: 13},
}


class Keyed(int):
    """A count that carries its cell key: the sum of its records' keys, modulo 256.

    Adding or subtracting two keyed counts adds or subtracts their keys (the records of a
    sum are both sets' records; of a difference, those of the first not in the second),
    so sums over months, areas and categories keep their key for free. Adding a plain
    0 keeps it (``sum`` starts at 0); adding any other plain number loses it (its records'
    keys are unknown), and so does every other operation: the result is a plain ``int``.
    """

    key: int

    def __new__(cls, value: int, key: int = 0) -> Keyed:
        made = super().__new__(cls, value)
        made.key = key % KEY_SPACE
        return made

    def __add__(self, other: object) -> Any:
        if isinstance(other, Keyed):
            return Keyed(int(self) + int(other), self.key + other.key)
        if isinstance(other, int) and other == 0:
            return self
        return int(self) + other  # type: ignore[operator]

    __radd__ = __add__

    def __sub__(self, other: object) -> Any:
        if isinstance(other, Keyed):
            return Keyed(int(self) - int(other), self.key - other.key)
        if isinstance(other, int) and other == 0:
            return self
        return int(self) - other  # type: ignore[operator]

    def __rsub__(self, other: object) -> Any:
        return other - int(self)  # type: ignore[operator]

    def __repr__(self) -> str:
        return f"Keyed({int(self)}, key={self.key})"


def cell_key(count: int) -> int | None:
    """The cell key ``count`` carries, or None for a plain count."""
    return count.key if isinstance(count, Keyed) else None


def perturbation(count: int, key: int, largest: int) -> int:
    """The fixed adjustment of a count of ``count`` records whose cell key is ``key``
    (ONS's perturbation table, as a function): the same (count, key) always gives the
    same adjustment, and a different key or count an unrelated one."""
    weights = PERTURBATION_WEIGHTS[largest]
    digest = hashlib.blake2b(f"{int(count)}:{key % KEY_SPACE}".encode(), digest_size=2).digest()
    draw = int.from_bytes(digest, "big") % sum(weights.values())
    for step, weight in sorted(weights.items()):
        if draw < weight:
            return step
        draw -= weight
    return 0  # not reached: the draw is below the weights' sum


def adjusted(count: int, rules: DisclosureRules) -> int:
    """``count`` as published under DISCLOSURE-2: a keyed count moved by its perturbation,
    never below ``high + 1`` (a shown count never looks suppressed) nor to or from 0; a
    plain count as it is."""
    key = cell_key(count)
    if key is None or count <= 0 or not rules.perturbation:
        return int(count)
    moved = int(count) + perturbation(count, key, rules.perturbation)
    return max(moved, rules.high + 1) if count > rules.high else max(moved, 1)


DFE = DisclosureRules()
ONS = DisclosureRules(name="ONS", low=1, high=9, national_round_to=5)
PRESETS = {"dfe": DFE, "ons": ONS}


# --- Rounding -------------------------------------------------------------------------


def round_to_nearest(count: int, n: int) -> int:
    """``count`` to the nearest multiple of ``n``, halves up (15 -> 20 for n = 10)."""
    return math.floor(Fraction(count, n) + Fraction(1, 2)) * n


def round_half_up(value: Fraction | Decimal | int | float, decimals: int) -> Decimal:
    """``value`` to ``decimals`` places, halves away from zero (41.05 -> 41.1).

    A float is taken as it is written (``repr``), so 0.15 rounds to 0.2.
    """
    exact = Fraction(repr(value)) if isinstance(value, float) else Fraction(value)
    scale = 10**decimals
    magnitude = math.floor(abs(exact) * scale + Fraction(1, 2))
    signed = -magnitude if exact < 0 else magnitude
    return Decimal(signed).scaleb(-decimals)


def rate(count: int, denominator: int, *, per: int, rules: DisclosureRules) -> Decimal | None:
    """``count`` per ``per`` of ``denominator`` (10,000 children, 100 for a percentage),
    rounded; None when there is nothing to divide by."""
    if denominator <= 0:
        return None
    return round_half_up(Fraction(count * per, denominator), rules.decimals)


# --- Cells ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One figure as published: its value when shown, else why not (and no value)."""

    value: int | Decimal | None
    shown: bool
    reason: str = ""  # "small count", "secondary", "count hidden", "not applicable"
    symbol: str = ""  # what stands in its place when not shown
    rounded: bool = False  # a national total rounded to the nearest N
    # Subject to DISCLOSURE-2 (it may have been moved by up to ``rules.perturbation``);
    # says nothing of whether it was.
    perturbed: bool = False

    @property
    def text(self) -> str:
        if not self.shown or self.value is None:
            return self.symbol
        return f"{self.value:,}"


def count_cell(
    count: int,
    rules: DisclosureRules = DFE,
    *,
    national: bool = False,
    managers_exact: bool = False,
) -> Cell:
    """A single count with no totals beside it: small counts hidden, national rounded."""
    if managers_exact:
        return Cell(value=int(count), shown=True)
    if rules.is_small(count):
        return Cell(value=None, shown=False, reason=SMALL_COUNT, symbol=rules.symbol)
    if national:
        return Cell(
            value=round_to_nearest(count, rules.national_round_to), shown=True, rounded=True
        )
    return _shown_count(count, rules)


def _shown_count(count: int, rules: DisclosureRules) -> Cell:
    """A count an analyst may see, adjusted by its cell key (DISCLOSURE-2)."""
    perturbed = cell_key(count) is not None and bool(rules.perturbation) and count > 0
    return Cell(value=adjusted(count, rules), shown=True, perturbed=perturbed)


def rate_cell(
    count: Cell,
    numerator: int,
    denominator: int,
    *,
    per: int,
    rules: DisclosureRules = DFE,
) -> Cell:
    """A rate (or, with ``per=100``, a percentage) of a count as published: not shown
    where the count is not; computed on the unrounded count, or, where the count shown
    is adjusted (DISCLOSURE-2), on the adjusted numerator and denominator (a percentage
    then at most 100), so the rate gives back nothing the count does not."""
    if not count.shown:
        return Cell(value=None, shown=False, reason=COUNT_HIDDEN, symbol=rules.symbol)
    if count.perturbed:
        numerator, denominator = adjusted(numerator, rules), adjusted(denominator, rules)
        if per == 100:
            numerator = min(numerator, denominator)
    value = rate(numerator, denominator, per=per, rules=rules)
    if value is None:
        return Cell(value=None, shown=False, reason=NOT_APPLICABLE, symbol=NOT_APPLICABLE_SYMBOL)
    return Cell(value=value, shown=True, perturbed=count.perturbed)


# --- Tables ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CountTable:
    """Counts: a row per area, a column per category. Totals are added by ``protect``.

    ``denominators``, if given, is each row's population (children aged 0 to 17, say):
    each cell then has a rate per ``per``; the totals row's rates use their sum.
    """

    rows: Sequence[str]
    columns: Sequence[str]
    counts: Sequence[Sequence[int]]
    denominators: Sequence[int] | None = None
    per: int = 10_000

    def __post_init__(self) -> None:
        if len(self.counts) != len(self.rows):
            raise ValueError("One line of counts for each row.")
        if any(len(line) != len(self.columns) for line in self.counts):
            raise ValueError("One count for each column in every row.")
        if any(c < 0 for line in self.counts for c in line):
            raise ValueError("Counts are never negative.")
        if self.denominators is not None and len(self.denominators) != len(self.rows):
            raise ValueError("One denominator for each row.")


@dataclass(frozen=True)
class ProtectedTable:
    """A table as published. ``cells[i][j]`` for row i and column j; the row totals are
    the last column of each row (``cells[i][-1]``), the totals row is the last row
    (``cells[-1]``), the grand total ``cells[-1][-1]``. ``rates`` likewise, or empty."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[Cell, ...], ...]
    rates: tuple[tuple[Cell, ...], ...]
    rules: DisclosureRules
    exact: bool

    @property
    def body(self) -> tuple[tuple[Cell, ...], ...]:
        return tuple(line[:-1] for line in self.cells[:-1])

    def row_total(self, i: int) -> Cell:
        return self.cells[i][-1]

    def column_total(self, j: int) -> Cell:
        return self.cells[-1][j]

    @property
    def grand_total(self) -> Cell:
        return self.cells[-1][-1]


Position = tuple[int, int]


def with_totals(counts: Sequence[Sequence[int]]) -> list[list[int]]:
    """The counts with a total at the end of each row and a totals row at the bottom."""
    grid = [[*line, sum(line)] for line in counts]
    width = len(grid[0]) if grid else 1
    grid.append([sum(line[j] for line in grid) for j in range(width)])
    return grid


def protect(
    table: CountTable,
    rules: DisclosureRules = DFE,
    *,
    national_totals: bool = False,
    managers_exact: bool = False,
    hide: Iterable[Position] = (),
) -> ProtectedTable:
    """The table as an analyst may see it (or, ``managers_exact``, as a manager of the
    agency whose work it counts may). ``national_totals``: the totals row and the grand
    total are England's (or a region's), rounded to the nearest ``national_round_to``.
    ``hide``: positions (in the grid with its totals) to hide as well, because the same
    figure is hidden in a linked table (``protect_linked``); a 0 is never hidden."""
    grid = with_totals(table.counts)
    last_row = len(grid) - 1
    hidden: dict[Position, str] = {}
    if not managers_exact:
        hidden = _suppress(grid, rules, forced=hide)

    cells: list[tuple[Cell, ...]] = []
    for i, line in enumerate(grid):
        out: list[Cell] = []
        for j, count in enumerate(line):
            if (i, j) in hidden:
                out.append(
                    Cell(value=None, shown=False, reason=hidden[(i, j)], symbol=rules.symbol)
                )
            elif national_totals and not managers_exact and i == last_row:
                value = round_to_nearest(count, rules.national_round_to)
                out.append(Cell(value=value, shown=True, rounded=True))
            elif managers_exact:
                out.append(Cell(value=int(count), shown=True))
            else:
                out.append(_shown_count(count, rules))
        cells.append(tuple(out))

    rates: list[tuple[Cell, ...]] = []
    if table.denominators is not None:
        denominators = [*table.denominators, sum(table.denominators)]
        for i, line in enumerate(grid):
            rates.append(
                tuple(
                    rate_cell(cells[i][j], count, denominators[i], per=table.per, rules=rules)
                    for j, count in enumerate(line)
                )
            )
    return ProtectedTable(
        rows=tuple(table.rows),
        columns=tuple(table.columns),
        cells=tuple(cells),
        rates=tuple(rates),
        rules=rules,
        exact=managers_exact,
    )


def protect_linked(
    tables: Sequence[tuple[CountTable, Callable[[Position], Hashable | None]]],
    rules: DisclosureRules = DFE,
    *,
    managers_exact: bool = False,
) -> list[ProtectedTable]:
    """Tables shown together (one page, one CSV, one API answer) protected together.

    Each table comes with ``key(position)``: what the figure at that position of its grid
    (totals included) counts, as a hashable key (``("referrals", area, "police")``), or
    None for a figure no other table shows. The same count is often in two tables (the
    police's referrals for a local authority, in the front doors' table and in the
    forces' table): hidden in one and shown in the other would give it away, and so
    would a total shown in one table that is hidden in another. So a figure hidden in
    any table is hidden in every table that shows it, and each table is protected again
    (its own secondary suppression then covers the newly hidden figure) until nothing
    changes. Hiding only grows, so it ends."""
    hidden_keys: set[Hashable] = set()
    while True:
        protected: list[ProtectedTable] = []
        for table, key in tables:
            grid = with_totals(table.counts)
            hide = [
                (i, j)
                for i, line in enumerate(grid)
                for j in range(len(line))
                if (k := key((i, j))) is not None and k in hidden_keys
            ]
            protected.append(protect(table, rules, managers_exact=managers_exact, hide=hide))
        now_hidden = {
            k
            for (table, key), result in zip(tables, protected, strict=True)
            for i, line in enumerate(result.cells)
            for j, cell in enumerate(line)
            if not cell.shown and (k := key((i, j))) is not None
        }
        if now_hidden <= hidden_keys:
            return protected
        hidden_keys |= now_hidden


# --- Suppression ----------------------------------------------------------------------


def _suppress(
    grid: list[list[int]], rules: DisclosureRules, *, forced: Iterable[Position] = ()
) -> dict[Position, str]:
    hidden: dict[Position, str] = {(i, j): LINKED for i, j in forced if grid[i][j] != 0}
    hidden.update(
        {
            (i, j): SMALL_COUNT
            for i, line in enumerate(grid)
            for j, count in enumerate(line)
            if rules.is_small(count)
        }
    )
    # A cell once safe stays safe: hiding more only gives the sums more freedom.
    settled: set[Position] = set()
    while True:
        while _line_rule(grid, hidden):
            pass
        widened = False
        for target in sorted(hidden):
            if target in settled:
                continue
            if not _safe(grid, hidden, target, rules):
                widen = _cheapest_cycle(grid, hidden, target, rules)
                if not widen:  # cannot happen while low < high; never loop for ever
                    settled.add(target)
                    continue
                hidden.update(dict.fromkeys(widen, SECONDARY))
                widened = True
                if not _safe(grid, hidden, target, rules):
                    continue
            settled.add(target)
        if not widened:
            return hidden


def _everywhere(grid: list[list[int]]) -> list[Position]:
    return [(i, j) for i in range(len(grid)) for j in range(len(grid[0]))]


def _lines(grid: list[list[int]]) -> list[list[Position]]:
    rows, cols = len(grid), len(grid[0])
    return [[(i, j) for j in range(cols)] for i in range(rows)] + [
        [(i, j) for i in range(rows)] for j in range(cols)
    ]


def _candidates(
    grid: list[list[int]], hidden: dict[Position, str], among: list[Position]
) -> list[Position]:
    """Shown non-zero cells to hide next, best first: cells before totals (the grand total
    last), then the smallest, then the first by position."""
    last_row, last_col = len(grid) - 1, len(grid[0]) - 1

    def rank(p: Position) -> tuple[int, int, int, int]:
        i, j = p
        kind = 2 if (i, j) == (last_row, last_col) else 1 if (i == last_row or j == last_col) else 0
        return (kind, grid[i][j], i, j)

    return sorted((p for p in among if p not in hidden and grid[p[0]][p[1]] != 0), key=rank)


def _line_rule(grid: list[list[int]], hidden: dict[Position, str]) -> bool:
    """The classic rule: a line with exactly one hidden cell has a second hidden."""
    for line in _lines(grid):
        if sum(1 for p in line if p in hidden) == 1:
            choice = _candidates(grid, hidden, line)
            if choice:
                hidden[choice[0]] = SECONDARY
                return True
    return False


def _bounds(hidden: dict[Position, str], p: Position, rules: DisclosureRules) -> tuple[int, float]:
    """What the attacker knows of a hidden cell: a small count is from low to high, any
    other hidden count at least 1 (0 is always shown, and never hidden second)."""
    if hidden[p] == SMALL_COUNT:
        return rules.low, rules.high
    return 1, math.inf


Vertex = tuple[str, int]


def _change(grid: list[list[int]], p: Position, forward: bool) -> int:
    """How a step along cell ``p`` changes its count. Row vertices ("r", i) and column
    vertices ("c", j): a step from a cell's row to its column adds one to it in the signed
    sums, from its column to its row takes one off; a total's sign is flipped (a row adds
    up to its total, which is the row minus its total adding up to 0)."""
    last_row, last_col = len(grid) - 1, len(grid[0]) - 1
    sign = (-1 if p[0] == last_row else 1) * (-1 if p[1] == last_col else 1)
    return sign if forward else -sign


def _allowed(
    grid: list[list[int]],
    hidden: dict[Position, str],
    p: Position,
    forward: bool,
    rules: DisclosureRules,
) -> bool:
    low, high = _bounds(hidden, p, rules) if p in hidden else (1, math.inf)
    return low <= grid[p[0]][p[1]] + _change(grid, p, forward) <= high


def _ends(p: Position, forward: bool) -> tuple[Vertex, Vertex]:
    row, col = ("r", p[0]), ("c", p[1])
    return (row, col) if forward else (col, row)


def _safe(
    grid: list[list[int]], hidden: dict[Position, str], target: Position, rules: DisclosureRules
) -> bool:
    """Whether the sums allow ``target`` another value: a cycle through it of hidden cells
    that can each move by one, alternately up and down along the cycle."""
    arcs: dict[Vertex, list[Vertex]] = {}
    for p in hidden:
        if p == target:
            continue
        for forward in (True, False):
            if _allowed(grid, hidden, p, forward, rules):
                start, end = _ends(p, forward)
                arcs.setdefault(start, []).append(end)

    def reaches(start: Vertex, goal: Vertex) -> bool:
        seen = {start}
        queue = deque([start])
        while queue:
            here = queue.popleft()
            if here == goal:
                return True
            for there in arcs.get(here, ()):
                if there not in seen:
                    seen.add(there)
                    queue.append(there)
        return False

    for forward in (True, False):
        if _allowed(grid, hidden, target, forward, rules):
            start, end = _ends(target, forward)
            if reaches(end, start):
                return True
    return False


def _cheapest_cycle(
    grid: list[list[int]], hidden: dict[Position, str], target: Position, rules: DisclosureRules
) -> list[Position]:
    """The shown cells to hide so that ``target`` lies on a cycle that can move: the
    cheapest path back to it, where a hidden cell costs nothing and a shown non-zero one
    its count (a total more than any path of cells, the grand total more again)."""
    last_row, last_col = len(grid) - 1, len(grid[0]) - 1
    penalty = grid[last_row][last_col] + 1

    def cost(p: Position) -> int:
        if p in hidden:
            return 0
        kind = 2 if p == (last_row, last_col) else 1 if last_row == p[0] or last_col == p[1] else 0
        return grid[p[0]][p[1]] + kind * penalty

    arcs: dict[Vertex, list[tuple[Vertex, Position]]] = {}
    for p in _everywhere(grid):
        if p == target or (p not in hidden and grid[p[0]][p[1]] == 0):
            continue
        for forward in (True, False):
            if _allowed(grid, hidden, p, forward, rules):
                start, end = _ends(p, forward)
                arcs.setdefault(start, []).append((end, p))

    best: list[Position] | None = None
    best_cost = math.inf
    for forward in (True, False):
        if not _allowed(grid, hidden, target, forward, rules):
            continue
        start, goal = _ends(target, forward)
        found = _dijkstra(arcs, cost, source=goal, goal=start)
        if found is not None and found[0] < best_cost:
            best_cost, best = found
    return [p for p in best or [] if p not in hidden]


def _dijkstra(
    arcs: dict[Vertex, list[tuple[Vertex, Position]]],
    cost: Callable[[Position], int],
    *,
    source: Vertex,
    goal: Vertex,
) -> tuple[int, list[Position]] | None:
    distance: dict[Vertex, int] = {source: 0}
    came: dict[Vertex, tuple[Vertex, Position]] = {}
    heap: list[tuple[int, Vertex]] = [(0, source)]
    done: set[Vertex] = set()
    while heap:
        here_cost, here = heapq.heappop(heap)
        if here in done:
            continue
        if here == goal:
            path: list[Position] = []
            while here != source:
                here, p = came[here]
                path.append(p)
            return here_cost, path[::-1]
        done.add(here)
        for there, p in arcs.get(here, ()):
            new = here_cost + cost(p)
            if there not in done and new < distance.get(there, math.inf):
                distance[there] = new
                came[there] = (here, p)
                heapq.heappush(heap, (new, there))
    return None
