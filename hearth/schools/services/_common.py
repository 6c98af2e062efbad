"""What the schools services share: who may change them, the school day's limits, and
dates in words."""

from __future__ import annotations

import datetime as dt

import rules

from hearth.core.actor import Actor
from hearth.core.errors import NotPermitted

# A start time outside these is almost certainly a typing slip (14:45 for 08:45): English
# schools open between about 08:00 and 09:30, and a breakfast club is not the school day.
EARLIEST_DAY_START = dt.time(6, 0)
LATEST_DAY_START = dt.time(11, 0)


def long_date(day: dt.date) -> str:
    """GOV.UK style: 1 September 2025."""
    return f"{day.day} {day:%B %Y}"


def _require_manager(actor: Actor) -> None:
    if not rules.test_rule("schools.manage", actor):
        raise NotPermitted(
            "Only the Hearth service's administrators can change schools and their term dates"
        )
