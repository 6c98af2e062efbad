"""Reading the Department for Education's "Get Information About Schools" extract.

Source: GIAS (get-information-schools.service.gov.uk) is the DfE's register of schools,
colleges and other education establishments; each has a URN (unique reference number).
Its "all establishment data" download (``edubasealldata<date>.csv``) has one row per
establishment and over a hundred columns, usually saved as Windows code page 1252.
Hearth reads the ten columns in ``COLUMNS`` and ignores the rest. The settings are the
schools Operation Encompass notifies (domain.md §3.2), so they are reference data, not
personal data.

Pure: text in, plain ``GiasRow`` values and ``Problem`` values out; no database. The
rules, each broken one a problem with its line (the header is line 1) and column:

- every column in ``COLUMNS`` is in the header (otherwise one problem per missing column
  and no row is read);
- every line has as many values as the header (a stray comma in an unquoted name would
  otherwise shift the values into the wrong columns);
- the URN is 5 to 8 digits and appears on one line only;
- the establishment name is given; no value is longer than Hearth keeps;
- the statutory ages are blank or whole numbers, and the low age is not above the high;
- the status is one GIAS uses (``STATUSES``), folded into ``SettingStatus``: "Open" and
  "Open, but proposed to close" are open (still notified), "Closed" is closed (kept,
  never notified), "Proposed to open" is proposed to open.

``GiasRow.digest`` hashes the GIAS fields in a fixed order: a re-import compares it with
``EducationSetting.source_digest`` to skip rows that have not changed.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models

from hearth.schools.imports.report import Problem
from hearth.schools.models import EducationSetting, SettingStatus

# Hearth's field: the GIAS column it comes from (the extract's own header names).
COLUMNS: dict[str, str] = {
    "urn": "URN",
    "name": "EstablishmentName",
    "type_of_establishment": "TypeOfEstablishment (name)",
    "phase": "PhaseOfEducation (name)",
    "statutory_low_age": "StatutoryLowAge",
    "statutory_high_age": "StatutoryHighAge",
    "la_code": "LA (code)",
    "la_name": "LA (name)",
    "status": "EstablishmentStatus (name)",
    "postcode": "Postcode",
}

# GIAS's ``EstablishmentStatus (name)`` values, compared without regard to case.
STATUSES: dict[str, SettingStatus] = {
    "open": SettingStatus.OPEN,
    "open, but proposed to close": SettingStatus.OPEN,
    "closed": SettingStatus.CLOSED,
    "proposed to open": SettingStatus.PROPOSED_TO_OPEN,
}

# GIAS URNs are six digits today; Hearth keeps up to eight (``EducationSetting.urn``).
URN_PATTERN = re.compile(r"\d{5,8}")
AGE_PATTERN = re.compile(r"\d{1,3}")

# Bump when the digest's inputs change, so every row is compared afresh once.
DIGEST_VERSION = "gias-1"

TEXT_FIELDS = (
    "name",
    "type_of_establishment",
    "phase",
    "la_code",
    "la_name",
    "postcode",
)


@dataclass(frozen=True)
class GiasRow:
    """One establishment as the file gives it, checked."""

    line: int
    urn: str
    name: str
    type_of_establishment: str
    phase: str
    statutory_low_age: int | None
    statutory_high_age: int | None
    la_code: str
    la_name: str
    status: SettingStatus
    postcode: str

    def values(self) -> dict[str, str | int | None]:
        """The ``EducationSetting`` fields this row sets."""
        return {name: getattr(self, name) for name in COLUMNS}

    @property
    def digest(self) -> str:
        values = [DIGEST_VERSION, *(self.values().values())]
        encoded = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


@dataclass
class GiasParse:
    rows: list[GiasRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@functools.cache
def _max_length(name: str) -> int:
    model_field = EducationSetting._meta.get_field(name)
    assert isinstance(model_field, models.Field) and model_field.max_length is not None
    return model_field.max_length


def gias_line_count(text: str) -> int:
    """How many lines ``gias_parse`` reads after the header (its ``progress`` steps)."""
    return max(sum(1 for _ in io.StringIO(text, newline="")) - 1, 1)


def gias_parse(text: str, progress: Callable[[str], object] | None = None) -> GiasParse:
    """Read and check a GIAS establishment CSV. Rows are returned only if there is no
    problem anywhere in the file. ``progress`` is called once for each line read after
    the header, for a command's progress bar."""
    parsed = GiasParse()
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        parsed.problems.append(Problem("the file is empty"))
        return parsed
    except csv.Error as error:
        parsed.problems.append(Problem(f"the header cannot be read ({error})", line=1))
        return parsed
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        positions.setdefault(name.casefold(), index)
    missing = [column for column in COLUMNS.values() if column.casefold() not in positions]
    if missing:
        parsed.problems.extend(
            Problem(f"the column ‘{column}’ is missing", line=1, column=column)
            for column in missing
        )
        return parsed
    where = {name: positions[column.casefold()] for name, column in COLUMNS.items()}

    first_line_of: dict[str, int] = {}
    previous_end = reader.line_num
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            parsed.problems.append(
                Problem(f"the rest of the file cannot be read ({error})", line=previous_end + 1)
            )
            break
        line, previous_end = previous_end + 1, reader.line_num
        if progress is not None:
            for _ in range(line, previous_end + 1):
                progress(f"line {line}")
        if not any(value.strip() for value in values):
            continue  # a blank line
        if len(values) != len(header):
            parsed.problems.append(
                Problem(
                    f"the line has {len(values)} values but the header has {len(header)} "
                    "columns (check for a comma in a value that is not in quotes)",
                    line=line,
                )
            )
            continue
        raw = {name: values[i].strip() for name, i in where.items()}
        urn = raw["urn"]
        if urn in first_line_of:
            parsed.problems.append(
                Problem(
                    f"the URN {urn} is also on line {first_line_of[urn]}",
                    line=line,
                    column=COLUMNS["urn"],
                )
            )
        elif URN_PATTERN.fullmatch(urn):
            first_line_of[urn] = line
        row = _row(line, raw, parsed.problems)
        if row is not None:
            parsed.rows.append(row)
    if parsed.problems:
        parsed.rows = []
    elif not parsed.rows:
        parsed.problems.append(Problem("the file has no establishments after the header"))
    return parsed


def _row(line: int, raw: dict[str, str], problems: list[Problem]) -> GiasRow | None:
    """Check one line's values; add its problems and answer ``None`` if it has any."""
    found: list[Problem] = []

    def problem(name: str, message: str) -> None:
        found.append(Problem(message, line=line, column=COLUMNS[name]))

    urn = raw["urn"]
    if not urn:
        problem("urn", "enter the URN")
    elif not URN_PATTERN.fullmatch(urn):
        problem("urn", "the URN must be 5 to 8 digits")
    if not raw["name"]:
        problem("name", "enter the establishment name (EstablishmentName)")
    for name in TEXT_FIELDS:
        limit = _max_length(name)
        if len(raw[name]) > limit:
            problem(name, f"{COLUMNS[name]} must be {limit} characters or fewer")

    ages: dict[str, int | None] = {}
    for name in ("statutory_low_age", "statutory_high_age"):
        value = raw[name]
        if not value:
            ages[name] = None
        elif AGE_PATTERN.fullmatch(value):
            ages[name] = int(value)
        else:
            problem(name, f"{COLUMNS[name]} must be a whole number, like 11")
    low, high = ages.get("statutory_low_age"), ages.get("statutory_high_age")
    if low is not None and high is not None and low > high:
        problem(
            "statutory_low_age",
            f"the statutory low age ({low}) must not be above the statutory high age ({high})",
        )

    status = STATUSES.get(" ".join(raw["status"].split()).casefold())
    if status is None:
        if raw["status"]:
            problem(
                "status",
                f"the status ‘{raw['status']}’ is not one Hearth knows: use Open, "
                "Open, but proposed to close, Closed or Proposed to open",
            )
        else:
            problem("status", "enter the status (EstablishmentStatus (name))")

    if found:
        problems.extend(found)
        return None
    assert status is not None
    return GiasRow(
        line=line,
        urn=urn,
        name=raw["name"],
        type_of_establishment=raw["type_of_establishment"],
        phase=raw["phase"],
        statutory_low_age=low,
        statutory_high_age=high,
        la_code=raw["la_code"],
        la_name=raw["la_name"],
        status=status,
        postcode=raw["postcode"],
    )
