"""The access log as an administrator uses it (issue 17): searched by the name of the
person who looked, or by a record named in words (not "Record type: accounts.user"),
paged through every result (not "the newest 100 of N"), exported as CSV with formula
characters escaped; each search and each export itself logged."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import reauthenticate
from hearth.accounts import selectors as accounts_selectors
from hearth.accounts.models import Team
from hearth.audit.csv_export import HEADER
from hearth.audit.models import AccessAction, AccessEvent
from hearth.audit.selectors import (
    ACCESS_LOG_PAGE_SIZE,
    AccessLogSearch,
    access_event_export,
    access_event_search,
    record_kind,
    record_kinds,
)
from hearth.audit.services import access_record
from hearth.core.csv_safety import escape

ADMIN = "administrator@hearth.wessex.example"
FRONT_DOOR = "front.door@northshire.wessex.example"  # Frankie Carver
SOUTHMOOR = "front.door@southmoor.wessex.example"  # Sam Everett


def _reads(wessex: Any, email: str, count: int, purpose: str = "Read a team") -> Team:
    """``count`` reads of a team by ``email``, through the audit service as a selector
    records them."""
    team = Team.objects.get(slug="northshire-front-door")
    actor = wessex.actor(email)
    for _ in range(count):
        access_record(actor=actor, action=AccessAction.READ, purpose=purpose, records=[team])
    return team


def test_a_record_type_is_named_in_words_and_the_choices_are_words(db: None) -> None:
    assert record_kind("people.person") == "Person"
    assert record_kind("accounts.user") == "User"
    assert record_kind("encompass.encompassnotification") == "Encompass notification"
    assert record_kind("gone.model") == "gone.model"  # a model no longer known keeps its label
    kinds = dict(record_kinds())
    assert kinds["people.person"] == "Person"
    assert all("." not in words for words in kinds.values())
    assert "audit.accessevent" not in kinds


@pytest.mark.parametrize("who", ["Frankie Carver", "carver", "FRANKIE", FRONT_DOOR])
def test_search_by_the_name_or_address_of_who_looked(wessex: Any, who: str) -> None:
    _reads(wessex, FRONT_DOOR, 2)
    _reads(wessex, SOUTHMOOR, 3)
    found = access_event_search(actor=wessex.actor(ADMIN), search=AccessLogSearch(who=who))
    assert found.total == 2
    assert {e.user_id for e in found.events} == {wessex.user(FRONT_DOOR).pk}


def test_a_name_no_one_has_finds_nothing(wessex: Any) -> None:
    _reads(wessex, FRONT_DOOR, 1)
    found = access_event_search(
        actor=wessex.actor(ADMIN), search=AccessLogSearch(who="Nobody Atall")
    )
    assert found.total == 0


def test_search_by_a_record_lists_each_event_once(wessex: Any) -> None:
    team = _reads(wessex, FRONT_DOOR, 2)
    other = Team.objects.get(slug="southmoor-front-door")
    actor = wessex.actor(SOUTHMOOR)
    # One event naming two records is found once by the kind alone.
    access_record(actor=actor, action=AccessAction.SEARCH, purpose="List", records=[team, other])
    admin = wessex.actor(ADMIN)
    by_record = access_event_search(
        actor=admin, search=AccessLogSearch(record_type="accounts.team", record_id=str(other.pk))
    )
    assert by_record.total == 1
    by_kind = access_event_search(
        actor=admin, search=AccessLogSearch(record_type="accounts.team", who="Sam Everett")
    )
    assert by_kind.total == 1 and len(by_kind.events) == 1


def test_every_result_is_reached_a_page_at_a_time_and_each_page_is_logged(wessex: Any) -> None:
    _reads(wessex, FRONT_DOOR, ACCESS_LOG_PAGE_SIZE + 7)
    admin = wessex.actor(ADMIN)
    search = AccessLogSearch(who=FRONT_DOOR)
    first = access_event_search(actor=admin, search=search)
    second = access_event_search(actor=admin, search=search, page=2)
    assert first.total == second.total == ACCESS_LOG_PAGE_SIZE + 7
    assert len(first.events) == ACCESS_LOG_PAGE_SIZE and len(second.events) == 7
    assert not {e.pk for e in first.events} & {e.pk for e in second.events}
    assert first.events[0].at >= first.events[-1].at >= second.events[0].at
    logged = AccessEvent.objects.filter(user=wessex.user(ADMIN), action=AccessAction.SEARCH)
    assert [e.query["page"] for e in logged.order_by("pk")] == [1, 2]
    assert logged.latest("pk").query["who"] == FRONT_DOOR
    assert logged.latest("pk").result_count == ACCESS_LOG_PAGE_SIZE + 7


def test_a_page_of_the_log_takes_the_same_queries_however_many_rows(wessex: Any) -> None:
    admin = wessex.actor(ADMIN)
    search = AccessLogSearch(who=FRONT_DOOR)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            access_event_search(actor=admin, search=search)
        return len(captured)

    _reads(wessex, FRONT_DOOR, 3)
    few = queries()
    _reads(wessex, FRONT_DOOR, 40)
    assert queries() == few


def test_the_export_holds_every_match_escaped_with_iso_times_and_is_logged(wessex: Any) -> None:
    _reads(wessex, FRONT_DOOR, ACCESS_LOG_PAGE_SIZE + 3, purpose='=HYPERLINK("x")')
    admin = wessex.actor(ADMIN)
    rows = list(access_event_export(actor=admin, search=AccessLogSearch(who="Carver")))
    assert len(rows) == ACCESS_LOG_PAGE_SIZE + 3
    event = AccessEvent.objects.filter(user=wessex.user(ADMIN)).latest("pk")
    assert event.action == AccessAction.EXPORT
    assert event.query["who"] == "Carver"
    assert event.result_count == ACCESS_LOG_PAGE_SIZE + 3


@pytest.mark.parametrize(
    ("field", "safe"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Frankie", "Frankie"),
        ("a=b", "a=b"),
    ],
)
def test_a_field_starting_with_a_formula_character_is_escaped(field: str, safe: str) -> None:
    assert escape(field) == safe


def test_the_page_searches_by_name_pages_and_exports_csv(
    client_for: Callable[[str], Client], wessex: Any
) -> None:
    team = _reads(wessex, FRONT_DOOR, ACCESS_LOG_PAGE_SIZE + 2, purpose="@risky purpose")
    client = client_for(ADMIN)
    reauthenticate(client)
    url = reverse("access_log")
    page = client.get(url, {"who": "Frankie Carver"}).content.decode()
    assert f"{ACCESS_LOG_PAGE_SIZE + 2} records found" in page
    table = page.split('data-testid="access-log"')[1]
    assert "Frankie Carver" in table and "accounts.team" not in table
    assert f"Team {team.pk}" in table
    assert f"Showing 1 to {ACCESS_LOG_PAGE_SIZE}" in page
    assert "who=Frankie+Carver&amp;export=csv" in page
    page_two = client.get(url, {"who": "Frankie Carver", "page": "2"}).content.decode()
    assert f"Showing {ACCESS_LOG_PAGE_SIZE + 1} to {ACCESS_LOG_PAGE_SIZE + 2}" in page_two

    response = client.get(url, {"who": "Frankie Carver", "export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")  # type: ignore[attr-defined]
    assert text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert tuple(lines[0]) == HEADER
    body = lines[1:]
    assert len(body) == ACCESS_LOG_PAGE_SIZE + 2
    first = dict(zip(HEADER, body[0], strict=True))
    assert first["Who"] == "Frankie Carver" and first["Email address"] == FRONT_DOOR
    assert first["Purpose"] == "'@risky purpose"
    assert first["Record kind"] == "Team" and first["Record number"] == str(team.pk)
    # ISO 8601 with seconds and the offset.
    assert len(first["When"]) == len("2026-12-06T17:25:07+00:00") and first["When"][10] == "T"
    export = AccessEvent.objects.filter(user=wessex.user(ADMIN)).latest("pk")
    assert export.action == AccessAction.EXPORT and export.route == "access_log"


def test_a_bad_date_keeps_the_search_and_says_what_is_wrong(
    client_for: Callable[[str], Client], wessex: Any
) -> None:
    client = client_for(ADMIN)
    reauthenticate(client)
    before = AccessEvent.objects.filter(action=AccessAction.EXPORT).count()
    response = client.get(
        reverse("access_log"), {"who": "Carver", "date_from": "31/2/2026", "export": "csv"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert 'value="Carver"' in page
    assert AccessEvent.objects.filter(action=AccessAction.EXPORT).count() == before


def test_an_agency_administrator_exports_only_their_agencys_events(wessex: Any) -> None:
    accounts_selectors.team_get_for(
        actor=wessex.actor(FRONT_DOOR), team_id=Team.objects.get(slug="northshire-front-door").pk
    )
    police_admin = wessex.actor(ADMIN, "wessex-police")
    rows = list(access_event_export(actor=police_admin, search=AccessLogSearch()))
    assert all(e.agency_id == police_admin.agency_id for e in rows)


def test_the_log_page_takes_the_same_queries_however_many_events(
    client_for: Callable[[str], Client], wessex: Any
) -> None:
    client = client_for(ADMIN)
    reauthenticate(client)
    url = reverse("access_log")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {"who": "Carver"}).status_code == 200
        return len(captured)

    _reads(wessex, FRONT_DOOR, 2)
    few = queries()
    _reads(wessex, FRONT_DOOR, 30)
    assert queries() == few
