"""The directory's pages: a provider keeps its own entries (edit, confirm), sees "not
confirmed since"; others read but cannot change (404); bad input keeps what was typed;
an administrator adds organisations and services and imports."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from hearth.audit.models import TimelineEvent
from hearth.directory.models import Organisation, Service

pytestmark = pytest.mark.django_db

SPECIALIST = "specialist@little-oaks.wessex.example"
FRONT_DOOR = "front.door@northshire.wessex.example"
ADMIN = "administrator@hearth.wessex.example"

ClientFor = Callable[[str], Client]


def little_oaks() -> Service:
    return Service.objects.get(organisation__name="Little Oaks Children's Therapy")


def form_data(service: Service, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "places": service.places,
        "places_taken": service.places_taken,
        "waiting_weeks": service.waiting_weeks,
        "open_to_referrals": "yes",
        "name": service.name,
        "description": service.description,
        "status": service.status,
        "min_age": service.min_age,
        "max_age": service.max_age,
        "eligible": service.eligible,
        "delivery": service.delivery,
        "areas": [str(a.pk) for a in service.areas.all()],
        "languages": ", ".join(service.languages),
        "free": "yes",
        "cost_note": "",
        "url": "",
        "email": "",
        "team": str(service.team_id),
    }
    data.update(changes)
    return {k: ("" if v is None else v) for k, v in data.items()}


def test_anyone_signed_in_browses_the_directory_but_the_public_does_not(
    client_for: ClientFor,
) -> None:
    page = client_for(FRONT_DOOR).get(reverse("directory_home"))
    assert page.status_code == 200
    assert b"Little Oaks therapy for children" in page.content
    assert b"Full: waiting list" in page.content
    detail = client_for(FRONT_DOOR).get(reverse("directory_service", args=[little_oaks().pk]))
    assert b"8 weeks" in detail.content
    assert b"Confirm it is still right" not in detail.content
    assert Client().get(reverse("directory_home")).status_code == 302


def test_a_provider_changes_capacity_and_it_is_recorded(client_for: ClientFor) -> None:
    service = little_oaks()
    client = client_for(SPECIALIST)
    url = reverse("directory_service_change", args=[service.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(service, places_taken=10, waiting_weeks=0))
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.places_taken, service.waiting_weeks) == (10, 0)
    event = TimelineEvent.objects.for_subject(service).latest("id")
    assert event.verb == "directory.capacity_changed"
    detail = client.get(reverse("directory_service", args=[service.pk]))
    assert b"Capacity of Little Oaks therapy for children changed" in detail.content
    assert (
        b'<td class="govuk-table__cell">Little Oaks Children&#x27;s Therapy</td>' in detail.content
    )


def test_bad_input_is_explained_and_nothing_typed_is_lost(client_for: ClientFor) -> None:
    service = little_oaks()
    client = client_for(SPECIALIST)
    response = client.post(
        reverse("directory_service_change", args=[service.pk]),
        form_data(
            service, places=3, places_taken=5, description="Kept as typed", waiting_weeks="x"
        ),
    )
    assert response.status_code == 200
    assert response.content.count(b"There is a problem") == 1
    assert b"Waiting time in weeks must be a whole number" in response.content
    assert b"Kept as typed" in response.content
    # Once the number is fixed, the service's own rule speaks on its field.
    response = client.post(
        reverse("directory_service_change", args=[service.pk]),
        form_data(service, places=3, places_taken=5),
    )
    assert b"Places taken must be the same as or fewer than the places" in response.content
    assert response.content.startswith(b"<!DOCTYPE html>") or b"<title>Error:" in response.content
    service.refresh_from_db()
    assert service.places_taken == 12


def test_another_practitioner_cannot_change_or_confirm_it(client_for: ClientFor) -> None:
    service = little_oaks()
    client = client_for(FRONT_DOOR)
    assert client.get(reverse("directory_service_change", args=[service.pk])).status_code == 404
    assert client.post(reverse("directory_service_confirm", args=[service.pk])).status_code == 404


def test_the_provider_confirms_and_sees_when_it_lapses(client_for: ClientFor) -> None:
    service = little_oaks()
    with time_machine.travel("2031-01-01 10:00Z", tick=False):
        client = client_for(SPECIALIST)
        page = client.get(reverse("directory_service", args=[service.pk]))
        assert b"Not confirmed since" in page.content
        home = client.get(reverse("directory_home"))
        assert b"Not confirmed since" in home.content
        response = client.post(reverse("directory_service_confirm", args=[service.pk]))
        assert response.status_code == 302
        page = client.get(reverse("directory_service", args=[service.pk]))
        assert b"Not confirmed since" not in page.content
        assert b"1 January 2031" in page.content


def test_an_administrator_adds_an_organisation_then_a_service(client_for: ClientFor) -> None:
    client = client_for(ADMIN)
    from hearth.accounts.models import Agency

    agency = Agency.objects.get(slug="little-oaks-childrens-therapy")
    refused = client.post(reverse("directory_organisation_add"), {"name": "", "agency": ""})
    assert b"Enter the name of the organisation" in refused.content
    response = client.post(
        reverse("directory_organisation_add"),
        {"name": "Oak Saplings", "description": "", "email": "", "url": "", "agency": agency.pk},
    )
    org = Organisation.objects.get(name="Oak Saplings")
    assert response["Location"] == reverse("directory_service_add", args=[org.pk])
    blank = Service(name="Saplings group", status="active", places=None, places_taken=None)
    blank.eligible, blank.delivery, blank.languages = ["child_victim"], ["group"], []
    data = form_data(blank, areas=[], team="", min_age=0, max_age=3)
    response = client.post(reverse("directory_service_add", args=[org.pk]), data)
    assert response.status_code == 302
    made = Service.objects.get(name="Saplings group")
    assert (made.min_age, made.max_age, made.organisation) == (0, 3, org)
    assert made.confirmed_on is not None


def test_only_the_service_operator_imports(client_for: ClientFor) -> None:
    assert client_for(SPECIALIST).get(reverse("directory_import")).status_code == 404
    client = client_for(ADMIN)
    page = client.get(reverse("directory_import"))
    assert page.status_code == 200
    empty = client.post(reverse("directory_import"), {})
    assert b"Select a file or enter the feed&#x27;s address" in empty.content


def test_an_import_page_reports_each_row_and_imports_nothing_on_a_problem(
    client_for: ClientFor,
) -> None:
    client = client_for(ADMIN)
    feed = Client().get("/openreferral/services").json()["contents"]
    bad = [*feed, {"id": "broken", "name": "Broken", "status": "open"}]
    upload = io.BytesIO(json.dumps(bad).encode())
    upload.name = "other.json"
    before = Service.objects.count()
    response = client.post(reverse("directory_import"), {"file": upload})
    assert b"Nothing was imported" in response.content
    assert b"status must be active, inactive, defunct or temporarily closed" in response.content
    assert Service.objects.count() == before
    good = io.BytesIO(json.dumps(feed).encode())
    good.name = "other.json"
    response = client.post(reverse("directory_import"), {"file": good})
    assert b"Nothing was imported" not in response.content
    assert Service.objects.filter(source="file:other.json").count() == len(feed)


def test_the_home_page_leads_to_the_directory(client_for: ClientFor) -> None:
    home = client_for(SPECIALIST).get(reverse("home")).content
    assert b"Your services in the directory" in home
    assert reverse("directory_home").encode() in client_for(FRONT_DOOR).get(reverse("home")).content
    assert reverse("directory_home").encode() in client_for(ADMIN).get(reverse("home")).content


def test_the_import_page_fetches_only_over_https(client_for: ClientFor) -> None:
    response = client_for(ADMIN).post(
        reverse("directory_import"), {"url": "http://directory.example.org/openreferral/services"}
    )
    assert b"Enter an address that starts with https://" in response.content
