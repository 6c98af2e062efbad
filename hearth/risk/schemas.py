"""The risk API's documents: a whole checklist as one body (``AssessmentIn``), the graded
assessment with its MARAC criteria (``AssessmentOut``), a supervisor's countersignature
(``CountersignIn``), and a child's own record with their risk level and its history
(``ChildWithRiskOut``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import field_validator

from hearth.incidents.schemas import MAX_ID, WHOLE, ChildOut, In
from hearth.risk.instruments import shipped_instruments

MAX_ANSWERS = 100
# The instruments Hearth ships (new versions of them need no code change).
InstrumentKey = Literal["police_dash", "safelives_ric"]


def instrument_keys() -> list[str]:
    return sorted({key for key, _ in shipped_instruments()})


# --- What a record system sends ------------------------------------------------------


class SafetyIn(In):
    """The safety checks practice requires before the questions."""

    safe_to_talk: Literal["yes", "no", "not_asked"]
    safe_contact_number: str = Field("", max_length=40)
    safe_times: str = Field("", max_length=200)
    afraid_of: str = Field("", max_length=300)
    perpetrator_whereabouts: str = Field("", max_length=300)
    children_whereabouts: str = Field("", max_length=300)


class AnswerIn(In):
    item: str = Field(..., min_length=1, max_length=60, description="The item's stable key.")
    answer: Literal["yes", "no", "dont_know"]
    comment: str = Field("", max_length=10000)
    source: str = Field("", max_length=200, description="Who said so, if not the victim.")


class JudgementIn(In):
    """Professional judgement: it can only raise the grade, and needs a reason."""

    grade: Literal["medium", "high"]
    reason: str = Field(..., min_length=1, max_length=10000)

    @field_validator("reason")
    @classmethod
    def _not_blank(cls, reason: str) -> str:
        if not reason.strip():
            raise ValueError("Give the reason for your professional judgement")
        return reason


class AssessmentIn(In):
    """A whole checklist, answered and graded in one transaction."""

    instrument: InstrumentKey | None = Field(
        None,
        description=(
            "An instrument's key (police_dash, safelives_ric); defaults to the police DASH "
            "for a police force and the SafeLives RIC for any other agency."
        ),
    )
    safety: SafetyIn
    answers: list[AnswerIn] = Field(
        default_factory=list,
        max_length=MAX_ANSWERS,
        description="Every main item must be answered; supplementary items once triggered.",
    )
    judgement: JudgementIn | None = None
    reason: Literal["initial", "new_incident", "separation", "pregnancy", "review"] = "initial"
    victim_id: Annotated[int, Field(ge=1, le=MAX_ID), WHOLE] | None = Field(
        None, description="Defaults to the incident's first adult victim."
    )
    perpetrator_id: Annotated[int, Field(ge=1, le=MAX_ID), WHOLE] | None = Field(
        None, description="Defaults to the incident's first perpetrator."
    )

    @field_validator("instrument")
    @classmethod
    def _known_instrument(cls, key: str | None) -> str | None:
        if key is not None and key not in instrument_keys():
            raise ValueError(f"Choose one of: {', '.join(instrument_keys())}")
        return key


class CountersignIn(In):
    """A supervisor's review of a completed assessment."""

    # The pattern says in the schema what ``In`` refuses anyway (NUL cannot be stored), so
    # that a schema-valid note is always accepted.
    note: str = Field(
        "",
        max_length=10000,
        pattern=r"^[^\x00]*$",
        description="The supervisor's review note (any text but the NUL character).",
    )


# --- What the API answers ------------------------------------------------------------


class SafetyOut(Schema):
    safe_to_talk: str
    safe_contact_number: str
    safe_times: str
    afraid_of: str
    perpetrator_whereabouts: str
    children_whereabouts: str


class AnswerOut(Schema):
    item: str
    number: int | None
    label: str
    answer: str
    comment: str
    source: str


class CriterionOut(Schema):
    key: str
    met: bool
    basis: str


class MaracOut(Schema):
    met: bool
    criteria: list[CriterionOut]
    rule: str


class AssessmentOut(Schema):
    id: int
    incident_id: int | None
    victim_id: int
    perpetrator_id: int | None
    instrument: str
    instrument_version: str
    reason: str
    status: Literal["in_progress", "completed"]
    score: int | None
    actuarial_grade: Literal["standard", "medium", "high"] | None
    grade: Literal["standard", "medium", "high"] | None
    basis: str = Field(..., description="actuarial or professional_judgement")
    judgement_reason: str
    reasons: list[str]
    bands: dict[str, int | None]
    rule: str
    completed_at: dt.datetime | None
    safety: SafetyOut
    answers: list[AnswerOut]
    marac: MaracOut | None = Field(
        ..., description="The MARAC criteria, each with its basis (once completed)."
    )
    countersigned: bool
    countersigned_at: dt.datetime | None
    countersign_note: str


class ChildRiskOut(Schema):
    level: int = Field(..., description="1 moderate, 2 moderate to serious, 3 serious, 4 severe")
    label: str
    factors: list[str]
    basis: str
    rule: str
    raised_reason: str
    incident_id: int | None
    recorded_at: dt.datetime


class ChildWithRiskOut(ChildOut):
    risk: ChildRiskOut | None = Field(..., description="The latest risk level, if any.")
    risk_history: list[ChildRiskOut] = Field(..., description="Every risk level, newest first.")
