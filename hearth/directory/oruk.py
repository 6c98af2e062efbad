"""The directory in Open Referral UK 3.0's shape (domain.md §11.2; the profile's schemas
in ``../shared/data/oruk/schema/``), out (the public feed) and in (the import).

Out:
- optional fields are left out, never sent as null (the profile's rule);
- a service with a secret location (a refuge) never carries a location or address;
- capacity, which ORUK 3.0 has no field for, is the extra field ``x_capacity`` (places,
  places_taken, waiting_weeks, open_to_referrals, confirmed_on): the compiled schemas
  set no ``additionalProperties``, so extra fields validate (checked in the tests);
- which children a service is for and how it is delivered are ORUK ``attributes``
  whose taxonomy terms are Hearth's codes (taxonomies ``hearth:eligible`` and
  ``hearth:delivery``); the local authorities are ``service_areas`` whose ``uri`` is
  the ONS statistical geography of the area's GSS code;
- ids of rows Hearth does not store (a service area, an attribute, a cost option, an
  address) are UUIDv5s of the row they describe, so they stay the same between reads.

In: ``parse_service`` reads one service of a feed (the full service, or a list row that
carries the same nested arrays) into a plain ``ServiceRow``, or raises ``RowError``
naming every field it could not read.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from hearth.directory.models import Delivery, Eligible, Location, Service, ServiceStatus

PROFILE_URL = "https://openreferraluk.org/"
HSDS_VERSION = "3.0"
AREA_URI = "https://statistics.data.gov.uk/id/statistical-geography/"
ELIGIBLE_TAXONOMY = "hearth:eligible"
DELIVERY_TAXONOMY = "hearth:delivery"
CAPACITY_FIELD = "x_capacity"
# A namespace of our own for the ids of rows derived from stored ones.
NAMESPACE = uuid.UUID("6f0f3c64-8b6e-4b57-9a0e-1f6b1b2f7d31")


def derived_id(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    """Optional fields are left out rather than null or empty (the profile's rule)."""
    if value is None or value == "" or value == []:
        return
    out[key] = value


def organisation_out(service: Service) -> dict[str, Any]:
    org = service.organisation
    out: dict[str, Any] = {
        "id": str(org.id),
        "name": org.name,
        # Required by the profile's organization schema, even if empty.
        "description": org.description,
    }
    _put(out, "email", org.email)
    _put(out, "website", org.url)
    return out


def _location_out(location: Location) -> dict[str, Any]:
    out: dict[str, Any] = {"id": str(location.id), "location_type": "physical"}
    _put(out, "name", location.name)
    if location.latitude is not None and location.longitude is not None:
        out["latitude"] = float(location.latitude)
        out["longitude"] = float(location.longitude)
    if location.address_1 or location.postcode:
        address: dict[str, Any] = {
            "id": derived_id("address", location.id),
            "location_id": str(location.id),
            "address_1": location.address_1,
            "city": location.town,
            # Required by the profile; Hearth does not hold a county.
            "state_province": "",
            "postal_code": location.postcode,
            "country": "GB",
            "address_type": "physical",
        }
        _put(address, "address_2", location.address_2)
        out["addresses"] = [address]
    return out


def capacity_out(service: Service) -> dict[str, Any]:
    out: dict[str, Any] = {"open_to_referrals": service.open_to_referrals}
    _put(out, "places", service.places)
    _put(out, "places_taken", service.places_taken)
    _put(out, "waiting_weeks", service.waiting_weeks)
    if service.capacity_confirmed_on:
        out["confirmed_on"] = service.capacity_confirmed_on.isoformat()
    return out


def _term(taxonomy: str, code: str, label: str) -> dict[str, Any]:
    return {
        "id": derived_id("term", taxonomy, code),
        "name": code,
        "description": label,
        "term": code,
        "taxonomy": taxonomy,
    }


def _attributes(service: Service) -> list[dict[str, Any]]:
    found = []
    for taxonomy, codes, labels in (
        (ELIGIBLE_TAXONOMY, service.eligible, dict(Eligible.choices)),
        (DELIVERY_TAXONOMY, service.delivery, dict(Delivery.choices)),
    ):
        for code in codes:
            term = _term(taxonomy, code, str(labels.get(code, code)))
            found.append(
                {
                    "id": derived_id("attribute", service.id, taxonomy, code),
                    "link_id": str(service.id),
                    "link_type": "service",
                    "taxonomy_term_id": term["id"],
                    "taxonomy_term": term,
                }
            )
    return found


def service_out(service: Service, *, full: bool = True) -> dict[str, Any]:
    """One service. ``full`` adds the nested arrays (areas, locations, languages, costs,
    attributes): the list sends them too, so that a feed can be imported from its pages
    alone (the list schema allows extra fields)."""
    out: dict[str, Any] = {
        "id": str(service.id),
        "organization_id": str(service.organisation_id),
        "name": service.name,
        "status": service.status,
    }
    _put(out, "description", service.description)
    _put(out, "url", service.url)
    _put(out, "email", service.email)
    _put(out, "minimum_age", service.min_age)
    _put(out, "maximum_age", service.max_age)
    if service.confirmed_on:
        out["assured_date"] = service.confirmed_on.isoformat()
    out["last_modified"] = service.updated_at.isoformat()
    out["organization"] = organisation_out(service)
    if full:
        _put(
            out,
            "service_areas",
            [
                {
                    "id": derived_id("service_area", service.id, area.code),
                    "service_id": str(service.id),
                    "name": area.name,
                    "service_area": area.name,
                    "uri": AREA_URI + area.code,
                }
                for area in service.areas.all()
            ],
        )
        if not service.secret_location:
            _put(
                out,
                "service_at_locations",
                [
                    {
                        "id": str(sal.id),
                        "service_id": str(service.id),
                        "location_id": str(sal.location_id),
                        "location": _location_out(sal.location),
                    }
                    for sal in service.at_locations.all()
                ],
            )
        _put(
            out,
            "languages",
            [
                {
                    "id": derived_id("language", service.id, name),
                    "service_id": str(service.id),
                    "name": name,
                }
                for name in service.languages
            ],
        )
        cost: dict[str, Any] = {
            "id": derived_id("cost", service.id),
            "service_id": str(service.id),
            "option": "Free" if service.free else "Charged",
        }
        if service.free:
            cost["amount"] = 0
        _put(cost, "amount_description", service.cost_note)
        out["cost_options"] = [cost]
        _put(out, "attributes", _attributes(service))
    out[CAPACITY_FIELD] = capacity_out(service)
    return out


def service_at_location_out(sal: Any) -> dict[str, Any]:
    service = sal.service
    inner = service_out(service, full=False)
    return {
        "id": str(sal.id),
        "service_id": str(service.id),
        "location_id": str(sal.location_id),
        "location": _location_out(sal.location),
        "service": inner,
    }


def page_out(
    *, contents: list[dict[str, Any]], total_items: int, page: int, per_page: int
) -> dict[str, Any]:
    """The profile's Page (openapi.json ``components.schemas.Page``) with its contents."""
    total_pages = max((total_items + per_page - 1) // per_page, 1)
    return {
        "total_items": total_items,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": total_items == 0,
        "contents": contents,
    }


# ---------------------------------------------------------------------------- import


class RowError(Exception):
    """A service that cannot be imported, with every reason found."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass(frozen=True)
class LocationRow:
    source_id: str
    name: str = ""
    address_1: str = ""
    address_2: str = ""
    town: str = ""
    postcode: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None


@dataclass(frozen=True)
class ServiceRow:
    """One service of a feed, read and checked; nothing about the database."""

    source_id: str
    organisation_source_id: str
    organisation_name: str
    organisation_description: str
    organisation_email: str
    organisation_url: str
    name: str
    description: str = ""
    url: str = ""
    email: str = ""
    status: str = ServiceStatus.ACTIVE
    min_age: int | None = None
    max_age: int | None = None
    confirmed_on: date | None = None
    area_codes: tuple[str, ...] = ()
    area_names: tuple[str, ...] = ()
    eligible: tuple[str, ...] = ()
    delivery: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    free: bool = True
    cost_note: str = ""
    places: int | None = None
    places_taken: int | None = None
    waiting_weeks: int | None = None
    open_to_referrals: bool = True
    capacity_confirmed_on: date | None = None
    locations: tuple[LocationRow, ...] = field(default_factory=tuple)


def _text(
    data: dict[str, Any], key: str, reasons: list[str], *, required: bool = False, limit: int = 500
) -> str:
    value = data.get(key)
    if value is None:
        if required:
            reasons.append(f"{key} is missing")
        return ""
    if not isinstance(value, str):
        reasons.append(f"{key} must be text")
        return ""
    if required and not value.strip():
        reasons.append(f"{key} is empty")
    if len(value) > limit:
        reasons.append(f"{key} is longer than {limit} characters")
    return value.strip()


def _age(data: dict[str, Any], key: str, reasons: list[str]) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        reasons.append(f"{key} must be a whole number")
        return None
    if not 0 <= value <= 120:
        reasons.append(f"{key} must be between 0 and 120")
        return None
    return int(value)


def _count(data: dict[str, Any], key: str, reasons: list[str]) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        reasons.append(f"{CAPACITY_FIELD}.{key} must be a whole number, 0 or more")
        return None
    return value


def _date(data: dict[str, Any], key: str, reasons: list[str], prefix: str = "") -> date | None:
    value = data.get(key)
    if value is None:
        return None
    try:
        if not isinstance(value, str):
            raise ValueError
        return date.fromisoformat(value[:10]) if "T" in value else date.fromisoformat(value)
    except ValueError:
        reasons.append(f"{prefix}{key} must be a date like 2026-12-01")
        return None


def _list(data: dict[str, Any], key: str, reasons: list[str]) -> list[dict[str, Any]]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        reasons.append(f"{key} must be a list of objects")
        return []
    return value


def parse_service(data: Any) -> ServiceRow:
    """Read one ORUK service (raising ``RowError`` with every reason it is unreadable)."""
    if not isinstance(data, dict):
        raise RowError(["the row is not an object"])
    reasons: list[str] = []
    source_id = _text(data, "id", reasons, required=True, limit=200)
    name = _text(data, "name", reasons, required=True, limit=200)
    status = data.get("status")
    if status not in ("active", "inactive", "defunct", "temporarily closed"):
        reasons.append("status must be active, inactive, defunct or temporarily closed")
    org = data.get("organization")
    if not isinstance(org, dict):
        reasons.append("organization is missing")
        org = {}
    org_id = _text(org, "id", reasons, limit=200) or _text(
        data, "organization_id", reasons, limit=200
    )
    if org and not org_id:
        reasons.append("organization.id is missing")
    org_name = _text(org, "name", reasons, limit=200) if org else ""
    if org and not org_name:
        reasons.append("organization.name is missing")
    min_age = _age(data, "minimum_age", reasons)
    max_age = _age(data, "maximum_age", reasons)
    if min_age is not None and max_age is not None and min_age > max_age:
        reasons.append("minimum_age is more than maximum_age")

    area_codes, area_names = [], []
    for area in _list(data, "service_areas", reasons):
        uri = area.get("uri") or ""
        if isinstance(uri, str) and uri.startswith(AREA_URI):
            area_codes.append(uri.removeprefix(AREA_URI))
        else:
            label = area.get("service_area") or area.get("name")
            if isinstance(label, str) and label:
                area_names.append(label)

    eligible, delivery = [], []
    for attribute in _list(data, "attributes", reasons):
        term = attribute.get("taxonomy_term") or {}
        code = term.get("term") or term.get("name") if isinstance(term, dict) else None
        taxonomy = term.get("taxonomy") if isinstance(term, dict) else None
        if taxonomy == ELIGIBLE_TAXONOMY:
            if code not in Eligible.values:
                reasons.append(f"unknown eligibility {code!r}")
            else:
                eligible.append(code)
        elif taxonomy == DELIVERY_TAXONOMY:
            if code not in Delivery.values:
                reasons.append(f"unknown delivery {code!r}")
            else:
                delivery.append(code)

    languages = []
    for language in _list(data, "languages", reasons):
        label = language.get("name")
        if isinstance(label, str) and label.strip():
            languages.append(label.strip())

    free, cost_note = True, ""
    costs = _list(data, "cost_options", reasons)
    if costs:
        first = costs[0]
        option = str(first.get("option") or "").lower()
        amount = first.get("amount")
        free = option == "free" or (option == "" and amount in (0, None))
        note = first.get("amount_description")
        cost_note = note.strip() if isinstance(note, str) else ""

    capacity = data.get(CAPACITY_FIELD) or {}
    if not isinstance(capacity, dict):
        reasons.append(f"{CAPACITY_FIELD} must be an object")
        capacity = {}
    places = _count(capacity, "places", reasons)
    places_taken = _count(capacity, "places_taken", reasons)
    waiting_weeks = _count(capacity, "waiting_weeks", reasons)
    open_to_referrals = capacity.get("open_to_referrals", True)
    if not isinstance(open_to_referrals, bool):
        reasons.append(f"{CAPACITY_FIELD}.open_to_referrals must be true or false")
        open_to_referrals = True

    locations = []
    for sal in _list(data, "service_at_locations", reasons):
        loc = sal.get("location")
        if not isinstance(loc, dict):
            continue
        addresses = loc.get("addresses") if isinstance(loc.get("addresses"), list) else []
        address = addresses[0] if addresses and isinstance(addresses[0], dict) else {}
        lat, lon = loc.get("latitude"), loc.get("longitude")
        locations.append(
            LocationRow(
                source_id=str(loc.get("id") or sal.get("location_id") or ""),
                name=str(loc.get("name") or "")[:200],
                address_1=str(address.get("address_1") or "")[:200],
                address_2=str(address.get("address_2") or "")[:200],
                town=str(address.get("city") or "")[:100],
                postcode=str(address.get("postal_code") or "")[:10],
                latitude=Decimal(str(lat)).quantize(Decimal("0.000001"))
                if isinstance(lat, int | float)
                else None,
                longitude=Decimal(str(lon)).quantize(Decimal("0.000001"))
                if isinstance(lon, int | float)
                else None,
            )
        )

    confirmed_on = _date(data, "assured_date", reasons)
    capacity_confirmed_on = _date(capacity, "confirmed_on", reasons, f"{CAPACITY_FIELD}.")
    if reasons:
        raise RowError(reasons)
    return ServiceRow(
        source_id=source_id,
        organisation_source_id=org_id,
        organisation_name=org_name,
        organisation_description=str(org.get("description") or ""),
        organisation_email=str(org.get("email") or ""),
        organisation_url=str(org.get("website") or ""),
        name=name,
        description=str(data.get("description") or ""),
        url=str(data.get("url") or ""),
        email=str(data.get("email") or ""),
        status=ServiceStatus.ACTIVE if status == "active" else ServiceStatus.INACTIVE,
        min_age=min_age,
        max_age=max_age,
        confirmed_on=confirmed_on,
        area_codes=tuple(area_codes),
        area_names=tuple(area_names),
        eligible=tuple(dict.fromkeys(eligible)),
        delivery=tuple(dict.fromkeys(delivery)),
        languages=tuple(dict.fromkeys(languages)),
        free=free,
        cost_note=cost_note[:500],
        places=places,
        places_taken=places_taken,
        waiting_weeks=waiting_weeks,
        open_to_referrals=open_to_referrals,
        capacity_confirmed_on=capacity_confirmed_on,
        locations=tuple(locations),
    )


def parse_feed(document: Any) -> list[Any]:
    """The service rows of a feed page or file: a Page (``contents``), a bare list, or
    one service. Raises ``RowError`` when it is none of these."""
    if isinstance(document, dict) and "contents" in document:
        contents = document["contents"]
        if not isinstance(contents, list):
            raise RowError(["contents must be a list"])
        return contents
    if isinstance(document, list):
        return document
    if isinstance(document, dict) and "id" in document:
        return [document]
    raise RowError(["the file is not an Open Referral UK services list"])
