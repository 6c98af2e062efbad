"""The MARAC API's shapes."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from hearth.incidents.schemas import Day, Id, In
from hearth.marac import policy

TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
Format = Literal["in_person", "online", "both"]


class MaracMeetingIn(In):
    held_on: Day = Field(..., description="The date of the meeting: today or later")
    starts_at: str = Field(
        ..., max_length=5, pattern=TIME_PATTERN, description="The time it starts, HH:MM"
    )
    how_held: Format = Field(..., description="In person, online, or both")
    place: str = Field("", max_length=policy.MAX_PLACE, description="Where, or how to join")


class MaracMeetingSummaryOut(Schema):
    id: int
    held_on: dt.date
    starts_at: str
    how_held: str = Field(..., description="in_person, online or both")
    place: str
    status: str = Field(..., description="scheduled, held or cancelled")
    case_count: int = Field(..., description="Cases on its agenda or heard")


class MaracCaseSummaryOut(Schema):
    id: int
    position: int
    referral_obligation_id: int
    victim_id: int
    victim_name: str
    repeat: bool = Field(..., description="A repeat referral (SafeLives, domain.md §2.2)")
    status: str = Field(..., description="on_agenda, heard, deferred or removed")
    children_count: int


class MaracMeetingOut(MaracMeetingSummaryOut):
    cases: list[MaracCaseSummaryOut]


class MaracCaseAddIn(In):
    referral_obligation_id: Id = Field(..., description="The MARAC referral's obligation id")


class MaracCaseChildOut(Schema):
    child_id: int
    name: str
    confirmed: bool | None = Field(..., description="Confirmed at the meeting (null until heard)")


class MaracActionOut(Schema):
    id: int
    number: int
    for_person_id: int
    for_role: str = Field(..., description="victim, child or perpetrator")
    owner_team_id: int
    owner_team_name: str
    words: str
    due_on: dt.date
    obligation_id: int | None
    obligation_status: str | None


class MaracCaseOut(Schema):
    id: int
    meeting_id: int
    meeting_on: dt.date
    position: int
    referral_obligation_id: int
    victim_id: int
    victim_name: str
    repeat: bool
    status: str = Field(..., description="on_agenda, heard, deferred or removed")
    heard_at: dt.datetime | None
    risks: str
    attended_agency_ids: list[int]
    children: list[MaracCaseChildOut]
    unconfirmed_reason: str
    note: str
    actions: list[MaracActionOut]


class MaracActionIn(In):
    for_person_id: Id = Field(..., description="The victim, a household child or a perpetrator")
    owner_team_id: Id = Field(..., description="An active team in the MARAC's area")
    words: str = Field(..., min_length=1, max_length=policy.MAX_TEXT, description="What to do")
    due_on: Day = Field(..., description="Today or later")


class MaracHearIn(In):
    attended_agency_ids: list[Id] = Field(..., max_length=200)
    risks: str = Field(..., max_length=policy.MAX_TEXT)
    child_ids: list[Id] = Field(..., max_length=100, description="The children confirmed")
    unconfirmed_reason: str = Field(
        "", max_length=policy.MAX_TEXT, description="Needed when a household child is left out"
    )
    actions: list[MaracActionIn] = Field(..., max_length=policy.MAX_ACTIONS)
    note: str = Field("", max_length=policy.MAX_TEXT)
