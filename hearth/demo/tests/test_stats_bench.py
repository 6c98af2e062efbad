"""The statistics benchmark's measuring functions at a tiny size: they run, and return
figures with the expected keys (the times themselves are not asserted)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from hearth.core import clock
from hearth.demo.stats_bench import (
    Where,
    duckdb_with_facts,
    ledger_period,
    measure_pages,
    page_sql,
    raw_sql,
)
from hearth.demo.stats_volume import generate_stats_volume
from hearth.stats.models import MonthlyFigure
from hearth.stats.tables import Group

pytestmark = pytest.mark.django_db

PAGE_KEYS = {
    "url",
    "pg_p50",
    "pg_p95",
    "duckdb_p50",
    "duckdb_p95",
    "duckdb_table_p50",
    "duckdb_table_p95",
    "rows",
    "statements",
}


@pytest.fixture
def tiny(wessex: object) -> None:
    generate_stats_volume(incidents=150, seed=2, areas=2, year=2025)


def test_each_page_is_timed_beside_duckdb(tiny: None) -> None:
    figures = measure_pages(
        period_key="FY2025-26", area_code="E06990001", repeats=2, now=clock.now()
    )
    pages = figures["pages"]
    # Every group, for the whole partnership and for one local authority.
    assert len(pages) == 2 * len(Group)
    for group in Group:
        assert f"{group.value} (whole partnership)" in pages
        assert f"{group.value} (E06990001)" in pages
    for entry in pages.values():
        assert set(entry) >= PAGE_KEYS
        assert entry["pg_p50"] > 0 and entry["pg_p95"] >= entry["pg_p50"]
        assert ("api_p50" in entry) or ("api" in entry)
        if connection.vendor == "postgresql":
            assert entry["same_answer"] is True
            assert {"sql_pg_p50", "sql_pg_p95"} <= set(entry)
    # The pages read rows: the whole partnership's referrals more than one area's.
    whole = pages["referrals (whole partnership)"]["rows"]
    one = pages["referrals (E06990001)"]["rows"]
    assert whole > one > 0
    assert figures["duckdb_load"]["rows"]["stats_monthlyfigure"] == MonthlyFigure.objects.count()
    if connection.vendor == "postgresql":
        assert set(figures["raw"]) == {
            "raw_referrals_by_month_and_source",
            "raw_timeliness_median_and_90th",
        }
        for entry in figures["raw"].values():
            assert entry["same_answer"] is True and entry["rows"] > 0


def test_duckdb_answers_the_pages_sql_as_the_figures_add_up(tiny: None) -> None:
    from hearth.accounts.models import Area

    ids = tuple(Area.objects.filter(code__startswith="E0699").values_list("pk", flat=True))
    where = Where(dt.date(2025, 4, 1), dt.date(2026, 4, 1), ids, clock.now())
    duck, native, info = duckdb_with_facts(where)
    assert info["rows"]["stats_monthlyfigure"] > 0
    referrals = duck.execute(page_sql(Group.REFERRALS, where)[3]).fetchall()
    expected = sum(
        MonthlyFigure.objects.filter(
            measure="referrals",
            month__gte=where.first,
            month__lt=where.after,
            local_authority_id__in=ids,
        ).values_list("value", flat=True)
    )
    assert sum(total for _, total in referrals) == expected > 0
    # DuckDB's own sorted copy answers the same.
    assert sorted(native.execute(page_sql(Group.REFERRALS, where)[3]).fetchall()) == sorted(
        referrals
    )
    # A scope of every area reads timeliness from the figures summed over every area,
    # as the page does, and they add up to the same as each area's.
    every = Where(where.first, where.after, ids, where.now, every_area=True)
    each_sql, every_sql = page_sql(Group.TIMELINESS, where), page_sql(Group.TIMELINESS, every)
    assert "durations_all_areas" in every_sql[1] and "durations_all_areas" not in each_sql[1]
    assert sorted(duck.execute(every_sql[1]).fetchall()) == sorted(
        duck.execute(each_sql[1]).fetchall()
    )
    months = duck.execute(raw_sql(where)["raw_referrals_by_month_and_source"]).fetchall()
    assert sum(n for _, _, n in months) == expected
    assert {m for m, _, _ in months} <= {dt.date(2025 + (m < 4), m, 1) for m in range(1, 13)}
    duck.close()
    native.close()


def test_the_ledger_size_reads_the_year_with_most_incidents() -> None:
    assert ledger_period(dt.datetime(2026, 12, 6, tzinfo=dt.UTC)) == "FY2026-27"
    assert ledger_period(dt.datetime(2026, 8, 6, tzinfo=dt.UTC)) == "FY2025-26"


def test_the_command_refuses_a_database_it_would_empty(wessex: object) -> None:
    with pytest.raises(CommandError):
        call_command("stats_bench", "--sizes", "10", "--repeats", "1")
