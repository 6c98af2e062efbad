"""Statuses, actions and the transition table: the life of every obligation, whatever
its route (each route's outcomes are its own, in its app)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from hearth.core.errors import InvalidTransition

RULE_VERSION = "1"


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
