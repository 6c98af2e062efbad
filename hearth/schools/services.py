"""Changing the directory of education settings, their safeguarding leads and their term
calendars (the service operator's administrators; issue 6 points 1 and 2).

Invariants:

- only the service operator's administrators change any of it (``schools.manage``),
  anyone else is refused with ``NotPermitted``: where a notification goes and when it is
  due are configuration, not something a school or a force sets for itself;
- each change is one transaction with one timeline event on what changed (the setting or
  the calendar); the event's payload holds ids, codes and dates, never a person's name;
- a setting's organisation and its trust are school-or-college agencies; its DSL team is
  a school safeguarding team of one of them (domain.md §3.2: the notification goes to
  "the school's Designated Safeguarding Lead");
- a contact (DSL or deputy) is a person with a current membership in the setting's own
  organisation, at most once at a time; ending a contact keeps the row (who was the DSL
  when a notification was escalated stays answerable);
- a term calendar belongs to one local authority or to one setting, never both, and each
  has at most one; terms never overlap and end on or after the day they start; an INSET
  day is a weekday inside a term;
- every change to a calendar or its dates adds 1 to its version in the same transaction,
  so a due time stamped with ``TermCalendar.stamp`` names the dates that produced it
  (style.md §11); a calendar is locked while it changes, so two changes cannot both read
  the same version.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import rules
from django.db import transaction
from django.db.models import F

from hearth.accounts.models import Agency, Area, Membership, Team, TeamFunction, User
from hearth.audit.services import timeline_record
from hearth.core import clock
from hearth.core.actor import Actor, AgencyKind
from hearth.core.errors import NotPermitted, ValidationFailed
from hearth.schools.models import (
    ContactRole,
    EducationSetting,
    InsetDay,
    SettingContact,
    TermCalendar,
    TermPeriod,
)

# A start time outside these is almost certainly a typing slip (14:45 for 08:45): English
# schools open between about 08:00 and 09:30, and a breakfast club is not the school day.
EARLIEST_DAY_START = dt.time(6, 0)
LATEST_DAY_START = dt.time(11, 0)


def long_date(day: dt.date) -> str:
    """GOV.UK style: 1 September 2025."""
    return f"{day.day} {day:%B %Y}"


def _require_manager(actor: Actor) -> None:
    if not rules.test_rule("schools.manage", actor):
        raise NotPermitted(
            "Only the Hearth service's administrators can change schools and their term dates"
        )


# --- A setting's links to Hearth ----------------------------------------------------------


def _link_problems(
    setting: EducationSetting, agency: Agency | None, dsl_team: Team | None, trust: Agency | None
) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if agency is not None and agency.kind != AgencyKind.SCHOOL:
        problems["agency"] = ["Choose an organisation that is a school or college in Hearth"]
    if trust is not None and trust.kind != AgencyKind.SCHOOL:
        problems["trust"] = ["Choose a trust or federation that is set up in Hearth"]
    elif trust is not None and agency is not None and trust.pk == agency.pk:
        problems["trust"] = ["The trust must be a different organisation from the setting's own"]
    if dsl_team is not None:
        owners = {a.pk for a in (agency, trust) if a is not None}
        if dsl_team.function != TeamFunction.SCHOOL_SAFEGUARDING or not dsl_team.is_active:
            problems["dsl_team"] = ["Choose a school safeguarding team"]
        elif not owners:
            problems.setdefault(
                "agency", ["Choose the setting's organisation in Hearth to choose its DSL team"]
            )
        elif dsl_team.agency_id not in owners:
            problems["dsl_team"] = [
                "Choose a team of the setting's own organisation or of its trust"
            ]
    return problems


def _links(setting: EducationSetting) -> dict[str, int | None]:
    return {
        "agency_id": setting.agency_id,
        "dsl_team_id": setting.dsl_team_id,
        "trust_id": setting.trust_id,
    }


@transaction.atomic
def setting_link_set(
    *,
    actor: Actor,
    setting: EducationSetting,
    agency: Agency | None,
    dsl_team: Team | None,
    trust: Agency | None,
) -> EducationSetting:
    """Say which Hearth organisation is the setting, which team is its designated
    safeguarding lead's inbox (where its Operation Encompass notifications go) and which
    trust, if any, may act for it. Saving the same links again records nothing."""
    _require_manager(actor)
    setting = EducationSetting.objects.select_for_update().get(pk=setting.pk)
    problems = _link_problems(setting, agency, dsl_team, trust)
    new_agency_id = agency.pk if agency else None
    if (
        not problems
        and setting.agency_id is not None
        and new_agency_id != setting.agency_id
        and setting.contacts.current().exists()
    ):
        # A contact must work for the setting's organisation: moving the setting would
        # leave its DSL answering for a school they do not work for.
        problems["agency"] = [
            "End the setting's safeguarding lead contacts before you change its organisation"
        ]
    if problems:
        raise ValidationFailed.from_fields(problems)
    before = _links(setting)
    setting.agency, setting.dsl_team, setting.trust = agency, dsl_team, trust
    after = _links(setting)
    if before == after:
        return setting
    setting.save(update_fields=["agency", "dsl_team", "trust", "updated_at"])
    timeline_record(
        actor=actor,
        subject=setting,
        verb="schools.setting_link_set",
        summary=(
            f"Organisation: {agency.name if agency else 'none'}; "
            f"DSL team: {dsl_team.name if dsl_team else 'none'}; "
            f"trust: {trust.name if trust else 'none'}"
        ),
        payload={"before": before, "after": after},
    )
    return setting


# --- Its designated safeguarding leads ----------------------------------------------------


@transaction.atomic
def setting_contact_add(
    *, actor: Actor, setting: EducationSetting, user: User, role: str
) -> SettingContact:
    """Name a person as the setting's DSL or a deputy: overdue notifications escalate to
    the DSL, then the deputies (issue 6 point 6)."""
    _require_manager(actor)
    setting = (
        EducationSetting.objects.select_for_update(of=("self",))
        .select_related("agency")
        .get(pk=setting.pk)
    )
    if role not in ContactRole.values:
        raise ValidationFailed.from_fields(
            {"role": ["Select whether they are the DSL or a deputy DSL"]}
        )
    if setting.agency is None:
        raise ValidationFailed(
            f"Choose {setting.name}'s organisation in Hearth before you add its safeguarding leads"
        )
    works_there = Membership.objects.current().filter(user=user, agency=setting.agency).exists()
    if not works_there or not user.is_active:
        raise ValidationFailed.from_fields(
            {
                "user": [
                    "Enter the email address of someone who works for "
                    f"{setting.agency.name} in Hearth"
                ]
            }
        )
    if SettingContact.objects.filter(setting=setting, user=user, ended_at__isnull=True).exists():
        raise ValidationFailed.from_fields(
            {"user": [f"{user.email} is already a safeguarding lead contact for {setting.name}"]}
        )
    contact = SettingContact.objects.create(setting=setting, user=user, role=role)
    timeline_record(
        actor=actor,
        subject=setting,
        verb="schools.setting_contact_added",
        summary=f"{ContactRole(role).label} added",
        payload={"contact_id": contact.pk, "user_id": user.pk, "role": role},
    )
    return contact


@transaction.atomic
def setting_contact_end(*, actor: Actor, contact: SettingContact) -> SettingContact:
    """Stop a person being the setting's DSL or deputy (the row is kept, with when).
    Ending a contact already ended changes nothing."""
    _require_manager(actor)
    contact = SettingContact.objects.select_for_update().get(pk=contact.pk)
    if contact.ended_at is not None:
        return contact
    contact.ended_at = clock.now()
    contact.save(update_fields=["ended_at", "updated_at"])
    timeline_record(
        actor=actor,
        subject=contact.setting,
        verb="schools.setting_contact_ended",
        summary=f"{contact.get_role_display()} ended",
        payload={"contact_id": contact.pk, "user_id": contact.user_id, "role": contact.role},
    )
    return contact


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
        summary=f"The school day starts at {day_starts:%H:%M}",
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
