"""The ledger's pure rules: the transition table, each route's conditions and due times,
re-running the policy, and the escalation ladder. No database."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hearth.core import calendar
from hearth.core.clock import LONDON
from hearth.core.errors import InvalidTransition
from hearth.referrals import policy
from hearth.referrals.policy import Action, Route, Stage, Status, Step

NORTH, SOUTH = 1, 2
AREAS = {
    NORTH: policy.AreaRouting(
        area_id=NORTH,
        area_name="Northshire",
        front_door_team_id=10,
        marac_team_id=11,
        idva_team_id=12,
    ),
    SOUTH: policy.AreaRouting(
        area_id=SOUTH,
        area_name="Southmoor",
        front_door_team_id=20,
        marac_team_id=None,
        idva_team_id=12,
    ),
}


def london(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=LONDON)


def incident(
    received: dt.datetime,
    children: tuple[policy.ChildIn, ...] = (policy.ChildIn(101, NORTH),),
    victims: tuple[policy.VictimIn, ...] = (),
) -> policy.IncidentIn:
    return policy.IncidentIn(
        incident_id=7, received_at=received, referral_source="6", children=children, victims=victims
    )


def deadline(plan: policy.PlannedObligation, stage: Stage) -> dt.datetime:
    return next(d.due_at for d in plan.deadlines if d.stage == stage)


# --- The transition table ---------------------------------------------------------------


def test_the_lifecycle_runs_created_sent_acknowledged_outcome_closed() -> None:
    status = Status.CREATED
    for action, expected in [
        (Action.SEND, Status.SENT),
        (Action.ACKNOWLEDGE, Status.ACKNOWLEDGED),
        (Action.RECORD_OUTCOME, Status.OUTCOME_RECORDED),
        (Action.CLOSE, Status.CLOSED),
    ]:
        status = policy.next_status(status, action)
        assert status == expected


@pytest.mark.parametrize("status", [Status.CREATED, Status.SENT])
def test_nothing_closes_without_an_outcome(status: Status) -> None:
    with pytest.raises(InvalidTransition, match="cannot be closed"):
        policy.next_status(status, Action.CLOSE)


def test_an_acknowledged_obligation_cannot_close_before_its_outcome() -> None:
    with pytest.raises(InvalidTransition):
        policy.next_status(Status.ACKNOWLEDGED, Action.CLOSE)


@pytest.mark.parametrize("status", sorted(policy.ENDED))
def test_an_ended_obligation_cannot_change(status: Status) -> None:
    for action in Action:
        with pytest.raises(InvalidTransition):
            policy.next_status(status, action)


def test_redirecting_sends_it_again_to_be_acknowledged_by_the_new_team() -> None:
    assert policy.next_status(Status.ACKNOWLEDGED, Action.REDIRECT) == Status.SENT
    assert policy.next_status(Status.SENT, Action.REDIRECT) == Status.SENT


@pytest.mark.parametrize(
    "status", [Status.CREATED, Status.SENT, Status.ACKNOWLEDGED, Status.OUTCOME_RECORDED]
)
def test_any_open_obligation_can_be_withdrawn(status: Status) -> None:
    assert policy.next_status(status, Action.WITHDRAW) == Status.WITHDRAWN


# --- Child concern notifications -----------------------------------------------------------


def test_each_child_gets_a_notification_to_their_own_local_authoritys_front_door() -> None:
    result = policy.route_incident(
        incident(
            london(2026, 12, 1, 10, 0),
            children=(
                policy.ChildIn(101, NORTH),
                policy.ChildIn(102, NORTH),
                policy.ChildIn(103, SOUTH),
            ),
        ),
        AREAS,
    )
    notifications = [p for p in result.planned if p.route == Route.CHILD_CONCERN]
    assert [(p.subject_id, p.team_id) for p in notifications] == [(101, 10), (102, 10), (103, 20)]
    assert all(p.rule == "CCN-1" and p.rule_version == "1" and p.send_now for p in notifications)
    assert all(p.data["referral_source"] == "6" for p in notifications)
    assert "Northshire" in notifications[0].reason


def test_christmas_eve_at_eleven_at_night_is_decided_by_the_end_of_tuesday_29_december() -> None:
    # 25 December (Friday), the weekend, and Boxing Day's substitute (Monday 28) intervene.
    (plan,) = policy.route_incident(incident(london(2026, 12, 24, 23, 0)), AREAS).planned
    for stage in (Stage.ACKNOWLEDGE, Stage.DECIDE):
        assert deadline(plan, stage) == london(2026, 12, 29, 23, 59, 59)


def test_a_friday_evening_notification_is_due_by_the_end_of_monday() -> None:
    (plan,) = policy.route_incident(incident(london(2026, 11, 27, 19, 30)), AREAS).planned
    assert deadline(plan, Stage.DECIDE) == london(2026, 11, 30, 23, 59, 59)


def test_a_notification_before_a_bank_holiday_monday_is_due_on_tuesday() -> None:
    # Friday 28 May 2027; Monday 31 May 2027 is the spring bank holiday.
    (plan,) = policy.route_incident(incident(london(2027, 5, 28, 9, 0)), AREAS).planned
    assert deadline(plan, Stage.DECIDE) == london(2027, 6, 1, 23, 59, 59)


def test_an_ordinary_tuesday_notification_is_due_by_the_end_of_wednesday() -> None:
    (plan,) = policy.route_incident(incident(london(2026, 12, 1, 10, 0)), AREAS).planned
    assert deadline(plan, Stage.DECIDE) == london(2026, 12, 2, 23, 59, 59)
    (stamp,) = {d.rule_version for d in plan.deadlines}
    assert stamp == f"1/{calendar.CALENDAR_VERSION}"
    assert "Working Together" in plan.deadlines[0].basis


def test_an_area_can_configure_its_decision_timescale_and_wales_is_its_own_profile() -> None:
    wales = policy.Timescales(
        jurisdiction=calendar.Jurisdiction.WALES, route_days={"decision_working_days": 2}
    )
    areas = {NORTH: policy.AreaRouting(NORTH, "Cymru", 10, None, None, wales)}
    (plan,) = policy.route_incident(incident(london(2026, 12, 1, 10, 0)), areas).planned
    assert deadline(plan, Stage.DECIDE) == london(2026, 12, 3, 23, 59, 59)
    assert "Wales" in plan.deadlines[0].basis


def test_a_child_whose_local_authority_is_not_known_is_not_dropped_but_reported() -> None:
    result = policy.route_incident(
        incident(london(2026, 12, 1, 10, 0), children=(policy.ChildIn(101, None),)), AREAS
    )
    assert result.planned == ()
    (unrouted,) = result.unrouted
    assert unrouted.subject_id == 101 and unrouted.route == Route.CHILD_CONCERN
    assert "front door" in unrouted.reason


def test_the_assessment_clock_is_45_working_days_from_the_referral() -> None:
    due = policy.assessment_deadline(
        referral_received_at=london(2026, 12, 1, 10, 0), t=policy.ENGLAND
    )
    assert due.stage == "assessment" == policy.ASSESSMENT_STAGE
    assert (
        calendar.working_days_between(dt.date(2026, 12, 1), calendar.local_date(due.due_at)) == 45
    )


# --- MARAC and IDVA ------------------------------------------------------------------------


def victim(**kwargs: object) -> policy.VictimIn:
    values: dict = {"person_id": 201, "area_id": NORTH, "grade": 1, "household_child_ids": (101,)}
    values.update(kwargs)
    return policy.VictimIn(**values)


def test_a_victim_meeting_marac_criteria_gets_a_referral_waiting_for_the_referrer_to_send() -> None:
    result = policy.route_incident(
        incident(
            london(2026, 12, 1, 10, 0),
            victims=(victim(marac_met=("potential_escalation",), marac_basis=("3 incidents",)),),
        ),
        AREAS,
    )
    (marac,) = [p for p in result.planned if p.route == Route.MARAC_REFERRAL]
    assert marac.team_id == 11 and marac.subject_id == 201 and not marac.send_now
    assert marac.data["children"] == [101] and marac.data["criteria"] == ["potential_escalation"]
    ((stage, owner),) = [(d.stage, d.owner) for d in marac.deadlines]
    assert (stage, owner) == (Stage.SEND, policy.Owner.REFERRER)
    assert "3 incidents" in marac.reason


def test_no_marac_referral_when_no_criterion_is_met() -> None:
    result = policy.route_incident(incident(london(2026, 12, 1, 10), victims=(victim(),)), AREAS)
    assert [p.route for p in result.planned] == [Route.CHILD_CONCERN]


def test_a_high_risk_victim_gets_an_idva_referral_and_a_standard_one_does_not() -> None:
    high = policy.route_incident(
        incident(london(2026, 12, 1, 10), victims=(victim(grade=3),)), AREAS
    )
    medium = policy.route_incident(
        incident(london(2026, 12, 1, 10), victims=(victim(grade=2),)), AREAS
    )
    assert [p.team_id for p in high.planned if p.route == Route.IDVA_REFERRAL] == [12]
    assert not [p for p in medium.planned if p.route == Route.IDVA_REFERRAL]


def test_a_marac_referral_with_nowhere_to_go_is_reported() -> None:
    result = policy.route_incident(
        incident(
            london(2026, 12, 1, 10),
            children=(),
            victims=(victim(area_id=SOUTH, marac_met=("repeat",)),),
        ),
        AREAS,
    )
    assert [u.route for u in result.unrouted] == [Route.MARAC_REFERRAL]


def test_a_marac_referral_is_not_sent_until_each_child_has_a_notification_and_awareness_is_recorded() -> (
    None
):
    problems = policy.marac_send_problems(
        child_ids=[101, 102], linked={101: 55, 102: None}, victim_aware=None, not_aware_reason=""
    )
    assert problems == [
        "1 child in the household has no child concern notification linked to this referral",
        "Say whether the victim knows about this referral",
    ]
    assert policy.marac_send_problems(
        child_ids=[101], linked={101: 55}, victim_aware=False, not_aware_reason=""
    ) == ["Say why the victim does not know about this referral"]
    assert (
        policy.marac_send_problems(
            child_ids=[101],
            linked={101: 55},
            victim_aware=False,
            not_aware_reason="The perpetrator reads her post",
        )
        == []
    )


# --- Re-running ---------------------------------------------------------------------------


def test_routing_the_same_incident_again_plans_the_same_keys() -> None:
    given = incident(
        london(2026, 12, 1, 10), victims=(victim(grade=3, marac_met=("visible_high_risk",)),)
    )
    first = policy.route_incident(given, AREAS)
    again = policy.route_incident(given, AREAS)
    assert [p.key for p in first.planned] == [p.key for p in again.planned]
    assert len({p.key for p in first.planned}) == len(first.planned) == 3


# --- Children's follow-up ----------------------------------------------------------------


def test_each_child_of_a_supported_adult_gets_a_follow_up_due_in_ten_working_days() -> None:
    result = policy.follow_ups_for_adult_support(
        victim_id=201,
        incident_id=7,
        support_route=Route.IDVA_REFERRAL,
        acknowledged_at=london(2026, 12, 1, 10),
        children=[policy.FollowUpChild(101, 10), policy.FollowUpChild(102, None)],
    )
    (plan,) = result.planned
    assert (plan.route, plan.subject_id, plan.team_id) == (Route.CHILD_FOLLOW_UP, 101, 10)
    assert deadline(plan, Stage.OUTCOME) == london(2026, 12, 15, 23, 59, 59)
    assert [u.subject_id for u in result.unrouted] == [102]


def test_idva_and_marac_support_plan_one_follow_up_per_child() -> None:
    keys = {
        policy.follow_ups_for_adult_support(
            victim_id=201,
            incident_id=7,
            support_route=route,
            acknowledged_at=london(2026, 12, 1, 10),
            children=[policy.FollowUpChild(101, 10)],
        )
        .planned[0]
        .key
        for route in (Route.IDVA_REFERRAL, Route.MARAC_REFERRAL)
    }
    assert len(keys) == 1


def test_outcomes_close_except_a_front_door_decision_to_assess() -> None:
    assert policy.closes_with_outcome(Route.CHILD_CONCERN, policy.Decision.EARLY_HELP)
    assert not policy.closes_with_outcome(
        Route.CHILD_CONCERN, policy.Decision.CHILD_IN_NEED_ASSESSMENT
    )
    assert policy.closes_with_outcome(
        Route.CHILD_FOLLOW_UP, policy.FollowUpOutcome.SAFE_AND_SUPPORTED
    )


def test_assessment_factors_follow_the_cin_census_rules() -> None:
    assert policy.assessment_factor_problems(["3A", "3B"]) == []
    assert policy.assessment_factor_problems([]) == [
        "Choose the factors identified at the end of the assessment"
    ]
    assert policy.assessment_factor_problems(["21", "3A"]) == [
        "'No factors identified' cannot be chosen with other factors"
    ]
    assert policy.assessment_factor_problems(["99Z"]) == ["99Z is not a CIN assessment factor code"]


# --- The escalation ladder ---------------------------------------------------------------


def test_the_ladder_reminds_at_once_then_the_manager_then_the_escalation_team() -> None:
    due = london(2026, 12, 1, 23, 59, 59)  # Tuesday
    assert policy.steps_due(due_at=due, now=due - dt.timedelta(seconds=1), done=frozenset()) == []
    assert policy.steps_due(due_at=due, now=due, done=frozenset()) == [Step.OVERDUE, Step.REMINDER]
    wednesday_nine = london(2026, 12, 2, 9, 0)
    assert policy.steps_due(
        due_at=due, now=wednesday_nine, done=frozenset({Step.OVERDUE, Step.REMINDER})
    ) == [Step.MANAGER]
    assert policy.step_due_at(Step.ESCALATION_TEAM, due) == london(2026, 12, 3, 9, 0)


def test_the_ladder_skips_the_weekend_before_escalating() -> None:
    due = london(2026, 11, 27, 23, 59, 59)  # Friday
    assert policy.step_due_at(Step.MANAGER, due) == london(2026, 11, 30, 9, 0)
    assert policy.step_due_at(Step.ESCALATION_TEAM, due) == london(2026, 12, 1, 9, 0)


def test_steps_already_done_are_never_due_again() -> None:
    due = london(2026, 12, 1, 12, 0)
    later = london(2026, 12, 10, 12, 0)
    assert policy.steps_due(due_at=due, now=later, done=frozenset(Step)) == []


@settings(deadline=None)
@given(
    st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2030, 12, 31)),
    st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=30)),
)
def test_the_ladder_climbs_in_order(naive: dt.datetime, after: dt.timedelta) -> None:
    due = naive.replace(tzinfo=LONDON)
    times = [policy.step_due_at(step, due) for step in Step]
    assert times == sorted(times)
    steps = policy.steps_due(due_at=due, now=due + after, done=frozenset())
    assert steps == list(Step)[: len(steps)]


def test_time_left_is_said_plainly() -> None:
    now = london(2026, 12, 1, 10, 0)
    assert policy.time_left_words(now + dt.timedelta(hours=5), now) == "5 hours left"
    assert (
        policy.time_left_words(now - dt.timedelta(days=1, hours=2), now)
        == "Overdue by 1 day 2 hours"
    )
    assert policy.time_left_words(now + dt.timedelta(minutes=1), now) == "1 minute left"
