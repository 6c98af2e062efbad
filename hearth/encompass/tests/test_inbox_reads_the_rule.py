"""The school inbox reads what a school received from the rule's indexed arms (issue 12's
speed work), not by testing ``received_by`` on every notification: the two must agree,
for each kind of reader, or the inbox would show too much or too little."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from hearth.core import clock
from hearth.encompass.models import EncompassNotification
from hearth.encompass.selectors import Show, encompass_inbox_for
from hearth.obligations import policy
from hearth.obligations.models import Deadline

pytestmark = pytest.mark.django_db

READERS = [
    ("dsl03@schools.wessex.example", None),  # a school's DSL, with notifications
    ("dsl@schools.wessex.example", None),  # a DSL for two schools
    ("education.safeguarding@northshire.wessex.example", None),  # escalations reach it
    ("ppu.officer@police.wessex.example", None),  # the force: it sent them, received none
    ("administrator@hearth.wessex.example", None),  # sees no case content
]


@pytest.mark.parametrize(("email", "agency"), READERS)
def test_the_inbox_holds_exactly_what_the_rule_says_was_received(
    wessex: Any, email: str, agency: str | None
) -> None:
    actor = wessex.actor(email, agency)
    expected = set(EncompassNotification.objects.received_by(actor).values_list("pk", flat=True))
    seen: list[int] = []
    page = 1
    while True:
        inbox = encompass_inbox_for(actor=actor, page=page)
        seen += [item.notification.pk for item in inbox.items]
        if not inbox.page.has_next():
            break
        page += 1
    assert len(seen) == len(set(seen))
    assert set(seen) == expected
    assert inbox.page.paginator.count == len(expected)
    if email.startswith("dsl03"):
        assert expected, "the demo school has notifications: the test must see some"


def _listed(actor: Any, show: Show) -> tuple[list[int], Any]:
    seen: list[int] = []
    page = 1
    while True:
        inbox = encompass_inbox_for(actor=actor, page=page, show=show)
        seen += [item.notification.pk for item in inbox.items]
        if not inbox.page.has_next():
            return seen, inbox
        page += 1


def _lists(notification: EncompassNotification, show: Show) -> bool:
    """Which filter lists a notification, said again from its rows: not opened and not
    acknowledged are sent (not yet acknowledged); overdue also has its acknowledgement
    due and not met."""
    sent = notification.obligation.status == policy.Status.SENT
    if show == Show.NOT_OPENED:
        return sent and notification.first_opened_at is None
    if show == Show.NOT_ACKNOWLEDGED:
        return sent
    if show == Show.OVERDUE:
        return sent and (
            Deadline.objects.filter(
                obligation_id=notification.obligation_id,
                stage=policy.Stage.ACKNOWLEDGE,
                met_at__isnull=True,
                due_at__lte=clock.now(),
            ).exists()
        )
    return True


def assert_each_filter_lists_newest_first_what_it_counts(actor: Any) -> dict[Show, list[int]]:
    """The inbox is ordered, counted and filtered from one read of ids and flags: each
    filter must list, newest first, and count what the notifications' own rows say."""
    with time_machine.travel(clock.now(), tick=False):
        received = list(
            EncompassNotification.objects.received_by(actor)
            .select_related("obligation")
            .order_by("-created_at", "-pk")
        )
        shown = {}
        for show in Show:
            expected = [n.pk for n in received if _lists(n, show)]
            seen, inbox = _listed(actor, show)
            assert seen == expected, show
            assert inbox.counts is not None and inbox.counts.of(show) == len(expected), show
            assert inbox.overdue == len([n for n in received if _lists(n, Show.OVERDUE)])
            shown[show] = seen
    return shown


@pytest.mark.parametrize(("email", "agency"), READERS)
def test_each_filter_lists_newest_first_exactly_what_it_counts(
    wessex: Any, email: str, agency: str | None
) -> None:
    assert_each_filter_lists_newest_first_what_it_counts(wessex.actor(email, agency))
