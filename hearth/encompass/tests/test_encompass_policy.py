"""Rule ENC-1 as a pure policy (``policy.encompass``), no database: who is of reception
to 17 age, which setting or team each child's school is told through, siblings grouped
by team, the local authority's education safeguarding team for the children no school
can be told about, health visiting where an area opts in, children already told, and
the due time by the school's own terms, then its local authority's, else estimated."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from hearth.core.calendar import SchoolCalendar, Term
from hearth.core.clock import LONDON
from hearth.encompass import policy as enc
from hearth.encompass.policy import (
    ENCOMPASS_RULE,
    AgeBand,
    AreaIn,
    ChildIn,
    Education,
    EncompassIn,
    SettingIn,
    Template,
    age_band,
    notification_key,
    route_encompass,
)
from hearth.referrals.policy import (
    Owner,
    PlannedDeadline,
    RoutingResult,
    Stage,
    Unrouted,
)

# --- Calendars -----------------------------------------------------------------------------

# The local authority's 2026-27 year: autumn half term 26-30 October, an INSET day on the
# Monday after it (2 November), Christmas from 19 December.
LA_TERMS = SchoolCalendar(
    name="Northshire's term dates",
    stamp="la-1/v3",
    terms=(
        Term(dt.date(2026, 9, 2), dt.date(2026, 10, 23)),
        Term(dt.date(2026, 11, 2), dt.date(2026, 12, 18)),
        Term(dt.date(2027, 1, 4), dt.date(2027, 2, 12)),
        Term(dt.date(2027, 2, 22), dt.date(2027, 7, 21)),
    ),
    inset_days=frozenset({dt.date(2026, 11, 2)}),
)
# An academy that sets its own year: its half term is a week later, its day starts at 08:30.
OWN_TERMS = SchoolCalendar(
    name="Ashcombe Academy's own term dates",
    stamp="setting-7/v1",
    terms=(
        Term(dt.date(2026, 9, 3), dt.date(2026, 10, 30)),
        Term(dt.date(2026, 11, 9), dt.date(2026, 12, 18)),
        Term(dt.date(2027, 1, 5), dt.date(2027, 7, 20)),
    ),
    day_starts=dt.time(8, 30),
)

# --- Settings, areas, children ---------------------------------------------------------------

NORTHSHIRE, SOUTHMOOR = 1, 2
EDUCATION_TEAM, HEALTH_VISITING = 501, 601
PRIMARY_TEAM, ACADEMY_TEAM = 101, 102

PRIMARY = SettingIn(
    urn="990003",
    name="Brackenford Primary School",
    is_open=True,
    dsl_team_id=PRIMARY_TEAM,
    area_id=NORTHSHIRE,
    calendars=(LA_TERMS,),
)
ACADEMY = SettingIn(
    urn="990002",
    name="Ashcombe Academy",
    is_open=True,
    dsl_team_id=ACADEMY_TEAM,
    area_id=NORTHSHIRE,
    calendars=(OWN_TERMS, LA_TERMS),
)
CLOSED = SettingIn(
    urn="990041",
    name="Old Mill Primary School",
    is_open=False,
    dsl_team_id=None,
    area_id=NORTHSHIRE,
    calendars=(LA_TERMS,),
)
WITHOUT_HEARTH = SettingIn(
    urn="990042",
    name="Wrenfield Infant School",
    is_open=True,
    dsl_team_id=None,
    area_id=NORTHSHIRE,
    calendars=(LA_TERMS,),
)
NO_CALENDAR = SettingIn(
    urn="990050",
    name="Fernhill Primary School",
    is_open=True,
    dsl_team_id=103,
    area_id=NORTHSHIRE,
    calendars=(),
)
SETTINGS = {s.urn: s for s in (PRIMARY, ACADEMY, CLOSED, WITHOUT_HEARTH, NO_CALENDAR)}

NORTHSHIRE_AREA = AreaIn(
    area_id=NORTHSHIRE,
    area_name="Northshire",
    education_team_id=EDUCATION_TEAM,
    health_visiting_team_id=HEALTH_VISITING,
    health_visiting_opted_in=False,
    calendars=(LA_TERMS,),
)
SOUTHMOOR_AREA = AreaIn(
    area_id=SOUTHMOOR,
    area_name="Southmoor",
    education_team_id=EDUCATION_TEAM + 1,
    health_visiting_team_id=HEALTH_VISITING,
    health_visiting_opted_in=True,
    calendars=(),
)
AREAS = {NORTHSHIRE: NORTHSHIRE_AREA, SOUTHMOOR: SOUTHMOOR_AREA}

# Tuesday 1 December 2026, 22:00: the next school day starts on Wednesday.
RECEIVED = dt.datetime(2026, 12, 1, 22, 0, tzinfo=LONDON)
WEDNESDAY_0845 = dt.datetime(2026, 12, 2, 8, 45, tzinfo=LONDON)
EIGHT = dt.date(2018, 6, 11)  # in year 3 in December 2026


def child(
    person_id: int,
    born: dt.date | None = EIGHT,
    education: str = Education.REGISTERED,
    urn: str = PRIMARY.urn,
    *,
    age: int | None = None,
    named: str = "",
    area: int | None = NORTHSHIRE,
) -> ChildIn:
    return ChildIn(
        person_id=person_id,
        date_of_birth=born,
        age=age,
        education=education,
        setting_urn=urn,
        setting_named=named,
        area_id=area,
    )


def incident(
    *children: ChildIn,
    received: dt.datetime = RECEIVED,
    notified: frozenset[int] = frozenset(),
    template: Template = Template.MINIMAL,
) -> EncompassIn:
    return EncompassIn(
        incident_id=77,
        occurred_on=received.date(),
        received_at=received,
        template=template,
        children=children,
        notified=notified,
    )


def routed(
    *children: ChildIn,
    received: dt.datetime = RECEIVED,
    notified: frozenset[int] = frozenset(),
) -> RoutingResult:
    return route_encompass(
        incident(*children, received=received, notified=notified), SETTINGS, AREAS
    )


# --- Reception to 17 -------------------------------------------------------------------------

ON = dt.date(2026, 12, 1)  # the school year began on 1 September 2026


@pytest.mark.parametrize(
    ("born", "age", "on", "band"),
    [
        # 4 on 31 August 2026, before the school year: in reception.
        (dt.date(2022, 8, 31), None, ON, AgeBand.SCHOOL_AGE),
        # Born on 1 September: 4 by December, but not until after the year began.
        (dt.date(2022, 9, 1), None, ON, AgeBand.UNDER_SCHOOL_AGE),
        # The same children on the first day of that school year, and at its very end.
        (dt.date(2022, 8, 31), None, dt.date(2026, 9, 1), AgeBand.SCHOOL_AGE),
        (dt.date(2022, 9, 1), None, dt.date(2027, 8, 31), AgeBand.UNDER_SCHOOL_AGE),
        (dt.date(2026, 5, 1), None, ON, AgeBand.UNDER_SCHOOL_AGE),  # a baby
        (EIGHT, None, ON, AgeBand.SCHOOL_AGE),
        # 17 (the day before the 18th birthday) is included; 18 is not.
        (dt.date(2008, 12, 2), None, ON, AgeBand.SCHOOL_AGE),
        (dt.date(2008, 12, 1), None, ON, AgeBand.ADULT),
        # An estimated age when there is no date of birth.
        (None, 17, ON, AgeBand.SCHOOL_AGE),
        (None, 18, ON, AgeBand.ADULT),
        (None, 4, ON, AgeBand.SCHOOL_AGE),
        (None, 3, ON, AgeBand.UNDER_SCHOOL_AGE),
        (None, None, ON, AgeBand.NOT_KNOWN),
        # A date of birth wins over an estimate.
        (dt.date(2008, 12, 1), 12, ON, AgeBand.ADULT),
    ],
)
def test_age_band_is_reception_to_17_by_school_year(
    born: dt.date | None, age: int | None, on: dt.date, band: AgeBand
) -> None:
    assert age_band(date_of_birth=born, age=age, on=on) == band


@pytest.mark.parametrize(
    ("someone", "notified"),
    [
        (child(1, dt.date(2008, 12, 2)), True),  # 17
        (child(1, dt.date(2008, 12, 1)), False),  # 18 today
        (child(1, None, age=17), True),
        (child(1, None, age=18), False),
        (child(1, dt.date(2022, 8, 31)), True),  # reception
        (child(1, None), True),  # no age known, but a school: told rather than not
    ],
)
def test_only_children_of_reception_to_17_are_notified(someone: ChildIn, notified: bool) -> None:
    result = routed(someone)
    assert len(result.planned) == int(notified)
    assert result.unrouted == ()


# --- Siblings ---------------------------------------------------------------------------------


def test_siblings_at_one_school_arrive_as_one_notification_listing_each() -> None:
    result = routed(child(12), child(11, dt.date(2016, 3, 1)))
    assert result.unrouted == ()
    (plan,) = result.planned
    assert plan.route == enc.ROUTE
    assert plan.team_id == PRIMARY_TEAM
    assert plan.data["children"] == [11, 12]
    assert plan.subject_id == 11
    assert plan.data["setting_urn"] == PRIMARY.urn
    assert plan.data["addressee"] == "setting"
    assert plan.data["template"] == "minimal"
    assert plan.send_now
    assert plan.rule == ENCOMPASS_RULE
    assert plan.reason.startswith("2 children related to an adult")
    assert "registered at Brackenford Primary School (URN 990003)" in plan.reason
    assert "s.49A" in plan.reason


def test_the_key_is_the_same_however_often_and_in_whatever_order_it_is_routed() -> None:
    first = routed(child(11), child(12))
    again = routed(child(12), child(11))
    assert first == again
    assert first.planned[0].key == notification_key(77, PRIMARY_TEAM, [12, 11])
    assert first.planned[0].key.startswith(f"{ENCOMPASS_RULE}:incident:77:team:{PRIMARY_TEAM}:")


def test_the_key_is_bounded_whatever_the_familys_size() -> None:
    """The ledger's keys hold 200 characters: listing each child's id overflowed them at
    about 34 siblings (issue 11)."""
    largest = 2**63 - 1
    family = [largest - n for n in range(1000)]
    key = notification_key(largest, largest, family)
    assert len(key) <= 200
    assert routed(*(child(n) for n in range(1, 201))).planned[0].key.count(":") == 7
    # Different children, or the same children to another team, are other notifications.
    assert key != notification_key(largest, largest, family[:-1])
    assert key != notification_key(largest, largest - 1, family)


def test_siblings_at_two_schools_make_two_notifications() -> None:
    result = routed(child(11), child(12, dt.date(2014, 1, 30), urn=ACADEMY.urn))
    assert [(p.team_id, p.data["children"]) for p in result.planned] == [
        (PRIMARY_TEAM, [11]),
        (ACADEMY_TEAM, [12]),
    ]
    assert len({p.key for p in result.planned}) == 2


# --- The local authority's education safeguarding team --------------------------------------


@pytest.mark.parametrize(
    ("someone", "why"),
    [
        (
            child(11, urn=CLOSED.urn),
            "recorded at Old Mill Primary School (URN 990041), which is closed",
        ),
        (
            child(11, urn=WITHOUT_HEARTH.urn),
            "registered at Wrenfield Infant School (URN 990042), which does not use Hearth",
        ),
        (
            child(11, urn="999999", named="St Aldhelm's Prep"),
            "at a school, nursery or college not in Hearth's directory (St Aldhelm's Prep)",
        ),
        (
            child(11, urn="", named="A school in Bristol"),
            "not in Hearth's directory (A school in Bristol)",
        ),
        (child(11, education=Education.ELECTIVELY_HOME_EDUCATED, urn=""), "electively home"),
        (
            child(11, education=Education.NOT_IN_EDUCATION, urn=""),
            "not registered at any school or college",
        ),
        (
            child(11, education=Education.NOT_KNOWN, urn=""),
            "their school is not known",
        ),
        # A school recorded but the child marked home educated: the school is not told.
        (child(11, education=Education.ELECTIVELY_HOME_EDUCATED), "electively home educated"),
    ],
)
def test_children_no_school_can_be_told_about_go_to_the_education_team(
    someone: ChildIn, why: str
) -> None:
    result = routed(someone)
    assert result.unrouted == ()
    (plan,) = result.planned
    assert plan.team_id == EDUCATION_TEAM
    assert plan.data["addressee"] == "education_team"
    assert plan.data["setting_urn"] == ""
    assert why in plan.reason
    assert "Northshire's education safeguarding team is told" in plan.reason
    (due,) = plan.deadlines
    assert due.due_at == WEDNESDAY_0845
    assert not due.estimated  # the local authority's terms


def test_children_going_to_the_education_team_together_share_a_notification() -> None:
    result = routed(
        child(11, education=Education.ELECTIVELY_HOME_EDUCATED, urn=""),
        child(12, urn=CLOSED.urn),
    )
    (plan,) = result.planned
    assert plan.team_id == EDUCATION_TEAM
    assert plan.data["children"] == [11, 12]
    assert "electively home educated" in plan.reason and "which is closed" in plan.reason


@pytest.mark.parametrize(
    ("someone", "areas"),
    [
        (child(11, education=Education.ELECTIVELY_HOME_EDUCATED, urn="", area=None), AREAS),
        (child(11, urn=CLOSED.urn, area=None), AREAS),
        (
            child(11, education=Education.NOT_IN_EDUCATION, urn=""),
            {NORTHSHIRE: replace(NORTHSHIRE_AREA, education_team_id=None)},
        ),
    ],
)
def test_no_education_team_known_leaves_the_child_unrouted(
    someone: ChildIn, areas: dict[int, AreaIn]
) -> None:
    result = route_encompass(incident(someone), SETTINGS, areas)
    assert result.planned == ()
    (unrouted,) = result.unrouted
    assert unrouted == Unrouted(enc.ROUTE, 11, unrouted.reason)
    assert "no education safeguarding team is known" in unrouted.reason


def test_a_school_is_told_even_when_nothing_is_known_of_where_the_child_lives() -> None:
    (plan,) = routed(child(11, area=None)).planned
    assert plan.team_id == PRIMARY_TEAM


# --- Under school age ----------------------------------------------------------------------

BABY = dt.date(2026, 5, 1)


def test_under_school_age_is_outside_the_duty_where_the_area_has_not_opted_in() -> None:
    # Even registered at a school with a nursery class: the duty is reception to 17.
    result = routed(
        child(21, BABY, Education.UNDER_SCHOOL_AGE, ""),
        child(22, dt.date(2023, 1, 5), Education.REGISTERED, PRIMARY.urn),
        child(23, BABY, Education.UNDER_SCHOOL_AGE, "", area=None),
    )
    assert result == route_encompass(incident(), SETTINGS, AREAS)  # nothing at all


def test_under_school_age_goes_to_health_visiting_where_the_area_opted_in() -> None:
    result = routed(
        child(21, BABY, Education.UNDER_SCHOOL_AGE, "", area=SOUTHMOOR),
        child(22, dt.date(2023, 1, 5), Education.REGISTERED, PRIMARY.urn, area=SOUTHMOOR),
    )
    assert result.unrouted == ()
    (plan,) = result.planned
    assert plan.team_id == HEALTH_VISITING
    assert plan.data["children"] == [21, 22]
    assert plan.data["addressee"] == "health_visiting"
    assert "under school age, living in Southmoor, which tells health visiting" in plan.reason
    (due,) = plan.deadlines
    # Health visitors work working days: 09:00 on the next one.
    assert due.due_at == dt.datetime(2026, 12, 2, 9, 0, tzinfo=LONDON)
    friday = routed(
        child(21, BABY, Education.UNDER_SCHOOL_AGE, "", area=SOUTHMOOR),
        received=dt.datetime(2026, 12, 4, 22, 0, tzinfo=LONDON),
    )
    assert friday.planned[0].deadlines[0].due_at == dt.datetime(2026, 12, 7, 9, 0, tzinfo=LONDON)


def test_an_opted_in_area_with_no_health_visiting_team_leaves_the_child_unrouted() -> None:
    areas = {SOUTHMOOR: replace(SOUTHMOOR_AREA, health_visiting_team_id=None)}
    result = route_encompass(
        incident(child(21, BABY, Education.UNDER_SCHOOL_AGE, "", area=SOUTHMOOR)), SETTINGS, areas
    )
    assert result.planned == ()
    (unrouted,) = result.unrouted
    assert unrouted.subject_id == 21 and unrouted.route == enc.ROUTE
    assert "no health visiting team is known" in unrouted.reason


# --- Children already told -------------------------------------------------------------------


def test_children_already_notified_are_not_planned_again() -> None:
    siblings = (child(11), child(12), child(13, education=Education.NOT_IN_EDUCATION, urn=""))
    assert routed(*siblings, notified=frozenset({11, 12, 13})).planned == ()
    (plan,) = routed(*siblings, notified=frozenset({11, 13})).planned
    assert plan.data["children"] == [12]
    assert plan.team_id == PRIMARY_TEAM


# --- When it is due --------------------------------------------------------------------------


def _due(setting: SettingIn, received: dt.datetime) -> PlannedDeadline:
    (plan,) = routed(child(11, urn=setting.urn), received=received).planned
    (due,) = plan.deadlines
    return due


def test_due_at_the_start_of_the_next_school_day_owed_by_the_school() -> None:
    due = _due(PRIMARY, RECEIVED)
    assert due.due_at == WEDNESDAY_0845
    assert due.stage == Stage.ACKNOWLEDGE
    assert due.owner == Owner.RECIPIENT
    assert due.rule == ENCOMPASS_RULE
    assert "la-1/v3" in due.rule_version
    assert not due.estimated
    assert due.basis.startswith("The start of the next school day by Northshire's term dates")
    # Friday 22:00 is told by Monday's start; a school morning at 07:00, by that morning.
    friday = dt.datetime(2026, 12, 4, 22, 0, tzinfo=LONDON)
    assert _due(PRIMARY, friday).due_at == dt.datetime(2026, 12, 7, 8, 45, tzinfo=LONDON)
    morning = dt.datetime(2026, 12, 2, 7, 0, tzinfo=LONDON)
    assert _due(PRIMARY, morning).due_at == WEDNESDAY_0845


@pytest.mark.parametrize(
    ("setting", "due", "estimated", "by"),
    [
        # The local authority's half term, then its INSET day: Tuesday 3 November.
        (PRIMARY, dt.datetime(2026, 11, 3, 8, 45, tzinfo=LONDON), False, "Northshire's"),
        # The academy's own terms run on through the local authority's half term.
        (ACADEMY, dt.datetime(2026, 10, 26, 8, 30, tzinfo=LONDON), False, "Ashcombe Academy's"),
        # No calendar: the next weekday that is not a bank holiday, estimated.
        (NO_CALENDAR, dt.datetime(2026, 10, 26, 8, 45, tzinfo=LONDON), True, "Estimated"),
    ],
)
def test_due_time_follows_the_schools_own_calendar_then_its_local_authoritys(
    setting: SettingIn, due: dt.datetime, estimated: bool, by: str
) -> None:
    friday_before_half_term = dt.datetime(2026, 10, 23, 22, 0, tzinfo=LONDON)
    planned = _due(setting, friday_before_half_term)
    assert planned.due_at == due
    assert planned.estimated is estimated
    assert by in planned.basis
    if estimated:
        assert "/weekdays/" in planned.rule_version


def test_the_academys_own_half_term_is_its_own_not_its_local_authoritys() -> None:
    # Friday 30 October: the local authority is back on Monday 2 November (an INSET day,
    # so Tuesday), the academy not until Monday 9 November.
    friday = dt.datetime(2026, 10, 30, 22, 0, tzinfo=LONDON)
    assert _due(PRIMARY, friday).due_at == dt.datetime(2026, 11, 3, 8, 45, tzinfo=LONDON)
    assert _due(ACADEMY, friday).due_at == dt.datetime(2026, 11, 9, 8, 30, tzinfo=LONDON)
