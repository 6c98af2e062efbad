"""The obligations API's documents: what an agency system sends to act on an obligation
(``AcknowledgeIn``, ``DecisionIn``, ``OutcomeIn``, ``RedirectIn``, ``ChildAssessmentIn``)
and what it answers: an inbox of ``ObligationOut`` summaries, one obligation with its
deadlines and what its route shares (``ObligationDetailOut``), and an incident's
obligations (``IncidentObligationsOut``). Codes are ``hearth.obligations.policy``'s."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Schema

from hearth.incidents.schemas import MAX_ID, MAX_PAGE, WHOLE, Day, In

MAX_NOTE = 10000
MAX_FACTORS = 50
MAX_FACTOR_CODE = 10  # CIN census factor codes are 1 to 3 characters (3A, 21)

RouteCode = Literal[
    "child_concern_notification",
    "marac_referral",
    "idva_referral",
    "child_follow_up",
    "encompass_notification",
]
StatusCode = Literal["created", "sent", "acknowledged", "outcome_recorded", "closed", "withdrawn"]
OutcomeCode = Literal[
    "no_further_action",
    "information_and_advice",
    "early_help",
    "child_in_need_assessment",
    "strategy_discussion",
    "immediate_protection",
    "engaged",
    "declined",
    "unable_to_contact",
    "heard",
    "not_accepted",
    "transferred",
    "safe_and_supported",
    "referred_on",
    "silent_support",
    "overt_support",
    "already_known",
]
# Lists are read a page at a time: the default page is the first, as lists were before
# they had pages; a bound keeps a page number a sane integer and a page of bounded size.
INBOX_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
# An inbox filter: one status, or "ended" for the closed and withdrawn (default: every
# open status).
InboxStatus = Literal["created", "sent", "acknowledged", "outcome_recorded", "ended"]


# --- What an agency system sends ----------------------------------------------------------


class InboxFiltersIn(Schema):
    """An inbox's filters (query parameters)."""

    status: InboxStatus | None = Field(
        None, description="One status, or ended (closed and withdrawn); default: every open one."
    )
    route: RouteCode | None = None
    due_by: Day | None = Field(None, description="Only those next due on or before this day.")
    local_authority_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="Only those from incidents in this local authority."
    )
    overdue_only: bool = False
    page: int = Field(1, ge=1, le=MAX_PAGE, description="The page; past the last, the last.")
    page_size: int = Field(
        INBOX_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="How many a page (at most 100)."
    )


class AcknowledgeIn(In):
    note: str = Field("", max_length=MAX_NOTE, description="A note for the acknowledgement.")


class OutcomeIn(In):
    """The outcome of an IDVA or MARAC referral or a child's follow-up (on a child concern
    notification it is the front door's decision)."""

    outcome: OutcomeCode = Field(
        ...,
        description=(
            "IDVA referral: engaged, declined, unable_to_contact. MARAC referral: heard, "
            "not_accepted, transferred. Child follow-up: safe_and_supported, referred_on "
            "(with a note saying when and how the child was seen). Child concern "
            "notification: a decision code."
        ),
    )
    note: str = Field("", max_length=MAX_NOTE)


class RedirectIn(In):
    to_team_id: Annotated[int, WHOLE] = Field(
        ..., ge=1, le=MAX_ID, description="Another active team that does the same work."
    )
    reason: str = Field(..., min_length=1, max_length=MAX_NOTE)


# --- What the API answers --------------------------------------------------------------------


class PersonRefOut(Schema):
    id: int
    name: str
    date_of_birth: dt.date | None


class ObligationIncidentOut(Schema):
    id: int
    police_reference: str = Field(..., description="Empty for a concern.")
    occurred_at: dt.datetime | None


class TeamRefOut(Schema):
    id: int
    name: str


class OutcomeOut(Schema):
    code: str
    label: str


class ObligationOut(Schema):
    """An obligation as an inbox lists it."""

    id: int
    route: RouteCode
    status: StatusCode
    subject: PersonRefOut
    incident: ObligationIncidentOut
    team: TeamRefOut
    next_due_at: dt.datetime | None = Field(..., description="The soonest deadline not met.")
    overdue: bool
    claimed_by_id: int | None = Field(..., description="Who in the team has taken it on.")


class InboxOut(Schema):
    team: TeamRefOut
    total: int = Field(..., description="How many match the filters, on every page.")
    overdue: int
    page: int = Field(..., description="This page (1 is the first).")
    pages: int = Field(..., description="How many pages there are of page_size.")
    obligations: list[ObligationOut] = Field(
        ..., description="Overdue and soonest due first; nothing due last."
    )


class DeadlineOut(Schema):
    stage: str = Field(..., description="send, acknowledge, decide, assessment or outcome")
    due_at: dt.datetime
    owner: str = Field(..., description="recipient or referrer")
    rule: str
    rule_version: str
    basis: str
    met_at: dt.datetime | None
    overdue: bool


class RedirectionOut(Schema):
    from_team: TeamRefOut
    to_team: TeamRefOut
    reason: str
    at: dt.datetime


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


class SharedAdultOut(Schema):
    role: str
    person: PersonRefOut


class PastEventOut(Schema):
    on: dt.date
    agency: str


class AdultRiskOut(Schema):
    person: PersonRefOut
    grade: str = Field(..., description="The latest completed assessment's grade, in words.")
    score: int | None
    basis: str
    history: list[PastEventOut] = Field(
        ..., description="Earlier incidents and concerns about the victim, by any agency."
    )


class SiblingOut(Schema):
    obligation_id: int
    subject: PersonRefOut


class MaracChildOut(Schema):
    child: PersonRefOut
    notification_id: int | None = Field(..., description="Their child concern notification.")


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


class SharedIncidentOut(Schema):
    police_reference: str
    occurred_at: dt.datetime | None
    town: str | None = Field(..., description="Shared with a child concern notification.")
    summary: str | None = Field(..., description="Shared with a child concern notification.")
    abuse_types: list[str] | None = Field(
        ..., description="Shared with a child concern notification."
    )


class SharedOut(Schema):
    """What the route shares with the team it is addressed to (architecture §4): a child
    concern notification the child's voice, the incident's summary and the adults with
    their risk; a MARAC referral the referral and the household's children; an IDVA
    referral the victim's risk; a follow-up the child and the incident's date."""

    incident: SharedIncidentOut
    child_voice: ChildVoiceOut | None
    adults: list[SharedAdultOut]
    risks: list[AdultRiskOut]
    siblings: list[SiblingOut] = Field(
        ..., description="The other children's notifications from the incident, to this team."
    )
    marac: MaracReferralOut | None


class ObligationDetailOut(ObligationOut):
    """One obligation: why it exists, its deadlines, what happened, and what it shares."""

    rule: str
    rule_version: str
    reason: str
    sent_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    outcome: OutcomeOut | None
    outcome_note: str
    outcome_at: dt.datetime | None
    closed_at: dt.datetime | None
    withdrawn_reason: str
    deadlines: list[DeadlineOut]
    redirections: list[RedirectionOut]
    assessments: list[ChildAssessmentOut]
    shared: SharedOut


class IncidentObligationOut(Schema):
    id: int
    route: RouteCode
    subject_id: int
    team: TeamRefOut
    status: StatusCode
    deadlines: list[DeadlineOut] = Field(..., description="Every deadline, met or not.")
    next_due_at: dt.datetime | None
    overdue: bool
    rule: str
    rule_version: str
    reason: str
    outcome: OutcomeOut | None


class UnroutedOut(Schema):
    route: RouteCode
    subject_id: int
    reason: str


class IncidentObligationsOut(Schema):
    incident_id: int
    complete: bool = Field(
        ..., description="Every child's obligations have ended and nothing is left unrouted."
    )
    obligations: list[IncidentObligationOut]
    unrouted: list[UnroutedOut] = Field(
        ..., description="Work no team could be found for: it is never dropped silently."
    )
