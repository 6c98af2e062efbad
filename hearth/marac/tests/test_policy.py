"""MARAC meetings' pure rules, every boundary (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from hearth.core import clock
from hearth.marac import policy
from hearth.marac.policy import ActionIn, Household

TODAY = dt.date(2026, 12, 7)
HOUSEHOLD = Household(victim_id=1, child_ids=(2, 3), perpetrator_ids=(4,))
TEAMS = {10, 11}


def action(**changes: object) -> ActionIn:
    values: dict[str, object] = {
        "for_person_id": 1,
        "owner_team_id": 10,
        "words": "Review the safety plan",
        "due_on": TODAY,
    }
    return ActionIn(**(values | changes))  # type: ignore[arg-type]


def problems(*actions: ActionIn, **changes: object) -> dict[str, list[str]]:
    values: dict[str, object] = {
        "attended_agency_ids": [5],
        "area_agency_ids": {5, 6},
        "risks": "Threats",
        "child_ids": [2, 3],
        "household": HOUSEHOLD,
        "unconfirmed_reason": "",
        "actions": list(actions) or [action()],
        "today": TODAY,
        "team_ids": TEAMS,
    }
    return policy.hear_problems(**(values | changes))  # type: ignore[arg-type]


def test_a_complete_hearing_has_no_problems() -> None:
    assert problems() == {}


def test_a_case_is_heard_only_with_an_action_plan() -> None:
    assert problems(actions=[]) == {
        "actions": ["A case is heard with an action plan: add at least one action"]
    }
    # Rows left empty are not actions.
    assert "actions" in problems(actions=[ActionIn(None, None, " ", None)] * 3)


def test_at_most_thirty_actions() -> None:
    assert problems(actions=[action()] * policy.MAX_ACTIONS) == {}
    assert problems(actions=[action()] * (policy.MAX_ACTIONS + 1)) == {
        "actions": ["Record at most 30 actions for one case"]
    }


def test_attendance_from_the_area_is_needed() -> None:
    assert problems(attended_agency_ids=[]) == {
        "attended_agency_ids": ["Select the agencies that attended for this case"]
    }
    assert problems(attended_agency_ids=[5, 99]) == {
        "attended_agency_ids": ["Select agencies in the MARAC's area"]
    }


def test_the_risks_discussed_are_needed_and_bounded() -> None:
    assert problems(risks="  ") == {"risks": ["Enter the risks discussed"]}
    assert problems(risks="x" * policy.MAX_TEXT) == {}
    assert "risks" in problems(risks="x" * (policy.MAX_TEXT + 1))


def test_a_child_left_out_needs_why_and_no_child_is_added() -> None:
    assert "unconfirmed_reason" in problems(child_ids=[2])
    assert problems(child_ids=[2], unconfirmed_reason="Moved to her father's") == {}
    assert problems(child_ids=[], unconfirmed_reason="Both live with their grandmother") == {}
    assert problems(child_ids=[2, 3, 9]) == {
        "child_ids": ["Select only the children of the household"]
    }


def test_an_action_is_due_today_or_later() -> None:
    assert policy.action_problems(action(), today=TODAY, household=HOUSEHOLD, team_ids=TEAMS) == {}
    yesterday = action(due_on=TODAY - dt.timedelta(days=1))
    assert policy.action_problems(yesterday, today=TODAY, household=HOUSEHOLD, team_ids=TEAMS) == {
        "due_on": "The date the action is due must be today or in the future"
    }
    missing = action(due_on=None)
    assert policy.action_problems(missing, today=TODAY, household=HOUSEHOLD, team_ids=TEAMS) == {
        "due_on": "Enter the date the action is due"
    }


@pytest.mark.parametrize(
    ("person", "role"),
    [(1, "victim"), (2, "child"), (3, "child"), (4, "perpetrator"), (9, None)],
)
def test_an_action_is_for_the_victim_a_child_or_the_person_causing_harm(
    person: int, role: str | None
) -> None:
    assert HOUSEHOLD.role_of(person) == role
    found = policy.action_problems(
        action(for_person_id=person), today=TODAY, household=HOUSEHOLD, team_ids=TEAMS
    )
    assert ("for_person" in found) == (role is None)


def test_an_action_needs_an_owner_team_of_the_area_and_words() -> None:
    found = policy.action_problems(
        action(owner_team_id=99, words=" ", for_person_id=None),
        today=TODAY,
        household=HOUSEHOLD,
        team_ids=TEAMS,
    )
    assert found == {
        "for_person": "Select who the action is for",
        "owner_team": "Select an active team of an agency in the MARAC's area",
        "words": "Enter what must be done",
    }
    assert "owner_team" in policy.action_problems(
        action(owner_team_id=None), today=TODAY, household=HOUSEHOLD, team_ids=TEAMS
    )
    assert "words" in policy.action_problems(
        action(words="x" * (policy.MAX_TEXT + 1)), today=TODAY, household=HOUSEHOLD, team_ids=TEAMS
    )


def test_each_actions_problems_name_its_row() -> None:
    found = problems(action(), ActionIn(None, None, "", None), action(words=""))
    assert found == {"actions.2.words": ["Enter what must be done"]}


def test_the_key_makes_planning_again_a_no_op() -> None:
    assert policy.action_key(12, 3) == "MARAC-ACTION-1:case:12:action:3"


@pytest.mark.parametrize(
    "due_on",
    [dt.date(2026, 12, 7), dt.date(2027, 3, 28), dt.date(2027, 6, 30), dt.date(2027, 10, 31)],
)
def test_an_action_is_due_by_the_end_of_its_day_in_london(due_on: dt.date) -> None:
    deadline = policy.action_deadline(due_on, TODAY)
    local = deadline.due_at.astimezone(clock.LONDON)
    assert (local.date(), local.time()) == (due_on, dt.time(23, 59, 59))
    assert deadline.stage == "outcome" and deadline.owner == "recipient"
    assert deadline.rule == "MARAC-ACTION-1" and deadline.rule_version == "1"
    assert "meeting on 7 December 2026" in deadline.basis


def test_each_action_is_planned_to_its_owner_about_whom_it_is_for() -> None:
    case = policy.CaseHeard(
        case_id=7,
        meeting_id=3,
        meeting_on=TODAY,
        incident_id=40,
        marac_agency_id=8,
        marac_team_id=80,
    )
    first, second = policy.action_plans(
        case,
        [
            policy.PlannedAction(1, 1, 1, "victim", 10, TODAY),
            policy.PlannedAction(2, 2, 2, "child", 11, TODAY + dt.timedelta(days=3)),
        ],
    )
    assert (first.key, first.subject_id, first.team_id, first.incident_id) == (
        "MARAC-ACTION-1:case:7:action:1",
        1,
        10,
        40,
    )
    assert first.send_now and first.route == "marac_action"
    assert (first.referrer_agency_id, first.referrer_team_id) == (8, 80)
    assert first.data == {"case_id": 7, "meeting_id": 3, "action_id": 1, "for": "victim"}
    assert second.data["for"] == "child" and "a child in the household" in second.reason
    assert second.deadlines[0].due_at.astimezone(clock.LONDON).date() == TODAY + dt.timedelta(
        days=3
    )


def test_a_repeat_referral_is_read_from_its_criteria() -> None:
    assert policy.is_repeat(["visible_high_risk", "repeat"])
    assert not policy.is_repeat(["visible_high_risk", "potential_escalation"])
    assert not policy.is_repeat([])


def test_an_action_not_done_needs_why() -> None:
    assert policy.outcome_problems("done", "") == {}
    assert policy.outcome_problems("no_longer_needed", "") == {}
    assert policy.outcome_problems("not_done", " ") == {
        "note": ["Enter why the action was not done"]
    }
    assert policy.outcome_problems("not_done", "Moved away") == {}
    assert policy.outcome_problems("heard", "") == {"outcome": ["Select the outcome"]}


def test_a_meeting_is_today_or_later_at_a_time_and_held_somehow() -> None:
    ok = {"held_on": TODAY, "starts_at": dt.time(10), "fmt": "online", "place": "", "today": TODAY}
    assert policy.meeting_problems(**ok) == {}  # type: ignore[arg-type]
    assert policy.meeting_problems(**(ok | {"held_on": TODAY - dt.timedelta(days=1)})) == {  # type: ignore[arg-type]
        "held_on": ["The date of the meeting must be today or in the future"]
    }
    assert set(
        policy.meeting_problems(held_on=None, starts_at=None, fmt="", place="x" * 201, today=TODAY)
    ) == {
        "held_on",
        "starts_at",
        "format",
        "place",
    }
    assert policy.meeting_problems(**(ok | {"place": "x" * 200})) == {}  # type: ignore[arg-type]
