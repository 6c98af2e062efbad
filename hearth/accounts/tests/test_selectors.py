"""Who sees which teams and colleagues, and that each read is in the access log."""

from __future__ import annotations

import pytest

from hearth.accounts import selectors
from hearth.accounts.models import Team, User
from hearth.audit.models import AccessAction, AccessEvent
from hearth.core.errors import NotFound

FRONT_DOOR = "front.door@northshire.wessex.example"
ADMIN = "administrator@hearth.wessex.example"
DSL = "dsl@schools.wessex.example"


def test_a_team_read_lists_its_members_and_is_logged(wessex) -> None:
    actor = wessex.actor(FRONT_DOOR)
    team = Team.objects.get(slug="northshire-front-door")
    detail = selectors.team_get_for(actor=actor, team_id=team.pk)
    names = {m.user.get_full_name() for m in detail.members}
    assert names == {"Frankie Carver", "Morgan Dale"}
    event = AccessEvent.objects.latest("pk")
    assert event.action == AccessAction.READ
    assert event.user_id == actor.user_id
    assert event.agency_id == actor.agency_id
    recorded = {(r.record_type, r.record_id) for r in event.records.all()}
    assert ("accounts.team", str(team.pk)) in recorded
    assert {("accounts.user", str(m.user_id)) for m in detail.members} <= recorded


def test_another_agencys_team_is_not_found(wessex) -> None:
    actor = wessex.actor(FRONT_DOOR)
    other = Team.objects.get(slug="southmoor-front-door")
    with pytest.raises(NotFound):
        selectors.team_get_for(actor=actor, team_id=other.pk)
    with pytest.raises(NotFound):
        selectors.user_get_for(
            actor=actor, user_id=User.objects.get(email="front.door@southmoor.wessex.example").pk
        )


def test_the_service_operators_administrator_configures_every_agency(wessex) -> None:
    actor = wessex.actor(ADMIN)
    assert actor.is_host_administrator
    other = Team.objects.get(slug="southmoor-front-door")
    assert selectors.team_get_for(actor=actor, team_id=other.pk).team == other


def test_a_person_in_two_agencies_acts_for_one_at_a_time(wessex) -> None:
    user = wessex.user(DSL)
    agencies = [m.agency for m in selectors.memberships_of(user=user)]
    assert len({a.pk for a in agencies}) == 2
    first = selectors.actor_for_user(user=user, agency_id=agencies[0].pk)
    second = selectors.actor_for_user(user=user, agency_id=agencies[1].pk)
    assert first is not None
    assert second is not None
    assert first.agency_id != second.agency_id
    own_team = Team.objects.get(agency=agencies[1])
    selectors.team_get_for(actor=second, team_id=own_team.pk)
    with pytest.raises(NotFound):
        selectors.team_get_for(actor=first, team_id=own_team.pk)
    # An agency the person does not belong to falls back to one they do.
    fallback = selectors.actor_for_user(user=user, agency_id=wessex.agency("wessex-police").pk)
    assert fallback is not None
    assert fallback.agency_id in {a.pk for a in agencies}


def test_listing_teams_does_not_grow_queries_with_teams(
    wessex, django_assert_max_num_queries
) -> None:
    actor = wessex.actor(ADMIN)
    with django_assert_max_num_queries(1):
        teams = selectors.team_list_for(actor=actor)
        [t.agency.name for t in teams]
    assert len(teams) > 50


def test_a_colleagues_page_shows_their_history(client_for) -> None:
    client = client_for(FRONT_DOOR)
    colleague = User.objects.get(email="front.door.manager@northshire.wessex.example")
    response = client.get(f"/colleagues/{colleague.pk}/")
    assert response.status_code == 200
    assert b"moj-timeline" in response.content
    assert (
        b"Became front door manager at Northshire Council children&#x27;s services"
        in response.content
    )


def test_the_organisation_switcher_shows_only_to_people_in_several_agencies(client_for) -> None:
    assert b"Change organisation" in client_for(DSL).get("/").content
    assert b"Change organisation" not in client_for(FRONT_DOOR).get("/").content
