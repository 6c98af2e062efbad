"""The family plan's pure rules: lifecycle, review scheduling, what opening, an action, a
support and a review need, which supports starting are the adult's support starting, and
what the plan shares."""

from __future__ import annotations

import datetime as dt

import pytest

from hearth.families import policy
from hearth.families.policy import (
    Agreement,
    OpenedFrom,
    PlanDraft,
    PlanStatus,
    Role,
    Schedule,
    Step,
    SupportKind,
    SupportStatus,
)

D = dt.date


def draft(**changes: object) -> PlanDraft:
    values: dict = {
        "lead_team_id": 1,
        "members": {1: Role.ADULT_VICTIM, 2: Role.CHILD},
        "agreement": Agreement.AGREED,
        "agreement_note": "",
        "safe_contact_note": "Mobile, weekdays 10 to 12",
        "opened_from": OpenedFrom.AGENCY,
    }
    return PlanDraft(**(values | changes))


# --- Lifecycle ------------------------------------------------------------------------------


def test_open_then_reviewed_then_closed() -> None:
    assert policy.next_status(PlanStatus.OPEN, Step.REVIEW) == PlanStatus.REVIEWED
    assert policy.next_status(PlanStatus.REVIEWED, Step.REVIEW) == PlanStatus.REVIEWED
    assert policy.next_status(PlanStatus.REVIEWED, Step.CLOSE) == PlanStatus.CLOSED
    assert policy.next_status(PlanStatus.OPEN, Step.CLOSE) == PlanStatus.CLOSED


@pytest.mark.parametrize("step", list(Step))
def test_nothing_after_closed(step: Step) -> None:
    with pytest.raises(policy.StepRefused):
        policy.next_status(PlanStatus.CLOSED, step)


def test_a_complete_draft_opens() -> None:
    assert policy.open_problems(draft()) == {}


def test_opening_needs_a_lead_team_and_a_child() -> None:
    assert "lead_team" in policy.open_problems(draft(lead_team_id=None))
    assert policy.open_problems(draft(members={1: Role.ADULT_VICTIM}))["members"] == [
        "Include at least one child in the plan"
    ]
    assert "members" in policy.open_problems(draft(members={1: "aunt", 2: Role.CHILD}))


def test_agreement_not_sought_needs_why() -> None:
    errors = policy.open_problems(draft(agreement=Agreement.NOT_SOUGHT))
    assert errors == {"agreement_note": ["Enter why the family's agreement was not sought"]}
    assert (
        policy.open_problems(draft(agreement=Agreement.NOT_SOUGHT, agreement_note="Unsafe")) == {}
    )
    assert policy.open_problems(draft(agreement=Agreement.NOT_AGREED)) == {}
    assert "agreement" in policy.open_problems(draft(agreement="maybe"))


def test_a_safe_contact_note_is_needed() -> None:
    assert "safe_contact_note" in policy.open_problems(draft(safe_contact_note="  "))


def test_what_it_was_opened_from_names_its_source() -> None:
    assert "opened_from" in policy.open_problems(draft(opened_from="nowhere"))
    for source in (OpenedFrom.FRONT_DOOR, OpenedFrom.IDVA):
        assert "opened_from_obligation" in policy.open_problems(draft(opened_from=source))
        assert policy.open_problems(draft(opened_from=source, opened_from_obligation_id=9)) == {}
    assert "marac_case" in policy.open_problems(draft(opened_from=OpenedFrom.MARAC))
    assert policy.open_problems(draft(opened_from=OpenedFrom.MARAC, marac_case_id=3)) == {}


# --- Review scheduling -------------------------------------------------------------------------


def test_first_review_within_three_months_then_six() -> None:
    s = Schedule()
    assert policy.next_review_due(D(2026, 1, 15), None, s) == D(2026, 4, 15)
    assert policy.next_review_due(D(2026, 1, 15), D(2026, 3, 1), s) == D(2026, 9, 1)


def test_months_that_are_shorter_end_on_their_last_day() -> None:
    assert policy.add_months(D(2026, 11, 30), 3) == D(2027, 2, 28)
    assert policy.add_months(D(2027, 8, 31), 6) == D(2028, 2, 29)  # a leap year
    assert policy.add_months(D(2026, 10, 31), 2) == D(2026, 12, 31)
    assert policy.add_months(D(2026, 12, 1), 1) == D(2027, 1, 1)


def test_an_area_may_choose_its_own_cadence() -> None:
    s = Schedule(first_review_months=1, review_every_months=2, first_meeting_working_days=5)
    assert policy.next_review_due(D(2026, 1, 15), None, s) == D(2026, 2, 15)
    assert policy.next_review_due(D(2026, 1, 15), D(2026, 2, 10), s) == D(2026, 4, 10)
    assert policy.first_meeting_due(D(2026, 1, 15), s) == D(2026, 1, 22)


def test_first_meeting_within_ten_working_days() -> None:
    # Friday 18 December 2026: Christmas Day, Boxing Day (the 28th, in lieu) and New
    # Year's Day are not working days.
    assert policy.first_meeting_due(D(2026, 12, 18), Schedule()) == D(2027, 1, 6)
    assert policy.first_meeting_due(D(2026, 3, 2), Schedule()) == D(2026, 3, 16)


def test_settings_bounds() -> None:
    assert policy.settings_problems({"first_review_months": 3}) == {}
    assert "first_review_months" in policy.settings_problems({"first_review_months": 0})
    assert "review_every_months" in policy.settings_problems({"review_every_months": 13})
    assert policy.settings_problems({"first_meeting_working_days": 30}) == {}
    assert "first_meeting_working_days" in policy.settings_problems(
        {"first_meeting_working_days": 31}
    )


def test_review_needs_its_date_progress_on_each_goal_and_whether_it_continues() -> None:
    base = {
        "held_on": D(2026, 3, 1),
        "opened_on": D(2026, 1, 15),
        "last_review_on": None,
        "today": D(2026, 3, 2),
        "open_goal_ids": [1, 2],
        "progress": {1: "met", 2: "some"},
        "continues": True,
        "close_reason": "",
        "close_note": "",
    }
    assert policy.review_problems(**base) == {}  # type: ignore[arg-type]
    assert "held_on" in policy.review_problems(**(base | {"held_on": D(2026, 3, 3)}))  # type: ignore[arg-type]
    assert "held_on" in policy.review_problems(**(base | {"held_on": D(2026, 1, 14)}))  # type: ignore[arg-type]
    assert "held_on" in policy.review_problems(
        **(base | {"last_review_on": D(2026, 3, 2)})  # type: ignore[arg-type]
    )
    assert policy.review_problems(**(base | {"held_on": D(2026, 1, 15)})) == {}  # type: ignore[arg-type]
    assert "progress" in policy.review_problems(**(base | {"progress": {1: "met"}}))  # type: ignore[arg-type]
    assert "continues" in policy.review_problems(**(base | {"continues": None}))  # type: ignore[arg-type]
    closing = base | {"continues": False}
    assert "close_reason" in policy.review_problems(**closing)  # type: ignore[arg-type]
    assert policy.review_problems(**(closing | {"close_reason": "goals_met"})) == {}  # type: ignore[arg-type]


def test_another_reason_for_closing_needs_a_note() -> None:
    assert policy.close_problems("other", "") == {"close_note": ["Enter why the plan is closing"]}
    assert policy.close_problems("other", "Moved in with grandparents") == {}
    assert policy.close_problems("goals_met", "") == {}
    assert "close_reason" in policy.close_problems("", "")


# --- Actions and supports ---------------------------------------------------------------------


def test_an_action_needs_words_a_member_an_active_team_and_a_date_not_past() -> None:
    today = D(2026, 3, 2)
    ok = {"what": "Home visit", "due_on": today, "today": today, "member_in_plan": True}
    assert policy.action_problems(**ok, team_active=True) == {}  # type: ignore[arg-type]
    assert "team" in policy.action_problems(**ok, team_active=False)  # type: ignore[arg-type]
    errors = policy.action_problems(
        what=" ", due_on=D(2026, 3, 1), today=today, member_in_plan=False, team_active=True
    )
    assert set(errors) == {"what", "due_on", "member"}
    assert "due_on" in policy.action_problems(
        what="x", due_on=None, today=today, member_in_plan=True, team_active=True
    )
    assert "what" in policy.action_problems(
        what="x" * 301, due_on=today, today=today, member_in_plan=True, team_active=True
    )


def test_an_action_not_done_needs_a_note() -> None:
    assert policy.action_outcome_problems("not_done", "") == {
        "note": ["Enter why the action was not done"]
    }
    assert policy.action_outcome_problems("not_done", "Family away") == {}
    assert policy.action_outcome_problems("done", "") == {}
    assert policy.action_outcome_problems("not_needed", "") == {}
    assert "outcome" in policy.action_outcome_problems("heard", "")


def test_each_role_has_its_own_kinds_of_support() -> None:
    today = D(2026, 3, 2)

    def problems(role: str, kind: str) -> dict:
        return policy.support_problems(
            role=role, kind=kind, status="planned", started_on=None, ended_on=None, today=today
        )

    assert problems(Role.ADULT_VICTIM, SupportKind.SAFETY_PLANNING) == {}
    assert problems(Role.CHILD, SupportKind.SCHOOL) == {}
    assert problems(Role.PERSON_CAUSING_HARM, SupportKind.BEHAVIOUR_CHANGE) == {}
    assert "kind" in problems(Role.CHILD, SupportKind.REFUGE)
    assert "kind" in problems(Role.PERSON_CAUSING_HARM, SupportKind.IDVA)
    assert "kind" in problems("aunt", SupportKind.IDVA)


def test_support_dates() -> None:
    today = D(2026, 3, 2)

    def problems(status: str, start: dt.date | None, end: dt.date | None) -> dict:
        return policy.support_problems(
            role=Role.ADULT_VICTIM,
            kind=SupportKind.HOUSING,
            status=status,
            started_on=start,
            ended_on=end,
            today=today,
        )

    assert problems("started", None, None) == {"started_on": ["Enter when the support started"]}
    assert problems("started", today, None) == {}
    assert problems("started", D(2026, 3, 3), None) == {
        "started_on": ["The date must be today or in the past"]
    }
    assert problems("ended", D(2026, 2, 1), None) == {"ended_on": ["Enter when the support ended"]}
    assert problems("ended", D(2026, 2, 1), D(2026, 1, 31)) == {
        "ended_on": ["The support must end on or after it started"]
    }
    assert problems("ended", D(2026, 2, 1), D(2026, 2, 1)) == {}
    assert "status" in problems("paused", None, None)


# --- Which support starting is the adult's --------------------------------------------------------


@pytest.mark.parametrize(
    "kind", [SupportKind.HOUSING, SupportKind.REFUGE, SupportKind.SPECIALIST_ADULT]
)
def test_housing_refuge_or_specialist_adult_service_started_is_the_adults_support(
    kind: SupportKind,
) -> None:
    assert policy.starts_adult_support(Role.ADULT_VICTIM, kind, None, SupportStatus.STARTED)
    assert policy.starts_adult_support(
        Role.ADULT_VICTIM, kind, SupportStatus.PLANNED, SupportStatus.STARTED
    )
    # Not again, not when only planned or ended, not for anyone but the adult victim.
    assert not policy.starts_adult_support(
        Role.ADULT_VICTIM, kind, SupportStatus.STARTED, SupportStatus.STARTED
    )
    assert not policy.starts_adult_support(Role.ADULT_VICTIM, kind, None, SupportStatus.PLANNED)
    assert not policy.starts_adult_support(Role.ADULT_VICTIM, kind, None, SupportStatus.ENDED)
    assert not policy.starts_adult_support(Role.OTHER_ADULT, kind, None, SupportStatus.STARTED)


@pytest.mark.parametrize(
    "kind",
    [SupportKind.IDVA, SupportKind.SAFETY_PLANNING, SupportKind.LEGAL_PROTECTION],
)
def test_other_kinds_are_not(kind: SupportKind) -> None:
    assert not policy.starts_adult_support(Role.ADULT_VICTIM, kind, None, SupportStatus.STARTED)


def test_only_an_action_for_the_adult_victim_starts_support() -> None:
    assert policy.action_starts_adult_support(Role.ADULT_VICTIM)
    for role in (Role.CHILD, Role.PERSON_CAUSING_HARM, Role.OTHER_ADULT):
        assert not policy.action_starts_adult_support(role)


# --- Sharing ---------------------------------------------------------------------------------


def test_the_lead_sees_every_members_work() -> None:
    assert policy.sees_member_work(is_lead=True, acts_for=set(), member_id=4)


def test_an_action_owner_sees_only_the_members_its_actions_are_for() -> None:
    assert policy.sees_member_work(is_lead=False, acts_for={2, 3}, member_id=2)
    assert not policy.sees_member_work(is_lead=False, acts_for={2, 3}, member_id=4)
    assert not policy.sees_member_work(is_lead=False, acts_for=set(), member_id=2)


def test_the_first_meeting_is_held_from_opening_to_today() -> None:
    opened, today = D(2026, 3, 2), D(2026, 3, 10)
    assert policy.first_meeting_problems(D(2026, 3, 2), opened, today) == {}
    assert policy.first_meeting_problems(D(2026, 3, 10), opened, today) == {}
    assert "held_on" in policy.first_meeting_problems(D(2026, 3, 1), opened, today)
    assert "held_on" in policy.first_meeting_problems(D(2026, 3, 11), opened, today)
    assert "held_on" in policy.first_meeting_problems(None, opened, today)
