"""SPECIALIST-1, SERVICE-FIT-1 and UNMET-NEED-1: every boundary, pure."""

from __future__ import annotations

import datetime as dt

import pytest

from hearth.core import calendar
from hearth.core.clock import LONDON
from hearth.specialist import policy as p

NORTH, SOUTH = 1, 2
AREA = p.AreaSpecialist(area_id=NORTH, area_name="Northshire", lead_team_id=10)


def at(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=LONDON)


def service(**kw: object) -> p.ServiceFacts:
    base: dict[str, object] = {
        "service_id": 1,
        "name": "Little Oaks",
        "area_ids": frozenset({NORTH}),
        "min_age": 4,
        "max_age": 16,
        "places": 12,
        "places_taken": 3,
        "waiting_weeks": 2,
    }
    base.update(kw)
    return p.ServiceFacts(**base)  # type: ignore[arg-type]


CHILD = p.ChildForFit(area_id=NORTH, area_name="Northshire", age_years=8)


# --- SPECIALIST-1 -------------------------------------------------------------------------


def offer_in(
    *children: p.ChildVictimIn, areas: tuple[p.AreaSpecialist, ...] = (AREA,)
) -> p.OfferIn:
    return p.OfferIn(incident_id=5, received_at=at(2026, 3, 2), children=children, areas=areas)


def test_a_child_victim_is_offered_support_by_the_lead_team() -> None:
    result = p.offer_plan(offer_in(p.ChildVictimIn(7, NORTH, 8, s3_victim=True)))
    (planned,) = result.planned
    assert planned.key == "SPECIALIST-1:incident:5:child:7"
    assert planned.team_id == 10 and planned.subject_id == 7
    assert planned.rule == "SPECIALIST-1" and planned.rule_version == "1"
    assert "s.3" in planned.reason and "Northshire" in planned.reason
    assert result.unrouted == ()


@pytest.mark.parametrize(
    ("child", "why"),
    [
        (p.ChildVictimIn(7, NORTH, 8, s3_victim=False), "not an s.3 victim"),
        (p.ChildVictimIn(7, NORTH, 8, s3_victim=True, already_offered=True), "already"),
        (p.ChildVictimIn(7, NORTH, 18, s3_victim=True), "18 is not a child"),
    ],
)
def test_no_offer(child: p.ChildVictimIn, why: str) -> None:
    result = p.offer_plan(offer_in(child))
    assert result.planned == () and result.unrouted == (), why


def test_age_17_and_unknown_age_are_offered() -> None:
    result = p.offer_plan(
        offer_in(p.ChildVictimIn(7, NORTH, 17, True), p.ChildVictimIn(8, NORTH, None, True))
    )
    assert [x.subject_id for x in result.planned] == [7, 8]


def test_no_lead_team_is_unrouted_not_dropped() -> None:
    no_team = p.AreaSpecialist(area_id=NORTH, area_name="Northshire", lead_team_id=None)
    for areas, area_id in (((no_team,), NORTH), ((AREA,), SOUTH), ((AREA,), None)):
        result = p.offer_plan(offer_in(p.ChildVictimIn(7, area_id, 8, True), areas=areas))
        assert result.planned == ()
        (unrouted,) = result.unrouted
        assert unrouted.route == p.OFFER_ROUTE and unrouted.subject_id == 7


def test_offer_due_ten_working_days_from_the_decision() -> None:
    decided = at(2026, 3, 3, 15)  # a Tuesday
    d = p.offer_deadline(
        decided_at=decided, decision_due_at=None, received_at=at(2026, 3, 2), area=AREA
    )
    assert d.due_at == calendar.working_day_deadline(decided, 10)
    assert calendar.local_date(d.due_at) == dt.date(2026, 3, 17)
    assert not d.estimated and d.basis == "10 working days from the front door's decision"
    assert d.rule == "SPECIALIST-1" and d.rule_version.startswith("1/")


def test_offer_planned_before_the_decision_counts_from_its_due_time_estimated() -> None:
    due = at(2026, 3, 3, 23)
    d = p.offer_deadline(
        decided_at=None, decision_due_at=due, received_at=at(2026, 3, 2), area=AREA
    )
    assert d.estimated and "not made yet" in d.basis
    assert d.due_at == calendar.working_day_deadline(due, 10)
    # Without a notification at all, from receipt.
    d = p.offer_deadline(
        decided_at=None, decision_due_at=None, received_at=at(2026, 3, 2), area=AREA
    )
    assert d.due_at == calendar.working_day_deadline(at(2026, 3, 2), 10)


def test_offer_days_configurable_and_one_day_is_singular() -> None:
    area = p.AreaSpecialist(NORTH, "Northshire", 10, offer_working_days=1)
    d = p.offer_deadline(
        decided_at=at(2026, 3, 3), decision_due_at=None, received_at=at(2026, 3, 3), area=area
    )
    assert d.basis.startswith("1 working day from") and calendar.local_date(d.due_at) == dt.date(
        2026, 3, 4
    )


def test_offer_plan_uses_the_decision_when_known() -> None:
    decided = at(2026, 3, 4)
    result = p.offer_plan(offer_in(p.ChildVictimIn(7, NORTH, 8, True, decided_at=decided)))
    (deadline,) = result.planned[0].deadlines
    assert deadline.due_at == calendar.working_day_deadline(decided, 10)
    assert deadline.stage == p.Stage.OUTCOME and deadline.owner == p.Owner.RECIPIENT


def test_acknowledge_two_working_days_from_receipt() -> None:
    friday = at(2026, 3, 6, 16)
    d = p.acknowledge_deadline(friday, AREA)
    assert calendar.local_date(d.due_at) == dt.date(2026, 3, 10)
    assert d.basis == "2 working days from receipt" and d.rule == "SPECIALIST-REF-1"


# --- referral steps' checks -------------------------------------------------------------------


def test_decline_needs_a_listed_reason_and_a_note() -> None:
    assert p.decline_problems("no_capacity", "Full until spring") == {}
    assert set(p.decline_problems("busy", "x")) == {"reason"}
    assert set(p.decline_problems("other", "  ")) == {"note"}


def test_accept_needs_a_start_or_an_expected_start() -> None:
    day = dt.date(2026, 4, 1)
    assert p.accept_problems(waiting_list=False, start_on=day, expected_start_on=None) == {}
    assert p.accept_problems(waiting_list=True, start_on=None, expected_start_on=day) == {}
    assert set(p.accept_problems(waiting_list=False, start_on=None, expected_start_on=day)) == {
        "start_on"
    }
    assert set(p.accept_problems(waiting_list=True, start_on=day, expected_start_on=None)) == {
        "expected_start_on"
    }


def test_outcome_checks() -> None:
    assert p.outcome_problems("completed", "") == {}
    assert p.outcome_problems("moved_on", "") == {}
    assert set(p.outcome_problems("ended_early", " ")) == {"reason"}
    assert p.outcome_problems("ended_early", "Moved away") == {}
    assert set(p.outcome_problems("accepted", "")) == {"outcome"}


# --- SERVICE-FIT-1 ---------------------------------------------------------------------------


def test_a_service_that_fits() -> None:
    fit = p.service_fit(CHILD, service())
    assert fit.fits and fit.covers and fit.reasons == () and fit.notes == ()


def test_does_not_cover_the_area() -> None:
    fit = p.service_fit(CHILD, service(area_ids=frozenset({SOUTH})))
    assert not fit.fits and fit.reasons == ("Does not cover Northshire",)
    nowhere = p.ChildForFit(area_id=None, area_name="", age_years=8)
    assert p.service_fit(nowhere, service()).reasons == ("Does not cover where the child lives",)


@pytest.mark.parametrize(
    ("age", "fits"), [(3, False), (4, True), (5, True), (15, True), (16, True), (17, False)]
)
def test_age_bounds_are_inclusive(age: int, fits: bool) -> None:
    child = p.ChildForFit(NORTH, "Northshire", age)
    fit = p.service_fit(child, service())
    assert fit.fits is fits and fit.fits_age is fits
    if not fits:
        assert fit.reasons == (f"For ages 4 to 16: the child is {age}",)


def test_a_baby_is_described_in_months() -> None:
    baby = p.ChildForFit(NORTH, "Northshire", 0, age_months=8)
    assert p.service_fit(baby, service()).reasons == (
        "For ages 4 to 16: the child is 8 months old",
    )
    two = p.ChildForFit(NORTH, "Northshire", 2, age_months=26)
    assert p.service_fit(two, service()).reasons == ("For ages 4 to 16: the child is 2",)
    one_month = p.ChildForFit(NORTH, "Northshire", 0, age_months=1)
    assert p.service_fit(one_month, service()).reasons[0].endswith("1 month old")


@pytest.mark.parametrize(
    ("min_age", "max_age", "age", "fits", "words"),
    [
        (None, None, 0, True, "all ages"),
        (None, None, 17, True, "all ages"),
        (None, 12, 12, True, "ages up to 12"),
        (None, 12, 13, False, "ages up to 12"),
        (13, None, 13, True, "ages 13 and over"),
        (13, None, 12, False, "ages 13 and over"),
    ],
)
def test_open_ended_age_bounds(
    min_age: int | None, max_age: int | None, age: int, fits: bool, words: str
) -> None:
    fit = p.service_fit(p.ChildForFit(NORTH, "N", age), service(min_age=min_age, max_age=max_age))
    assert fit.fits is fits
    assert p.ages_words(min_age, max_age) == words


def test_age_not_known_fits_with_a_note() -> None:
    fit = p.service_fit(p.ChildForFit(NORTH, "N", None), service())
    assert fit.fits and fit.notes == (
        "The child's age is not known: the service is for ages 4 to 16",
    )
    assert (
        p.service_fit(p.ChildForFit(NORTH, "N", None), service(min_age=None, max_age=None)).notes
        == ()
    )


def test_closed_to_referrals() -> None:
    fit = p.service_fit(CHILD, service(open_to_referrals=False))
    assert not fit.fits and fit.reasons == ("Closed to referrals",)
    assert p.capacity_words(service(open_to_referrals=False)).startswith("Closed to referrals")


@pytest.mark.parametrize(("taken", "full"), [(11, False), (12, True), (13, True)])
def test_places_exactly_full_still_allows_a_waiting_list(taken: int, full: bool) -> None:
    fit = p.service_fit(CHILD, service(places_taken=taken))
    assert fit.fits and fit.full is full
    if full:
        assert fit.notes == ("Full (0 of 12 places free): the child would join the waiting list",)
    else:
        assert fit.notes == ()


def test_places_not_published_is_not_full() -> None:
    fit = p.service_fit(CHILD, service(places=None))
    assert not fit.full and p.places_free(service(places=None)) is None
    assert p.capacity_words(service(places=None, waiting_weeks=None)) == (
        "Places not published, waiting time not published"
    )


@pytest.mark.parametrize(
    ("weeks", "too_long"), [(None, False), (0, False), (5, False), (6, False), (7, True)]
)
def test_waiting_exactly_at_the_threshold_is_not_too_long(
    weeks: int | None, too_long: bool
) -> None:
    fit = p.service_fit(CHILD, service(waiting_weeks=weeks), threshold_weeks=6)
    assert fit.fits and fit.wait_too_long is too_long
    if too_long:
        assert fit.notes == (f"Waiting time {weeks} weeks exceeds the area's threshold of 6 weeks",)


def test_waiting_threshold_is_the_areas() -> None:
    assert p.service_fit(CHILD, service(waiting_weeks=8), threshold_weeks=8).notes == ()
    assert p.service_fit(CHILD, service(waiting_weeks=8)).notes == (
        "Waiting time 8 weeks exceeds the area's threshold of 6 weeks",
    )


def test_several_reasons_at_once() -> None:
    fit = p.service_fit(p.ChildForFit(SOUTH, "Southmoor", 2), service(open_to_referrals=False))
    assert fit.reasons == (
        "Does not cover Southmoor",
        "For ages 4 to 16: the child is 2",
        "Closed to referrals",
    )


def test_capacity_words() -> None:
    assert p.capacity_words(service()) == "9 of 12 places free, waiting time 2 weeks"
    assert p.capacity_words(service(places_taken=12, waiting_weeks=1)) == (
        "Full (0 of 12 places free), waiting time 1 week"
    )
    assert p.capacity_words(service(waiting_weeks=0)) == "9 of 12 places free, no wait"


def test_fits_listed_first_then_by_wait() -> None:
    services = [
        service(service_id=1, name="A", waiting_weeks=5),
        service(service_id=2, name="B", area_ids=frozenset({SOUTH})),
        service(service_id=3, name="C", waiting_weeks=1),
        service(service_id=4, name="D", places_taken=12, waiting_weeks=0),
    ]
    assert [f.service.service_id for f in p.fits_for(CHILD, services)] == [3, 1, 4, 2]


# --- UNMET-NEED-1 ---------------------------------------------------------------------------


def reason(*services: p.ServiceFacts, child: p.ChildForFit = CHILD) -> p.UnmetReason | None:
    return p.unmet_reason(p.fits_for(child, services, 6))


def test_unmet_reasons() -> None:
    assert reason() == p.UnmetReason.NO_SERVICE
    assert reason(service(area_ids=frozenset({SOUTH}))) == p.UnmetReason.NO_SERVICE
    baby = p.ChildForFit(NORTH, "Northshire", 0, 3)
    assert reason(service(), child=baby) == p.UnmetReason.NO_SERVICE
    assert reason(service(open_to_referrals=False)) == p.UnmetReason.ALL_CLOSED_OR_FULL
    assert reason(service(places_taken=12)) == p.UnmetReason.ALL_CLOSED_OR_FULL
    assert (
        reason(service(places_taken=12), service(service_id=2, open_to_referrals=False))
        == p.UnmetReason.ALL_CLOSED_OR_FULL
    )
    assert reason(service(waiting_weeks=7)) == p.UnmetReason.WAIT_TOO_LONG
    assert reason(service(waiting_weeks=6)) is None
    assert reason(service(waiting_weeks=7), service(service_id=2, waiting_weeks=6)) is None
    assert reason(service(places_taken=12), service(service_id=2)) is None


def test_waiting_list_place_too_far_away() -> None:
    today = dt.date(2026, 3, 2)
    assert not p.waiting_too_long(today + dt.timedelta(days=42), today, 6)
    assert p.waiting_too_long(today + dt.timedelta(days=43), today, 6)


# --- aggregates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (None, "unknown"),
        (-1, "unknown"),
        (0, "under_1"),
        (1, "1_4"),
        (4, "1_4"),
        (5, "5_9"),
        (9, "5_9"),
        (10, "10_15"),
        (15, "10_15"),
        (16, "16_17"),
        (17, "16_17"),
    ],
)
def test_age_bands(age: int | None, band: str) -> None:
    assert p.age_band(age) == band


@pytest.mark.parametrize(("count", "shown"), [(0, 0), (1, "c"), (5, "c"), (6, 6), (100, 100)])
def test_small_counts_suppressed(count: int, shown: int | str) -> None:
    assert p.suppress(count) == shown
