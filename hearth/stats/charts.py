"""Each ``StatTable`` drawn as an accessible SVG, on the server, with matplotlib (issue 15
§4). Pure: a table in, markup out; no database.

- **Accessible**: the ``<svg>`` has ``role="img"``, a ``<title>`` (the table's title) and a
  ``<desc>`` (its description), both named by ``aria-labelledby``. The figures themselves
  are in the data table the page always shows beside the chart.
- **Honest about hidden figures**: a cell that is not shown (a small count, or a rate made
  from one) is drawn as a gap with a "c" mark where its bar or point would be, never as 0.
- **Fits any screen**: no fixed size, only a ``viewBox`` and ``width="100%"``, so it
  scales to its column on a phone; text is drawn large (15px at the chart's own size).
- **Under the page's Content Security Policy** (``style-src 'self'``): matplotlib writes
  ``style="…"`` attributes and a ``<style>`` element, which the policy would block, so
  each style declaration becomes the SVG presentation attribute of the same name and the
  ``<style>`` element is dropped. Element ids are dropped too, except those the drawing
  refers to (clip paths, markers), which are prefixed with the table's key, so several
  charts on one page never share an id.
- **Deterministic**: a fixed ``svg.hashsalt``, text as text (``svg.fonttype`` "none"), no
  XML prolog, no metadata or date. The same table gives the same bytes.
- **Thread-safe and fast**: the object API (``matplotlib.figure.Figure`` with the SVG
  canvas), never pyplot's global state; a chart takes about 20 ms, and charts are cached
  by the table's content (tables are frozen, so equal tables draw the same chart).

Colours are the Government Analysis Function's categorical palette for charts (dark blue,
turquoise, dark pink, orange, dark grey, light purple), chosen to be told apart with the
common colour vision deficiencies; text is GOV.UK's text colour.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import matplotlib
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

from hearth.stats.disclosure import Cell
from hearth.stats.tables import ChartKind, StatTable, Unit

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

# The Government Analysis Function's categorical palette (colour-blind safe in order).
PALETTE = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
TEXT_COLOUR = "#0b0c0c"  # GOV.UK text
GRID_COLOUR = "#b1b4b6"  # GOV.UK mid-grey
FONT_FAMILY = "arial, sans-serif"  # the font GOV.UK Frontend pages use
FONT_SIZE = 15  # px at the chart's own size (its viewBox is 500 wide)
WIDTH_INCHES = 500 / 72  # 500 user units: text 15px here is 19px (GOV.UK body) in a 640px column
HIDDEN_MARK = "c"
CHART_VERSION = "2"  # change when the drawing changes: shared caches key charts by it
LEGEND_COLUMNS = 3
LINE_HEIGHT_INCHES = FONT_SIZE * 1.7 / 72  # a legend row
# Classes on the drawing's groups (matplotlib's gid), for tests and any print styles.
BAR_CLASS = "hearth-chart__bar"
LINE_CLASS = "hearth-chart__line"
HIDDEN_CLASS = "hearth-chart__hidden"

RC_PARAMS: Any = {  # matplotlib types its keys as a Literal of every rc name
    "svg.hashsalt": "hearth-stats",
    "svg.fonttype": "none",
    "font.size": FONT_SIZE,
    "text.color": TEXT_COLOUR,
    "axes.labelcolor": TEXT_COLOUR,
    "axes.edgecolor": TEXT_COLOUR,
    "xtick.color": TEXT_COLOUR,
    "ytick.color": TEXT_COLOUR,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
}

# Presentation attributes a style declaration may become (SVG 1.1 §M.2); any other
# declaration matplotlib might write is dropped rather than left for the policy to block.
PRESENTATION = frozenset(
    {
        "clip-path",
        "clip-rule",
        "fill",
        "fill-opacity",
        "fill-rule",
        "font-family",
        "font-size",
        "font-style",
        "font-weight",
        "opacity",
        "stroke",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-opacity",
        "stroke-width",
        "text-anchor",
        "dominant-baseline",
    }
)

_VALUE_LABELS = {
    Unit.COUNT: "Number",
    Unit.RATE: "Per 10,000",
    Unit.PERCENT: "Per cent",
    Unit.DURATION: "Hours",
}


def chart_columns(table: StatTable) -> tuple[int, ...]:
    """The columns the chart draws: the table's choice, else its count columns."""
    if table.chart_columns:
        return table.chart_columns
    return tuple(j for j, unit in enumerate(table.units) if unit == Unit.COUNT)


def chart_rows(table: StatTable) -> tuple[int, ...]:
    """The rows the chart draws: all but a totals row (a total would dwarf its parts)."""
    count = len(table.rows) - (1 if table.totals_row and len(table.rows) > 1 else 0)
    return tuple(range(count))


def number(cell: Cell, unit: Unit) -> float | None:
    """A cell's value to draw, or None for a gap (hidden, or nothing to show)."""
    if not cell.shown or cell.value is None:
        return None
    value = float(cell.value)
    return value / 60 if unit == Unit.DURATION else value  # durations are minutes


def chart_svg(table: StatTable) -> str:
    """The table as inline SVG markup, or "" when it has no chart (``ChartKind.NONE``,
    or nothing to draw)."""
    return _chart_svg(table)


@lru_cache(maxsize=512)
def _chart_svg(table: StatTable) -> str:
    columns = chart_columns(table)
    rows = chart_rows(table)
    if table.chart == ChartKind.NONE or not columns or not rows:
        return ""
    with matplotlib.rc_context(RC_PARAMS):
        figure = _draw(table, rows, columns)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return _accessible(buffer.getvalue(), table)


def _wrap(label: str, width: int = 24) -> str:
    return "\n".join(textwrap.wrap(label, width)) or label


def _draw(table: StatTable, rows: tuple[int, ...], columns: tuple[int, ...]) -> Figure:
    units = {table.units[j] for j in columns}
    unit = next(iter(units)) if len(units) == 1 else Unit.COUNT
    values = [[number(table.cells[i][j], table.units[j]) for j in columns] for i in rows]
    labels = [table.rows[i] for i in rows]
    names = [table.columns[j] for j in columns]
    legend_rows = math.ceil(len(names) / _legend_columns(names)) if len(names) > 1 else 0
    if table.chart == ChartKind.LINE:
        height = 4.2 + legend_rows * LINE_HEIGHT_INCHES
        figure = Figure(figsize=(WIDTH_INCHES, height))
        FigureCanvasSVG(figure)
        axes = figure.add_subplot()
        _line(axes, labels, names, values, unit)
        lines_below = max(len(_wrap(label, 12).splitlines()) for label in labels)
        _margins(figure, left_chars=8, below_lines=lines_below + 1, legend_rows=legend_rows)
    else:
        bars_per_row = 1 if table.chart == ChartKind.STACKED else len(columns)
        height = 1.3 + 0.42 * len(rows) * max(1, bars_per_row * 0.75)
        height += legend_rows * LINE_HEIGHT_INCHES
        figure = Figure(figsize=(WIDTH_INCHES, min(height, 30)))
        FigureCanvasSVG(figure)
        axes = figure.add_subplot()
        if table.chart == ChartKind.STACKED:
            _stacked(axes, labels, names, values, unit)
        else:
            _bars(axes, labels, names, values, unit)
        longest = max(len(line) for label in labels for line in _wrap(label).splitlines())
        _margins(figure, left_chars=longest, below_lines=2, legend_rows=legend_rows)
    return figure


def _margins(figure: Figure, *, left_chars: int, below_lines: int, legend_rows: int) -> None:
    """Room for the row labels, the axis below and the legend above, worked out from the
    text's length rather than by matplotlib's constrained layout, which draws the whole
    figure twice (a chart in half the time). Generous: DejaVu Sans, which measures the
    text, is wider than the Arial the browser draws it in."""
    width_pt, height_pt = figure.get_size_inches() * 72
    em = FONT_SIZE * 0.62  # an average character, in points
    left = min(0.6, (left_chars * em + 14) / width_pt)
    bottom = (below_lines * FONT_SIZE * 1.35 + 14) / height_pt
    top = 1 - (legend_rows * FONT_SIZE * 1.7 + 10) / height_pt
    figure.subplots_adjust(left=left, right=1 - 18 / width_pt, bottom=bottom, top=top)


def _value_axis(axes: Any, unit: Unit, *, horizontal: bool) -> None:
    label = _VALUE_LABELS[unit]
    grid = axes.xaxis if horizontal else axes.yaxis
    grid.grid(True, color=GRID_COLOUR, linewidth=0.8)
    axes.set_axisbelow(True)
    if horizontal:
        axes.set_xlabel(label)
        axes.xaxis.get_major_locator().set_params(integer=unit == Unit.COUNT)
    else:
        axes.set_ylabel(label)
        axes.yaxis.get_major_locator().set_params(integer=unit == Unit.COUNT)


def _category_axis(axes: Any, labels: list[str]) -> None:
    """One row per table row, the first at the top as in the table, each with room even
    when no bar is drawn on it."""
    axes.set_yticks(range(len(labels)), [_wrap(label) for label in labels])
    axes.set_ylim(len(labels) - 0.5, -0.5)


def _value_limit(
    axes: Any, values: Sequence[float | None], unit: Unit, *, horizontal: bool
) -> None:
    """From 0 to a little past the largest figure shown (percentages to 100); an axis to 1
    when nothing is shown, rather than matplotlib's fractions of nothing."""
    top = max((v for v in values if v is not None), default=0.0)
    if unit == Unit.PERCENT:
        top = 100.0
    elif top <= 0:
        top = 1.0
    else:
        top *= 1.08
    (axes.set_xlim if horizontal else axes.set_ylim)(0, top)


def _legend_columns(names: Sequence[str]) -> int:
    """All the series' keys on one line when they fit, else one a line (matplotlib fills
    a legend's columns top to bottom, so two or three columns would not read in order)."""
    em = FONT_SIZE * 0.62
    wide = sum(len(name) * em + 60 for name in names)
    return len(names) if len(names) <= LEGEND_COLUMNS and wide <= WIDTH_INCHES * 72 else 1


def _legend(axes: Any, names: Sequence[str]) -> None:
    """Above the plot, in the columns' order (the table's order), when there is more than
    one series."""
    if len(names) > 1:
        axes.figure.legend(
            loc="upper left",
            bbox_to_anchor=(0.0, 1.0),
            ncols=_legend_columns(names),
            borderaxespad=0.3,
        )


def _mark(axes: Any, x: float, y: float, *, colour: str, horizontal: bool) -> None:
    """The "c" of a hidden figure, at the foot of where its bar or point would be."""
    axes.annotate(
        HIDDEN_MARK,
        (x, y),
        xytext=(4, 0) if horizontal else (0, 4),
        textcoords="offset points",
        ha="left" if horizontal else "center",
        va="center" if horizontal else "bottom",
        color=colour,
        fontweight="bold",
        gid=HIDDEN_CLASS,
    )


def _bars(
    axes: Any, labels: list[str], names: list[str], values: list[list[float | None]], unit: Unit
) -> None:
    """One horizontal bar per row, or a group of bars per row (one per column)."""
    n = len(names)
    band = 0.8 / n
    for k, name in enumerate(names):
        colour = PALETTE[k % len(PALETTE)]
        positions = [i + (k - (n - 1) / 2) * band for i in range(len(labels))]
        widths = [v if v is not None else 0.0 for v in (row[k] for row in values)]
        drawn = [
            (p, w)
            for p, w, row in zip(positions, widths, values, strict=True)
            if row[k] is not None
        ]
        container = axes.barh(
            [p for p, _ in drawn] or [positions[0]],
            [w for _, w in drawn] or [0.0],
            height=band * 0.9,
            color=colour,
            label=name,
        )
        _bar_gids(container, len(drawn))
        for p, row in zip(positions, values, strict=True):
            if row[k] is None:
                _mark(axes, 0, p, colour=colour, horizontal=True)
    _category_axis(axes, labels)
    _value_limit(axes, [v for row in values for v in row], unit, horizontal=True)
    _value_axis(axes, unit, horizontal=True)
    _legend(axes, names)


def _bar_gids(container: Any, drawn: int) -> None:
    """Mark the bars drawn (none when every figure was hidden: matplotlib then got one
    bar of width 0 only to keep the legend, which is not marked)."""
    for patch in list(container)[:drawn]:
        patch.set_gid(BAR_CLASS)


def _stacked(
    axes: Any, labels: list[str], names: list[str], values: list[list[float | None]], unit: Unit
) -> None:
    """One horizontal bar per row, its columns stacked; a hidden part is left out and
    marked "c" at the bar's end (it cannot be drawn, and is never drawn as 0)."""
    lefts = [0.0] * len(labels)
    for k, name in enumerate(names):
        colour = PALETTE[k % len(PALETTE)]
        shown = [(i, row[k]) for i, row in enumerate(values) if row[k] is not None]
        container = axes.barh(
            [i for i, _ in shown] or [0],
            [v for _, v in shown] or [0.0],
            left=[lefts[i] for i, _ in shown] or [0.0],
            height=0.7,
            color=colour,
            label=name,
        )
        _bar_gids(container, len(shown))
        for i, v in shown:
            lefts[i] += v or 0.0
    for i, row in enumerate(values):
        hidden = [k for k, v in enumerate(row) if v is None]
        if hidden:
            _mark(axes, lefts[i], i, colour=TEXT_COLOUR, horizontal=True)
    _category_axis(axes, labels)
    _value_limit(axes, lefts, unit, horizontal=True)
    _value_axis(axes, unit, horizontal=True)
    _legend(axes, names)


def _line(
    axes: Any, labels: list[str], names: list[str], values: list[list[float | None]], unit: Unit
) -> None:
    """Rows are periods in order; one line per column, broken where a figure is hidden."""
    xs = list(range(len(labels)))
    markers = ("o", "s", "^", "D", "v", "P")
    for k, name in enumerate(names):
        colour = PALETTE[k % len(PALETTE)]
        ys = [row[k] if row[k] is not None else math.nan for row in values]
        axes.plot(
            xs,
            ys,
            color=colour,
            marker=markers[k % len(markers)],
            linewidth=2.5,
            label=name,
            gid=LINE_CLASS,
        )
        for x, row in zip(xs, values, strict=True):
            if row[k] is None:
                _mark(axes, x, 0, colour=colour, horizontal=False)
    # As many period labels as fit side by side (each wrapped at 12 characters).
    widest = max(len(line) for label in labels for line in _wrap(label, 12).splitlines())
    room = WIDTH_INCHES * 72 * 0.8
    step = max(1, math.ceil(len(labels) * (widest * FONT_SIZE * 0.62 + 12) / room))
    axes.set_xticks(xs[::step], [_wrap(label, 12) for label in labels[::step]])
    _value_limit(axes, [v for row in values for v in row], unit, horizontal=False)
    _value_axis(axes, unit, horizontal=False)
    _legend(axes, names)


# --- Making matplotlib's SVG accessible and allowed by the page's policy -----------------

_PROLOG = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)


def _ids_for(table: StatTable) -> tuple[str, str, str]:
    slug = re.sub(r"[^a-z0-9]+", "-", table.key.lower()).strip("-") or "table"
    prefix = f"chart-{slug}"
    return prefix, f"{prefix}-title", f"{prefix}-desc"


def _accessible(svg: str, table: StatTable) -> str:
    # matplotlib's own output, made here from our tables: not untrusted input.
    root = ET.fromstring(_PROLOG.sub("", svg, count=1))  # noqa: S314
    prefix, title_id, desc_id = _ids_for(table)
    for element in list(root):
        if element.tag in (f"{{{SVG_NS}}}metadata",):
            root.remove(element)
    referenced = _referenced_ids(root)
    for parent in root.iter():
        for child in list(parent):
            if child.tag == f"{{{SVG_NS}}}style":
                parent.remove(child)
    for element in root.iter():
        _style_to_attributes(element)
        _rename_ids(element, prefix, referenced)
    # The dropped <style> element said this for every shape.
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    root.set("font-family", FONT_FAMILY)
    for attribute in ("width", "height", "version"):
        root.attrib.pop(attribute, None)
    root.set("width", "100%")
    root.set("role", "img")
    root.set("aria-labelledby", f"{title_id} {desc_id}")
    root.set("class", "hearth-chart")
    root.set("focusable", "false")
    title = ET.Element(f"{{{SVG_NS}}}title", {"id": title_id})
    title.text = table.title
    desc = ET.Element(f"{{{SVG_NS}}}desc", {"id": desc_id})
    desc.text = table.description
    root.insert(0, desc)
    root.insert(0, title)
    ET.indent(root, space="")
    return _serialise(root)


_PREFIXES = {SVG_NS: "", XLINK_NS: "xlink:", "http://www.w3.org/XML/1998/namespace": "xml:"}


def _serialise(root: ET.Element) -> str:
    """The chart as markup, with SVG as its default namespace. Not ``ET.tostring``:
    ElementTree's prefixes are one table for the whole process that other libraries
    write to (qrcode maps SVG to "svg" whenever the sign-in security page draws a QR
    code), and an HTML page does not draw ``<svg:svg>``."""
    parts: list[str] = []

    def name(qualified: str) -> str:
        if qualified.startswith("{"):
            uri, local = qualified[1:].split("}", 1)
            if uri not in _PREFIXES:
                raise ValueError(f"a chart holds a name of another namespace: {uri}")
            return _PREFIXES[uri] + local
        return qualified

    def write(element: ET.Element, top: bool) -> None:
        head = [name(element.tag)]
        if top:
            head += [f'xmlns="{SVG_NS}"', f'xmlns:xlink="{XLINK_NS}"']
        head += [f"{name(k)}={quoteattr(v)}" for k, v in element.attrib.items()]
        parts.append("<" + " ".join(head))
        if len(element) or element.text:
            parts.append(">" + escape(element.text or ""))
            for child in element:
                write(child, False)
            parts.append(f"</{name(element.tag)}>")
        else:
            parts.append(" />")
        if element.tail and not top:
            parts.append(escape(element.tail))

    write(root, True)
    return "".join(parts)


def _referenced_ids(root: ET.Element) -> set[str]:
    found: set[str] = set()
    for element in root.iter():
        for name, value in element.attrib.items():
            if name == f"{{{XLINK_NS}}}href" or name == "href":
                found.add(value.lstrip("#"))
            else:
                found.update(re.findall(r"url\(#([^)]+)\)", value))
    return found


def _style_to_attributes(element: ET.Element) -> None:
    style = element.attrib.pop("style", None)
    if not style:
        return
    for declaration in style.split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if name == "font-family":
            value = FONT_FAMILY
        if name in PRESENTATION and value:
            element.set(name, value)


def _rename_ids(element: ET.Element, prefix: str, referenced: set[str]) -> None:
    own = element.attrib.pop("id", None)
    if own in (BAR_CLASS, HIDDEN_CLASS, LINE_CLASS):
        element.set("class", own)  # a bar, a line or a hidden figure's mark (gid)
    elif own is not None and own in referenced:
        element.set("id", f"{prefix}-{own}")
    for name, value in list(element.attrib.items()):
        if name in (f"{{{XLINK_NS}}}href", "href") and value.startswith("#"):
            element.set(name, f"#{prefix}-{value[1:]}")
        elif "url(#" in value:
            element.set(name, re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", value))
