"""Routes, statuses and the transition table, and each route's outcomes (see the package
docstring for the sources)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from hearth.core.errors import InvalidTransition

RULE_VERSION = "1"


class Route(StrEnum):
    CHILD_CONCERN = "child_concern_notification"
    MARAC_REFERRAL = "marac_referral"
    IDVA_REFERRAL = "idva_referral"
    CHILD_FOLLOW_UP = "child_follow_up"


ROUTE_LABELS = {
    Route.CHILD_CONCERN: "Child concern notification",
    Route.MARAC_REFERRAL: "MARAC referral",
    Route.IDVA_REFERRAL: "IDVA referral",
    Route.CHILD_FOLLOW_UP: "Child follow-up",
}

# The rule that creates each route's obligations (shown to users with the version).
ROUTE_RULES = {
    Route.CHILD_CONCERN: "CCN-1",
    Route.MARAC_REFERRAL: "MARAC-REF-1",
    Route.IDVA_REFERRAL: "IDVA-1",
    Route.CHILD_FOLLOW_UP: "FOLLOW-UP-1",
}

# Routes whose subject is a child (the others are owed to an adult victim).
CHILD_ROUTES = frozenset({Route.CHILD_CONCERN, Route.CHILD_FOLLOW_UP})


# --- The lifecycle --------------------------------------------------------------------------


class Status(StrEnum):
    CREATED = "created"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    OUTCOME_RECORDED = "outcome_recorded"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


STATUS_LABELS = {
    Status.CREATED: "Ready to send",
    Status.SENT: "Sent",
    Status.ACKNOWLEDGED: "Acknowledged",
    Status.OUTCOME_RECORDED: "Outcome recorded",
    Status.CLOSED: "Closed",
    Status.WITHDRAWN: "Withdrawn",
}

ENDED = frozenset({Status.CLOSED, Status.WITHDRAWN})


class Action(StrEnum):
    SEND = "send"
    ACKNOWLEDGE = "acknowledge"
    REDIRECT = "redirect"
    RECORD_OUTCOME = "record_outcome"
    CLOSE = "close"
    WITHDRAW = "withdraw"


_OPEN = (Status.CREATED, Status.SENT, Status.ACKNOWLEDGED, Status.OUTCOME_RECORDED)

# (from, action) -> to. Redirecting keeps the obligation's history and clock: it is sent
# again, to the new team, which must acknowledge it.
TRANSITIONS: Mapping[tuple[Status, Action], Status] = {
    (Status.CREATED, Action.SEND): Status.SENT,
    (Status.SENT, Action.ACKNOWLEDGE): Status.ACKNOWLEDGED,
    (Status.SENT, Action.REDIRECT): Status.SENT,
    (Status.ACKNOWLEDGED, Action.REDIRECT): Status.SENT,
    (Status.ACKNOWLEDGED, Action.RECORD_OUTCOME): Status.OUTCOME_RECORDED,
    (Status.OUTCOME_RECORDED, Action.RECORD_OUTCOME): Status.OUTCOME_RECORDED,
    (Status.OUTCOME_RECORDED, Action.CLOSE): Status.CLOSED,
    **{(status, Action.WITHDRAW): Status.WITHDRAWN for status in _OPEN},
}


def next_status(status: str, action: str) -> Status:
    """The status after ``action``, or ``InvalidTransition`` in plain words."""
    try:
        return TRANSITIONS[(Status(status), Action(action))]
    except KeyError:
        raise InvalidTransition(
            f"An obligation that is {STATUS_LABELS[Status(status)].lower()} cannot be "
            f"{_ACTION_WORDS[Action(action)]}"
        ) from None


_ACTION_WORDS = {
    Action.SEND: "sent",
    Action.ACKNOWLEDGE: "acknowledged",
    Action.REDIRECT: "redirected",
    Action.RECORD_OUTCOME: "given an outcome",
    Action.CLOSE: "closed",
    Action.WITHDRAW: "withdrawn",
}


# --- Outcomes ----------------------------------------------------------------------------


class Decision(StrEnum):
    """The front door's decision on a child concern notification (domain.md §4.2, §10.1 W5)."""

    NO_FURTHER_ACTION = "no_further_action"
    INFORMATION_AND_ADVICE = "information_and_advice"
    EARLY_HELP = "early_help"
    CHILD_IN_NEED_ASSESSMENT = "child_in_need_assessment"
    STRATEGY_DISCUSSION = "strategy_discussion"
    IMMEDIATE_PROTECTION = "immediate_protection"


DECISION_LABELS = {
    Decision.NO_FURTHER_ACTION: "No further action",
    Decision.INFORMATION_AND_ADVICE: "Information and advice",
    Decision.EARLY_HELP: "Early help",
    Decision.CHILD_IN_NEED_ASSESSMENT: "Child and family assessment (child in need, s.17)",
    Decision.STRATEGY_DISCUSSION: "Strategy discussion and s.47 enquiry",
    Decision.IMMEDIATE_PROTECTION: "Immediate protection",
}

# Decisions that start a child and family assessment, with its own 45-working-day clock.
# Immediate protection is followed by a strategy discussion and s.47 enquiries (§4.2).
ASSESSMENT_DECISIONS = frozenset(
    {
        Decision.CHILD_IN_NEED_ASSESSMENT,
        Decision.STRATEGY_DISCUSSION,
        Decision.IMMEDIATE_PROTECTION,
    }
)
# Decisions after which the front door's part ends with the decision itself.
CLOSING_DECISIONS = frozenset(
    {Decision.NO_FURTHER_ACTION, Decision.INFORMATION_AND_ADVICE, Decision.EARLY_HELP}
)

# CIN census "factors identified at the end of assessment" (domain.md §7.1; DfE code list).
ASSESSMENT_FACTORS: Mapping[str, str] = {
    "1A": "Alcohol misuse: the child",
    "1B": "Alcohol misuse: a parent or carer",
    "1C": "Alcohol misuse: another person in the household",
    "2A": "Drug misuse: the child",
    "2B": "Drug misuse: a parent or carer",
    "2C": "Drug misuse: another person in the household",
    "3A": "Domestic abuse: the child is the subject",
    "3B": "Domestic abuse: a parent or carer is the subject",
    "3C": "Domestic abuse: another person in the household is the subject",
    "4A": "Mental health: the child",
    "4B": "Mental health: a parent or carer",
    "4C": "Mental health: another person in the household",
    "5A": "Learning disability: the child",
    "5B": "Learning disability: a parent or carer",
    "5C": "Learning disability: another person in the household",
    "6A": "Physical disability or illness: the child",
    "6B": "Physical disability or illness: a parent or carer",
    "6C": "Physical disability or illness: another person in the household",
    "7A": "Young carer",
    "8B": "Privately fostered: overseas child intending to return",
    "8C": "Privately fostered: overseas child intending to stay",
    "8D": "Privately fostered: UK child in education or training",
    "8E": "Privately fostered: UK child, parents cannot care",
    "8F": "Privately fostered: other",
    "9A": "Unaccompanied asylum-seeking child",
    "10A": "Going or being missing",
    "11A": "Child sexual exploitation",
    "12A": "Trafficking",
    "13A": "Gangs",
    "14A": "Socially unacceptable behaviour",
    "15A": "Self-harm",
    "16A": "Neglect",
    "17A": "Emotional abuse",
    "18B": "Physical abuse: child on child",
    "18C": "Physical abuse: adult on child",
    "19B": "Sexual abuse: child on child",
    "19C": "Sexual abuse: adult on child",
    "20": "Other",
    "21": "No factors identified",
    "22A": "Female genital mutilation",
    "23A": "Abuse linked to faith or belief",
    "24A": "Child criminal exploitation",
}


def assessment_factor_problems(codes: Sequence[str]) -> list[str]:
    """What is wrong with a set of factors (CIN census rules: known codes; ``21`` "no
    factors identified" must be the only code)."""
    problems = [
        f"{code} is not a CIN assessment factor code"
        for code in codes
        if code not in ASSESSMENT_FACTORS
    ]
    if not codes:
        problems.append("Choose the factors identified at the end of the assessment")
    elif "21" in codes and len(codes) > 1:
        problems.append("'No factors identified' cannot be chosen with other factors")
    return problems


class IdvaOutcome(StrEnum):
    ENGAGED = "engaged"
    DECLINED = "declined"
    UNABLE_TO_CONTACT = "unable_to_contact"


IDVA_OUTCOME_LABELS = {
    IdvaOutcome.ENGAGED: "The victim is being supported",
    IdvaOutcome.DECLINED: "The victim declined support",
    IdvaOutcome.UNABLE_TO_CONTACT: "Could not contact the victim safely",
}


class MaracOutcome(StrEnum):
    HEARD = "heard"
    NOT_ACCEPTED = "not_accepted"
    TRANSFERRED = "transferred"


MARAC_OUTCOME_LABELS = {
    MaracOutcome.HEARD: "Heard at MARAC, with an action plan",
    MaracOutcome.NOT_ACCEPTED: "Not accepted: does not meet the criteria",
    MaracOutcome.TRANSFERRED: "Transferred to another MARAC",
}


class FollowUpOutcome(StrEnum):
    SAFE_AND_SUPPORTED = "safe_and_supported"
    REFERRED_ON = "referred_on"


FOLLOW_UP_OUTCOME_LABELS = {
    FollowUpOutcome.SAFE_AND_SUPPORTED: "Child seen: safety and support confirmed",
    FollowUpOutcome.REFERRED_ON: "Child seen: concerns, referred on for help",
}


OUTCOMES: Mapping[Route, Mapping[Any, str]] = {
    Route.CHILD_CONCERN: DECISION_LABELS,
    Route.IDVA_REFERRAL: IDVA_OUTCOME_LABELS,
    Route.MARAC_REFERRAL: MARAC_OUTCOME_LABELS,
    Route.CHILD_FOLLOW_UP: FOLLOW_UP_OUTCOME_LABELS,
}


def outcome_label(route: str, outcome: str) -> str:
    return OUTCOMES[Route(route)].get(outcome, outcome)


def closes_with_outcome(route: str, outcome: str) -> bool:
    """Whether recording ``outcome`` ends the obligation at once. A front-door decision to
    assess keeps it open until the assessment is complete; everything else closes."""
    if Route(route) == Route.CHILD_CONCERN:
        return Decision(outcome) in CLOSING_DECISIONS
    return True
