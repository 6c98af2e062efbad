"""The home page leads with the front door's and an IDVA service's main work (issue 17):
"Decide notifications" with the new, overdue and due-today notifications, and "IDVA
referrals" with those to acknowledge, each count linking to the inbox filtered to exactly
those, and each the number of rows that list shows. The inbox's "Open" means not yet
ended. Counts in a fixed number of queries, and nothing logged (no personal data)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hearth.audit.models import AccessEvent
from hearth.core import clock
from hearth.obligations.models import Obligation
from hearth.obligations.tests.factories import (
    FRONT_DOOR,
    IDVA,
    OFFICER,
    checklist,
    of,
    submitted_incident,
    team,
)
from hearth.referrals import services
from hearth.referrals.policy import Route, Status

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC)
NEXT_MONDAY = dt.datetime(2026, 11, 30, 10, tzinfo=dt.UTC)
SUNDAY = dt.datetime(2026, 11, 29, 10, tzinfo=dt.UTC)


def home(client: Client) -> Any:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


def rows_listed(client: Client, url: str) -> int:
    """How many rows the list at ``url`` says it has (every page of it)."""
    response = client.get(url)
    assert response.status_code == 200
    return int(response.context["inbox"].total)


def test_the_front_door_home_page_leads_with_deciding_notifications_counted(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    with time_machine.travel(MONDAY):
        submitted_incident(wessex, reference="WX/2026/0300")  # overdue a week later
    with time_machine.travel(SUNDAY):
        submitted_incident(wessex, reference="WX/2026/0301")  # due on Monday
    with time_machine.travel(NEXT_MONDAY):
        client = client_for(FRONT_DOOR)
        before = AccessEvent.objects.count()
        response = home(client)
        assert AccessEvent.objects.count() == before  # counts only: nothing read
        action = response.context["actions"][0]  # the page's primary button
        assert action.label == "Decide notifications"
        assert action.url.startswith(reverse("team_inbox", args=[team("northshire-front-door").pk]))
        new, overdue, today = action.waiting
        assert (new.words, overdue.words, today.words) == (
            "new notifications to decide",
            "overdue",
            "due later today",
        )
        # Each count is what the list it links to shows ...
        for waiting in action.waiting:
            assert waiting.count == rows_listed(client, waiting.url), waiting.words
        # ... and what the ledger holds, counted another way.
        now = clock.now()
        tomorrow = dt.datetime.combine(
            now.astimezone(clock.LONDON).date() + dt.timedelta(days=1),
            dt.time.min,
            tzinfo=clock.LONDON,
        )
        ours = Obligation.objects.filter(
            team=team("northshire-front-door"), route=Route.CHILD_CONCERN
        ).exclude(status__in=[Status.CLOSED, Status.WITHDRAWN])
        assert new.count == ours.filter(status=Status.SENT).count() >= 6
        assert overdue.count == ours.filter(next_due_at__lte=now).count() >= 3
        assert today.count == ours.filter(next_due_at__gt=now, next_due_at__lt=tomorrow).count()
        assert today.count >= 3
        assert overdue.urgent and not new.urgent
        page = response.content.decode()
        assert f'href="{new.url.replace("&", "&amp;")}">{new.count} new notifications' in page


def test_the_front_door_home_page_counts_in_the_same_queries_for_1_or_4_incidents(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    submitted_incident(wessex, reference="WX/2026/0400")
    client = client_for(FRONT_DOOR)
    home(client)
    with CaptureQueriesContext(connection) as one:
        home(client)
    for n in range(3):
        submitted_incident(wessex, reference=f"WX/2026/041{n}")
    with CaptureQueriesContext(connection) as four:
        home(client)
    assert len(four) == len(one)


def test_the_idva_home_page_leads_with_referrals_to_acknowledge(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    incident = submitted_incident(wessex)
    checklist(wessex, incident, yes=15)
    (referral,) = of(incident, Route.IDVA_REFERRAL)
    client = client_for(IDVA)
    action = home(client).context["actions"][0]
    assert action.label == "IDVA referrals"
    to_acknowledge, overdue = action.waiting
    assert to_acknowledge.words == "referrals to acknowledge"
    assert to_acknowledge.count == rows_listed(client, to_acknowledge.url) >= 1
    assert overdue.count == rows_listed(client, overdue.url)
    listed = client.get(to_acknowledge.url).context["inbox"].rows
    assert referral.pk in {row.obligation.pk for row in listed}
    # Acknowledged: no longer counted.
    before = to_acknowledge.count
    from hearth.obligations import services as ledger

    ledger.obligation_acknowledge(actor=wessex.actor(IDVA), obligation=referral)
    assert home(client).context["actions"][0].waiting[0].count == before - 1


def test_people_in_other_roles_are_not_given_these_actions(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    labels = [a.label for a in home(client_for(OFFICER)).context["actions"]]
    assert "Decide notifications" not in labels and "IDVA referrals" not in labels


def test_open_means_not_yet_ended(wessex: Any, client_for: Callable[[str], Client]) -> None:
    """A decision to assess records the outcome but keeps the notification open (the
    lifecycle in docs/obligations.md): it is listed under "Open"; a decision that closes
    it is not, and is listed under "Ended"."""
    incident = submitted_incident(wessex)
    mia, leo, ava = of(incident, Route.CHILD_CONCERN)
    actor = wessex.actor(FRONT_DOOR)
    services.decision_record(actor=actor, obligation=mia, decision="strategy_discussion")
    services.decision_record(actor=actor, obligation=leo, decision="no_further_action")
    mia.refresh_from_db()
    assert mia.status == Status.OUTCOME_RECORDED
    client = client_for(FRONT_DOOR)
    url = reverse("team_inbox", args=[team("northshire-front-door").pk])

    def shown(query: str) -> set[int]:
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200
        return {row.obligation.pk for row in response.context["inbox"].rows}

    open_ = shown(f"route={Route.CHILD_CONCERN}")
    assert {mia.pk, ava.pk} <= open_ and leo.pk not in open_
    assert shown("status=ended") >= {leo.pk} and mia.pk not in shown("status=ended")
    assert mia.pk in shown("status=outcome_recorded")
    page = client.get(url).content.decode()
    assert "Open: not yet closed or withdrawn" in page
    assert "Decided: assessment under way" in page  # Mia's status, named for what happened
