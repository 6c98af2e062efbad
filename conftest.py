"""Fixtures shared by every app's tests. State is built through Hearth's services."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from hearth.accounts.models import Agency, User
from hearth.accounts.selectors import actor_for_user
from hearth.core.actor import Actor
from hearth.demo.wessex import DEMO_PASSWORD, seed_wessex


class Wessex:
    """The seeded demo area, with lookups by email and agency slug."""

    def user(self, email: str) -> User:
        return User.objects.get(email=email)

    def agency(self, slug: str) -> Agency:
        return Agency.objects.get(slug=slug)

    def actor(self, email: str, agency_slug: str | None = None) -> Actor:
        agency_id = self.agency(agency_slug).pk if agency_slug else None
        actor = actor_for_user(user=self.user(email), agency_id=agency_id)
        assert actor is not None
        return actor


@pytest.fixture
def wessex(db: None) -> Wessex:
    seed_wessex()
    return Wessex()


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Sign-in rate limits are counted in the cache; each test starts with none used."""
    cache.clear()


def sign_in(client: Client, email: str, password: str = DEMO_PASSWORD) -> Client:
    """Sign in through the real sign-in form, as a person would."""
    response = client.post(
        reverse("account_login"), {"login": email, "password": password}, follow=True
    )
    assert response.redirect_chain and response.status_code == 200, f"sign-in failed: {email}"
    return client


def reauthenticate(client: Client, password: str = DEMO_PASSWORD) -> Client:
    """Confirm the password again, as allauth asks before sensitive pages."""
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, "re-authentication failed"
    return client


@pytest.fixture
def client_for(wessex: Wessex) -> Callable[[str], Client]:
    """A client signed in, with the demo password, as one of the Wessex demo people
    (demo accounts may skip the second factor in test mode, as in demo mode)."""
    return lambda email: sign_in(Client(), email)
