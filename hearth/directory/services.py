"""Changing the directory of services. Invariants:

- one transaction per change, and one timeline event on the changed row in it
  (architecture §5), naming the fields changed and, for capacity, the values before and
  after (numbers about a service, never about a person), so the timeline is the
  history of each service's capacity: who changed it and when;
- only those ``rules`` allow may change an entry; anyone else gets ``NotFound`` for a
  service they may not keep, as for a page that does not exist;
- a provider's confirmation stamps ``confirmed_on`` (ORUK ``assured_date``) and
  ``capacity_confirmed_on`` with today's date in Europe/London; any change by the
  provider is also a confirmation (they have just looked at it);
- ASSURE-1 v1 (``policy``): an entry not confirmed for 3 months reminds the team that
  keeps it, once per lapse (``assurance_remind``; run by the worker).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction

from hearth.accounts.models import Agency, Area, Team
from hearth.audit.services import timeline_record
from hearth.core import clock, notify
from hearth.core.actor import Actor
from hearth.core.errors import NotFound, NotPermitted, ValidationFailed
from hearth.directory import policy, rules
from hearth.directory.models import (
    Delivery,
    Eligible,
    Location,
    Organisation,
    Service,
    ServiceAtLocation,
    ServiceStatus,
)

CAPACITY_FIELDS = ("places", "places_taken", "waiting_weeks", "open_to_referrals")
DATE_FIELDS = ("confirmed_on", "capacity_confirmed_on")
SERVICE_FIELDS = (
    "name",
    "description",
    "url",
    "email",
    "status",
    "team",
    "min_age",
    "max_age",
    "eligible",
    "delivery",
    "languages",
    "free",
    "cost_note",
    "secret_location",
    *CAPACITY_FIELDS,
)


def today() -> date:
    return clock.local_now().date()


def _check(values: Mapping[str, Any]) -> None:
    """The rules a service's values must keep, each error on its field."""
    errors: dict[str, list[str]] = {}
    lo, hi = values.get("min_age"), values.get("max_age")
    if lo is not None and hi is not None and lo > hi:
        errors["max_age"] = ["The oldest age must be the same as or more than the youngest"]
    for name in ("min_age", "max_age"):
        v = values.get(name)
        if v is not None and not 0 <= v <= 120:
            errors[name] = ["Enter an age from 0 to 120"]
    places, taken = values.get("places"), values.get("places_taken")
    if places is not None and taken is not None and taken > places:
        errors["places_taken"] = ["Places taken must be the same as or fewer than the places"]
    for name, allowed in (("eligible", Eligible.values), ("delivery", Delivery.values)):
        bad = [c for c in values.get(name) or [] if c not in allowed]
        if bad:
            errors[name] = [f"Choose from the list ({', '.join(bad)} is not one)"]
    if values.get("status") not in (None, *ServiceStatus.values):
        errors["status"] = ["Choose active or inactive"]
    if "name" in values and not str(values["name"] or "").strip():
        errors["name"] = ["Enter the service's name"]
    for name, check, words in (
        ("email", validate_email, "Enter an email address like referrals@example.org"),
        (
            "url",
            URLValidator(schemes=["http", "https"]),
            "Enter a web address like https://example.org",
        ),
    ):
        if values.get(name):
            try:
                check(values[name])
            except DjangoValidationError:
                errors[name] = [words]
    if errors:
        raise ValidationFailed.from_fields(errors)


def local_authorities(area_ids: Iterable[int]) -> list[Area]:
    """The local authority areas named (a service covers local authorities), or a
    validation error on ``area_ids`` naming what is not one."""
    wanted = list(dict.fromkeys(area_ids))
    found = {a.pk: a for a in Area.objects.filter(pk__in=wanted, kind=Area.Kind.LOCAL_AUTHORITY)}
    if missing := [i for i in wanted if i not in found]:
        raise ValidationFailed.from_fields(
            {"area_ids": [f"Not a local authority: {', '.join(map(str, missing))}"]}
        )
    return [found[i] for i in wanted]


def _kept(actor: Actor, service: Service) -> None:
    if not rules.may_keep(actor, service.organisation.agency_id):
        raise NotFound


@transaction.atomic
def organisation_create(
    *,
    actor: Actor | None,
    name: str,
    description: str = "",
    email: str = "",
    url: str = "",
    agency: Agency | None = None,
) -> Organisation:
    """Add a provider organisation (an administrator; ``actor`` None for Hearth itself)."""
    if actor is not None and not rules.may_add(actor):
        raise NotPermitted
    if (
        actor is not None
        and not actor.is_host_administrator
        and (agency is None or agency.pk != actor.agency_id)
    ):
        raise NotPermitted("An agency's administrator adds only its own organisation")
    if not name.strip():
        raise ValidationFailed.from_fields({"name": ["Enter the organisation's name"]})
    org = Organisation.objects.create(
        name=name.strip(), description=description, email=email, url=url, agency=agency
    )
    timeline_record(
        actor=actor,
        subject=org,
        verb="directory.organisation_added",
        summary=f"Organisation {org.name} added to the directory",
        payload={"agency_id": agency.pk if agency else None},
    )
    return org


@transaction.atomic
def service_create(
    *,
    actor: Actor | None,
    organisation: Organisation,
    name: str,
    areas: Iterable[Area] = (),
    confirmed: bool = True,
    **values: Any,
) -> Service:
    """Add a service to ``organisation``. ``values`` are Service fields (SERVICE_FIELDS);
    ``confirmed`` stamps today's confirmation (a new entry is confirmed as it is made)."""
    if actor is not None and not (
        rules.may_add(actor) or rules.may_keep(actor, organisation.agency_id)
    ):
        raise NotPermitted
    unknown = set(values) - set(SERVICE_FIELDS) - {*DATE_FIELDS, "source", "source_id"}
    if unknown:
        raise TypeError(f"Unknown service fields: {sorted(unknown)}")
    _check({"name": name, **values})
    service = Service(organisation=organisation, name=name.strip(), **values)
    if confirmed:
        service.confirmed_on = values.get("confirmed_on") or today()
        service.capacity_confirmed_on = values.get("capacity_confirmed_on") or today()
    service.save()
    area_list = list(areas)
    service.areas.set(area_list)
    timeline_record(
        actor=actor,
        subject=service,
        verb="directory.service_added",
        summary=f"Service {service.name} added to the directory",
        payload={
            "organisation_id": str(organisation.pk),
            "areas": sorted(a.code for a in area_list),
            "capacity": {f: getattr(service, f) for f in CAPACITY_FIELDS},
        },
    )
    return service


def _jsonable(value: Any) -> Any:
    if isinstance(value, Team):
        return value.pk
    if isinstance(value, date):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class Change:
    """What ``service_update`` changed: field names, and capacity before and after."""

    fields: tuple[str, ...]
    capacity_before: dict[str, Any]
    capacity_after: dict[str, Any]

    @property
    def capacity_changed(self) -> bool:
        return self.capacity_before != self.capacity_after


@transaction.atomic
def service_update(
    *,
    actor: Actor | None,
    service: Service,
    areas: Iterable[Area] | None = None,
    confirm: bool = True,
    **values: Any,
) -> Change:
    """Change a service's entry or capacity. The provider's change is also its
    confirmation (``confirm``); an import passes ``confirm=False`` and its own dates."""
    # The service's row only: its organisation is read (who keeps it), not changed.
    service = (
        Service.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=service.pk)
    )
    if actor is not None:
        _kept(actor, service)
    unknown = set(values) - set(SERVICE_FIELDS) - set(DATE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown service fields: {sorted(unknown)}")
    merged = {f: getattr(service, f) for f in SERVICE_FIELDS if f != "team"} | values
    _check(merged)
    before = {f: getattr(service, f) for f in CAPACITY_FIELDS}
    changed = [f for f, v in values.items() if getattr(service, f) != v]
    for f in changed:
        setattr(service, f, values[f])
    area_change = False
    if areas is not None:
        new_areas = sorted(a.pk for a in areas)
        if sorted(service.areas.values_list("pk", flat=True)) != new_areas:
            service.areas.set(new_areas)
            area_change = True
            changed.append("areas")
    after = {f: getattr(service, f) for f in CAPACITY_FIELDS}
    capacity_changed = before != after
    if confirm:
        service.confirmed_on = today()
        service.capacity_confirmed_on = today()
    elif capacity_changed and "capacity_confirmed_on" not in values:
        service.capacity_confirmed_on = today()
    if changed or confirm or capacity_changed:
        service.save()
    change = Change(tuple(changed), before, after)
    if changed or confirm:
        if capacity_changed:
            verb, summary = "directory.capacity_changed", f"Capacity of {service.name} changed"
        elif changed:
            verb, summary = "directory.service_changed", f"Entry for {service.name} changed"
        else:
            verb, summary = "directory.service_confirmed", f"{service.name} confirmed as right"
        timeline_record(
            actor=actor,
            subject=service,
            verb=verb,
            summary=summary,
            payload={
                "fields": [f for f in changed if f not in CAPACITY_FIELDS],
                "capacity_before": {k: _jsonable(v) for k, v in before.items()},
                "capacity_after": {k: _jsonable(v) for k, v in after.items()},
                "areas_changed": area_change,
                "confirmed": confirm,
            },
        )
    return change


@transaction.atomic
def service_confirm(*, actor: Actor, service: Service) -> Service:
    """The provider says the entry and its capacity are still right (ORUK assurance)."""
    # The service's row only: its organisation is read (who keeps it), not changed.
    service = (
        Service.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=service.pk)
    )
    _kept(actor, service)
    service.confirmed_on = today()
    service.capacity_confirmed_on = today()
    service.save(update_fields=["confirmed_on", "capacity_confirmed_on"])
    timeline_record(
        actor=actor,
        subject=service,
        verb="directory.service_confirmed",
        summary=f"{service.name} confirmed as right",
        payload={"confirmed_on": service.confirmed_on.isoformat()},
    )
    return service


@transaction.atomic
def location_add(
    *,
    actor: Actor | None,
    service: Service,
    name: str = "",
    address_1: str = "",
    address_2: str = "",
    town: str = "",
    postcode: str = "",
    latitude: Any = None,
    longitude: Any = None,
) -> ServiceAtLocation:
    """Say where a service is delivered (a new location of its organisation)."""
    if actor is not None:
        _kept(actor, service)
    location = Location.objects.create(
        organisation=service.organisation,
        name=name,
        address_1=address_1,
        address_2=address_2,
        town=town,
        postcode=postcode,
        latitude=latitude,
        longitude=longitude,
    )
    sal = ServiceAtLocation.objects.create(service=service, location=location)
    timeline_record(
        actor=actor,
        subject=service,
        verb="directory.location_added",
        summary=f"A place where {service.name} is delivered was added",
        payload={"location_id": str(location.pk)},
    )
    return sal


# ------------------------------------------------------------------ ASSURE-1 reminders


@dataclass(frozen=True)
class ReminderResult:
    reminded: int
    without_team: int


def assurance_remind(*, on: date | None = None) -> ReminderResult:
    """ASSURE-1 v1: remind the team of each entry not confirmed for 3 months, once per
    lapse (the entry's ``reminded_for`` holds the confirmation date it was reminded
    about; a new confirmation makes a new lapse possible). Idempotent: a second run the
    same day, or any later day before the entry is confirmed, sends nothing."""
    day = on or today()
    cutoff = policy.months_before(day, policy.ASSURANCE_MONTHS)
    reminded = without_team = 0
    candidates = (
        Service.objects.filter(status=ServiceStatus.ACTIVE)
        .exclude(confirmed_on__gte=cutoff)
        .select_related("team", "organisation")
        .order_by("id")
    )
    for service in candidates.iterator():
        if not policy.assurance_lapsed(service.confirmed_on, day):
            continue
        if service.reminded_for == (service.confirmed_on or NEVER):
            continue  # reminded already for this lapse
        if _remind_one(service.pk, day):
            reminded += 1
        else:
            without_team += 1
    return ReminderResult(reminded=reminded, without_team=without_team)


NEVER = date(1900, 1, 1)  # reminded_for when the entry was never confirmed


@transaction.atomic
def _remind_one(service_id: Any, day: date) -> bool:
    # Only the service's row is locked (its team may be missing: an outer join).
    service = (
        Service.objects.select_for_update(of=("self",))
        .select_related("team", "organisation")
        .get(pk=service_id)
    )
    lapse = service.confirmed_on or NEVER
    if service.reminded_for == lapse:
        return True  # another worker reminded it meanwhile
    service.reminded_for = lapse
    service.save(update_fields=["reminded_for"])
    team = service.team
    addresses = [team.email] if team and team.email else []
    if not addresses and service.organisation.email:
        addresses = [service.organisation.email]
    if addresses:
        since = f"since {service.confirmed_on:%-d %B %Y}" if service.confirmed_on else "ever"
        notify.send(
            notify.Message(
                to=addresses,
                subject=f"Please confirm your directory entry: {service.name}",
                body=(
                    f"The directory entry for {service.name} has not been confirmed "
                    f"{since}. Open Referral UK asks providers to confirm each entry at "
                    "least every 3 months. Sign in to Hearth, check the entry and its "
                    "capacity, and choose 'Confirm it is still right'."
                ),
                about=(service._meta.label_lower, str(service.pk)),
                purpose="directory_assurance",
                sender_agency_id=service.organisation.agency_id,
                sender_team_id=team.pk if team else None,
            )
        )
    timeline_record(
        actor=None,
        subject=service,
        verb="directory.assurance_reminded",
        summary=f"Reminder sent: {service.name} not confirmed for 3 months",
        payload={
            "rule": policy.ASSURANCE_RULE,
            "version": policy.ASSURANCE_RULE_VERSION,
            "confirmed_on": service.confirmed_on.isoformat() if service.confirmed_on else None,
            "sent_to_team": bool(addresses),
        },
    )
    return bool(addresses)
