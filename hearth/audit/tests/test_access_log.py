"""The access log: append-only, searchable by administrators only, and searching it is logged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from conftest import reauthenticate
from hearth.accounts import selectors as accounts_selectors
from hearth.accounts.models import Team
from hearth.audit.models import AccessAction, AccessEvent, AppendOnlyError
from hearth.audit.selectors import AccessLogSearch, access_event_search
from hearth.core.errors import NotFound

ADMIN = "administrator@hearth.wessex.example"
FRONT_DOOR = "front.door@northshire.wessex.example"
SOUTHMOOR = "front.door@southmoor.wessex.example"


@pytest.fixture
def some_reads(wessex: Any) -> dict[str, Any]:
    northshire = Team.objects.get(slug="northshire-front-door")
    southmoor = Team.objects.get(slug="southmoor-front-door")
    accounts_selectors.team_get_for(actor=wessex.actor(FRONT_DOOR), team_id=northshire.pk)
    accounts_selectors.team_get_for(actor=wessex.actor(SOUTHMOOR), team_id=southmoor.pk)
    return {"northshire": northshire, "southmoor": southmoor}


def test_an_access_event_cannot_be_changed_or_deleted(some_reads: Any) -> None:
    event = AccessEvent.objects.latest("pk")
    event.purpose = "something else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.filter(pk=event.pk).update(purpose="x")
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.all().delete()


def test_the_database_refuses_to_change_the_log(some_reads: Any) -> None:
    event = AccessEvent.objects.latest("pk")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_accessevent SET purpose = 'x' WHERE id = %s", [event.pk])
    assert AccessEvent.objects.get(pk=event.pk).purpose == event.purpose


def test_search_by_person_record_and_date(wessex: Any, some_reads: Any) -> None:
    admin = wessex.actor(ADMIN)
    by_person = access_event_search(actor=admin, search=AccessLogSearch(user_email=FRONT_DOOR))
    assert by_person.total == 1
    assert by_person.events[0].user_id == wessex.user(FRONT_DOOR).pk

    team = some_reads["southmoor"]
    by_record = access_event_search(
        actor=admin, search=AccessLogSearch(record_type="accounts.team", record_id=str(team.pk))
    )
    assert [e.user_id for e in by_record.events] == [wessex.user(SOUTHMOOR).pk]

    tomorrow = dt.date.today() + dt.timedelta(days=1)
    none_yet = access_event_search(actor=admin, search=AccessLogSearch(date_from=tomorrow))
    assert none_yet.total == 0


def test_the_search_itself_is_logged_with_its_terms(wessex: Any, some_reads: Any) -> None:
    admin = wessex.actor(ADMIN)
    access_event_search(actor=admin, search=AccessLogSearch(user_email=FRONT_DOOR))
    event = AccessEvent.objects.latest("pk")
    assert event.action == AccessAction.SEARCH
    assert event.user_id == admin.user_id
    assert event.query["user_email"] == FRONT_DOOR
    assert event.result_count == 1


def test_only_administrators_search_and_an_agency_admin_sees_only_their_agency(
    wessex: Any, some_reads: Any
) -> None:
    with pytest.raises(NotFound):
        access_event_search(actor=wessex.actor(FRONT_DOOR), search=AccessLogSearch())
    # The service operator's administrator also administers Wessex Police.
    police_admin = wessex.actor(ADMIN, "wessex-police")
    assert not police_admin.is_host_administrator
    page = access_event_search(actor=police_admin, search=AccessLogSearch())
    assert all(e.agency_id == police_admin.agency_id for e in page.events)
    assert FRONT_DOOR not in {e.user.email for e in page.events if e.user}


def test_the_access_log_page_asks_for_the_password_and_searches(
    client_for: Callable[[str], Client], some_reads: Any
) -> None:
    client = client_for(ADMIN)
    url = reverse("access_log")
    assert client.get(url)["Location"].startswith(reverse("account_reauthenticate"))
    reauthenticate(client)
    response = client.get(url, {"who": FRONT_DOOR})
    assert response.status_code == 200
    assert FRONT_DOOR.encode() in response.content
    assert SOUTHMOOR.encode() not in response.content
    bad = client.get(url, {"date_from": "31/2/2026"})
    assert bad.status_code == 200
    assert b"There is a problem" in bad.content
    assert b"From date must be a real date" in bad.content


def test_the_access_log_page_is_not_found_for_others(client_for: Callable[[str], Client]) -> None:
    assert client_for(FRONT_DOOR).get(reverse("access_log")).status_code == 404


def test_a_timeline_summary_too_long_for_its_column_is_cut_not_refused(db: None) -> None:
    from hearth.accounts.models import Area
    from hearth.audit.services import timeline_record

    area = Area.objects.create(code="E99999999", name="Testshire", kind="local_authority")
    event = timeline_record(actor=None, subject=area, verb="test.long", summary="x" * 400)
    event.refresh_from_db()
    assert len(event.summary) == 300 and event.summary.endswith("…")
