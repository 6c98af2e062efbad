"""The escalation ladder the sweeper climbs for a missed deadline, and time left in words."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from hearth.core import calendar, clock

# --- The escalation ladder ---------------------------------------------------------------


class Step(StrEnum):
    """What the sweeper does to a missed deadline, in order, each exactly once."""

    OVERDUE = "overdue"
    REMINDER = "reminder"
    MANAGER = "manager"
    ESCALATION_TEAM = "escalation_team"


STEP_LABELS = {
    Step.OVERDUE: "Marked overdue",
    Step.REMINDER: "Reminder sent to the team",
    Step.MANAGER: "Escalated to the team's manager",
    Step.ESCALATION_TEAM: "Escalated to the escalation team",
}


@dataclass(frozen=True)
class Ladder:
    """When each step falls due after a missed deadline: the team is reminded at once; the
    team's manager hears at the start of the next working day (``manager_after`` working
    days later, at ``working_day_starts``); the named escalation team a working day after
    that."""

    reminder_after: dt.timedelta = dt.timedelta(0)
    manager_after_working_days: int = 1
    team_after_working_days: int = 2
    working_day_starts: dt.time = dt.time(9, 0)
    # A ladder measured in hours instead (a route whose duty runs within the day).
    manager_after: dt.timedelta | None = None
    team_after: dt.timedelta | None = None


LADDER = Ladder()


def step_due_at(
    step: Step,
    due_at: dt.datetime,
    ladder: Ladder = LADDER,
    jurisdiction: str = calendar.Jurisdiction.ENGLAND,
) -> dt.datetime:
    if step == Step.OVERDUE:
        return due_at
    if step == Step.REMINDER:
        return due_at + ladder.reminder_after
    hours = ladder.manager_after if step == Step.MANAGER else ladder.team_after
    if hours is not None:
        return due_at + hours
    days = (
        ladder.manager_after_working_days
        if step == Step.MANAGER
        else ladder.team_after_working_days
    )
    day = calendar.add_working_days(calendar.local_date(due_at), days, jurisdiction)
    return dt.datetime.combine(day, ladder.working_day_starts, tzinfo=clock.LONDON)


def steps_due(
    *,
    due_at: dt.datetime,
    now: dt.datetime,
    done: frozenset[Step],
    ladder: Ladder = LADDER,
    jurisdiction: str = calendar.Jurisdiction.ENGLAND,
) -> list[Step]:
    """The steps that have fallen due by ``now`` and are not yet done, in ladder order."""
    return [
        step
        for step in Step
        if step not in done and step_due_at(step, due_at, ladder, jurisdiction) <= now
    ]


def time_left_words(due_at: dt.datetime, now: dt.datetime) -> str:
    """The time left (or overdue) in plain words, for inboxes."""
    delta = due_at - now
    late = delta.total_seconds() < 0
    seconds = abs(int(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours = rest // 3600
    minutes = (rest % 3600) // 60
    if days:
        amount = f"{days} day{'s' if days != 1 else ''}" + (
            f" {hours} hour{'s' if hours != 1 else ''}" if hours else ""
        )
    elif hours:
        amount = f"{hours} hour{'s' if hours != 1 else ''}"
    else:
        amount = f"{max(minutes, 1)} minute{'s' if minutes != 1 else ''}"
    return f"Overdue by {amount}" if late else f"{amount} left"
