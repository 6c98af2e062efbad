"""The obligations API's documents: what an agency system sends to act on an obligation
(``AcknowledgeIn``, ``OutcomeIn``, ``RedirectIn``; a route's own actions are its app's)
and what it answers: an inbox of ``ObligationOut`` summaries, one obligation with its
deadlines and what its route shares (``obligation_detail_schema()``), and an incident's
obligations (``IncidentObligationsOut``).

No route is named here: route and outcome codes are checked against the route registry,
and the document lists them as it is made (``RouteCode``, ``OutcomeCode``); what each
route shares is its own schema (``registry.ApiShare``), gathered into the answer's schema
when the API is built, after every app has registered its routes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, Literal

from django.apps import apps
from ninja import Field, Schema
from pydantic import AfterValidator, GetJsonSchemaHandler, create_model
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from hearth.incidents.schemas import MAX_ID, MAX_PAGE, WHOLE, Day, In
from hearth.obligations import registry

MAX_NOTE = 10000


class _FromRegistry:
    """A code's JSON Schema ``enum`` (and description), read from the route registry each
    time the OpenAPI document is made, so that a route added by its app is listed."""

    def __init__(self, codes: Callable[[], list[str]], describe: Callable[[], str]) -> None:
        self.codes = codes
        self.describe = describe

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(core_schema)
        json_schema["enum"] = self.codes()
        json_schema["description"] = self.describe()
        return json_schema


def _known_route(code: str) -> str:
    if code not in registry.route_keys():
        raise ValueError("Not a route: " + ", ".join(registry.route_keys()))
    return code


def _known_outcome(code: str) -> str:
    if code not in registry.outcome_codes():
        raise ValueError("Not an outcome of any route")
    return code


def _outcomes_in_words() -> str:
    """Each route's outcome codes: "Welfare call: called, no_answer."..."""
    routes = [route for route in registry.routes() if route.outcomes]
    return " ".join(f"{route.label}: {', '.join(route.outcomes)}." for route in routes)


RouteCode = Annotated[
    str,
    AfterValidator(_known_route),
    _FromRegistry(registry.route_keys, lambda: "The route (each is one kind of duty)."),
]
OutcomeCode = Annotated[
    str,
    AfterValidator(_known_outcome),
    _FromRegistry(registry.outcome_codes, _outcomes_in_words),
]
StatusCode = Literal["created", "sent", "acknowledged", "outcome_recorded", "closed", "withdrawn"]
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
    due_today: bool = Field(
        False, description="Only those due later today (London), not yet overdue."
    )
    page: int = Field(1, ge=1, le=MAX_PAGE, description="The page; past the last, the last.")
    page_size: int = Field(
        INBOX_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="How many a page (at most 100)."
    )


class AcknowledgeIn(In):
    note: str = Field("", max_length=MAX_NOTE, description="A note for the acknowledgement.")


class OutcomeIn(In):
    """The outcome of an obligation: one of its route's outcomes (a route that records its
    outcome its own way, such as a front door's decision, takes it through its own
    action)."""

    outcome: OutcomeCode
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
    stage: str = Field(
        ..., description="send, acknowledge, decide or outcome, or a stage of the route's own"
    )
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


class SharedAdultOut(Schema):
    role: str
    person: PersonRefOut


class PastEventOut(Schema):
    on: dt.date
    agency: str


class AdultRiskOut(Schema):
    person: PersonRefOut
    grade: str = Field(..., description="The latest completed risk checklist's grade, in words.")
    score: int | None
    basis: str
    history: list[PastEventOut] = Field(
        ..., description="Earlier incidents and concerns about the victim, by any agency."
    )


class SiblingOut(Schema):
    obligation_id: int
    subject: PersonRefOut


class SharedIncidentOut(Schema):
    police_reference: str
    occurred_at: dt.datetime | None
    town: str | None = Field(..., description="Only from a route that shares the incident.")
    summary: str | None = Field(..., description="Only from a route that shares the incident.")
    abuse_types: list[str] | None = Field(
        ..., description="Only from a route that shares the incident."
    )


class SharedBaseOut(Schema):
    """What every route shares with the team it is addressed to (architecture §4); each
    route adds its own parts (``registry.ApiShare``) in ``obligation_detail_schema``."""

    incident: SharedIncidentOut
    adults: list[SharedAdultOut]
    risks: list[AdultRiskOut]
    siblings: list[SiblingOut] = Field(
        ..., description="The other children's obligations of its route and incident, to this team."
    )


class ObligationDetailBase(ObligationOut):
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


_DETAIL_SCHEMAS: dict[tuple[registry.ApiShare, ...], type[ObligationDetailBase]] = {}


def obligation_detail_schema() -> type[ObligationDetailBase]:
    """One obligation's answer (``ObligationDetailOut``), with what every registered route
    shares typed by the route's own schema: each ``ApiShare`` a field of ``shared``
    (``SharedOut``) or beside it. Made when the API is built (the routes register in their
    apps' ``ready``, before), once for each set of routes."""
    apps.check_apps_ready()
    shares = tuple(registry.api_shares())
    made = _DETAIL_SCHEMAS.get(shares)
    if made is not None:
        return made
    core = {
        registry.SHARED: set(SharedBaseOut.model_fields),
        registry.DETAIL: set(ObligationDetailBase.model_fields) | {"shared"},
    }

    def fields(place: str) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for share in shares:
            if share.place != place:
                continue
            if share.key in core[place]:
                raise registry.RouteConflict(f"A route cannot share the core's {share.key!r}")
            found[share.key] = (share.annotation, Field(..., description=share.description or None))
        return found

    shared_out = create_model(
        "SharedOut",
        __base__=SharedBaseOut,
        __doc__=(
            "What the route shares with the team it is addressed to (architecture §4): "
            "the core's parts, and each route's own (null or empty for another route's)."
        ),
        **fields(registry.SHARED),
    )
    made = create_model(
        "ObligationDetailOut",
        __base__=ObligationDetailBase,
        __doc__=ObligationDetailBase.__doc__,
        shared=(shared_out, ...),
        **fields(registry.DETAIL),
    )
    _DETAIL_SCHEMAS[shares] = made
    return made


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
