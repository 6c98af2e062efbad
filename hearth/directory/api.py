"""API: the directory of specialist services for agency and provider systems (issue 13
§1). Any signed-in API client (a key or a session) may read the services (no personal
data, so reads write no access event); a provider's system updates its own services'
capacity and confirms its entries. Thin adapters over ``selectors`` and ``services``:

- a service the caller may not change is a 404 on an action, like a missing one;
- each action takes an ``Idempotency-Key`` (``hearth.core.idempotency``): a retry with
  the same key and body changes nothing more and answers with the service as it is.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Path, Query, Router, Schema

from hearth.core.api import CREATE_RESPONSES, ERROR_RESPONSES, api_actor, idempotency_key_header
from hearth.core.idempotency import idempotent_create, scope_for
from hearth.core.personal_data import no_personal_data
from hearth.directory import selectors, services
from hearth.directory.models import Service
from hearth.directory.schemas import (
    DirectoryAreaOut,
    DirectoryCapacityIn,
    DirectoryCapacityOut,
    DirectoryConfirmIn,
    DirectoryEntryIn,
    DirectoryLocationOut,
    DirectoryServiceListOut,
    DirectoryServiceOut,
)

router = Router(tags=["directory"])
RESOURCE = Service._meta.label_lower


class DirectoryServiceFiltersIn(Schema):
    area_id: int | None = None


SERVICE_ID: Any = Path(..., description="The service's id (a UUID).")


def service_out(service: Service) -> DirectoryServiceOut:
    today = services.today()
    return DirectoryServiceOut(
        id=service.pk,
        name=service.name,
        description=service.description,
        organisation_id=service.organisation_id,
        organisation=service.organisation.name,
        status=service.status,
        team_id=service.team_id,
        areas=[DirectoryAreaOut(id=a.pk, code=a.code, name=a.name) for a in service.areas.all()],
        min_age=service.min_age,
        max_age=service.max_age,
        eligible=list(service.eligible),
        delivery=list(service.delivery),
        languages=list(service.languages),
        free=service.free,
        cost_note=service.cost_note,
        url=service.url,
        email=service.email,
        secret_location=service.secret_location,
        locations=[]
        if service.secret_location
        else [
            DirectoryLocationOut(
                name=sal.location.name,
                address_1=sal.location.address_1,
                address_2=sal.location.address_2,
                town=sal.location.town,
                postcode=sal.location.postcode,
            )
            for sal in service.at_locations.all()
        ],
        capacity=DirectoryCapacityOut(
            places=service.places,
            places_taken=service.places_taken,
            places_free=service.places_free,
            waiting_weeks=service.waiting_weeks,
            open_to_referrals=service.open_to_referrals,
            capacity_confirmed_on=service.capacity_confirmed_on,
        ),
        confirmed_on=service.confirmed_on,
        not_confirmed_since=service.unconfirmed_since(today),
    )


@router.get(
    "/directory/services",
    response={200: DirectoryServiceListOut, **ERROR_RESPONSES},
    summary="Specialist services for children",
)
@no_personal_data
def directory_services(
    request: HttpRequest, filters: Query[DirectoryServiceFiltersIn]
) -> DirectoryServiceListOut:
    """Every active service, or those covering a local authority (``area_id``), with
    who it is for, its capacity and when it was last confirmed."""
    api_actor(request)
    return DirectoryServiceListOut(
        services=[service_out(s) for s in selectors.services_for(filters.area_id)]
    )


@router.get(
    "/directory/services/{service_id}",
    response={200: DirectoryServiceOut, **ERROR_RESPONSES},
    summary="A specialist service",
)
@no_personal_data
def directory_service(
    request: HttpRequest, service_id: uuid.UUID = SERVICE_ID
) -> DirectoryServiceOut:
    """One service, running or not."""
    api_actor(request)
    return service_out(selectors.service_get(service_id))


def _act(
    request: HttpRequest, *, service_id: uuid.UUID, key: str, operation: str, body: dict, act: Any
) -> DirectoryServiceOut:
    actor = api_actor(request)
    with transaction.atomic():
        service = selectors.service_get(service_id)

        def run() -> tuple[str, str]:
            act(actor, service)
            return RESOURCE, str(service.pk)

        idempotent_create(
            scope=scope_for(actor),
            key=key,
            operation=operation,
            body={"service_id": str(service_id), "body": body},
            create=run,
        )
        return service_out(selectors.service_get(service_id))


@router.post(
    "/directory/services/{service_id}/capacity",
    response={200: DirectoryServiceOut, **CREATE_RESPONSES},
    summary="Update a service's capacity (its provider)",
)
@no_personal_data
def directory_capacity(
    request: HttpRequest,
    payload: DirectoryCapacityIn,
    service_id: uuid.UUID = SERVICE_ID,
    idempotency_key: str = idempotency_key_header("the service"),
) -> DirectoryServiceOut:
    """Places, places taken, the waiting time in weeks and whether it takes referrals:
    the fields sent change, the others stay; the whole entry is confirmed as right
    today. Only the provider that keeps the service may (404 for anyone else)."""
    values = payload.model_dump(exclude_unset=True)
    return _act(
        request,
        service_id=service_id,
        key=idempotency_key,
        operation="directory.capacity",
        body=values,
        act=lambda actor, service: services.service_update(actor=actor, service=service, **values),
    )


@router.post(
    "/directory/services/{service_id}/entry",
    response={200: DirectoryServiceOut, **CREATE_RESPONSES},
    summary="Update a service's entry (its provider)",
)
@no_personal_data
def directory_entry(
    request: HttpRequest,
    payload: DirectoryEntryIn,
    service_id: uuid.UUID = SERVICE_ID,
    idempotency_key: str = idempotency_key_header("the service"),
) -> DirectoryServiceOut:
    """Its name, description, contacts, status, ages, which children it is for, how it is
    delivered, languages, cost and the local authorities it covers: the fields sent
    change, the others stay; the whole entry is confirmed as right today. Only the
    provider that keeps the service may (404 for anyone else); an area that is not a
    local authority, or a youngest age above the oldest, is refused on its field."""
    values = payload.model_dump(exclude_unset=True)
    area_ids = values.pop("area_ids", None)
    return _act(
        request,
        service_id=service_id,
        key=idempotency_key,
        operation="directory.entry",
        body={**values, "area_ids": area_ids},
        act=lambda actor, service: services.service_update(
            actor=actor,
            service=service,
            areas=None if area_ids is None else services.local_authorities(area_ids),
            **values,
        ),
    )


@router.post(
    "/directory/services/{service_id}/confirm",
    response={200: DirectoryServiceOut, **CREATE_RESPONSES},
    summary="Confirm a service's entry is still right (its provider)",
)
@no_personal_data
def directory_confirm(
    request: HttpRequest,
    payload: DirectoryConfirmIn | None = None,
    service_id: uuid.UUID = SERVICE_ID,
    idempotency_key: str = idempotency_key_header("the service"),
) -> DirectoryServiceOut:
    """The entry and its capacity are still right (Open Referral UK's assurance: at
    least every 3 months). The body may be left out."""
    return _act(
        request,
        service_id=service_id,
        key=idempotency_key,
        operation="directory.confirm",
        body={},
        act=lambda actor, service: services.service_confirm(actor=actor, service=service),
    )
