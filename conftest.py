"""Fixtures shared by every app's tests. State is built through Hearth's services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.management.color import no_style
from django.db import connection, transaction
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


class _SeedCopy:
    """The rows the Wessex seed adds, copied once per test process and put back for each
    later test in its own transaction (which the test rolls back), so that hundreds of
    tests share one seed's cost. The first test in each process seeds through the real
    services, as every test used to; the copy is of what they made."""

    def __init__(self) -> None:
        self.database: str | None = None
        self.tables: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
        self.content_types: list[tuple[Any, ...]] = []

    @staticmethod
    def _counts() -> dict[str, int]:
        with connection.cursor() as cursor:
            names = connection.introspection.django_table_names(only_existing=True)
            counts = {}
            for table in names:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
                counts[table] = cursor.fetchone()[0]
        return counts

    @staticmethod
    def _content_types() -> list[tuple[Any, ...]]:
        """The content type rows the copied rows refer to: a transactional test's flush
        makes them anew, with other ids, and then the copy no longer fits."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, app_label, model FROM django_content_type ORDER BY id")
            return [tuple(row) for row in cursor.fetchall()]

    def seed(self) -> None:
        database = str(connection.settings_dict["NAME"])
        fits = self.database == database and self.content_types == self._content_types()
        if fits and self._put_back():
            return
        before = self._counts()
        seed_wessex()
        after = self._counts()
        changed = [t for t in after if after[t] != before.get(t, 0)]
        if any(before.get(t, 0) for t in changed):
            self.database = None  # it changed rows that were there before: seed each time
            return
        self.tables = {}
        with connection.cursor() as cursor:
            for table in changed:
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
                columns = [c[0] for c in cursor.description]
                self.tables[table] = (columns, [tuple(row) for row in cursor.fetchall()])
        self.content_types = self._content_types()
        self.database = database

    def _put_back(self) -> bool:
        """Insert the copied rows; ``False`` (and nothing done) if the database is not empty
        where the seed writes (a test before this one committed data)."""
        if any(self._counts().get(t, 0) for t in self.tables):
            return False
        quote = connection.ops.quote_name
        # One transaction (a savepoint inside a test's own), so that foreign keys are
        # checked once every row is back, in any table order, also in a test that runs
        # outside a transaction (a transactional test would check each statement alone).
        with transaction.atomic(), connection.cursor() as cursor:
            for table, (columns, rows) in self.tables.items():
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO {quote(table)} ({', '.join(map(quote, columns))}) "  # noqa: S608
                    f"VALUES ({marks})",
                    [tuple(_adapt(value) for value in row) for row in rows],
                )
            for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
                cursor.execute(statement)
        return True


def _adapt(value: Any) -> Any:
    """A value read back goes in again as the backend stores it: dates and times as the
    backend's own text (SQLite), JSON as JSON (PostgreSQL hands it back as Python)."""
    ops = connection.ops
    if isinstance(value, dt.datetime):
        return ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return ops.adapt_datefield_value(value)
    if isinstance(value, dt.time):
        return ops.adapt_timefield_value(value)
    if connection.vendor == "postgresql" and isinstance(value, dict | list):
        from psycopg.types.json import Jsonb

        return Jsonb(value)
    return value


_SEED_COPY = _SeedCopy()


@pytest.fixture
def wessex(db: None) -> Wessex:
    _SEED_COPY.seed()
    return Wessex()


@pytest.fixture
def deliver_outbox() -> Callable[[], Any]:
    """Run the outbox's delivery worker once (``manage.py deliver_messages --once``):
    messages leave only through it, so a test that reads the mail an action sent calls
    this first."""
    from hearth.core.delivery import deliver_due

    return deliver_due


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
