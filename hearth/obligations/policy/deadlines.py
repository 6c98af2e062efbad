"""Stages, who owes them, each jurisdiction's timescales, and due times computed by the
one working-day calendar and stamped with its version."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from hearth.core import calendar
from hearth.obligations.policy.lifecycle import RULE_VERSION, Action

# --- Stages and deadlines ------------------------------------------------------------------


class Stage(StrEnum):
    """The stages every route may use; a route adds its own (``Route.stages``: a stored
    stage is a string of at most 20 characters)."""

    SEND = "send"  # the referrer completes and sends what waits for it
    ACKNOWLEDGE = "acknowledge"
    DECIDE = "decide"
    OUTCOME = "outcome"


STAGE_LABELS: Mapping[str, str] = {
    Stage.SEND: "Send the referral",
    Stage.ACKNOWLEDGE: "Acknowledge",
    Stage.DECIDE: "Decide",
    Stage.OUTCOME: "Record the outcome",
}

# Which action meets a stage's deadline.
STAGE_MET_BY: Mapping[Stage, Action] = {
    Stage.SEND: Action.SEND,
    Stage.ACKNOWLEDGE: Action.ACKNOWLEDGE,
    Stage.DECIDE: Action.RECORD_OUTCOME,
    Stage.OUTCOME: Action.RECORD_OUTCOME,
}


class Owner(StrEnum):
    RECIPIENT = "recipient"  # the team the obligation is addressed to
    REFERRER = "referrer"  # the team that made the referral


@dataclass(frozen=True)
class DaysSetting:
    """One of a route's per-area timescales, in working days (declared by the route as
    ``Route.settings``; the core keeps each area's value by ``name``, unique among every
    route's): its words on the area's settings page (``label``, ``hint``, and ``what`` for
    errors: "the working days to ..."), ``short`` for the list of areas ("decide within"),
    its least and greatest value, its default, and the ``legend`` it is grouped under."""

    name: str
    label: str
    hint: str
    what: str
    short: str
    default: int
    least: int
    most: int
    legend: str


@dataclass(frozen=True)
class Timescales:
    """One jurisdiction's timescales, in working days, as an area configures them: each
    route's own by setting name (``days`` gives a setting's default when the area has not
    set it)."""

    jurisdiction: str = calendar.Jurisdiction.ENGLAND
    route_days: Mapping[str, int] = field(default_factory=dict, hash=False)

    def days(self, setting: DaysSetting) -> int:
        return self.route_days.get(setting.name, setting.default)

    @property
    def source(self) -> str:
        if self.jurisdiction == calendar.Jurisdiction.WALES:
            return "Wales Safeguarding Procedures (local profile)"
        return "Working Together to Safeguard Children 2023"


ENGLAND = Timescales()
# Wales's own timescales were not retrieved (domain.md §4.3): England's figures are the
# default of a separate profile that a Welsh area sets for itself.
WALES = Timescales(jurisdiction=calendar.Jurisdiction.WALES)


@dataclass(frozen=True)
class PlannedDeadline:
    stage: str  # a ``Stage``, or a route's own
    due_at: dt.datetime
    owner: Owner
    rule: str
    rule_version: str
    basis: str  # in words: "1 working day from receipt (Working Together 2023)"
    estimated: bool = False  # no term calendar covered the day: weekdays were assumed


def stage_deadline(
    stage: str, start: dt.datetime, days: int, t: Timescales, owner: Owner, rule: str, what: str
) -> PlannedDeadline:
    return PlannedDeadline(
        stage=stage,
        due_at=calendar.working_day_deadline(start, days, t.jurisdiction),
        owner=owner,
        rule=rule,
        rule_version=f"{RULE_VERSION}/{calendar.CALENDAR_VERSION}",
        basis=f"{days} working day{'s' if days != 1 else ''} from {what} ({t.source})",
    )
