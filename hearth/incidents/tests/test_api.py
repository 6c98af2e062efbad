"""The incidents API: one JSON document per incident, idempotent creates, errors that name
each bad field, and reads through the same selectors (and access rules) as the pages."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hearth.accounts.services import api_key_issue
from hearth.audit.models import AccessEvent
from hearth.core.models import IdempotencyRecord
from hearth.incidents.documents import IncidentDocument, incident_record_document
from hearth.incidents.models import ChildInvolvement, Incident, Party
from hearth.incidents.tests.factories import family_document
from hearth.people.models import Person, Relationship

POLICE = "wessex-police"
NORTHSHIRE = "northshire-council-childrens-services"
OFFICER = "response.officer@police.wessex.example"


def as_json(document: IncidentDocument) -> dict[str, Any]:
    """The document as a police record system would send it."""

    def plain(value: Any) -> Any:
        if isinstance(value, dt.date | dt.datetime):
            return value.isoformat()
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value

    data = plain(dataclasses.asdict(document))
    details = data.pop("details")
    data.update({k: v for k, v in details.items() if v is not None})
    data["children"] = [
        {"ref": c["ref"], "involvement": c["involvement"]} for c in data["children"]
    ]
    return data


def family() -> dict[str, Any]:
    return as_json(family_document())


def counts() -> dict[str, int]:
    return {
        "incidents": Incident.objects.count(),
        "people": Person.objects.count(),
        "parties": Party.objects.count(),
        "involvements": ChildInvolvement.objects.count(),
        "relationships": Relationship.objects.count(),
        "keys": IdempotencyRecord.objects.count(),
    }


class Api:
    def __init__(self, raw_key: str) -> None:
        self.client = Client()
        self.auth = {"Authorization": f"Bearer {raw_key}"}

    def post(self, body: Any, key: str | None = "key-1") -> Any:
        headers = dict(self.auth)
        if key is not None:
            headers["Idempotency-Key"] = key
        data = body if isinstance(body, str) else json.dumps(body)
        return self.client.post(
            "/api/v1/incidents", data=data, content_type="application/json", headers=headers
        )

    def get(self, path: str) -> Any:
        return self.client.get(f"/api/v1{path}", headers=self.auth)


@pytest.fixture
def api_for(wessex: Any) -> Callable[..., Api]:
    def make(agency: str = POLICE, role: str = "public_protection_officer") -> Api:
        issued = api_key_issue(
            actor=None, agency=wessex.agency(agency), name=f"{agency} {role}", roles=[role]
        )
        return Api(issued.raw_key)

    return make


@pytest.fixture
def police(api_for: Callable[..., Api]) -> Api:
    return api_for()


def fields_of(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 422, response.content
    return response.json()["error"]["fields"]


# --- Recording --------------------------------------------------------------------------


def test_a_whole_incident_is_recorded_once(police: Api) -> None:
    before = counts()
    response = police.post(family())
    assert response.status_code == 201, response.content
    body = response.json()
    after = counts()
    assert {k: after[k] - before[k] for k in after} == {
        "incidents": 1,
        "people": 5,
        "parties": 5,
        "involvements": 3,
        "relationships": 7,
        "keys": 1,
    }
    assert body["status"] == "submitted"
    assert body["version"] == 1
    assert body["police_reference"] == "WX/2026/0001"
    assert body["problems"] == []
    assert body["definition"]["finding"] == "met"
    assert body["pregnancy_flag"] == "There is a baby under 18 months"
    roles = {(p["person"]["given_names"], p["role"]) for p in body["parties"]}
    assert ("Kerry", "adult_victim") in roles and ("Dean", "alleged_perpetrator") in roles
    children = {c["person"]["given_names"]: c for c in body["children"]}
    assert {n: c["victim_status"]["finding"] for n, c in children.items()} == {
        "Mia": "met",
        "Leo": "met",
        "Ava": "met",
    }
    assert children["Mia"]["involvement"]["spoken_to_alone"] is True
    assert children["Mia"]["involvement"]["own_words"].startswith("Daddy was shouting")
    assert children["Mia"]["victim_status"]["reasons"]


def test_a_retry_answers_with_the_same_incident_and_creates_nothing(police: Api) -> None:
    first = police.post(family(), key="wx-0001")
    before = counts()
    retry = police.post(family(), key="wx-0001")
    assert retry.status_code == 201
    assert retry.json() == first.json()
    assert counts() == before


def test_a_retry_with_the_keys_in_another_order_is_the_same_request(police: Api) -> None:
    first = police.post(family(), key="wx-0001")
    reordered = dict(reversed(list(family().items())))
    before = counts()
    retry = police.post(json.dumps(reordered, indent=2), key="wx-0001")
    assert retry.status_code == 201
    assert retry.json()["id"] == first.json()["id"]
    assert counts() == before


def test_the_same_key_with_a_different_body_is_a_conflict(police: Api) -> None:
    police.post(family(), key="wx-0001")
    before = counts()
    changed = {**family(), "summary": "Something else"}
    response = police.post(changed, key="wx-0001")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert counts() == before


def test_keys_belong_to_the_agency(police: Api, api_for: Callable[..., Api]) -> None:
    """Another key of the same force retrying gets the same incident; another agency's
    key with the same key string is a separate request."""
    first = police.post(family(), key="shared")
    rotated = api_for().post(family(), key="shared")
    assert rotated.status_code == 201
    assert rotated.json()["id"] == first.json()["id"]
    concern = {**family(), "police_reference": None, "kind": "concern", "submit": False}
    other = api_for(NORTHSHIRE, "front_door_practitioner").post(concern, key="shared")
    assert other.status_code == 201
    assert other.json()["id"] != first.json()["id"]


def test_the_idempotency_key_is_required(police: Api) -> None:
    before = counts()
    assert "Idempotency-Key" in fields_of(police.post(family(), key=None))
    assert counts() == before


def test_a_refused_request_can_be_corrected_and_sent_again_with_the_same_key(
    police: Api,
) -> None:
    bad = family()
    bad["people"][2]["nhs_number"] = "9434765918"
    assert police.post(bad, key="wx-0001").status_code == 422
    assert police.post(family(), key="wx-0001").status_code == 201


# --- Errors name each bad field ---------------------------------------------------------


def test_a_bad_nhs_number_is_named_by_its_path(police: Api) -> None:
    body = family()
    body["people"][2]["nhs_number"] = "9434765918"
    before = counts()
    response = police.post(body)
    assert response.json()["error"]["code"] == "validation_failed"
    assert list(fields_of(response)) == ["people.2.nhs_number"]
    assert counts() == before


def test_an_unknown_kinship_is_named(police: Api) -> None:
    body = family()
    body["relationships"][1]["kinship"] = "godparent"
    assert list(fields_of(police.post(body))) == ["relationships.1.kinship"]


def test_a_reference_to_nobody_is_named(police: Api) -> None:
    body = family()
    body["children"][1]["ref"] = "sam"
    body["relationships"][0]["other"] = "nobody"
    fields = fields_of(police.post(body))
    assert set(fields) == {"children.1.ref", "relationships.0.other"}
    assert "sam" in fields["children.1.ref"][0]


def test_wrong_types_and_missing_fields_are_named(police: Api) -> None:
    body = family()
    del body["victims"]
    body["people"][0]["date_of_birth"] = "the second of April"
    body["people"][1]["ref"] = 7
    body["children"][0]["involvement"]["saw"] = "lots"
    body["children"][0]["involvement"]["spoken_alone"] = True  # misspelt: never silently lost
    body["occurred_at"] = "2026-11-20T22:40:00"  # no offset from UTC
    body["abuse_types"] = ["shouting"]
    response = police.post(body)
    assert response.json()["error"]["code"] == "invalid_input"
    assert set(fields_of(response)) == {
        "victims",
        "people.0.date_of_birth",
        "people.1.ref",
        "children.0.involvement.saw",
        "children.0.involvement.spoken_alone",
        "occurred_at",
        "abuse_types.0",
    }


def test_input_is_strict_no_value_is_coerced_from_another_type(police: Api) -> None:
    """A number is not a time, a word is not a yes or no, text is not a number (issue 11:
    ``occurred_at: 123`` and ``arrest_made: "yes"`` were recorded)."""
    before = counts()
    body = family()
    body["occurred_at"] = 123
    body["arrest_made"] = "yes"
    body["weapons_used"] = 1
    body["people"][0]["estimated_age"] = "33"
    body["people"][0]["date_of_birth"] = 19920402
    body["people"][1]["interpreter_needed"] = "false"
    body["children"][0]["involvement"]["saw"] = 0
    fields = fields_of(police.post(body))
    assert set(fields) == {
        "occurred_at",
        "arrest_made",
        "weapons_used",
        "people.0.estimated_age",
        "people.0.date_of_birth",
        "people.1.interpreter_needed",
        "children.0.involvement.saw",
    }
    assert counts() == before


def test_times_and_dates_are_iso_8601_text(police: Api) -> None:
    body = {**family(), "occurred_at": "2026-11-20T22:40:00+00:00"}
    body["people"][0]["date_of_birth"] = "1992-04-02"
    assert police.post(body).status_code == 201


def test_malformed_json_and_an_empty_body_are_invalid_input(police: Api) -> None:
    assert fields_of(police.post("{not json")) == {"body": ["Not valid JSON"]}
    assert "body" in fields_of(police.post(""))
    assert "body" in fields_of(police.post([1, 2]))


def test_an_unknown_local_authority_is_named(police: Api) -> None:
    fields = fields_of(police.post({**family(), "local_authority_id": 999_999}))
    assert list(fields) == ["local_authority_id"]


def test_submission_is_refused_without_children_or_attestation(police: Api) -> None:
    body = {**family(), "children": [], "relationships": family()["relationships"][:1]}
    before = counts()
    response = police.post(body)
    assert "children" in fields_of(response)
    assert counts() == before
    attested = {**body, "no_children_how": "Checked with the victim and a neighbour"}
    assert police.post(attested, key="key-2").status_code == 201


def test_a_childs_missing_answers_are_named_under_their_involvement(police: Api) -> None:
    body = family()
    del body["children"][0]["involvement"]["spoken_to_alone"]
    fields = fields_of(police.post(body))
    assert list(fields) == ["children.0.involvement.spoken_to_alone"]


def test_a_draft_is_kept_with_what_stops_it_being_submitted(police: Api) -> None:
    body = {**family(), "submit": False}
    del body["children"][0]["involvement"]["spoken_to_alone"]
    response = police.post(body)
    assert response.status_code == 201
    assert response.json()["status"] == "draft"
    assert [p["field"] for p in response.json()["problems"]] == [
        "children.0.involvement.spoken_to_alone"
    ]


# --- Who may record ---------------------------------------------------------------------


def test_another_agency_raises_a_concern_but_not_a_police_incident(
    api_for: Callable[..., Api],
) -> None:
    northshire = api_for(NORTHSHIRE, "front_door_practitioner")
    body = {**family(), "police_reference": None, "arrest_made": None}
    refused = northshire.post({**body, "kind": "police_incident"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden"
    concern = northshire.post(body, key="concern-1")
    assert concern.status_code == 201, concern.content
    assert concern.json()["kind"] == "concern"
    assert concern.json()["status"] == "submitted"
    assert northshire.get(f"/incidents/{concern.json()['id']}").status_code == 200


def test_a_key_that_could_not_read_back_what_it_records_is_refused(
    api_for: Callable[..., Api],
) -> None:
    before = counts()
    response = api_for(POLICE, "response_officer").post(family())
    assert response.status_code == 403
    assert counts() == before


# --- Reading ----------------------------------------------------------------------------


def new_events() -> Callable[[], list[AccessEvent]]:
    last = AccessEvent.objects.order_by("pk").last()
    mark = last.pk if last else 0
    return lambda: list(AccessEvent.objects.filter(pk__gt=mark).order_by("pk"))


def records_of(event: AccessEvent) -> set[tuple[str, str]]:
    return {(r.record_type, r.record_id) for r in event.records.all()}


def test_the_force_reads_its_incident_and_the_read_is_logged(police: Api) -> None:
    created = police.post(family()).json()
    events = new_events()
    response = police.get(f"/incidents/{created['id']}")
    assert response.status_code == 200
    assert response.json() == created
    [event] = events()
    assert event.api_key_id is not None
    people = {str(p["person"]["id"]) for p in created["parties"]}
    assert records_of(event) == {("incidents.incident", str(created["id"]))} | {
        ("people.person", pk) for pk in people
    }


def test_a_childs_own_record(police: Api) -> None:
    created = police.post(family()).json()
    mia = next(c for c in created["children"] if c["person"]["given_names"] == "Mia")
    events = new_events()
    response = police.get(f"/children/{mia['person']['id']}")
    assert response.status_code == 200
    child = response.json()
    assert child["given_names"] == "Mia"
    [incident] = child["incidents"]
    assert incident["incident"]["id"] == created["id"]
    assert incident["victim_status"]["finding"] == "met"
    assert incident["involvement"]["own_words"] == mia["involvement"]["own_words"]
    [event] = events()
    assert records_of(event) == {
        ("people.person", str(mia["person"]["id"])),
        ("incidents.incident", str(created["id"])),
    }


def test_a_record_you_may_not_see_is_a_404_like_a_missing_one(
    police: Api, api_for: Callable[..., Api], wessex: Any, client_for: Callable[[str], Any]
) -> None:
    created = police.post(family()).json()
    child_id = created["children"][0]["person"]["id"]
    missing_incident = police.get("/incidents/987654321")
    missing_child = police.get("/children/987654321")
    assert missing_incident.status_code == missing_child.status_code == 404
    officer_session = client_for(OFFICER)
    for reader in (
        api_for(NORTHSHIRE, "front_door_practitioner"),
        api_for(POLICE, "response_officer"),
    ):
        events = new_events()
        assert reader.get(f"/incidents/{created['id']}").content == missing_incident.content
        assert reader.get(f"/children/{child_id}").content == missing_child.content
        assert events() == []
    # A response officer signed in sees only what they recorded themselves.
    assert (
        officer_session.get(f"/api/v1/incidents/{created['id']}").content
        == missing_incident.content
    )
    own = incident_record_document(
        actor=wessex.actor(OFFICER), document=family_document(reference="WX/2026/0002")
    )
    assert officer_session.get(f"/api/v1/incidents/{own.pk}").status_code == 200


# --- Nothing a record system sends can break it ----------------------------------------

texts = st.text(max_size=60)
maybe_bools = st.none() | st.booleans()
offsets = st.integers(-23 * 60, 23 * 60).map(lambda m: dt.timezone(dt.timedelta(minutes=m)))
moments = st.datetimes(
    min_value=dt.datetime(1900, 1, 2), max_value=dt.datetime(2100, 12, 30), timezones=offsets
).map(lambda d: d.isoformat())
days = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)).map(str)


@st.composite
def varied_documents(draw: st.DrawFn) -> dict[str, Any]:
    """The family document with its values (not its shape) drawn at random: deep enough
    to reach the services, which the schema-driven tests rarely do."""
    body = family()
    body["submit"] = draw(st.booleans())
    body["police_reference"] = draw(st.text(max_size=40))
    body["occurred_at"] = draw(st.none() | moments)
    body["reported_at"] = draw(st.none() | moments)
    body["arrest_made"] = draw(maybe_bools)
    body["no_arrest_reason"] = draw(texts)
    body["victim_pregnant"] = draw(st.sampled_from(["yes", "no", "not_known"]))
    body["abuse_types"] = draw(st.lists(st.sampled_from(["economic", "physical_or_sexual"])))
    for person in body["people"]:
        person["given_names"] = draw(st.text(max_size=120))
        person["family_name"] = draw(st.text(max_size=120))
        person["date_of_birth"] = draw(st.none() | days)
        person["estimated_age"] = draw(st.none() | st.integers(0, 120))
        person["nhs_number"] = draw(st.sampled_from(["", "9434765919", "9434765918", "abc"]))
        person["unique_pupil_number"] = draw(st.sampled_from(["", "B801200005001", "X1"]))
    for child in body["children"]:
        involvement = child["involvement"]
        for name in ("present", "spoken_to", "spoken_to_alone", "welfare_check_done"):
            involvement[name] = draw(maybe_bools)
        for name in ("saw", "heard", "experienced_effects"):
            involvement[name] = draw(st.booleans())
        involvement["own_words"] = draw(texts)
        involvement["not_spoken_to_reason"] = draw(texts)
    if draw(st.booleans()):
        body["children"], body["relationships"] = [], body["relationships"][:1]
        body["no_children_how"] = draw(texts)
    return body


@given(body=varied_documents())
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_any_document_is_recorded_or_refused_by_name(police: Api, body: dict[str, Any]) -> None:
    response = police.post(body, key=str(uuid.uuid4()))
    assert response.status_code in (201, 422), response.content
    if response.status_code == 201:
        assert police.get(f"/incidents/{response.json()['id']}").json() == response.json()
    else:
        assert response.json()["error"]["fields"]


def test_the_schema_declares_every_answer() -> None:
    from config.api import api

    paths = api.get_openapi_schema()["paths"]
    post = paths["/api/v1/incidents"]["post"]
    assert set(post["responses"]) == {201, 401, 403, 404, 409, 422}
    assert post["parameters"][0]["name"] == "Idempotency-Key"
    assert post["parameters"][0]["required"] is True
    for path in ("/api/v1/incidents/{incident_id}", "/api/v1/children/{child_id}"):
        assert set(paths[path]["get"]["responses"]) == {200, 401, 403, 404, 422}
