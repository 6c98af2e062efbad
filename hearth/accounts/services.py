"""Changes to agencies, teams, people and API keys. Invariants:

- every change is one transaction and records a timeline event on its subject
  (architecture §5); django-auditlog keeps the field-level diff beside it;
- a membership's role must fit its agency's kind (``ROLES_BY_AGENCY_KIND``) and its team
  must belong to its agency;
- seeding and re-running are safe: ``*_ensure`` services return what exists.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

import rules
from django.db import transaction

from hearth.accounts.models import Agency, ApiKey, Area, Membership, Team, User
from hearth.audit.services import timeline_record
from hearth.core import clock
from hearth.core.actor import ROLES_BY_AGENCY_KIND, Actor, Role
from hearth.core.errors import NotPermitted, ValidationFailed

API_KEY_PREFIX = "hth"


@transaction.atomic
def area_ensure(
    *,
    actor: Actor | None,
    code: str,
    name: str,
    kind: str,
    country: str,
    police_force_area: Area | None = None,
) -> Area:
    area, created = Area.objects.get_or_create(
        code=code,
        defaults={
            "name": name,
            "kind": kind,
            "country": country,
            "police_force_area": police_force_area,
        },
    )
    if created:
        timeline_record(
            actor=actor, subject=area, verb="area.created", summary=f"Area {name} added"
        )
    return area


@transaction.atomic
def agency_ensure(
    *, actor: Actor | None, slug: str, name: str, kind: str, areas: Iterable[Area] = ()
) -> Agency:
    agency, created = Agency.objects.get_or_create(slug=slug, defaults={"name": name, "kind": kind})
    if created:
        agency.areas.set(list(areas))
        timeline_record(
            actor=actor,
            subject=agency,
            verb="agency.created",
            summary=f"Agency {name} added",
            payload={"kind": kind},
        )
    return agency


@transaction.atomic
def team_ensure(
    *, actor: Actor | None, agency: Agency, slug: str, name: str, function: str, email: str = ""
) -> Team:
    team, created = Team.objects.get_or_create(
        agency=agency, slug=slug, defaults={"name": name, "function": function, "email": email}
    )
    if created:
        timeline_record(
            actor=actor,
            subject=team,
            verb="team.created",
            summary=f"Team {name} added to {agency.name}",
            payload={"function": function},
        )
    return team


@transaction.atomic
def team_escalation_set(*, actor: Actor | None, team: Team, escalation_team: Team | None) -> Team:
    """Name the team that overdue work goes to after ``team``'s manager (a duty team)."""
    _require_administrator_of(actor, team.agency)
    if escalation_team is not None and escalation_team.pk == team.pk:
        raise ValidationFailed("A team cannot escalate to itself")
    if team.escalation_team_id != (escalation_team.pk if escalation_team else None):
        team.escalation_team = escalation_team
        team.save(update_fields=["escalation_team", "updated_at"])
        timeline_record(
            actor=actor,
            subject=team,
            verb="team.escalation_set",
            summary=f"Overdue work escalates to {escalation_team.name}"
            if escalation_team
            else "No escalation team",
            payload={"escalation_team_id": escalation_team.pk if escalation_team else None},
        )
    return team


@transaction.atomic
def user_ensure(
    *,
    actor: Actor | None,
    email: str,
    first_name: str,
    last_name: str,
    password: str | None = None,
    is_demo: bool = False,
) -> User:
    """Create a user who signs in with ``email``; an existing user is returned unchanged."""
    email = User.objects.normalize_email(email).lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        return existing
    user = User.objects.create_user(
        email, password, first_name=first_name, last_name=last_name, is_demo=is_demo
    )
    if password is None:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    timeline_record(actor=actor, subject=user, verb="user.created", summary="Account created")
    return user


@transaction.atomic
def membership_add(
    *,
    actor: Actor | None,
    user: User,
    agency: Agency,
    role: str,
    team: Team | None = None,
    is_manager: bool = False,
) -> Membership:
    """Give ``user`` ``role`` in ``agency`` (and ``team``, as its manager if ``is_manager``).
    Idempotent for a current membership."""
    if role not in ROLES_BY_AGENCY_KIND.get(agency.kind, frozenset()):
        raise ValidationFailed(
            f"A {Role(role).label.lower()} cannot work for a {agency.get_kind_display().lower()}"
        )
    if team is not None and team.agency_id != agency.pk:
        raise ValidationFailed("The team must belong to the agency")
    if is_manager and team is None:
        raise ValidationFailed("A manager manages a team: choose the team")
    _require_administrator_of(actor, agency)
    membership, created = Membership.objects.current().get_or_create(
        user=user, agency=agency, team=team, role=role, defaults={"is_manager": is_manager}
    )
    if created:
        timeline_record(
            actor=actor,
            subject=user,
            verb="membership.added",
            summary=f"Became {Role(role).label.lower()} at {agency.name}"
            + (f", {team.name}" if team else ""),
            payload={"agency_id": agency.pk, "team_id": team.pk if team else None, "role": role},
        )
    return membership


@transaction.atomic
def membership_end(*, actor: Actor, membership: Membership) -> Membership:
    _require_administrator_of(actor, membership.agency)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.ended_at is None:
        membership.ended_at = clock.now()
        membership.save(update_fields=["ended_at"])
        timeline_record(
            actor=actor,
            subject=membership.user,
            verb="membership.ended",
            summary=f"Stopped being {membership.get_role_display().lower()} at "
            f"{membership.agency.name}",
            payload={"membership_id": membership.pk},
        )
    return membership


@dataclass(frozen=True)
class IssuedApiKey:
    api_key: ApiKey
    raw_key: str  # shown once, never stored


def api_key_hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


@transaction.atomic
def api_key_issue(
    *,
    actor: Actor | None,
    agency: Agency,
    name: str,
    roles: Iterable[str] = (),
    team: Team | None = None,
    created_by: User | None = None,
) -> IssuedApiKey:
    """Issue a key for one agency system. The raw key is returned once and never stored."""
    roles = sorted(set(roles))
    allowed = ROLES_BY_AGENCY_KIND.get(agency.kind, frozenset())
    if bad := [r for r in roles if r not in allowed]:
        raise ValidationFailed(f"Roles not allowed for this agency: {', '.join(bad)}")
    if team is not None and team.agency_id != agency.pk:
        raise ValidationFailed("The team must belong to the agency")
    _require_administrator_of(actor, agency)
    prefix = secrets.token_hex(6)
    raw_key = f"{API_KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey.objects.create(
        agency=agency,
        team=team,
        name=name,
        roles=roles,
        prefix=prefix,
        key_hash=api_key_hash(raw_key),
        created_by=created_by,
    )
    timeline_record(
        actor=actor,
        subject=agency,
        verb="api_key.issued",
        summary=f"API key {prefix} issued for {name}",
        payload={"api_key_id": api_key.pk, "roles": roles},
    )
    return IssuedApiKey(api_key=api_key, raw_key=raw_key)


@transaction.atomic
def api_key_revoke(*, actor: Actor | None, api_key: ApiKey) -> ApiKey:
    _require_administrator_of(actor, api_key.agency)
    api_key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    if api_key.revoked_at is None:
        api_key.revoked_at = clock.now()
        api_key.save(update_fields=["revoked_at"])
        timeline_record(
            actor=actor,
            subject=api_key.agency,
            verb="api_key.revoked",
            summary=f"API key {api_key.prefix} revoked",
            payload={"api_key_id": api_key.pk},
        )
    return api_key


def _require_administrator_of(actor: Actor | None, agency: Agency) -> None:
    """People change an agency's set-up only as its administrator or the operator's
    (``accounts.change_agency_setup``). ``actor=None`` is Hearth itself: a management
    command run by the operator on the server, or the demo seed."""
    if actor is not None and not rules.test_rule("accounts.change_agency_setup", actor, agency):
        raise NotPermitted("Only an administrator of this agency can do this")
