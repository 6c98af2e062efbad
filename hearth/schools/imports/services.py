"""Applying checked imports to the directory of settings and to term calendars.

Invariants:

- all or nothing: a file with any problem changes nothing (each service is one
  transaction and writes only after the pure check in ``gias`` or ``terms`` passed);
- a GIAS re-import is idempotent: a row whose digest (``GiasRow.digest``) matches the
  stored ``source_digest`` is not saved and gets no event; a changed row is updated, a
  new one created, each with one timeline event naming its URN and changed fields
  (settings are reference data, not personal data). A row whose information is the
  same but whose stored digest is missing or older only has its digest written (no
  event, ``updated_at`` kept): it is unchanged. A setting missing from the file is
  never changed or closed: an extract may be partial, and only GIAS's own "Closed"
  status closes a setting;
- a setting's local authority is the Hearth ``Area`` of kind local authority whose name
  matches GIAS's ``LA (name)`` (ignoring case). No match is a warning, not a problem:
  the setting is imported without one (routing then falls back to weekdays for its
  calendar). A match found later (the area was added) is filled in on re-import; a
  local authority set by hand is kept while GIAS's name for it does not change;
- importing term dates replaces the calendar's terms and INSET days within the file's
  span (from ``replace_from``, if given, to the file's last day) and bumps the
  calendar's version by one, with one timeline event; importing dates identical to
  what is there changes nothing, so a stored due time's stamp stays true.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Literal

import rules
from django.db import models, transaction

from hearth.accounts.models import Area
from hearth.audit.services import timeline_record
from hearth.core import clock
from hearth.core.actor import Actor
from hearth.core.errors import NotPermitted, ValidationFailed
from hearth.schools.imports.gias import COLUMNS, GiasRow, gias_parse
from hearth.schools.imports.report import ImportReport, Problem, long_date
from hearth.schools.imports.terms import (
    InsetSpan,
    TermDates,
    TermSpan,
    term_dates_parse_csv,
    term_dates_parse_ics,
)
from hearth.schools.models import (
    DEFAULT_DAY_STARTS,
    EducationSetting,
    InsetDay,
    TermCalendar,
    TermPeriod,
)
from hearth.schools.services import EARLIEST_DAY_START, LATEST_DAY_START


def _require_manager(actor: Actor | None) -> None:
    """A person or system must be one of the service operator's administrators
    (``schools.manage``); ``None`` is Hearth itself (a command run by an operator)."""
    if actor is not None and not rules.test_rule("schools.manage", actor):
        raise NotPermitted(
            "Only the Hearth service's administrators can import schools and term dates"
        )


# Rows compared and written per round trip: bounded memory, and well under SQLite's
# limit on query parameters for ``urn__in``.
CHUNK = 500

UPDATED_FIELDS = [*COLUMNS, "local_authority", "source_digest", "updated_at"]


@dataclass
class GiasReport(ImportReport):
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class TermReport(ImportReport):
    terms: int = 0
    inset_days: int = 0
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    changed: bool = False
    version: int = 0


def _chunks(rows: Sequence[GiasRow], size: int) -> Iterator[list[GiasRow]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _local_authorities_by_name() -> dict[str, int]:
    """Hearth's local authorities by name, folded; the first by code wins a tie."""
    found: dict[str, int] = {}
    rows = Area.objects.filter(kind=Area.Kind.LOCAL_AUTHORITY).order_by("code")
    for name, pk in rows.values_list("name", "pk"):
        found.setdefault(name.strip().casefold(), pk)
    return found


@transaction.atomic
def gias_import(
    *, actor: Actor | None, text: str, progress: Callable[[str], object] | None = None
) -> GiasReport:
    """Create and update education settings from a GIAS establishment CSV's text.

    ``progress`` is called once per row written or skipped (with its URN), for a
    command's progress bar."""
    _require_manager(actor)
    parsed = gias_parse(text)
    report = GiasReport(problems=parsed.problems)
    if report.problems:
        return report
    areas = _local_authorities_by_name()
    unmatched: dict[str, list[int]] = {}
    for row in parsed.rows:
        if row.la_name and row.la_name.casefold() not in areas:
            unmatched.setdefault(row.la_name, []).append(row.line)
    for name, lines in unmatched.items():
        more = len(lines) - 1
        which = f"this setting and {more} more in it were" if more else "this setting was"
        report.warn(
            f"no Hearth local authority is called ‘{name}’, so {which} imported without one",
            line=lines[0],
            column=COLUMNS["la_name"],
        )
    for chunk in _chunks(parsed.rows, CHUNK):
        _import_chunk(actor, chunk, areas, report)
        if progress is not None:
            for row in chunk:
                progress(row.urn)
    return report


def _import_chunk(
    actor: Actor | None, chunk: list[GiasRow], areas: dict[str, int], report: GiasReport
) -> None:
    existing = {
        setting.urn: setting
        for setting in EducationSetting.objects.select_for_update().filter(
            urn__in=[row.urn for row in chunk]
        )
    }
    now = clock.now()
    created: list[EducationSetting] = []
    updated: list[tuple[EducationSetting, list[str]]] = []
    fingerprinted: list[EducationSetting] = []
    for row in chunk:
        area_id = areas.get(row.la_name.casefold())
        setting = existing.get(row.urn)
        if setting is None:
            created.append(
                EducationSetting(
                    **row.values(),
                    local_authority_id=area_id,
                    source_digest=row.digest,
                    created_at=now,
                    updated_at=now,
                )
            )
            continue
        # Keep a local authority set by hand while GIAS's name for it stays the same.
        if area_id is None and row.la_name == setting.la_name:
            area_id = setting.local_authority_id
        if setting.source_digest == row.digest and setting.local_authority_id == area_id:
            report.unchanged += 1
            continue
        changed = [name for name, value in row.values().items() if getattr(setting, name) != value]
        if setting.local_authority_id != area_id:
            changed.append("local_authority")
        if not changed:
            # Same information, missing or older digest (a setting made before it was
            # imported, or a new DIGEST_VERSION): record the digest only, as bookkeeping.
            setting.source_digest = row.digest
            fingerprinted.append(setting)
            report.unchanged += 1
            continue
        for name, value in row.values().items():
            setattr(setting, name, value)
        setting.local_authority_id = area_id
        setting.source_digest = row.digest
        setting.updated_at = now
        updated.append((setting, changed))

    EducationSetting.objects.bulk_create(created)
    EducationSetting.objects.bulk_update([s for s, _ in updated], UPDATED_FIELDS)
    EducationSetting.objects.bulk_update(fingerprinted, ["source_digest"])
    # One event per setting, through the audit trail's own service (it has no bulk form).
    for setting in created:
        timeline_record(
            actor=actor,
            subject=setting,
            verb="schools.setting_imported",
            summary=f"{setting.name} (URN {setting.urn}) added from Get Information About Schools",
            payload={"urn": setting.urn},
        )
    for setting, changed in updated:
        words = ", ".join(_field_label(name) for name in changed)
        timeline_record(
            actor=actor,
            subject=setting,
            verb="schools.setting_updated",
            summary=f"{setting.name} (URN {setting.urn}) updated from Get Information About "
            f"Schools: {words}",
            payload={"urn": setting.urn, "fields": changed},
        )
    report.created += len(created)
    report.updated += len(updated)


def _field_label(name: str) -> str:
    model_field = EducationSetting._meta.get_field(name)
    assert isinstance(model_field, models.Field)
    return str(model_field.verbose_name)


# Term calendars ---------------------------------------------------------------------


@transaction.atomic
def term_calendar_ensure(
    *,
    actor: Actor | None,
    local_authority: Area | None = None,
    setting: EducationSetting | None = None,
    name: str,
    day_starts: dt.time | None = None,
) -> TermCalendar:
    """The term calendar of a local authority or of one setting, made if there is none
    (one timeline event). ``name`` is used only when making it; ``day_starts``, when
    given and different, changes an existing calendar too (a new version: due times
    depend on it)."""
    _require_manager(actor)
    if (local_authority is None) == (setting is None):
        raise ValidationFailed("Give a local authority or a setting, not both or neither")
    if local_authority is not None and local_authority.kind != Area.Kind.LOCAL_AUTHORITY:
        raise ValidationFailed(f"{local_authority.name} is not a local authority")
    if day_starts is not None and not EARLIEST_DAY_START <= day_starts <= LATEST_DAY_START:
        raise ValidationFailed("The school day must start between 6am and 11am")
    owner = {"local_authority": local_authority} if local_authority else {"setting": setting}
    calendar, created = TermCalendar.objects.select_for_update().get_or_create(
        **owner, defaults={"name": name, "day_starts": day_starts or DEFAULT_DAY_STARTS}
    )
    if created:
        timeline_record(
            actor=actor,
            subject=calendar,
            verb="schools.term_calendar_created",
            summary=f"Term calendar ‘{calendar.name}’ made; the school day starts at "
            f"{calendar.day_starts:%H:%M}",
            payload={"day_starts": f"{calendar.day_starts:%H:%M}"},
        )
    elif day_starts is not None and calendar.day_starts != day_starts:
        calendar.day_starts = day_starts
        calendar.version += 1
        calendar.save(update_fields=["day_starts", "version"])
        timeline_record(
            actor=actor,
            subject=calendar,
            verb="schools.term_calendar_changed",
            summary=f"The school day now starts at {day_starts:%H:%M} (version {calendar.version})",
            payload={"day_starts": f"{day_starts:%H:%M}", "version": calendar.version},
        )
    return calendar


TermFormat = Literal["csv", "ics"]
PARSERS: dict[str, Callable[[str], TermDates]] = {
    "csv": term_dates_parse_csv,
    "ics": term_dates_parse_ics,
}


@transaction.atomic
def term_dates_import(
    *,
    actor: Actor | None,
    calendar: TermCalendar,
    text: str,
    file_format: TermFormat,
    replace_from: dt.date | None = None,
) -> TermReport:
    """Replace ``calendar``'s terms and INSET days within the file's span with the file's.

    The span runs from the file's first day (or from ``replace_from``, to clear terms
    the new file drops; a date in the file before it is a problem) to its last. A term
    already in the calendar that overlaps the span is replaced whole (a warning says so
    when it reaches outside it)."""
    _require_manager(actor)
    parser = PARSERS.get(file_format)
    if parser is None:
        raise ValidationFailed("The file must be CSV or ICS")
    dates = parser(text)
    report = TermReport(
        problems=dates.problems,
        terms=len(dates.terms),
        inset_days=len(dates.inset_days),
        version=calendar.version,
    )
    span = dates.span
    if replace_from is not None and span is not None:
        report.problems.extend(
            Problem(f"the term ‘{t.name}’ starts before {long_date(replace_from)}", t.line)
            for t in dates.terms
            if t.starts_on < replace_from
        )
        report.problems.extend(
            Problem(f"the INSET day {long_date(d.day)} is before {long_date(replace_from)}", d.line)
            for d in dates.inset_days
            if d.day < replace_from
        )
    report.problems.sort(key=lambda p: p.line or 0)
    if report.problems or span is None:
        return report
    first, last = (replace_from or span[0]), span[1]
    report.starts_on, report.ends_on = first, last

    locked = TermCalendar.objects.select_for_update().get(pk=calendar.pk)
    old_terms = list(locked.terms.filter(starts_on__lte=last, ends_on__gte=first))
    old_insets = list(locked.inset_days.filter(day__gte=first, day__lte=last))
    if _same(old_terms, old_insets, dates.terms, dates.inset_days):
        report.version = locked.version
        return report

    for term in old_terms:
        if term.starts_on < first or term.ends_on > last:
            report.warn(
                f"the term ‘{term.name}’ ({long_date(term.starts_on)} to "
                f"{long_date(term.ends_on)}) reached outside this file's dates and has been "
                "replaced: check the days outside them"
            )
    TermPeriod.objects.filter(pk__in=[t.pk for t in old_terms]).delete()
    InsetDay.objects.filter(pk__in=[d.pk for d in old_insets]).delete()
    TermPeriod.objects.bulk_create(
        TermPeriod(calendar=locked, name=t.name, starts_on=t.starts_on, ends_on=t.ends_on)
        for t in dates.terms
    )
    InsetDay.objects.bulk_create(
        InsetDay(calendar=locked, day=d.day, note=d.note) for d in dates.inset_days
    )
    locked.version += 1
    locked.save(update_fields=["version"])
    calendar.version, calendar.updated_at = locked.version, locked.updated_at
    report.changed, report.version = True, locked.version
    timeline_record(
        actor=actor,
        subject=locked,
        verb="schools.term_dates_imported",
        summary=f"Term dates from {long_date(first)} to {long_date(last)} imported: "
        f"{_count(len(dates.terms), 'term')} and {_count(len(dates.inset_days), 'INSET day')} "
        f"(version {locked.version})",
        payload={
            "from": first.isoformat(),
            "to": last.isoformat(),
            "terms": len(dates.terms),
            "inset_days": len(dates.inset_days),
            "replaced_terms": len(old_terms),
            "replaced_inset_days": len(old_insets),
            "format": file_format,
            "version": locked.version,
        },
    )
    return report


def _same(
    old_terms: list[TermPeriod],
    old_insets: list[InsetDay],
    terms: list[TermSpan],
    insets: list[InsetSpan],
) -> bool:
    return sorted((t.name, t.starts_on, t.ends_on) for t in old_terms) == sorted(
        t.key for t in terms
    ) and sorted((d.day, d.note) for d in old_insets) == sorted(d.key for d in insets)


def _count(n: int, noun: str) -> str:
    return f"1 {noun}" if n == 1 else f"{n} {noun}s"
