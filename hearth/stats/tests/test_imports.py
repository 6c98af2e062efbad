"""Importing ONS's population estimates and DfE's table C1 (issue 15 §2), from the real
files in ``../shared/data/dfe/`` and from small files written here (areas made up: GSS
codes in ranges ONS has not issued)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from hearth.audit.models import TimelineEvent
from hearth.stats.imports import (
    C1_COLUMNS,
    POPULATION_COLUMNS,
    PopulationRow,
    csv_rows,
    population_import,
    population_save,
    referrals_import,
)
from hearth.stats.models import (
    ADULT_WOMEN,
    CHILDREN_0_TO_17,
    GeographicLevel,
    PopulationEstimate,
    PublishedReferrals,
)
from hearth.stats.population import children_population, per_10k

pytestmark = pytest.mark.django_db

DFE = Path(settings.BASE_DIR).parent / "shared" / "data" / "dfe"
POPULATION_FILE = DFE / "ons_mid-year_population_estimates_2012_to_2024.csv"
C1_FILE = DFE / "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
needs_dfe_files = pytest.mark.skipif(
    not (POPULATION_FILE.exists() and C1_FILE.exists()),
    reason="DfE's files are not in ../shared/data/dfe/ (see shared/data/README.md)",
)
ENGLAND = "E92000001"
DORSET, BCP = "E06000059", "E06000058"

# Rows the real population file cannot give: ONS marks 21 of its local authority rows
# "x" (areas that no longer existed, or did not yet, in that year).
POPULATION_NOT_AVAILABLE = 21


def run(command: str, path: Path) -> str:
    out = io.StringIO()
    call_command(command, str(path), stdout=out)
    return out.getvalue()


def write_csv(tmp_path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> Path:
    path = tmp_path / "figures.csv"
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def population_line(
    year: str = "2023",
    code: str = "E06900101",
    estimate: str = "50000",
    age_group: str = "Children aged 0 to 17 years",
    level: str = "Local authority",
) -> list[str]:
    # time_period, time_identifier, geographic_level, country_code, country_name,
    # region_code, region_name, old_la_code, new_la_code, la_name, age_group, estimate
    return [
        year, "Reporting year", level, ENGLAND, "England", "E12000009", "South West",
        "999", code, f"Testshire {code[-3:]}", age_group, estimate,
    ]  # fmt: skip


POPULATION_HEADER = [
    "time_period", "time_identifier", "geographic_level", "country_code", "country_name",
    "region_code", "region_name", "old_la_code", "new_la_code", "la_name", "age_group",
    "population_estimate",
]  # fmt: skip
C1_HEADER = [
    "time_period", "time_identifier", "geographic_level", "country_code", "country_name",
    "region_code", "region_name", "old_la_code", "new_la_code", "la_name", "category",
    "referral_count", "rereferral_count", "rereferral_percent", "no_further_action_count",
    "no_further_action_percent",
]  # fmt: skip


def c1_line(
    year: str = "2024", code: str = "E06900101", counts: Sequence[str] = ("500", "100", "20")
) -> list[str]:
    return [
        year, "Reporting year", "Local authority", ENGLAND, "England", "E12000009",
        "South West", "999", code, f"Testshire {code[-3:]}", "Referrals and Re-referrals",
        *counts, "c", "c",
    ]  # fmt: skip


# The real files -----------------------------------------------------------------------


@needs_dfe_files
def test_population_file_imports_england_and_every_area_with_a_row_report() -> None:
    out = run("import_population", POPULATION_FILE)

    england = PopulationEstimate.objects.get(code=ENGLAND, mid_year=2024)
    assert england.estimate == 12_183_016
    assert england.geographic_level == GeographicLevel.NATIONAL
    assert england.name == "England"
    assert PopulationEstimate.objects.get(code="E12000007", mid_year=2024).name == "London"
    hartlepool = PopulationEstimate.objects.get(code="E06000001", mid_year=2024)
    assert hartlepool.geographic_level == GeographicLevel.LOCAL_AUTHORITY
    added = 2132 - POPULATION_NOT_AVAILABLE
    assert PopulationEstimate.objects.count() == added
    assert (
        f"{POPULATION_FILE.name}: 2132 rows read, {added} added, 0 updated, 0 unchanged, "
        f"{POPULATION_NOT_AVAILABLE} skipped." in out
    )
    assert "Skipped 21 rows, no estimate given (x: not available): line " in out
    assert "2132/2132" in out  # the progress bar reached the end
    assert TimelineEvent.objects.filter(verb="stats.population_added").count() == added


@needs_dfe_files
def test_second_import_of_the_same_files_adds_and_changes_nothing() -> None:
    run("import_population", POPULATION_FILE)
    run("import_dfe_referrals", C1_FILE)
    events = TimelineEvent.objects.count()
    stamps = dict(PublishedReferrals.objects.values_list("pk", "updated_at"))

    population_out = run("import_population", POPULATION_FILE)
    c1_out = run("import_dfe_referrals", C1_FILE)

    assert "0 added, 0 updated, 2111 unchanged, 21 skipped." in population_out
    assert "2132 rows read, 0 added, 0 updated, 2132 unchanged, 0 skipped." in c1_out
    assert TimelineEvent.objects.count() == events
    assert dict(PublishedReferrals.objects.values_list("pk", "updated_at")) == stamps


@needs_dfe_files
def test_england_2024_25_has_dfes_rate_and_re_referral_share() -> None:
    run("import_population", POPULATION_FILE)
    out = run("import_dfe_referrals", C1_FILE)

    assert "2132 rows read, 2132 added, 0 updated, 0 unchanged, 0 skipped." in out
    england = PublishedReferrals.objects.get(year=2025, code=ENGLAND)
    assert england.referrals == 632_830
    assert england.rereferral_percent == Decimal("22.6")
    assert england.no_further_action_percent == Decimal("6.5")
    # DfE publishes 519.4 per 10,000 children: 632,830 over the mid-2024 estimate.
    assert england.rate_per_10k == Decimal("519.4")
    assert england.rate_mid_year == 2024
    # Its region sits beside it.
    south_west = PublishedReferrals.objects.get(year=2025, code="E12000009")
    assert south_west.geographic_level == GeographicLevel.REGIONAL
    assert south_west.rate_per_10k is not None
    # Every count has its rate but for the 21 whose population ONS marks "x": the
    # councils Dorset's 2019 reorganisation ended (Bournemouth, Poole, old Dorset).
    without_rate = PublishedReferrals.objects.filter(referrals__isnull=False, rate_per_10k=None)
    assert without_rate.count() == POPULATION_NOT_AVAILABLE
    assert set(without_rate.values_list("code", flat=True)) == {
        "E06000028",
        "E06000029",
        "E10000009",
    }


@needs_dfe_files
def test_rates_come_whichever_file_is_imported_first() -> None:
    run("import_dfe_referrals", C1_FILE)
    assert PublishedReferrals.objects.get(year=2025, code=ENGLAND).rate_per_10k is None

    run("import_population", POPULATION_FILE)

    assert PublishedReferrals.objects.get(year=2025, code=ENGLAND).rate_per_10k == Decimal("519.4")
    assert TimelineEvent.objects.filter(verb="stats.published_referrals_rate").exists()


@needs_dfe_files
def test_dfe_symbols_are_kept_beside_a_missing_number() -> None:
    run("import_dfe_referrals", C1_FILE)

    north_tyneside = PublishedReferrals.objects.get(year=2025, code="E08000022")
    assert north_tyneside.referrals == 1893
    assert north_tyneside.no_further_action is None
    assert north_tyneside.no_further_action_symbol == "c"
    assert north_tyneside.no_further_action_percent is None
    assert north_tyneside.no_further_action_percent_symbol == "c"
    low_reliability = PublishedReferrals.objects.get(year=2024, code="E10000014")  # Hampshire
    assert low_reliability.referrals is None
    assert low_reliability.referrals_symbol == "u"
    assert low_reliability.rate_per_10k is None


@needs_dfe_files
def test_a_force_area_is_the_sum_of_its_local_authorities() -> None:
    """domain.md §11.4: Dorset Police covers Dorset and BCP, 139,256 children at mid-2020;
    its 571 child protection referrals in 2020-21 are 41.0 per 10,000."""
    run("import_population", POPULATION_FILE)
    run("import_dfe_referrals", C1_FILE)

    dorset_police = children_population(codes=[DORSET, BCP], last_day=dt.date(2021, 3, 31))

    assert dorset_police is not None
    assert dorset_police.children == 139_256
    assert dorset_police.mid_year == 2020
    assert per_10k(571, dorset_police.children) == Decimal("41.0")
    councils = PublishedReferrals.objects.filter(year=2021, code__in=[DORSET, BCP])
    assert sum(c.referrals or 0 for c in councils) == 7051


# Small files ---------------------------------------------------------------------------


def test_bad_rows_are_skipped_with_their_reasons_and_the_rest_imported(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        POPULATION_HEADER,
        [
            population_line(code="E06900101", estimate="50000"),  # line 2: good
            population_line(code="E06900102", estimate="5O000"),  # a letter O
            population_line(code="E06900103", age_group="Adults aged 18 and over"),
            population_line(code="", estimate="1000"),
            population_line(code="E06900104", estimate="x"),
            population_line(code="E06900101", estimate="50001"),  # repeats line 2
            population_line(code="E06900105", year="23"),
            population_line(code="E06900106", level="Ward"),
            population_line(code="E06900107", estimate="42000"),  # line 10: good
        ],
    )

    out = run("import_population", path)

    assert "9 rows read, 2 added, 0 updated, 0 unchanged, 7 skipped." in out
    for reason in (
        "Skipped 1 row, malformed number in population_estimate: line 3",
        "Skipped 1 row, another age group (Adults aged 18 and over): line 4",
        "Skipped 1 row, no area code in new_la_code: line 5",
        "Skipped 1 row, no estimate given (x: not available): line 6",
        "Skipped 1 row, repeats line 2 (same area and year): line 7",
        "Skipped 1 row, malformed year ‘23’: line 8",
        "Skipped 1 row, another geographic level (Ward): line 9",
    ):
        assert reason in out
    assert dict(PopulationEstimate.objects.values_list("code", "estimate")) == {
        "E06900101": 50000,
        "E06900107": 42000,
    }


def test_a_changed_estimate_is_updated_with_one_event(tmp_path: Path) -> None:
    run("import_population", write_csv(tmp_path, POPULATION_HEADER, [population_line()]))
    changed = write_csv(tmp_path, POPULATION_HEADER, [population_line(estimate="50100")])

    out = run("import_population", changed)

    assert "1 rows read, 0 added, 1 updated, 0 unchanged, 0 skipped." in out
    estimate = PopulationEstimate.objects.get(code="E06900101", mid_year=2023)
    assert estimate.estimate == 50100
    [event] = TimelineEvent.objects.filter(verb="stats.population_updated")
    assert event.subject_id == str(estimate.pk)
    assert "50,000 changed to 50,100" in event.summary


def test_a_file_without_the_needed_columns_imports_nothing(tmp_path: Path) -> None:
    path = write_csv(tmp_path, POPULATION_HEADER[:-1], [population_line()[:-1]])

    with pytest.raises(CommandError, match="no column population_estimate"):
        run("import_population", path)
    assert not PopulationEstimate.objects.exists()


def test_a_file_that_is_not_utf8_imports_nothing(tmp_path: Path) -> None:
    path = tmp_path / "figures.csv"
    path.write_bytes(",".join(C1_HEADER).encode() + b"\n2024,\xff\n")

    with pytest.raises(CommandError, match="line 2 is not UTF-8"):
        run("import_dfe_referrals", path)
    assert not PublishedReferrals.objects.exists()


def test_an_error_part_way_leaves_nothing_half_written() -> None:
    """Two rows with the same key break the unique constraint at the write: the first
    row, written in the same statement, does not stay."""
    row = PopulationRow("E06900101", "Testshire", GeographicLevel.LOCAL_AUTHORITY, 2023, 500)

    with pytest.raises(IntegrityError):
        population_save(rows=[row, row])

    assert not PopulationEstimate.objects.exists()
    assert not TimelineEvent.objects.filter(verb__startswith="stats.").exists()


def test_c1_bad_rows_are_skipped_and_symbols_kept(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        C1_HEADER,
        [
            c1_line(code="E06900101", counts=("500", "c", "c")),
            c1_line(code="E06900102", counts=("five hundred", "100", "20")),
            c1_line(code="E06900103", counts=("500", "100", "120")),
            c1_line(code="E06900104", counts=("", "100", "20")),
            c1_line(code="e06900105", counts=("z", "z", "z")),  # lower case code is fine
        ],
    )

    out = run("import_dfe_referrals", path)

    assert "5 rows read, 2 added, 0 updated, 0 unchanged, 3 skipped." in out
    assert "malformed number in referral_count: line 3" in out
    assert "percentage out of range in rereferral_percent: line 4" in out
    assert "no value in referral_count: line 5" in out
    kept = PublishedReferrals.objects.get(code="E06900101")
    assert (kept.referrals, kept.rereferrals, kept.rereferrals_symbol) == (500, None, "c")
    assert kept.rereferral_percent is None and kept.rereferral_percent_symbol == "c"
    assert PublishedReferrals.objects.get(code="E06900105").referrals_symbol == "z"


def test_c1_rate_uses_the_estimate_of_the_year_before(tmp_path: Path) -> None:
    population_save(
        rows=[
            PopulationRow("E06900101", "Testshire", GeographicLevel.LOCAL_AUTHORITY, 2023, 40000),
            PopulationRow("E06900101", "Testshire", GeographicLevel.LOCAL_AUTHORITY, 2024, 1),
        ]
    )

    run("import_dfe_referrals", write_csv(tmp_path, C1_HEADER, [c1_line(year="2024")]))

    row = PublishedReferrals.objects.get(code="E06900101", year=2024)
    assert row.rate_mid_year == 2023
    assert row.rate_per_10k == Decimal("125.0")  # 500 per 40,000 children


def test_csv_rows_number_each_row_by_the_line_it_starts_on() -> None:
    data = ",".join(POPULATION_HEADER) + '\n2023,"two\nlines",' + ",".join(["a"] * 10) + "\n"
    data += ",".join(population_line()) + "\n"

    rows = csv_rows(data.encode(), columns=POPULATION_COLUMNS)

    assert [line for line, _ in rows] == [2, 4]  # a quoted field ran over lines 2 and 3
    assert rows[1][1]["new_la_code"] == "E06900101"
    assert set(C1_COLUMNS) <= set(C1_HEADER)


def test_progress_is_called_once_per_row(tmp_path: Path) -> None:
    path = write_csv(tmp_path, POPULATION_HEADER, [population_line(), population_line(code="x")])
    seen: list[str] = []

    report = population_import(
        rows=csv_rows(path.read_bytes(), columns=POPULATION_COLUMNS), progress=seen.append
    )

    assert seen == ["2", "3"]
    assert (report.read, report.added, len(report.skipped)) == (2, 1, 1)
    assert referrals_import(rows=[]).read == 0


def test_women_aged_16_and_over_import_beside_the_children(tmp_path: Path) -> None:
    # No public file of adult women is in shared/data: a small one in ONS's shape.
    path = write_csv(
        tmp_path,
        POPULATION_HEADER,
        [
            population_line(estimate="50000"),
            population_line(estimate="65000", age_group="Women aged 16 and over"),
            population_line(estimate="9", age_group="Men aged 16 and over"),
        ],
    )

    out = run("import_population", path)

    assert "3 rows read, 2 added, 0 updated, 0 unchanged, 1 skipped." in out
    women = PopulationEstimate.objects.get(code="E06900101", mid_year=2023, age_group=ADULT_WOMEN)
    assert women.estimate == 65000
    children = PopulationEstimate.objects.get(
        code="E06900101", mid_year=2023, age_group=CHILDREN_0_TO_17
    )
    assert children.estimate == 50000
    event = TimelineEvent.objects.get(verb="stats.population_added", subject_id=str(women.pk))
    assert event.summary.startswith("Women aged 16 and over in Testshire 101")
    # A second import changes nothing.
    assert "0 added, 0 updated, 2 unchanged, 1 skipped." in run("import_population", path)
