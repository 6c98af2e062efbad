"""The administrator's access log (issue 17), in Chromium with axe-core on every page: from
the home page to the log in one step; searched by the name of the person who looked (not
"Record type: accounts.user"), the count checked against the data; every result reached
a page at a time (not "the newest 100 of N"); exported as a CSV file holding every
result, with formula characters escaped; the searches and the export each logged."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from conftest import Wessex
from hearth.accounts.models import Team
from hearth.audit.csv_export import HEADER
from hearth.audit.models import AccessAction, AccessEvent
from hearth.audit.selectors import ACCESS_LOG_PAGE_SIZE
from hearth.audit.services import access_record
from hearth.demo.wessex import DEMO_PASSWORD
from tests.browser.conftest import AxeCheck
from tests.browser.test_dsl_health_visitor_journey import Person
from tests.browser.test_obligations_journey import phone

pytestmark = [pytest.mark.browser]

ADMINISTRATOR = "administrator@hearth.wessex.example"
FRONT_DOOR = "front.door@northshire.wessex.example"  # Frankie Carver
NAME = "Frankie Carver"
PURPOSE = '=HYPERLINK("http://example.invalid")'  # as someone might type it


def test_the_administrator_searches_the_access_log_by_name_pages_and_exports(
    browser: Browser,
    live_server: Any,
    axe_check: AxeCheck,
    console_messages: list[str],
    wessex_live: None,
    tmp_path: Path,
) -> None:
    wessex = Wessex()
    front_door = wessex.actor(FRONT_DOOR)
    team = Team.objects.get(slug="northshire-front-door")
    for _ in range(ACCESS_LOG_PAGE_SIZE + 4):
        access_record(actor=front_door, action=AccessAction.READ, purpose=PURPOSE, records=[team])
    theirs = AccessEvent.objects.filter(user=wessex.user(FRONT_DOOR)).count()
    assert theirs > ACCESS_LOG_PAGE_SIZE

    context = phone(browser, live_server)
    try:
        admin = Person(context.new_page(), axe_check)
        page = admin.page
        page.on("console", lambda m: console_messages.append(f"[{m.type}] {m.text}"))
        admin.sign_in(ADMINISTRATOR)
        page.locator("main").get_by_text("Search the access log", exact=True).first.click()
        # Sensitive: Hearth asks for the password again first.
        admin.check("confirm it is you", "Confirm it is you")
        page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Continue", exact=True).click()
        admin.check("the access log", "Access log")
        expect(page.get_by_label("Record type")).to_have_count(0)

        page.get_by_label("Who looked", exact=True).fill(NAME)
        page.get_by_role("button", name="Search", exact=True).click()
        admin.check("found by name", "Access log")
        expect(page.get_by_test_id("access-log-total")).to_have_text(f"{theirs} records found")
        expect(page.get_by_test_id("access-log-showing")).to_have_text(
            f"Showing 1 to {ACCESS_LOG_PAGE_SIZE}, newest first"
        )
        rows = page.get_by_test_id("access-event")
        expect(rows).to_have_count(ACCESS_LOG_PAGE_SIZE)
        expect(rows.first).to_contain_text(NAME)
        expect(rows.first).to_contain_text(f"Team {team.pk}")
        expect(page.get_by_test_id("access-log")).not_to_contain_text("accounts.team")

        page.get_by_role("link", name=re.compile(r"^Next")).click()
        admin.check("the next page", "Access log")
        expect(rows).to_have_count(theirs - ACCESS_LOG_PAGE_SIZE)
        expect(page.get_by_label("Who looked", exact=True)).to_have_value(NAME)

        with page.expect_download() as download:
            page.get_by_role("link", name=f"Download all {theirs} as a CSV file").click()
        saved = tmp_path / "access-log.csv"
        download.value.save_as(saved)
        text = saved.read_text(encoding="utf-8-sig")
        lines = list(csv.reader(io.StringIO(text)))
        assert tuple(lines[0]) == HEADER
        assert len(lines) - 1 == theirs  # one record each
        row = dict(zip(HEADER, lines[1], strict=True))
        assert row["Who"] == NAME and row["Email address"] == FRONT_DOOR
        assert row["Purpose"] == "'" + PURPOSE  # escaped: shown as text, never run
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", row["When"])
    finally:
        context.close()

    # Each search page and the export were logged, with their terms.
    mine = AccessEvent.objects.filter(user=wessex.user(ADMINISTRATOR), route="access_log")
    searches = mine.filter(action=AccessAction.SEARCH, query__who=NAME)
    assert sorted(e.query["page"] for e in searches) == [1, 2]
    export = mine.get(action=AccessAction.EXPORT)
    assert export.query["who"] == NAME and export.result_count == theirs

    csp = [m for m in console_messages if "content security policy" in m.lower()]
    assert csp == [], "Content Security Policy violations:\n" + "\n".join(csp)
