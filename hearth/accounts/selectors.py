"""Reads of agencies, teams and the people who work there. Invariants:

- every read goes through ``visible_to(actor)``; a record outside it is ``NotFound``,
  exactly as a missing one (architecture §4);
- a read that returns other people's personal data (a team's members, a colleague's
  profile, the addresses of messages that could not be delivered) records an access
  event listing them (architecture §5). A person's own
  memberships, read to build their ``Actor``, are not someone else's data and are not
  logged.
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass

from django.db.models import Prefetch, Q

from hearth.accounts.models import Agency, ApiKey, Membership, Team, User
from hearth.accounts.services import API_KEY_PREFIX, api_key_hash
from hearth.audit.models import AccessAction, TimelineEvent
from hearth.audit.selectors import timeline_of
from hearth.audit.services import access_record
from hearth.core import clock
from hearth.core.actor import Actor
from hearth.core.errors import NotFound
from hearth.core.models import OutboundMessage


def memberships_of(*, user: User) -> list[Membership]:
    """The signed-in user's own current memberships, for the organisation switcher."""
    return list(
        Membership.objects.current()
        .filter(user=user)
        .select_related("agency", "team")
        .order_by("agency__name", "role")
    )


def actor_for_user(*, user: User, agency_id: int | None) -> Actor | None:
    """The actor ``user`` is while working for ``agency_id`` (or their first agency).

    ``None`` when the user has no current membership: they can sign in but see nothing.
    """
    memberships = memberships_of(user=user)
    if not memberships:
        return None
    chosen = [m for m in memberships if m.agency_id == agency_id] or [
        m for m in memberships if m.agency_id == memberships[0].agency_id
    ]
    agency = chosen[0].agency
    return Actor(
        agency_id=agency.pk,
        agency_kind=agency.kind,
        agency_name=agency.name,
        roles=frozenset(m.role for m in chosen),
        team_ids=frozenset(m.team_id for m in chosen if m.team_id is not None),
        managed_team_ids=frozenset(
            m.team_id for m in chosen if m.team_id is not None and m.is_manager
        ),
        user_id=user.pk,
        agency_count=len({m.agency_id for m in memberships}),
    )


LAST_USED_PRECISION = dt.timedelta(minutes=1)


def actor_for_api_key(*, raw_key: str) -> Actor | None:
    """The agency system holding ``raw_key``, or ``None`` for an unknown or revoked key."""
    parts = raw_key.split("_", 2)
    if len(parts) != 3 or parts[0] != API_KEY_PREFIX:
        return None
    api_key = ApiKey.objects.usable().select_related("agency").filter(prefix=parts[1]).first()
    if api_key is None or not hmac.compare_digest(api_key.key_hash, api_key_hash(raw_key)):
        return None
    # The last-used time is operational metadata, not a change anyone made: no timeline.
    # To the minute: a busy system's requests do not all queue to write its key's row.
    now = clock.now()
    ApiKey.objects.filter(pk=api_key.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_PRECISION)
    ).update(last_used_at=now)
    return Actor(
        agency_id=api_key.agency_id,
        agency_kind=api_key.agency.kind,
        agency_name=api_key.agency.name,
        roles=frozenset(api_key.roles),
        team_ids=frozenset({api_key.team_id} if api_key.team_id else ()),
        api_key_id=api_key.pk,
    )


def agency_and_team_by_slug(
    *, agency_slug: str, team_slug: str | None
) -> tuple[Agency, Team | None]:
    """For operators' commands, which name agencies and teams by slug."""
    agency = Agency.objects.filter(slug=agency_slug, is_active=True).first()
    if agency is None:
        raise NotFound(f"No active agency with the slug {agency_slug!r}")
    if not team_slug:
        return agency, None
    team = Team.objects.filter(agency=agency, slug=team_slug).first()
    if team is None:
        raise NotFound(f"{agency.name} has no team with the slug {team_slug!r}")
    return agency, team


@dataclass(frozen=True)
class TeamDetail:
    team: Team
    members: list[Membership]


def team_get_for(*, actor: Actor, team_id: int, purpose: str = "View team members") -> TeamDetail:
    """A team and who works in it. The member list is personal data: logged."""
    team = (
        Team.objects.visible_to(actor)
        .select_related("agency")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.current()
                .select_related("user")
                .order_by("user__last_name", "user__first_name"),
                to_attr="current_memberships",
            )
        )
        .filter(pk=team_id)
        .first()
    )
    if team is None:
        raise NotFound("No such team")
    members: list[Membership] = team.current_memberships
    access_record(
        actor=actor,
        action=AccessAction.READ,
        purpose=purpose,
        records=[team, *(m.user for m in members)],
    )
    return TeamDetail(team=team, members=members)


def team_list_for(*, actor: Actor) -> list[Team]:
    """The actor's agency's teams: names only, no people, so not logged."""
    return list(Team.objects.visible_to(actor).filter(is_active=True).select_related("agency"))


@dataclass(frozen=True)
class UserDetail:
    user: User
    memberships: list[Membership]
    timeline: list[TimelineEvent]


def user_get_for(*, actor: Actor, user_id: int, purpose: str = "View colleague") -> UserDetail:
    """Someone who works for the actor's agency, with the memberships the actor may see."""
    user = User.objects.visible_to(actor).filter(pk=user_id, is_active=True).first()
    if user is None:
        raise NotFound("No such person")
    memberships = list(
        Membership.objects.visible_to(actor)
        .current()
        .filter(user=user)
        .select_related("agency", "team")
    )
    access_record(actor=actor, action=AccessAction.READ, purpose=purpose, records=[user])
    return UserDetail(user=user, memberships=memberships, timeline=timeline_of(subject=user))


# The most messages the page lists at once: the oldest problems come first, so none hides.
UNDELIVERED_LIMIT = 200


@dataclass(frozen=True)
class UndeliveredMessage:
    message: OutboundMessage
    team: Team | None  # the team it was sent for, if any
    agency: Agency | None


@dataclass(frozen=True)
class UndeliveredMessages:
    undeliverable: list[UndeliveredMessage]  # given up: someone must act
    retrying: list[UndeliveredMessage]  # failed, and will be tried again


def undelivered_messages_for(
    *, actor: Actor, purpose: str = "See messages that could not be delivered"
) -> UndeliveredMessages:
    """Messages given up as undeliverable, and those that failed and will be tried again:
    every one for the service operator's administrators, their teams' for everyone else
    (``OutboundMessage.visible_to``). Recipients are personal data: the listing is
    logged, with the messages it showed."""
    messages = list(
        OutboundMessage.objects.visible_to(actor)
        .not_delivered()
        .order_by("created_at", "id")[:UNDELIVERED_LIMIT]
    )
    teams = Team.objects.in_bulk({m.sender_team_id for m in messages} - {None})
    agencies = Agency.objects.in_bulk({m.sender_agency_id for m in messages} - {None})
    access_record(actor=actor, action=AccessAction.READ, purpose=purpose, records=messages)
    rows = [
        UndeliveredMessage(
            message=m,
            team=teams.get(m.sender_team_id) if m.sender_team_id else None,
            agency=agencies.get(m.sender_agency_id) if m.sender_agency_id else None,
        )
        for m in messages
    ]
    undeliverable = OutboundMessage.Status.UNDELIVERABLE
    return UndeliveredMessages(
        undeliverable=[r for r in rows if r.message.status == undeliverable],
        retrying=[r for r in rows if r.message.status != undeliverable],
    )
