"""The same measures computed two ways agree (issue 15, Done when): directly from the
ledger (``hearth.stats.ledger``'s rows through ``hearth.stats.measures``) and from the
maintained aggregates (``MonthlyFigure`` summed over a period's months), on a generated
year, for a month, a quarter and a financial year."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

import pytest

from hearth.accounts.models import Area
from hearth.core import clock
from hearth.core.calendar import local_date
from hearth.demo.volume import generate_volume
from hearth.incidents.facts import incidents_facts
from hearth.incidents.models import Incident
from hearth.incidents.policy import Finding
from hearth.obligations.models import Obligation
from hearth.referrals.models import ChildAssessment
from hearth.referrals.policy import Decision, Route
from hearth.stats import figures, ledger, measures, selectors
from hearth.stats.figures import Measure
from hearth.stats.models import MonthlyFigure, Watermark
from hearth.stats.periods import Granularity, Period, period_containing_day, periods_between
from hearth.stats.refresh import refresh, whole_minutes
from hearth.stats.tables import Filters, Group, Scope

pytestmark = pytest.mark.django_db


def _months(period: Period) -> list[dt.date]:
    return [p.first for p in periods_between(period.first, period.last, Granularity.MONTH)]


def _figures(
    measure: Measure, period: Period, by: Iterable[str] = ("category",), **only: Any
) -> dict[Any, int]:
    """The figures of ``measure`` in ``period``'s months (those matching ``only``),
    summed by ``by``."""
    totals: Counter[Any] = Counter()
    columns = list(by)
    for *key, value in MonthlyFigure.objects.filter(
        measure=measure, month__in=_months(period), **only
    ).values_list(*columns, "value"):
        totals[key[0] if len(key) == 1 else tuple(key)] += value
    return {k: v for k, v in totals.items() if v}


def _nonzero(counts: dict[Any, int]) -> dict[Any, int]:
    return {k: v for k, v in counts.items() if v}


@pytest.fixture
def year(wessex: Any) -> dict[str, Any]:
    """A generated year (a few hundred incidents, open and closed work) and a finished
    past year, refreshed; and every ledger row read directly."""
    generate_volume(incidents=260, seed=11)
    generate_volume(incidents=140, seed=12, history=True)
    _assessments()
    refresh()
    places = ledger.Places.load()
    households = list(ledger.household_rows(places=places))
    return {
        "notifications": list(ledger.notification_rows(places=places)),
        "deadlines": list(ledger.deadline_rows(places=places)),
        "incidents": list(ledger.incident_rows(places=places)),
        "marac": list(ledger.marac_rows(places=places)),
        "assessments": list(ledger.assessment_rows(places=places)),
        "households": households,
        "contacts": list(ledger.contact_rows({c for h in households for c in h.children})),  # type: ignore[misc]
        "specialist": list(ledger.specialist_rows(places=places)),
        "unmet": list(ledger.unmet_need_rows(places=places)),
    }


def _assessments() -> None:
    """The generator writes no assessments: completed ones on every seventh notification
    sent, as direct rows (the test is about their counts), with a varying mix of the
    domestic abuse factors and others."""
    mixes = [["3A"], ["3B", "3C"], ["2A"], ["3A", "3B", "3C", "4A"], ["3C"], ["1C"]]
    sent = Obligation.objects.filter(route=Route.CHILD_CONCERN, sent_at__isnull=False).order_by(
        "id"
    )
    rows = []
    for n, obligation in enumerate(sent[::7]):
        assert obligation.sent_at is not None
        day = local_date(obligation.sent_at)
        rows.append(
            ChildAssessment(
                obligation=obligation,
                kind=Decision.CHILD_IN_NEED_ASSESSMENT,
                started_on=day,
                authorised_on=day + dt.timedelta(days=n % 40) if n % 5 else None,
                factors=mixes[n % len(mixes)],
            )
        )
    ChildAssessment.objects.bulk_create(rows)


def _periods() -> list[Period]:
    """A month, a quarter and a financial year, all in the generated year's past."""
    day = local_date(clock.now()) - dt.timedelta(days=150)
    return [
        period_containing_day(day, Granularity.MONTH),
        period_containing_day(day, Granularity.QUARTER),
        period_containing_day(day, Granularity.FINANCIAL_YEAR),
        period_containing_day(day, Granularity.YEAR),
    ]


@pytest.mark.parametrize("which", range(4), ids=["month", "quarter", "financial_year", "year"])
def test_the_measures_agree_two_ways(year: dict[str, Any], which: int) -> None:
    period = _periods()[which]
    notifications = year["notifications"]

    # Referrals, by front door and source; the police's by force and local authority.
    direct = measures.referrals_by_source(notifications, period)
    assert sum(direct.values()) > 0, "the generated year must have referrals in the period"
    assert _figures(Measure.REFERRALS, period, ("agency_id", "category")) == direct
    assert _nonzero(measures.police_referrals_by_area(notifications, period)) == _figures(
        Measure.REFERRALS,
        period,
        ("force_id", "local_authority_id"),
        category=measures.POLICE_SOURCE,
    )

    # Re-referrals within 12 months, by front door.
    re = measures.re_referrals(notifications, period)
    assert _nonzero({door: r.re_referrals for door, r in re.items()}) == _figures(
        Measure.RE_REFERRALS, period, ("agency_id",)
    )

    # The front door's decisions (and those awaiting one).
    assert _nonzero(measures.decisions(notifications, period)) == _figures(
        Measure.DECISIONS, period
    )

    # Incidents, children per incident, s.3 victims.
    children = measures.children_at_incidents(year["incidents"], period)
    assert children.incidents > 0
    by_category: Counter[str] = Counter()
    for n, count in children.by_number.items():
        by_category[figures.children_category(n)] += count
    assert _nonzero(dict(by_category)) == _figures(Measure.INCIDENTS, period)
    kids = _figures(Measure.CHILDREN, period)
    assert (kids.get("", 0), kids.get("s3", 0)) == (
        children.children,
        children.victims_in_own_right,
    )

    # Timeliness of met deadlines, each route and stage: on time, late, and the median
    # and 90th percentile read from the duration buckets.
    done = [row for row in year["deadlines"] if row.done_at is not None]
    by_stage = measures.timeliness_by(
        done, period, clock.now(), key=lambda row: (row.route, row.stage)
    )
    met = _figures(Measure.DEADLINES_MET, period)
    durations: defaultdict[tuple[str, str], dict[int, int]] = defaultdict(dict)
    for category, n in _figures(Measure.DURATIONS, period).items():
        route, stage, upper = figures.split_category(category)
        durations[(route, stage)][int(upper)] = n
    compared = 0
    for (route, stage), result in by_stage.items():
        if not result.started:
            continue
        compared += 1
        assert met.get(figures.deadline_category(route, stage, figures.ON_TIME), 0) == (
            result.on_time
        )
        assert met.get(figures.deadline_category(route, stage, figures.LATE), 0) == result.late
        for p, exact in ((50, result.median), (90, result.p90)):
            assert exact is not None
            minutes = max(0, int(exact.total_seconds() // 60))
            assert figures.percentile_of_buckets(durations[(route, stage)], p) == figures.bucket(
                minutes
            ), (route, stage, p)
    assert compared > 0
    assert sum(v for k, v in met.items()) == sum(r.started for r in by_stage.values())

    # MARAC referrals, repeats, others' referrals, cases heard, children in households.
    marac = measures.marac_measures(year["marac"], period)
    assert _nonzero(
        {
            "": marac.referrals,
            "repeat": marac.repeats,
            "others": marac.from_others,
            "heard": marac.heard,
            "children": marac.children,
        }
    ) == _figures(Measure.MARAC, period)

    # Assessments with domestic abuse factors.
    factors = measures.domestic_abuse_factors(year["assessments"], period)
    assert factors.assessments > 0
    assert _nonzero(
        {"": factors.assessments, "any": factors.with_domestic_abuse, **factors.by_factor}
    ) == _figures(Measure.ASSESSMENTS, period)

    # Known to children's services: each child once in the period, at their first such
    # incident in it, exactly, whatever the period (a month from its figures, a longer
    # period from the facts at view time: not the sum of its months).
    direct_known = measures.known_to_childrens_services(
        year["households"], year["contacts"], period
    )
    assert direct_known.children > 0
    counted = _known_counts(period)
    assert (counted.get("", 0), counted.get("already", 0), counted.get("within_5", 0)) == (
        direct_known.children,
        direct_known.already_known,
        direct_known.known_within,
    )

    # Specialist support: referrals, answers, starts; waits; unmet need.
    specialist: Counter[str] = Counter()
    waits: Counter[str] = Counter()
    for row in year["specialist"]:
        if not period.contains(row.referred_at):
            continue
        specialist[""] += 1
        if row.answer:
            specialist[row.answer] += 1
        specialist["started"] += row.started_on is not None
        specialist["completed"] += row.started_on is not None and row.ended_on is not None
        specialist[f"age:{row.age_band}"] += 1
        if row.wait_days is not None:
            waits[str(row.wait_days)] += 1
    assert _nonzero(dict(specialist)) == _figures(Measure.SPECIALIST, period)
    assert _nonzero(dict(waits)) == _figures(Measure.SPECIALIST_WAIT, period)
    unmet: Counter[str] = Counter(
        figures.unmet_category(row.reason, row.age_band)
        for row in year["unmet"]
        if period.contains_day(row.opened_on)
    )
    assert _nonzero(dict(unmet)) == _figures(Measure.UNMET_NEED, period)


def _known_counts(period: Period) -> dict[str, int]:
    """Known to children's services as the pages count it, over every local authority,
    summed over them."""
    every = frozenset(
        Area.objects.filter(kind=Area.Kind.LOCAL_AUTHORITY).values_list("pk", flat=True)
    )
    scope = Scope(local_authority_ids=every, agency_id=None, exact=True, label="Every area")
    filters = Filters(period=period, local_authority_id=None, force_id=None, agency_id=None)
    totals: Counter[str] = Counter()
    for (_la, category), n in selectors.known_counts(filters, scope).items():
        totals[category] += n
    return dict(totals)


def test_the_known_measure_of_a_month_is_exact(year: dict[str, Any]) -> None:
    """For one month the facts take each child once, exactly as the measure does."""
    counted = 0
    for month in periods_between(
        local_date(clock.now()) - dt.timedelta(days=330),
        local_date(clock.now()) - dt.timedelta(days=40),
        Granularity.MONTH,
    ):
        result = measures.known_to_childrens_services(year["households"], year["contacts"], month)
        summed = _figures(Measure.KNOWN, month)
        assert summed.get("", 0) == result.children
        assert summed.get("already", 0) == result.already_known
        assert summed.get("within_5", 0) == result.known_within
        counted += result.children
    assert counted > 0


def test_whole_minutes_are_floored_never_negative() -> None:
    start = dt.datetime(2026, 5, 1, 10, tzinfo=dt.UTC)
    assert whole_minutes(start, start + dt.timedelta(seconds=119)) == 1
    assert whole_minutes(start, start - dt.timedelta(minutes=3)) == 0


def test_s3_victims_read_in_bulk_as_the_incident_page_decides_them(
    year: dict[str, Any],
) -> None:
    """The ledger's bulk reading of each child's s.3 status agrees with the incident
    page's (``incidents.facts``), on the demo's incidents and the generated year."""
    incidents = list(Incident.objects.filter(status=Incident.Status.SUBMITTED).order_by("pk"))
    page = incidents_facts(incidents)
    expected = {
        (incident.pk, view.child.pk): view.victim_status.finding == Finding.MET
        for incident in incidents
        for view in page[incident.pk].children
    }
    read = {
        (row.incident_id, child.child_id): child.victim_in_own_right
        for row in year["incidents"]
        for child in row.children
    }
    assert read == expected
    assert any(expected.values()) and not all(expected.values())


@pytest.mark.parametrize("which", range(4), ids=["month", "quarter", "financial_year", "year"])
def test_the_figures_summed_over_every_area_equal_the_areas_summed(
    year: dict[str, Any], wessex: Any, which: int
) -> None:
    """A national analyst's timeliness is read from figures already summed over every area
    (``*_ALL_AREAS``): they must equal each area's figures added up, and the timeliness
    tables must be the same whichever are read (a force covering every area of the
    deployment narrows nothing, but is read area by area)."""
    period = _periods()[which]
    for each, every in (
        (Measure.DEADLINES_MET, Measure.DEADLINES_MET_ALL_AREAS),
        (Measure.DURATIONS, Measure.DURATIONS_ALL_AREAS),
    ):
        summed = _figures(each, period)
        assert summed, f"the generated year must have {each} in the period"
        assert _figures(every, period, local_authority_id=None, force_id=None) == summed

    analyst = selectors.scope_for(wessex.actor("analyst@partnership.wessex.example"))
    assert analyst is not None
    (force,) = Area.objects.filter(kind=Area.Kind.POLICE_FORCE_AREA)
    now = clock.now()
    whole = selectors.tables(Group.TIMELINESS, Filters(period=period), analyst, now=now)
    by_force = selectors.tables(
        Group.TIMELINESS, Filters(period=period, force_id=force.pk), analyst, now=now
    )
    assert [t.cells for t in whole] == [t.cells for t in by_force]
    assert any(c.shown and c.value for t in whole for line in t.cells for c in line)


def test_a_measure_added_by_an_upgrade_is_built_by_the_next_run(year: dict[str, Any]) -> None:
    before = MonthlyFigure.objects.filter(measure=Measure.DURATIONS_ALL_AREAS).count()
    assert before
    # As a deployment upgrading to a release that adds it finds it: never built.
    MonthlyFigure.objects.filter(measure=Measure.DURATIONS_ALL_AREAS).delete()
    Watermark.objects.filter(source=f"built:{Measure.DURATIONS_ALL_AREAS}").delete()
    refresh()
    assert MonthlyFigure.objects.filter(measure=Measure.DURATIONS_ALL_AREAS).count() == before
