"""An idle sweep reads nothing but the partial index of unmet deadlines still to climb
(issue 12 §2: under a second at a million obligations): one query, however many met or
fully climbed deadlines there are."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hearth.core.clock import LONDON
from hearth.obligations.models import Deadline
from hearth.obligations.sweeper import sweep
from hearth.obligations.tests.factories import submitted_incident

pytestmark = pytest.mark.django_db

SUBMITTED = dt.datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)
LATER = dt.datetime(2026, 12, 20, 9, 0, tzinfo=LONDON)  # every ladder climbed by then


def test_an_idle_sweep_is_one_query_however_many_deadlines_were_climbed(wessex: Any) -> None:
    with time_machine.travel(SUBMITTED):
        submitted_incident(wessex, reference="WX/2026/0900")
        submitted_incident(wessex, reference="WX/2026/0901")
    busy = sweep(now=LATER)
    assert busy.checked > 0 and busy.total > 0
    idle_at = LATER + dt.timedelta(hours=1)
    missed = Deadline.objects.filter(due_at__lte=idle_at, met_at__isnull=True)
    assert missed.exists() and not missed.filter(escalation_team_at__isnull=True).exists()
    with CaptureQueriesContext(connection) as queries:
        idle = sweep(now=idle_at)
    assert (idle.checked, idle.total) == (0, 0)
    assert len(queries) == 1
