"""A child's record and the incident list read a page at a time (GOV.UK pagination), in
the same number of queries however many incidents there are (issue 12 §2: a child with
many linked records made a page of 40 MB)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hearth.accounts.services import api_key_issue
from hearth.incidents.documents import incident_record_document
from hearth.incidents.models import ChildInvolvement, Incident, Party
from hearth.incidents.selectors import CHILD_INCIDENTS_PER_PAGE, LIST_PAGE_SIZE
from hearth.incidents.tests.factories import family_document

pytestmark = pytest.mark.django_db

OFFICER = "response.officer@police.wessex.example"
PPU = "ppu.officer@police.wessex.example"
CARD = '<div class="govuk-summary-card">'


def copies_of(incident: Incident, n: int) -> None:
    """``n`` more incidents like one the services recorded, with the same people (years
    of a family's history, without recording each through the journey in a test)."""
    parties = list(Party.objects.filter(incident=incident))
    involvements = list(ChildInvolvement.objects.filter(incident=incident))
    reference = incident.police_reference
    for number in range(n):
        incident.pk = None
        incident.police_reference = f"{reference}/{Incident.objects.count()}-{number}"
        incident.save(force_insert=True)
        for party in parties:
            party.pk = None
            party.incident = incident
        for involvement in involvements:
            involvement.pk = None
            involvement.incident = incident
        Party.objects.bulk_create(parties)
        ChildInvolvement.objects.bulk_create(involvements)


@pytest.fixture
def incident(wessex: Any) -> Incident:
    return incident_record_document(
        actor=wessex.actor(OFFICER), document=family_document("WX/2026/8800")
    )


def test_a_child_in_150_incidents_gets_one_page_and_a_link_to_the_next(
    incident: Incident, client_for: Callable[[str], Client]
) -> None:
    copies_of(incident, 149)
    child = ChildInvolvement.objects.filter(incident=incident).first()
    assert child is not None
    url = reverse("child_detail", args=[child.child_id])

    page = client_for(PPU).get(url).content.decode()
    last = client_for(PPU).get(url + "?page=8").content.decode()

    assert page.count(CARD) == CHILD_INCIDENTS_PER_PAGE
    assert "150 in all" in page and 'rel="next"' in page and "?page=2" in page
    assert last.count(CARD) == 150 - 7 * CHILD_INCIDENTS_PER_PAGE
    assert 'rel="next"' not in last and 'rel="prev"' in last


def test_a_later_page_of_a_childs_record_assesses_the_risk_at_the_newest_incident(
    incident: Incident, client_for: Callable[[str], Client]
) -> None:
    copies_of(incident, CHILD_INCIDENTS_PER_PAGE + 5)
    child = ChildInvolvement.objects.filter(incident=incident).first()
    assert child is not None
    newest = (
        ChildInvolvement.objects.filter(child_id=child.child_id)
        .order_by("-incident__occurred_at", "-incident_id")
        .values_list("incident_id", flat=True)
        .first()
    )
    url = reverse("child_detail", args=[child.child_id])
    assess = reverse("risk_child", args=[child.child_id, newest])

    for page in ("", "?page=2"):
        assert f'href="{assess}"' in client_for(PPU).get(url + page).content.decode()


def test_a_childs_record_takes_the_same_queries_for_5_or_60_incidents(
    incident: Incident, client_for: Callable[[str], Client], django_assert_max_num_queries: Any
) -> None:
    copies_of(incident, 4)
    child = ChildInvolvement.objects.filter(incident=incident).first()
    assert child is not None
    url = reverse("child_detail", args=[child.child_id])
    client = client_for(PPU)
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as five:
        assert client.get(url).content.decode().count(CARD) == 5
    copies_of(incident, 55)
    with django_assert_max_num_queries(len(five)):
        page = client.get(url).content.decode()
    assert page.count(CARD) == CHILD_INCIDENTS_PER_PAGE


def test_the_incident_list_has_a_next_page(
    incident: Incident, client_for: Callable[[str], Client]
) -> None:
    copies_of(incident, LIST_PAGE_SIZE + 4)
    client = client_for(PPU)

    first = client.get(reverse("incident_list")).content.decode()
    second = client.get(reverse("incident_list"), {"page": 2}).content.decode()

    assert 'rel="next"' in first and "?page=2" in first
    assert f"showing {LIST_PAGE_SIZE + 1} to " in second
    assert 'rel="prev"' in second


def test_the_childs_record_in_the_api_reads_a_page_at_a_time_and_defaults_to_the_first(
    wessex: Any, incident: Incident
) -> None:
    copies_of(incident, 24)
    child = ChildInvolvement.objects.filter(incident=incident).first()
    assert child is not None
    key = api_key_issue(
        actor=None,
        agency=wessex.agency("wessex-police"),
        name="Force system",
        roles=["public_protection_officer"],
    )
    auth = {"Authorization": f"Bearer {key.raw_key}"}
    path = f"/api/v1/children/{child.child_id}"

    first = Client().get(path, headers=auth).json()
    second = Client().get(path, {"page": 2}, headers=auth).json()

    assert (first["page"], first["pages"], len(first["incidents"])) == (1, 2, 20)
    assert (second["page"], second["pages"], len(second["incidents"])) == (2, 2, 5)
    seen = {i["incident"]["id"] for i in first["incidents"] + second["incidents"]}
    assert len(seen) == 25


def test_a_childs_record_reads_its_schools_in_one_query_however_many_cards(
    incident: Incident, client_for: Callable[[str], Client], django_assert_max_num_queries: Any
) -> None:
    """Each card names the child's school from the directory: one read for the page, not
    one a card (issue 12)."""
    from hearth.schools.models import EducationSetting

    child = ChildInvolvement.objects.filter(incident=incident).first()
    assert child is not None
    urns = list(EducationSetting.objects.open().values_list("urn", flat=True)[:20])

    def at_schools() -> None:
        rows = ChildInvolvement.objects.filter(child_id=child.child_id).order_by("id")
        for row, urn in zip(rows, urns * 3, strict=False):
            ChildInvolvement.objects.filter(pk=row.pk).update(
                education="registered", education_setting_urn=urn
            )

    copies_of(incident, 1)
    at_schools()
    url = reverse("child_detail", args=[child.child_id])
    client = client_for(PPU)
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as two:
        client.get(url)
    copies_of(incident, 30)
    at_schools()
    with django_assert_max_num_queries(len(two)):
        page = client.get(url).content.decode()
    assert "(URN " in page
