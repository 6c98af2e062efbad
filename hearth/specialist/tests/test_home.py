"""The home page says what is waiting: for a specialist service, the referrals to
acknowledge (and overdue), its waiting list and the children it supports, leading with
its main action; for a lead agency (the front door), how many children are waiting for
specialist support, linked to its list. Counts only: the home page logs no read."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from hearth.audit.models import AccessEvent
from hearth.core import clock
from hearth.obligations.tests.factories import (
    FRONT_DOOR,
    OFFICER,
    SOUTH_FRONT_DOOR,
    submitted_incident,
)
from hearth.specialist import policy, selectors, services
from hearth.specialist.tests.factories import SPECIALIST, service
from hearth.specialist.tests.test_services import child, refer

pytestmark = pytest.mark.django_db


def home(client: Client) -> str:
    before = AccessEvent.objects.count()
    text = client.get(reverse("home")).content.decode()
    assert AccessEvent.objects.count() == before  # numbers name nobody
    return re.sub(r"\s+", " ", text)


def test_the_demo_specialist_sees_what_is_waiting_first(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    # The demo: Tyler on the waiting list, Poppy waiting to be acknowledged.
    work = selectors.service_work_for(actor=wessex.actor(SPECIALIST))
    assert (work.open, work.to_acknowledge, work.waiting_list, work.receiving_support) == (
        2,
        1,
        1,
        0,
    )
    text = home(client_for(SPECIALIST))
    assert "1 referral to acknowledge" in text
    assert "1 child on your waiting list" in text
    assert "0 children receiving support" in text
    # It leads with the main action, before what the role can do.
    action = text.index("Acknowledge and answer referrals")
    assert action < text.index("As specialist practitioner")
    assert f'href="{reverse("specialist_referrals")}"' in text


def test_a_services_counts_follow_each_step(
    empty_directory: Any, client_for: Callable[[str], Client]
) -> None:
    specialist = empty_directory.actor(SPECIALIST)
    start = selectors.service_work_for(actor=specialist)
    referral = refer(empty_directory, submitted_incident(empty_directory), service())
    sent = selectors.service_work_for(actor=specialist)
    assert sent.open == start.open + 1 and sent.to_acknowledge == start.to_acknowledge + 1
    # Past the acknowledge deadline it is overdue, and the page says so.
    due = referral.obligation.deadlines.get().due_at
    with time_machine.travel(due + dt.timedelta(minutes=1), tick=False):
        late = selectors.service_work_for(actor=specialist)
        assert late.overdue >= start.overdue + 1
        overdue = "referral" if late.overdue == 1 else "referrals"
        assert f"{late.overdue} {overdue} overdue" in home(client_for(SPECIALIST))
    services.referral_acknowledge(actor=specialist, referral=referral)
    services.referral_accept(
        actor=specialist,
        referral=referral,
        waiting_list=True,
        expected_start_on=clock.local_now().date() + dt.timedelta(days=14),
    )
    waiting = selectors.service_work_for(actor=specialist)
    assert waiting.to_acknowledge == start.to_acknowledge
    assert waiting.waiting_list == start.waiting_list + 1
    services.referral_start(
        actor=specialist, referral=referral, started_on=clock.local_now().date()
    )
    started = selectors.service_work_for(actor=specialist)
    assert started.waiting_list == start.waiting_list
    assert started.receiving_support == start.receiving_support + 1
    services.referral_end(actor=specialist, referral=referral, outcome="completed")
    assert selectors.service_work_for(actor=specialist) == start


def test_the_front_door_sees_how_many_children_wait(
    empty_directory: Any, client_for: Callable[[str], Client]
) -> None:
    front_door = empty_directory.actor(FRONT_DOOR)
    before = selectors.children_waiting_count(actor=front_door)
    # No active service: each of the family's three child victims is unmet need.
    incident = submitted_incident(empty_directory)
    assert selectors.children_waiting_count(actor=front_door) == before + 3
    mia = child(incident, "Mia")
    # A second reason for the same child is still one child waiting.
    services.unmet_need_open(
        actor=None,
        child=mia,
        reason=policy.UnmetReason.DECLINED_NO_CAPACITY,
        area_id=incident.local_authority_id,
        lead_team_id=incident.obligations.filter(route=policy.OFFER_ROUTE).first().team_id,  # type: ignore[union-attr]
    )
    assert selectors.children_waiting_count(actor=front_door) == before + 3
    text = home(client_for(FRONT_DOOR))
    link = f'<a class="govuk-link" href="{reverse("specialist_unmet_need")}">'
    assert f"{link}{before + 3} children waiting for specialist support</a>" in text
    # Support starting takes her off the list.
    referral = refer(empty_directory, incident, service())
    specialist = empty_directory.actor(SPECIALIST)
    services.referral_accept(
        actor=specialist, referral=referral, waiting_list=False, start_on=clock.local_now().date()
    )
    services.referral_start(
        actor=specialist, referral=referral, started_on=clock.local_now().date()
    )
    assert selectors.children_waiting_count(actor=front_door) == before + 2
    # Another local authority's front door counts only its own.
    assert "children waiting" not in home(client_for(OFFICER))
    south = selectors.children_waiting_count(actor=empty_directory.actor(SOUTH_FRONT_DOOR))
    assert south == len(
        {
            n.child_id
            for n in selectors.unmet_need_list(actor=empty_directory.actor(SOUTH_FRONT_DOOR))
        }
    )


def test_each_count_on_the_home_page_links_to_a_list_of_exactly_those(
    empty_directory: Any, client_for: Callable[[str], Client]
) -> None:
    """Issue 17: the specialist's home action counts what is waiting, and each count's
    link lists the same number of referrals."""
    from hearth.specialist.views import home_actions

    specialist = empty_directory.actor(SPECIALIST)
    incident = submitted_incident(empty_directory)
    svc = service()
    acknowledged = refer(empty_directory, incident, svc)
    refer(empty_directory, incident, svc, name="Leo")
    services.referral_acknowledge(actor=specialist, referral=acknowledged)
    services.referral_accept(
        actor=specialist,
        referral=acknowledged,
        waiting_list=False,
        start_on=clock.local_now().date(),
    )
    services.referral_start(
        actor=specialist, referral=acknowledged, started_on=clock.local_now().date()
    )
    due = max(
        d.due_at
        for r in selectors.referrals_received(actor=specialist)
        for d in r.obligation.deadlines.all()
    )
    with time_machine.travel(due + dt.timedelta(minutes=1), tick=False):
        client = client_for(SPECIALIST)
        (action,) = home_actions(specialist)
        assert action.order == 10 and action.url == reverse("specialist_referrals")
        shown = {w.words: w for w in action.waiting}
        assert any("overdue" in words for words in shown)
        for waiting in action.waiting:
            page = client.get(waiting.url).content.decode()
            rows = page.count('<tr class="govuk-table__row"><td')
            assert rows == waiting.count, (waiting.words, waiting.url)
            if waiting.count:
                assert (
                    f"{waiting.count} open referral" in page
                    or f"{waiting.count} child" in page
                    or "waiting list" in page
                )
