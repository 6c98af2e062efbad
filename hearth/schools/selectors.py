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

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

import rules
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Max, Min, Prefetch, Q

from hearth.accounts.models import Agency, Area, Team, TeamFunction, User
from hearth.audit.models import AccessAction
from hearth.audit.services import access_record
from hearth.core import calendar
from hearth.core.actor import Actor, AgencyKind
from hearth.core.errors import NotFound
from hearth.incidents.directory import SettingChoice
from hearth.schools.models import (
    ContactRole,
    EducationSetting,
    InsetDay,
    SettingContact,
    SettingStatus,
    TermCalendar,
    TermPeriod,
)


def setting_choices() -> list[SettingChoice]:
    """Every open setting, for the intake's "which school?" question."""
    rows = EducationSetting.objects.open().values_list("urn", "name", "la_name")
    return [SettingChoice(urn=u, name=n, local_authority=la) for u, n, la in rows]


def setting_choice_for(urn: str) -> SettingChoice | None:
    """One open setting, for the intake's check and its pages."""
    row = EducationSetting.objects.open().filter(urn=urn).values_list("name", "la_name").first()
    return SettingChoice(urn=urn, name=row[0], local_authority=row[1]) if row else None


def setting_choices_for(urns: set[str]) -> dict[str, SettingChoice]:
    """Many open settings by URN, in one query (a page of children's records)."""
    if not urns:
        return {}
    rows = EducationSetting.objects.open().filter(urn__in=urns)
    return {
        urn: SettingChoice(urn=urn, name=name, local_authority=la)
        for urn, name, la in rows.values_list("urn", "name", "la_name")
    }


def setting_by_urn(urn: str) -> EducationSetting | None:
    return settings_by_urn({urn}).get(urn)


def settings_by_urn(urns: Collection[str]) -> dict[str, EducationSetting]:
    """The settings with these URNs (those that exist), in one query."""
    if not urns:
        return {}
    return {
        setting.urn: setting
        for setting in EducationSetting.objects.select_related(
            "dsl_team", "local_authority", "agency"
        ).filter(urn__in=urns)
    }


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
    own = own_calendar(setting)
    la = area_calendar(setting.local_authority_id)
    return tuple(c for c in (own, la) if c is not None)


def own_calendar(setting: EducationSetting) -> calendar.SchoolCalendar | None:
    """The setting's own terms, if it sets its own (``school_calendars_for`` without its
    local authority's, for a caller that has that already)."""
    return own_calendars({setting.pk}).get(setting.pk)


def own_calendars(setting_ids: Collection[int]) -> dict[int, calendar.SchoolCalendar]:
    """``own_calendar`` for several settings, by setting id (one that sets no terms of its
    own is left out): three queries however many, one if none sets its own."""
    if not setting_ids:
        return {}
    rows = TermCalendar.objects.prefetch_related(*_with_dates()).filter(setting_id__in=setting_ids)
    return {row.setting_id: _plain(row) for row in rows if row.setting_id is not None}


def contact_emails(setting: EducationSetting, role: str) -> list[str]:
    """Where alerts to the setting's DSL (or deputies) go: Hearth's own sending, not a
    person's read, so no access event."""
    return contact_emails_by_setting({setting.pk}, role).get(setting.pk, [])


def contact_emails_by_setting(setting_ids: Collection[int], role: str) -> dict[int, list[str]]:
    """``contact_emails`` for several settings in one query, by setting id (a setting
    with none is left out)."""
    emails: dict[int, list[str]] = {}
    for setting_id, email in (
        SettingContact.objects.current()
        .filter(setting_id__in=setting_ids, role=ContactRole(role))
        .values_list("setting_id", "user__email")
    ):
        emails.setdefault(setting_id, []).append(email)
    return {setting_id: sorted(found) for setting_id, found in emails.items()}


# --- The administrators' pages -------------------------------------------------------------
# The directory, a setting's links and contacts and the term calendars, as the service
# operator's administrators manage them. Anyone else gets ``NotFound``: the same answer as
# a page that does not exist (access.md, "Need to know").

SETTINGS_PER_PAGE = 50


def _managing(actor: Actor) -> None:
    if not rules.test_rule("schools.manage", actor):
        raise NotFound("No such page")


def manager_check(*, actor: Actor) -> None:
    """For a page that reads nothing before it changes the directory (an upload): anyone
    but the administrators gets ``NotFound``."""
    _managing(actor)


@dataclass(frozen=True)
class SettingListing:
    """One page of the directory, and the local authorities to filter it by."""

    page: Page[EducationSetting]
    local_authorities: list[Area]


def local_authorities() -> list[Area]:
    return list(Area.objects.filter(kind=Area.Kind.LOCAL_AUTHORITY).order_by("name"))


def setting_list_for(
    *,
    actor: Actor,
    q: str = "",
    local_authority_id: int | None = None,
    status: str = "",
    page: int | str | None = 1,
) -> SettingListing:
    """Settings whose name contains ``q`` or whose URN starts with it, in a local
    authority and with a status if given, 50 to a page. Reference data: not logged."""
    _managing(actor)
    rows = EducationSetting.objects.visible_to(actor).order_by("name", "urn")
    q = q.strip()
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(urn__startswith=q))
    if local_authority_id is not None:
        rows = rows.filter(local_authority_id=local_authority_id)
    if status in SettingStatus.values:
        rows = rows.filter(status=status)
    return SettingListing(
        page=Paginator(rows, SETTINGS_PER_PAGE).get_page(page),
        local_authorities=local_authorities(),
    )


@dataclass(frozen=True)
class SettingDetail:
    """A setting, how it is linked to Hearth, its current safeguarding leads and the term
    calendars that could apply to it."""

    setting: EducationSetting
    contacts: list[SettingContact]
    own_calendar: TermCalendar | None
    local_authority_calendar: TermCalendar | None

    @property
    def calendar(self) -> TermCalendar | None:
        """The calendar its due times are worked out from (its own overrides its local
        authority's; with neither, due times are estimated from weekdays)."""
        return self.own_calendar or self.local_authority_calendar


def setting_for_change(*, actor: Actor, urn: str) -> EducationSetting:
    """A setting without its contacts, for the pages that change it."""
    _managing(actor)
    setting = (
        EducationSetting.objects.visible_to(actor)
        .select_related("local_authority", "agency", "trust", "dsl_team")
        .filter(urn=urn)
        .first()
    )
    if setting is None:
        raise NotFound("No such setting")
    return setting


def setting_get_for(
    *, actor: Actor, urn: str, purpose: str = "Manage a setting's safeguarding leads"
) -> SettingDetail:
    """A setting with its current DSL and deputies: they are people, so the read is
    logged (one access event naming the setting and each contact)."""
    setting = setting_for_change(actor=actor, urn=urn)
    contacts = list(
        SettingContact.objects.visible_to(actor)
        .current()
        .filter(setting=setting)
        .select_related("user")
        .order_by("role", "user__last_name", "user__first_name", "id")
    )
    calendars = list(
        TermCalendar.objects.filter(
            Q(setting=setting)
            | Q(local_authority_id=setting.local_authority_id, local_authority__isnull=False)
        )
    )
    access_record(
        actor=actor,
        action=AccessAction.READ,
        purpose=purpose,
        records=[setting, *(c.user for c in contacts)],
    )
    return SettingDetail(
        setting=setting,
        contacts=contacts,
        own_calendar=next((c for c in calendars if c.setting_id == setting.pk), None),
        local_authority_calendar=next((c for c in calendars if c.local_authority_id), None),
    )


def setting_contact_get_for(*, actor: Actor, urn: str, contact_id: int) -> SettingContact:
    """A setting's current contact, to end it."""
    setting = setting_for_change(actor=actor, urn=urn)
    contact = (
        SettingContact.objects.visible_to(actor)
        .current()
        .select_related("setting")
        .filter(setting=setting, pk=contact_id)
        .first()
    )
    if contact is None:
        raise NotFound("No such contact")
    return contact


@dataclass(frozen=True)
class LinkChoices:
    """What a setting may be linked to: schools' organisations in Hearth and their
    safeguarding (DSL) teams."""

    agencies: list[Agency]
    dsl_teams: list[Team]


def setting_link_choices_for(*, actor: Actor) -> LinkChoices:
    _managing(actor)
    return LinkChoices(
        agencies=list(Agency.objects.filter(kind=AgencyKind.SCHOOL, is_active=True)),
        dsl_teams=list(
            Team.objects.visible_to(actor)
            .filter(
                function=TeamFunction.SCHOOL_SAFEGUARDING, is_active=True, agency__is_active=True
            )
            .select_related("agency")
            .order_by("agency__name", "name")
        ),
    )


def user_by_email_for(*, actor: Actor, email: str) -> User | None:
    """The person an administrator names as a contact (by their sign-in address)."""
    _managing(actor)
    return User.objects.visible_to(actor).filter(email__iexact=email.strip()).first()


@dataclass(frozen=True)
class CalendarRow:
    calendar: TermCalendar
    term_count: int
    inset_day_count: int
    first_day: dt.date | None
    last_day: dt.date | None


def calendar_list_for(*, actor: Actor) -> list[CalendarRow]:
    """Every term calendar: local authorities' first, then settings' own, by name."""
    _managing(actor)
    rows = (
        TermCalendar.objects.select_related("local_authority", "setting")
        .annotate(
            term_count=Count("terms", distinct=True),
            inset_day_count=Count("inset_days", distinct=True),
            first_day=Min("terms__starts_on"),
            last_day=Max("terms__ends_on"),
        )
        .order_by(F("setting_id").asc(nulls_first=True), "name")
    )
    return [
        CalendarRow(
            calendar=row,
            term_count=row.term_count,
            inset_day_count=row.inset_day_count,
            first_day=row.first_day,
            last_day=row.last_day,
        )
        for row in rows
    ]


def local_authorities_without_calendar_for(*, actor: Actor) -> list[Area]:
    """Local authorities that have no term calendar yet (each has at most one)."""
    _managing(actor)
    return list(
        Area.objects.filter(kind=Area.Kind.LOCAL_AUTHORITY, term_calendars__isnull=True).order_by(
            "name"
        )
    )


@dataclass(frozen=True)
class CalendarDetail:
    calendar: TermCalendar
    terms: list[TermPeriod]
    inset_days: list[InsetDay]

    def term(self, term_id: int) -> TermPeriod:
        found = next((t for t in self.terms if t.pk == term_id), None)
        if found is None:
            raise NotFound("No such term")
        return found

    def inset_day(self, inset_day_id: int) -> InsetDay:
        found = next((d for d in self.inset_days if d.pk == inset_day_id), None)
        if found is None:
            raise NotFound("No such INSET day")
        return found


def calendar_get_for(*, actor: Actor, calendar_id: int) -> CalendarDetail:
    """A term calendar with its terms and INSET days, in date order. Reference data."""
    _managing(actor)
    row = (
        TermCalendar.objects.select_related("local_authority", "setting")
        .prefetch_related(*_with_dates())
        .filter(pk=calendar_id)
        .first()
    )
    if row is None:
        raise NotFound("No such term calendar")
    return CalendarDetail(
        calendar=row, terms=list(row.terms.all()), inset_days=list(row.inset_days.all())
    )
