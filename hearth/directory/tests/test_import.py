"""Importing an Open Referral UK 3.0 services list: a round trip of our own feed, nothing
partial when any row is malformed (and why, per row), and re-imports that change only
what changed."""

from __future__ import annotations

import copy
import http.server
import json
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from hearth.audit.models import TimelineEvent
from hearth.directory import services
from hearth.directory.importing import FetchFailed, Outcome, directory_import, fetch_feed
from hearth.directory.models import Location, Organisation, Service, ServiceAtLocation
from hearth.directory.tests import factories

pytestmark = pytest.mark.django_db

COMPARED = (
    "name",
    "description",
    "url",
    "email",
    "status",
    "min_age",
    "max_age",
    "eligible",
    "delivery",
    "languages",
    "free",
    "cost_note",
    "secret_location",
    "places",
    "places_taken",
    "waiting_weeks",
    "open_to_referrals",
    "capacity_confirmed_on",
    "confirmed_on",
)


def snapshot() -> list[dict[str, Any]]:
    found = []
    for s in Service.objects.order_by("name"):
        row = {f: getattr(s, f) for f in COMPARED if f != "secret_location"}
        row["organisation"] = (s.organisation.name, s.organisation.email, s.organisation.url)
        row["areas"] = sorted(s.areas.values_list("code", flat=True))
        row["locations"] = sorted(
            (sal.location.name, sal.location.address_1, sal.location.postcode)
            for sal in s.at_locations.select_related("location")
        )
        found.append(row)
    return found


@pytest.fixture
def published() -> list[dict[str, Any]]:
    """Our own directory, exported through the public feed."""
    north = factories.area("E06000901", "Northshire")
    south = factories.area("E06000902", "Southmoor")
    _, team, org = factories.provider("Little Acorns")
    therapy = factories.service(
        org, name="Therapy", areas=[north], team=team, waiting_weeks=8, places_taken=10
    )
    services.location_add(
        actor=None,
        service=therapy,
        name="Acorn House",
        address_1="1 High Street",
        town="Northbury",
        postcode="NB1 1AA",
        latitude="51.500000",
        longitude="-1.250000",
    )
    factories.service(
        org,
        name="Group programme",
        areas=[north, south],
        min_age=7,
        max_age=14,
        eligible=["child_victim", "with_mother"],
        delivery=["group"],
        languages=["English", "Polish"],
        free=False,
        cost_note="Free for families on benefits",
        open_to_referrals=False,
    )
    return Client().get("/openreferral/services").json()["contents"]


def empty_directory() -> None:
    ServiceAtLocation.objects.all().delete()
    Location.objects.all().delete()
    Service.objects.all().delete()
    Organisation.objects.all().delete()


def test_our_feed_round_trips_into_an_empty_directory(published: list[dict[str, Any]]) -> None:
    before = snapshot()
    empty_directory()
    report = directory_import(actor=None, rows=published, source="https://elsewhere/")
    assert report.ok
    assert [r.outcome for r in report.rows] == [Outcome.IMPORTED, Outcome.IMPORTED]
    assert snapshot() == before
    imported = Service.objects.get(name="Therapy")
    assert imported.source == "https://elsewhere/"
    assert imported.source_id == published[1]["id"] or imported.source_id == published[0]["id"]
    assert imported.team is None  # a team is Hearth's own, set by the administrator


def test_a_re_import_of_the_same_feed_changes_nothing(published: list[dict[str, Any]]) -> None:
    directory_import(actor=None, rows=published, source="feed")
    events = TimelineEvent.objects.count()
    again = directory_import(actor=None, rows=published, source="feed")
    assert [r.outcome for r in again.rows] == [Outcome.UNCHANGED, Outcome.UNCHANGED]
    assert TimelineEvent.objects.count() == events
    assert Service.objects.filter(source="feed").count() == 2


def test_a_re_import_changes_only_what_changed(published: list[dict[str, Any]]) -> None:
    directory_import(actor=None, rows=published, source="feed")
    changed = copy.deepcopy(published)
    therapy = next(r for r in changed if r["name"] == "Therapy")
    therapy["x_capacity"]["waiting_weeks"] = 12
    other = next(r for r in changed if r["name"] != "Therapy")
    untouched = Service.objects.get(source="feed", source_id=other["id"]).updated_at
    report = directory_import(actor=None, rows=changed, source="feed")
    outcomes = {r.name: r.outcome for r in report.rows}
    assert outcomes == {"Therapy": Outcome.CHANGED, "Group programme": Outcome.UNCHANGED}
    assert Service.objects.get(source="feed", source_id=therapy["id"]).waiting_weeks == 12
    assert Service.objects.get(source="feed", source_id=other["id"]).updated_at == untouched
    event = TimelineEvent.objects.filter(verb="directory.capacity_changed").latest("id")
    assert event.payload["capacity_before"]["waiting_weeks"] == 8
    assert event.payload["capacity_after"]["waiting_weeks"] == 12


def test_one_malformed_row_imports_nothing_and_says_why_per_row(
    published: list[dict[str, Any]],
) -> None:
    rows: list[Any] = copy.deepcopy(published)
    rows[0]["minimum_age"] = "four"
    rows.append({"id": "x", "status": "open"})
    rows.append("not a service")
    count = Service.objects.count()
    report = directory_import(actor=None, rows=rows, source="bad")
    assert not report.ok
    assert Service.objects.count() == count
    assert not Service.objects.filter(source="bad").exists()
    by_number = {r.number: r for r in report.rows}
    assert by_number[1].outcome == Outcome.ERROR
    assert by_number[1].reasons == ("minimum_age must be a whole number",)
    assert by_number[2].outcome == Outcome.UNCHANGED  # fine, but not imported
    assert set(by_number[3].reasons) >= {
        "name is missing",
        "status must be active, inactive, defunct or temporarily closed",
        "organization is missing",
    }
    assert by_number[4].reasons == ("the row is not an object",)


def test_rows_with_the_same_id_or_an_unknown_area_are_errors(
    published: list[dict[str, Any]],
) -> None:
    rows = [*copy.deepcopy(published), copy.deepcopy(published[0])]
    rows[1]["service_areas"][0]["uri"] = (
        "https://statistics.data.gov.uk/id/statistical-geography/E99999999"
    )
    report = directory_import(actor=None, rows=rows, source="dup")
    assert not report.ok
    reasons = {r.number: r.reasons for r in report.errors}
    assert reasons[3] == ("the same id as row 1",)
    assert reasons[2] == ("unknown local authority: E99999999",)


def test_the_command_imports_a_file_and_refuses_a_bad_one(
    published: list[dict[str, Any]], tmp_path: Path
) -> None:
    page = tmp_path / "services.json"
    page.write_text(json.dumps({"contents": published}))
    call_command("import_directory", str(page))
    assert Service.objects.filter(source="file:services.json").count() == 2
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"id": "1"}]))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_directory", str(bad))
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(CommandError, match="not JSON"):
        call_command("import_directory", str(broken))


@pytest.fixture
def feed_server(published: list[dict[str, Any]]) -> Iterator[str]:
    """A local HTTP server serving ``published`` as a two-page feed (no network)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            page = int(query.get("page", ["1"])[0])
            contents = published[page - 1 : page]
            body = json.dumps(
                {
                    "total_items": 2,
                    "total_pages": 2,
                    "page_number": page,
                    "size": 1,
                    "first_page": page == 1,
                    "last_page": page == 2,
                    "empty": False,
                    "contents": contents,
                }
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/openreferral/services"
    server.shutdown()
    server.server_close()


def test_a_feed_url_is_read_page_by_page(feed_server: str) -> None:
    rows = fetch_feed(feed_server)
    assert len(rows) == 2
    empty_directory()
    call_command("import_directory", feed_server)
    assert Service.objects.filter(source=feed_server).count() == 2


@pytest.fixture
def broken_server() -> Iterator[str]:
    """A local server whose /error answers 500 and /text answers a page that is not JSON."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            broken = self.path.startswith("/error")
            body = b"<html>Maintenance</html>"
            self.send_response(500 if broken else 200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_feed_that_fails_says_why_and_imports_nothing(broken_server: str) -> None:
    with pytest.raises(FetchFailed, match="answered 500"):
        fetch_feed(f"{broken_server}/error")
    with pytest.raises(FetchFailed, match="did not answer with JSON"):
        fetch_feed(f"{broken_server}/text")
    with pytest.raises(CommandError, match="answered 500"):
        call_command("import_directory", f"{broken_server}/error")
    assert not Service.objects.exists()
