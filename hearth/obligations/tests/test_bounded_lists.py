"""Lists that grow without bound are read a page at a time: the child's safeguarding
record and the team inbox show one page with a link to the next, and take the same
number of queries however many rows there are (issue 12 §2)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hearth.accounts.services import api_key_issue
from hearth.obligations.models import Deadline, Obligation
from hearth.obligations.selectors.inbox import INBOX_PAGE_SIZE
from hearth.obligations.selectors.records import RECORD_PER_PAGE
from hearth.obligations.tests.factories import (
    FRONT_DOOR,
    FRONT_DOOR_MANAGER,
    of,
    submitted_incident,
    team,
)
from hearth.referrals.policy import Route

pytestmark = pytest.mark.django_db


def copies_of(obligation: Obligation, n: int) -> None:
    """``n`` more obligations like one the services made (with its open deadlines): the
    volume of years of records, without submitting hundreds of incidents in a test."""
    deadlines = list(Deadline.objects.filter(obligation=obligation))
    key = obligation.key
    for _ in range(n):
        obligation.pk = None
        obligation.key = f"{key}:copy:{Obligation.objects.count()}"
        obligation.save(force_insert=True)
        for deadline in deadlines:
            deadline.pk = None
            deadline.obligation = obligation
        Deadline.objects.bulk_create(deadlines)


def test_a_child_with_150_obligations_gets_one_page_and_a_link_to_the_next(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    incident = submitted_incident(wessex, reference="WX/2026/0700")
    concern = of(incident, Route.CHILD_CONCERN)[0]
    copies_of(concern, 150 - Obligation.objects.owed_to([concern.subject_id]).count())
    url = reverse("child_safeguarding_record", args=[concern.subject_id])

    response = client_for(FRONT_DOOR).get(url)

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('<tr class="govuk-table__row">') == RECORD_PER_PAGE + 1  # and the head
    assert "still open</strong> of 150" in page
    assert 'rel="next"' in page and "?page=2" in page
    last = client_for(FRONT_DOOR).get(url + "?page=6").content.decode()
    assert last.count('<tr class="govuk-table__row">') == 150 - 5 * RECORD_PER_PAGE + 1
    assert 'rel="next"' not in last and 'rel="prev"' in last


def test_the_safeguarding_record_takes_the_same_queries_for_5_or_60_obligations(
    wessex: Any, client_for: Callable[[str], Client], django_assert_max_num_queries: Any
) -> None:
    incident = submitted_incident(wessex, reference="WX/2026/0701")
    concern = of(incident, Route.CHILD_CONCERN)[0]
    copies_of(concern, 5 - Obligation.objects.owed_to([concern.subject_id]).count())
    url = reverse("child_safeguarding_record", args=[concern.subject_id])
    client = client_for(FRONT_DOOR)
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as five:
        assert client.get(url).status_code == 200
    copies_of(concern, 55)
    with django_assert_max_num_queries(len(five)):
        assert "of 60" in client.get(url).content.decode()


def test_the_inbox_has_a_next_page_and_takes_the_same_queries_for_5_or_60_items(
    wessex: Any, client_for: Callable[[str], Client], django_assert_max_num_queries: Any
) -> None:
    incident = submitted_incident(wessex, reference="WX/2026/0702")
    concern = of(incident, Route.CHILD_CONCERN)[0]
    url = reverse("team_inbox", args=[team("northshire-front-door").pk])
    copies_of(concern, 2)  # three children's concerns, and two more
    client = client_for(FRONT_DOOR_MANAGER)
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as five:
        assert 'rel="next"' not in client.get(url).content.decode()
    copies_of(concern, 55)
    with django_assert_max_num_queries(len(five)):
        page = client.get(url).content.decode()
    assert 'rel="next"' in page and "?page=2" in page
    second = client.get(url + "?page=2").content.decode()
    assert second.count("govuk-checkboxes__input") >= 60 - INBOX_PAGE_SIZE


def test_the_inbox_api_reads_a_page_at_a_time_and_defaults_to_the_first(wessex: Any) -> None:
    incident = submitted_incident(wessex, reference="WX/2026/0703")
    copies_of(of(incident, Route.CHILD_CONCERN)[0], 7)  # ten in all
    key = api_key_issue(
        actor=None,
        agency=wessex.agency("northshire-council-childrens-services"),
        name="Case system",
        roles=["front_door_practitioner"],
        team=team("northshire-front-door"),
    )
    path = f"/api/v1/teams/{team('northshire-front-door').pk}/obligations"
    auth = {"Authorization": f"Bearer {key.raw_key}"}

    first = Client().get(path, headers=auth).json()
    total = first["total"]
    last = -(-total // 4)
    pages = [
        Client().get(path, {"page": n, "page_size": 4}, headers=auth).json() for n in (1, last)
    ]

    assert total >= 10
    assert (first["page"], first["pages"], len(first["obligations"])) == (1, 1, total)
    assert [(p["page"], p["pages"]) for p in pages] == [(1, last), (last, last)]
    ids = [o["id"] for o in first["obligations"]]
    assert [o["id"] for o in pages[0]["obligations"]] == ids[:4]
    assert [o["id"] for o in pages[1]["obligations"]] == ids[4 * (last - 1) :]
    too_big = Client().get(path, {"page_size": 101}, headers=auth)
    assert too_big.status_code == 422


def test_each_inbox_row_shows_its_claimant_incident_and_siblings_from_the_pages_own_queries(
    wessex: Any, client_for: Callable[[str], Client], django_assert_max_num_queries: Any
) -> None:
    # The inbox reads only the columns a row shows: one it left out would be read row by
    # row, and the queries would grow with the page.
    incident = submitted_incident(wessex, reference="WX/2026/0704")
    concern = of(incident, Route.CHILD_CONCERN)[0]
    url = reverse("team_inbox", args=[team("northshire-front-door").pk])
    manager = wessex.user(FRONT_DOOR_MANAGER)
    client = client_for(FRONT_DOOR)
    client.get(url)  # warm the session
    Obligation.objects.filter(incident=incident).update(claimed_by=manager)
    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()
    assert f"Claimed by {manager.get_full_name()}" in page
    assert "WX/2026/0704" in page
    copies_of(Obligation.objects.get(pk=concern.pk), 55)
    Obligation.objects.filter(incident=incident).update(claimed_by=manager)
    type(incident).objects.filter(pk=incident.pk).update(police_reference="")
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    page = response.content.decode()
    ours = [r for r in response.context["inbox"].rows if r.obligation.incident_id == incident.pk]
    assert len(ours) > 5
    assert page.count(f"Claimed by {manager.get_full_name()}") >= len(ours)
    assert f"{incident.get_kind_display()} {incident.pk}" in page  # no reference: its kind
    names = [o.subject.full_name for o in of(incident, Route.CHILD_CONCERN)[1:3]]
    assert f"with {names[0]}, {names[1]}" in page or names[0] in page.split("with ", 1)[1]
