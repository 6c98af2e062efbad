"""API: who am I, teams and colleagues. Thin adapters over ``selectors``."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from hearth.accounts import selectors
from hearth.accounts.models import Agency
from hearth.core.actor import Actor, Role
from hearth.core.api import ERROR_RESPONSES
from hearth.core.personal_data import no_personal_data, reads_personal_data

router = Router(tags=["accounts"])


class AgencyOut(Schema):
    id: int
    name: str
    kind: str


class RoleOut(Schema):
    code: str
    label: str


class MeOut(Schema):
    user_id: int | None
    api_key_id: int | None
    agency: AgencyOut
    roles: list[RoleOut]
    team_ids: list[int]


class MemberOut(Schema):
    user_id: int
    name: str
    email: str
    role: str


class TeamOut(Schema):
    id: int
    name: str
    function: str
    agency: AgencyOut
    members: list[MemberOut]


class MembershipOut(Schema):
    agency: AgencyOut
    team_id: int | None
    role: str


class ColleagueOut(Schema):
    id: int
    name: str
    email: str
    memberships: list[MembershipOut]


def _actor(request: HttpRequest) -> Actor:
    actor: Actor = request.auth  # type: ignore[attr-defined]
    return actor


def _agency_out(agency: Agency) -> AgencyOut:
    return AgencyOut(id=agency.pk, name=agency.name, kind=agency.kind)


@router.get("/me", response={200: MeOut, **ERROR_RESPONSES}, summary="Who is calling")
@no_personal_data
def me(request: HttpRequest) -> MeOut:
    """The caller's agency and roles: a person's current organisation, or an agency system."""
    actor = _actor(request)
    return MeOut(
        user_id=actor.user_id,
        api_key_id=actor.api_key_id,
        agency=AgencyOut(id=actor.agency_id, name=actor.agency_name, kind=actor.agency_kind),
        roles=[RoleOut(code=r, label=Role(r).label) for r in sorted(actor.roles)],
        team_ids=sorted(actor.team_ids),
    )


@router.get("/teams/{team_id}", response={200: TeamOut, **ERROR_RESPONSES}, summary="A team")
@reads_personal_data
def team_get(request: HttpRequest, team_id: int) -> TeamOut:
    """A team of the caller's agency and the people in it (an access-logged read)."""
    detail = selectors.team_get_for(actor=_actor(request), team_id=team_id)
    return TeamOut(
        id=detail.team.pk,
        name=detail.team.name,
        function=detail.team.function,
        agency=_agency_out(detail.team.agency),
        members=[
            MemberOut(
                user_id=m.user_id, name=m.user.get_full_name(), email=m.user.email, role=m.role
            )
            for m in detail.members
        ],
    )


@router.get(
    "/colleagues/{user_id}", response={200: ColleagueOut, **ERROR_RESPONSES}, summary="A colleague"
)
@reads_personal_data
def colleague_get(request: HttpRequest, user_id: int) -> ColleagueOut:
    """Someone who works for the caller's agency (an access-logged read)."""
    detail = selectors.user_get_for(actor=_actor(request), user_id=user_id)
    return ColleagueOut(
        id=detail.user.pk,
        name=detail.user.get_full_name(),
        email=detail.user.email,
        memberships=[
            MembershipOut(agency=_agency_out(m.agency), team_id=m.team_id, role=m.role)
            for m in detail.memberships
        ],
    )
