"""The public Open Referral UK 3.0 feed: every answer validates against the profile's
compiled schemas (0 errors), optional fields are left out rather than null, capacity
travels as ``x_capacity``, and a secret location never leaves Hearth."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from hearth.directory import services
from hearth.directory.models import Service
from hearth.directory.tests import factories

pytestmark = pytest.mark.django_db

Errors = Callable[[str, Any], list[str]]


def nulls(value: Any, path: str = "") -> list[str]:
    """Every path in ``value`` whose value is null."""
    if value is None:
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in nulls(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in nulls(v, f"{path}[{i}]")]
    return []


@pytest.fixture
def directory() -> dict[str, Service]:
    north = factories.area("E06000901", "Northshire")
    south = factories.area("E06000902", "Southmoor")
    _, team, org = factories.provider("Little Acorns")
    therapy = factories.service(org, name="Therapy", areas=[north], team=team)
    services.location_add(
        actor=None,
        service=therapy,
        name="Acorn House",
        address_1="1 High Street",
        town="Northbury",
        postcode="NB1 1AA",
        latitude="51.500000",
        longitude="-1.250000",
    )
    refuge = factories.service(
        org,
        name="Refuge children's worker",
        areas=[north, south],
        secret_location=True,
        places=None,
        places_taken=None,
        waiting_weeks=None,
    )
    services.location_add(
        actor=None,
        service=refuge,
        name="The refuge",
        address_1="9 Secret Lane",
        town="Hiddenham",
        postcode="HD9 9ZZ",
    )
    # A bare entry: only what the profile requires, so every optional field is empty.
    _, _, bare_org = factories.provider("Bare Org")
    bare = services.service_create(actor=None, organisation=bare_org, name="Bare", confirmed=False)
    return {"therapy": therapy, "refuge": refuge, "bare": bare}


def test_root_describes_the_feed() -> None:
    response = Client().get("/openreferral/")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    assert body["version"] == "3.0"
    assert body["openapi_url"].endswith("openapi.json")


def test_services_page_validates_and_leaves_out_empty_fields(
    directory: dict[str, Service], oruk_errors: Errors, oruk_page_errors: Any
) -> None:
    response = Client().get("/openreferral/services")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    page = response.json()
    assert oruk_page_errors(page) == []
    assert page["total_items"] == 3
    assert page["size"] == 3
    assert page["first_page"] and page["last_page"] and not page["empty"]
    assert nulls(page) == []
    for row in page["contents"]:
        # Each row is a list row, and carries the full service as well.
        assert oruk_errors("service_list", row) == []
        assert oruk_errors("service", row) == []
    bare = next(r for r in page["contents"] if r["name"] == "Bare")
    for optional in ("description", "url", "email", "minimum_age", "assured_date", "languages"):
        assert optional not in bare


def test_one_service_validates_with_its_areas_eligibility_and_capacity(
    directory: dict[str, Service], oruk_errors: Errors
) -> None:
    therapy = directory["therapy"]
    response = Client().get(f"/openreferral/services/{therapy.pk}")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    assert oruk_errors("service", body) == []
    assert nulls(body) == []
    assert body["minimum_age"] == 4 and body["maximum_age"] == 16
    assert [a["service_area"] for a in body["service_areas"]] == ["Northshire"]
    assert body["x_capacity"] == {
        "open_to_referrals": True,
        "places": 10,
        "places_taken": 4,
        "waiting_weeks": 0,
        "confirmed_on": therapy.capacity_confirmed_on.isoformat(),  # type: ignore[union-attr]
    }
    terms = {a["taxonomy_term"]["term"] for a in body["attributes"]}
    assert terms == {"child_victim", "in_person"}
    address = body["service_at_locations"][0]["location"]["addresses"][0]
    assert address["postal_code"] == "NB1 1AA"


def test_a_secret_location_never_leaves_hearth(
    directory: dict[str, Service], oruk_errors: Errors
) -> None:
    refuge = directory["refuge"]
    one = Client().get(f"/openreferral/services/{refuge.pk}")
    assert oruk_errors("service", one.json()) == []
    assert "service_at_locations" not in one.json()
    listing = Client().get("/openreferral/services").content
    at_locations = Client().get("/openreferral/service_at_locations").content
    for content in (one.content, listing, at_locations):
        assert b"Secret Lane" not in content
        assert b"HD9" not in content
        assert b"Hiddenham" not in content


def test_service_at_locations_page_validates(
    directory: dict[str, Service], oruk_errors: Errors, oruk_page_errors: Any
) -> None:
    response = Client().get("/openreferral/service_at_locations")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    page = response.json()
    assert oruk_page_errors(page) == []
    assert page["total_items"] == 1  # the refuge's location is left out
    assert nulls(page) == []
    for row in page["contents"]:
        assert oruk_errors("service_at_location_list", row) == []
        assert oruk_errors("service_at_location", row) == []
    assert page["contents"][0]["service"]["name"] == "Therapy"


def test_paging_splits_the_list_and_says_where_it_is(directory: dict[str, Service]) -> None:
    client = Client()
    first = client.get("/openreferral/services?per_page=2").json()
    second = client.get("/openreferral/services?per_page=2&page=2").json()
    beyond = client.get("/openreferral/services?per_page=2&page=3").json()
    assert (first["total_pages"], first["page_number"], first["size"]) == (2, 1, 2)
    assert first["first_page"] and not first["last_page"]
    assert (second["page_number"], second["size"]) == (2, 1)
    assert second["last_page"] and not second["first_page"]
    names = [r["name"] for r in first["contents"] + second["contents"]]
    assert sorted(names) == ["Bare", "Refuge children's worker", "Therapy"]
    assert beyond["size"] == 0 and beyond["contents"] == []


@pytest.mark.parametrize("query", ["page=0", "page=x", "per_page=0", "per_page=501"])
def test_bad_paging_is_refused_plainly(query: str) -> None:
    response = Client().get(f"/openreferral/services?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_input"


def test_an_empty_directory_is_an_empty_page(oruk_page_errors: Any) -> None:
    page = Client().get("/openreferral/services").json()
    assert oruk_page_errors(page) == []
    assert page["empty"] is True and page["total_items"] == 0 and page["contents"] == []
    assert page["total_pages"] == 1 and page["first_page"] and page["last_page"]


@pytest.mark.parametrize("service_id", ["not-a-uuid", "6f0f3c64-8b6e-4b57-9a0e-1f6b1b2f7d31"])
def test_a_missing_service_is_404(service_id: str) -> None:
    response = Client().get(f"/openreferral/services/{service_id}")
    assert response.status_code == 404
    assert response["Access-Control-Allow-Origin"] == "*"


def test_the_feed_needs_no_sign_in_and_is_not_a_page_of_personal_data(
    directory: dict[str, Service],
) -> None:
    from hearth.audit.models import AccessEvent

    before = AccessEvent.objects.count()
    for url in ("/openreferral/", "/openreferral/services", "/openreferral/service_at_locations"):
        assert Client().get(url).status_code == 200
    assert AccessEvent.objects.count() == before


def test_the_feed_takes_only_get() -> None:
    assert Client().post("/openreferral/services").status_code == 405


def test_a_page_of_the_feed_reads_in_a_fixed_number_of_queries(
    directory: dict[str, Service], django_assert_max_num_queries: Any
) -> None:
    org = directory["therapy"].organisation
    area = directory["therapy"].areas.get()
    for n in range(10):
        service = factories.service(org, name=f"More {n}", areas=[area])
        services.location_add(actor=None, service=service, name=f"Place {n}", postcode="NB1 1AA")
    with django_assert_max_num_queries(5):
        page = Client().get("/openreferral/services").json()
    assert page["size"] == 13
    with django_assert_max_num_queries(4):
        assert Client().get("/openreferral/service_at_locations").json()["size"] == 11


def test_the_feed_answers_a_signed_in_person_still_setting_up_two_factors() -> None:
    from hearth.accounts.tests.factories import person

    someone = person("new.starter@example.org", totp=False)
    client = Client()
    client.force_login(someone.user)
    assert client.get("/openreferral/services").status_code == 200
    assert client.get("/directory/").status_code == 302  # the rest waits for two factors


def test_the_schema_check_finds_what_breaks_the_profile(
    oruk_errors: Errors, oruk_page_errors: Any
) -> None:
    """The validators the tests above rely on do refuse: a service without its required
    fields, a wrongly typed one, and a page without its counts."""
    assert oruk_errors("service", {"name": 7}) != []
    assert oruk_errors("service", {"id": "not-a-uuid", "name": "A service"}) != []
    assert oruk_page_errors({"contents": []}) != []
