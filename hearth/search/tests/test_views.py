"""The search page, the header's search box and ``GET /api/v1/search``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from hearth.audit.models import AccessAction, AccessEvent
from hearth.incidents.models import Incident
from hearth.search.tests.conftest import FRONT_DOOR, OFFICER

ADMIN = "administrator@hearth.wessex.example"
ANALYST = "analyst@partnership.wessex.example"


def test_the_header_offers_the_search_box_to_case_workers_only(
    client_for: Callable[[str], Client],
) -> None:
    assert 'action="/search/"' in client_for(OFFICER).get("/").content.decode()
    assert 'action="/search/"' not in client_for(ANALYST).get("/").content.decode()


def test_the_results_page_lists_what_was_found_with_why(
    client_for: Callable[[str], Client], incident: Incident
) -> None:
    response = client_for(OFFICER).get("/search/", {"q": "Mia Vanse"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Search results for ‘Mia Vanse’" in page
    assert "Mia Vance" in page and "Why you can see this:" in page
    assert "An incident you recorded" in page
    assert AccessEvent.objects.latest("id").action == AccessAction.SEARCH


def test_no_results_says_so_with_hints(
    client_for: Callable[[str], Client], incident: Incident
) -> None:
    page = client_for(OFFICER).get("/search/", {"q": "Zebedee Quillfeather"}).content.decode()
    assert "No results" in page and "check the spelling" in page


def test_an_empty_search_shows_the_box_and_logs_nothing(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for(OFFICER)
    before = AccessEvent.objects.count()
    response = client.get("/search/")
    assert response.status_code == 200 and 'name="q"' in response.content.decode()
    assert AccessEvent.objects.count() == before


@pytest.mark.parametrize("email", [ADMIN, ANALYST])
def test_who_sees_no_case_content_has_no_search_page(
    client_for: Callable[[str], Client], email: str
) -> None:
    assert client_for(email).get("/search/", {"q": "Vance"}).status_code == 404


def test_the_api_answers_with_the_same_results_and_reasons(
    client_for: Callable[[str], Client], incident: Incident
) -> None:
    response = client_for(FRONT_DOOR).get("/api/v1/search", {"q": "Mia Vance"})
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    first = body["results"][0]
    assert (first["title"], first["kind"]) == ("Mia Vance", "child")
    assert first["path"].startswith("/obligations/")
    assert any("addressed to your team" in why for why in first["why"])


def test_the_api_refuses_an_empty_query_in_the_one_error_shape(
    client_for: Callable[[str], Client],
) -> None:
    response = client_for(OFFICER).get("/api/v1/search", {"q": ""})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"


def test_the_api_gives_an_administrator_nothing(
    client_for: Callable[[str], Client], incident: Incident
) -> None:
    response = client_for(ADMIN).get("/api/v1/search", {"q": "Vance"})
    assert response.status_code == 200 and response.json()["results"] == []
