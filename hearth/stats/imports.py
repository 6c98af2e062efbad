"""Importing ONS's mid-year population estimates and DfE's Children in Need table C1, in
the CSV shape DfE publishes them on Explore Education Statistics (issue 15 §2; the files
in ``../shared/data/dfe/``, described in its README).

Invariants:

- a file that cannot be read (not UTF-8, or without the columns named below) changes
  nothing: ``UnreadableFile`` before any write;
- a bad row never stops an import: it is skipped with its line and the reason (another
  age group, a malformed number, no area code, a row repeating an earlier one), and the
  ``ImportReport`` counts rows read, added, updated, unchanged and skipped;
- each import is one transaction, so an error part-way leaves nothing half-written;
- idempotent: a row is matched on its key (area code, mid-year and age group for a
  population; year and area code for C1) and only saved when a value differs, so a second
  import of the same file adds and updates nothing and records no event;
- every row added or changed records one timeline event on it (public figures, not
  personal data: the summary names the area and year);
- C1 publishes no rate: each C1 row's ``rate_per_10k`` is computed on the imported
  mid-(year−1) estimate (``population.rate_year``), by whichever import comes second,
  so the two files may be imported in either order.

Which area a row is: DfE's ``geographic_level`` says which columns hold its code and
name (England: ``country_code``; a region: ``region_code``; a local authority:
``new_la_code``, the GSS code that ``accounts.Area.code`` holds).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from hearth.audit.services import TimelineEntry, timeline_record_many
from hearth.core import clock
from hearth.core.actor import Actor
from hearth.stats.models import (
    ADULT_WOMEN,
    AGE_GROUP_WORDS,
    CHILDREN_0_TO_17,
    GeographicLevel,
    PopulationEstimate,
    PopulationSource,
    PublishedReferrals,
)
from hearth.stats.population import per_10k, rate_year

# DfE's symbols for a figure not given (shared/data/README.md; DfE's style guide).
SYMBOLS = {
    "c": "suppressed small count",
    "x": "not available",
    ":": "not available",
    "u": "low reliability",
    "z": "not applicable",
}
LEVELS = {
    "national": GeographicLevel.NATIONAL,
    "regional": GeographicLevel.REGIONAL,
    "local authority": GeographicLevel.LOCAL_AUTHORITY,
}
# Which columns name the area at each level: (code, name).
AREA_COLUMNS = {
    GeographicLevel.NATIONAL: ("country_code", "country_name"),
    GeographicLevel.REGIONAL: ("region_code", "region_name"),
    GeographicLevel.LOCAL_AUTHORITY: ("new_la_code", "la_name"),
}
GSS_CODE = re.compile(r"^[EWSN]\d{8}$")
AGE_GROUPS = {
    "children aged 0 to 17 years": CHILDREN_0_TO_17,
    "0 to 17": CHILDREN_0_TO_17,
    # MARAC's rate per 10,000 adult women (SafeLives): ONS's women aged 16 and over.
    "women aged 16 and over": ADULT_WOMEN,
    "women 16+": ADULT_WOMEN,
}
C1_CATEGORY = "referrals and re-referrals"

LOCATION_COLUMNS = (
    "time_period",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "new_la_code",
    "la_name",
)
POPULATION_COLUMNS = (*LOCATION_COLUMNS, "age_group", "population_estimate")
C1_COUNTS = {  # file column: model field
    "referral_count": "referrals",
    "rereferral_count": "rereferrals",
    "no_further_action_count": "no_further_action",
}
C1_PERCENTS = {
    "rereferral_percent": "rereferral_percent",
    "no_further_action_percent": "no_further_action_percent",
}
C1_COLUMNS = (*LOCATION_COLUMNS, *C1_COUNTS, *C1_PERCENTS)
BATCH = 500  # rows per statement: well under SQLite's limit on query parameters


class UnreadableFile(Exception):
    """The file is not a CSV this import can read; nothing was imported."""


class BadRow(Exception):
    """One row cannot be imported; the message is the reason shown in the report."""


@dataclass(frozen=True)
class Skipped:
    line: int
    reason: str


@dataclass
class ImportReport:
    read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)

    def skip(self, line: int, reason: str) -> None:
        self.skipped.append(Skipped(line, reason))

    def reasons(self) -> list[tuple[str, list[int]]]:
        """Each reason for skipping, most frequent first, with the lines it applied to."""
        lines: dict[str, list[int]] = {}
        for skipped in self.skipped:
            lines.setdefault(skipped.reason, []).append(skipped.line)
        order = Counter({reason: len(found) for reason, found in lines.items()})
        return [(reason, lines[reason]) for reason, _ in order.most_common()]


Rows = Sequence[tuple[int, Mapping[str, str]]]
Progress = Callable[[str], object] | None


def csv_rows(data: bytes, *, columns: Iterable[str]) -> list[tuple[int, dict[str, str]]]:
    """The file's rows with the lines they start on, when it is UTF-8 (a byte order mark is
    allowed) and has every column in ``columns``; otherwise ``UnreadableFile``."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise UnreadableFile(f"line {line} is not UTF-8 text") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in columns if name not in header]
    if missing:
        raise UnreadableFile(f"it has no column {', '.join(missing)}")
    reader.fieldnames = header
    rows = []
    ended = reader.line_num  # the header's last line
    for row in reader:
        values = {key: (value or "").strip() for key, value in row.items() if key}
        rows.append((ended + 1, values))  # the line the row starts on
        ended = reader.line_num
    return rows


# Reading a row (pure) -------------------------------------------------------------------


def _year(row: Mapping[str, str]) -> int:
    value = row["time_period"]
    if not re.fullmatch(r"\d{4}", value):
        raise BadRow(f"malformed year ‘{value[:12]}’")
    return int(value)


def _area(row: Mapping[str, str]) -> tuple[str, str, str]:
    level = LEVELS.get(row["geographic_level"].casefold())
    if level is None:
        raise BadRow(f"another geographic level ({row['geographic_level'][:30] or 'none'})")
    code_column, name_column = AREA_COLUMNS[level]
    code = row[code_column].upper()
    if not code:
        raise BadRow(f"no area code in {code_column}")
    if not GSS_CODE.match(code):
        raise BadRow(f"malformed area code in {code_column}")
    return level, code, row[name_column] or code


def _count(row: Mapping[str, str], column: str) -> tuple[int | None, str]:
    value = row[column]
    if value.casefold() in SYMBOLS:
        return None, value.casefold()
    if not value.isdigit():
        raise BadRow(f"malformed number in {column}" if value else f"no value in {column}")
    return int(value), ""


def _percent(row: Mapping[str, str], column: str) -> tuple[Decimal | None, str]:
    value = row[column]
    if value.casefold() in SYMBOLS:
        return None, value.casefold()
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise BadRow(
            f"malformed number in {column}" if value else f"no value in {column}"
        ) from None
    if not number.is_finite() or not 0 <= number <= 100:
        raise BadRow(f"percentage out of range in {column}")
    return number.quantize(Decimal("0.1")), ""


@dataclass(frozen=True)
class PopulationRow:
    """One estimate to save: the children (or adult women) of ``code`` at mid-``mid_year``."""

    code: str
    name: str
    geographic_level: str
    mid_year: int
    estimate: int
    age_group: str = CHILDREN_0_TO_17
    source: str = PopulationSource.ONS

    @property
    def key(self) -> tuple[str, int, str]:
        return self.code, self.mid_year, self.age_group


def _words(age_group: str) -> str:
    return AGE_GROUP_WORDS.get(age_group, f"Aged {age_group}")


def population_row(row: Mapping[str, str]) -> PopulationRow:
    """One line of the ONS estimates file, or ``BadRow`` saying why it is skipped."""
    age_group = AGE_GROUPS.get(row["age_group"].casefold())
    if age_group is None:
        raise BadRow(f"another age group ({row['age_group'][:40] or 'none'})")
    mid_year = _year(row)
    level, code, name = _area(row)
    estimate, symbol = _count(row, "population_estimate")
    if estimate is None:
        raise BadRow(f"no estimate given ({symbol}: {SYMBOLS[symbol]})")
    return PopulationRow(code, name, level, mid_year, estimate, age_group)


def referrals_values(row: Mapping[str, str]) -> dict[str, Any]:
    """One line of DfE's C1 file as ``PublishedReferrals`` values, or ``BadRow``."""
    category = row.get("category", C1_CATEGORY)
    if category.casefold() != C1_CATEGORY:
        raise BadRow(f"another category ({category[:40]})")
    year = _year(row)
    level, code, name = _area(row)
    values: dict[str, Any] = {
        "year": year,
        "geographic_level": level,
        "code": code,
        "name": name,
        "region_code": row["region_code"] if level == GeographicLevel.LOCAL_AUTHORITY else "",
        "region_name": row["region_name"] if level == GeographicLevel.LOCAL_AUTHORITY else "",
        "old_la_code": row.get("old_la_code", "")[:3],
    }
    for column, name_ in C1_COUNTS.items():
        values[name_], values[f"{name_}_symbol"] = _count(row, column)
    for column, name_ in C1_PERCENTS.items():
        values[name_], values[f"{name_}_symbol"] = _percent(row, column)
    return values


# Writing ------------------------------------------------------------------------------

POPULATION_FIELDS = ("name", "geographic_level", "estimate", "source")
REFERRAL_FIELDS = (
    "geographic_level",
    "name",
    "region_code",
    "region_name",
    "old_la_code",
    *C1_COUNTS.values(),
    *[f"{name}_symbol" for name in C1_COUNTS.values()],
    *C1_PERCENTS.values(),
    *[f"{name}_symbol" for name in C1_PERCENTS.values()],
)


def _financial_year(year: int) -> str:
    return f"{year - 1}-{year % 100:02d}"


@transaction.atomic
def population_import(
    *, rows: Rows, actor: Actor | None = None, progress: Progress = None
) -> ImportReport:
    """Save the estimates in ``rows`` (from ``csv_rows``), skipping bad rows."""
    report = ImportReport()
    good: list[PopulationRow] = []
    seen: dict[tuple[str, int, str], int] = {}
    for line, row in rows:
        report.read += 1
        try:
            estimate = population_row(row)
        except BadRow as error:
            report.skip(line, str(error))
        else:
            if estimate.key in seen:
                report.skip(line, f"repeats line {seen[estimate.key]} (same area and year)")
            else:
                seen[estimate.key] = line
                good.append(estimate)
        if progress is not None:
            progress(str(line))
    _population_save(good, actor, report)
    return report


@transaction.atomic
def population_save(*, rows: Sequence[PopulationRow], actor: Actor | None = None) -> ImportReport:
    """Save estimates made by Hearth itself (the demo's): the import's upsert, each row
    read and none skipped (``rows`` must not repeat a key)."""
    report = ImportReport(read=len(rows))
    _population_save(list(rows), actor, report)
    return report


def _population_save(rows: list[PopulationRow], actor: Actor | None, report: ImportReport) -> None:
    existing = {
        (p.code, p.mid_year, p.age_group): p
        for p in PopulationEstimate.objects.select_for_update().filter(
            code__in={r.code for r in rows}, mid_year__in={r.mid_year for r in rows}
        )
    }
    now = clock.now()
    added: list[PopulationEstimate] = []
    changed: list[tuple[PopulationEstimate, int]] = []
    for row in rows:
        estimate = existing.get(row.key)
        values = {name: getattr(row, name) for name in POPULATION_FIELDS}
        if estimate is None:
            added.append(
                PopulationEstimate(
                    code=row.code,
                    mid_year=row.mid_year,
                    age_group=row.age_group,
                    created_at=now,
                    updated_at=now,
                    **values,
                )
            )
        elif any(getattr(estimate, name) != value for name, value in values.items()):
            before = estimate.estimate
            for name, value in values.items():
                setattr(estimate, name, value)
            estimate.updated_at = now
            changed.append((estimate, before))
        else:
            report.unchanged += 1
    PopulationEstimate.objects.bulk_create(added, batch_size=BATCH)
    PopulationEstimate.objects.bulk_update(
        [e for e, _ in changed], [*POPULATION_FIELDS, "updated_at"], batch_size=BATCH
    )
    entries = [
        TimelineEntry(
            subject=e,
            verb="stats.population_added",
            summary=f"{_words(e.age_group)} in {e.name} ({e.code}) at mid-{e.mid_year}: "
            f"{e.estimate:,} ({e.get_source_display()})",
            payload={"code": e.code, "mid_year": e.mid_year, "estimate": e.estimate},
        )
        for e in added
    ] + [
        TimelineEntry(
            subject=e,
            verb="stats.population_updated",
            summary=f"{_words(e.age_group)} in {e.name} ({e.code}) at mid-{e.mid_year}: "
            f"{before:,} changed to {e.estimate:,} ({e.get_source_display()})",
            payload={"code": e.code, "mid_year": e.mid_year, "before": before, "after": e.estimate},
        )
        for e, before in changed
    ]
    timeline_record_many(actor=actor, entries=entries)
    report.added += len(added)
    report.updated += len(changed)
    # The C1 rows whose rate these estimates are the denominator of.
    _rates_refresh(actor, {(row.code, row.mid_year + 1) for row in rows})


@transaction.atomic
def referrals_import(
    *, rows: Rows, actor: Actor | None = None, progress: Progress = None
) -> ImportReport:
    """Save DfE's C1 rows in ``rows`` (from ``csv_rows``), skipping bad rows, and compute
    each one's rate on the imported population."""
    report = ImportReport()
    good: list[dict[str, Any]] = []
    seen: dict[tuple[int, str], int] = {}
    for line, row in rows:
        report.read += 1
        try:
            values = referrals_values(row)
        except BadRow as error:
            report.skip(line, str(error))
        else:
            key = (values["year"], values["code"])
            if key in seen:
                report.skip(line, f"repeats line {seen[key]} (same area and year)")
            else:
                seen[key] = line
                good.append(values)
        if progress is not None:
            progress(str(line))

    existing = {
        (r.year, r.code): r
        for r in PublishedReferrals.objects.select_for_update().filter(
            year__in={v["year"] for v in good}
        )
    }
    now = clock.now()
    added: list[PublishedReferrals] = []
    changed: list[PublishedReferrals] = []
    for values in good:
        found = existing.get((values["year"], values["code"]))
        if found is None:
            added.append(PublishedReferrals(created_at=now, updated_at=now, **values))
        elif any(getattr(found, name) != values[name] for name in REFERRAL_FIELDS):
            for name in REFERRAL_FIELDS:
                setattr(found, name, values[name])
            found.updated_at = now
            changed.append(found)
        else:
            report.unchanged += 1
    PublishedReferrals.objects.bulk_create(added, batch_size=BATCH)
    PublishedReferrals.objects.bulk_update(
        changed, [*REFERRAL_FIELDS, "updated_at"], batch_size=BATCH
    )
    verbs = [("stats.published_referrals_added", "added", r) for r in added] + [
        ("stats.published_referrals_updated", "updated", r) for r in changed
    ]
    timeline_record_many(
        actor=actor,
        entries=[
            TimelineEntry(
                subject=r,
                verb=verb,
                summary=f"DfE's referrals for {r.name} ({r.code}), "
                f"{_financial_year(r.year)}, {word} from table C1",
                payload={"code": r.code, "year": r.year},
            )
            for verb, word, r in verbs
        ],
    )
    report.added += len(added)
    report.updated += len(changed)
    _rates_refresh(actor, {(v["code"], v["year"]) for v in good})
    return report


def _rates_refresh(actor: Actor | None, keys: set[tuple[str, int]]) -> None:
    """Recompute the rate of the C1 rows ``keys`` (code, year) on the children at
    mid-(year−1), saving and recording only those whose rate changed."""
    if not keys:
        return
    rows = list(
        PublishedReferrals.objects.select_for_update().filter(
            code__in={code for code, _ in keys}, year__in={year for _, year in keys}
        )
    )
    rows = [r for r in rows if (r.code, r.year) in keys]
    populations = {
        (code, mid_year): estimate
        for code, mid_year, estimate in PopulationEstimate.objects.filter(
            code__in={r.code for r in rows},
            mid_year__in={rate_year(r.year) for r in rows},
            age_group=CHILDREN_0_TO_17,
        ).values_list("code", "mid_year", "estimate")
    }
    now = clock.now()
    changed = []
    for r in rows:
        mid_year = rate_year(r.year)
        rate = per_10k(r.referrals, populations.get((r.code, mid_year)))
        used = mid_year if rate is not None else None
        if (r.rate_per_10k, r.rate_mid_year) != (rate, used):
            r.rate_per_10k, r.rate_mid_year, r.updated_at = rate, used, now
            changed.append(r)
    PublishedReferrals.objects.bulk_update(
        changed, ["rate_per_10k", "rate_mid_year", "updated_at"], batch_size=BATCH
    )
    timeline_record_many(
        actor=actor,
        entries=[
            TimelineEntry(
                subject=r,
                verb="stats.published_referrals_rate",
                summary=(
                    f"Rate for {r.name} ({r.code}), {_financial_year(r.year)}: "
                    f"{r.rate_per_10k} per 10,000 children (mid-{r.rate_mid_year} estimate)"
                    if r.rate_per_10k is not None
                    else f"Rate for {r.name} ({r.code}), {_financial_year(r.year)}: "
                    "none (no population estimate or no count)"
                ),
                payload={"code": r.code, "year": r.year, "mid_year": r.rate_mid_year},
            )
            for r in changed
        ],
    )
