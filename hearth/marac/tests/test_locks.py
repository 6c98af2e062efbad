"""The rows a MARAC change locks (issue 12): its meeting and case, never the team, the
agency, the incident or the person read with them. ``FOR UPDATE`` without ``OF`` locked
every joined row, so each change of one MARAC waited for any other holding its team or
agency. SQLite takes no row locks, so these read PostgreSQL's statements."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hearth.marac import services
from hearth.marac.tests.factories import MARAC, a_case, a_meeting, hear

# What ``FOR UPDATE OF`` may name: the MARAC's own rows.
OWN = {'"marac_maraccase"', '"marac_maracmeeting"'}


def _locked_tables(captured: CaptureQueriesContext) -> list[set[str]]:
    """For each locking statement, the tables it locks (every one in FROM without OF)."""
    found = []
    for query in captured.captured_queries:
        match = re.search(r"FOR UPDATE( OF (.+?))?(?: NOWAIT| SKIP LOCKED)?$", query["sql"])
        if match is None:
            continue
        if match.group(2) is None:
            found.append(set(re.findall(r'(?:FROM|JOIN) ("\w+")', query["sql"])))
        else:
            found.append({name.strip() for name in match.group(2).split(",")})
    return found


@pytest.fixture
def postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes no row locks")


@pytest.mark.usefixtures("postgresql")
def test_moving_a_case_locks_its_cases_and_meetings_only(wessex: Any) -> None:
    case = a_case(wessex, days=1)
    later = a_meeting(wessex, days=14)
    with CaptureQueriesContext(connection) as captured:
        services.case_move(actor=wessex.actor(MARAC), case=case, to_meeting=later)
    locks = _locked_tables(captured)
    marac_locks = [tables for tables in locks if tables & OWN]
    assert len(marac_locks) == 2, locks  # the case (with its meeting), the other meeting
    for tables in marac_locks:
        assert tables <= OWN, tables


@pytest.mark.usefixtures("postgresql")
def test_hearing_a_case_keeps_its_meeting_locked(wessex: Any) -> None:
    """The meeting is marked held under the case's lock: it stays locked with the case, so
    that a cancellation cannot cross the hearing."""
    case = a_case(wessex)
    with CaptureQueriesContext(connection) as captured:
        hear(wessex, case)
    case_lock = next(t for t in _locked_tables(captured) if '"marac_maraccase"' in t)
    assert case_lock == OWN
