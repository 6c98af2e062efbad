"""The maintained aggregates: facts from the ledger, the watermark, the figures."""

from __future__ import annotations

import datetime as dt

import pytest

from hearth.core.clock import LONDON
from hearth.stats import figures
from hearth.stats.figures import Measure
from hearth.stats.models import DeadlineFact, MonthlyFigure, NotificationFact
from hearth.stats.refresh import rebuild_figures

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
    for n, minutes in enumerate([30, 30, 500, None]):
        DeadlineFact.objects.create(
            month=MAY,
            agency_id=1,
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
    assert _figures(Measure.DEADLINES_MET) == {
        (1, "child_concern:acknowledge:on_time"): 2,
        (1, "child_concern:acknowledge:late"): 1,
    }
    assert _figures(Measure.DURATIONS) == {
        (1, "child_concern:acknowledge:30"): 2,
        (1, f"child_concern:acknowledge:{figures.bucket(500)}"): 1,
    }
    # Again: the same rows, not twice as many.
    assert rebuild_figures([MAY]) == written
    assert MonthlyFigure.objects.count() == written
    # Another month is left alone.
    assert rebuild_figures([dt.date(2026, 6, 1)]) == 0
    assert MonthlyFigure.objects.count() == written
