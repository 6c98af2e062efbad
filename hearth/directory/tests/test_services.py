"""Changing the directory: who may, what is refused, and the timeline each change leaves
(the history of a service's capacity); ASSURE-1 reminders once per lapse."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from hearth.accounts.models import Agency, Team
from hearth.accounts.selectors import actor_for_user
from hearth.accounts.tests.factories import person
from hearth.audit.models import TimelineEvent
from hearth.core.actor import Actor, Role
from hearth.core.errors import NotFound, ValidationFailed
from hearth.core.models import OutboundMessage
from hearth.directory import selectors, services
from hearth.directory.models import Service, ServiceStatus
from hearth.directory.tests import factories

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


def practitioner(agency: Agency, team: Team) -> Actor:
    someone = person(
        f"worker@{agency.slug}.example", [(agency, team, Role.SPECIALIST_PRACTITIONER)], totp=False
    )
    actor = actor_for_user(user=someone.user, agency_id=agency.pk)
    assert actor is not None
    return actor


def events(service: Service) -> list[str]:
    return list(
        TimelineEvent.objects.for_subject(service)
        .order_by("at", "id")
        .values_list("verb", flat=True)
    )


def test_a_provider_changes_capacity_and_the_timeline_keeps_before_and_after() -> None:
    with time_machine.travel(NOW, tick=False):
        agency, team, org = factories.provider()
        service = factories.service(org, team=team)
        actor = practitioner(agency, team)
        change = services.service_update(
            actor=actor, service=service, places_taken=10, waiting_weeks=6, open_to_referrals=False
        )
    assert change.capacity_changed
    service.refresh_from_db()
    assert (service.places_taken, service.waiting_weeks) == (10, 6)
    assert service.capacity_confirmed_on == dt.date(2026, 12, 1)
    event = TimelineEvent.objects.for_subject(service).get(verb="directory.capacity_changed")
    assert event.actor_user_id == actor.user_id
    assert event.payload["capacity_before"] == {
        "places": 10,
        "places_taken": 4,
        "waiting_weeks": 0,
        "open_to_referrals": True,
    }
    assert event.payload["capacity_after"] == {
        "places": 10,
        "places_taken": 10,
        "waiting_weeks": 6,
        "open_to_referrals": False,
    }
    assert events(service) == ["directory.service_added", "directory.capacity_changed"]


def test_another_agency_cannot_change_an_entry_and_it_looks_missing() -> None:
    _, team, org = factories.provider("Provider One")
    service = factories.service(org, team=team)
    other_agency, other_team, _ = factories.provider("Provider Two")
    with pytest.raises(NotFound):
        services.service_update(
            actor=practitioner(other_agency, other_team), service=service, waiting_weeks=1
        )
    with pytest.raises(NotFound):
        services.service_confirm(actor=practitioner(other_agency, other_team), service=service)
    service.refresh_from_db()
    assert service.waiting_weeks == 0


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"min_age": 10, "max_age": 4}, "max_age"),
        ({"places": 3, "places_taken": 5}, "places_taken"),
        ({"eligible": ["adults"]}, "eligible"),
        ({"delivery": ["carrier_pigeon"]}, "delivery"),
        ({"name": "  "}, "name"),
    ],
)
def test_bad_values_are_refused_on_their_field(values: dict[str, Any], field: str) -> None:
    agency, team, org = factories.provider()
    service = factories.service(org, team=team)
    with pytest.raises(ValidationFailed) as refused:
        services.service_update(actor=practitioner(agency, team), service=service, **values)
    assert field in refused.value.fields
    assert events(service) == ["directory.service_added"]


def test_confirming_stamps_today_and_records_it() -> None:
    with time_machine.travel(NOW - dt.timedelta(days=200), tick=False):
        agency, team, org = factories.provider()
        service = factories.service(org, team=team)
    with time_machine.travel(NOW, tick=False):
        services.service_confirm(actor=practitioner(agency, team), service=service)
    service.refresh_from_db()
    assert service.confirmed_on == service.capacity_confirmed_on == dt.date(2026, 12, 1)
    assert events(service)[-1] == "directory.service_confirmed"


def test_services_for_lists_active_services_covering_the_area_whatever_their_fit() -> None:
    north = factories.area("E06000901", "Northshire")
    south = factories.area("E06000902", "Southmoor")
    _, _, org = factories.provider()
    covering = factories.service(org, name="Covers north", areas=[north], min_age=13, max_age=17)
    full = factories.service(org, name="Full", areas=[north, south], places=2, places_taken=2)
    factories.service(org, name="South only", areas=[south])
    factories.service(org, name="Closed", areas=[north], status=ServiceStatus.INACTIVE)
    found = selectors.services_for(north.pk)
    assert [s.name for s in found] == ["Covers north", "Full"]
    assert [a.code for a in found[1].areas.all()] == ["E06000901", "E06000902"]
    assert {s.name for s in selectors.services_for(None)} == {"Covers north", "Full", "South only"}
    assert selectors.service_get(covering.pk) == covering
    assert selectors.service_get(str(full.pk)).places_free == 0
    with pytest.raises(NotFound):
        selectors.service_get("nope")


def test_services_for_reads_in_a_fixed_number_of_queries(
    django_assert_max_num_queries: Any,
) -> None:
    north = factories.area()
    _, team, org = factories.provider()
    for n in range(6):
        factories.service(org, name=f"Service {n}", areas=[north], team=team)
    with django_assert_max_num_queries(3):
        found = selectors.services_for(north.pk)
        assert all(s.organisation.name and s.team and list(s.areas.all()) for s in found)


def test_an_entry_unconfirmed_for_3_months_reminds_its_team_once_per_lapse() -> None:
    with time_machine.travel(NOW, tick=False):
        agency, team, org = factories.provider()
        service = factories.service(org, team=team)
    sent = OutboundMessage.objects.filter(purpose="directory_assurance")
    # Exactly 3 months later it is still fresh: nothing.
    assert services.assurance_remind(on=dt.date(2027, 3, 1)).reminded == 0
    assert not sent.exists()
    # A day later it has lapsed: one reminder, to the team, and only one however often.
    assert services.assurance_remind(on=dt.date(2027, 3, 2)).reminded == 1
    assert services.assurance_remind(on=dt.date(2027, 3, 2)).reminded == 0
    assert services.assurance_remind(on=dt.date(2027, 5, 1)).reminded == 0
    assert list(sent.values_list("recipient", flat=True)) == [team.email]
    assert events(service)[-1] == "directory.assurance_reminded"
    # Confirmed, then lapsed again: a new reminder.
    with time_machine.travel(dt.datetime(2027, 5, 2, 9, tzinfo=dt.UTC), tick=False):
        services.service_confirm(actor=practitioner(agency, team), service=service)
    assert services.assurance_remind(on=dt.date(2027, 8, 3)).reminded == 1
    assert sent.count() == 2


def test_an_inactive_entry_is_not_reminded() -> None:
    _, team, org = factories.provider()
    factories.service(org, team=team, status=ServiceStatus.INACTIVE)
    assert services.assurance_remind(on=dt.date(2030, 1, 1)).reminded == 0


def test_the_command_reminds_once_and_says_what_it_did(capsys: Any) -> None:
    """``manage.py remind_directory`` (run hourly by ``make run``'s worker) reminds the
    team of a lapsed entry and says how many it reminded."""
    from django.core.management import call_command

    with time_machine.travel(NOW, tick=False):
        _, team, org = factories.provider()
        factories.service(org, team=team)
    with time_machine.travel(dt.datetime(2027, 3, 2, 9, tzinfo=dt.UTC), tick=False):
        call_command("remind_directory")
        call_command("remind_directory")
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Reminded 1 provider teams")
    assert out[1].startswith("Reminded 0 provider teams")
    sent = OutboundMessage.objects.filter(purpose="directory_assurance")
    assert list(sent.values_list("recipient", flat=True)) == [team.email]
