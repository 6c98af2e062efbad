"""The home page's counts of a team's work are what the inbox lists under the same
filters, counted in one statement that reads only what each filter lists (issue 12 §2:
counting over the team's whole history read every item it ever had)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hearth.core import clock
from hearth.obligations import services
from hearth.obligations.selectors.inbox import InboxFilters, inbox_counts, inbox_for
from hearth.obligations.tests.factories import (
    FRONT_DOOR,
    FRONT_DOOR_MANAGER,
    of,
    submitted_incident,
    team,
)
from hearth.referrals.policy import Route

pytestmark = pytest.mark.django_db


def test_each_count_is_the_total_the_inbox_lists_under_the_same_filters(wessex: Any) -> None:
    actor = wessex.actor(FRONT_DOOR)
    front_door = team("northshire-front-door")
    first = submitted_incident(wessex, reference="WX/2026/0710")
    submitted_incident(wessex, reference="WX/2026/0711")
    mia, leo, _ = of(first, Route.CHILD_CONCERN)
    services.obligation_acknowledge(actor=actor, obligation=mia)
    services.obligation_claim(actor=actor, obligation=leo)
    services.obligation_withdraw(
        actor=wessex.actor(FRONT_DOOR_MANAGER), obligation=leo, reason="Sent to us in error"
    )
    later = clock.now().astimezone(clock.LONDON).date() + dt.timedelta(days=30)
    filters = {
        "open": InboxFilters(),
        "sent": InboxFilters(status="sent"),
        "acknowledged": InboxFilters(status="acknowledged"),
        "ended": InboxFilters(status="ended"),
        "concerns": InboxFilters(route=Route.CHILD_CONCERN),
        "overdue": InboxFilters(overdue_only=True),
        "today": InboxFilters(due_today=True),
        "due by": InboxFilters(due_by=later),
        "mine": InboxFilters(claimed_by_me=True),
        "mine, ended": InboxFilters(status="ended", claimed_by_me=True),
    }

    with CaptureQueriesContext(connection) as queries:
        counts = inbox_counts(actor=actor, team_id=front_door.pk, filters=filters).counts

    listed = {
        name: inbox_for(actor=actor, team_id=front_door.pk, filters=f).total
        for name, f in filters.items()
    }
    assert counts == listed
    assert counts["acknowledged"] >= 1 and counts["ended"] >= 1 and counts["mine, ended"] == 1
    assert len(queries) == 2  # the actor's teams, then every count in one statement


def test_no_filters_are_no_counts(wessex: Any) -> None:
    actor = wessex.actor(FRONT_DOOR)
    assert (
        inbox_counts(actor=actor, team_id=team("northshire-front-door").pk, filters={}).counts == {}
    )


def test_the_managers_summaries_count_the_open_work_by_status_and_by_claimant(
    wessex: Any,
) -> None:
    practitioner, manager = wessex.actor(FRONT_DOOR), wessex.actor(FRONT_DOOR_MANAGER)
    front_door = team("northshire-front-door")
    mia, leo, ava = of(submitted_incident(wessex, reference="WX/2026/0712"), Route.CHILD_CONCERN)
    services.obligation_acknowledge(actor=practitioner, obligation=mia)
    services.obligation_claim(actor=practitioner, obligation=leo)
    services.obligation_claim(actor=manager, obligation=ava)

    inbox = inbox_for(actor=manager, team_id=front_door.pk)

    statuses = sorted(set(inbox.by_status) | {"sent", "acknowledged"})
    by_filter = inbox_counts(
        actor=manager,
        team_id=front_door.pk,
        filters={status: InboxFilters(status=status) for status in statuses},
    ).counts
    assert inbox.by_status == {status: n for status, n in by_filter.items() if n}
    assert sum(n for _, n in inbox.by_person) == inbox.total
    mine = InboxFilters(claimed_by_me=True)
    for actor in (practitioner, manager):
        claimed = inbox_counts(actor=actor, team_id=front_door.pk, filters={"m": mine}).counts
        name = wessex.user(FRONT_DOOR if actor is practitioner else FRONT_DOOR_MANAGER)
        assert (name.get_full_name(), claimed["m"]) in inbox.by_person
    counts = [n for _, n in inbox.by_person]
    assert counts == sorted(counts, reverse=True)  # the most first
