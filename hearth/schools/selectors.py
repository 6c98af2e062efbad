"""Reading the directory of education settings, their contacts and their term calendars.

Invariants:
- settings and calendars are reference data (no personal data): reading them writes no
  access event; a setting's contacts are people, so reading them through
  ``contacts_for`` (for a person) writes one;
- ``school_calendars_for`` answers with plain copies (``core.calendar.SchoolCalendar``),
  most specific first: the setting's own terms, then its local authority's; routing
  passes them to ``core.calendar.next_school_day_start``, which falls back to weekdays
  (estimated) when neither covers a day.
"""

from __future__ import annotations

from django.db.models import Prefetch

from hearth.core import calendar
from hearth.incidents.directory import SettingChoice
from hearth.schools.models import (
    ContactRole,
    EducationSetting,
    SettingContact,
    TermCalendar,
)


def setting_choices() -> list[SettingChoice]:
    """Every open setting, for the intake's "which school?" question."""
    rows = EducationSetting.objects.open().values_list("urn", "name", "la_name")
    return [SettingChoice(urn=u, name=n, local_authority=la) for u, n, la in rows]


def setting_by_urn(urn: str) -> EducationSetting | None:
    return (
        EducationSetting.objects.select_related("dsl_team", "local_authority", "agency")
        .filter(urn=urn)
        .first()
    )


def _plain(row: TermCalendar) -> calendar.SchoolCalendar:
    return calendar.SchoolCalendar(
        name=row.name,
        stamp=row.stamp,
        terms=tuple(calendar.Term(t.starts_on, t.ends_on) for t in row.terms.all()),
        inset_days=frozenset(d.day for d in row.inset_days.all()),
        day_starts=row.day_starts,
    )


def _with_dates() -> list[Prefetch]:
    return [Prefetch("terms"), Prefetch("inset_days")]


def area_calendar(area_id: int | None) -> calendar.SchoolCalendar | None:
    """A local authority's term calendar, as plain data."""
    if area_id is None:
        return None
    row = (
        TermCalendar.objects.prefetch_related(*_with_dates())
        .filter(local_authority_id=area_id)
        .first()
    )
    return _plain(row) if row else None


def school_calendars_for(setting: EducationSetting) -> tuple[calendar.SchoolCalendar, ...]:
    """The setting's own terms (if it sets its own), then its local authority's."""
    found = []
    own = TermCalendar.objects.prefetch_related(*_with_dates()).filter(setting=setting).first()
    if own is not None:
        found.append(_plain(own))
    la = area_calendar(setting.local_authority_id)
    if la is not None:
        found.append(la)
    return tuple(found)


def contact_emails(setting: EducationSetting, role: str) -> list[str]:
    """Where alerts to the setting's DSL (or deputies) go: Hearth's own sending, not a
    person's read, so no access event."""
    return sorted(
        SettingContact.objects.current()
        .filter(setting=setting, role=ContactRole(role))
        .values_list("user__email", flat=True)
    )
