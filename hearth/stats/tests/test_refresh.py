"""The maintained aggregates: facts from the ledger, the watermark, the figures."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import QuerySet, Sum

from hearth.core import clock
from hearth.core.calendar import local_date
from hearth.core.clock import LONDON
from hearth.demo.volume import generate_volume
from hearth.incidents.facts import incident_facts
from hearth.incidents.models import Incident
from hearth.incidents.policy import Finding
from hearth.obligations import services
from hearth.obligations.models import Deadline, Obligation
from hearth.obligations.tests.factories import (
    FRONT_DOOR,
    PPU,
    SOUTH_FRONT_DOOR,
    checklist,
    of,
    submitted_incident,
)
from hearth.referrals import services as referral_services
from hearth.referrals.policy import Decision, Route
from hearth.specialist.models import SpecialistReferral, UnmetNeed
from hearth.stats import figures
from hearth.stats.figures import Measure
from hearth.stats.models import (
    AssessmentFact,
    DeadlineFact,
    IncidentFact,
    KnownFact,
    MaracFact,
    MonthlyFigure,
    NotificationFact,
    SpecialistFact,
    UnmetNeedFact,
    Watermark,
)
from hearth.stats.refresh import STEPS, rebuild_figures, refresh

pytestmark = pytest.mark.django_db

MAY = dt.date(2026, 5, 1)


def _at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 5, day, hour, tzinfo=LONDON)


def _figures(measure: Measure) -> dict[tuple[int | None, str], int]:
    return {
        (f.agency_id, f.category): f.value
        for f in MonthlyFigure.objects.filter(measure=measure, month=MAY)
    }


def test_rebuild_figures_sums_the_facts_alone() -> None:
    now = _at(30)
    for n, (agency, source, decision, re) in enumerate(
        [
            (1, "6", "early_help", False),
            (1, "6", "", True),
            (1, "1", "", False),
            (2, "6", "", False),
        ]
    ):
        NotificationFact.objects.create(
            month=MAY,
            local_authority_id=10,
            force_id=20,
            agency_id=agency,
            refreshed_at=now,
            obligation_id=900 + n,
            child_id=n,
            source=source,
            received_at=_at(3),
            decision=decision,
            re_referral=re,
        )
    for n, (agency, minutes) in enumerate([(1, 30), (3, 30), (1, 500), (1, None)]):
        DeadlineFact.objects.create(
            month=MAY,
            agency_id=agency,
            refreshed_at=now,
            deadline_id=800 + n,
            obligation_id=1,
            route="child_concern",
            stage="acknowledge",
            started_at=_at(3),
            due_at=_at(3, 18),
            done_at=None if minutes is None else _at(3) + dt.timedelta(minutes=minutes),
            minutes=minutes,
        )
    written = rebuild_figures([MAY])
    assert written == MonthlyFigure.objects.count()
    assert _figures(Measure.REFERRALS) == {(1, "6"): 2, (1, "1"): 1, (2, "6"): 1}
    assert _figures(Measure.RE_REFERRALS) == {(1, ""): 1}
    assert _figures(Measure.DECISIONS) == {
        (1, "early_help"): 1,
        (1, "awaiting_decision"): 2,
        (2, "awaiting_decision"): 1,
    }
    # Timeliness summed over agencies (agency null), which pages read for an area...
    assert _figures(Measure.DEADLINES_MET) == {
        (None, "child_concern:acknowledge:on_time"): 2,
        (None, "child_concern:acknowledge:late"): 1,
    }
    assert _figures(Measure.DURATIONS) == {
        (None, "child_concern:acknowledge:30"): 2,
        (None, f"child_concern:acknowledge:{figures.bucket(500)}"): 1,
    }
    # ... and split by the agency whose clock it is, for a page that names an agency.
    assert _figures(Measure.DEADLINES_MET_BY_AGENCY) == {
        (1, "child_concern:acknowledge:on_time"): 1,
        (3, "child_concern:acknowledge:on_time"): 1,
        (1, "child_concern:acknowledge:late"): 1,
    }
    assert _figures(Measure.DURATIONS_BY_AGENCY) == {
        (1, "child_concern:acknowledge:30"): 1,
        (3, "child_concern:acknowledge:30"): 1,
        (1, f"child_concern:acknowledge:{figures.bucket(500)}"): 1,
    }
    assert figures.bucket(500) == 514  # ceil(60 × 1.05^44): at most 5 % over
    # Again: the same rows, not twice as many.
    assert rebuild_figures([MAY]) == written
    assert MonthlyFigure.objects.count() == written
    # Another month is left alone.
    assert rebuild_figures([dt.date(2026, 6, 1)]) == 0
    assert MonthlyFigure.objects.count() == written


# --- From the ledger -------------------------------------------------------------------

FACTS = (
    NotificationFact,
    DeadlineFact,
    IncidentFact,
    MaracFact,
    AssessmentFact,
    KnownFact,
    SpecialistFact,
    UnmetNeedFact,
)


def _snapshot() -> dict[str, Any]:
    """Every fact and figure, without the columns that differ between two builds of the
    same rows (the row's own id, when it was refreshed)."""
    shot: dict[str, Any] = {}
    for model in FACTS:
        columns = [
            f.name for f in model._meta.concrete_fields if f.name not in {"id", "refreshed_at"}
        ]
        shot[model.__name__] = sorted(
            model.objects.values_list(*columns), key=lambda row: tuple(map(str, row))
        )
    shot["figures"] = sorted(
        MonthlyFigure.objects.values_list(
            "measure", "month", "local_authority_id", "force_id", "agency_id", "category", "value"
        ),
        key=lambda row: tuple(map(str, row)),
    )
    return shot


def _assert_same_as_rebuild(now: dt.datetime | None = None) -> dict[str, Any]:
    incremental = _snapshot()
    refresh(now=now, rebuild=True)
    rebuilt = _snapshot()
    for name in rebuilt:
        assert incremental[name] == rebuilt[name], name
    return rebuilt


def _ccns() -> QuerySet[Obligation]:
    return Obligation.objects.filter(route=Route.CHILD_CONCERN, sent_at__isnull=False)


def test_each_fact_from_the_demo_ledger(wessex: Any) -> None:
    first = refresh()
    assert first.total > 0
    ccns = _ccns()
    assert NotificationFact.objects.count() == ccns.count() > 0
    ccn = ccns.select_related("team", "incident__local_authority").first()
    assert ccn is not None
    fact = NotificationFact.objects.get(obligation_id=ccn.pk)
    la = ccn.incident.local_authority
    assert la is not None
    assert (fact.child_id, fact.incident_id, fact.agency_id) == (
        ccn.subject_id,
        ccn.incident_id,
        ccn.team.agency_id,
    )
    assert (fact.local_authority_id, fact.force_id) == (la.pk, la.police_force_area_id)
    assert fact.source == ccn.data.get("referral_source", "6")
    assert fact.received_at == ccn.sent_at
    assert fact.month == local_date(ccn.sent_at).replace(day=1)
    ack = ccn.deadlines.get(stage="acknowledge")
    assert (fact.acknowledge_due, fact.acknowledged_at) == (ack.due_at, ack.met_at)

    # Every deadline of every route, with whole minutes to done.
    assert DeadlineFact.objects.count() == Deadline.objects.count()
    met = Deadline.objects.filter(met_at__isnull=False).select_related("obligation").first()
    assert met is not None and met.met_at is not None
    dfact = DeadlineFact.objects.get(deadline_id=met.pk)
    assert dfact.route == met.obligation.route and dfact.stage == met.stage
    assert dfact.minutes == int((met.met_at - dfact.started_at).total_seconds() // 60)

    # Submitted incidents, each child once.
    submitted = Incident.objects.filter(status=Incident.Status.SUBMITTED)
    assert IncidentFact.objects.count() == submitted.count()
    for incident in submitted:
        ifact = IncidentFact.objects.get(incident_id=incident.pk)
        assert ifact.children == incident.child_involvements.count()
        assert ifact.agency_id == incident.recorded_by_agency_id

    assert (
        SpecialistFact.objects.count()
        == SpecialistReferral.objects.filter(obligation__sent_at__isnull=False).count()
    )
    assert UnmetNeedFact.objects.count() == UnmetNeed.objects.count()
    assert (
        MonthlyFigure.objects.filter(measure=Measure.REFERRALS).aggregate(n=Sum("value"))["n"]
        == ccns.count()
    )


def _high_risk_referred(wessex: Any, reference: str) -> Incident:
    """A family's incident, its victim graded high risk, its MARAC referral sent."""
    ppu = wessex.actor(PPU)
    incident = submitted_incident(wessex, reference=reference)
    checklist(wessex, incident, yes=15)
    (marac,) = of(incident, Route.MARAC_REFERRAL)
    referral_services.marac_referral_update(actor=ppu, obligation=marac, victim_aware=True)
    services.obligation_send(actor=ppu, obligation=marac)
    return incident


# The family's incident happened at 10:40pm on Friday 20 November 2026.
SATURDAY = dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC)
TUESDAY = dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC)


def test_marac_known_and_s3_facts_from_a_new_incident(wessex: Any) -> None:
    with time_machine.travel(SATURDAY, tick=False):
        refresh()
        incident = _high_risk_referred(wessex, "WX/2026/7001")
        report = refresh()
    assert report.facts["marac"] == 1
    (marac,) = of(incident, Route.MARAC_REFERRAL)
    fact = MaracFact.objects.get(obligation_id=marac.pk)
    assert fact.from_police and not fact.heard and not fact.repeat
    assert fact.children == 3  # the family's three children
    ifact = IncidentFact.objects.get(incident_id=incident.pk)
    assert ifact.children == 3
    victims = [
        v for v in incident_facts(incident).children if v.victim_status.finding == Finding.MET
    ]
    assert ifact.victims_in_own_right == len(victims) > 0
    # Known to children's services: each child of the household once.
    known = KnownFact.objects.filter(incident_id=incident.pk)
    assert known.count() == 3
    assert not any(k.already_known for k in known)
    # Nothing acknowledged yet and the 5 working days not over: not yet decided.
    assert all(k.within_5 is None for k in known)
    # On Tuesday the front door acknowledges one child's notification: known within 5
    # working days; the other two still wait.
    ccn = of(incident, Route.CHILD_CONCERN)[0]
    with time_machine.travel(TUESDAY, tick=False):
        services.obligation_acknowledge(actor=wessex.actor(FRONT_DOOR), obligation=ccn)
        refresh()
        now_known = KnownFact.objects.filter(incident_id=incident.pk)
        assert {k.child_id: k.within_5 for k in now_known} == {
            child: True if child == ccn.subject_id else None
            for child in known.values_list("child_id", flat=True)
        }
        by_category = dict(
            MonthlyFigure.objects.filter(measure=Measure.KNOWN, month=ifact.month)
            .values_list("category")
            .annotate(n=Sum("value"))
        )
        assert by_category["within_5"] >= 1
        _assert_same_as_rebuild()


def test_a_known_fact_is_decided_when_its_5_working_days_end(wessex: Any) -> None:
    with time_machine.travel(SATURDAY, tick=False):
        refresh()
        incident = _high_risk_referred(wessex, "WX/2026/7005")
        refresh()
    known = KnownFact.objects.filter(incident_id=incident.pk)
    assert known.count() == 3 and all(k.within_5 is None for k in known)
    decided_before = _known_decided(known[0].month)
    # The 5th working day after Friday 20 November ends at midnight on Friday 27th.
    with time_machine.travel(dt.datetime(2026, 11, 28, 9, tzinfo=dt.UTC), tick=False):
        refresh()
    assert all(k.within_5 is False for k in KnownFact.objects.filter(incident_id=incident.pk))
    assert _known_decided(known[0].month) == decided_before + 3


def _known_decided(month: dt.date) -> int:
    return (
        MonthlyFigure.objects.filter(
            measure=Measure.KNOWN, category="decided", month=month
        ).aggregate(n=Sum("value"))["n"]
        or 0
    )


def test_incremental_equals_rebuild(wessex: Any) -> None:
    refresh()
    ccns = list(_ccns().filter(acknowledged_at__isnull=True, status="sent").order_by("id"))
    assert len(ccns) >= 2
    front_doors = {
        c.pk: wessex.actor(FRONT_DOOR if c.team.slug.startswith("northshire") else SOUTH_FRONT_DOOR)
        for c in ccns[:2]
    }
    services.obligation_acknowledge(actor=front_doors[ccns[0].pk], obligation=ccns[0])
    referral_services.decision_record(
        actor=front_doors[ccns[1].pk],
        obligation=ccns[1],
        decision=Decision.CHILD_IN_NEED_ASSESSMENT,
        note="",
    )
    submitted_incident(wessex, reference="WX/2026/7002")
    report = refresh()
    assert report.facts["notifications"] >= 2
    assert NotificationFact.objects.get(obligation_id=ccns[0].pk).acknowledged_at is not None
    assert (
        NotificationFact.objects.get(obligation_id=ccns[1].pk).decision
        == Decision.CHILD_IN_NEED_ASSESSMENT
    )
    _assert_same_as_rebuild()


def test_a_missed_run_catches_up_and_a_rerun_adds_nothing(wessex: Any) -> None:
    refresh()
    before = NotificationFact.objects.count()
    # Two changes, no run between them.
    submitted_incident(wessex, reference="WX/2026/7003")
    submitted_incident(wessex, reference="WX/2026/7004")
    refresh()
    assert NotificationFact.objects.count() == before + 6  # three children each
    assert (
        IncidentFact.objects.filter(
            incident_id__in=Incident.objects.filter(
                police_reference__in=["WX/2026/7003", "WX/2026/7004"]
            ).values("pk")
        ).count()
        == 2
    )
    once = _snapshot()
    refresh()
    assert _snapshot() == once
    # With nothing changed, a run re-reads only what changed in the overlap before the
    # last run began: the run after that reads nothing (but children whose 5 working days
    # may have ended, which are looked at every run).
    later = clock.now()
    with time_machine.travel(later + dt.timedelta(hours=1)):
        refresh()
    with time_machine.travel(later + dt.timedelta(hours=2)):
        again = refresh()
    assert {kind: n for kind, n in again.facts.items() if kind != "known" and n} == {}
    assert _snapshot() == once
    _assert_same_as_rebuild()


def test_the_overlap_reads_a_change_stamped_just_before_the_watermark(wessex: Any) -> None:
    refresh()
    mark = Watermark.objects.get(source="obligations")
    assert mark.position is not None
    late, old = list(_ccns().filter(acknowledged_at__isnull=True, status="sent").order_by("id"))[:2]
    for obligation, before in ((late, dt.timedelta(minutes=5)), (old, dt.timedelta(hours=1))):
        services.obligation_acknowledge(
            actor=wessex.actor(
                FRONT_DOOR if obligation.team.slug.startswith("northshire") else SOUTH_FRONT_DOOR
            ),
            obligation=obligation,
        )
        # A transaction that stamped its rows before the last run but committed after.
        Obligation.objects.filter(pk=obligation.pk).update(updated_at=mark.position - before)
    refresh()
    assert NotificationFact.objects.get(obligation_id=late.pk).acknowledged_at is not None
    # Further back than the overlap is not read again (the test can fail).
    assert NotificationFact.objects.get(obligation_id=old.pk).acknowledged_at is None


def test_the_volume_generators_rows_are_picked_up(wessex: Any) -> None:
    refresh()
    before = IncidentFact.objects.count()
    # Written in bulk, with the past times they would have had (before the watermark).
    generate_volume(incidents=12, seed=3)
    report = refresh()
    assert IncidentFact.objects.count() == before + 12
    assert report.facts["deadlines"] > 0
    _assert_same_as_rebuild()


def test_a_rebuild_empties_and_reads_everything(wessex: Any) -> None:
    refresh()
    NotificationFact.objects.all().delete()  # lost: a rebuild brings them back
    report = refresh(rebuild=True)
    assert report.rebuilt
    assert NotificationFact.objects.count() == _ccns().count()


def test_refresh_stats_command_reports_each_run(wessex: Any) -> None:
    out = StringIO()
    call_command("refresh_stats", "--once", stdout=out)
    assert "Refreshed statistics" in out.getvalue()
    out = StringIO()
    call_command("refresh_stats", "--rebuild", stdout=out)
    assert "Rebuilt statistics" in out.getvalue()
    assert f"{len(STEPS)}/{len(STEPS)}" in out.getvalue()


def test_a_retimed_specialist_offer_is_read_with_the_decision_that_moved_it(
    wessex: Any,
) -> None:
    """``specialist.services.offer_retime`` saves an offer's deadline but not the offer;
    moving a deadline moves its obligation's ``updated_at`` (``refresh_next_due``), and the
    refresh also reads offers' deadlines with the child's notification whose decision
    moved them, so the moved deadline is in the facts either way."""
    refresh()
    offer_deadline = (
        Deadline.objects.filter(
            obligation__route="specialist_offer", estimated=True, met_at__isnull=True
        )
        .select_related("obligation")
        .order_by("id")
        .first()
    )
    assert offer_deadline is not None
    offer = offer_deadline.obligation
    ccn = _ccns().get(subject_id=offer.subject_id, incident_id=offer.incident_id)
    assert ccn.outcome == ""
    referral_services.decision_record(
        actor=wessex.actor(
            FRONT_DOOR if ccn.team.slug.startswith("northshire") else SOUTH_FRONT_DOOR
        ),
        obligation=ccn,
        decision=Decision.EARLY_HELP,
        note="",
    )
    moved = Deadline.objects.get(pk=offer_deadline.pk)
    assert moved.due_at != offer_deadline.due_at and not moved.estimated
    assert Obligation.objects.get(pk=offer.pk).updated_at > offer.updated_at
    refresh()
    assert DeadlineFact.objects.get(deadline_id=moved.pk).due_at == moved.due_at
    _assert_same_as_rebuild()
