"""Term calendars, their terms, INSET days and start times (see the package's invariants)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F

from hearth.accounts.models import Area
from hearth.audit.services import timeline_record
from hearth.core.actor import Actor
from hearth.core.dates import govuk_time
from hearth.core.errors import ValidationFailed
from hearth.schools.models import (
    EducationSetting,
    InsetDay,
    TermCalendar,
    TermPeriod,
)

# A start time outside these is almost certainly a typing slip (14:45 for 08:45): English
# schools open between about 08:00 and 09:30, and a breakfast club is not the school day.
from hearth.schools.services._common import (
    EARLIEST_DAY_START,
    LATEST_DAY_START,
    _require_manager,
    long_date,
)

# --- Term calendars ------------------------------------------------------------------------


def _day_starts_problems(day_starts: dt.time) -> dict[str, list[str]]:
    if not EARLIEST_DAY_START <= day_starts <= LATEST_DAY_START:
        return {"day_starts": ["The school day must start between 6am and 11am"]}
    return {}


def _locked(calendar: TermCalendar) -> TermCalendar:
    return TermCalendar.objects.select_for_update().get(pk=calendar.pk)


def _bump(calendar: TermCalendar) -> None:
    """One more change to the calendar's dates: a new version (see the invariants)."""
    TermCalendar.objects.filter(pk=calendar.pk).update(version=F("version") + 1)
    calendar.refresh_from_db(fields=["version"])


def _record(
    calendar: TermCalendar, *, actor: Actor, verb: str, summary: str, **payload: Any
) -> None:
    timeline_record(
        actor=actor,
        subject=calendar,
        verb=verb,
        summary=summary,
        payload={**payload, "version": calendar.version},
    )


@transaction.atomic
def term_calendar_create(
    *,
    actor: Actor,
    local_authority: Area | None = None,
    setting: EducationSetting | None = None,
    name: str,
    day_starts: dt.time,
) -> TermCalendar:
    """A new, empty term calendar for a local authority (its maintained schools) or for
    one setting (an academy or independent school with its own terms, which then apply
    instead of its local authority's). Nothing is copied: its terms are added to it."""
    _require_manager(actor)
    if (local_authority is None) == (setting is None):
        raise ValidationFailed("A term calendar belongs to a local authority or to one setting")
    problems: dict[str, list[str]] = {}
    name = name.strip()
    if not name:
        problems["name"] = ["Enter a name for the term calendar"]
    elif len(name) > 200:
        problems["name"] = ["The name must be 200 characters or fewer"]
    problems.update(_day_starts_problems(day_starts))
    if local_authority is not None:
        if local_authority.kind != Area.Kind.LOCAL_AUTHORITY:
            problems["local_authority"] = ["Choose a local authority"]
        elif TermCalendar.objects.filter(local_authority=local_authority).exists():
            problems["local_authority"] = [f"{local_authority.name} already has a term calendar"]
    if setting is not None and TermCalendar.objects.filter(setting=setting).exists():
        raise ValidationFailed(f"{setting.name} already has its own term calendar")
    if problems:
        raise ValidationFailed.from_fields(problems)
    calendar = TermCalendar.objects.create(
        local_authority=local_authority, setting=setting, name=name, day_starts=day_starts
    )
    owner = local_authority.name if local_authority else f"{setting.name} (its own)"  # type: ignore[union-attr]
    _record(
        calendar,
        actor=actor,
        verb="schools.term_calendar_created",
        summary=f"Term calendar created for {owner}",
        local_authority_id=local_authority.pk if local_authority else None,
        setting_id=setting.pk if setting else None,
        day_starts=day_starts.isoformat(timespec="minutes"),
    )
    return calendar


@transaction.atomic
def term_calendar_day_starts_set(
    *, actor: Actor, calendar: TermCalendar, day_starts: dt.time
) -> TermCalendar:
    """When the school day starts: a notification is due before it (domain.md §3.2)."""
    _require_manager(actor)
    problems = _day_starts_problems(day_starts)
    if problems:
        raise ValidationFailed.from_fields(problems)
    calendar = _locked(calendar)
    before = calendar.day_starts
    if before == day_starts:
        return calendar
    calendar.day_starts = day_starts
    calendar.save(update_fields=["day_starts", "updated_at"])
    _bump(calendar)
    _record(
        calendar,
        actor=actor,
        verb="schools.term_calendar_day_starts_set",
        summary=f"The school day starts at {govuk_time(day_starts)}",
        before=before.isoformat(timespec="minutes"),
        after=day_starts.isoformat(timespec="minutes"),
    )
    return calendar


@transaction.atomic
def term_period_add(
    *, actor: Actor, calendar: TermCalendar, name: str, starts_on: dt.date, ends_on: dt.date
) -> TermPeriod:
    """Add a term: the days from ``starts_on`` to ``ends_on`` (both included) when the
    school is open, weekends and bank holidays aside."""
    _require_manager(actor)
    calendar = _locked(calendar)
    problems: dict[str, list[str]] = {}
    name = name.strip()
    if not name:
        problems["name"] = ["Enter the term's name, like Autumn 1"]
    elif len(name) > 80:
        problems["name"] = ["The term's name must be 80 characters or fewer"]
    if ends_on < starts_on:
        problems["ends_on"] = ["The last day of the term must be on or after its first day"]
    else:
        clash = (
            calendar.terms.filter(starts_on__lte=ends_on, ends_on__gte=starts_on)
            .order_by("starts_on")
            .first()
        )
        if clash is not None:
            problems["starts_on"] = [
                f"The term overlaps {clash.name} ({long_date(clash.starts_on)} to "
                f"{long_date(clash.ends_on)}): change its dates so that terms do not overlap"
            ]
    if problems:
        raise ValidationFailed.from_fields(problems)
    term = TermPeriod.objects.create(
        calendar=calendar, name=name, starts_on=starts_on, ends_on=ends_on
    )
    _bump(calendar)
    _record(
        calendar,
        actor=actor,
        verb="schools.term_added",
        summary=f"{name} added: {long_date(starts_on)} to {long_date(ends_on)}",
        term_id=term.pk,
        starts_on=starts_on.isoformat(),
        ends_on=ends_on.isoformat(),
    )
    return term


@transaction.atomic
def term_period_remove(*, actor: Actor, term: TermPeriod) -> list[dt.date]:
    """Remove a term and the INSET days inside it (an INSET day is a day of term).
    Answers the INSET days removed with it."""
    _require_manager(actor)
    calendar = _locked(term.calendar)
    term = TermPeriod.objects.get(pk=term.pk, calendar=calendar)
    insets = calendar.inset_days.filter(day__gte=term.starts_on, day__lte=term.ends_on)
    removed = list(insets.values_list("day", flat=True))
    insets.delete()
    term.delete()
    _bump(calendar)
    _record(
        calendar,
        actor=actor,
        verb="schools.term_removed",
        summary=f"{term.name} removed ({long_date(term.starts_on)} to {long_date(term.ends_on)})"
        + (f" with {len(removed)} INSET day{'s' if len(removed) != 1 else ''}" if removed else ""),
        starts_on=term.starts_on.isoformat(),
        ends_on=term.ends_on.isoformat(),
        inset_days_removed=[d.isoformat() for d in removed],
    )
    return removed


@transaction.atomic
def inset_day_add(
    *, actor: Actor, calendar: TermCalendar, day: dt.date, note: str = ""
) -> InsetDay:
    """A training day in term time: pupils are not in, so it is not a school day and a
    notification is due before the next one."""
    _require_manager(actor)
    calendar = _locked(calendar)
    problems: dict[str, list[str]] = {}
    note = note.strip()
    if day.weekday() >= 5:
        problems["day"] = ["An INSET day must be a weekday"]
    elif not calendar.terms.filter(starts_on__lte=day, ends_on__gte=day).exists():
        problems["day"] = ["An INSET day must be in a term: add the term first"]
    elif calendar.inset_days.filter(day=day).exists():
        problems["day"] = [f"{long_date(day)} is already an INSET day"]
    if len(note) > 120:
        problems["note"] = ["The note must be 120 characters or fewer"]
    if problems:
        raise ValidationFailed.from_fields(problems)
    inset = InsetDay.objects.create(calendar=calendar, day=day, note=note)
    _bump(calendar)
    _record(
        calendar,
        actor=actor,
        verb="schools.inset_day_added",
        summary=f"INSET day added: {long_date(day)}",
        inset_day_id=inset.pk,
        day=day.isoformat(),
    )
    return inset


@transaction.atomic
def inset_day_remove(*, actor: Actor, inset_day: InsetDay) -> None:
    _require_manager(actor)
    calendar = _locked(inset_day.calendar)
    inset_day = InsetDay.objects.get(pk=inset_day.pk, calendar=calendar)
    day = inset_day.day
    inset_day.delete()
    _bump(calendar)
    _record(
        calendar,
        actor=actor,
        verb="schools.inset_day_removed",
        summary=f"INSET day removed: {long_date(day)}",
        day=day.isoformat(),
    )
