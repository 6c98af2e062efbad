"""The incident list costs the same queries for one page however many incidents the
force has (issue 12 §2), and logs the page it shows in one access event."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hearth.audit.models import AccessEvent
from hearth.incidents.documents import incident_record_document
from hearth.incidents.selectors import LIST_PAGE_SIZE
from hearth.incidents.tests.factories import family_document
from hearth.incidents.tests.test_bounded_lists import OFFICER, PPU, copies_of

pytestmark = pytest.mark.django_db


def test_the_incident_list_takes_the_same_queries_for_2_or_60_incidents(
    wessex: Any, client_for: Callable[[str], Client], django_assert_max_num_queries: Any
) -> None:
    incident = incident_record_document(
        actor=wessex.actor(OFFICER), document=family_document("WX/2026/8900")
    )
    copies_of(incident, 1)
    client = client_for(PPU)
    client.get(reverse("incident_list"))  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("incident_list")).status_code == 200
    copies_of(incident, 58)
    with django_assert_max_num_queries(len(few)):
        page = client.get(reverse("incident_list")).content.decode()
    assert 'rel="next"' in page
    event = AccessEvent.objects.filter(action="search").latest("pk")
    # The page shown, in one event (with the people it names).
    assert event.records.filter(record_type="incidents.incident").count() == LIST_PAGE_SIZE
