"""Services for agencies, teams, memberships and API keys: rules, idempotence, history."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry

from hearth.accounts import services
from hearth.accounts.models import ApiKey, Membership
from hearth.accounts.selectors import actor_for_api_key, actor_for_user
from hearth.accounts.tests.factories import agency_with_team, person
from hearth.audit.models import TimelineEvent
from hearth.core.actor import AgencyKind, Role
from hearth.core.errors import NotPermitted, ValidationFailed

pytestmark = pytest.mark.django_db


def test_a_membership_records_a_timeline_event_and_a_field_history() -> None:
    agency, team = agency_with_team("Testshire Police")
    someone = person("officer@testshire.example", roles=[])
    membership = services.membership_add(
        actor=None, user=someone.user, agency=agency, team=team, role=Role.RESPONSE_OFFICER
    )
    event = TimelineEvent.objects.for_subject(someone.user).get(verb="membership.added")
    assert event.payload == {"agency_id": agency.pk, "team_id": team.pk, "role": "response_officer"}
    assert (
        LogEntry.objects.get_for_object(membership).filter(action=LogEntry.Action.CREATE).exists()
    )


def test_adding_the_same_membership_twice_changes_nothing() -> None:
    agency, team = agency_with_team("Testshire Police")
    someone = person("officer@testshire.example", roles=[(agency, team, Role.RESPONSE_OFFICER)])
    services.membership_add(
        actor=None, user=someone.user, agency=agency, team=team, role=Role.RESPONSE_OFFICER
    )
    assert Membership.objects.filter(user=someone.user).count() == 1
    assert (
        TimelineEvent.objects.for_subject(someone.user).filter(verb="membership.added").count() == 1
    )


def test_a_role_must_fit_the_kind_of_agency() -> None:
    school, team = agency_with_team("Testshire Primary School", kind=AgencyKind.SCHOOL)
    someone = person("teacher@testshire.example", roles=[])
    with pytest.raises(ValidationFailed, match="cannot work for a school"):
        services.membership_add(
            actor=None, user=someone.user, agency=school, team=team, role=Role.RESPONSE_OFFICER
        )


def test_a_team_must_belong_to_the_agency() -> None:
    police, _ = agency_with_team("Testshire Police")
    _, other_team = agency_with_team("Othershire Police")
    someone = person("officer@testshire.example", roles=[])
    with pytest.raises(ValidationFailed, match="team must belong"):
        services.membership_add(
            actor=None,
            user=someone.user,
            agency=police,
            team=other_team,
            role=Role.RESPONSE_OFFICER,
        )


def test_only_an_administrator_of_the_agency_changes_its_people() -> None:
    police, team = agency_with_team("Testshire Police")
    other, other_team = agency_with_team("Othershire Police")
    officer = person("officer@testshire.example", roles=[(police, team, Role.RESPONSE_OFFICER)])
    admin = person("admin@othershire.example", roles=[(other, other_team, Role.ADMINISTRATOR)])
    newcomer = person("new@testshire.example", roles=[])
    for actor_user in (officer.user, admin.user):
        actor = actor_for_user(user=actor_user, agency_id=None)
        with pytest.raises(NotPermitted):
            services.membership_add(
                actor=actor,
                user=newcomer.user,
                agency=police,
                team=team,
                role=Role.RESPONSE_OFFICER,
            )
    own_admin = person("admin@testshire.example", roles=[(police, team, Role.ADMINISTRATOR)])
    services.membership_add(
        actor=actor_for_user(user=own_admin.user, agency_id=police.pk),
        user=newcomer.user,
        agency=police,
        team=team,
        role=Role.RESPONSE_OFFICER,
    )
    assert Membership.objects.filter(user=newcomer.user, agency=police).exists()


def test_an_ended_membership_no_longer_gives_access() -> None:
    police, team = agency_with_team("Testshire Police")
    someone = person("officer@testshire.example", roles=[(police, team, Role.RESPONSE_OFFICER)])
    admin = person("admin@testshire.example", roles=[(police, team, Role.ADMINISTRATOR)])
    membership = Membership.objects.get(user=someone.user)
    admin_actor = actor_for_user(user=admin.user, agency_id=None)
    assert admin_actor is not None
    services.membership_end(actor=admin_actor, membership=membership)
    assert actor_for_user(user=someone.user, agency_id=None) is None
    assert TimelineEvent.objects.for_subject(someone.user).filter(verb="membership.ended").exists()


def test_an_api_key_is_shown_once_and_stored_only_as_a_hash() -> None:
    police, _ = agency_with_team("Testshire Police")
    issued = services.api_key_issue(
        actor=None, agency=police, name="Records system", roles=[Role.PUBLIC_PROTECTION_OFFICER]
    )
    stored = ApiKey.objects.get()
    assert issued.raw_key not in {stored.key_hash, stored.prefix, stored.name}
    assert issued.raw_key.startswith(f"hth_{stored.prefix}_")
    actor = actor_for_api_key(raw_key=issued.raw_key)
    assert actor is not None
    assert actor.agency_id == police.pk
    assert actor.roles == {"public_protection_officer"}
    assert actor.user_id is None
    assert actor_for_api_key(raw_key=issued.raw_key[:-1] + "x") is None
    assert actor_for_api_key(raw_key="not-a-key") is None


def test_a_revoked_api_key_stops_working() -> None:
    police, _ = agency_with_team("Testshire Police")
    issued = services.api_key_issue(actor=None, agency=police, name="Records system")
    services.api_key_revoke(actor=None, api_key=issued.api_key)
    assert actor_for_api_key(raw_key=issued.raw_key) is None
    assert TimelineEvent.objects.for_subject(police).filter(verb="api_key.revoked").exists()


def test_an_api_key_cannot_carry_a_role_foreign_to_its_agency() -> None:
    school, _ = agency_with_team("Testshire Primary School", kind=AgencyKind.SCHOOL)
    with pytest.raises(ValidationFailed, match="not allowed"):
        services.api_key_issue(actor=None, agency=school, name="MIS", roles=[Role.IDVA])
