"""Routes are plug-ins (issue 12): a new app and its registration add a route that the
ledger core plans, shows, lets its recipient act on and escalates, with no change to the
core. The app is ``tests.example_route`` (rule WELFARE-CALL-1), installed here only."""

from __future__ import annotations

import datetime as dt
import importlib
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.apps import AppConfig
from django.test import Client
from django.urls import reverse

import hearth.obligations.api
from hearth.accounts.models import Role
from hearth.accounts.services import api_key_issue
from hearth.audit.models import AccessEvent, TimelineEvent
from hearth.obligations import registry
from hearth.obligations.models import Obligation
from hearth.obligations.routing import incident_route
from hearth.obligations.sweeper import sweep
from hearth.obligations.tests.factories import OFFICER, submitted_incident, team
from hearth.referrals.policy import Status
from tests.example_route.apps import KEY, ROUTE

pytestmark = pytest.mark.django_db

HEALTH_VISITOR = "health.visitor@health.wessex.example"
MONDAY = dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC)


@pytest.fixture
def welfare_route() -> Iterator[None]:
    """The example app started as Django starts an installed app: its ``AppConfig.ready``
    registers the route. (Not through ``modify_settings(INSTALLED_APPS=...)``, which would
    run every app's ``ready`` again for the rest of the session.)"""
    AppConfig.create("tests.example_route").ready()
    assert registry.get(KEY) is ROUTE
    yield
    registry.unregister(KEY)


@pytest.fixture
def welfare_api(welfare_route: None, settings: Any) -> Iterator[None]:
    """The API built again now that the route is registered, as a deployment builds it
    (every app's ``ready`` runs before the URLs are loaded): ``tests.example_route.urls``
    makes the obligations router again, with nothing of the core changed. Afterwards the
    router is made again without the route."""
    sys.modules.pop("tests.example_route.urls", None)
    settings.ROOT_URLCONF = "tests.example_route.urls"
    yield
    registry.unregister(KEY)
    importlib.reload(hearth.obligations.api)
    sys.modules.pop("tests.example_route.urls", None)


def test_without_the_app_there_is_no_such_route(wessex: Any) -> None:
    assert KEY not in registry.route_keys()
    from config.api import api

    document = api.get_openapi_schema()
    assert "WelfareCallOut" not in document["components"]["schemas"]
    assert "welfare_call" not in document["components"]["schemas"]["SharedOut"]["properties"]
    with time_machine.travel(MONDAY):
        incident = submitted_incident(wessex)
    assert not Obligation.objects.filter(incident=incident, route=KEY).exists()


def test_an_app_and_its_registration_add_a_route_the_core_plans(
    wessex: Any, welfare_route: None
) -> None:
    with time_machine.travel(MONDAY):
        incident = submitted_incident(wessex)
    (call,) = Obligation.objects.filter(incident=incident, route=KEY)
    baby = incident.parties.get(person__date_of_birth=dt.date(2026, 5, 1)).person
    assert (call.subject, call.team) == (baby, team("wessex-health-visiting"))
    assert (call.rule, call.rule_version, call.status) == ("WELFARE-CALL-1", "1", Status.SENT)
    assert call.get_route_display() == "Welfare call"
    assert [d.stage for d in call.deadlines.all()] == ["acknowledge"]
    # The core's timeline names it by the route's label and rule.
    assert TimelineEvent.objects.filter(
        verb="obligation.created", summary="Welfare call created by rule WELFARE-CALL-1 v1"
    ).exists()
    # The other routes still plan as before, beside it.
    assert Obligation.objects.filter(incident=incident).exclude(route=KEY).count() >= 3
    # Routing again creates nothing twice.
    assert incident_route(actor=wessex.actor(OFFICER), incident=incident).created == []


def test_its_recipient_acts_on_it_through_the_core_pages(
    wessex: Any, welfare_route: None, client_for: Callable[[str], Client]
) -> None:
    with time_machine.travel(MONDAY):
        incident = submitted_incident(wessex)
    (call,) = Obligation.objects.filter(incident=incident, route=KEY)
    health = client_for(HEALTH_VISITOR)
    inbox = health.get(reverse("team_inbox", args=[call.team_id]))
    assert inbox.status_code == 200 and "Welfare call" in inbox.content.decode()
    page = health.get(reverse("obligation_detail", args=[call.pk]))
    assert page.status_code == 200 and "WELFARE-CALL-1" in page.content.decode()
    assert health.post(reverse("obligation_acknowledge", args=[call.pk])).status_code == 302
    outcome = health.get(reverse("obligation_outcome", args=[call.pk]))
    assert "Called: the child is safe" in outcome.content.decode()
    answered = health.post(
        reverse("obligation_outcome", args=[call.pk]),
        {"outcome": "called", "note": "Spoke to the mother on a safe number"},
    )
    assert answered.status_code == 302
    call.refresh_from_db()
    assert (call.status, call.outcome_label) == (Status.CLOSED, "Called: the child is safe")


def test_the_sweeper_climbs_the_usual_ladder_for_it(wessex: Any, welfare_route: None) -> None:
    with time_machine.travel(MONDAY):
        incident = submitted_incident(wessex)
    (call,) = Obligation.objects.filter(incident=incident, route=KEY)
    due = call.deadlines.get().due_at
    report = sweep(now=due + dt.timedelta(minutes=1))
    assert report.steps["overdue"] >= 1
    assert TimelineEvent.objects.filter(
        verb="deadline.overdue", payload__stage="acknowledge"
    ).exists()


def test_a_second_route_with_the_same_key_is_refused(welfare_route: None) -> None:
    with pytest.raises(registry.RouteConflict):
        registry.register(
            registry.Route(key=KEY, label="Other", rule="X-1", rule_version="1", for_child=True)
        )
    with pytest.raises(registry.RouteConflict):
        registry.register(
            registry.Route(key="x" * 41, label="Long", rule="X-1", rule_version="1", for_child=True)
        )


def test_its_share_is_typed_in_the_document_and_answered_by_the_api(
    wessex: Any, welfare_api: None
) -> None:
    with time_machine.travel(MONDAY):
        incident = submitted_incident(wessex)
    (call,) = Obligation.objects.filter(incident=incident, route=KEY)
    key = api_key_issue(
        actor=None,
        agency=call.team.agency,
        name="Health visiting records",
        roles=[Role.HEALTH_PRACTITIONER],
        team=call.team,
    ).raw_key
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    document = client.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    # The route's part is a typed field of what an obligation shares, with its own schema.
    part = schemas["SharedOut"]["properties"]["welfare_call"]
    assert {"$ref": "#/components/schemas/WelfareCallOut"} in part["anyOf"]
    assert "welfare_call" in schemas["SharedOut"]["required"]
    assert set(schemas["WelfareCallOut"]["properties"]) == {"age", "under_fives"}
    # Its key and outcomes are among the codes the document lists.
    assert KEY in schemas["ObligationOut"]["properties"]["route"]["enum"]
    assert {"called", "no_answer"} <= set(schemas["OutcomeIn"]["properties"]["outcome"]["enum"])
    # The other routes' parts are still there, typed as before.
    assert "ChildVoiceOut" in schemas and "marac" in schemas["SharedOut"]["properties"]

    reads = AccessEvent.objects.count()
    answer = client.get(f"/api/v1/obligations/{call.pk}")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["route"], body["subject"]["id"]) == (KEY, call.subject_id)
    # The baby (born 1 May 2026) was 0 on the day; the Vance children under 5 at the
    # incident are counted by the route's own hook.
    under_fives = Obligation.objects.filter(incident=incident, route=KEY).count()
    assert body["shared"]["welfare_call"] == {"age": 0, "under_fives": under_fives}
    # Another route's part is empty on this route's obligation.
    assert body["shared"]["marac"] is None and body["assessments"] == []
    assert AccessEvent.objects.count() == reads + 1


def test_a_route_cannot_share_another_schema_under_a_taken_key(welfare_route: None) -> None:
    taken = registry.ApiShare(key="welfare_call", schema=dict, build=lambda detail: None)
    with pytest.raises(registry.RouteConflict):
        registry.register(
            registry.Route(
                key="example_other",
                label="Other",
                rule="X-1",
                rule_version="1",
                for_child=True,
                api_shares=(taken,),
            )
        )
    assert "example_other" not in registry.route_keys()
