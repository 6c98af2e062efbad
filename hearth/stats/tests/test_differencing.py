"""DISCLOSURE-2: no hidden count can be worked out by setting two answers side by side
(issue 15 §3). The review's finding, reproduced: the partnership's month showed 43 and
Northshire's alone 40, so Southmoor's hidden count was 3; a year less its months gave
away a hidden month the same way. Each test below first shows the leak with the
adjustment turned off, then that with ONS's cell key method the same answers allow
several values of the hidden count, and that they are the same every time they are
asked for."""

from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import pytest

from hearth.accounts.models import Agency, Area
from hearth.core.clock import LONDON
from hearth.demo.volume import generate_volume
from hearth.stats import disclosure, keys, selectors
from hearth.stats.disclosure import (
    DFE,
    ONS,
    Cell,
    Keyed,
    adjusted,
    count_cell,
    perturbation,
    protect,
    rate_cell,
)
from hearth.stats.figures import Measure
from hearth.stats.models import MonthlyFigure, NotificationFact
from hearth.stats.periods import Granularity, Period, period_from_key, periods_between
from hearth.stats.refresh import FACT_MODELS, rebuild_figures, refresh
from hearth.stats.tables import Filters, Group, Scope, StatTable, Unit

NOW = dt.datetime(2026, 12, 7, 8, 45, tzinfo=LONDON)
ANALYST = "analyst@partnership.wessex.example"
POLICE = "6"


# --- The pure rule ------------------------------------------------------------------------


def test_a_keyed_count_keeps_its_key_through_sums_and_differences() -> None:
    a, b = Keyed(43, 200), Keyed(40, 100)
    assert (a - b, (a - b).key) == (3, 100)
    assert (a + b, (a + b).key) == (83, 44)  # 300 modulo 256
    total = sum([a, b])  # sum() starts at a plain 0
    assert isinstance(total, Keyed) and total.key == 44
    assert isinstance(a + 0, Keyed) and isinstance(0 + a, Keyed)
    # A plain number of unknown records loses the key, as does anything but + and −.
    assert type(a + 1) is int and type(1 + a) is int and type(a * 2) is int
    assert disclosure.cell_key(a + 1) is None


def test_the_perturbation_is_fixed_small_and_centred() -> None:
    assert perturbation(43, 17, 2) == perturbation(43, 17, 2)
    steps = [perturbation(n, k, 2) for n in range(6, 200) for k in range(256)]
    assert set(steps) == {-2, -1, 0, 1, 2}
    assert abs(statistics.mean(steps)) < 0.02
    assert Counter(steps)[0] / len(steps) < 0.5  # most counts move
    # Another key, or another count, gives an unrelated adjustment.
    assert len({perturbation(43, k, 2) for k in range(256)}) == 5
    assert {perturbation(0, k, 0) for k in range(256)} == {0}


@pytest.mark.parametrize("rules", [DFE, ONS], ids=["dfe", "ons"])
def test_an_adjusted_count_never_looks_suppressed_and_zero_stays_zero(
    rules: disclosure.DisclosureRules,
) -> None:
    for n in range(rules.high + 1, rules.high + 40):
        for k in range(256):
            shown = adjusted(Keyed(n, k), rules)
            assert shown > rules.high and abs(shown - n) <= rules.perturbation
    assert adjusted(Keyed(0, 99), rules) == 0
    assert adjusted(43, rules) == 43  # a plain count is as it is


def test_a_rate_or_share_is_made_from_the_adjusted_counts() -> None:
    part, whole = Keyed(48, 3), Keyed(50, 9)
    shown = count_cell(part)
    assert shown.perturbed and shown.value == adjusted(part, DFE)
    share = rate_cell(shown, part, whole, per=100, rules=DFE)
    top, bottom = adjusted(part, DFE), adjusted(whole, DFE)
    assert share.value == disclosure.rate(min(top, bottom), bottom, per=100, rules=DFE)
    assert share.perturbed and share.value is not None and share.value <= 100
    # Never more than 100 %, whichever way the two counts moved.
    for k in range(256):
        for j in range(256):
            p = rate_cell(Cell(1, True, perturbed=True), Keyed(49, k), Keyed(50, j), per=100)
            assert p.value is not None and p.value <= 100


def test_a_managers_exact_counts_and_a_national_total_are_not_adjusted() -> None:
    count = Keyed(43, 200)
    assert count_cell(count, managers_exact=True) == Cell(value=43, shown=True)
    assert count_cell(count, national=True).value == 40
    table = disclosure.CountTable(rows=["a", "b"], columns=["x"], counts=[[count], [Keyed(9, 1)]])
    exact = protect(table, managers_exact=True)
    assert [line[0].value for line in exact.cells] == [43, 9, 52]
    assert not any(c.perturbed for line in exact.cells for c in line)


# --- The finding, reproduced through the real read path -------------------------------------


def _feasible(shown: int, rules: disclosure.DisclosureRules) -> set[int]:
    """Every true count that could have been shown as ``shown`` (whatever its key)."""
    if shown == 0:
        return {0}
    reach = rules.perturbation
    return {
        n
        for n in range(max(rules.high + 1, shown - reach - 1), shown + reach + 2)
        if any(adjusted(Keyed(n, k), rules) == shown for k in range(disclosure.KEY_SPACE))
    }


def _hidden_values(whole: int, parts: Sequence[int], rules: disclosure.DisclosureRules) -> set[int]:
    """What an attacker who knows the rules (but no key) can say of a hidden small count
    that is ``whole`` less ``parts``, from the figures shown for them."""
    if not rules.perturbation:
        return {whole - sum(parts)}
    wholes = _feasible(whole, rules)
    sums = {0}
    for part in parts:
        sums = {s + n for s in sums for n in _feasible(part, rules)}
    return {w - s for w in wholes for s in sums if rules.low <= w - s <= rules.high}


def _notify(month: dt.date, area: Area, door: Agency, n: int, start: int) -> None:
    """``n`` police notifications to ``door`` for children of ``area`` in ``month``, as the
    refresh writes them (each with its record key)."""
    at = dt.datetime.combine(month, dt.time(12), tzinfo=LONDON) + dt.timedelta(days=3)
    facts = [
        NotificationFact(
            month=month,
            local_authority_id=area.pk,
            force_id=area.police_force_area_id,
            agency_id=door.pk,
            refreshed_at=NOW,
            obligation_id=start + i,
            child_id=start + i,
            source=POLICE,
            received_at=at,
        )
        for i in range(n)
    ]
    for fact in facts:
        fact.record_key = keys.key_of(fact)
    NotificationFact.objects.bulk_create(facts)


@pytest.fixture
def places(wessex: Any) -> dict[str, Any]:
    north = Area.objects.get(name="Northshire", kind=Area.Kind.LOCAL_AUTHORITY)
    south = Area.objects.get(name="Southmoor", kind=Area.Kind.LOCAL_AUTHORITY)
    return {
        "north": north,
        "south": south,
        "north_door": Agency.objects.get(slug="northshire-council-childrens-services"),
        "south_door": Agency.objects.get(slug="southmoor-council-childrens-services"),
        "scope": selectors.scope_for(wessex.actor(ANALYST)),
    }


def _police_total(scope: Scope, period: Period, area: Area | None = None) -> Cell:
    """The police's referrals for the whole filter, as one request shows them."""
    got = selectors.tables(
        Group.REFERRALS,
        Filters(period=period, local_authority_id=area.pk if area else None),
        scope,
        now=NOW,
    )
    police = next(t for t in got if t.key == "police-by-force-and-area")
    return police.cells[-1][0]  # the total row (or the one row)


@pytest.mark.parametrize("adjust", [False, True], ids=["unadjusted-leaks", "cell-key"])
def test_the_partnership_less_one_area_no_longer_gives_the_other_away(
    places: dict[str, Any], adjust: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = selectors.rules() if adjust else dataclasses.replace(DFE, perturbation=0)
    monkeypatch.setattr(selectors, "rules", lambda: rules)
    month = dt.date(2025, 4, 1)
    _notify(month, places["north"], places["north_door"], 40, start=1000)
    _notify(month, places["south"], places["south_door"], 3, start=2000)
    rebuild_figures()
    period = period_from_key("2025-04")
    scope = places["scope"]

    partnership = _police_total(scope, period)
    northshire = _police_total(scope, period, places["north"])
    southmoor = _police_total(scope, period, places["south"])
    assert not southmoor.shown  # hidden in its own answer: 3 is a small count
    assert partnership.shown and northshire.shown
    assert isinstance(partnership.value, int) and isinstance(northshire.value, int)
    could_be = _hidden_values(partnership.value, [northshire.value], rules)
    if not adjust:
        assert (partnership.value, northshire.value) == (43, 40)
        assert could_be == {3}  # the finding: the difference is the hidden count
    else:
        assert 3 in could_be and len(could_be) >= 3
        # The same answers every time they are asked for: asking again averages nothing.
        assert _police_total(scope, period) == partnership
        assert _police_total(scope, period, places["north"]) == northshire


@pytest.mark.parametrize("adjust", [False, True], ids=["unadjusted-leaks", "cell-key"])
def test_a_year_less_its_shown_months_no_longer_gives_a_hidden_month_away(
    places: dict[str, Any], adjust: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = selectors.rules() if adjust else dataclasses.replace(DFE, perturbation=0)
    monkeypatch.setattr(selectors, "rules", lambda: rules)
    year = period_from_key("FY2025-26")
    months = periods_between(year.first, year.last, Granularity.MONTH)
    for i, month in enumerate(months):
        n = 3 if i == 5 else 20 + i  # September is small, so hidden
        _notify(month.first, places["north"], places["north_door"], n, start=10_000 * (i + 1))
    rebuild_figures()
    scope, north = places["scope"], places["north"]

    whole = _police_total(scope, year, north)
    shown_months = [_police_total(scope, m, north) for m in months]
    assert not shown_months[5].shown
    others = [c.value for i, c in enumerate(shown_months) if i != 5]
    assert whole.shown and all(isinstance(v, int) for v in others)
    assert isinstance(whole.value, int)
    could_be = _hidden_values(whole.value, others, rules)  # type: ignore[arg-type]
    if not adjust:
        assert could_be == {3}
    else:
        assert could_be == set(range(rules.low, rules.high + 1))  # anything small


def test_the_adjusted_figures_survive_a_rebuild_unchanged(places: dict[str, Any]) -> None:
    _notify(dt.date(2025, 4, 1), places["north"], places["north_door"], 40, start=1000)
    rebuild_figures()
    period = period_from_key("2025-04")
    before = _police_total(places["scope"], period)
    assert before.perturbed
    MonthlyFigure.objects.all().delete()
    rebuild_figures()
    assert _police_total(places["scope"], period) == before


# --- Every count an analyst sees carries its key ----------------------------------------------


def test_record_keys_are_fixed_by_identity_and_spread_evenly(settings: Any) -> None:
    assert keys.record_key("notification", 7) == keys.record_key("notification", 7)
    assert keys.record_key("notification", 7) != keys.record_key("deadline", 7) or (
        keys.record_key("notification", 8) != keys.record_key("deadline", 8)
    )
    spread = Counter(keys.record_key("notification", i) for i in range(25_600))
    assert len(spread) == 256 and max(spread.values()) < 180  # about 100 each
    # Another deployment's secret draws other keys.
    first = [keys.record_key("incident", i) for i in range(50)]
    settings.SECRET_KEY = "another deployment's secret, long enough to be one " * 2
    assert [keys.record_key("incident", i) for i in range(50)] != first


# Populations are ONS's published estimates (or the demo's): not counts of records.
POPULATIONS = {"Children aged 0 to 17", "Women aged 16 and over"}


def _count_cells(tables: Iterable[StatTable]) -> list[tuple[str, Cell]]:
    return [
        (t.key, cell)
        for t in tables
        for line in t.cells
        for j, cell in enumerate(line)
        if t.units[j] is Unit.COUNT
        and t.columns[j] not in POPULATIONS
        and cell.shown
        and cell.value
        and not cell.rounded
    ]


def test_the_refresh_keys_every_fact_and_every_count_shown_is_adjusted(wessex: Any) -> None:
    generate_volume(incidents=150, seed=21)
    refresh()
    for model in FACT_MODELS:
        facts = list(model.objects.all())
        assert all(f.record_key == keys.key_of(f) for f in facts), model.__name__
    # A figure's cell key is the sum of its facts' keys.
    assert MonthlyFigure.objects.filter(measure=Measure.REFERRALS).values_list("ckey", flat=True)
    figures_keys = sum(
        MonthlyFigure.objects.filter(measure=Measure.REFERRALS).values_list("ckey", flat=True)
    )
    assert figures_keys == sum(NotificationFact.objects.values_list("record_key", flat=True))

    scope = selectors.scope_for(wessex.actor(ANALYST))
    assert scope is not None
    year = period_from_key(f"FY{NOW.year}-{(NOW.year + 1) % 100:02d}")
    seen = 0
    for group in Group:
        got = selectors.tables(group, Filters(period=year), scope, now=NOW)
        # DfE's published figures are published already: not Hearth's to adjust.
        ours = [t for t in got if not t.key.startswith("national")]
        cells = _count_cells(ours)
        unkeyed = [(key, c) for key, c in cells if not c.perturbed]
        assert not unkeyed, f"{group}: counts shown without their cell key: {unkeyed[:3]}"
        seen += len(cells)
    assert seen > 20  # the demo year has figures in every group
