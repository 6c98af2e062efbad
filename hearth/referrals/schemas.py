"""The referral routes' API documents: the input of their own actions (the front door's
decision and the assessment it starts; codes are ``referrals.policy``'s, see its tests),
and what they share on the obligations API (``registry.ApiShare``): a children's services
notification the child's voice, the child's risk level and the front door's assessments, a
MARAC referral the referral and the household's children, a MARAC or IDVA referral the
alleged perpetrators and each household child's decision, s.3 status, risk and words."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Schema

from hearth.incidents.schemas import Day, In
from hearth.obligations.schemas import MAX_NOTE, PersonRefOut

MAX_FACTORS = 50
MAX_FACTOR_CODE = 10  # CIN census factor codes are 1 to 3 characters (3A, 21)

# The front door's decision on a child concern notification (policy.Decision).
DecisionCode = Literal[
    "no_further_action",
    "information_and_advice",
    "early_help",
    "child_in_need_assessment",
    "strategy_discussion",
    "immediate_protection",
]
# Every route's outcomes (policy.OUTCOMES): which fit an obligation depends on its route.


class DecisionIn(In):
    """The front door's decision on a child concern notification."""

    decision: DecisionCode
    note: str = Field("", max_length=MAX_NOTE)
    assessment_started_on: Day | None = Field(
        None,
        description=(
            "When a decision to assess (child_in_need_assessment, strategy_discussion) "
            "started the assessment; defaults to today."
        ),
    )


class ChildAssessmentIn(In):
    """A child and family assessment's dates, and the CIN census factors found at its end
    (needed once it is authorised; "21", no factors identified, stands alone)."""

    started_on: Day
    authorised_on: Day | None = None
    factors: list[Annotated[str, Field(max_length=MAX_FACTOR_CODE)]] = Field(
        default_factory=list,
        max_length=MAX_FACTORS,
        description="CIN census assessment factor codes, for example 3A, 3B.",
    )


# --- What the routes share on the obligations API ---------------------------------------


class ChildAssessmentOut(Schema):
    id: int
    kind: str = Field(..., description="The decision that started it.")
    started_on: dt.date
    authorised_on: dt.date | None
    factors: list[str]
    due_at: dt.datetime | None


class ChildVoiceOut(Schema):
    present: bool | None
    saw: bool
    heard: bool
    injured: bool | None
    spoken_to: bool | None
    spoken_to_alone: bool | None
    not_spoken_to_reason: str
    own_words: str
    worries: str
    demeanour: str


class MaracChildOut(Schema):
    child: PersonRefOut
    notification_id: int | None = Field(..., description="Their child concern notification.")


class SharedChildRiskOut(Schema):
    """A child's latest risk level (rule CHILD-RISK-1) at any incident."""

    level: int = Field(..., description="1 moderate, 2 moderate to serious, 3 serious, 4 severe.")
    label: str
    recorded_at: dt.datetime
    rule: str


class PerpetratorOut(Schema):
    person: PersonRefOut
    relationship: str = Field(
        ...,
        description="How they stand to the adult victim, in words; empty when not recorded.",
    )


class HouseholdChildOut(Schema):
    child: PersonRefOut
    notification_id: int | None = Field(..., description="Their child concern notification.")
    decision: DecisionCode | None = Field(
        ..., description="The front door's decision on it; null while not decided."
    )
    decision_label: str = Field(..., description='In words: "Not decided yet" while open.')
    decided_at: dt.datetime | None
    victim_in_own_right: Literal["met", "not_met", "not_known"] | None = Field(
        ...,
        description=(
            "Domestic Abuse Act 2021 s.3 at the incident; null for a child of the household "
            "who was not at it."
        ),
    )
    victim_in_own_right_reasons: list[str]
    risk: SharedChildRiskOut | None
    own_words: str | None = Field(
        ...,
        description=(
            "What the child said at the scene, where the route shares it (a MARAC referral); "
            "null where it does not (an IDVA referral)."
        ),
    )


class HouseholdOut(Schema):
    """A MARAC or IDVA referral: the alleged perpetrators and each household child."""

    perpetrators: list[PerpetratorOut]
    children: list[HouseholdChildOut]


class MaracReferralOut(Schema):
    criteria: list[str]
    criteria_basis: list[str]
    safe_contact_number: str
    number_safe_to_call: bool | None
    safe_times: str
    afraid_of: str
    victim_aware: bool | None
    not_aware_reason: str
    consent_given: bool | None
    children: list[MaracChildOut]
