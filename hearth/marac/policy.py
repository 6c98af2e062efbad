"""MARAC meetings' pure rules: plain data in, plain data out (no ORM).

Sources (../shared/docs/domain.md):

- §2.4: a referral is added to a meeting's agenda by the MARAC coordinator; at the meeting
  agencies share what they know and agree "an action plan with named agency owners";
  responsibility for each action stays with the agency that owns it. So a case is heard
  only with attendance, the risks discussed and at least one action
  (``hear_problems``), and each action is owned by a team of an agency in the MARAC's
  area, with a due date that has not passed and its words (``action_problems``).
- §2.2: a repeat referral (SafeLives: any instance of abuse between the same victim and
  perpetrator within 12 months of the last referral) is marked as such on the agenda; the
  referral carries the criteria met (``hearth.risk.policy``: ``"repeat"``), so
  ``is_repeat`` reads it from there and never decides it again.
- MARAC-ACTION-1 v1 (issue 14 §3): each action is an obligation in the ledger, addressed
  to its owner team, about the person it is for, its outcome due by the end of its due
  date in Europe/London (``action_deadline``), with one key per case and action number
  (``action_key``) so that planning it again creates nothing twice (``action_plans``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from hearth.core import calendar
from hearth.obligations.policy import Owner, PlannedDeadline, PlannedObligation, Stage

ACTION_ROUTE = "marac_action"
ACTION_RULE = "MARAC-ACTION-1"
RULE_VERSION = "1"

# A case's risks, a note and an action's words are short free text: bounded so that a
# page and the API refuse the same.
MAX_TEXT = 4000
MAX_PLACE = 200
# The most actions one case takes in one hearing (the form shows rows as asked).
MAX_ACTIONS = 30


class MeetingStatus(StrEnum):
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"


MEETING_STATUS_LABELS: Mapping[str, str] = {
    MeetingStatus.SCHEDULED: "Scheduled",
    MeetingStatus.HELD: "Held",
    MeetingStatus.CANCELLED: "Cancelled",
}


class MeetingFormat(StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    BOTH = "both"


MEETING_FORMAT_LABELS: Mapping[str, str] = {
    MeetingFormat.IN_PERSON: "In person",
    MeetingFormat.ONLINE: "Online",
    MeetingFormat.BOTH: "In person and online",
}


class CaseStatus(StrEnum):
    ON_AGENDA = "on_agenda"  # waiting to be heard at its meeting
    HEARD = "heard"
    DEFERRED = "deferred"  # moved to a later meeting before it was heard
    REMOVED = "removed"  # taken off the agenda (or its meeting cancelled)


CASE_STATUS_LABELS: Mapping[str, str] = {
    CaseStatus.ON_AGENDA: "Not heard yet",
    CaseStatus.HEARD: "Heard",
    CaseStatus.DEFERRED: "Moved to a later meeting",
    CaseStatus.REMOVED: "Taken off the agenda",
}

# A referral has at most one case in these (a constraint on ``MaracCase``).
OPEN_CASE_STATUSES = (CaseStatus.ON_AGENDA, CaseStatus.HEARD)


class ActionFor(StrEnum):
    """Whom an action is for (Safe & Together: the adult victim, each child, and the person
    causing harm, whose behaviour the plan also addresses)."""

    VICTIM = "victim"
    CHILD = "child"
    PERPETRATOR = "perpetrator"


ACTION_FOR_LABELS: Mapping[str, str] = {
    ActionFor.VICTIM: "The adult victim",
    ActionFor.CHILD: "A child in the household",
    ActionFor.PERPETRATOR: "The person causing harm",
}


class ActionOutcome(StrEnum):
    DONE = "done"
    NOT_DONE = "not_done"
    NO_LONGER_NEEDED = "no_longer_needed"


ACTION_OUTCOME_LABELS: Mapping[str, str] = {
    ActionOutcome.DONE: "Done",
    ActionOutcome.NOT_DONE: "Not done (say why)",
    ActionOutcome.NO_LONGER_NEEDED: "No longer needed",
}
NOT_DONE_NOTE = "Enter why the action was not done"


def is_repeat(criteria: Sequence[str]) -> bool:
    """A repeat referral (domain.md §2.2): the referral met the ``repeat`` criterion, as
    ``hearth.risk.policy.marac_criteria`` decided it when the referral was made."""
    return "repeat" in criteria


def outcome_problems(outcome: str, note: str) -> dict[str, list[str]]:
    """An action's outcome: one of its three, and why when it was not done."""
    if outcome not in {o.value for o in ActionOutcome}:
        return {"outcome": ["Select the outcome"]}
    if outcome == ActionOutcome.NOT_DONE and not note.strip():
        return {"note": [NOT_DONE_NOTE]}
    return {}


# --- Meetings --------------------------------------------------------------------------


def meeting_problems(
    *, held_on: dt.date | None, starts_at: dt.time | None, fmt: str, place: str, today: dt.date
) -> dict[str, list[str]]:
    """A meeting is scheduled for today or later, at a time, in person, online or both."""
    errors: dict[str, list[str]] = {}
    if held_on is None:
        errors["held_on"] = ["Enter the date of the meeting"]
    elif held_on < today:
        errors["held_on"] = ["The date of the meeting must be today or in the future"]
    if starts_at is None:
        errors["starts_at"] = ["Enter the time the meeting starts"]
    if fmt not in {f.value for f in MeetingFormat}:
        errors["format"] = ["Select how the meeting is held"]
    if len(place) > MAX_PLACE:
        errors["place"] = [f"Where or how it is held must be {MAX_PLACE} characters or fewer"]
    return errors


# --- Hearing a case ----------------------------------------------------------------------


@dataclass(frozen=True)
class ActionIn:
    """One action of a case's plan as the coordinator gave it."""

    for_person_id: int | None
    owner_team_id: int | None
    words: str
    due_on: dt.date | None


@dataclass(frozen=True)
class Household:
    """Whom the case's actions may be for: the adult victim, the household's children
    and the incident's alleged perpetrators."""

    victim_id: int
    child_ids: tuple[int, ...]
    perpetrator_ids: tuple[int, ...]

    def role_of(self, person_id: int) -> ActionFor | None:
        if person_id == self.victim_id:
            return ActionFor.VICTIM
        if person_id in self.child_ids:
            return ActionFor.CHILD
        if person_id in self.perpetrator_ids:
            return ActionFor.PERPETRATOR
        return None


def action_problems(
    action: ActionIn, *, today: dt.date, household: Household, team_ids: Collection[int]
) -> dict[str, str]:
    """What is wrong with one action, by field: whom it is for (someone of the household
    or the person causing harm), its owner team (an active team of an agency in the
    MARAC's area: ``team_ids``), what must be done, and a due date today or later."""
    errors: dict[str, str] = {}
    if action.for_person_id is None:
        errors["for_person"] = "Select who the action is for"
    elif household.role_of(action.for_person_id) is None:
        errors["for_person"] = "Select someone of the household or the person causing harm"
    if action.owner_team_id is None:
        errors["owner_team"] = "Select the team that owns the action"
    elif action.owner_team_id not in team_ids:
        errors["owner_team"] = "Select an active team of an agency in the MARAC's area"
    if not action.words.strip():
        errors["words"] = "Enter what must be done"
    elif len(action.words) > MAX_TEXT:
        errors["words"] = f"What must be done must be {MAX_TEXT} characters or fewer"
    if action.due_on is None:
        errors["due_on"] = "Enter the date the action is due"
    elif action.due_on < today:
        errors["due_on"] = "The date the action is due must be today or in the future"
    return errors


def is_blank(action: ActionIn) -> bool:
    """A row of the form left empty (the page shows spare rows): not an action."""
    return (
        action.for_person_id is None
        and action.owner_team_id is None
        and not action.words.strip()
        and action.due_on is None
    )


def hear_problems(
    *,
    attended_agency_ids: Collection[int],
    area_agency_ids: Collection[int],
    risks: str,
    child_ids: Collection[int],
    household: Household,
    unconfirmed_reason: str,
    actions: Sequence[ActionIn],
    today: dt.date,
    team_ids: Collection[int],
) -> dict[str, list[str]]:
    """Why a case cannot be recorded as heard, by field (``actions.<n>.<field>`` for each
    action, numbered from 0 as given). A case is heard with an action plan (domain.md
    §2.4): at least one action; who attended, from the area's agencies; the risks
    discussed; the household's children confirmed, and why when one is not."""
    errors: dict[str, list[str]] = {}
    if not attended_agency_ids:
        errors["attended_agency_ids"] = ["Select the agencies that attended for this case"]
    elif set(attended_agency_ids) - set(area_agency_ids):
        errors["attended_agency_ids"] = ["Select agencies in the MARAC's area"]
    if not risks.strip():
        errors["risks"] = ["Enter the risks discussed"]
    elif len(risks) > MAX_TEXT:
        errors["risks"] = [f"The risks discussed must be {MAX_TEXT} characters or fewer"]
    if set(child_ids) - set(household.child_ids):
        errors["child_ids"] = ["Select only the children of the household"]
    elif set(household.child_ids) - set(child_ids) and not unconfirmed_reason.strip():
        errors["unconfirmed_reason"] = [
            "Enter why a child of the household was not confirmed at the meeting"
        ]
    given = [a for a in actions if not is_blank(a)]
    if not given:
        errors["actions"] = ["A case is heard with an action plan: add at least one action"]
    elif len(given) > MAX_ACTIONS:
        errors["actions"] = [f"Record at most {MAX_ACTIONS} actions for one case"]
    for index, action in enumerate(actions):
        if is_blank(action):
            continue
        for name, message in action_problems(
            action, today=today, household=household, team_ids=team_ids
        ).items():
            errors[f"actions.{index}.{name}"] = [message]
    return errors


# --- MARAC-ACTION-1: each action an obligation ----------------------------------------------


def action_key(case_id: int, number: int) -> str:
    """One obligation per case and action number: planning again creates nothing twice."""
    return f"{ACTION_RULE}:case:{case_id}:action:{number}"


def action_deadline(due_on: dt.date, meeting_on: dt.date) -> PlannedDeadline:
    """The outcome is due by the end of the due date, in Europe/London (the date the
    meeting agreed, not working days: the MARAC sets it for each action)."""
    return PlannedDeadline(
        stage=Stage.OUTCOME,
        due_at=calendar.end_of_day(due_on),
        owner=Owner.RECIPIENT,
        rule=ACTION_RULE,
        rule_version=RULE_VERSION,
        basis=f"By the end of {due_on:%-d %B %Y}, as agreed at the MARAC meeting on "
        f"{meeting_on:%-d %B %Y}",
    )


@dataclass(frozen=True)
class PlannedAction:
    """An action recorded for a case, to become an obligation."""

    action_id: int
    number: int  # 1, 2, ... within the case
    for_person_id: int
    for_role: str  # an ``ActionFor``
    owner_team_id: int
    due_on: dt.date


@dataclass(frozen=True)
class CaseHeard:
    """The case whose actions are planned: where they come from and who refers them."""

    case_id: int
    meeting_id: int
    meeting_on: dt.date
    incident_id: int
    marac_agency_id: int
    marac_team_id: int


def action_plans(
    case: CaseHeard, actions: Sequence[PlannedAction]
) -> tuple[PlannedObligation, ...]:
    """MARAC-ACTION-1 v1: each action an obligation to its owner team, about the person it
    is for, from the referral's incident, sent at once, referred by the MARAC team."""
    return tuple(
        PlannedObligation(
            key=action_key(case.case_id, action.number),
            route=ACTION_ROUTE,
            subject_id=action.for_person_id,
            team_id=action.owner_team_id,
            incident_id=case.incident_id,
            rule=ACTION_RULE,
            rule_version=RULE_VERSION,
            reason=f"An action agreed at the MARAC meeting on {case.meeting_on:%-d %B %Y} "
            f"for {ACTION_FOR_LABELS[action.for_role].lower()}",
            send_now=True,
            deadlines=(action_deadline(action.due_on, case.meeting_on),),
            data={
                "case_id": case.case_id,
                "meeting_id": case.meeting_id,
                "action_id": action.action_id,
                "for": action.for_role,
            },
            referrer_agency_id=case.marac_agency_id,
            referrer_team_id=case.marac_team_id,
        )
        for action in actions
    )
