"""Importing education settings from a GIAS establishment CSV (issue 6 point 1).

Every school, URN and place here is made up (URNs in the 9xxxxx range, which GIAS does
not use yet)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command

from hearth.accounts.models import Area, Country
from hearth.accounts.services import area_ensure
from hearth.audit.models import TimelineEvent
from hearth.core import clock
from hearth.schools.imports import decode_text, gias_import
from hearth.schools.imports.gias import gias_parse
from hearth.schools.models import EducationSetting, SettingStatus

HEADER = [
    "URN",
    "LA (code)",
    "LA (name)",
    "EstablishmentNumber",  # columns Hearth does not read sit between the ones it does
    "EstablishmentName",
    "TypeOfEstablishment (name)",
    "EstablishmentStatus (name)",
    "PhaseOfEducation (name)",
    "StatutoryLowAge",
    "StatutoryHighAge",
    "OpenDate",
    "Postcode",
]


def school(urn: str, name: str, **overrides: str) -> dict[str, str]:
    row = {
        "URN": urn,
        "LA (code)": "991",
        "LA (name)": "Northshire",
        "EstablishmentNumber": "2001",
        "EstablishmentName": name,
        "TypeOfEstablishment (name)": "Community school",
        "EstablishmentStatus (name)": "Open",
        "PhaseOfEducation (name)": "Primary",
        "StatutoryLowAge": "4",
        "StatutoryHighAge": "11",
        "OpenDate": "01-09-1990",
        "Postcode": "ZZ1 1AA",
    }
    row.update(overrides)
    return row


def gias_csv(rows: Sequence[dict[str, str]], header: Sequence[str] = HEADER) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(header), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


SCHOOLS = [
    school("900001", "Ashcombe Primary School"),
    school("900002", "Brackenfield Academy", **{
        "LA (name)": "SOUTHSHIRE", "LA (code)": "992", "PhaseOfEducation (name)": "Secondary",
        "TypeOfEstablishment (name)": "Academy converter", "StatutoryLowAge": "11",
        "StatutoryHighAge": "18", "EstablishmentStatus (name)": "Open, but proposed to close",
    }),
    school("900003", "Old Mill Infant School", **{"EstablishmentStatus (name)": "Closed"}),
    school("900004", "Fernlea Free School", **{"EstablishmentStatus (name)": "Proposed to open"}),
    school("900005", "Outer Isles College", **{
        "LA (name)": "Far Isles", "LA (code)": "993", "StatutoryLowAge": "", "StatutoryHighAge": "",
    }),
]  # fmt: skip


@pytest.fixture
def areas(db: None) -> dict[str, Area]:
    return {
        name: area_ensure(
            actor=None,
            code=code,
            name=name,
            kind=Area.Kind.LOCAL_AUTHORITY,
            country=Country.ENGLAND,
        )
        for code, name in [("E06900001", "Northshire"), ("E06900002", "Southshire")]
    }


def events(verb_prefix: str = "schools.setting") -> int:
    return TimelineEvent.objects.filter(verb__startswith=verb_prefix).count()


# Problems: each with its line, nothing imported -------------------------------------


def test_a_malformed_file_reports_every_problem_with_its_line_and_imports_nothing(
    areas: dict[str, Area],
) -> None:
    text = gias_csv(
        [
            school("900001", "Ashcombe Primary School"),  # line 2: fine
            school("90A01", "Bad Urn School"),  # line 3
            school("900003", "Duplicated Primary"),  # line 4
            school("900003", "Duplicated Primary"),  # line 5
            school("900006", ""),  # line 6
            school("900007", "Wordy Ages School", StatutoryLowAge="four"),  # line 7
            school("900008", "Upside Down School", StatutoryLowAge="16", StatutoryHighAge="11"),
            school("900009", "Shut School", **{"EstablishmentStatus (name)": "Shut"}),  # line 9
            school("123", "Short Urn School"),  # line 10
        ]
    )

    report = gias_import(actor=None, text=text)

    assert [str(p) for p in report.problems] == [
        "Line 3: the URN must be 5 to 8 digits",
        "Line 5: the URN 900003 is also on line 4",
        "Line 6: enter the establishment name (EstablishmentName)",
        "Line 7: StatutoryLowAge must be a whole number, like 11",
        "Line 8: the statutory low age (16) must not be above the statutory high age (11)",
        "Line 9: the status ‘Shut’ is not one Hearth knows: use Open, Open, but proposed "
        "to close, Closed or Proposed to open",
        "Line 10: the URN must be 5 to 8 digits",
    ]
    assert [p.column for p in report.problems] == [
        "URN",
        "URN",
        "EstablishmentName",
        "StatutoryLowAge",
        "StatutoryLowAge",
        "EstablishmentStatus (name)",
        "URN",
    ]
    assert not report.ok
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    assert not EducationSetting.objects.exists()
    assert events() == 0


def test_missing_columns_are_reported_once_each_and_no_row_is_read(db: None) -> None:
    header = [c for c in HEADER if c not in {"URN", "Postcode"}]
    text = gias_csv([school("bad", "", StatutoryLowAge="x")] * 3, header=header)

    report = gias_import(actor=None, text=text)

    assert [str(p) for p in report.problems] == [
        "Line 1: the column ‘URN’ is missing",
        "Line 1: the column ‘Postcode’ is missing",
    ]
    assert not EducationSetting.objects.exists()


def test_a_line_with_too_many_values_is_a_problem_not_a_shifted_row(db: None) -> None:
    text = gias_csv([school("900001", "Ashcombe Primary School")])
    text += "900002,991,Northshire,2002,Comma, Unquoted School,Community school,Open,Primary,4,11,,ZZ1 1AB\n"

    report = gias_import(actor=None, text=text)

    assert [str(p) for p in report.problems] == [
        "Line 3: the line has 13 values but the header has 12 columns (check for a comma "
        "in a value that is not in quotes)"
    ]
    assert not EducationSetting.objects.exists()


def test_line_numbers_count_the_lines_of_a_value_that_spans_two(db: None) -> None:
    text = gias_csv(
        [school("900001", "Ashcombe\nPrimary School"), school("X", "Brackenfield Academy")]
    )

    assert [str(p) for p in gias_parse(text).problems] == ["Line 4: the URN must be 5 to 8 digits"]


def test_an_empty_file_or_one_with_only_a_header_is_a_problem(db: None) -> None:
    assert [str(p) for p in gias_parse("").problems] == ["The file is empty"]
    assert [str(p) for p in gias_parse(gias_csv([])).problems] == [
        "The file has no establishments after the header"
    ]


# A valid import ------------------------------------------------------------------


def test_a_valid_file_creates_each_setting_with_its_local_authority_matched_by_name(
    areas: dict[str, Area],
) -> None:
    report = gias_import(actor=None, text=gias_csv(SCHOOLS))

    assert report.ok
    assert (report.created, report.updated, report.unchanged) == (5, 0, 0)
    by_urn = {s.urn: s for s in EducationSetting.objects.all()}
    ashcombe = by_urn["900001"]
    assert ashcombe.name == "Ashcombe Primary School"
    assert ashcombe.local_authority == areas["Northshire"]
    assert (ashcombe.la_code, ashcombe.la_name) == ("991", "Northshire")
    assert (ashcombe.statutory_low_age, ashcombe.statutory_high_age) == (4, 11)
    assert (ashcombe.phase, ashcombe.type_of_establishment) == ("Primary", "Community school")
    assert ashcombe.postcode == "ZZ1 1AA"
    assert len(ashcombe.source_digest) == 64
    # GIAS's capitals do not stop a match
    assert by_urn["900002"].local_authority == areas["Southshire"]
    assert by_urn["900002"].status == SettingStatus.OPEN  # open, but proposed to close
    assert by_urn["900003"].status == SettingStatus.CLOSED
    assert not by_urn["900003"].is_open
    assert by_urn["900004"].status == SettingStatus.PROPOSED_TO_OPEN
    outer = by_urn["900005"]
    assert outer.local_authority is None
    assert (outer.statutory_low_age, outer.statutory_high_age) == (None, None)
    assert [str(w) for w in report.warnings] == [
        "Line 6: no Hearth local authority is called ‘Far Isles’, so this setting was "
        "imported without one"
    ]
    created = TimelineEvent.objects.for_subject(ashcombe).get()
    assert created.verb == "schools.setting_imported"
    assert created.payload == {"urn": "900001"}
    assert "Ashcombe Primary School (URN 900001)" in created.summary
    assert events() == 5


def test_closed_schools_are_imported_as_closed_and_are_not_in_the_open_directory(
    db: None,
) -> None:
    gias_import(actor=None, text=gias_csv(SCHOOLS))

    assert EducationSetting.objects.get(urn="900003").status == SettingStatus.CLOSED
    assert "900003" not in set(EducationSetting.objects.open().values_list("urn", flat=True))


# Re-imports ------------------------------------------------------------------------


def test_reimporting_the_same_file_saves_nothing_and_records_no_event(
    areas: dict[str, Area], django_assert_max_num_queries: Any
) -> None:
    text = gias_csv(SCHOOLS)
    gias_import(actor=None, text=text)
    before = dict(EducationSetting.objects.values_list("urn", "updated_at"))
    event_count = TimelineEvent.objects.count()

    # the areas, then the chunk's settings, and nothing per row
    with (
        time_machine.travel(clock.now() + dt.timedelta(days=30)),
        django_assert_max_num_queries(4),
    ):
        report = gias_import(actor=None, text=text)

    assert report.ok
    assert (report.created, report.updated, report.unchanged) == (0, 0, 5)
    assert dict(EducationSetting.objects.values_list("urn", "updated_at")) == before
    assert TimelineEvent.objects.count() == event_count


def test_reimporting_with_one_changed_row_updates_only_that_row(
    areas: dict[str, Area],
) -> None:
    gias_import(actor=None, text=gias_csv(SCHOOLS))
    before = dict(EducationSetting.objects.values_list("urn", "updated_at"))
    changed = [dict(row) for row in SCHOOLS]
    changed[0]["EstablishmentName"] = "Ashcombe Church of England Primary School"
    changed[0]["StatutoryLowAge"] = "3"

    with time_machine.travel(clock.now() + dt.timedelta(days=30)):
        report = gias_import(actor=None, text=gias_csv(changed))

    assert (report.created, report.updated, report.unchanged) == (0, 1, 4)
    after = dict(EducationSetting.objects.values_list("urn", "updated_at"))
    assert [urn for urn in after if after[urn] != before[urn]] == ["900001"]
    ashcombe = EducationSetting.objects.get(urn="900001")
    assert ashcombe.name == "Ashcombe Church of England Primary School"
    assert ashcombe.statutory_low_age == 3
    event = TimelineEvent.objects.for_subject(ashcombe).filter(verb="schools.setting_updated")
    assert event.get().payload == {"urn": "900001", "fields": ["name", "statutory_low_age"]}
    assert "name, statutory low age" in event.get().summary
    assert events("schools.setting_updated") == 1


def test_a_setting_with_the_same_information_but_no_digest_is_unchanged(
    areas: dict[str, Area],
) -> None:
    text = gias_csv(SCHOOLS[:1])
    gias_import(actor=None, text=text)
    EducationSetting.objects.update(source_digest="")  # as if made before any import
    before = EducationSetting.objects.get()
    event_count = TimelineEvent.objects.count()

    report = gias_import(actor=None, text=text)

    assert (report.updated, report.unchanged) == (0, 1)
    after = EducationSetting.objects.get()
    assert len(after.source_digest) == 64
    assert after.updated_at == before.updated_at
    assert TimelineEvent.objects.count() == event_count


def test_a_setting_missing_from_a_later_file_is_left_as_it_was(areas: dict[str, Area]) -> None:
    gias_import(actor=None, text=gias_csv(SCHOOLS))
    before = EducationSetting.objects.get(urn="900002")

    report = gias_import(actor=None, text=gias_csv([SCHOOLS[0], school("900010", "Newbuild")]))

    assert (report.created, report.updated, report.unchanged) == (1, 0, 1)
    after = EducationSetting.objects.get(urn="900002")
    assert (after.status, after.updated_at, after.name) == (
        before.status,
        before.updated_at,
        before.name,
    )
    assert EducationSetting.objects.count() == 6


def test_a_school_that_closes_is_updated_to_closed(areas: dict[str, Area]) -> None:
    gias_import(actor=None, text=gias_csv(SCHOOLS[:1]))

    closing = school(
        "900001", "Ashcombe Primary School", **{"EstablishmentStatus (name)": "Closed"}
    )
    report = gias_import(actor=None, text=gias_csv([closing]))

    assert report.updated == 1
    assert EducationSetting.objects.get(urn="900001").status == SettingStatus.CLOSED


def test_a_local_authority_added_to_hearth_later_is_matched_on_reimport(db: None) -> None:
    text = gias_csv(SCHOOLS[:1])
    first = gias_import(actor=None, text=text)
    assert len(first.warnings) == 1
    northshire = area_ensure(
        actor=None,
        code="E06900001",
        name="Northshire",
        kind=Area.Kind.LOCAL_AUTHORITY,
        country=Country.ENGLAND,
    )

    report = gias_import(actor=None, text=text)

    assert (report.updated, report.warnings) == (1, [])
    assert EducationSetting.objects.get(urn="900001").local_authority == northshire
    event = TimelineEvent.objects.filter(verb="schools.setting_updated").get()
    assert event.payload["fields"] == ["local_authority"]


def test_a_local_authority_set_by_hand_is_kept_while_gias_names_the_same_one(
    areas: dict[str, Area],
) -> None:
    text = gias_csv(SCHOOLS[4:])  # Far Isles: not a Hearth area
    gias_import(actor=None, text=text)
    EducationSetting.objects.filter(urn="900005").update(local_authority=areas["Southshire"])

    report = gias_import(actor=None, text=text)

    assert report.unchanged == 1
    assert EducationSetting.objects.get(urn="900005").local_authority == areas["Southshire"]


def test_one_warning_names_each_unknown_local_authority_once(db: None) -> None:
    rows = [
        school(f"90000{n}", f"Made Up School {n}", **{"LA (name)": "Far Isles"}) for n in range(3)
    ]

    report = gias_import(actor=None, text=gias_csv(rows))

    assert report.created == 3
    assert [str(w) for w in report.warnings] == [
        "Line 2: no Hearth local authority is called ‘Far Isles’, so this setting and 2 more "
        "in it were imported without one"
    ]


def test_an_area_that_is_not_a_local_authority_is_not_matched(db: None) -> None:
    area_ensure(
        actor=None,
        code="E23900001",
        name="Northshire",
        kind=Area.Kind.POLICE_FORCE_AREA,
        country=Country.ENGLAND,
    )

    report = gias_import(actor=None, text=gias_csv(SCHOOLS[:1]))

    assert len(report.warnings) == 1
    assert EducationSetting.objects.get().local_authority is None


# Encodings -------------------------------------------------------------------------


def test_a_windows_1252_file_is_read(db: None) -> None:
    text = gias_csv([school("900001", "St Anne’s Café School – Ashcombe")])
    data = text.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")

    report = gias_import(actor=None, text=decode_text(data))

    assert report.created == 1
    assert EducationSetting.objects.get().name == "St Anne’s Café School – Ashcombe"


def test_a_utf8_file_with_or_without_a_byte_order_mark_is_read(db: None) -> None:
    text = gias_csv([school("900001", "Ysgol Gymraeg Bryn Ŵyn")])

    assert decode_text(text.encode("utf-8")) == text
    assert decode_text(text.encode("utf-8-sig")) == text
    report = gias_import(actor=None, text="\ufeff" + text)  # a BOM left on by the caller
    assert report.created == 1
    assert EducationSetting.objects.get().name == "Ysgol Gymraeg Bryn Ŵyn"


# Strict decoding (issue 11): a file is read in one encoding only when all of it decodes

ACCENTED = [
    school("900001", "École Sainte-Thérèse"),
    school("900002", "Ysgol Gymraeg Bryn Ŵyn"),
    school("900003", "Ashcombe Primary School"),
]


def test_a_utf8_file_with_one_stray_byte_is_refused_naming_its_line_and_byte(
    db: None, tmp_path: Path
) -> None:
    """It was read as Windows-1252, turning every accented name into mojibake (exit 0)."""
    data = gias_csv(ACCENTED).encode("utf-8")
    line_4 = data.index(b"900003")
    stray = data.index(b"Ashcombe")
    data = data[:stray] + b"\xe9" + data[stray:]  # a Windows-1252 é in a UTF-8 file

    with pytest.raises(CommandError) as refused:
        run(_written(tmp_path, data))

    message = str(refused.value)
    assert "Line 4:" in message
    assert f"byte {stray + 1:,} of the file (0xE9) cannot be read as UTF-8" in message
    assert "--encoding" in message
    assert line_4 < stray
    assert not EducationSetting.objects.exists()


def _written(tmp_path: Path, data: bytes, name: str = "edubasealldata.csv") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_a_windows_1252_file_imports_with_its_encoding_given(db: None, tmp_path: Path) -> None:
    data = gias_csv([school("900001", "St Anne’s Café School – Ashcombe")]).encode("cp1252")

    out, _ = run(_written(tmp_path, data), "--encoding", "cp1252")

    assert "1 created" in out
    assert EducationSetting.objects.get().name == "St Anne’s Café School – Ashcombe"


def test_a_file_that_is_not_all_in_the_given_encoding_is_refused(db: None, tmp_path: Path) -> None:
    data = gias_csv(ACCENTED).encode("utf-8")
    with pytest.raises(CommandError, match=r"Line 2: byte [\d,]+ of the file \(0x81\) cannot be"):
        # 0x81 is one of the five bytes Windows-1252 leaves undefined (once read as Latin-1)
        run(_written(tmp_path, data.replace(b"\xc3\x89", b"\x81")), "--encoding", "cp1252")
    with pytest.raises(CommandError, match="no encoding called ‘klingon’"):
        run(_written(tmp_path, data), "--encoding", "klingon")
    assert not EducationSetting.objects.exists()


def test_a_nul_byte_is_a_clear_problem_not_a_traceback(db: None, tmp_path: Path) -> None:
    data = gias_csv(ACCENTED).encode("utf-8").replace(b"Ashcombe", b"Ash\x00combe")
    with pytest.raises(CommandError, match="Line 4: the file has a NUL character"):
        run(_written(tmp_path, data))
    assert not EducationSetting.objects.exists()


def test_a_utf16_file_with_a_byte_order_mark_is_read(db: None, tmp_path: Path) -> None:
    """It was reported as ‘the column URN is missing’, once for each column."""
    data = gias_csv(ACCENTED).encode("utf-16")  # little-endian, with its byte order mark
    assert data.startswith(b"\xff\xfe")

    out, _ = run(_written(tmp_path, data))

    assert "3 created" in out
    assert EducationSetting.objects.get(urn="900001").name == "École Sainte-Thérèse"


def test_a_utf16_file_without_a_byte_order_mark_is_named_as_such(db: None, tmp_path: Path) -> None:
    data = gias_csv(ACCENTED).encode("utf-16-le")
    with pytest.raises(CommandError, match="looks like UTF-16 without a byte order mark"):
        run(_written(tmp_path, data))
    out, _ = run(_written(tmp_path, data), "--encoding", "utf-16-le")
    assert "3 created" in out


def test_checking_a_file_shows_its_progress_line_by_line(db: None, tmp_path: Path) -> None:
    rows = [school(f"9{n:05d}", f"School {n}") for n in range(1, 41)]
    out, _ = run(_written(tmp_path, gias_csv(rows).encode()))
    checking = out.split("Checking edubasealldata.csv\n", 1)[1].split("Importing\n", 1)[0]
    assert checking.splitlines()[-1].endswith("40/40")
    assert len(checking.splitlines()) == 10  # one line a tenth, as a log would keep it


# The command -----------------------------------------------------------------------


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_schools", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_imports_a_file_and_prints_the_report(
    areas: dict[str, Area], tmp_path: Path
) -> None:
    path = tmp_path / "edubasealldata20250901.csv"
    path.write_bytes(gias_csv(SCHOOLS).encode("cp1252"))

    out, _ = run(str(path))

    assert "5/5" in out  # the progress bar finished
    assert "Imported edubasealldata20250901.csv: 5 created, 0 updated, 0 unchanged." in out
    assert "Warning: Line 6: no Hearth local authority is called ‘Far Isles’" in out
    assert EducationSetting.objects.count() == 5

    again, _ = run(str(path))
    assert "0 created, 0 updated, 5 unchanged." in again


def test_the_command_fails_with_each_problem_and_imports_nothing(db: None, tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text(gias_csv([school("900001", "Ashcombe Primary School"), school("9", "")]))
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"broken\.csv has 2 problems: nothing was imported"):
        call_command("import_schools", str(path), stdout=io.StringIO(), stderr=err)

    assert err.getvalue().splitlines() == [
        "Line 3: the URN must be 5 to 8 digits",
        "Line 3: enter the establishment name (EstablishmentName)",
    ]
    assert not EducationSetting.objects.exists()


def test_the_command_says_when_it_cannot_read_the_file(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "missing.csv"))
