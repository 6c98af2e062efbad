"""How large a request may be (issue 11): a body over the limit is answered, not dropped.
Bodies over 2.5 MB (Django's default) got an HTML "Bad Request (400)", larger ones a
closed connection, even a 2.7 MB incident the API's schema allows. The limit is sized
above the largest valid incident, and over it the API answers 413 in its error shape and
the pages with a page saying so."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from hearth.accounts.services import api_key_issue
from hearth.core.body_limit import RequestBodyLimitMiddleware

pytestmark = pytest.mark.django_db

LIMIT = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
OFFICER = "response.officer@police.wessex.example"


@pytest.fixture
def police_key(wessex: Any) -> str:
    return api_key_issue(
        actor=None,
        agency=wessex.agency("wessex-police"),
        name="Wessex Police records",
        roles=["public_protection_officer"],
    ).raw_key


def post_incident(key: str, body: bytes) -> Any:
    return Client().post(
        "/api/v1/incidents",
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}", "Idempotency-Key": "large-1"},
    )


def large_incident(children: int) -> bytes:
    """A family's incident, valid in every part, with ``children`` more children each
    described at length (every text of their involvement at its longest)."""
    from hearth.incidents.tests.test_api import family

    body = family()
    for n in range(children):
        ref = f"child-{n}"
        body["people"].append(
            {"ref": ref, "given_names": f"Child {n}", "family_name": "Vance",
             "date_of_birth": f"201{n % 9}-03-1{n % 10}"}
        )  # fmt: skip
        long = dict.fromkeys(("injuries", "demeanour", "worries"), "w" * 10000)
        body["children"].append(
            {"ref": ref, "involvement": {"present": False, "own_words": "w" * 20_000, **long}}
        )
        body["relationships"] += [
            {"person": "victim", "other": ref, "kinship": "parent"},
            {"person": "perpetrator", "other": ref, "kinship": "step_parent"},
        ]
    body["submit"] = False
    return json.dumps(body).encode()


def test_a_valid_incident_of_2_7_mb_is_recorded(police_key: str) -> None:
    """Over Django's default 2.5 MB it was an HTML "Bad Request (400)"."""
    data = large_incident(children=54)
    assert 2_700_000 < len(data) < 2_800_000
    response = post_incident(police_key, data)
    assert response.status_code == 201, response.content[:300]


def test_a_body_over_the_limit_is_a_413_in_the_apis_error_shape(police_key: str) -> None:
    response = post_incident(police_key, b" " * (LIMIT + 1))
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == "payload_too_large"
    assert error["message"] == (
        f"The request is {LIMIT + 1:,} bytes: it can be at most {LIMIT:,} bytes (40 MB)"
    )


def test_a_form_over_the_limit_gets_a_page_saying_so(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for(OFFICER)
    response = client.post(
        "/incidents/new/", data=b"x" * (LIMIT + 1), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert b"What you sent is too large" in response.content


def test_a_body_without_a_length_is_refused_not_read() -> None:
    """A chunked body's size cannot be checked before it is read (and Django would read
    it as empty): the client is told to send its length."""
    request = RequestFactory().post(
        "/api/v1/incidents",
        data=b"{}",
        content_type="application/json",
        HTTP_TRANSFER_ENCODING="chunked",
    )
    response = RequestBodyLimitMiddleware(lambda r: HttpResponse("read"))(request)
    assert response.status_code == 411
    assert json.loads(response.content)["error"]["code"] == "length_required"


def test_what_was_sent_of_a_refused_body_is_read_so_the_answer_reaches_the_client() -> None:
    stream = io.BytesIO(b"x" * (LIMIT + 10))
    request = WSGIRequest(
        {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/api/v1/incidents",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(LIMIT + 10),
            "wsgi.input": stream,
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "wsgi.url_scheme": "http",
        }
    )
    response = RequestBodyLimitMiddleware(lambda r: HttpResponse("read"))(request)
    assert response.status_code == 413
    assert stream.tell() == LIMIT + 10
