"""Importing term dates and INSET days from CSV and ICS (issue 6 point 2).

The local authorities and schools here are made up."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from hearth.accounts.models import Area, Country
from hearth.accounts.services import area_ensure
from hearth.audit.models import TimelineEvent
from hearth.core.errors import ValidationFailed
from hearth.schools.imports import gias_import, term_calendar_ensure, term_dates_import
from hearth.schools.imports.terms import (
    parse_date,
    term_dates_parse_csv,
    term_dates_parse_ics,
)
from hearth.schools.models import DEFAULT_DAY_STARTS, EducationSetting, TermCalendar
from hearth.schools.tests.test_imports import gias_csv, school

D = dt.date

# The Autumn term's first two days are INSET days.
TERMS_CSV = """term,starts_on,ends_on
Autumn term,2025-09-01,2025-12-19
Spring term,05/01/2026,27/03/2026
Summer term,2026-04-13,2026-07-22
INSET,2025-09-01,2025-09-02
INSET: staff training,2026-01-05,
"""


def ics(*events: str) -> str:
    body = "".join(
        f"BEGIN:VEVENT\r\nUID:{n}@northshire.example\r\n{e}END:VEVENT\r\n"
        for n, e in enumerate(events)
    )
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Northshire//Terms//EN\r\n{body}END:VCALENDAR\r\n"


def all_day(summary: str, start: str, end: str) -> str:
    return f"DTSTART;VALUE=DATE:{start}\r\nDTEND;VALUE=DATE:{end}\r\nSUMMARY:{summary}\r\n"


TERMS_ICS = ics(
    all_day("Autumn term 2025", "20250901", "20251220"),  # ends Friday 19 December
    all_day("October half term", "20251027", "20251101"),
    all_day("INSET days", "20250901", "20250903"),  # 1 and 2 September
    all_day("Christmas holiday", "20251222", "20260102"),
    all_day("Spring term 2026", "20260105", "20260328"),
    all_day("Staff Training Day", "20260105", "20260106"),
    "DTSTART:20260413T083000Z\r\nDTEND:20260722T150000Z\r\nSUMMARY:Summer term 2026\r\n",
)  # fmt: skip


@pytest.fixture
def northshire(db: None) -> Area:
    return area_ensure(
        actor=None,
        code="E06900001",
        name="Northshire",
        kind=Area.Kind.LOCAL_AUTHORITY,
        country=Country.ENGLAND,
    )


@pytest.fixture
def calendar(northshire: Area) -> TermCalendar:
    return term_calendar_ensure(actor=None, local_authority=northshire, name="Northshire's terms")


def dates_of(calendar: TermCalendar) -> tuple[list[tuple[str, D, D]], list[tuple[D, str]]]:
    return (
        list(calendar.terms.values_list("name", "starts_on", "ends_on")),
        list(calendar.inset_days.values_list("day", "note")),
    )


def events_on(calendar: TermCalendar) -> list[str]:
    return list(TimelineEvent.objects.for_subject(calendar).values_list("verb", flat=True))


# Dates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-09-03", D(2025, 9, 3)),
        ("03/09/2025", D(2025, 9, 3)),
        ("3/9/2025", D(2025, 9, 3)),
        (" 2026-02-28 ", D(2026, 2, 28)),
        ("2026-02-29", None),
        ("31/04/2026", None),
        ("09/03/25", None),
        ("3 September 2025", None),
        ("", None),
    ],
)
def test_dates_are_iso_or_uk_day_first(text: str, expected: D | None) -> None:
    assert parse_date(text) == expected


# The calendar ---------------------------------------------------------------------


def test_a_calendar_is_made_once_with_one_event(northshire: Area) -> None:
    first = term_calendar_ensure(actor=None, local_authority=northshire, name="Northshire's terms")
    again = term_calendar_ensure(actor=None, local_authority=northshire, name="Other name")

    assert again == first
    assert (again.name, again.day_starts, again.version) == (
        "Northshire's terms",
        DEFAULT_DAY_STARTS,
        1,
    )
    assert events_on(first) == ["schools.term_calendar_created"]


def test_a_new_school_day_start_is_a_new_version(calendar: TermCalendar, northshire: Area) -> None:
    changed = term_calendar_ensure(
        actor=None, local_authority=northshire, name="x", day_starts=dt.time(8, 30)
    )

    assert (changed.day_starts, changed.version) == (dt.time(8, 30), 2)
    assert events_on(calendar)[0] == "schools.term_calendar_changed"


def test_a_calendar_belongs_to_a_local_authority_or_a_setting(northshire: Area) -> None:
    gias_import(actor=None, text=gias_csv([school("900001", "Ashcombe Academy")]))
    setting = EducationSetting.objects.get()
    with pytest.raises(ValidationFailed):
        term_calendar_ensure(actor=None, name="Neither")
    with pytest.raises(ValidationFailed):
        term_calendar_ensure(actor=None, local_authority=northshire, setting=setting, name="Both")

    own = term_calendar_ensure(actor=None, setting=setting, name="Ashcombe Academy's own terms")
    assert own.setting == setting


# CSV -----------------------------------------------------------------------------


def test_a_csv_of_terms_and_inset_days_is_imported_as_a_new_version(
    calendar: TermCalendar,
) -> None:
    report = term_dates_import(actor=None, calendar=calendar, text=TERMS_CSV, file_format="csv")

    assert report.ok and report.changed
    assert (report.terms, report.inset_days) == (3, 3)
    assert (report.starts_on, report.ends_on) == (D(2025, 9, 1), D(2026, 7, 22))
    assert report.version == calendar.version == 2
    assert dates_of(calendar) == (
        [
            ("Autumn term", D(2025, 9, 1), D(2025, 12, 19)),
            ("Spring term", D(2026, 1, 5), D(2026, 3, 27)),
            ("Summer term", D(2026, 4, 13), D(2026, 7, 22)),
        ],
        [
            (D(2025, 9, 1), "INSET day"),
            (D(2025, 9, 2), "INSET day"),
            (D(2026, 1, 5), "staff training"),
        ],
    )
    calendar.refresh_from_db()
    assert calendar.version == 2
    assert calendar.stamp.endswith("/v2")
    assert events_on(calendar) == ["schools.term_dates_imported", "schools.term_calendar_created"]
    event = TimelineEvent.objects.for_subject(calendar).first()
    assert event is not None
    assert event.payload["version"] == 2
    assert event.summary == (
        "Term dates from 1 September 2025 to 22 July 2026 imported: 3 terms and 3 INSET "
        "days (version 2)"
    )


def test_a_malformed_csv_reports_each_problem_with_its_line_and_changes_nothing(
    calendar: TermCalendar,
) -> None:
    term_dates_import(actor=None, calendar=calendar, text=TERMS_CSV, file_format="csv")
    before = dates_of(calendar)
    text = """Term,Starts_On,Ends_On,Notes
Autumn term,2026-09-01,2026-12-18,
Spring term,2027-01-04,2026-12-20,the end is before the start
Spring term,2027-01-04,31/02/2027,no such day
Summer term,2027-04-12,2027-07-21,
Summer term,2027-04-12,2027-07-21,twice
Summer half,2027-06-01,2027-09-01,overlaps the summer term
,2027-09-01,2027-09-02,no name
INSET,2026-08-31,,the day before the autumn term
INSET,2026-09-01,,
INSET,2026-09-01,,the same day again
Easter term,,2027-03-31,no start
INSET,next Monday,,
"""

    report = term_dates_import(actor=None, calendar=calendar, text=text, file_format="csv")

    assert [str(p) for p in report.problems] == [
        "Line 3: ends_on must be the same as or after starts_on",
        "Line 4: ends_on must be a real date, like 2025-09-03 or 03/09/2025",
        "Line 6: the term ‘Summer term’ has the same dates as line 5",
        "Line 7: the term ‘Summer half’ overlaps the term ‘Summer term’ on line 5",
        "Line 8: enter the term's name",
        "Line 9: the INSET day 31 August 2026 is not in any term",
        "Line 11: 1 September 2026 is already an INSET day on line 10",
        "Line 12: enter the day the term starts (starts_on)",
        "Line 13: starts_on must be a real date, like 2025-09-03 or 03/09/2025",
    ]
    assert [p.column for p in report.problems][:2] == ["ends_on", "ends_on"]
    assert not report.changed
    calendar.refresh_from_db()
    assert calendar.version == 2
    assert dates_of(calendar) == before


def test_inset_days_are_weekdays(db: None) -> None:
    text = """term,starts_on,ends_on
Autumn term,2025-09-01,2025-12-19
INSET: long weekend,2025-10-24,2025-10-27
INSET,2025-10-04,
"""
    dates = term_dates_parse_csv(text)

    assert [d.day for d in dates.inset_days] == [D(2025, 10, 24), D(2025, 10, 27)]
    assert [str(p) for p in dates.problems] == [
        "Line 4: the INSET day falls on a weekend: INSET days are weekdays"
    ]


def test_a_csv_without_the_columns_or_terms_is_a_problem(calendar: TermCalendar) -> None:
    def problems(text: str) -> list[str]:
        report = term_dates_import(actor=None, calendar=calendar, text=text, file_format="csv")
        return [str(p) for p in report.problems]

    assert problems("name,from,to\nAutumn,2025-09-01,2025-12-19\n") == [
        "Line 1: the column ‘term’ is missing",
        "Line 1: the column ‘starts_on’ is missing",
        "Line 1: the column ‘ends_on’ is missing",
    ]
    assert problems("term,starts_on,ends_on\n") == ["The file has no terms"]
    assert problems("") == ["The file is empty or is not a CSV file"]


def test_reimporting_the_same_csv_changes_nothing(calendar: TermCalendar) -> None:
    term_dates_import(actor=None, calendar=calendar, text=TERMS_CSV, file_format="csv")
    before = dates_of(calendar)
    ids = list(calendar.terms.values_list("pk", flat=True))

    report = term_dates_import(actor=None, calendar=calendar, text=TERMS_CSV, file_format="csv")

    assert report.ok and not report.changed
    assert report.version == 2
    calendar.refresh_from_db()
    assert calendar.version == 2
    assert dates_of(calendar) == before
    assert list(calendar.terms.values_list("pk", flat=True)) == ids
    assert events_on(calendar).count("schools.term_dates_imported") == 1


def test_a_changed_csv_replaces_the_dates_it_covers_and_bumps_the_version(
    calendar: TermCalendar,
) -> None:
    term_dates_import(actor=None, calendar=calendar, text=TERMS_CSV, file_format="csv")
    moved = TERMS_CSV.replace("27/03/2026", "02/04/2026").replace(
        "INSET: staff training,2026-01-05,\n", ""
    )

    report = term_dates_import(actor=None, calendar=calendar, text=moved, file_format="csv")

    assert report.changed and report.version == 3
    terms, insets = dates_of(calendar)
    assert terms[1] == ("Spring term", D(2026, 1, 5), D(2026, 4, 2))
    assert D(2026, 1, 5) not in [day for day, _ in insets]
    assert events_on(calendar).count("schools.term_dates_imported") == 2


def test_next_years_dates_are_added_beside_this_years(calendar: TermCalendar) -> None:
    term_dates_import(actor=None, calendar=calendar, text=TERMS_CSV, file_format="csv")
    next_year = "term,starts_on,ends_on\nAutumn term,2026-09-02,2026-12-18\nINSET,2026-09-02,\n"

    report = term_dates_import(actor=None, calendar=calendar, text=next_year, file_format="csv")

    assert report.changed and report.version == 3
    terms, insets = dates_of(calendar)
    assert [t[1] for t in terms] == [D(2025, 9, 1), D(2026, 1, 5), D(2026, 4, 13), D(2026, 9, 2)]
    assert len(insets) == 4


def test_replace_from_clears_terms_the_new_file_drops(calendar: TermCalendar) -> None:
    term_dates_import(actor=None, calendar=calendar, text=TERMS_CSV, file_format="csv")
    summer_only = "term,starts_on,ends_on\nSummer term,2026-04-14,2026-07-21\n"

    too_late = term_dates_import(
        actor=None,
        calendar=calendar,
        text=summer_only,
        file_format="csv",
        replace_from=D(2026, 5, 1),
    )
    assert [str(p) for p in too_late.problems] == [
        "Line 2: the term ‘Summer term’ starts before 1 May 2026"
    ]

    report = term_dates_import(
        actor=None,
        calendar=calendar,
        text=summer_only,
        file_format="csv",
        replace_from=D(2026, 1, 1),
    )

    assert report.changed and report.starts_on == D(2026, 1, 1)
    terms, insets = dates_of(calendar)
    assert [t[0] for t in terms] == ["Autumn term", "Summer term"]
    assert [day for day, _ in insets] == [D(2025, 9, 1), D(2025, 9, 2)]


def test_a_term_reaching_outside_the_file_is_replaced_with_a_warning(
    calendar: TermCalendar,
) -> None:
    term_dates_import(actor=None, calendar=calendar, text=TERMS_CSV, file_format="csv")
    text = "term,starts_on,ends_on\nSpring term (second half),2026-02-23,2026-03-27\n"

    report = term_dates_import(actor=None, calendar=calendar, text=text, file_format="csv")

    assert [str(w) for w in report.warnings] == [
        "The term ‘Spring term’ (5 January 2026 to 27 March 2026) reached outside this "
        "file's dates and has been replaced: check the days outside them"
    ]
    assert [t[0] for t in dates_of(calendar)[0]] == [
        "Autumn term",
        "Spring term (second half)",
        "Summer term",
    ]


# ICS -----------------------------------------------------------------------------


def test_an_ics_file_gives_terms_with_exclusive_ends_inset_days_and_skips_holidays(
    calendar: TermCalendar,
) -> None:
    report = term_dates_import(actor=None, calendar=calendar, text=TERMS_ICS, file_format="ics")

    assert report.ok and report.changed, report.problems
    assert dates_of(calendar) == (
        [
            ("Autumn term 2025", D(2025, 9, 1), D(2025, 12, 19)),
            ("Spring term 2026", D(2026, 1, 5), D(2026, 3, 27)),
            ("Summer term 2026", D(2026, 4, 13), D(2026, 7, 22)),
        ],
        [
            (D(2025, 9, 1), "INSET days"),
            (D(2025, 9, 2), "INSET days"),
            (D(2026, 1, 5), "Staff Training Day"),
        ],
    )
    assert calendar.version == 2


def test_reimporting_the_same_ics_changes_nothing_and_a_changed_one_is_a_new_version(
    calendar: TermCalendar,
) -> None:
    term_dates_import(actor=None, calendar=calendar, text=TERMS_ICS, file_format="ics")

    same = term_dates_import(actor=None, calendar=calendar, text=TERMS_ICS, file_format="ics")
    assert not same.changed and same.version == 2

    changed_text = TERMS_ICS.replace("SUMMARY:Spring term 2026", "SUMMARY:Spring term")
    changed = term_dates_import(actor=None, calendar=calendar, text=changed_text, file_format="ics")
    assert changed.changed and changed.version == 3
    calendar.refresh_from_db()
    assert calendar.version == 3


def test_a_malformed_ics_reports_each_problem_at_its_event(calendar: TermCalendar) -> None:
    text = ics(
        all_day("Autumn term", "20250901", "20251220"),  # BEGIN:VEVENT on line 4
        all_day("Backwards term", "20260328", "20260105"),  # line 10
        all_day("Overlapping term", "20251201", "20260101"),  # line 16
        all_day("INSET day", "20260202", "20260203"),  # line 22
        "DTSTART;VALUE=DATE:20260413\r\nRRULE:FREQ=YEARLY\r\nSUMMARY:Summer term\r\n",  # 28
        "SUMMARY:No dates\r\n",  # line 34
    )

    report = term_dates_import(actor=None, calendar=calendar, text=text, file_format="ics")

    assert [str(p) for p in report.problems] == [
        "Line 10: the event ‘Backwards term’ ends before it starts",
        "Line 16: the term ‘Overlapping term’ overlaps the term ‘Autumn term’ on line 4",
        "Line 22: the INSET day 2 February 2026 is not in any term",
        "Line 28: the event ‘Summer term’ repeats: give each term as its own event",
        "Line 34: the event ‘No dates’ has no start date (DTSTART)",
    ]
    assert not report.changed
    assert dates_of(calendar) == ([], [])
    calendar.refresh_from_db()
    assert calendar.version == 1


def test_a_file_that_is_not_icalendar_is_a_problem(db: None) -> None:
    dates = term_dates_parse_ics("term,starts_on,ends_on\n")
    assert len(dates.problems) == 1
    assert str(dates.problems[0]).startswith("The file is not an iCalendar (ICS) file")


def test_a_timed_event_ending_at_midnight_ends_the_day_before(db: None) -> None:
    dates = term_dates_parse_ics(
        ics(
            "DTSTART;TZID=Europe/London:20250901T000000\r\n"
            "DTEND;TZID=Europe/London:20251220T000000\r\nSUMMARY:Autumn term\r\n",
            "DTSTART;VALUE=DATE:20251020\r\nSUMMARY:INSET\r\n",  # no end: one day
            "DTSTART;VALUE=DATE:20251103\r\nDURATION:P2D\r\nSUMMARY:Training day\r\n",
        )
    )

    assert not dates.problems
    assert [(t.starts_on, t.ends_on) for t in dates.terms] == [(D(2025, 9, 1), D(2025, 12, 19))]
    assert [d.day for d in dates.inset_days] == [D(2025, 10, 20), D(2025, 11, 3), D(2025, 11, 4)]


# The command -----------------------------------------------------------------------


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_term_dates", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_command_imports_a_local_authoritys_terms_once(
    northshire: Area, tmp_path: Path
) -> None:
    path = tmp_path / "northshire-2025-26.csv"
    path.write_text(TERMS_CSV)

    out = run("--local-authority", "E06900001", "--day-starts", "08:40", str(path))

    assert "2/2" in out
    assert (
        "Imported 3 terms and 3 INSET days from 1 September 2025 to 22 July 2026 into "
        "‘Northshire's terms’ (now version 2)." in out
    )
    assert "The school day starts at 08:40." in out
    calendar = TermCalendar.objects.get(local_authority=northshire)
    assert (calendar.day_starts, calendar.version) == (dt.time(8, 40), 2)

    again = run("--local-authority", "E06900001", str(path))
    assert (
        "The term dates are unchanged: ‘Northshire's terms’ already has them (version 2)." in again
    )


def test_the_command_reads_terms_only_when_the_whole_file_decodes(
    northshire: Area, tmp_path: Path
) -> None:
    """The same strict reading as the GIAS import (issue 11): a UTF-16 file with its byte
    order mark is read, a file with a NUL or a byte that is not UTF-8 is refused by line."""
    path = tmp_path / "terms.csv"
    path.write_bytes(TERMS_CSV.encode("utf-16"))
    assert "Imported 3 terms" in run("--local-authority", "E06900001", str(path))

    path.write_bytes(
        ("# Northshire’s terms\n" + TERMS_CSV).encode().replace(b"2025", b"20\x0025", 1)
    )
    with pytest.raises(CommandError, match="Line 3: the file has a NUL character"):
        run("--local-authority", "E06900001", str(path))
    path.write_bytes(("# Northshire’s terms\n" + TERMS_CSV + "\xe9").encode()[:-2] + b"\xe9")
    with pytest.raises(CommandError, match=r"\(0xE9\) cannot be read as UTF-8"):
        run("--local-authority", "E06900001", str(path))


def test_the_command_imports_a_schools_own_terms_from_ics(db: None, tmp_path: Path) -> None:
    gias_import(actor=None, text=gias_csv([school("900001", "Ashcombe Academy")]))
    path = tmp_path / "ashcombe.ics"
    path.write_text(TERMS_ICS)

    out = run("--urn", "900001", str(path))

    assert "into ‘Ashcombe Academy's own terms’" in out
    calendar = TermCalendar.objects.get(setting__urn="900001")
    assert calendar.terms.count() == 3


def test_the_command_fails_on_problems_and_leaves_no_calendar(
    northshire: Area, tmp_path: Path
) -> None:
    path = tmp_path / "terms.csv"
    path.write_text("term,starts_on,ends_on\nAutumn term,2025-12-19,2025-09-01\n")
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"terms\.csv has 1 problem: nothing was imported"):
        call_command(
            "import_term_dates", "--local-authority", "E06900001", str(path),
            stdout=io.StringIO(), stderr=err,
        )  # fmt: skip

    assert err.getvalue().strip() == "Line 2: ends_on must be the same as or after starts_on"
    assert not TermCalendar.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--local-authority", "E06999999"], "No local authority has the code E06999999"),
        (["--urn", "999999"], "No setting has the URN 999999"),
        (["--local-authority", "E06900001", "--day-starts", "8.45"], "--day-starts"),
        (["--local-authority", "E06900001", "--day-starts", "14:45"], "between 6am and 11am"),
        (["--local-authority", "E06900001", "--replace-from", "soon"], "--replace-from"),
    ],
)
def test_the_command_explains_mistakes(
    northshire: Area, tmp_path: Path, args: list[str], message: str
) -> None:
    path = tmp_path / "terms.csv"
    path.write_text(TERMS_CSV)
    with pytest.raises(CommandError, match=message):
        run(*args, str(path))


def test_the_command_needs_a_csv_or_ics_file(northshire: Area, tmp_path: Path) -> None:
    path = tmp_path / "terms.txt"
    path.write_text(TERMS_CSV)
    with pytest.raises(CommandError, match=r"\.csv or \.ics"):
        run("--local-authority", "E06900001", str(path))
    assert "version 2" in run("--local-authority", "E06900001", "--format", "csv", str(path))
