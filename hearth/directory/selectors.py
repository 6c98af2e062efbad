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

from django.db.models import Prefetch, Q, QuerySet

from hearth.accounts.models import Area
from hearth.core.actor import Actor
from hearth.core.errors import NotFound
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
