"""The directory's API: any API client reads the services; a provider's system updates
its own capacity and confirms its entry (idempotent); anyone else gets a 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from hearth.accounts.models import Area
from hearth.accounts.services import api_key_issue
from hearth.audit.models import TimelineEvent
from hearth.directory.models import Service

pytestmark = pytest.mark.django_db

LITTLE_OAKS = "little-oaks-childrens-therapy"
POLICE = "wessex-police"


def key_for(wessex: Any, slug: str, role: str) -> dict[str, Any]:
    issued = api_key_issue(actor=None, agency=wessex.agency(slug), name="system", roles=[role])
    return {"HTTP_AUTHORIZATION": f"Bearer {issued.raw_key}"}


def little_oaks() -> Service:
    return Service.objects.get(organisation__name="Little Oaks Children's Therapy")


def test_any_api_client_lists_the_services_of_an_area(wessex: Any) -> None:
    auth = key_for(wessex, POLICE, "public_protection_officer")
    south = Area.objects.get(name="Southmoor")
    response = Client().get(f"/api/v1/directory/services?area_id={south.pk}", **auth)
    assert response.status_code == 200
    names = [s["name"] for s in response.json()["services"]]
    assert names == [
        "Recovering together: mothers and children",
        "Young people's violence advisers",
    ]
    one = Client().get(f"/api/v1/directory/services/{little_oaks().pk}", **auth).json()
    assert one["capacity"]["places_free"] == 0 and one["capacity"]["waiting_weeks"] == 8
    assert Client().get("/api/v1/directory/services").status_code == 401


def test_a_provider_updates_its_capacity_once_per_key(wessex: Any) -> None:
    auth = key_for(wessex, LITTLE_OAKS, "specialist_practitioner")
    service = little_oaks()
    url = f"/api/v1/directory/services/{service.pk}/capacity"
    body = {"places_taken": 11, "waiting_weeks": 6}
    first = Client().post(
        url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1", **auth
    )
    assert first.status_code == 200, first.content
    assert first.json()["capacity"]["places_taken"] == 11
    events = TimelineEvent.objects.for_subject(service).count()
    again = Client().post(
        url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1", **auth
    )
    assert again.status_code == 200 and again.json() == first.json()
    assert TimelineEvent.objects.for_subject(service).count() == events
    other = Client().post(
        url, {"places_taken": 1}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1", **auth
    )
    assert other.status_code == 409
    service.refresh_from_db()
    assert (service.places, service.places_taken, service.waiting_weeks) == (12, 11, 6)


def test_capacity_input_is_strict_and_checked(wessex: Any) -> None:
    auth = key_for(wessex, LITTLE_OAKS, "specialist_practitioner")
    url = f"/api/v1/directory/services/{little_oaks().pk}/capacity"
    for body in ({"places_taken": "3"}, {"places": -1}, {"seats": 3}):
        r = Client().post(
            url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="x", **auth
        )
        assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_input", body
    r = Client().post(
        url, {"places_taken": 13}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="y", **auth
    )
    assert r.status_code == 422 and "places_taken" in r.json()["error"]["fields"]


def test_another_agency_cannot_update_or_confirm_it(wessex: Any) -> None:
    auth = key_for(wessex, "wessex-childrens-recovery-project", "specialist_practitioner")
    service = little_oaks()
    for action, body in (("capacity", {"waiting_weeks": 0}), ("confirm", {})):
        r = Client().post(
            f"/api/v1/directory/services/{service.pk}/{action}",
            body,
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=f"z-{action}",
            **auth,
        )
        assert r.status_code == 404, action
    service.refresh_from_db()
    assert service.waiting_weeks == 8


def test_a_provider_confirms_its_entry(wessex: Any) -> None:
    auth = key_for(wessex, LITTLE_OAKS, "specialist_practitioner")
    service = little_oaks()
    r = Client().post(
        f"/api/v1/directory/services/{service.pk}/confirm",
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="c1",
        **auth,
    )
    assert r.status_code == 200, r.content
    assert r.json()["not_confirmed_since"] is None
    event = TimelineEvent.objects.for_subject(service).latest("id")
    assert event.verb == "directory.service_confirmed" and event.actor_api_key_id is not None


def test_a_provider_keeps_its_entry_current_through_the_api(wessex: Any) -> None:
    """The entry, not only capacity: ages, which children, areas covered; once per key,
    checked on its fields, and only by the provider that keeps it."""
    auth = key_for(wessex, LITTLE_OAKS, "specialist_practitioner")
    service = little_oaks()
    url = f"/api/v1/directory/services/{service.pk}/entry"
    areas = [a.pk for a in Area.objects.filter(kind=Area.Kind.LOCAL_AUTHORITY).order_by("name")]
    body = {
        "min_age": 3,
        "max_age": 17,
        "eligible": ["child_victim", "with_mother"],
        "delivery": ["in_person", "online"],
        "languages": ["English", "Polish"],
        "area_ids": areas,
    }
    first = Client().post(
        url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="e1", **auth
    )
    assert first.status_code == 200, first.content
    service.refresh_from_db()
    assert (service.min_age, service.max_age) == (3, 17)
    assert service.eligible == ["child_victim", "with_mother"]
    assert sorted(service.areas.values_list("pk", flat=True)) == sorted(areas)
    assert service.confirmed_on is not None
    events = TimelineEvent.objects.for_subject(service).count()
    again = Client().post(
        url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="e1", **auth
    )
    assert again.status_code == 200 and TimelineEvent.objects.for_subject(service).count() == events

    police = Area.objects.filter(kind=Area.Kind.POLICE_FORCE_AREA).first()
    assert police is not None
    for bad, field in (
        ({"min_age": 12, "max_age": 5}, "max_age"),
        ({"area_ids": [police.pk]}, "area_ids"),
        ({"email": "not an address"}, "email"),
    ):
        r = Client().post(
            url, bad, content_type="application/json", HTTP_IDEMPOTENCY_KEY=f"bad-{field}", **auth
        )
        assert r.status_code == 422, (bad, r.content)
        assert field in r.content.decode(), r.content
    r = Client().post(
        url,
        {"eligible": ["adults"]},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="bad-code",
        **auth,
    )
    assert r.status_code == 422
    service.refresh_from_db()
    assert (service.min_age, service.max_age) == (3, 17)  # nothing lost, nothing half-done

    other = key_for(wessex, POLICE, "public_protection_officer")
    r = Client().post(
        url, {"min_age": 0}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="o", **other
    )
    assert r.status_code == 404


def test_a_parameter_given_twice_is_refused_not_read_as_its_last_value(wessex: Any) -> None:
    """Found by schemathesis (``?area_id=false&area_id=0.0`` answered 200 with the services
    of no area): django-ninja read a repeated parameter as its last value. A caller that
    sends two areas meant something the answer would not say: 422, naming the field."""
    auth = key_for(wessex, POLICE, "public_protection_officer")
    south = Area.objects.get(name="Southmoor")
    north = Area.objects.get(name="Northshire", kind=Area.Kind.LOCAL_AUTHORITY)
    for query in ("area_id=false&area_id=0.0", f"area_id={south.pk}&area_id={north.pk}"):
        response = Client().get(f"/api/v1/directory/services?{query}", **auth)
        assert response.status_code == 422, (query, response.content)
        assert response.json()["error"]["code"] == "invalid_input"
        assert "area_id" in str(response.json()["error"]["fields"])
    once = Client().get(f"/api/v1/directory/services?area_id={south.pk}", **auth)
    assert once.status_code == 200
