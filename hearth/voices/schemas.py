"""The child's voice API's shapes."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from hearth.incidents.schemas import Day
from hearth.voices import policy


class VoiceEntryIn(Schema):
    seen_on: Day = Field(..., description="When the child was seen: today or in the past")
    where: str = Field(
        ..., min_length=1, max_length=policy.MAX_WHERE, description="For example at school"
    )
    seen_alone: bool = Field(..., description="Seen away from their parents or carers")
    present: str = Field(
        "", max_length=policy.MAX_PRESENT, description="Who else was there, by role"
    )
    said: str = Field(
        "", max_length=policy.MAX_SAID, description="What the child said, in their own words"
    )
    how_they_are: str = Field(
        "",
        max_length=policy.MAX_HOW,
        description="How they presented; needed when they said nothing",
    )
    corrects_id: int | None = Field(
        None, ge=1, le=2**63 - 1, description="The entry this one corrects, if any"
    )


class VoiceEntryOut(Schema):
    id: int
    child_id: int
    seen_on: dt.date
    where: str
    present: str
    seen_alone: bool
    said: str
    how_they_are: str
    agency_name: str
    team_name: str
    recorded_by_name: str
    recorded_at: dt.datetime
    corrects_id: int | None


class VoiceEntriesOut(Schema):
    child_id: int
    child_name: str
    entries: list[VoiceEntryOut] = Field(..., description="Newest first")
    recorded_id: int | None = Field(
        None, description="The entry this request recorded (a retry: the same one)"
    )
