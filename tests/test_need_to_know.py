"""A person of one agency cannot read another agency's records by guessing ids, on the
web or through the API, and gets the same 404 as for a record that does not exist
(issue 2, point 7; architecture §4)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hearth.accounts.models import Team, User
from hearth.accounts.services import api_key_issue
from hearth.audit.models import AccessEvent

SOUTHMOOR_FRONT_DOOR = "front.door@southmoor.wessex.example"


def other_agencies_records() -> tuple[list[int], list[int]]:
    """Every team and person that Southmoor's front door has no reason to see."""
    teams = list(
        Team.objects.exclude(agency__slug="southmoor-council-childrens-services").values_list(
            "pk", flat=True
        )
    )
    people = list(
        User.objects.exclude(
            memberships__agency__slug="southmoor-council-childrens-services"
        ).values_list("pk", flat=True)
    )
    return teams, people


def page_without_tokens(response: Any) -> bytes:
    """The page as a person sees it: the per-response CSRF token and CSP nonce removed."""
    return re.sub(rb'(nonce|value)="[^"]*"', b"", response.content)


def missing_ids() -> tuple[int, int]:
    return Team.objects.latest("pk").pk + 1000, User.objects.latest("pk").pk + 1000


def test_guessing_ids_on_the_web_finds_nothing(client_for: Callable[[str], Client]) -> None:
    client = client_for(SOUTHMOOR_FRONT_DOOR)
    teams, people = other_agencies_records()
    assert len(teams) > 40 and len(people) > 40  # the demo area really has others' records
    missing_team, missing_person = missing_ids()
    missing = [
        client.get(reverse("team_detail", args=[missing_team])),
        client.get(reverse("colleague_detail", args=[missing_person])),
    ]
    for response in missing:
        assert response.status_code == 404
    events_before = AccessEvent.objects.count()
    for team_id in teams:
        response = client.get(reverse("team_detail", args=[team_id]))
        assert response.status_code == 404
        assert page_without_tokens(response) == page_without_tokens(
            missing[0]
        )  # forbidden looks exactly like missing
    for user_id in people:
        response = client.get(reverse("colleague_detail", args=[user_id]))
        assert response.status_code == 404
        assert page_without_tokens(response) == page_without_tokens(missing[1])
    # Nothing was shown, so nothing was logged as read.
    assert AccessEvent.objects.count() == events_before


def test_the_same_person_can_read_their_own_agency(client_for: Callable[[str], Client]) -> None:
    client = client_for(SOUTHMOOR_FRONT_DOOR)
    own = Team.objects.get(slug="southmoor-front-door")
    response = client.get(reverse("team_detail", args=[own.pk]))
    assert response.status_code == 200
    assert b"Sam Everett" in response.content


@pytest.fixture
def southmoor_system(wessex: Any) -> str:
    return api_key_issue(
        actor=None,
        agency=wessex.agency("southmoor-council-childrens-services"),
        name="Southmoor case system",
        roles=["front_door_practitioner"],
    ).raw_key


def test_guessing_ids_through_the_api_finds_nothing(southmoor_system: str) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {southmoor_system}")
    teams, people = other_agencies_records()
    missing_team, missing_person = missing_ids()
    missing = client.get(f"/api/v1/teams/{missing_team}")
    assert missing.status_code == 404
    assert missing.json() == {"error": {"code": "not_found", "message": "Not found"}}
    for team_id in teams:
        response = client.get(f"/api/v1/teams/{team_id}")
        assert response.status_code == 404
        assert response.json() == missing.json()
    for user_id in [*people, missing_person]:
        response = client.get(f"/api/v1/colleagues/{user_id}")
        assert response.status_code == 404
        assert response.json() == missing.json()
    own = Team.objects.get(slug="southmoor-front-door")
    assert client.get(f"/api/v1/teams/{own.pk}").status_code == 200


def test_the_api_session_follows_the_same_rules(client_for: Callable[[str], Client]) -> None:
    client = client_for(SOUTHMOOR_FRONT_DOOR)
    northshire = Team.objects.get(slug="northshire-front-door")
    assert client.get(f"/api/v1/teams/{northshire.pk}").status_code == 404
    own = Team.objects.get(slug="southmoor-front-door")
    assert client.get(f"/api/v1/teams/{own.pk}").status_code == 200
