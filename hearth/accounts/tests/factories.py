"""Test data for accounts, built through the real services."""

from __future__ import annotations

import time
from dataclasses import dataclass

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)

from hearth.accounts import services
from hearth.accounts.models import Agency, Team, User
from hearth.core.actor import AgencyKind, Role

PASSWORD = "correct-horse-battery-staple"
TOTP_PERIOD = mfa_settings.TOTP_PERIOD


def totp_code(secret: str, at: float | None = None) -> str:
    """The code an authenticator app shows for ``secret`` now (or at ``at``)."""
    return format_hotp_value(hotp_value(secret, int((at or time.time()) // TOTP_PERIOD)))


@dataclass(frozen=True)
class Person:
    user: User
    password: str
    totp_secret: str | None
    recovery_codes: list[str]


def agency_with_team(
    name: str, kind: str = AgencyKind.POLICE_FORCE, function: str = "response"
) -> tuple[Agency, Team]:
    slug = name.lower().replace(" ", "-").replace("'", "")
    agency = services.agency_ensure(actor=None, slug=slug, name=name, kind=kind)
    team = services.team_ensure(
        actor=None, agency=agency, slug=f"{slug}-team", name=f"{name} team", function=function
    )
    return agency, team


def person(
    email: str,
    roles: list[tuple[Agency, Team | None, str]] | None = None,
    *,
    totp: bool = True,
    is_demo: bool = False,
) -> Person:
    """A person who works for the given agencies, with TOTP and recovery codes if ``totp``."""
    user = services.user_ensure(
        actor=None,
        email=email,
        first_name="Test",
        last_name="Person",
        password=PASSWORD,
        is_demo=is_demo,
    )
    if roles is None:
        police, police_team = agency_with_team("Testshire Police")
        roles = [(police, police_team, Role.RESPONSE_OFFICER)]
    for agency, team, role in roles:
        services.membership_add(actor=None, user=user, agency=agency, team=team, role=role)
    secret, codes = None, []
    if totp:
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        codes = RecoveryCodes.activate(user).get_unused_codes()
    return Person(user=user, password=PASSWORD, totp_secret=secret, recovery_codes=codes)
