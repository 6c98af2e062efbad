"""The national year of statistics facts (``generate_stats_volume``): facts consistent
with each other and with the figures rebuilt from them, over made-up areas only."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F, Sum

from hearth.accounts.models import Agency, Area
from hearth.core.actor import AgencyKind
from hearth.core.calendar import local_date
from hearth.demo.stats_volume import (
    FORCE_CODE,
    LA_CODE,
    StatsVolumeError,
    generate_stats_volume,
)
from hearth.stats import figures
from hearth.stats.figures import Measure
from hearth.stats.measures import is_within_12_months
from hearth.stats.models import (
    CHILDREN_0_TO_17,
    DeadlineFact,
    IncidentFact,
    KnownFact,
    MaracFact,
    MonthlyFigure,
    NotificationFact,
    PopulationEstimate,
    SpecialistFact,
    UnmetNeedFact,
)

pytestmark = pytest.mark.django_db

INCIDENTS = 400
AREAS = 6


@pytest.fixture
def made(wessex: object) -> object:
    return generate_stats_volume(incidents=INCIDENTS, seed=3, areas=AREAS, year=2025)


def _sum(measure: Measure, **filters: object) -> int:
    return int(
        MonthlyFigure.objects.filter(measure=measure, **filters).aggregate(s=Sum("value"))["s"] or 0
    )


def test_areas_are_made_up_and_counted_by_the_partnership(made: object) -> None:
    las = Area.objects.filter(code__startswith=LA_CODE[:5])
    forces = Area.objects.filter(code__startswith=FORCE_CODE[:5])
    assert las.count() == AREAS and forces.count() >= 1
    assert all(a.name.startswith("Test area ") for a in las)
    assert all(a.police_force_area_id in set(forces.values_list("pk", flat=True)) for a in las)
    partnership = Agency.objects.get(kind=AgencyKind.ANALYTICS)
    assert set(las) <= set(partnership.areas.all())
    # Every fact is in one of them, with its force.
    la_force: dict[int | None, int | None] = dict(las.values_list("pk", "police_force_area_id"))
    for model in (IncidentFact, NotificationFact, DeadlineFact, MaracFact, KnownFact):
        pairs = set(model.objects.values_list("local_authority_id", "force_id"))
        assert pairs and all(la_force.get(la) == force for la, force in pairs)
    # Each has a child population for the year's rates (mid-2024 for 2025-26).
    assert (
        PopulationEstimate.objects.filter(
            code__in=las.values_list("code", flat=True), mid_year=2024, age_group=CHILDREN_0_TO_17
        ).count()
        == AREAS
    )


def test_facts_agree_with_each_other(made: object) -> None:
    incidents = dict(IncidentFact.objects.values_list("incident_id", "children"))
    # The financial year and the one before, at the asked rate (a day's share rounds).
    assert abs(len(incidents) - 2 * INCIDENTS) <= 4
    notifications = list(
        NotificationFact.objects.values_list(
            "obligation_id", "incident_id", "child_id", "agency_id", "received_at", "re_referral"
        )
    )
    # One notification per child at each incident, every one at a known incident.
    per_incident = Counter(n[1] for n in notifications)
    assert all(i in incidents for i in per_incident)
    assert sum(incidents.values()) == len(notifications)
    assert all(per_incident.get(i, 0) == n for i, n in incidents.items())
    # Re-referrals: exactly those with the same child's earlier referral to the same front
    # door no more than 12 months before (DfE's rule, by London day).
    seen: defaultdict[tuple[int, int | None], list[dt.date]] = defaultdict(list)
    some = 0
    for _, _, child, agency, received, re in sorted(notifications, key=lambda n: n[4]):
        day = local_date(received)
        earlier = seen[(child, agency)]
        assert re == any(is_within_12_months(d, day) for d in earlier if d <= day)
        seen[(child, agency)].append(day)
        some += re
    assert some > 0
    # Each notification's two clocks, at the front door, started when it was received.
    clocks = defaultdict(set)
    for obligation, stage, started in DeadlineFact.objects.filter(
        route="child_concern_notification"
    ).values_list("obligation_id", "stage", "started_at"):
        clocks[obligation].add((stage, started))
    for obligation, _, _, _, received, _ in notifications:
        assert clocks[obligation] == {("acknowledge", received), ("decide", received)}
    # Minutes taken agree with the moments; nothing is done after now.
    for started, done, minutes in DeadlineFact.objects.filter(done_at__isnull=False).values_list(
        "started_at", "done_at", "minutes"
    )[:2000]:
        assert done is not None
        assert minutes == int((done - started).total_seconds() // 60)
    # Known to children's services: children of high-risk households, at their incident.
    pairs = {(n[1], n[2]) for n in notifications}
    known = list(KnownFact.objects.values_list("incident_id", "child_id"))
    assert known and all(pair in pairs for pair in known)
    assert MaracFact.objects.count() > 0
    assert SpecialistFact.objects.count() > 0 and UnmetNeedFact.objects.count() > 0


def test_figures_sum_to_the_facts(made: object) -> None:
    assert _sum(Measure.REFERRALS) == NotificationFact.objects.count()
    assert _sum(Measure.RE_REFERRALS) == NotificationFact.objects.filter(re_referral=True).count()
    assert _sum(Measure.DECISIONS) == NotificationFact.objects.count()
    assert _sum(Measure.INCIDENTS) == IncidentFact.objects.count()
    assert _sum(Measure.CHILDREN, category="") == NotificationFact.objects.count()
    assert _sum(Measure.DEADLINES_MET) == DeadlineFact.objects.filter(done_at__isnull=False).count()
    assert _sum(Measure.DURATIONS) == DeadlineFact.objects.filter(done_at__isnull=False).count()
    assert _sum(Measure.MARAC, category="") == MaracFact.objects.count()
    assert _sum(Measure.KNOWN, category="") == KnownFact.objects.count()
    assert _sum(Measure.UNMET_NEED) == UnmetNeedFact.objects.count()
    on_time = DeadlineFact.objects.filter(done_at__isnull=False, done_at__lte=F("due_at"))
    assert _sum(Measure.DEADLINES_MET, category__endswith=figures.ON_TIME) == on_time.count()
    # A month's referrals are the notifications received in that London month.
    month = dt.date(2025, 6, 1)
    assert (
        _sum(Measure.REFERRALS, month=month) == NotificationFact.objects.filter(month=month).count()
    )
    assert all(
        local_date(r).replace(day=1) == month
        for r in NotificationFact.objects.filter(month=month).values_list("received_at", flat=True)
    )


def test_the_same_seed_writes_the_same_rows_and_a_second_run_replaces(wessex: object) -> None:
    def snapshot() -> list[tuple[object, ...]]:
        return list(
            NotificationFact.objects.order_by("obligation_id").values_list(
                "obligation_id", "child_id", "received_at", "decision", "re_referral"
            )
        )

    generate_stats_volume(incidents=120, seed=5, areas=3, year=2025)
    first = snapshot()
    generate_stats_volume(incidents=120, seed=5, areas=3, year=2025)
    assert snapshot() == first
    assert _sum(Measure.REFERRALS) == len(first)


def test_the_command_reports_and_refuses_nonsense(wessex: object) -> None:
    out = StringIO()
    call_command("generate_stats_volume", "--incidents", "60", "--areas", "2", stdout=out)
    text = out.getvalue()
    assert "stats_notificationfact" in text and "monthly figures" in text
    with pytest.raises(StatsVolumeError):
        generate_stats_volume(incidents=0)
