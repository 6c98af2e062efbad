"""Stages, who owes them, each jurisdiction's timescales, and due times computed by the
one working-day calendar and stamped with its version."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from hearth.core import calendar
from hearth.obligations.policy.lifecycle import RULE_VERSION, Action

# --- Stages and deadlines ------------------------------------------------------------------


class Stage(StrEnum):
    SEND = "send"  # the referrer completes and sends (a MARAC referral)
    ACKNOWLEDGE = "acknowledge"
    DECIDE = "decide"
    ASSESSMENT = "assessment"
    OUTCOME = "outcome"


STAGE_LABELS = {
    Stage.SEND: "Send the referral",
    Stage.ACKNOWLEDGE: "Acknowledge",
    Stage.DECIDE: "Decide",
    Stage.ASSESSMENT: "Complete the assessment",
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
class Timescales:
    """One jurisdiction's timescales, in working days, as an area configures them."""

    jurisdiction: str = calendar.Jurisdiction.ENGLAND
    decision_working_days: int = 1
    assessment_working_days: int = 45
    marac_send_working_days: int = 1
    marac_acknowledge_working_days: int = 1
    idva_acknowledge_working_days: int = 1
    follow_up_working_days: int = 10

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
    stage: Stage
    due_at: dt.datetime
    owner: Owner
    rule: str
    rule_version: str
    basis: str  # in words: "1 working day from receipt (Working Together 2023)"
    estimated: bool = False  # no term calendar covered the day: weekdays were assumed


def stage_deadline(
    stage: Stage, start: dt.datetime, days: int, t: Timescales, owner: Owner, rule: str, what: str
) -> PlannedDeadline:
    return PlannedDeadline(
        stage=stage,
        due_at=calendar.working_day_deadline(start, days, t.jurisdiction),
        owner=owner,
        rule=rule,
        rule_version=f"{RULE_VERSION}/{calendar.CALENDAR_VERSION}",
        basis=f"{days} working day{'s' if days != 1 else ''} from {what} ({t.source})",
    )
