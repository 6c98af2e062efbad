"""Each area's grading bands and MARAC thresholds, set by the service operator's
administrators: the rule that checks them, the service (validation, timeline), the pages
(only for those administrators) and their effect on the next assessment's grade."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hearth.accounts.models import Area
from hearth.audit.models import AccessEvent, TimelineEvent
from hearth.core.errors import NotPermitted, ValidationFailed
from hearth.incidents.documents import incident_record_document
from hearth.incidents.models import Incident
from hearth.incidents.tests.factories import family_document
from hearth.risk import policy, services
from hearth.risk.models import AreaRiskSettings
from hearth.risk.policy import Grade
from hearth.risk.selectors import assessment_get_for
from hearth.risk.tests.test_services import answered

ADMIN = "administrator@hearth.wessex.example"
HOST = "hearth-service-for-wessex"
OFFICER = "response.officer@police.wessex.example"
PPU = "ppu.officer@police.wessex.example"
NORTHSHIRE = "E06900001"

SAFELIVES: dict[str, Any] = {
    "high_from": 14,
    "medium_from": None,
    "visible_high_risk_from": 14,
    "escalation_count": 3,
    "escalation_window_months": 12,
    "repeat_window_months": 12,
}


# --- The rule ----------------------------------------------------------------------------


def test_the_safelives_defaults_are_valid_settings() -> None:
    checked = policy.area_settings(**SAFELIVES, most_items=27)
    assert checked == policy.AreaSettings()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"high_from": 0}, "high_from", "The high band must start between 1 and 27 yes answers"),
        ({"high_from": 28}, "high_from", "The high band must start between 1 and 27 yes answers"),
        (
            {"medium_from": 14},
            "medium_from",
            "The medium band must start at fewer yes answers than the high band",
        ),
        ({"medium_from": 0}, "medium_from", "The medium band must start at 1 or more yes answers"),
        (
            {"visible_high_risk_from": 30},
            "visible_high_risk_from",
            "Visible high risk must start between 1 and 27 yes answers",
        ),
        (
            {"escalation_count": 1},
            "escalation_count",
            "The number of incidents for potential escalation must be between 2 and 20",
        ),
        (
            {"escalation_window_months": 0},
            "escalation_window_months",
            "The months counted for potential escalation must be between 1 and 36",
        ),
        (
            {"repeat_window_months": 37},
            "repeat_window_months",
            "The months counted for a repeat must be between 1 and 36",
        ),
    ],
)
def test_settings_that_make_no_sense_are_refused(
    changes: dict[str, int], field: str, message: str
) -> None:
    with pytest.raises(policy.AreaSettingsError) as refused:
        policy.area_settings(**{**SAFELIVES, **changes}, most_items=27)
    assert refused.value.problems == {field: message}


def test_every_problem_is_named_at_once() -> None:
    with pytest.raises(policy.AreaSettingsError) as refused:
        policy.area_settings(
            **{**SAFELIVES, "escalation_count": 0, "repeat_window_months": 0}, most_items=27
        )
    assert set(refused.value.problems) == {"escalation_count", "repeat_window_months"}


# --- The service -------------------------------------------------------------------------


@pytest.fixture
def northshire(wessex: Any) -> Area:
    return Area.objects.get(code=NORTHSHIRE)


def admin(wessex: Any) -> Any:
    return wessex.actor(ADMIN, HOST)


def test_an_administrator_sets_an_areas_settings_with_a_timeline_event(
    wessex: Any, northshire: Area
) -> None:
    stored = services.area_risk_settings_set(
        actor=admin(wessex), area=northshire, **{**SAFELIVES, "medium_from": 10}
    )
    assert (stored.high_from, stored.medium_from) == (14, 10)
    event = TimelineEvent.objects.for_subject(northshire).get(verb="risk.area_settings_set")
    assert "medium from 10" in event.summary
    assert event.payload["before"]["medium_from"] is None
    assert event.payload["after"]["medium_from"] == 10
    # Saving the same settings again changes nothing and records nothing.
    services.area_risk_settings_set(
        actor=admin(wessex), area=northshire, **{**SAFELIVES, "medium_from": 10}
    )
    assert TimelineEvent.objects.filter(verb="risk.area_settings_set").count() == 1
    assert AreaRiskSettings.objects.count() == 1


def test_settings_that_make_no_sense_are_refused_in_govuk_words(
    wessex: Any, northshire: Area
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.area_risk_settings_set(
            actor=admin(wessex), area=northshire, **{**SAFELIVES, "medium_from": 15}
        )
    assert refused.value.fields == {
        "medium_from": ["The medium band must start at fewer yes answers than the high band"]
    }
    assert not AreaRiskSettings.objects.exists()


def test_only_the_service_operators_administrators_set_them(wessex: Any, northshire: Area) -> None:
    for who in (wessex.actor(PPU), wessex.actor(ADMIN, "wessex-police")):
        with pytest.raises(NotPermitted):
            services.area_risk_settings_set(actor=who, area=northshire, **SAFELIVES)
    police_area = Area.objects.get(kind=Area.Kind.POLICE_FORCE_AREA)
    with pytest.raises(ValidationFailed):
        services.area_risk_settings_set(actor=admin(wessex), area=police_area, **SAFELIVES)
    assert not AreaRiskSettings.objects.exists()


def northshire_incident(wessex: Any, reference: str) -> Incident:
    incident = incident_record_document(
        actor=wessex.actor(OFFICER), document=family_document(reference)
    )
    incident.local_authority = Area.objects.get(code=NORTHSHIRE)
    incident.save()
    return incident


def test_a_change_of_bands_grades_the_next_assessment_and_never_an_earlier_one(
    wessex: Any, northshire: Area
) -> None:
    earlier = answered(wessex, northshire_incident(wessex, "WX/BANDS/1"), yes=10)
    assert earlier.grade == Grade.STANDARD
    services.area_risk_settings_set(
        actor=admin(wessex),
        area=northshire,
        **{**SAFELIVES, "medium_from": 10, "escalation_count": 2},
    )
    later = answered(wessex, northshire_incident(wessex, "WX/BANDS/2"), yes=10)
    assert later.grade == Grade.MEDIUM
    assert later.bands == {"high_from": 14, "medium_from": 10}
    earlier.refresh_from_db()
    assert (earlier.grade, earlier.bands) == (
        Grade.STANDARD,
        {"high_from": 14, "medium_from": None},
    )
    # The MARAC thresholds follow the area too.
    detail = assessment_get_for(actor=wessex.actor(PPU), assessment_id=later.pk)
    assert detail.marac is not None
    assert "2 or more is potential escalation" in detail.marac.criteria[2].basis


# --- The pages ---------------------------------------------------------------------------


def posted(**changes: str) -> dict[str, str]:
    """The settings form as a browser posts it (an empty medium band is "")."""
    return {k: "" if v is None else str(v) for k, v in {**SAFELIVES, **changes}.items()}


@pytest.fixture
def admin_client(client_for: Callable[[str], Client], wessex: Any) -> Client:
    client = client_for(ADMIN)
    client.post(reverse("choose_agency"), {"agency": wessex.agency(HOST).pk})
    return client


def test_administrators_see_every_local_authority_with_its_settings(
    admin_client: Client, wessex: Any, northshire: Area, django_assert_max_num_queries: Any
) -> None:
    services.area_risk_settings_set(
        actor=admin(wessex), area=northshire, **{**SAFELIVES, "medium_from": 10}
    )
    before = AccessEvent.objects.count()
    with django_assert_max_num_queries(15):
        page = admin_client.get(reverse("risk_area_list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Northshire" in html and "Southmoor" in html
    assert "medium from 10" in html
    assert "SafeLives defaults" in html  # Southmoor has none of its own
    assert "Wessex</th>" not in html  # the police force area is not listed
    assert reverse("risk_area_settings", args=[northshire.pk]) in html
    assert AccessEvent.objects.count() == before  # configuration, not personal data


def test_an_administrator_changes_an_areas_settings(admin_client: Client, northshire: Area) -> None:
    url = reverse("risk_area_settings", args=[northshire.pk])
    page = admin_client.get(url).content.decode()
    assert "Grading bands" in page and "MARAC referral criteria" in page
    assert 'name="high_from" value="14"' in page
    response = admin_client.post(url, posted(medium_from="10"))
    assert response.status_code == 302
    assert response["Location"] == reverse("risk_area_list")
    stored = AreaRiskSettings.objects.get(area=northshire)
    assert (stored.high_from, stored.medium_from) == (14, 10)
    after = admin_client.get(reverse("risk_area_list")).content.decode()
    assert "The risk settings for Northshire have been saved" in after
    # An empty medium band means no medium band.
    admin_client.post(url, posted(medium_from=""))
    stored.refresh_from_db()
    assert stored.medium_from is None


def test_wrong_settings_show_govuk_errors(admin_client: Client, northshire: Area) -> None:
    url = reverse("risk_area_settings", args=[northshire.pk])
    response = admin_client.post(url, posted(medium_from="14", high_from="14"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "<title>Error: " in html
    assert "The medium band must start at fewer yes answers than the high band" in html
    response = admin_client.post(url, posted(high_from="", escalation_count="lots"))
    html = response.content.decode()
    assert "Enter the number of yes answers at which high risk starts" in html
    assert "The number of incidents for potential escalation must be a whole number, like 3" in html
    assert not AreaRiskSettings.objects.exists()


def test_anyone_but_the_service_operators_administrators_gets_404(
    client_for: Callable[[str], Client], wessex: Any, northshire: Area
) -> None:
    settings_url = reverse("risk_area_settings", args=[northshire.pk])
    police_admin = client_for(ADMIN)
    police_admin.post(reverse("choose_agency"), {"agency": wessex.agency("wessex-police").pk})
    for client in (
        client_for(PPU),
        client_for("front.door.manager@northshire.wessex.example"),
        police_admin,
    ):
        assert client.get(reverse("risk_area_list")).status_code == 404
        assert client.get(settings_url).status_code == 404
        assert client.post(settings_url, posted()).status_code == 404
    assert not AreaRiskSettings.objects.exists()


def test_an_area_that_is_not_a_local_authority_is_not_found(admin_client: Client) -> None:
    police_area = Area.objects.get(kind=Area.Kind.POLICE_FORCE_AREA)
    assert admin_client.get(reverse("risk_area_settings", args=[police_area.pk])).status_code == 404
    assert admin_client.get(reverse("risk_area_settings", args=[987654])).status_code == 404
