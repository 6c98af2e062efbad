"""The rate's population year, the rate itself, finding an area's children for a period,
and the demo's made-up Wessex populations (issue 15 §2; domain.md §11.4)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from hearth.audit.models import TimelineEvent
from hearth.demo.stats import demo_adult_women, demo_children, seed_population
from hearth.stats.imports import PopulationRow, population_save
from hearth.stats.models import (
    ADULT_WOMEN,
    CHILDREN_0_TO_17,
    GeographicLevel,
    PopulationEstimate,
    PopulationSource,
)
from hearth.stats.population import (
    adult_women_population,
    children_population,
    financial_year_ending,
    mid_year_for,
    per_10k,
    rate_year,
)

NORTHSHIRE, SOUTHMOOR = "E06900001", "E06900002"  # hearth/demo/wessex.py


# The rules (pure) ----------------------------------------------------------------------


def test_a_rate_for_the_year_to_31_march_n_uses_the_mid_n_minus_1_estimate() -> None:
    assert rate_year(2025) == 2024  # 2024-25: DfE's 519.4 is on mid-2024
    assert rate_year(2013) == 2012


@pytest.mark.parametrize(
    ("last_day", "mid_year"),
    [
        (dt.date(2025, 3, 31), 2024),  # the last day of 2024-25
        (dt.date(2025, 4, 1), 2025),  # the first day of 2025-26
        (dt.date(2024, 4, 30), 2024),  # April 2024: the first month of 2024-25
        (dt.date(2025, 1, 31), 2024),  # January 2025 is still in 2024-25
        (dt.date(2024, 12, 31), 2024),  # calendar year 2024: its own middle
        (dt.date(2024, 6, 30), 2024),  # the quarter to June 2024
        (dt.date(2024, 3, 31), 2023),  # the quarter to March 2024
    ],
)
def test_a_period_uses_the_estimate_of_the_financial_year_its_last_day_is_in(
    last_day: dt.date, mid_year: int
) -> None:
    assert mid_year_for(last_day) == mid_year


def test_financial_year_turns_on_1_april() -> None:
    assert financial_year_ending(dt.date(2025, 3, 31)) == 2025
    assert financial_year_ending(dt.date(2025, 4, 1)) == 2026


def test_per_10k_rounds_half_up_to_one_place() -> None:
    assert per_10k(632_830, 12_183_016) == Decimal("519.4")
    assert per_10k(1, 80_000) == Decimal("0.1")  # 0.125 → 0.1
    assert per_10k(3, 80_000) == Decimal("0.4")  # 0.375 → 0.4
    assert per_10k(1, 40_000) == Decimal("0.3")  # 0.25 → 0.3, half up (not to even)
    assert per_10k(0, 1000) == Decimal("0.0")


@pytest.mark.parametrize(("count", "population"), [(None, 1000), (5, None), (5, 0)])
def test_no_rate_without_a_count_and_a_population(
    count: int | None, population: int | None
) -> None:
    assert per_10k(count, population) is None


# Finding the population ----------------------------------------------------------------


def estimate(code: str, mid_year: int, children: int) -> PopulationRow:
    return PopulationRow(code, f"Area {code}", GeographicLevel.LOCAL_AUTHORITY, mid_year, children)


@pytest.mark.django_db
def test_children_population_sums_areas_at_the_periods_mid_year() -> None:
    population_save(
        rows=[
            estimate("E06900101", 2023, 1000),
            estimate("E06900101", 2024, 1100),
            estimate("E06900102", 2023, 2000),
            estimate("E06900102", 2024, 2200),
        ]
    )

    march = children_population(codes=["E06900101", "E06900102"], last_day=dt.date(2025, 3, 31))
    april = children_population(codes=["E06900101", "E06900102"], last_day=dt.date(2024, 3, 31))

    assert march is not None and (march.mid_year, march.children) == (2024, 3300)
    assert not march.is_latest_available
    assert april is not None and (april.mid_year, april.children) == (2023, 3000)


@pytest.mark.django_db
def test_children_population_falls_back_to_the_latest_year_every_area_has() -> None:
    population_save(
        rows=[
            estimate("E06900101", 2023, 1000),
            estimate("E06900101", 2024, 1100),
            estimate("E06900102", 2023, 2000),  # no mid-2024 yet
        ]
    )

    both = children_population(codes=["E06900101", "E06900102"], last_day=dt.date(2025, 3, 31))
    one = children_population(codes=["E06900101"], last_day=dt.date(2026, 3, 31))

    assert both is not None
    assert (both.mid_year, both.wanted, both.children) == (2023, 2024, 3000)
    assert both.is_latest_available
    assert one is not None and (one.mid_year, one.wanted, one.children) == (2024, 2025, 1100)


@pytest.mark.django_db
def test_no_population_before_the_first_estimate_or_for_an_unknown_area() -> None:
    population_save(rows=[estimate("E06900101", 2023, 1000)])

    assert children_population(codes=["E06900101"], last_day=dt.date(2023, 3, 31)) is None
    assert children_population(codes=["E06900199"], last_day=dt.date(2025, 3, 31)) is None
    assert children_population(codes=[], last_day=dt.date(2025, 3, 31)) is None


# The demo ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_seed_gives_wessex_a_growing_child_population_each_mid_year() -> None:
    seed_population()

    for code in (NORTHSHIRE, SOUTHMOOR):
        rows = list(
            PopulationEstimate.objects.filter(code=code, age_group=CHILDREN_0_TO_17).order_by(
                "mid_year"
            )
        )
        assert [r.mid_year for r in rows] == list(range(2012, 2027))
        assert all(r.source == PopulationSource.DEMO for r in rows)
        assert all(a.estimate < b.estimate for a, b in itertools.pairwise(rows))
        assert [r.estimate for r in rows] == [demo_children(code, r.mid_year) for r in rows]
    northshire = PopulationEstimate.objects.filter(code=NORTHSHIRE, mid_year=2012)
    assert {p.name for p in northshire} == {"Northshire"}
    wessex = children_population(codes=[NORTHSHIRE, SOUTHMOOR], last_day=dt.date(2026, 3, 31))
    assert wessex is not None and wessex.mid_year == 2025
    assert wessex.children == demo_children(NORTHSHIRE, 2025) + demo_children(SOUTHMOOR, 2025)


@pytest.mark.django_db
def test_demo_seed_is_idempotent() -> None:
    seed_population()
    events = TimelineEvent.objects.count()
    stamps = dict(PopulationEstimate.objects.values_list("pk", "updated_at"))

    seed_population()

    assert PopulationEstimate.objects.count() == 60
    assert TimelineEvent.objects.count() == events
    assert dict(PopulationEstimate.objects.values_list("pk", "updated_at")) == stamps


@pytest.mark.django_db
def test_demo_seed_gives_wessex_about_1_3_women_per_child() -> None:
    seed_population()

    for code in (NORTHSHIRE, SOUTHMOOR):
        women = dict(
            PopulationEstimate.objects.filter(code=code, age_group=ADULT_WOMEN).values_list(
                "mid_year", "estimate"
            )
        )
        assert sorted(women) == list(range(2012, 2027))
        assert women == {y: demo_adult_women(code, y) for y in women}
        assert all(1.29 < women[y] / demo_children(code, y) <= 1.3 for y in women)


@pytest.mark.django_db
def test_adult_women_are_found_by_the_same_rules_and_apart_from_the_children() -> None:
    population_save(
        rows=[
            PopulationRow(NORTHSHIRE, "Northshire", GeographicLevel.LOCAL_AUTHORITY, year, n, group)
            for year, n, group in (
                (2023, 1_000, CHILDREN_0_TO_17),
                (2024, 1_100, CHILDREN_0_TO_17),
                (2023, 2_000, ADULT_WOMEN),
            )
        ]
    )
    # 2024-25 wants mid-2024: the children have it; the women only mid-2023 (said so).
    women = adult_women_population(codes=[NORTHSHIRE], last_day=dt.date(2025, 3, 31))
    assert women is not None
    assert (women.people, women.mid_year, women.is_latest_available) == (2_000, 2023, True)
    assert women.age_group == ADULT_WOMEN
    children = children_population(codes=[NORTHSHIRE], last_day=dt.date(2025, 3, 31))
    assert children is not None and (children.children, children.mid_year) == (1_100, 2024)
    assert adult_women_population(codes=[SOUTHMOOR], last_day=dt.date(2025, 3, 31)) is None
