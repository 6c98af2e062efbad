"""The error pages: GOV.UK pages for people, the one error shape for the API."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from hearth.core.views import server_error


@pytest.mark.django_db
def test_a_missing_page_is_a_govuk_404() -> None:
    response = Client().get("/account/nothing-here/")
    assert response.status_code == 404
    assert b'<h1 class="govuk-heading-l">Page not found</h1>' in response.content


@pytest.mark.django_db
def test_a_missing_api_route_answers_in_the_api_error_shape() -> None:
    response = Client().get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not found"}}


def test_a_server_error_page_says_what_to_do_and_keeps_no_one_waiting() -> None:
    page = server_error(RequestFactory().get("/teams/"))
    assert page.status_code == 500
    assert b"Sorry, there is a problem with the service" in page.content
    assert b"phone 999" in page.content
    api = server_error(RequestFactory().get("/api/v1/me"))
    assert api.status_code == 500
    assert api["Content-Type"] == "application/json"
