"""The Operation Encompass API for school safeguarding systems (issue 6, point 7): a
school's key (or its trust's) reads its inbox and its notifications and acts on them,
each action safe to retry with an Idempotency-Key; another school gets the same 404 as
for a missing notification; the force reads what it sent but cannot act on it; the
answer carries only what the notification carries (never the incident or an adult);
every read is logged."""

from __future__ import annotations

import json
import typing
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client

from hearth.accounts.models import Agency, Area
from hearth.accounts.services import agency_ensure, api_key_issue
from hearth.audit.models import AccessEvent, TimelineEvent
from hearth.core.actor import AgencyKind
from hearth.core.models import IdempotencyRecord
from hearth.demo.schools import POLICE_FORCE_AREA, _administrator
from hearth.encompass import policy as enc
from hearth.encompass.models import EncompassNotification
from hearth.encompass.policy import DO_NOT_APPROACH_PARENTS, Template
from hearth.encompass.schemas import SupportCode, TemplateCode
from hearth.encompass.services import encompass_settings_set
from hearth.incidents.documents import ChildIn
from hearth.incidents.models import Incident
from hearth.incidents.policy import PartyRole
from hearth.incidents.tests.factories import family_document
from hearth.obligations.models import Obligation
from hearth.obligations.tests.factories import of, submitted_incident
from hearth.referrals.policy import Status
from hearth.schools.models import EducationSetting
from hearth.schools.services import setting_link_set

pytestmark = pytest.mark.django_db

ASHCOMBE_PRIMARY = "Ashcombe Primary School"
ASHCOMBE_ACADEMY = "Ashcombe Academy"
BRACKENFORD = "Brackenford Primary School"
GREYWATER = "Greywater Primary School"
POLICE = "wessex-police"
MISSING = 987654321

# Every name the Operation Encompass documents may use: anything else (an incident, a
# subject, a person's id) would be more than the notification carries.
DOCUMENT_KEYS = {
    # the inbox
    "total",
    "overdue",
    "page",
    "pages",
    "notifications",
    # a notification
    "id",
    "status",
    "team",
    "name",
    "setting",
    "urn",
    "children",
    "date_of_birth",
    "created_at",
    "delivered_at",
    "first_opened_at",
    "acknowledged_at",
    "due_at",
    "estimated",
    "do_not_approach_parents",
    "content",
    "template",
    "incident_date",
    "police_reference",
    "occurred_at",
    "location",
    "present",
    "welfare_check_done",
    "childrens_services_informed",
    "where_present",
    "spoken_to",
    "spoken_to_alone",
    "own_words",
    "due_basis",
    "acknowledged_late",
    "support",
    "code",
    "label",
    "note",
    "recorded_at",
    "support_outcome",
    "outcome",
    "closed_at",
}


class Api:
    def __init__(self, raw_key: str) -> None:
        self.client = Client()
        self.auth = {"Authorization": f"Bearer {raw_key}"}

    def get(self, path: str, **query: Any) -> Any:
        return self.client.get(f"/api/v1{path}", query, headers=self.auth)

    def post(self, path: str, body: Any = None, key: str | None = "key-1") -> Any:
        headers = dict(self.auth)
        if key is not None:
            headers["Idempotency-Key"] = key
        return self.client.post(
            f"/api/v1{path}",
            data=json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers=headers,
        )


def slug_of(school: str) -> str:
    return Agency.objects.get(kind=AgencyKind.SCHOOL, name=school).slug


@pytest.fixture
def api_for(wessex: Any) -> Callable[..., Api]:
    def make(agency: str, role: str = "designated_safeguarding_lead") -> Api:
        issued = api_key_issue(
            actor=None, agency=wessex.agency(agency), name=f"{agency} system", roles=[role]
        )
        return Api(issued.raw_key)

    return make


@pytest.fixture
def school_api(api_for: Callable[..., Api]) -> Callable[[str], Api]:
    """A school's safeguarding system, by the school's name."""
    return lambda school: api_for(slug_of(school))


@pytest.fixture
def police(api_for: Callable[..., Api]) -> Api:
    return api_for(POLICE, "public_protection_officer")


def urn(school: str) -> str:
    return EducationSetting.objects.get(name=school).urn


def school_incident(wessex: Any, reference: str = "WX/2026/0101") -> Incident:
    """The Vance family's incident, with Mia registered at Ashcombe Primary School and
    Leo at Ashcombe Academy: one notification to each school."""
    document = family_document(reference=reference)
    schools = {"mia": urn(ASHCOMBE_PRIMARY), "leo": urn(ASHCOMBE_ACADEMY)}
    children = [
        ChildIn(c.ref, {**c.involvement, "education_setting_urn": schools[c.ref]})
        if c.ref in schools
        else c
        for c in document.children
    ]
    return submitted_incident(wessex, reference=reference, children=children)


def notification_to(incident: Incident, school: str) -> Obligation:
    return next(
        o
        for o in of(incident, enc.ROUTE)
        if o.encompass.setting is not None and o.encompass.setting.name == school
    )


def demo_notifications(school: str) -> list[Obligation]:
    """The demo incidents' notifications to ``school``, newest first."""
    return [
        n.obligation
        for n in EncompassNotification.objects.filter(setting__name=school)
        .select_related("obligation")
        .order_by("-created_at", "-id")
    ]


def logged(action: Callable[[], Any]) -> tuple[Any, list[AccessEvent]]:
    """The response to ``action`` and the access events it wrote."""
    last = AccessEvent.objects.order_by("pk").last()
    response = action()
    return response, list(AccessEvent.objects.filter(pk__gt=last.pk if last else 0))


def records_of(event: AccessEvent) -> set[tuple[str, str]]:
    return {(r.record_type, r.record_id) for r in event.records.all()}


def fields_of(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 422, response.content
    return response.json()["error"]["fields"]


def keys_in(document: Any) -> Iterator[str]:
    if isinstance(document, dict):
        for key, value in document.items():
            yield key
            yield from keys_in(value)
    elif isinstance(document, list):
        for value in document:
            yield from keys_in(value)


def adults_of(incident: Incident) -> list[Any]:
    return [
        p.person for p in incident.parties.exclude(role=PartyRole.CHILD).select_related("person")
    ]


def assert_only_what_the_notification_carries(response: Any, incident: Incident) -> None:
    body = response.json()
    assert set(keys_in(body)) <= DOCUMENT_KEYS, set(keys_in(body)) - DOCUMENT_KEYS
    text = response.content.decode()
    perpetrator = incident.parties.get(role=PartyRole.ALLEGED_PERPETRATOR).person
    assert perpetrator.full_name not in text
    children = incident.parties.filter(role=PartyRole.CHILD).select_related("person")
    if perpetrator.family_name not in {c.person.family_name for c in children}:
        assert perpetrator.family_name not in text
    for adult in adults_of(incident):
        assert adult.full_name not in text
        if adult.date_of_birth:
            assert adult.date_of_birth.isoformat() not in text


# --- The inbox -------------------------------------------------------------------------------


def test_a_schools_key_lists_its_own_notifications_newest_first(
    school_api: Callable[[str], Api], django_assert_max_num_queries: Any
) -> None:
    brackenford = school_api(BRACKENFORD)
    ours = [o for o in demo_notifications(BRACKENFORD) if o.status != Status.CLOSED]
    last = AccessEvent.objects.order_by("pk").last()
    # A fixed number, however many it lists: the key, the page, its deadlines and
    # children, the overdue count and the access event.
    with django_assert_max_num_queries(12):
        response = brackenford.get("/encompass/notifications")
    events = list(AccessEvent.objects.filter(pk__gt=last.pk if last else 0))
    assert response.status_code == 200, response.content
    body = response.json()
    # The demo's first notification closed months ago, past the access window.
    assert [n["id"] for n in body["notifications"]] == [o.pk for o in ours]
    assert (body["total"], body["page"], body["pages"], body["overdue"]) == (len(ours), 1, 1, 0)
    latest = body["notifications"][0]
    assert latest["setting"] == {"urn": urn(BRACKENFORD), "name": BRACKENFORD}
    assert [c["name"] for c in latest["children"]] == ["Tyler Fenwright", "Poppy Fenwright"]
    assert latest["status"] == "acknowledged"
    assert latest["delivered_at"] and latest["first_opened_at"] and latest["acknowledged_at"]
    assert latest["due_at"] is not None and latest["overdue"] is False
    assert latest["estimated"] is False  # the school's local authority has a term calendar
    (event,) = events
    assert event.api_key_id is not None and event.action == "search"
    notification = EncompassNotification.objects.get(obligation=ours[0])
    assert ("encompass.encompassnotification", str(notification.pk)) in records_of(event)
    assert ("people.person", str(ours[0].subject_id)) in records_of(event)


def test_the_inbox_shows_an_unacknowledged_notification_as_overdue(
    school_api: Callable[[str], Api],
) -> None:
    # The Brindlecombes' notification was never acknowledged.
    (late,) = demo_notifications(GREYWATER)
    body = school_api(GREYWATER).get("/encompass/notifications").json()
    assert body["overdue"] == 1
    (row,) = body["notifications"]
    assert (row["id"], row["status"], row["overdue"]) == (late.pk, "sent", True)
    assert row["acknowledged_at"] is None


def test_a_page_past_the_last_is_the_last_and_a_bad_page_is_named(
    school_api: Callable[[str], Api],
) -> None:
    brackenford = school_api(BRACKENFORD)
    assert brackenford.get("/encompass/notifications", page=7).json()["page"] == 1
    assert list(fields_of(brackenford.get("/encompass/notifications", page=0))) == ["page"]


# --- One notification -----------------------------------------------------------------------


def test_reading_a_notification_gives_what_it_carries_and_stamps_the_first_opening(
    wessex: Any, school_api: Callable[[str], Api]
) -> None:
    incident = school_incident(wessex)
    obligation = notification_to(incident, ASHCOMBE_PRIMARY)
    ashcombe = school_api(ASHCOMBE_PRIMARY)
    path = f"/encompass/notifications/{obligation.pk}"
    response, events = logged(lambda: ashcombe.get(path))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["status"]) == (obligation.pk, "sent")
    assert body["do_not_approach_parents"] == DO_NOT_APPROACH_PARENTS
    content = body["content"]
    assert (content["template"], content["police_reference"]) == ("full", "WX/2026/0101")
    assert content["location"] == "14 Larch Close, Ashcombe"
    (mia,) = content["children"]
    assert mia == {
        "name": "Mia Vance",
        "date_of_birth": "2018-06-11",
        "present": True,
        "welfare_check_done": True,
        "childrens_services_informed": True,
        "where_present": "Landing, at the top of the stairs",
        "spoken_to": True,
        "spoken_to_alone": True,
        "own_words": "Daddy was shouting and pushed Mummy. I hid with Ava's blanket.",
    }
    assert body["first_opened_at"] is not None and body["acknowledged_at"] is None
    assert body["due_at"] is not None and body["due_basis"]
    assert (body["support"], body["support_outcome"], body["closed_at"]) == (None, None, None)
    (event,) = events
    notification = obligation.encompass
    assert ("encompass.encompassnotification", str(notification.pk)) in records_of(event)
    assert ("people.person", str(obligation.subject_id)) in records_of(event)
    # Reading again opens nothing more, and is logged again.
    again, events = logged(lambda: ashcombe.get(path))
    assert again.json()["first_opened_at"] == body["first_opened_at"]
    assert len(events) == 1
    opened = TimelineEvent.objects.filter(verb="encompass.opened", subject_id=str(obligation.pk))
    assert opened.count() == 1


def test_the_answer_carries_nothing_but_the_notification(
    wessex: Any, school_api: Callable[[str], Api]
) -> None:
    # The Fenwrights' second incident: Jason Harrowgate is the alleged perpetrator.
    brackenford = school_api(BRACKENFORD)
    for obligation in demo_notifications(BRACKENFORD)[:2]:
        response = brackenford.get(f"/encompass/notifications/{obligation.pk}")
        assert response.status_code == 200, response.content
        assert_only_what_the_notification_carries(response, obligation.incident)
    inbox = brackenford.get("/encompass/notifications")
    assert_only_what_the_notification_carries(inbox, demo_notifications(BRACKENFORD)[0].incident)
    # The same for a new incident (Dean Vance is the alleged perpetrator).
    incident = school_incident(wessex)
    response = school_api(ASHCOMBE_PRIMARY).get(
        f"/encompass/notifications/{notification_to(incident, ASHCOMBE_PRIMARY).pk}"
    )
    assert_only_what_the_notification_carries(response, incident)
    assert "Dean" not in response.content.decode()


def test_the_minimal_template_says_only_that_an_incident_was_attended(
    wessex: Any, school_api: Callable[[str], Api]
) -> None:
    encompass_settings_set(
        actor=_administrator(),
        area=Area.objects.get(code=POLICE_FORCE_AREA),
        template=Template.MINIMAL,
    )
    incident = school_incident(wessex)
    obligation = notification_to(incident, ASHCOMBE_ACADEMY)
    body = school_api(ASHCOMBE_ACADEMY).get(f"/encompass/notifications/{obligation.pk}").json()
    content = body["content"]
    assert content["template"] == "minimal"
    assert (content["police_reference"], content["occurred_at"], content["location"]) == (
        None,
        None,
        None,
    )
    (leo,) = content["children"]
    assert (leo["name"], leo["present"]) == ("Leo Hart", False)
    assert (leo["where_present"], leo["spoken_to"], leo["own_words"]) == (None, None, None)


# --- Who may see and act ----------------------------------------------------------------------


def test_another_schools_key_gets_the_same_404_as_for_a_missing_notification(
    school_api: Callable[[str], Api],
) -> None:
    (greywater,) = demo_notifications(GREYWATER)
    brackenford = school_api(BRACKENFORD)
    missing = brackenford.get(f"/encompass/notifications/{MISSING}")
    assert missing.status_code == 404
    assert missing.json() == {"error": {"code": "not_found", "message": "Not found"}}
    before = AccessEvent.objects.count()
    path = f"/encompass/notifications/{greywater.pk}"
    assert brackenford.get(path).content == missing.content
    for action, body in (
        ("acknowledge", None),
        ("support", {"support": "silent_support"}),
        ("outcome", {"outcome": "Settled"}),
    ):
        assert brackenford.post(f"{path}/{action}", body, key=action).content == missing.content
        assert brackenford.post(f"/encompass/notifications/{MISSING}/{action}", body).content == (
            missing.content
        )
    assert AccessEvent.objects.count() == before
    assert not IdempotencyRecord.objects.filter(key__in=["acknowledge", "support"]).exists()
    greywater.refresh_from_db()
    assert greywater.status == Status.SENT
    assert greywater.encompass.first_opened_at is None


def test_the_school_never_reaches_the_incident_through_the_other_routes(
    wessex: Any, school_api: Callable[[str], Api]
) -> None:
    incident = school_incident(wessex)
    obligation = notification_to(incident, ASHCOMBE_PRIMARY)
    ashcombe = school_api(ASHCOMBE_PRIMARY)
    assert ashcombe.get(f"/encompass/notifications/{obligation.pk}").status_code == 200
    missing = ashcombe.get(f"/obligations/{MISSING}")
    assert missing.status_code == 404
    for path in (
        f"/obligations/{obligation.pk}",
        f"/incidents/{incident.pk}",
        f"/incidents/{incident.pk}/obligations",
        f"/incidents/{incident.pk}/assessments",
        f"/children/{obligation.subject_id}",
    ):
        assert ashcombe.get(path).content == missing.content, path
    generic = ashcombe.post(f"/obligations/{obligation.pk}/acknowledge", key="generic")
    assert generic.content == missing.content


def test_the_police_read_what_they_sent_but_cannot_act_on_it(
    wessex: Any, school_api: Callable[[str], Api], police: Api
) -> None:
    incident = school_incident(wessex)
    obligation = notification_to(incident, ASHCOMBE_PRIMARY)
    path = f"/encompass/notifications/{obligation.pk}"
    response, events = logged(lambda: police.get(path))
    assert response.status_code == 200, response.content
    assert response.json()["first_opened_at"] is None  # the force reading is not the school
    assert len(events) == 1
    refused = police.post(f"{path}/acknowledge", key="p-1")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden"
    assert police.post(f"{path}/support", {"support": "overt_support"}, "p-2").status_code == 403
    assert not IdempotencyRecord.objects.filter(key__in=["p-1", "p-2"]).exists()
    obligation.refresh_from_db()
    assert obligation.status == Status.SENT
    # What the force receives: nothing (its inbox is a school's).
    assert police.get("/encompass/notifications").json()["notifications"] == []
    # Once the school has chosen its support, the force sees the choice, not its notes.
    ashcombe = school_api(ASHCOMBE_PRIMARY)
    ashcombe.post(f"{path}/support", {"support": "overt_support", "note": "Mrs Patel, daily"})
    support = police.get(path).json()["support"]
    assert (support["code"], support["note"]) == ("overt_support", None)
    assert support["label"] == enc.ENCOMPASS_SUPPORT_LABELS[enc.EncompassSupport.OVERT]
    assert ashcombe.get(path).json()["support"]["note"] == "Mrs Patel, daily"


def test_a_trusts_key_sees_and_acts_for_its_schools(
    wessex: Any, api_for: Callable[..., Api], school_api: Callable[[str], Api]
) -> None:
    trust = agency_ensure(
        actor=None,
        slug="wessex-learning-trust",
        name="Wessex Learning Trust",
        kind=AgencyKind.SCHOOL,
        areas=[Area.objects.get(code="E06900001")],
    )
    admin = _administrator()
    for name in (ASHCOMBE_PRIMARY, ASHCOMBE_ACADEMY):
        setting = EducationSetting.objects.get(name=name)
        setting_link_set(
            actor=admin,
            setting=setting,
            agency=setting.agency,
            dsl_team=setting.dsl_team,
            trust=trust,
        )
    incident = school_incident(wessex)
    primary = notification_to(incident, ASHCOMBE_PRIMARY)
    academy = notification_to(incident, ASHCOMBE_ACADEMY)
    trust_api = api_for("wessex-learning-trust")
    listed, events = logged(lambda: trust_api.get("/encompass/notifications"))
    assert {n["id"] for n in listed.json()["notifications"]} == {primary.pk, academy.pk}
    assert {n["setting"]["name"] for n in listed.json()["notifications"]} == {
        ASHCOMBE_PRIMARY,
        ASHCOMBE_ACADEMY,
    }
    assert len(events) == 1
    acknowledged = trust_api.post(f"/encompass/notifications/{primary.pk}/acknowledge", key="t-1")
    assert acknowledged.status_code == 200, acknowledged.content
    assert acknowledged.json()["status"] == "acknowledged"
    supported = trust_api.post(
        f"/encompass/notifications/{academy.pk}/support", {"support": "silent_support"}, "t-2"
    )
    assert supported.status_code == 200, supported.content
    assert supported.json()["support"]["code"] == "silent_support"
    # Each school's own system still sees its own, and only its own.
    own = school_api(ASHCOMBE_ACADEMY).get("/encompass/notifications").json()
    assert [n["id"] for n in own["notifications"]] == [academy.pk]
    assert own["notifications"][0]["status"] == "outcome_recorded"
    # A school outside the trust is as missing to the trust as to anyone.
    (brackenford, *_) = demo_notifications(BRACKENFORD)
    missing = trust_api.get(f"/encompass/notifications/{MISSING}")
    assert trust_api.get(f"/encompass/notifications/{brackenford.pk}").content == missing.content


# --- Actions ---------------------------------------------------------------------------------


def test_acknowledging_twice_with_one_key_is_one_acknowledgement(
    wessex: Any, school_api: Callable[[str], Api]
) -> None:
    obligation = notification_to(school_incident(wessex), ASHCOMBE_PRIMARY)
    ashcombe = school_api(ASHCOMBE_PRIMARY)
    path = f"/encompass/notifications/{obligation.pk}/acknowledge"
    assert list(fields_of(ashcombe.post(path, key=None))) == ["Idempotency-Key"]
    response, events = logged(lambda: ashcombe.post(path, {"note": "Seen"}, key="ack-1"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "acknowledged" and body["acknowledged_at"] is not None
    # Acknowledging without reading first still counts as opening it.
    assert body["first_opened_at"] is not None
    assert body["acknowledged_late"] is False
    assert len(events) == 1
    again = ashcombe.post(path, {"note": "Seen"}, key="ack-1")
    assert (again.status_code, again.json()) == (200, body)
    # A new request to acknowledge what is acknowledged changes nothing either.
    assert ashcombe.post(path, key="ack-2").json()["acknowledged_at"] == body["acknowledged_at"]
    acknowledged = TimelineEvent.objects.filter(
        verb="obligation.acknowledged", subject_id=str(obligation.pk)
    )
    assert acknowledged.count() == 1
    assert IdempotencyRecord.objects.filter(key="ack-1").count() == 1
    conflict = ashcombe.post(path, {"note": "Something else"}, key="ack-1")
    assert conflict.status_code == 409
    assert conflict.json()["error"]["code"] == "conflict"
    # The same key for another of the school's notifications is another request.
    other = notification_to(school_incident(wessex, "WX/2026/0102"), ASHCOMBE_PRIMARY)
    elsewhere = ashcombe.post(f"/encompass/notifications/{other.pk}/acknowledge", key="ack-1")
    assert elsewhere.status_code == 409
    # And another notification's own: the academy's, which this school cannot see, is a
    # 404 whatever the key.
    academy = notification_to(other.incident, ASHCOMBE_ACADEMY)
    assert ashcombe.post(f"/encompass/notifications/{academy.pk}/acknowledge").status_code == 404


def test_support_with_a_bad_code_is_named_and_leaves_the_key_unused(
    wessex: Any, school_api: Callable[[str], Api]
) -> None:
    obligation = notification_to(school_incident(wessex), ASHCOMBE_PRIMARY)
    ashcombe = school_api(ASHCOMBE_PRIMARY)
    path = f"/encompass/notifications/{obligation.pk}/support"
    refused = ashcombe.post(path, {"support": "hugs"}, key="s-1")
    assert list(fields_of(refused)) == ["support"]
    assert refused.json()["error"]["code"] == "invalid_input"
    assert list(fields_of(ashcombe.post(path, {"support": "overt_support", "x": 1}, "s-1"))) == [
        "x"
    ]
    response = ashcombe.post(path, {"support": "referred_on", "note": "To Little Oaks"}, "s-1")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "outcome_recorded"
    assert body["support"]["code"] == "referred_on"
    assert body["support"]["label"] == "Referred on for more help"
    assert body["support"]["note"] == "To Little Oaks"
    assert body["acknowledged_at"] is not None  # choosing support also acknowledges it
    # The same key with another choice is another request; a new key may change it.
    assert ashcombe.post(path, {"support": "silent_support"}, "s-1").status_code == 409
    changed = ashcombe.post(path, {"support": "silent_support"}, "s-2").json()
    assert changed["support"]["code"] == "silent_support"


def test_how_it_went_needs_the_support_first_and_closes_the_notification(
    wessex: Any, school_api: Callable[[str], Api]
) -> None:
    obligation = notification_to(school_incident(wessex), ASHCOMBE_PRIMARY)
    ashcombe = school_api(ASHCOMBE_PRIMARY)
    base = f"/encompass/notifications/{obligation.pk}"
    too_soon = ashcombe.post(f"{base}/outcome", {"outcome": "Settled in class"}, key="o-1")
    assert list(fields_of(too_soon)) == ["outcome"]
    assert too_soon.json()["error"]["code"] == "validation_failed"
    assert list(fields_of(ashcombe.post(f"{base}/outcome", {"outcome": ""}, "o-1"))) == ["outcome"]
    ashcombe.post(f"{base}/support", {"support": "overt_support"}, key="s-1")
    response, events = logged(
        lambda: ashcombe.post(f"{base}/outcome", {"outcome": "Settled in class"}, key="o-1")
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "closed" and body["closed_at"] is not None
    assert body["support_outcome"]["outcome"] == "Settled in class"
    assert body["support_outcome"]["recorded_at"] is not None
    assert len(events) == 1
    retry = ashcombe.post(f"{base}/outcome", {"outcome": "Settled in class"}, key="o-1")
    assert retry.json() == body
    # Closed: its support cannot change any more.
    late = ashcombe.post(f"{base}/support", {"support": "silent_support"}, key="s-2")
    assert late.status_code == 422
    closed = TimelineEvent.objects.filter(
        verb="encompass.support_outcome", subject_id=str(obligation.pk)
    )
    assert closed.count() == 1


# --- The document ----------------------------------------------------------------------------


def test_without_a_key_or_session_it_is_a_401(wessex: Any) -> None:
    response = Client().get("/api/v1/encompass/notifications")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_the_codes_in_the_document_are_the_policys() -> None:
    assert set(typing.get_args(SupportCode)) == {s.value for s in enc.EncompassSupport}
    assert set(typing.get_args(TemplateCode)) == {t.value for t in Template}


def test_the_schema_declares_every_answer() -> None:
    from config.api import api

    paths = api.get_openapi_schema()["paths"]
    for path in (
        "/api/v1/encompass/notifications",
        "/api/v1/encompass/notifications/{notification_id}",
    ):
        assert set(paths[path]["get"]["responses"]) == {200, 401, 403, 404, 422}
    for action in ("acknowledge", "support", "outcome"):
        post = paths[f"/api/v1/encompass/notifications/{{notification_id}}/{action}"]["post"]
        assert set(post["responses"]) == {200, 401, 403, 404, 409, 422}, action
        assert "Idempotency-Key" in {p["name"] for p in post["parameters"] if p["required"]}


# --- A large family (issue 11, point 4) -----------------------------------------------


def test_a_family_of_eighty_children_at_one_school_is_one_notification(
    wessex: Any, police: Api
) -> None:
    """The notification's key once listed every child's id, so a large family at one
    school (34 siblings in a review) overflowed it (a 500 on PostgreSQL). Its key is bounded whatever the family's
    size, and routing the incident again creates nothing twice."""
    from hearth.incidents.tests.test_api import as_json
    from hearth.obligations.routing import incident_route

    body = as_json(family_document(reference="WX/2026/0135"))
    mia = body["children"][0]["involvement"]
    for n in range(80):
        ref = f"child-{n}"
        born = f"{2010 + n % 9}-0{1 + n % 9}-1{n % 10}"
        body["people"].append(
            {"ref": ref, "given_names": f"Child {n}", "family_name": "Vance", "date_of_birth": born}
        )
        body["children"].append(
            {
                "ref": ref,
                "involvement": {
                    **mia,
                    "education_setting": "",
                    "education_setting_urn": urn(BRACKENFORD),
                },
            }
        )
        body["relationships"] += [
            {"person": "victim", "other": ref, "kinship": "parent"},
            {"person": "perpetrator", "other": ref, "kinship": "step_parent"},
        ]
    response = police.post("/incidents", body)
    assert response.status_code == 201, response.content[:500]
    incident = Incident.objects.get(pk=response.json()["id"])
    (obligation,) = (o for o in of(incident, enc.ROUTE) if o.data.get("setting_urn"))
    assert obligation.encompass.setting == EducationSetting.objects.get(name=BRACKENFORD)
    assert len(obligation.data["children"]) == 80
    assert len(obligation.key) <= 200  # the ledger's keys (Obligation.key)
    before = Obligation.objects.count()
    incident_route(actor=None, incident=incident)
    assert Obligation.objects.count() == before
