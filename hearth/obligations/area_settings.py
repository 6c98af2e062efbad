"""Each local authority's obligation timescales, set by the service operator's
administrators: reading them (every local authority, or one) and changing them.

Sources (../shared/docs/domain.md):
- §4.2 (Working Together to Safeguard Children 2023, England): within one working day of
  a referral a social worker acknowledges receipt and decides the type of response, and
  an assessment takes at most 45 working days from the point of referral. These are the
  routes' defaults (``Route.settings``), the England profile's (``policy.ENGLAND``).
- §4.3: Working Together does not apply in Wales and Wales's own timescales were not
  retrieved, so a Welsh area (``Area.country``) is its own profile (``policy.WALES``)
  with England's figures as its default, which the area sets for itself here.

Invariants:

- the settings are configuration, not personal data: only the service operator's
  administrators read them (anyone else gets ``NotFound``, as for risk's area settings)
  and no access event is kept; only they change them (``NotPermitted``);
- they belong to a local authority, never to a police force area;
- the timescales are each route's own (``Route.settings``: its words, range and default),
  kept by name in ``RoutingSettings.route_days``; the core names none;
- each value is checked against a sensible range (``ranges()``) and refused in GOV.UK
  words, every problem at once;
- a change is one transaction with a timeline event on the area holding the values
  before and after; saving the same values again changes nothing and records nothing;
- a change applies to obligations created after it: a deadline's due time is stored when
  it is set (``Deadline.due_at``: on creation, or when a route sets it later), so an
  earlier obligation keeps its due times;
- what the pages show is what routing uses: ``reference.timescales_for`` reads the same
  rows through ``row_of``;
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from hearth.accounts.models import Area, Country
from hearth.audit.services import timeline_record
from hearth.core.actor import Actor
from hearth.core.errors import NotFound, NotPermitted, ValidationFailed
from hearth.obligations import policy, registry
from hearth.obligations.models import RoutingSettings

# For an area with no settings of its own (``routing`` reads the same rows through ``row_of``).
DEFAULT_ACCESS_DAYS_AFTER_CLOSE = 30

# The core's own setting, beside each route's timescales (``Route.settings``): its least
# and greatest value, and how a refusal names it.
ACCESS = "access_days_after_close"
ACCESS_RANGE = (0, 365, "The days a team still sees what was shared")


def ranges() -> dict[str, tuple[int, int, str]]:
    """Each setting's least and greatest value, and how a refusal names it: every
    registered route's timescales, and the access window."""
    found = {s.name: (s.least, s.most, s.what[0].upper() + s.what[1:]) for s in registry.settings()}
    return {**found, ACCESS: ACCESS_RANGE}


def fields() -> tuple[str, ...]:
    """The settings by name (those of ``routing_settings_set``)."""
    return tuple(ranges())


@dataclass(frozen=True)
class Column:
    """The list of areas: one column for each legend of the routes' settings."""

    legend: str
    cells: list[tuple[str, int]]  # (short words, working days)


@dataclass(frozen=True)
class RoutingSettingsRow:
    """A local authority's timescales as they apply now (its profile's defaults if none
    are set)."""

    area: Area
    timescales: policy.Timescales
    access_days_after_close: int
    is_default: bool
    changed_at: dt.datetime | None

    @property
    def jurisdiction(self) -> str:
        """ "England" or "Wales": whose rules the working days and timescales follow."""
        return str(Country(self.area.country).label)

    @property
    def source(self) -> str:
        return self.timescales.source

    def values(self) -> dict[str, int]:
        """Every setting by name (those of ``routing_settings_set``)."""
        t = self.timescales
        return {
            **{setting.name: t.days(setting) for setting in registry.settings()},
            ACCESS: self.access_days_after_close,
        }

    @property
    def columns(self) -> list[Column]:
        """The routes' timescales grouped by their legends, in order."""
        grouped: dict[str, list[tuple[str, int]]] = {}
        for setting in registry.settings():
            days = self.timescales.days(setting)
            grouped.setdefault(setting.legend, []).append((setting.short, days))
        return [Column(legend, cells) for legend, cells in grouped.items()]


def profile_of(area: Area) -> policy.Timescales:
    """The defaults of the area's jurisdiction (domain.md §4.3: Wales is its own)."""
    return policy.WALES if area.country == Country.WALES else policy.ENGLAND


def row_of(area: Area, local: RoutingSettings | None) -> RoutingSettingsRow:
    """The area's stored settings, or its profile's defaults when it has none."""
    base = profile_of(area)
    if local is None:
        return RoutingSettingsRow(
            area=area,
            timescales=base,
            access_days_after_close=DEFAULT_ACCESS_DAYS_AFTER_CLOSE,
            is_default=True,
            changed_at=None,
        )
    return RoutingSettingsRow(
        area=area,
        timescales=policy.Timescales(
            jurisdiction=base.jurisdiction, route_days=dict(local.route_days or {})
        ),
        access_days_after_close=local.access_days_after_close,
        is_default=False,
        changed_at=local.updated_at,
    )


# --- Reading them -------------------------------------------------------------------------


def _settings_admin(actor: Actor) -> None:
    if not actor.is_host_administrator:
        raise NotFound("No such page")


def routing_settings_list_for(*, actor: Actor) -> list[RoutingSettingsRow]:
    """Every local authority with its timescales, by name."""
    _settings_admin(actor)
    stored = {s.area_id: s for s in RoutingSettings.objects.all()}
    return [
        row_of(area, stored.get(area.pk))
        for area in Area.objects.filter(kind=Area.Kind.LOCAL_AUTHORITY).order_by("name")
    ]


def routing_settings_get_for(*, actor: Actor, area_id: int) -> RoutingSettingsRow:
    _settings_admin(actor)
    area = Area.objects.filter(kind=Area.Kind.LOCAL_AUTHORITY, pk=area_id).first()
    if area is None:
        raise NotFound("No such area")
    return row_of(area, RoutingSettings.objects.filter(area=area).first())


# --- Changing them ------------------------------------------------------------------------


def problems_of(values: dict[str, int]) -> dict[str, list[str]]:
    """Each value outside its range, in GOV.UK words."""
    problems: dict[str, list[str]] = {}
    for name, (least, most, what) in ranges().items():
        if not least <= values[name] <= most:
            problems[name] = [f"{what} must be between {least} and {most}"]
    return problems


def _summary(values: dict[str, int]) -> str:
    """Short enough for the timeline (the full values are in its payload)."""
    first = [f"{s.short} {values[s.name]} working day(s)" for s in registry.settings()[:3]]
    return "Timescales set: " + ", ".join(first)


@transaction.atomic
def routing_settings_set(*, actor: Actor, area: Area, **settings: int) -> RoutingSettings:
    """Set a local authority's timescales (the service operator's administrators only):
    every registered route's (``Route.settings``, by name) and the access window.
    Obligations already created keep the deadlines they were given; the next one created
    in the area is given deadlines by these."""
    if not actor.is_host_administrator:
        raise NotPermitted("Only the Hearth service's administrators can change timescales")
    if area.kind != Area.Kind.LOCAL_AUTHORITY:
        raise ValidationFailed("Timescales belong to a local authority")
    unknown = set(settings) - set(fields())
    missing = set(fields()) - set(settings)
    if unknown or missing:
        raise TypeError(f"Settings unknown {sorted(unknown)} or missing {sorted(missing)}")
    values: dict[str, Any] = {name: settings[name] for name in fields()}
    problems = problems_of(values)
    if problems:
        raise ValidationFailed.from_fields(problems)
    local = RoutingSettings.objects.select_for_update().filter(area=area).first()
    before = row_of(area, local).values()
    if local is not None and before == values:
        return local  # nothing changed, nothing to record
    stored = {
        "access_days_after_close": values[ACCESS],
        "route_days": {name: days for name, days in values.items() if name != ACCESS},
    }
    local, _ = RoutingSettings.objects.update_or_create(area=area, defaults=stored)
    timeline_record(
        actor=actor,
        subject=area,
        verb="obligation.area_settings_set",
        summary=_summary(values),
        payload={"routing_settings_id": local.pk, "before": before, "after": values},
    )
    return local
