"""API input of the referral routes' own actions: the front door's decision and the
assessment it starts (codes are ``referrals.policy``'s; see its tests)."""

from __future__ import annotations

from typing import Annotated, Literal

from ninja import Field

from hearth.incidents.schemas import Day, In
from hearth.obligations.schemas import MAX_FACTOR_CODE, MAX_FACTORS, MAX_NOTE

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
