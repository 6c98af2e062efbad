"""Each area's obligation timescales, set by the service operator's administrators: the
service (validation, permission, timeline), what routing reads, the pages (only for
those administrators) and their effect on the next obligation's due times, never an
earlier one's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from hearth.accounts.models import Area, Country
from hearth.audit.models import AccessEvent, TimelineEvent
from hearth.core import calendar
from hearth.core.clock import LONDON
from hearth.core.errors import NotFound, NotPermitted, ValidationFailed
from hearth.obligations import area_settings, policy, reference
from hearth.obligations.area_settings import routing_settings_set
from hearth.obligations.models import RoutingSettings
from hearth.obligations.tests.factories import (
    FRONT_DOOR_MANAGER,
    NORTHSHIRE,
    PPU,
    SOUTHMOOR,
    area,
    of,
    submitted_incident,
)
from hearth.referrals.policy import DECIDE_DAYS, Route, Stage

ADMIN = "administrator@hearth.wessex.example"
HOST = "hearth-service-for-wessex"

DEFAULTS: dict[str, int] = {
    "decision_working_days": 1,
    "assessment_working_days": 45,
    "marac_send_working_days": 1,
    "marac_acknowledge_working_days": 1,
    "idva_acknowledge_working_days": 1,
    "follow_up_working_days": 10,
    "access_days_after_close": 30,
}


@pytest.fixture
def northshire(wessex: Any) -> Area:
    return area(NORTHSHIRE)


def admin(wessex: Any) -> Any:
    return wessex.actor(ADMIN, HOST)


# --- The defaults and what routing reads --------------------------------------------------


def test_the_defaults_are_working_together_2023_and_routings_own(
    wessex: Any, northshire: Area
) -> None:
    row = area_settings.routing_settings_get_for(actor=admin(wessex), area_id=northshire.pk)
    assert row.is_default and row.changed_at is None
    assert row.values() == DEFAULTS
    assert row.timescales == policy.ENGLAND == reference.timescales_for(northshire)
    assert row.access_days_after_close == reference.access_days_after_close(northshire.pk)
    assert row.jurisdiction == "England"
    assert "Working Together" in row.source


def test_what_is_saved_is_what_routing_reads_in_the_areas_own_profile(
    wessex: Any, northshire: Area
) -> None:
    northshire.country = Country.WALES
    northshire.save()
    row = area_settings.routing_settings_get_for(actor=admin(wessex), area_id=northshire.pk)
    assert row.timescales == policy.WALES and row.jurisdiction == "Wales"
    routing_settings_set(
        actor=admin(wessex),
        area=northshire,
        **{**DEFAULTS, "decision_working_days": 2, "access_days_after_close": 60},
    )
    row = area_settings.routing_settings_get_for(actor=admin(wessex), area_id=northshire.pk)
    assert not row.is_default and row.changed_at is not None
    assert row.timescales == reference.timescales_for(northshire)
    assert row.timescales.jurisdiction == calendar.Jurisdiction.WALES
    assert row.timescales.days(DECIDE_DAYS) == 2
    assert reference.access_days_after_close(northshire.pk) == 60 == row.access_days_after_close
    assert "Wales" in row.source


# --- The service -------------------------------------------------------------------------


def test_an_administrator_sets_an_areas_timescales_with_a_timeline_event(
    wessex: Any, northshire: Area
) -> None:
    stored = routing_settings_set(
        actor=admin(wessex), area=northshire, **{**DEFAULTS, "decision_working_days": 2}
    )
    assert (
        stored.route_days["decision_working_days"],
        stored.route_days["assessment_working_days"],
    ) == (2, 45)
    event = TimelineEvent.objects.for_subject(northshire).get(verb="obligation.area_settings_set")
    assert "decide within 2 working day(s)" in event.summary
    assert event.payload["routing_settings_id"] == stored.pk
    assert event.payload["before"] == DEFAULTS
    assert event.payload["after"] == {**DEFAULTS, "decision_working_days": 2}
    # Saving the same timescales again changes nothing and records nothing.
    routing_settings_set(
        actor=admin(wessex), area=northshire, **{**DEFAULTS, "decision_working_days": 2}
    )
    assert TimelineEvent.objects.filter(verb="obligation.area_settings_set").count() == 1
    assert RoutingSettings.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "decision_working_days",
            0,
            "The working days to decide on a child concern notification must be between 1 and 5",
        ),
        (
            "decision_working_days",
            6,
            "The working days to decide on a child concern notification must be between 1 and 5",
        ),
        (
            "assessment_working_days",
            9,
            "The working days for a child and family assessment must be between 10 and 65",
        ),
        (
            "assessment_working_days",
            66,
            "The working days for a child and family assessment must be between 10 and 65",
        ),
        (
            "marac_send_working_days",
            11,
            "The working days to send a MARAC referral must be between 1 and 10",
        ),
        (
            "marac_acknowledge_working_days",
            0,
            "The working days to acknowledge a MARAC referral must be between 1 and 10",
        ),
        (
            "idva_acknowledge_working_days",
            11,
            "The working days to acknowledge an IDVA referral must be between 1 and 10",
        ),
        (
            "follow_up_working_days",
            31,
            "The working days to follow up each child must be between 1 and 30",
        ),
        (
            "access_days_after_close",
            -1,
            "The days a team still sees what was shared must be between 0 and 365",
        ),
        (
            "access_days_after_close",
            366,
            "The days a team still sees what was shared must be between 0 and 365",
        ),
    ],
)
def test_timescales_out_of_range_are_refused_in_govuk_words(
    wessex: Any, northshire: Area, field: str, value: int, message: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        routing_settings_set(actor=admin(wessex), area=northshire, **{**DEFAULTS, field: value})
    assert refused.value.fields == {field: [message]}
    assert not RoutingSettings.objects.exists()


def test_the_ends_of_each_range_are_accepted_and_every_problem_is_named_at_once(
    wessex: Any, northshire: Area
) -> None:
    least = {name: low for name, (low, _, _) in area_settings.ranges().items()}
    most = {name: high for name, (_, high, _) in area_settings.ranges().items()}
    routing_settings_set(actor=admin(wessex), area=northshire, **least)
    routing_settings_set(actor=admin(wessex), area=northshire, **most)
    assert area_settings.row_of(northshire, RoutingSettings.objects.get()).values() == most
    with pytest.raises(ValidationFailed) as refused:
        routing_settings_set(
            actor=admin(wessex),
            area=northshire,
            **{**DEFAULTS, "decision_working_days": 0, "follow_up_working_days": 0},
        )
    assert set(refused.value.fields) == {"decision_working_days", "follow_up_working_days"}


def test_only_the_service_operators_administrators_set_or_read_them(
    wessex: Any, northshire: Area
) -> None:
    for who in (wessex.actor(PPU), wessex.actor(ADMIN, "wessex-police")):
        with pytest.raises(NotPermitted):
            routing_settings_set(actor=who, area=northshire, **DEFAULTS)
        with pytest.raises(NotFound):
            area_settings.routing_settings_list_for(actor=who)
        with pytest.raises(NotFound):
            area_settings.routing_settings_get_for(actor=who, area_id=northshire.pk)
    police_area = Area.objects.get(kind=Area.Kind.POLICE_FORCE_AREA)
    with pytest.raises(ValidationFailed):
        routing_settings_set(actor=admin(wessex), area=police_area, **DEFAULTS)
    assert not RoutingSettings.objects.exists()


# --- The effect on the next obligation ------------------------------------------------------


def _decide_due(incident: Any) -> list[dt.datetime]:
    return [o.deadlines.get(stage=Stage.DECIDE).due_at for o in of(incident, Route.CHILD_CONCERN)]


def test_a_change_gives_the_next_notification_its_due_time_and_never_an_earlier_one(
    wessex: Any, northshire: Area
) -> None:
    tuesday = dt.datetime(2026, 12, 1, 10, tzinfo=LONDON)
    with time_machine.travel(tuesday):
        earlier = submitted_incident(wessex, reference="WX/2026/0201")
        routing_settings_set(
            actor=admin(wessex), area=northshire, **{**DEFAULTS, "decision_working_days": 2}
        )
        later = submitted_incident(wessex, reference="WX/2026/0202")
    assert earlier.submitted_at is not None and later.submitted_at is not None
    one_day = calendar.working_day_deadline(earlier.submitted_at, 1)
    two_days = calendar.working_day_deadline(later.submitted_at, 2)
    assert two_days == dt.datetime(2026, 12, 3, 23, 59, 59, tzinfo=LONDON)
    assert _decide_due(later) == [two_days] * 3  # each of the family's three children
    assert _decide_due(earlier) == [one_day] * 3  # stored when created, never recomputed
    assert one_day == dt.datetime(2026, 12, 2, 23, 59, 59, tzinfo=LONDON)
    (notification, *_) = of(later, Route.CHILD_CONCERN)
    assert notification.deadlines.get(stage=Stage.DECIDE).basis.startswith("2 working days")


def test_another_areas_notifications_keep_their_own_timescales(
    wessex: Any, northshire: Area
) -> None:
    routing_settings_set(
        actor=admin(wessex), area=northshire, **{**DEFAULTS, "decision_working_days": 3}
    )
    south = submitted_incident(wessex, reference="WX/2026/0203", la=SOUTHMOOR)
    assert south.submitted_at is not None
    assert set(_decide_due(south)) == {calendar.working_day_deadline(south.submitted_at, 1)}


# --- The pages ---------------------------------------------------------------------------


def posted(**changes: Any) -> dict[str, str]:
    """The timescales form as a browser posts it."""
    return {k: str(v) for k, v in {**DEFAULTS, **changes}.items()}


@pytest.fixture
def admin_client(client_for: Callable[[str], Client], wessex: Any) -> Client:
    # The administrator also administers the police force: the service desk is chosen.
    client = client_for(ADMIN)
    client.post(reverse("choose_agency"), {"agency": wessex.agency(HOST).pk})
    return client


def test_the_administrators_home_page_links_to_the_timescales(admin_client: Client) -> None:
    html = admin_client.get(reverse("home")).content.decode()
    assert reverse("obligation_area_list") in html
    assert "Set each area's timescales for referrals and notifications" in html


def test_administrators_see_every_local_authority_with_its_timescales(
    admin_client: Client, wessex: Any, northshire: Area, django_assert_max_num_queries: Any
) -> None:
    routing_settings_set(
        actor=admin(wessex), area=northshire, **{**DEFAULTS, "decision_working_days": 2}
    )
    before = AccessEvent.objects.count()
    with django_assert_max_num_queries(15):
        page = admin_client.get(reverse("obligation_area_list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Northshire" in html and "Southmoor" in html
    assert "Decide within 2 working days" in html  # Northshire's own
    assert "Decide within 1 working day;" in html  # Southmoor's defaults
    assert "Defaults</strong>" in html and "England" in html
    assert "Configuration" in html and "govuk-back-link" in html
    assert "Wessex</th>" not in html  # the police force area is not listed
    assert reverse("obligation_area_settings", args=[northshire.pk]) in html
    assert AccessEvent.objects.count() == before  # configuration, not personal data


def test_an_administrator_changes_an_areas_timescales(
    admin_client: Client, northshire: Area
) -> None:
    url = reverse("obligation_area_settings", args=[northshire.pk])
    page = admin_client.get(url).content.decode()
    assert "Child concern notifications" in page and "MARAC and IDVA referrals" in page
    assert 'name="decision_working_days" value="1"' in page
    assert 'name="assessment_working_days" value="45"' in page
    assert "Configuration" in page and reverse("obligation_area_list") in page
    response = admin_client.post(url, posted(decision_working_days=2))
    assert response.status_code == 302
    assert response["Location"] == reverse("obligation_area_list")
    stored = RoutingSettings.objects.get(area=northshire)
    assert (stored.route_days["decision_working_days"], stored.access_days_after_close) == (2, 30)
    after = admin_client.get(reverse("obligation_area_list")).content.decode()
    assert "The timescales for Northshire have been saved" in after
    again = admin_client.get(url).content.decode()
    assert 'name="decision_working_days" value="2"' in again and "Last changed on" in again


def test_wrong_timescales_show_govuk_errors(admin_client: Client, northshire: Area) -> None:
    url = reverse("obligation_area_settings", args=[northshire.pk])
    response = admin_client.post(url, posted(assessment_working_days=70))
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "<title>Error: " in html
    assert "The working days for a child and family assessment must be between 10 and 65" in html
    assert 'href="#id_assessment_working_days"' in html
    response = admin_client.post(
        url, posted(decision_working_days="", follow_up_working_days="lots")
    )
    html = response.content.decode()
    assert "Enter the working days to decide on a child concern notification" in html
    assert "The working days to follow up each child must be a whole number, like 10" in html
    assert not RoutingSettings.objects.exists()


def test_anyone_but_the_service_operators_administrators_gets_404(
    client_for: Callable[[str], Client], wessex: Any, northshire: Area
) -> None:
    settings_url = reverse("obligation_area_settings", args=[northshire.pk])
    police_admin = client_for(ADMIN)
    police_admin.post(reverse("choose_agency"), {"agency": wessex.agency("wessex-police").pk})
    for client in (client_for(PPU), client_for(FRONT_DOOR_MANAGER), police_admin):
        assert client.get(reverse("obligation_area_list")).status_code == 404
        assert client.get(settings_url).status_code == 404
        assert client.post(settings_url, posted(decision_working_days=2)).status_code == 404
    assert not RoutingSettings.objects.exists()


def test_an_area_that_is_not_a_local_authority_is_not_found(admin_client: Client) -> None:
    police_area = Area.objects.get(kind=Area.Kind.POLICE_FORCE_AREA)
    for area_id in (police_area.pk, 987654):
        url = reverse("obligation_area_settings", args=[area_id])
        assert admin_client.get(url).status_code == 404
