"""The families API's shapes (and the routes' typed shares on the obligations API)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from hearth.incidents.schemas import Day

MAX_ID = 2**63 - 1
_WORDS = 300
_TEXT = 4000

RoleCode = Literal["adult_victim", "child", "person_causing_harm", "other_adult"]
SupportKindCode = Literal[
    "idva",
    "safety_planning",
    "housing",
    "legal_protection",
    "refuge",
    "specialist_adult",
    "child_specialist",
    "school",
    "childrens_services",
    "health",
    "behaviour_change",
    "police_action",
    "protective_order",
]
SupportStatusCode = Literal["planned", "started", "ended"]
ProgressCode = Literal["met", "some", "none", "not_needed"]
CloseReasonCode = Literal["goals_met", "stepped_up", "moved_away", "consent_withdrawn", "other"]


class FamilyPlanMemberNameOut(Schema):
    name: str
    role: str = Field(..., description="The member's role in words")


class FamilyActionShareOut(Schema):
    """What a family plan's action shares with its owner team."""

    plan_id: int
    what: str
    due_on: dt.date | None
    member_name: str
    member_role: str
    goal: str = Field(..., description="The goal it works towards, if any")
    safe_contact_note: str = Field(..., description="How to contact the family safely")
    lead_team: str


class FamilyReviewShareOut(Schema):
    """What a family plan's review shares with the lead team."""

    plan_id: int
    safe_contact_note: str
    members: list[FamilyPlanMemberNameOut]


class FamilyPlanMemberIn(Schema):
    person_id: int = Field(..., ge=1, le=MAX_ID)
    role: RoleCode


class FamilyPlanIn(Schema):
    person_id: int = Field(..., ge=1, le=MAX_ID, description="The person the plan is opened from")
    lead_team_id: int = Field(
        ..., ge=1, le=MAX_ID, description="One of the caller's agency's teams"
    )
    members: list[FamilyPlanMemberIn] = Field(..., min_length=1, max_length=30)
    agreement: Literal["agreed", "not_agreed", "not_sought"]
    agreement_note: str = Field("", max_length=_TEXT, description="Why, when not sought")
    safe_contact_note: str = Field(..., min_length=1, max_length=_TEXT)
    opened_from: Literal["front_door", "marac", "idva", "agency"]
    opened_from_obligation_id: int | None = Field(None, ge=1, le=MAX_ID)
    marac_case_id: int | None = Field(None, ge=1, le=MAX_ID)


class FamilyGoalIn(Schema):
    member_id: int = Field(..., ge=1, le=MAX_ID, description="The plan member's id")
    words: str = Field(..., min_length=1, max_length=_WORDS)


class FamilyActionIn(Schema):
    member_id: int = Field(..., ge=1, le=MAX_ID)
    goal_id: int | None = Field(None, ge=1, le=MAX_ID)
    team_id: int = Field(..., ge=1, le=MAX_ID, description="The team that owns the action")
    what: str = Field(..., min_length=1, max_length=_WORDS)
    due_on: Day


class FamilySupportIn(Schema):
    member_id: int = Field(..., ge=1, le=MAX_ID)
    kind: SupportKindCode
    status: SupportStatusCode = "planned"
    started_on: Day | None = None
    ended_on: Day | None = None
    obligation_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="The obligation that delivers it"
    )
    note: str = Field("", max_length=500)


class FamilySupportUpdateIn(Schema):
    status: SupportStatusCode
    started_on: Day | None = None
    ended_on: Day | None = None
    note: str = Field("", max_length=500)


class FamilyGoalProgressIn(Schema):
    goal_id: int = Field(..., ge=1, le=MAX_ID)
    progress: ProgressCode


class FamilyReviewIn(Schema):
    held_on: Day
    progress: list[FamilyGoalProgressIn] = Field(default_factory=list, max_length=200)
    children_views: str = Field("", max_length=_TEXT)
    continues: bool
    close_reason: CloseReasonCode | Literal[""] = ""
    close_note: str = Field("", max_length=_TEXT)


class FamilyPlanCloseIn(Schema):
    reason: CloseReasonCode
    note: str = Field("", max_length=_TEXT)


class FamilyGoalOut(Schema):
    id: int
    member_id: int
    words: str
    status: str


class FamilySupportOut(Schema):
    id: int
    member_id: int
    kind: str
    kind_words: str
    status: str
    started_on: dt.date | None
    ended_on: dt.date | None
    obligation_id: int | None
    note: str


class FamilyActionOut(Schema):
    id: int
    member_id: int
    goal_id: int | None
    team: str
    what: str
    due_on: dt.date
    obligation_id: int
    status: str = Field(..., description="The ledger's status of its obligation")
    outcome: str


class FamilyChildRiskOut(Schema):
    level: int
    level_words: str


class FamilyPlanMemberOut(Schema):
    id: int
    person_id: int
    name: str
    role: str
    shown: bool = Field(..., description="False: the plan withholds this member's work from you")
    withheld: int = Field(..., description="How many of this member's records are withheld")
    child_risk: FamilyChildRiskOut | None
    goals: list[FamilyGoalOut]
    supports: list[FamilySupportOut]
    actions: list[FamilyActionOut]


class FamilyGoalProgressOut(Schema):
    goal_id: int
    progress: str


class FamilyReviewOut(Schema):
    id: int
    held_on: dt.date
    continues: bool
    next_review_due_on: dt.date | None
    children_views: str
    progress: list[FamilyGoalProgressOut]


class FamilyMaracActionOut(Schema):
    obligation_id: int
    case_id: int
    team: str
    status: str


class FamilyPlanSummaryOut(Schema):
    id: int
    status: str
    lead_team: str
    opened_on: dt.date
    next_review_due_on: dt.date | None
    is_lead: bool


class FamilyPlanOut(Schema):
    id: int
    status: str
    is_lead: bool
    lead_team: str
    lead_professional: str
    incident_id: int
    opened_from: str
    agreement: str
    agreement_note: str
    safe_contact_note: str
    opened_on: dt.date
    first_meeting_due_on: dt.date
    first_meeting_on: dt.date | None = Field(..., description="When it was held, if recorded")
    next_review_due_on: dt.date | None
    closed_on: dt.date | None
    close_reason: str
    members: list[FamilyPlanMemberOut]
    marac_actions: list[FamilyMaracActionOut]
    reviews: list[FamilyReviewOut]
    withheld: int = Field(..., description="How many records the plan withholds from you")
