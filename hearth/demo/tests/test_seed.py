"""The Wessex demo area: complete, one sign-in per role, and safe to seed twice."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from hearth.accounts.models import Agency, Area, Membership, Team, User
from hearth.audit.models import TimelineEvent
from hearth.core.actor import AgencyKind, Role
from hearth.demo.wessex import seed_wessex

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Area, Agency, Team, User, Membership, TimelineEvent)
    }


def test_seeding_twice_keeps_what_is_there_and_adds_nothing() -> None:
    seed_wessex()
    first = counts()
    User.objects.filter(email="front.door@northshire.wessex.example").update(first_name="Changed")
    seed_wessex()
    assert counts() == first
    assert User.objects.get(email="front.door@northshire.wessex.example").first_name == "Changed"


def test_the_area_has_what_the_issue_lists() -> None:
    sign_ins = seed_wessex()
    kinds = {kind: Agency.objects.filter(kind=kind).count() for kind in AgencyKind.values}
    assert kinds[AgencyKind.POLICE_FORCE] == 1
    assert kinds[AgencyKind.CHILDRENS_SERVICES] == 2
    assert kinds[AgencyKind.MARAC] == 2
    assert kinds[AgencyKind.IDVA_SERVICE] == 1
    assert 38 <= kinds[AgencyKind.SCHOOL] <= 42
    assert kinds[AgencyKind.SPECIALIST_CHILDRENS_SERVICE] >= 3
    for council in Agency.objects.filter(kind=AgencyKind.CHILDRENS_SERVICES):
        assert set(council.teams.values_list("function", flat=True)) == {
            "front_door",
            "education_safeguarding",
            "duty",
        }
    for school in Agency.objects.filter(kind=AgencyKind.SCHOOL):
        assert Membership.objects.filter(
            agency=school, role=Role.DESIGNATED_SAFEGUARDING_LEAD
        ).exists()
    listed_roles = {s.role for s in sign_ins}
    assert listed_roles >= {Role(r).label for r in Role.values}
    assert all(s.email.endswith(".wessex.example") for s in sign_ins)


def test_the_seed_command_prints_the_sign_ins() -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "response.officer@police.wessex.example" in out.getvalue()
    assert "61/61" in out.getvalue()


def test_the_seed_command_refuses_production() -> None:
    with (
        override_settings(HEARTH_DEMO_MODE=False),
        pytest.raises(CommandError, match="never in production"),
    ):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()
