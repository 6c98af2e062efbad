"""Each area's specialist support settings, through the Django test client: the service
operator's administrators see every local authority with its lead team and timescales
(defaults said as defaults) and change one area's; routing uses what they saved; bad
input keeps what was typed; anyone else gets the same 404 as a missing page."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hearth.accounts.models import Area, Team
from hearth.audit.models import AccessEvent, TimelineEvent
from hearth.obligations.tests.factories import (
    FRONT_DOOR,
    FRONT_DOOR_MANAGER,
    NORTHSHIRE,
    SOUTHMOOR,
    area,
    submitted_incident,
)
from hearth.specialist import policy, routing
from hearth.specialist.models import SpecialistSettings, UnmetNeed
from hearth.specialist.tests.factories import SPECIALIST, service
from hearth.specialist.tests.test_services import child, offer_of

pytestmark = pytest.mark.django_db

ADMIN = "administrator@hearth.wessex.example"
HOST = "hearth-service-for-wessex"
DUTY = "Northshire children's services duty manager"


@pytest.fixture
def admin_client(client_for: Callable[[str], Client], wessex: Any) -> Client:
    # The administrator also administers the police force: the service desk is chosen.
    client = client_for(ADMIN)
    client.post(reverse("choose_agency"), {"agency": wessex.agency(HOST).pk})
    return client


def text_of(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def main_of(response: Any) -> str:
    """The page's main content (the rest carries a per-request token)."""
    return response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]


def form(**changes: Any) -> dict[str, str]:
    """The settings form as a browser posts it: the defaults, the front door leading."""
    values = {
        "lead_team": "",
        "offer_working_days": policy.DEFAULT_OFFER_WORKING_DAYS,
        "acknowledge_working_days": policy.DEFAULT_ACKNOWLEDGE_WORKING_DAYS,
        "waiting_threshold_weeks": policy.DEFAULT_WAITING_THRESHOLD_WEEKS,
    }
    return {k: str(v) for k, v in {**values, **changes}.items()}


def test_the_administrators_home_page_links_to_the_settings(admin_client: Client) -> None:
    home = admin_client.get(reverse("home")).content.decode()
    assert f'href="{reverse("specialist_settings")}"' in home
    assert "Set each area's lead team and timescales for specialist support" in home


def test_every_local_authority_is_listed_with_its_settings_defaults_as_defaults(
    admin_client: Client, django_assert_max_num_queries: Any
) -> None:
    before = AccessEvent.objects.count()
    with django_assert_max_num_queries(25):
        page = admin_client.get(reverse("specialist_settings"))
    assert page.status_code == 200
    text = text_of(page)
    assert AccessEvent.objects.count() == before  # configuration, not personal data
    assert "Northshire" in text and "Southmoor" in text
    assert "Wessex</th>" not in text  # the police force area has no lead agency
    assert "The front door (default): Northshire front door" in text
    assert "Offer within 10 working days (default)" in text
    assert "acknowledge within 2 working days (default)" in text
    assert "waiting threshold 6 weeks (default)" in text
    assert "Defaults</strong>" in text
    northshire = area(NORTHSHIRE)
    assert reverse("specialist_settings_area", args=[northshire.pk]) in text


def test_the_administrator_changes_northshires_lead_team_and_threshold_and_routing_uses_them(
    empty_directory: Any, admin_client: Client
) -> None:
    # A Northshire service with places that waits 4 weeks: within the default threshold.
    service(waiting_weeks=4)
    northshire = area(NORTHSHIRE)
    duty = Team.objects.get(name=DUTY)
    url = reverse("specialist_settings_area", args=[northshire.pk])

    page = text_of(admin_client.get(url))
    assert "Specialist support for Northshire" in page and "uses the defaults" in page
    assert "Who offers specialist support to child victims in Northshire?" in page
    assert "The front door (the default)" in page and "now Northshire front door" in page
    assert f'value="{duty.pk}"' in page  # a children's services team may lead
    assert "Little Oaks" not in page  # a specialist service's team may not
    assert 'name="waiting_threshold_weeks" value="6"' in page

    saved = admin_client.post(
        url, form(lead_team=duty.pk, offer_working_days=5, waiting_threshold_weeks=3)
    )
    assert saved.status_code == 302 and saved["Location"] == reverse("specialist_settings")
    listing = text_of(admin_client.get(saved["Location"]))
    assert "The specialist support settings for Northshire have been saved" in listing
    assert escape(DUTY) in listing
    assert "Offer within 5 working days;" in listing and "waiting threshold 3 weeks" in listing
    stored = SpecialistSettings.objects.get(area=northshire)
    assert (stored.lead_team, stored.offer_working_days, stored.waiting_threshold_weeks) == (
        duty,
        5,
        3,
    )
    event = TimelineEvent.objects.get(subject_id=str(northshire.pk), verb="specialist.settings_set")
    assert event.payload["after"]["lead_team_id"] == duty.pk
    again = text_of(admin_client.get(url))
    assert "Last changed on" in again and f'value="{duty.pk}" checked' in again

    # The next incident's offer goes to the duty team, due in 5 working days; the service's
    # 4-week wait is now over the threshold, so the child is unmet need from the start.
    incident = submitted_incident(empty_directory)
    offer = offer_of(incident, "Mia")
    assert offer.team == duty
    assert offer.deadlines.get().basis.startswith("5 working days from the front door's decision")
    unmet = UnmetNeed.objects.get(child=child(incident, "Mia"))
    assert (unmet.reason, unmet.lead_team) == (policy.UnmetReason.WAIT_TOO_LONG, duty)


def test_the_front_door_leads_again_when_chosen(admin_client: Client) -> None:
    northshire = area(NORTHSHIRE)
    url = reverse("specialist_settings_area", args=[northshire.pk])
    duty = Team.objects.get(name=DUTY)
    admin_client.post(url, form(lead_team=duty.pk))
    assert admin_client.post(url, form(lead_team="")).status_code == 302
    assert SpecialistSettings.objects.get(area=northshire).lead_team is None
    listing = text_of(admin_client.get(reverse("specialist_settings")))
    assert "The front door (default): Northshire front door" in listing
    assert DUTY not in listing


def test_a_chosen_team_no_longer_active_is_said_and_the_front_door_leads(
    admin_client: Client,
) -> None:
    northshire = area(NORTHSHIRE)
    url = reverse("specialist_settings_area", args=[northshire.pk])
    duty = Team.objects.get(name=DUTY)
    admin_client.post(url, form(lead_team=duty.pk))
    Team.objects.filter(name=DUTY).update(is_active=False)  # the team is closed
    front_door = Team.objects.get(name="Northshire front door")
    assert routing.area_specialist(northshire.pk).lead_team_id == front_door.pk  # type: ignore[union-attr]
    listing = text_of(admin_client.get(reverse("specialist_settings")))
    assert "The front door (default): Northshire front door" in listing
    assert f"{escape(DUTY)}, chosen before, is no longer active" in listing
    page = text_of(admin_client.get(url))
    assert "the front door offers support until you choose again" in page
    assert 'value="" checked' in page and f'value="{duty.pk}"' not in page  # not a choice


def test_bad_input_keeps_what_was_typed_with_errors_on_their_fields(
    admin_client: Client,
) -> None:
    northshire = area(NORTHSHIRE)
    url = reverse("specialist_settings_area", args=[northshire.pk])
    duty = Team.objects.get(name=DUTY)
    response = admin_client.post(
        url,
        form(
            lead_team=duty.pk,
            offer_working_days="lots",
            acknowledge_working_days="21",
            waiting_threshold_weeks="4",
        ),
    )
    text = text_of(response)
    assert response.status_code == 200
    assert "<title>Error: " in text and "There is a problem" in text
    assert "The working days to offer specialist support must be a whole number, like 10" in text
    assert (
        "The working days for a service to acknowledge a referral must be between 1 and 20" in text
    )
    assert 'href="#id_offer_working_days"' in text
    assert 'href="#id_acknowledge_working_days"' in text
    # Nothing is lost: what was typed, and the team chosen, are shown again.
    assert 'name="offer_working_days" value="lots"' in text
    assert 'name="acknowledge_working_days" value="21"' in text
    assert 'name="waiting_threshold_weeks" value="4"' in text
    assert f'value="{duty.pk}" checked' in text
    empty = text_of(admin_client.post(url, form(waiting_threshold_weeks="")))
    assert "Enter the waiting threshold in weeks" in empty
    unknown = text_of(admin_client.post(url, form(lead_team="987654")))
    assert "Select a team from the list" in unknown
    # A Southmoor team cannot lead in Northshire.
    southmoor_door = Team.objects.get(name="Southmoor front door")
    other = text_of(admin_client.post(url, form(lead_team=southmoor_door.pk)))
    assert "Select a team from the list" in other
    assert not SpecialistSettings.objects.exists()
    assert not TimelineEvent.objects.filter(verb="specialist.settings_set").exists()


def test_anyone_but_the_service_operators_administrators_gets_404(
    client_for: Callable[[str], Client], wessex: Any
) -> None:
    northshire = area(NORTHSHIRE)
    url = reverse("specialist_settings_area", args=[northshire.pk])
    police_admin = client_for(ADMIN)
    police_admin.post(reverse("choose_agency"), {"agency": wessex.agency("wessex-police").pk})
    missing = client_for(FRONT_DOOR).get("/specialist/settings/987654/")
    for client in (
        client_for(FRONT_DOOR),
        client_for(FRONT_DOOR_MANAGER),
        client_for(SPECIALIST),
        police_admin,
    ):
        assert client.get(reverse("specialist_settings")).status_code == 404
        refused = client.get(url)
        assert refused.status_code == 404
        assert main_of(refused) == main_of(missing)  # the same as a missing page
        assert client.post(url, form(offer_working_days=5)).status_code == 404
    assert not SpecialistSettings.objects.exists()


def test_an_area_that_is_not_a_local_authority_is_not_found(admin_client: Client) -> None:
    police_area = Area.objects.get(kind=Area.Kind.POLICE_FORCE_AREA)
    for area_id in (police_area.pk, 987654):
        url = reverse("specialist_settings_area", args=[area_id])
        assert admin_client.get(url).status_code == 404


def test_each_page_renders_for_each_area(admin_client: Client) -> None:
    assert admin_client.get(reverse("specialist_settings")).status_code == 200
    for code in (NORTHSHIRE, SOUTHMOOR):
        page = admin_client.get(reverse("specialist_settings_area", args=[area(code).pk]))
        assert page.status_code == 200
        assert 'class="govuk-back-link"' in page.content.decode()
