"""The directory's API documents (``api``). Input is strict, as everywhere in Hearth's
API (docs/api.md): unknown fields are refused and nothing is coerced."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict


def _whole_number(value: Any) -> Any:
    """JSON Schema counts 7.0 as an integer, so it is one here too (as in
    ``incidents.schemas``); never a boolean or text (strict input)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Whole = Annotated[int, BeforeValidator(_whole_number)]
# Bounded whole numbers: the bounds before the validator, so that the document states
# them as ``minimum`` and ``maximum`` (as ``incidents.schemas.WHOLE`` explains).
Places = Annotated[int, Field(ge=0, le=100_000), BeforeValidator(_whole_number)]
Weeks = Annotated[int, Field(ge=0, le=520), BeforeValidator(_whole_number)]
Age = Annotated[int, Field(ge=0, le=120), BeforeValidator(_whole_number)]


class DirectoryIn(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)


class DirectoryCapacityIn(DirectoryIn):
    """A service's capacity now. Every field may be left out (it is then unchanged);
    ``null`` clears a number (not known)."""

    places: Places | None = None
    places_taken: Places | None = None
    waiting_weeks: Weeks | None = None
    open_to_referrals: bool | None = None


EligibleCode = Literal[
    "child_victim", "young_person_own_relationship", "child_harming_parent", "with_mother"
]
DeliveryCode = Literal["in_person", "group", "online", "phone"]


class DirectoryEntryIn(DirectoryIn):
    """A service's entry as its provider keeps it. Every field may be left out (it is then
    unchanged). ``area_ids`` are the local authorities it covers (the whole list)."""

    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=5000)
    url: str | None = Field(None, max_length=500)
    email: str | None = Field(None, max_length=254)
    status: Literal["active", "inactive"] | None = None
    min_age: Age | None = None
    max_age: Age | None = None
    eligible: list[EligibleCode] | None = Field(None, max_length=4)
    delivery: list[DeliveryCode] | None = Field(None, max_length=4)
    languages: list[Annotated[str, Field(min_length=1, max_length=60)]] | None = Field(
        None, max_length=30
    )
    free: bool | None = None
    cost_note: str | None = Field(None, max_length=500)
    area_ids: list[Whole] | None = Field(None, min_length=1, max_length=50)


class DirectoryConfirmIn(DirectoryIn):
    """Nothing to send: the entry and its capacity are still right."""


class DirectoryAreaOut(Schema):
    id: int
    code: str
    name: str


class DirectoryLocationOut(Schema):
    name: str
    address_1: str
    address_2: str
    town: str
    postcode: str


class DirectoryCapacityOut(Schema):
    places: int | None
    places_taken: int | None
    places_free: int | None
    waiting_weeks: int | None
    open_to_referrals: bool
    capacity_confirmed_on: dt.date | None


class DirectoryServiceOut(Schema):
    id: uuid.UUID
    name: str
    description: str
    organisation_id: uuid.UUID
    organisation: str
    status: str
    team_id: int | None
    areas: list[DirectoryAreaOut]
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
    locations: list[DirectoryLocationOut] = Field(
        description="Where it is delivered; empty for a secret location"
    )
    capacity: DirectoryCapacityOut
    confirmed_on: dt.date | None
    not_confirmed_since: dt.date | None = Field(
        description="Set when the entry has not been confirmed for 3 months (ORUK assurance)"
    )


class DirectoryServiceListOut(Schema):
    services: list[DirectoryServiceOut]
