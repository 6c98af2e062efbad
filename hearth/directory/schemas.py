"""The directory's API documents (``api``). Input is strict, as everywhere in Hearth's
API (docs/api.md): unknown fields are refused and nothing is coerced."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Field, Schema
from pydantic import ConfigDict


class DirectoryIn(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)


class CapacityIn(DirectoryIn):
    """A service's capacity now. Every field may be left out (it is then unchanged);
    ``null`` clears a number (not known)."""

    places: int | None = Field(None, ge=0, le=100_000)
    places_taken: int | None = Field(None, ge=0, le=100_000)
    waiting_weeks: int | None = Field(None, ge=0, le=520)
    open_to_referrals: bool | None = None


class ConfirmIn(DirectoryIn):
    """Nothing to send: the entry and its capacity are still right."""


class AreaOut(Schema):
    id: int
    code: str
    name: str


class LocationOut(Schema):
    name: str
    address_1: str
    address_2: str
    town: str
    postcode: str


class CapacityOut(Schema):
    places: int | None
    places_taken: int | None
    places_free: int | None
    waiting_weeks: int | None
    open_to_referrals: bool
    capacity_confirmed_on: dt.date | None


class ServiceOut(Schema):
    id: uuid.UUID
    name: str
    description: str
    organisation_id: uuid.UUID
    organisation: str
    status: str
    team_id: int | None
    areas: list[AreaOut]
    min_age: int | None
    max_age: int | None
    eligible: list[str]
    delivery: list[str]
    languages: list[str]
    free: bool
    cost_note: str
    url: str
    email: str
    secret_location: bool
    locations: list[LocationOut] = Field(
        description="Where it is delivered; empty for a secret location"
    )
    capacity: CapacityOut
    confirmed_on: dt.date | None
    not_confirmed_since: dt.date | None = Field(
        description="Set when the entry has not been confirmed for 3 months (ORUK assurance)"
    )


class ServiceListOut(Schema):
    services: list[ServiceOut]
