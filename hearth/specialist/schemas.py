"""The specialist support API's shapes."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from ninja import Field, Schema

from hearth.incidents.schemas import Day

_TEXT = 4000


class SpecialistReferralIn(Schema):
    child_id: int = Field(..., ge=1, le=2**63 - 1, description="The child's person id")
    service_id: uuid.UUID = Field(..., description="The directory service's id")
    need: str = Field(
        ..., max_length=_TEXT, description="What support the child needs, and why now"
    )
    parent_consent: Literal["given", "refused", "not_asked"]
    parent_view: str = Field("", max_length=_TEXT)
    child_view: str = Field("", max_length=_TEXT)
    child_words: str = Field("", max_length=_TEXT, description="The child's own words, if given")


class SpecialistAcceptIn(Schema):
    waiting_list: bool = Field(..., description="True: a place on the waiting list")
    start_on: Day | None = Field(None, description="Needed unless on the waiting list")
    expected_start_on: Day | None = Field(None, description="Needed on the waiting list")


class SpecialistDeclineIn(Schema):
    reason: Literal["not_eligible", "no_capacity", "family_declined", "other"]
    note: str = Field(..., max_length=_TEXT)


class SpecialistStartIn(Schema):
    started_on: Day


class SpecialistSessionIn(Schema):
    on: Day


class SpecialistOutcomeIn(Schema):
    outcome: Literal["completed", "ended_early", "moved_on"]
    reason: str = Field("", max_length=_TEXT, description="Needed when it ended early")
    child_view: str = Field("", max_length=_TEXT)
    parent_view: str = Field("", max_length=_TEXT)


class SpecialistReferralOut(Schema):
    obligation_id: int
    child_id: int
    child_name: str
    child_date_of_birth: dt.date | None
    service_id: uuid.UUID
    service_name: str
    status: str
    status_words: str
    acknowledge_by: dt.datetime | None
    need: str
    child_view: str
    child_words: str
    parent_consent: str
    parent_view: str
    answer: str
    start_on: dt.date | None
    expected_start_on: dt.date | None
    declined_reason: str
    declined_note: str
    started_on: dt.date | None
    sessions: list[dt.date]
    outcome: str
    ended_on: dt.date | None
    ended_reason: str
    child_view_at_end: str
    parent_view_at_end: str


class SpecialistUnmetNeedOut(Schema):
    id: int
    child_id: int
    child_name: str
    area: str | None
    age_band: str
    need: str
    reason: str
    reason_words: str
    detail: str
    opened_on: dt.date
    closed_on: dt.date | None
