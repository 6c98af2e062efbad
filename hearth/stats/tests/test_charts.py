"""Charts (``hearth.stats.charts``): valid, accessible SVG that the page's Content Security
Policy allows, a hidden figure drawn as a gap marked "c" and never as 0, the same bytes
for the same table, and fast enough to draw on a page."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from hearth.stats import charts
from hearth.stats.disclosure import SMALL_COUNT, Cell
from hearth.stats.tables import ChartKind, StatTable, Unit

SVG = "{http://www.w3.org/2000/svg}"
HIDDEN = Cell(value=None, shown=False, reason=SMALL_COUNT, symbol="c")


def shown(value: int | Decimal) -> Cell:
    return Cell(value=value, shown=True)


def table(
    cells: tuple[tuple[Cell, ...], ...],
    *,
    chart: ChartKind = ChartKind.BAR,
    rows: tuple[str, ...] = ("Northshire", "Southmoor"),
    columns: tuple[str, ...] = ("Police",),
    units: tuple[Unit, ...] = (Unit.COUNT,),
    key: str = "by-area",
    totals_row: bool = False,
) -> StatTable:
    return StatTable(
        key=key,
        title="Referrals by area, 2025-26",
        description="Referrals received by each front door, from the police.",
        row_heading="Local authority",
        rows=rows,
        columns=columns,
        units=units,
        cells=cells,
        definition="A referral is a child concern notification.",
        source="DfE Children in Need census",
        chart=chart,
        totals_row=totals_row,
    )


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 (our own output)


def marked(root: ET.Element, cls: str) -> list[ET.Element]:
    return [e for e in root.iter() if e.get("class") == cls]


def bars(root: ET.Element) -> list[ET.Element]:
    """The bars drawn (not the legend's keys)."""
    return marked(root, charts.BAR_CLASS)


def texts(root: ET.Element) -> list[str]:
    return ["".join(e.itertext()) for e in root.iter(f"{SVG}text")]


@pytest.mark.parametrize("kind", [ChartKind.BAR, ChartKind.STACKED, ChartKind.LINE])
def test_a_chart_is_valid_svg_with_its_title_and_description(kind: ChartKind) -> None:
    t = table(((shown(40),), (shown(25),)), chart=kind, key=f"by-area-{kind}")
    root = parse(charts.chart_svg(t))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title, desc = root[0], root[1]
    assert (title.tag, title.text) == (f"{SVG}title", t.title)
    assert (desc.tag, desc.text) == (f"{SVG}desc", t.description)
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    # It scales to its column: a viewBox, no fixed size.
    assert root.get("width") == "100%" and root.get("height") is None
    assert re.fullmatch(r"0 0 [\d.]+ [\d.]+", root.get("viewBox") or "")


def test_a_chart_has_nothing_the_pages_content_security_policy_would_block() -> None:
    svg = charts.chart_svg(table(((shown(40),), (HIDDEN,))))
    root = parse(svg)
    assert not [e for e in root.iter() if "style" in e.attrib]
    assert not list(root.iter(f"{SVG}style")) and not list(root.iter(f"{SVG}script"))
    assert "<?xml" not in svg and "DOCTYPE" not in svg and "metadata" not in svg
    # The style became presentation attributes: the bars are still coloured.
    assert len(bars(root)) == 1


def test_a_hidden_figure_is_a_gap_marked_c_not_a_bar() -> None:
    both = parse(charts.chart_svg(table(((shown(40),), (shown(25),)), key="both")))
    one_hidden = parse(charts.chart_svg(table(((shown(40),), (HIDDEN,)), key="one-hidden")))
    assert len(bars(both)) == 2
    assert len(bars(one_hidden)) == 1  # no bar at all (not a bar of 0) for the hidden one
    assert texts(one_hidden).count("c") == 1
    assert texts(both).count("c") == 0


def test_a_hidden_point_breaks_the_line_and_is_marked_c() -> None:
    cells = ((shown(10),), (HIDDEN,), (shown(12),))
    rows = ("April 2025", "May 2025", "June 2025")
    root = parse(charts.chart_svg(table(cells, chart=ChartKind.LINE, rows=rows)))
    assert texts(root).count("c") == 1
    assert len(marked(root, charts.HIDDEN_CLASS)) == 1
    (line,) = marked(root, charts.LINE_CLASS)
    (path,) = [p for p in line.iter(f"{SVG}path") if p.get("fill") == "none"]
    # No line through the hidden month: two points and no segment joining them (a line
    # through it would be "M … L … L …"), and a marker on each shown month only.
    assert path.get("d", "").count("M") == 2
    assert path.get("d", "").count("L") == 0
    assert len(list(line.iter(f"{SVG}use"))) == 2


def test_a_hidden_part_of_a_stacked_bar_is_left_out_and_marked() -> None:
    cells = ((shown(30), HIDDEN), (shown(20), shown(9)))
    t = table(
        cells, chart=ChartKind.STACKED, columns=("Police", "Schools"), units=(Unit.COUNT,) * 2
    )
    root = parse(charts.chart_svg(t))
    assert len(bars(root)) == 3
    assert texts(root).count("c") == 1


def test_the_totals_row_is_not_drawn() -> None:
    cells = ((shown(40),), (shown(25),), (shown(65),))
    t = table(cells, rows=("Northshire", "Southmoor", "Total"), totals_row=True)
    root = parse(charts.chart_svg(t))
    assert len(bars(root)) == 2
    assert "Total" not in texts(root)


def test_the_same_table_gives_the_same_bytes() -> None:
    t = table(((shown(40),), (HIDDEN,)))
    first = charts.chart_svg(t)
    charts._chart_svg.cache_clear()
    assert charts.chart_svg(t) == first


def test_two_charts_on_one_page_share_no_id() -> None:
    a = parse(charts.chart_svg(table(((shown(40),), (shown(3),)), key="a")))
    b = parse(charts.chart_svg(table(((shown(40),), (shown(3),)), key="b")))
    ids_a = {e.get("id") for e in a.iter() if e.get("id")}
    ids_b = {e.get("id") for e in b.iter() if e.get("id")}
    assert ids_a and not ids_a & ids_b


def test_rates_and_percentages_are_drawn_from_their_decimals() -> None:
    t = table(
        ((shown(Decimal("41.0")),), (shown(Decimal("12.5")),)),
        units=(Unit.RATE,),
        key="rates",
    )
    t = StatTable(**{**t.__dict__, "chart_columns": (0,)})
    root = parse(charts.chart_svg(t))
    assert len(bars(root)) == 2
    assert "Per 10,000" in texts(root)


def test_no_chart_for_a_table_only_table() -> None:
    assert charts.chart_svg(table(((shown(1),), (shown(2),)), chart=ChartKind.NONE)) == ""


def test_a_chart_is_drawn_once_and_then_served_from_the_cache() -> None:
    """How fast a chart is drawn is measured by ``make bench`` (stats_bench), not here:
    this checks that a second page view does not draw it again."""
    cells = tuple((shown(10 + i), HIDDEN if i % 4 == 0 else shown(i + 6)) for i in range(12))
    rows = tuple(f"Area {i}" for i in range(12))
    t = table(cells, rows=rows, columns=("Police", "Others"), units=(Unit.COUNT,) * 2)
    charts._chart_svg.cache_clear()
    first = charts.chart_svg(t)
    again = charts.chart_svg(t)
    info = charts._chart_svg.cache_info()
    assert again == first and (info.misses, info.hits) == (1, 1)


def test_a_chart_is_plain_svg_whatever_prefix_another_library_gave_svg() -> None:
    """Found by CI with the tests in another order: the sign-in security page draws a QR
    code with qrcode, which maps the SVG namespace to the prefix "svg" in ElementTree's
    one global table; charts drawn after that in the same process came out as
    ``<svg:svg>``, which an HTML page does not draw (no chart, no title)."""
    import qrcode
    from qrcode.image.svg import SvgImage

    t = table(((shown(40),), (shown(25),)), key="after-a-qr-code")
    # ElementTree's one table of prefixes for the whole process (not in its stubs).
    prefixes: dict[str, str] = ET._namespace_map  # type: ignore[attr-defined]
    previous = dict(prefixes)
    try:
        qrcode.make("otpauth://totp/made-up", image_factory=SvgImage)  # as allauth's MFA does
        assert prefixes[charts.SVG_NS] == "svg"
        charts._chart_svg.cache_clear()
        svg = charts.chart_svg(t)
    finally:
        prefixes.clear()
        prefixes.update(previous)
    assert svg.startswith("<svg ") and "<svg:" not in svg and 'role="img"' in svg
    assert "<title" in svg
