"""The whole-family plan's rules (issue 14 §2; domain.md §11.3 and §6.3). Pure: plain data
in, plain data out; no database.

- **Lifecycle** (FAMILY-PLAN-1 v1): a plan is opened (a lead team, at least one child
  and the family's agreement, or why it was not sought, and a safe-contact note), then
  reviewed any number of times, then closed with a reason. A closed plan changes no more.
- **Reviews** (FAMILY-REVIEW-1 v1, domain.md §11.3 "cadence to reuse"): the first meeting
  within 10 working days of opening, the first review within 3 months of opening, each
  later review at most 6 months after the one before. Each area may change the three
  numbers (``Schedule``).
- **Actions** (FAMILY-ACTION-1 v1): each action is an obligation to its owner team, its
  outcome due by the end of its due date; "not done" needs a note.
- **Sharing** (domain.md §11.3, §9.4): the lead team sees the whole plan; a team owning an
  action sees the members' names and roles, the safe-contact note, and the goals,
  supports and actions of the members its actions are for. The person causing harm's
  section and the adult victim's safety planning are withheld from any team without an
  action for that member. What is withheld is counted, never named.
- **Support starting** (FOLLOW-UP-1 generalised, issue 14 §4): an adult victim's support
  of kind housing, refuge placement or specialist adult service marked started, or an
  action for the adult victim acknowledged, is the adult's support starting.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum

from hearth.core import calendar

RULE_VERSION = "1"
PLAN_RULE = "FAMILY-PLAN-1"
ACTION_ROUTE = "family_action"
ACTION_RULE = "FAMILY-ACTION-1"
REVIEW_ROUTE = "family_review"
REVIEW_RULE = "FAMILY-REVIEW-1"

# --- Who is in the plan ---------------------------------------------------------------------


class Role(StrEnum):
    ADULT_VICTIM = "adult_victim"
    CHILD = "child"
    PERSON_CAUSING_HARM = "person_causing_harm"
    OTHER_ADULT = "other_adult"


ROLE_LABELS: Mapping[Role, str] = {
    Role.ADULT_VICTIM: "Adult victim",
    Role.CHILD: "Child",
    Role.PERSON_CAUSING_HARM: "Person causing harm",
    Role.OTHER_ADULT: "Other adult",
}

# The order the members' sections are shown side by side.
ROLE_ORDER: Mapping[Role, int] = {
    Role.ADULT_VICTIM: 0,
    Role.CHILD: 1,
    Role.PERSON_CAUSING_HARM: 2,
    Role.OTHER_ADULT: 3,
}


class OpenedFrom(StrEnum):
    FRONT_DOOR = "front_door"
    MARAC = "marac"
    IDVA = "idva"
    AGENCY = "agency"


OPENED_FROM_LABELS: Mapping[OpenedFrom, str] = {
    OpenedFrom.FRONT_DOOR: "A front door decision",
    OpenedFrom.MARAC: "A MARAC meeting",
    OpenedFrom.IDVA: "An IDVA's support",
    OpenedFrom.AGENCY: "An agency working with the family",
}


class Agreement(StrEnum):
    AGREED = "agreed"
    NOT_AGREED = "not_agreed"
    NOT_SOUGHT = "not_sought"


AGREEMENT_LABELS: Mapping[Agreement, str] = {
    Agreement.AGREED: "The family agreed to the plan",
    Agreement.NOT_AGREED: "The family did not agree",
    Agreement.NOT_SOUGHT: "Agreement was not sought",
}


class PlanStatus(StrEnum):
    OPEN = "open"
    REVIEWED = "reviewed"
    CLOSED = "closed"


PLAN_STATUS_LABELS: Mapping[PlanStatus, str] = {
    PlanStatus.OPEN: "Open",
    PlanStatus.REVIEWED: "Open (reviewed)",
    PlanStatus.CLOSED: "Closed",
}


class Step(StrEnum):
    REVIEW = "review"
    CLOSE = "close"


class CloseReason(StrEnum):
    GOALS_MET = "goals_met"
    STEPPED_UP = "stepped_up"
    MOVED_AWAY = "moved_away"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    OTHER = "other"


CLOSE_REASON_LABELS: Mapping[CloseReason, str] = {
    CloseReason.GOALS_MET: "The plan's goals were met",
    CloseReason.STEPPED_UP: "Stepped up to child protection",
    CloseReason.MOVED_AWAY: "The family moved away",
    CloseReason.CONSENT_WITHDRAWN: "The family withdrew its agreement",
    CloseReason.OTHER: "Another reason",
}

# --- Support, goals, actions, reviews --------------------------------------------------------


class SupportKind(StrEnum):
    IDVA = "idva"
    SAFETY_PLANNING = "safety_planning"
    HOUSING = "housing"
    LEGAL_PROTECTION = "legal_protection"
    REFUGE = "refuge"
    SPECIALIST_ADULT = "specialist_adult"
    CHILD_SPECIALIST = "child_specialist"
    SCHOOL = "school"
    CHILDRENS_SERVICES = "childrens_services"
    HEALTH = "health"
    BEHAVIOUR_CHANGE = "behaviour_change"
    POLICE_ACTION = "police_action"
    PROTECTIVE_ORDER = "protective_order"


SUPPORT_LABELS: Mapping[SupportKind, str] = {
    SupportKind.IDVA: "IDVA support",
    SupportKind.SAFETY_PLANNING: "Safety planning",
    SupportKind.HOUSING: "Housing",
    SupportKind.LEGAL_PROTECTION: "Legal protection",
    SupportKind.REFUGE: "Refuge placement",
    SupportKind.SPECIALIST_ADULT: "Specialist adult service",
    SupportKind.CHILD_SPECIALIST: "Specialist support",
    SupportKind.SCHOOL: "School support (Operation Encompass)",
    SupportKind.CHILDRENS_SERVICES: "Children's services involvement",
    SupportKind.HEALTH: "Health",
    SupportKind.BEHAVIOUR_CHANGE: "Behaviour-change programme",
    SupportKind.POLICE_ACTION: "Police action",
    SupportKind.PROTECTIVE_ORDER: "Protective order",
}

# Which kinds of support each member may have (issue 14 §2): Safe & Together, partner with
# the non-abusing parent, keep the child safe, intervene with the person causing harm.
KINDS_FOR_ROLE: Mapping[Role, tuple[SupportKind, ...]] = {
    Role.ADULT_VICTIM: (
        SupportKind.IDVA,
        SupportKind.SAFETY_PLANNING,
        SupportKind.HOUSING,
        SupportKind.LEGAL_PROTECTION,
        SupportKind.REFUGE,
        SupportKind.SPECIALIST_ADULT,
    ),
    Role.CHILD: (
        SupportKind.CHILD_SPECIALIST,
        SupportKind.SCHOOL,
        SupportKind.CHILDRENS_SERVICES,
        SupportKind.HEALTH,
    ),
    Role.PERSON_CAUSING_HARM: (
        SupportKind.BEHAVIOUR_CHANGE,
        SupportKind.POLICE_ACTION,
        SupportKind.PROTECTIVE_ORDER,
    ),
    Role.OTHER_ADULT: (SupportKind.HOUSING, SupportKind.HEALTH),
}

# An adult victim's support of these kinds, once started, is the adult's support starting.
STARTS_ADULT_SUPPORT: frozenset[SupportKind] = frozenset(
    {SupportKind.HOUSING, SupportKind.REFUGE, SupportKind.SPECIALIST_ADULT}
)
SUPPORT_SOURCE = "family_plan_support"
ACTION_SOURCE = "family_plan_action"


class SupportStatus(StrEnum):
    PLANNED = "planned"
    STARTED = "started"
    ENDED = "ended"


SUPPORT_STATUS_LABELS: Mapping[SupportStatus, str] = {
    SupportStatus.PLANNED: "Planned",
    SupportStatus.STARTED: "Started",
    SupportStatus.ENDED: "Ended",
}


class GoalStatus(StrEnum):
    WORKING = "working"
    MET = "met"
    NOT_NEEDED = "not_needed"


GOAL_STATUS_LABELS: Mapping[GoalStatus, str] = {
    GoalStatus.WORKING: "Working towards it",
    GoalStatus.MET: "Met",
    GoalStatus.NOT_NEEDED: "No longer needed",
}


class Progress(StrEnum):
    MET = "met"
    SOME = "some"
    NONE = "none"
    NOT_NEEDED = "not_needed"


PROGRESS_LABELS: Mapping[Progress, str] = {
    Progress.MET: "Met",
    Progress.SOME: "Some progress",
    Progress.NONE: "No progress yet",
    Progress.NOT_NEEDED: "No longer needed",
}

# The goal's status after a review's progress on it.
GOAL_STATUS_AFTER: Mapping[Progress, GoalStatus] = {
    Progress.MET: GoalStatus.MET,
    Progress.SOME: GoalStatus.WORKING,
    Progress.NONE: GoalStatus.WORKING,
    Progress.NOT_NEEDED: GoalStatus.NOT_NEEDED,
}


class ActionOutcome(StrEnum):
    DONE = "done"
    NOT_DONE = "not_done"
    NOT_NEEDED = "not_needed"


ACTION_OUTCOME_LABELS: Mapping[ActionOutcome, str] = {
    ActionOutcome.DONE: "Done",
    ActionOutcome.NOT_DONE: "Not done",
    ActionOutcome.NOT_NEEDED: "No longer needed",
}


class ReviewOutcome(StrEnum):
    REVIEWED = "reviewed"
    PLAN_CLOSED = "plan_closed"


REVIEW_OUTCOME_LABELS: Mapping[ReviewOutcome, str] = {
    ReviewOutcome.REVIEWED: "Reviewed",
    ReviewOutcome.PLAN_CLOSED: "No longer needed: the plan closed",
}

WORDS_MAX = 300  # a goal or an action in plain words
NOTE_MAX = 500


# --- Lifecycle ------------------------------------------------------------------------------


class StepRefused(ValueError):
    pass


def next_status(status: PlanStatus, step: Step) -> PlanStatus:
    """open → reviewed (any number of times) → closed; open → closed; nothing after closed."""
    if status == PlanStatus.CLOSED:
        raise StepRefused("This family plan is closed")
    if step == Step.REVIEW:
        return PlanStatus.REVIEWED
    return PlanStatus.CLOSED


@dataclass(frozen=True)
class PlanDraft:
    """What opening a plan needs, as plain data."""

    lead_team_id: int | None
    members: Mapping[int, str]  # person id → role
    agreement: str
    agreement_note: str
    safe_contact_note: str
    opened_from: str
    opened_from_obligation_id: int | None = None
    marac_case_id: int | None = None


def open_problems(draft: PlanDraft) -> dict[str, list[str]]:
    """FAMILY-PLAN-1 v1: a lead team; at least one child among the members (a plan is for
    the children living with the abuse) and at most one role each; the family's agreement,
    or why it was not sought (such as safety); a safe-contact note (domain.md §9.4); what it
    was opened from, with the obligation or MARAC case it names."""
    errors: dict[str, list[str]] = {}
    if draft.lead_team_id is None:
        errors["lead_team"] = ["Select the team that leads the plan"]
    roles = set(draft.members.values())
    if not roles <= {r.value for r in Role}:
        errors["members"] = ["Select each member's role in the plan"]
    elif Role.CHILD not in roles:
        errors["members"] = ["Include at least one child in the plan"]
    if draft.agreement not in {a.value for a in Agreement}:
        errors["agreement"] = ["Select whether the family agreed to the plan"]
    elif draft.agreement == Agreement.NOT_SOUGHT and not draft.agreement_note.strip():
        errors["agreement_note"] = ["Enter why the family's agreement was not sought"]
    if not draft.safe_contact_note.strip():
        errors["safe_contact_note"] = [
            "Enter how to contact the family safely, or that there is no safe way"
        ]
    if draft.opened_from not in {o.value for o in OpenedFrom}:
        errors["opened_from"] = ["Select what the plan was opened from"]
    elif draft.opened_from in (OpenedFrom.FRONT_DOOR, OpenedFrom.IDVA) and (
        draft.opened_from_obligation_id is None
    ):
        errors["opened_from_obligation"] = ["Select the decision or support it was opened from"]
    elif draft.opened_from == OpenedFrom.MARAC and draft.marac_case_id is None:
        errors["marac_case"] = ["Select the MARAC meeting's case it was opened from"]
    return errors


def words_problems(field: str, words: str, what: str) -> dict[str, list[str]]:
    if not words.strip():
        return {field: [f"Enter {what}"]}
    if len(words.strip()) > WORDS_MAX:
        return {field: [f"{what[0].upper()}{what[1:]} must be {WORDS_MAX} characters or fewer"]}
    return {}


def action_problems(
    *, what: str, due_on: dt.date | None, today: dt.date, member_in_plan: bool, team_active: bool
) -> dict[str, list[str]]:
    """An action names its member, an active owner team, what is to be done and a due date
    not in the past."""
    errors = words_problems("what", what, "what is to be done")
    if not member_in_plan:
        errors["member"] = ["Select who the action is for"]
    if not team_active:
        errors["team"] = ["Select an active team to own the action"]
    if due_on is None:
        errors["due_on"] = ["Enter the date it is due by"]
    elif due_on < today:
        errors["due_on"] = ["The due date must be today or in the future"]
    return errors


def action_outcome_problems(outcome: str, note: str) -> dict[str, list[str]]:
    if outcome not in {o.value for o in ActionOutcome}:
        return {"outcome": ["Select the outcome"]}
    if outcome == ActionOutcome.NOT_DONE and not note.strip():
        return {"note": ["Enter why the action was not done"]}
    return {}


def support_problems(
    *,
    role: str,
    kind: str,
    status: str,
    started_on: dt.date | None,
    ended_on: dt.date | None,
    today: dt.date,
) -> dict[str, list[str]]:
    """The kind must be one the member's role may have; a started support has a start date,
    an ended one both dates, in order and not in the future."""
    errors: dict[str, list[str]] = {}
    roles = {r.value: r for r in Role}
    allowed = {k.value for k in KINDS_FOR_ROLE.get(roles[role], ())} if role in roles else set()
    if kind not in allowed:
        errors["kind"] = ["Select a kind of support for this member"]
    if status not in {s.value for s in SupportStatus}:
        errors["status"] = ["Select whether the support is planned, started or ended"]
        return errors
    if status in (SupportStatus.STARTED, SupportStatus.ENDED) and started_on is None:
        errors["started_on"] = ["Enter when the support started"]
    if status == SupportStatus.ENDED and ended_on is None:
        errors["ended_on"] = ["Enter when the support ended"]
    for name, day in (("started_on", started_on), ("ended_on", ended_on)):
        if day is not None and day > today and name not in errors:
            errors[name] = ["The date must be today or in the past"]
    if started_on and ended_on and ended_on < started_on and "ended_on" not in errors:
        errors["ended_on"] = ["The support must end on or after it started"]
    return errors


def starts_adult_support(role: str, kind: str, was: str | None, now: str) -> bool:
    """An adult victim's housing, refuge placement or specialist adult service marked
    started now (it was not started before) is the adult's support starting."""
    return (
        role == Role.ADULT_VICTIM
        and kind in STARTS_ADULT_SUPPORT
        and now == SupportStatus.STARTED
        and was != SupportStatus.STARTED
    )


def action_starts_adult_support(role: str) -> bool:
    """An action for the adult victim acknowledged by its owner team."""
    return role == Role.ADULT_VICTIM


def review_problems(
    *,
    held_on: dt.date | None,
    opened_on: dt.date,
    last_review_on: dt.date | None,
    today: dt.date,
    open_goal_ids: Collection[int],
    progress: Mapping[int, str],
    continues: bool | None,
    close_reason: str,
    close_note: str,
) -> dict[str, list[str]]:
    """A review is held on a day from the plan's opening (after the last review) to today,
    records progress on each goal still being worked towards, and says whether the plan
    continues; a plan that does not continue closes with a reason."""
    errors: dict[str, list[str]] = {}
    if held_on is None:
        errors["held_on"] = ["Enter the date the review was held"]
    elif held_on > today:
        errors["held_on"] = ["The review must be today or in the past"]
    elif held_on < opened_on or (last_review_on is not None and held_on < last_review_on):
        errors["held_on"] = ["The review must be after the plan opened and after the last review"]
    missing = [g for g in open_goal_ids if progress.get(g) not in {p.value for p in Progress}]
    if missing:
        errors["progress"] = ["Select the progress made on each goal"]
    if continues is None:
        errors["continues"] = ["Select whether the plan continues"]
    elif not continues:
        errors.update(close_problems(close_reason, close_note))
    return errors


def first_meeting_problems(
    held_on: dt.date | None, opened_on: dt.date, today: dt.date
) -> dict[str, list[str]]:
    """The first meeting of the team around the family: on a day from the plan's opening
    to today."""
    if held_on is None:
        return {"held_on": ["Enter the date of the first meeting"]}
    if held_on > today:
        return {"held_on": ["The meeting must be today or in the past"]}
    if held_on < opened_on:
        return {"held_on": ["The meeting must be on or after the day the plan opened"]}
    return {}


def close_problems(reason: str, note: str) -> dict[str, list[str]]:
    if reason not in {r.value for r in CloseReason}:
        return {"close_reason": ["Select why the plan is closing"]}
    if reason == CloseReason.OTHER and not note.strip():
        return {"close_note": ["Enter why the plan is closing"]}
    return {}


# --- Review scheduling ------------------------------------------------------------------------

DEFAULT_FIRST_REVIEW_MONTHS = 3
DEFAULT_REVIEW_EVERY_MONTHS = 6
DEFAULT_FIRST_MEETING_WORKING_DAYS = 10


@dataclass(frozen=True)
class Schedule:
    """An area's timescales (``FamilyPlanSettings``), the defaults unless it chose others."""

    first_review_months: int = DEFAULT_FIRST_REVIEW_MONTHS
    review_every_months: int = DEFAULT_REVIEW_EVERY_MONTHS
    first_meeting_working_days: int = DEFAULT_FIRST_MEETING_WORKING_DAYS
    jurisdiction: str = calendar.Jurisdiction.ENGLAND


SETTING_BOUNDS: Mapping[str, tuple[int, int]] = {
    "first_review_months": (1, 6),
    "review_every_months": (1, 12),
    "first_meeting_working_days": (1, 30),
}


def settings_problems(values: Mapping[str, int | None]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, (low, high) in SETTING_BOUNDS.items():
        value = values.get(name)
        if value is not None and not low <= value <= high:
            errors[name] = [f"Enter a number from {low} to {high}"]
    return errors


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later; the month's last day where it has no such day
    (31 August + 6 months is 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, month_calendar.monthrange(year, month)[1]))


def first_meeting_due(opened_on: dt.date, schedule: Schedule) -> dt.date:
    """The first meeting of the team around the family: within 10 working days."""
    return calendar.add_working_days(
        opened_on, schedule.first_meeting_working_days, schedule.jurisdiction
    )


def next_review_due(
    opened_on: dt.date, last_review_on: dt.date | None, schedule: Schedule
) -> dt.date:
    """The first review within 3 months of opening; each later one at most 6 months after
    the review before."""
    if last_review_on is None:
        return add_months(opened_on, schedule.first_review_months)
    return add_months(last_review_on, schedule.review_every_months)


def review_basis(last_review_on: dt.date | None, schedule: Schedule) -> str:
    if last_review_on is None:
        return f"Within {schedule.first_review_months} months of the plan opening"
    return f"Within {schedule.review_every_months} months of the last review"


# --- Sharing ---------------------------------------------------------------------------------


def sees_member_work(*, is_lead: bool, acts_for: Collection[int], member_id: int) -> bool:
    """The goals, supports and actions of a member (``member_id``, a ``PlanMember``):
    the lead team's, and a team's owning an action for that member. So the person causing
    harm's section and the adult victim's safety planning are withheld from any team
    without an action for that member (domain.md §11.3); the caller counts what it
    withholds and never names it."""
    return is_lead or member_id in acts_for
