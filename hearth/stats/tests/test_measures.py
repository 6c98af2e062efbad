"""Every measure's definition on small hand-built rows (issue 15 §1), pure."""

from __future__ import annotations

import datetime as dt

import pytest

from hearth.core.clock import LONDON
from hearth.obligations.policy.deadlines import Stage
from hearth.referrals.policy import Decision, MaracOutcome, Route
from hearth.stats import measures as m
from hearth.stats.periods import period_from_key

FY24 = period_from_key("FY2024-25")
FY25 = period_from_key("FY2025-26")
NOW = dt.datetime(2025, 6, 1, 12, tzinfo=LONDON)
UTC = dt.UTC


def at(y: int, mo: int, d: int, h: int = 10, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, mo, d, h, mi, tzinfo=LONDON)


def note(
    child: object = "c1",
    received: dt.datetime | None = None,
    *,
    door: str = "Wessex",
    source: str = "6",
    n: int = 0,
    **kw: object,
) -> m.NotificationRow:
    return m.NotificationRow(
        notification_id=n,
        child_id=child,
        incident_id=n,
        front_door=door,
        source=source,
        received_at=received or at(2024, 6, 1),
        **kw,  # type: ignore[arg-type]
    )


# --- Shares, rates, percentiles ----------------------------------------------------------


def test_share_and_rate_have_no_value_without_a_denominator():
    assert m.Share(1, 4).percent == 25.0
    assert m.Share(0, 0).percent is None
    assert m.per_10000(571, 139_256) == pytest.approx(41.0, abs=0.05)  # domain.md §11.4
    assert m.per_10000(5, 0) is None
    assert m.per_10000(5, None) is None
    assert m.rates({"a": 10, "b": 3}, {"a": 20_000}) == {"a": 5.0, "b": None}


def test_percentiles_by_nearest_rank():
    assert m.percentile([], 50) is None
    assert m.percentile([7], 50) == 7
    assert m.percentile([7], 90) == 7
    assert m.percentile([9, 3], 50) == 3  # rank ceil(1.0) = 1: the smaller, not 6
    assert m.percentile([9, 3], 90) == 9  # rank ceil(1.8) = 2
    ten = list(range(10, 0, -1))  # 10, 9, ..., 1 unsorted
    assert m.percentile(ten, 50) == 5  # rank 5
    assert m.percentile(ten, 90) == 9  # rank 9
    assert m.percentile(ten, 91) == 10  # rank ceil(9.1) = 10
    assert m.percentile(ten, 100) == 10
    with pytest.raises(ValueError, match="percentile"):
        m.percentile(ten, 0)


# --- Referrals ---------------------------------------------------------------------------


def test_referrals_by_front_door_and_source_on_the_financial_year_boundary():
    rows = [
        note("a", dt.datetime(2025, 3, 31, 22, 59, tzinfo=UTC), n=1),  # 23:59 BST 31 March
        note("b", dt.datetime(2025, 3, 31, 23, 30, tzinfo=UTC), n=2),  # 00:30 BST 1 April
        note("c", at(2024, 4, 1, 0, 0), source="2A", n=3),
        note("d", at(2024, 9, 1), door="Kennet", n=4),
    ]
    assert m.referrals_by_source(rows, FY24) == {
        ("Wessex", "6"): 1,
        ("Wessex", "2A"): 1,
        (
            "Kennet",
            "6",
        ): 1,
    }
    assert m.referrals_by_source(rows, FY25) == {("Wessex", "6"): 1}
    assert m.referrals_by_front_door(rows, FY24) == {"Wessex": 2, "Kennet": 1}
    assert m.referrals_by_source([], FY24) == {}


def test_police_referrals_by_force_and_local_authority():
    rows = [
        note("a", force="Wessex Police", local_authority="Dorchester", n=1),
        note("b", force="Wessex Police", local_authority="Dorchester", n=2),
        note("c", force="Wessex Police", local_authority="Casterbridge", n=3),
        note("d", source="2A", force=None, local_authority="Dorchester", n=4),  # a school
    ]
    assert m.police_referrals_by_area(rows, FY24) == {
        ("Wessex Police", "Dorchester"): 2,
        ("Wessex Police", "Casterbridge"): 1,
    }


def test_a_re_referral_at_exactly_12_months_counts_and_12_months_and_a_day_does_not():
    first = at(2024, 3, 1)
    assert m.is_within_12_months(first.date(), dt.date(2025, 3, 1))
    assert not m.is_within_12_months(first.date(), dt.date(2025, 3, 2))
    rows = [
        note("exact", first, n=1),
        note("exact", at(2025, 3, 1, 23, 59), n=2),  # 12 months, late in the day
        note("late", first, n=3),
        note("late", at(2025, 3, 2, 0, 1), n=4),  # 12 months and 1 day
    ]
    result = m.re_referrals(rows, FY24)
    assert result == {"Wessex": m.ReReferrals(referrals=2, re_referrals=1)}
    assert result["Wessex"].share.percent == 50.0


def test_re_referral_window_from_29_february_ends_on_28_february():
    rows = [
        note("leap", at(2024, 2, 29), n=1),
        note("leap", at(2025, 2, 28), n=2),
        note("leap2", at(2024, 2, 29), n=3),
        note("leap2", at(2025, 3, 1), n=4),
    ]
    assert m.re_referrals(rows, FY24)["Wessex"] == m.ReReferrals(2, 1)


def test_re_referrals_look_at_the_previous_referral_only_same_child_same_front_door():
    rows = [
        note("a", at(2023, 1, 10), n=1),  # more than 12 months before the next
        note("a", at(2024, 5, 1), n=2),  # not a re-referral
        note("a", at(2024, 5, 1, 15), n=3),  # same day: a re-referral
        note("a", at(2025, 4, 30), door="Kennet", n=4),  # another front door
        note("b", at(2024, 4, 20), n=5),  # another child
    ]
    assert m.re_referrals(rows, FY24) == {"Wessex": m.ReReferrals(3, 1)}
    assert m.re_referrals(rows, FY25) == {"Kennet": m.ReReferrals(1, 0)}
    assert m.re_referrals([], FY24) == {}


# --- Incidents and children --------------------------------------------------------------


def test_children_per_incident_and_victims_in_their_own_right():
    c = m.IncidentChild
    rows = [
        m.IncidentRow(1, "W", at(2024, 5, 1), (c("a", True), c("b", False))),
        m.IncidentRow(2, "W", at(2024, 6, 1), (c("a", True), c("a", True))),  # listed twice
        m.IncidentRow(3, "W", at(2024, 7, 1), ()),
        m.IncidentRow(4, "W", at(2025, 4, 1), (c("z", True),)),  # next year
    ]
    result = m.children_at_incidents(rows, FY24)
    assert result.incidents == 3
    assert result.children == 3  # a at two incidents, b
    assert result.distinct_children == 2
    assert result.by_number == {0: 1, 1: 1, 2: 1}
    assert result.children_per_incident == 1.0
    assert (result.victims_in_own_right, result.distinct_victims_in_own_right) == (2, 1)
    assert result.victims_share == m.Share(2, 3)
    empty = m.children_at_incidents([], FY24)
    assert (empty.incidents, empty.children_per_incident, empty.victims_share.percent) == (
        0,
        None,
        None,
    )


# --- Timeliness --------------------------------------------------------------------------


def stage(started, due, done=None, *, route=Route.CHILD_CONCERN, area="W") -> m.DeadlineRow:
    return m.DeadlineRow(route, Stage.DECIDE, area, started, due, done)


def test_done_exactly_at_the_deadline_is_on_time():
    due = at(2024, 5, 2, 23, 59) + dt.timedelta(seconds=59)
    rows = [
        stage(at(2024, 5, 1), due, due),  # exactly at its deadline
        stage(at(2024, 5, 1), due, due + dt.timedelta(seconds=1)),  # one second late
    ]
    result = m.timeliness(rows, FY24, NOW)
    assert (result.on_time, result.late) == (1, 1)
    assert result.on_time_share.percent == 50.0


def test_timeliness_counts_pending_overdue_and_times():
    now = at(2024, 5, 10)
    rows = [
        stage(at(2024, 5, 1), at(2024, 5, 3), at(2024, 5, 1, 12)),  # 2 hours
        stage(at(2024, 5, 1), at(2024, 5, 3), at(2024, 5, 2)),  # 1 day
        stage(at(2024, 5, 1), at(2024, 5, 3), at(2024, 5, 5)),  # 4 days, late
        stage(at(2024, 5, 1), at(2024, 5, 3)),  # not done, overdue
        stage(at(2024, 5, 9), at(2024, 5, 11)),  # not done, not yet due
        stage(at(2024, 3, 30), at(2024, 4, 2)),  # started last year: overdue, not counted
    ]
    result = m.timeliness(rows, FY24, now)
    assert (result.started, result.on_time, result.late, result.pending) == (5, 2, 2, 1)
    assert result.overdue_now == 1
    assert result.on_time_share == m.Share(2, 4)
    assert result.median == dt.timedelta(days=1)  # rank ceil(1.5) = 2 of 2h, 1d, 4d
    assert result.p90 == dt.timedelta(days=4)
    assert m.overdue_now(rows, now) == 2  # the one started last year too


def test_timeliness_of_nothing():
    result = m.timeliness([], FY24, NOW)
    assert (result.started, result.median, result.p90, result.on_time_share.percent) == (
        0,
        None,
        None,
        None,
    )


def test_timeliness_by_route_and_stage_from_notifications():
    rows = [
        note(
            "a",
            at(2024, 5, 1),
            acknowledge_due=at(2024, 5, 1, 23),
            acknowledged_at=at(2024, 5, 1, 11),
            decide_due=at(2024, 5, 2, 23),
            decided_at=at(2024, 5, 3),
            decision=Decision.EARLY_HELP,
        ),
        note("b", at(2024, 5, 1), n=2),  # no stored deadlines: no stages
    ]
    stages = m.notification_deadlines(rows)
    assert len(stages) == 2
    follow_up = stage(at(2024, 5, 1), at(2024, 5, 8), at(2024, 5, 7), route=Route.CHILD_FOLLOW_UP)
    result = m.timeliness_by([*stages, follow_up], FY24, NOW, key=lambda r: (r.route, r.stage))
    assert result[(Route.CHILD_CONCERN, Stage.ACKNOWLEDGE)].on_time == 1
    assert result[(Route.CHILD_CONCERN, Stage.DECIDE)].late == 1
    assert result[(Route.CHILD_FOLLOW_UP, Stage.DECIDE)].on_time == 1


# --- Outcomes ----------------------------------------------------------------------------


def test_decisions_by_decision_with_zeros_and_those_awaiting():
    rows = [
        note("a", decision=Decision.NO_FURTHER_ACTION, n=1),
        note("b", decision=Decision.NO_FURTHER_ACTION, n=2),
        note("c", decision=Decision.STRATEGY_DISCUSSION, n=3),
        note("d", n=4),
        note("e", at(2025, 4, 1), decision=Decision.EARLY_HELP, n=5),  # next year
    ]
    result = m.decisions(rows, FY24)
    assert result[Decision.NO_FURTHER_ACTION] == 2
    assert result[Decision.STRATEGY_DISCUSSION] == 1
    assert result[Decision.EARLY_HELP] == 0
    assert result[m.AWAITING] == 1
    assert sum(result.values()) == 4
    assert set(m.decisions([], FY24)) == {d.value for d in Decision} | {m.AWAITING}


def marac(ref, victim, children, *, repeat=False, police=True, sent=None, outcome=None):
    return m.MaracReferralRow(
        referral_id=ref,
        marac="Wessex MARAC",
        victim_id=victim,
        perpetrator_id="p",
        sent_at=sent or at(2024, 6, 1),
        repeat=repeat,
        from_police=police,
        outcome=outcome,
        children=children,
    )


def test_a_child_in_two_marac_households_counts_in_each_case_but_once_as_a_child():
    rows = [
        marac(1, "mum", ("kid", "sib"), outcome=MaracOutcome.HEARD),
        marac(2, "stepmum", ("kid",), repeat=True, police=False),  # kid's other household
        marac(3, "x", (), outcome=MaracOutcome.NOT_ACCEPTED),
        marac(4, "y", ("other",), sent=at(2025, 4, 1)),  # next year
    ]
    result = m.marac_measures(rows, FY24)
    assert (result.referrals, result.repeats, result.from_others, result.heard) == (3, 1, 1, 1)
    assert (result.children, result.distinct_children) == (3, 2)
    assert result.repeat_rate == m.Share(1, 3)
    assert result.non_police_share.count == 1
    empty = m.marac_measures([], FY24)
    assert (empty.referrals, empty.repeat_rate.percent) == (0, None)


def test_marac_rate_per_10000_adult_women():
    assert m.per_10000(40, 10_000) == 40.0


# --- Known to children's services --------------------------------------------------------


def test_known_before_within_5_working_days_and_not_known():
    # Incident on Thursday 19 December 2024: the 5th working day after is Monday 30
    # December (Christmas Day and Boxing Day, then the weekend, are not working days).
    incident = at(2024, 12, 19, 20)
    households = [m.HighRiskHousehold(1, "W", incident, ("before", "open", "within", "late"))]
    households.append(m.HighRiskHousehold(2, "W", incident, ("closed", "none")))
    contacts = [
        m.ChildServicesContact("before", at(2024, 3, 1)),  # earlier notification acknowledged
        m.ChildServicesContact("open", at(2024, 11, 1), None, is_notification=False),
        m.ChildServicesContact("closed", at(2024, 1, 1), at(2024, 6, 1), is_notification=False),
        m.ChildServicesContact("within", at(2024, 12, 30, 23, 59)),  # end of 5th working day
        m.ChildServicesContact("late", at(2024, 12, 31, 0, 0)),  # 6th working day
        m.ChildServicesContact("stranger", at(2024, 12, 20)),  # not in a household
    ]
    result = m.known_to_childrens_services(households, contacts, FY24)
    assert (result.children, result.already_known, result.known_within, result.not_known) == (
        6,
        2,
        1,
        3,
    )
    assert result.already_known_share == m.Share(2, 6)
    assert result.known_within_share == m.Share(1, 6)
    assert result.known_by_then_share == m.Share(3, 6)


def test_a_child_in_two_high_risk_households_counts_once_at_the_first_incident():
    households = [
        m.HighRiskHousehold(2, "W", at(2024, 9, 1), ("kid",)),
        m.HighRiskHousehold(1, "W", at(2024, 5, 1), ("kid",)),
        m.HighRiskHousehold(3, "W", at(2024, 3, 1), ("old",)),  # previous year
    ]
    # Known after the first incident's 5 working days but before the second: not
    # "already known" at the first incident, which is the one that counts.
    contacts = [m.ChildServicesContact("kid", at(2024, 6, 1))]
    result = m.known_to_childrens_services(households, contacts, FY24)
    assert (result.children, result.already_known, result.known_within) == (1, 0, 0)
    empty = m.known_to_childrens_services([], [], FY24)
    assert (empty.children, empty.already_known_share.percent) == (0, None)


def test_the_households_jurisdiction_is_the_calendar_used():
    household = m.HighRiskHousehold(1, "W", at(2025, 3, 28), ("kid",), jurisdiction="wales")
    contacts = [m.ChildServicesContact("kid", at(2025, 4, 4, 18))]  # Friday: 5th working day
    assert m.known_to_childrens_services([household], contacts, FY24).known_within == 1
    nowhere = m.HighRiskHousehold(1, "W", at(2025, 3, 28), ("kid",), jurisdiction="scotland")
    with pytest.raises(ValueError, match="scotland"):
        m.known_to_childrens_services([nowhere], [], FY24)


def test_assessments_with_domestic_abuse_factors():
    def done(child, factors, when=None):
        return m.AssessmentRow(child, "W", when or at(2024, 8, 1), frozenset(factors))

    rows = [
        done("a", {"3A", "3B", "4B"}),
        done("b", {"3C"}),
        done("c", {"21"}),
        done("d", {"3B"}, at(2024, 3, 31, 23, 59)),  # previous year
    ]
    result = m.domestic_abuse_factors(rows, FY24)
    assert (result.assessments, result.with_domestic_abuse) == (3, 2)
    assert result.by_factor == {"3A": 1, "3B": 1, "3C": 1}
    assert result.share == m.Share(2, 3)
    assert m.domestic_abuse_factors([], FY24).share.percent is None
