"""Statistics in Chromium (issue 15 §4, Done when), with axe-core on every page: the
partnership's analyst goes from the home page to the statistics, opens every group,
narrows the referrals to one financial year's month and then to one local authority
(the tables change with them), downloads a table and all tables as CSV (a header, no
one's name), and reads a group's page on a phone without scrolling sideways; a front
door's manager sees their teams' figures on the home page and their agency's statistics,
on a phone. The demo's ledger is read into the maintained aggregates first, as the
worker does."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from hearth.accounts.models import Area
from hearth.core.csv_safety import BOM
from hearth.demo.wessex import DEMO_PASSWORD
from hearth.people.models import Person
from hearth.stats.csv_export import LONG_HEADER
from hearth.stats.refresh import refresh
from hearth.stats.tables import GROUP_TITLES, Group
from tests.browser.conftest import TIMEOUT_MS, AxeCheck, PhoneVisit
from tests.browser.test_obligations_journey import phone

pytestmark = [pytest.mark.browser]

ANALYST = "analyst@partnership.wessex.example"
MANAGER = "front.door.manager@northshire.wessex.example"
CASE_LINK = re.compile(r"/(children|people|incidents|families|obligations)/")


class Desk:
    """The analyst's desktop browser, every page checked by axe as it is reached."""

    def __init__(self, page: Page, axe_check: AxeCheck) -> None:
        self.page = page
        self.axe_check = axe_check

    def check(self, label: str, heading: str | re.Pattern[str] | None = None) -> None:
        if heading is not None:
            expect(self.page.get_by_role("heading", level=1)).to_have_text(heading)
        self.axe_check(self.page, label)
        # Statistics link to no case record, anywhere on the page.
        hrefs = self.page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        assert not [h for h in hrefs if CASE_LINK.search(h)], f"{label} links to a case"


def sign_in(visit: Desk | PhoneVisit, email: str) -> None:
    page = visit.page
    page.goto("/")
    visit.check(f"sign-in page ({email})")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile(r"^\s*sign in\s*$", re.IGNORECASE)).click()
    visit.check(f"home page ({email})", "What you can do in Hearth")


def table_rows(page: Page, key: str) -> list[str]:
    """The row headings of one statistics table on the page."""
    section = page.locator(f'[data-testid="stat-table"][data-key="{key}"]')
    return [t.strip() for t in section.locator("tbody th[scope=row]").all_inner_texts()]


def table_title(page: Page, key: str) -> str:
    return page.locator(f'[data-testid="stat-table"][data-key="{key}"] h2').inner_text().strip()


def download(page: Page, link: Any, tmp_path: Path, name: str) -> tuple[str, list[list[str]]]:
    with page.expect_download(timeout=TIMEOUT_MS) as info:
        link.click()
    saved = tmp_path / name
    info.value.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert text.startswith(BOM)
    return info.value.suggested_filename, list(csv.reader(io.StringIO(text[len(BOM) :])))


def test_the_analyst_reads_filters_and_downloads_the_statistics(
    browser: Browser,
    live_server: Any,
    axe_check: AxeCheck,
    console_messages: list[str],
    wessex_live: None,
    tmp_path: Path,
) -> None:
    refresh()  # the demo's ledger into the maintained aggregates
    names = sorted({p.full_name for p in Person.objects.all() if len(p.full_name) > 3})
    assert names
    northshire = Area.objects.get(name="Northshire", kind=Area.Kind.LOCAL_AUTHORITY)

    context = browser.new_context(base_url=live_server.url, locale="en-GB", accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        desk = Desk(context.new_page(), axe_check)
        page = desk.page
        page.on("console", lambda m: console_messages.append(f"[{m.type}] {m.text}"))
        sign_in(desk, ANALYST)

        # 1. From the home page to the statistics, and every group.
        page.get_by_role("button", name="See the statistics").click()
        desk.check("the statistics", "Statistics")
        expect(page.get_by_test_id("stats-scope")).to_contain_text(
            "Northshire and Southmoor, small numbers shown as c"
        )
        for group in Group:
            page.get_by_role("link", name=GROUP_TITLES[group], exact=True).click()
            desk.check(f"statistics: {group.value}", GROUP_TITLES[group])
            expect(page.locator("svg[role=img]").first).to_be_visible()
            # Back by the breadcrumb; the menu's "Statistics" is marked as where they are.
            expect(
                page.get_by_role("navigation", name="Menu").get_by_role("link", name="Statistics")
            ).to_have_attribute("aria-current", "true")
            page.get_by_role("navigation", name="Breadcrumb").get_by_role(
                "link", name="Statistics", exact=True
            ).click()
            desk.check("the statistics, again", "Statistics")

        # 2. Referrals, narrowed to one month, then to one local authority.
        page.get_by_role("link", name=GROUP_TITLES[Group.REFERRALS], exact=True).click()
        desk.check("referrals, this financial year", GROUP_TITLES[Group.REFERRALS])
        year_title = table_title(page, "by-month-and-source")
        months_in_year = table_rows(page, "by-month-and-source")
        assert len(months_in_year) == 13  # 12 months and the total
        page.get_by_text("Filters", exact=True).click()
        period = page.get_by_label("Period", exact=True)
        month_option = period.locator("optgroup[label=Month] option").nth(1)
        month_key, month_words = month_option.get_attribute("value"), month_option.inner_text()
        assert month_key and month_words
        period.select_option(month_key)
        page.get_by_role("button", name="Apply filters").click()
        desk.check(f"referrals, {month_words}", GROUP_TITLES[Group.REFERRALS])
        assert f"period={month_key}" in page.url
        expect(page.get_by_test_id("filter-summary")).to_contain_text(month_words)
        assert table_title(page, "by-month-and-source") != year_title
        assert table_title(page, "by-month-and-source").endswith(month_words)
        assert table_rows(page, "by-month-and-source")[0] == month_words

        both = table_rows(page, "police-by-force-and-area")
        assert any("Southmoor" in r for r in both)
        page.get_by_text("Filters", exact=True).click()
        page.get_by_label("Local authority", exact=True).select_option(northshire.code)
        page.get_by_role("button", name="Apply filters").click()
        desk.check("referrals, Northshire", GROUP_TITLES[Group.REFERRALS])
        expect(page.get_by_test_id("filter-summary")).to_contain_text("Northshire")
        assert table_rows(page, "police-by-force-and-area") == ["Wessex: Northshire"]
        assert page.get_by_label("Period", exact=True).input_value() == month_key

        # 3. A table, and all tables, as CSV: the chosen month and area, no one's name.
        filename, rows = download(
            page,
            page.get_by_role("link", name="Download this table (CSV)").first,
            tmp_path,
            "table.csv",
        )
        assert filename == f"hearth-referrals-by-month-and-source-{month_key}.csv"
        assert rows[0][:3] == ["Period", "Area", "Month"]
        assert {tuple(r[:2]) for r in rows[1:]} == {(month_words, "Northshire")}
        filename, rows = download(
            page, page.get_by_role("link", name="Download all tables (CSV)"), tmp_path, "all.csv"
        )
        assert filename == f"hearth-referrals-{month_key}.csv"
        assert rows[0] == list(LONG_HEADER)
        text = (tmp_path / "table.csv").read_text() + (tmp_path / "all.csv").read_text()
        assert [n for n in names if n in text] == []

        # 4. A filter that is not offered: the error summary and the form, not an error page.
        page.goto(page.url.replace(f"period={month_key}", "period=not-a-period"))
        desk.check("referrals, a bad period")
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        expect(page.get_by_label("Period", exact=True)).to_be_visible()
    finally:
        context.close()

    # 5. On a phone: a group's page fits, charts and tables included.
    handset = phone(browser, live_server)
    try:
        visit = PhoneVisit(handset.new_page(), axe_check)
        visit.page.on("console", lambda m: console_messages.append(f"[{m.type}] {m.text}"))
        sign_in(visit, ANALYST)
        visit.page.goto("/statistics/timeliness/")
        visit.check("timeliness on a phone", GROUP_TITLES[Group.TIMELINESS])
        visit.page.goto("/statistics/referrals/")
        visit.check("referrals on a phone", GROUP_TITLES[Group.REFERRALS])
    finally:
        handset.close()

    # 6. A front door's manager: their teams' figures on the home page, then their own
    #    agency's statistics, exact.
    handset = phone(browser, live_server)
    try:
        visit = PhoneVisit(handset.new_page(), axe_check)
        visit.page.on("console", lambda m: console_messages.append(f"[{m.type}] {m.text}"))
        sign_in(visit, MANAGER)
        expect(visit.page.get_by_role("heading", name="Your teams' figures")).to_be_visible()
        expect(visit.page.get_by_role("rowheader", name="Northshire front door")).to_be_visible()
        visit.page.get_by_role("link", name=re.compile("^Statistics on the work of")).click()
        visit.check("the manager's statistics", "Statistics")
        expect(visit.page.get_by_test_id("stats-scope")).to_contain_text("exact counts")
        visit.page.get_by_role("link", name=GROUP_TITLES[Group.TIMELINESS], exact=True).click()
        visit.check("the manager's timeliness", GROUP_TITLES[Group.TIMELINESS])
    finally:
        handset.close()

    csp = [m for m in console_messages if "content security policy" in m.lower()]
    assert csp == []
