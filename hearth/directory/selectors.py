"""Reading the directory of services. Nothing here is personal data (every row describes
an organisation), so no read writes an access event; who may *change* an entry is
decided in ``rules``.

``services_for`` is what the specialist support route reads: every active service that
covers an area, with no filtering by age or capacity, because the route's own pure
policy decides fit and explains why a service does not fit.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from hearth.accounts.models import Agency, Area, Team
from hearth.audit.models import TimelineEvent
from hearth.core.actor import Actor, AgencyKind
from hearth.core.errors import NotFound
from hearth.directory import rules
from hearth.directory.models import (
    Location,
    Organisation,
    Service,
    ServiceAtLocation,
    ServiceStatus,
)


def _with_related(qs: QuerySet[Service]) -> QuerySet[Service]:
    return qs.select_related("organisation", "team").prefetch_related(
        Prefetch("areas", queryset=Area.objects.order_by("name")),
        Prefetch(
            "at_locations",
            queryset=ServiceAtLocation.objects.select_related("location").order_by(
                "location__name", "id"
            ),
        ),
    )


def services_for(area_id: int | None) -> list[Service]:
    """Active services covering ``area_id`` (a local authority), with their areas,
    organisation and team read; every active service when ``area_id`` is None."""
    qs = Service.objects.filter(status=ServiceStatus.ACTIVE)
    if area_id is not None:
        qs = qs.filter(areas__id=area_id).distinct()
    return list(_with_related(qs).order_by("name", "id"))


def service_get(id: uuid.UUID | str) -> Service:
    """One service (any status), or NotFound."""
    try:
        return _with_related(Service.objects.all()).get(pk=_uuid(id))
    except Service.DoesNotExist:
        raise NotFound from None


def _uuid(value: uuid.UUID | str) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise NotFound from None


def service_list(*, status: str | None = None) -> QuerySet[Service]:
    """Every service, name order, with what the feed and pages show read up front."""
    qs = Service.objects.all()
    if status:
        qs = qs.filter(status=status)
    return _with_related(qs).order_by("name", "id")


def services_kept_by(*, actor: Actor) -> list[Service]:
    """The services of the organisations the actor's agency keeps (a provider's own)."""
    return list(
        _with_related(Service.objects.filter(organisation__agency_id=actor.agency_id)).order_by(
            "name", "id"
        )
    )


def organisations_kept_by(*, actor: Actor) -> list[Organisation]:
    return list(Organisation.objects.filter(agency_id=actor.agency_id).order_by("name"))


def organisation_list() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("agency").order_by("name", "id")


def service_at_location_list() -> QuerySet[ServiceAtLocation]:
    """Every service at a location, except where the service's location is secret."""
    return (
        ServiceAtLocation.objects.filter(service__secret_location=False)
        .select_related("service__organisation", "location", "service__team")
        .prefetch_related("service__areas")
        .order_by("service__name", "location__name", "id")
    )


def locations_for(services: Iterable[Service]) -> dict[uuid.UUID, list[Location]]:
    return {s.id: [sal.location for sal in s.at_locations.all()] for s in services}


def service_filter_text(qs: QuerySet[Service], text: str) -> QuerySet[Service]:
    return qs.filter(Q(name__icontains=text) | Q(organisation__name__icontains=text))


@dataclass(frozen=True)
class HistoryEntry:
    """One change to a service, for its page: when, which organisation (people are not
    named: the page carries no personal data), what."""

    at: datetime
    agency: str
    by_system: bool
    summary: str
    capacity_before: dict[str, Any]
    capacity_after: dict[str, Any]


def service_history(service: Service, *, limit: int = 50) -> list[HistoryEntry]:
    """The service's timeline, newest first: the history of its entry and capacity."""
    events = TimelineEvent.objects.for_subject(service).order_by("-at", "-id")[:limit]
    agencies = dict(
        Agency.objects.filter(pk__in={e.actor_agency_id for e in events}).values_list("pk", "name")
    )
    return [
        HistoryEntry(
            at=e.at,
            agency=agencies.get(e.actor_agency_id, "Hearth"),
            by_system=e.actor_api_key_id is not None,
            summary=e.summary,
            capacity_before=e.payload.get("capacity_before") or {},
            capacity_after=e.payload.get("capacity_after") or {},
        )
        for e in events
    ]


def keeps(actor: Actor, service: Service) -> bool:
    return rules.may_keep(actor, service.organisation.agency_id)


def area_choices() -> list[tuple[int, str]]:
    return list(
        Area.objects.filter(kind=Area.Kind.LOCAL_AUTHORITY)
        .order_by("name")
        .values_list("pk", "name")
    )


def team_choices(agency_id: int | None) -> list[tuple[int, str]]:
    if agency_id is None:
        return []
    return list(
        Team.objects.filter(agency_id=agency_id, is_active=True)
        .order_by("name")
        .values_list("pk", "name")
    )


def provider_agency_choices() -> list[tuple[int, str]]:
    return list(
        Agency.objects.filter(kind=AgencyKind.SPECIALIST_CHILDRENS_SERVICE, is_active=True)
        .order_by("name")
        .values_list("pk", "name")
    )


def organisation_choices_for(actor: Actor) -> list[Organisation]:
    qs = Organisation.objects.order_by("name")
    if not actor.is_host_administrator:
        qs = qs.filter(agency_id=actor.agency_id)
    return list(qs)


def organisation_get_for(actor: Actor, organisation_id: str) -> Organisation:
    """An organisation the actor may add services to, or NotFound."""
    try:
        org = Organisation.objects.get(pk=_uuid(organisation_id))
    except Organisation.DoesNotExist:
        raise NotFound from None
    if not (actor.is_host_administrator or rules.may_keep(actor, org.agency_id)):
        raise NotFound
    return org


def team_of(agency_id: int | None, team_id: int | None) -> Team | None:
    """The team ``team_id`` if it belongs to ``agency_id`` (a provider names only its own)."""
    if team_id is None or agency_id is None:
        return None
    return Team.objects.filter(pk=team_id, agency_id=agency_id).first()


def areas_by_id(ids: Iterable[int]) -> list[Area]:
    return list(Area.objects.filter(pk__in=list(ids), kind=Area.Kind.LOCAL_AUTHORITY))


def provider_agency(agency_id: int) -> Agency | None:
    return Agency.objects.filter(pk=agency_id, kind=AgencyKind.SPECIALIST_CHILDRENS_SERVICE).first()
