"""Fixtures for journeys in real Chromium, with axe-core checking every page visited.

- ``browser``: one headless Chromium (Debian's ``/usr/bin/chromium``) per pytest worker
  process, shared by the browser tests it runs one after another;
- ``context`` / ``page``: a fresh browser context (cookies, storage) for every test, on
  the live server; ``console_messages`` records what the page logged;
- ``axe_check(page)``: runs axe-core's WCAG 2.2 AA rules on the page and fails with every
  violation's rule, help text and the selectors of the offending elements.

axe-core is injected through the DevTools protocol (``page.evaluate``), which the page's
Content Security Policy does not govern. The policy itself is left in force: no
``bypass_csp``, no ``<script>`` tag added to the page.

Playwright's sync API keeps an asyncio event loop running on the main thread for as long
as it is started, so Django's ORM would raise ``SynchronousOnlyOperation`` in tests and
fixtures (nothing here is really async). ``DJANGO_ALLOW_ASYNC_UNSAFE`` is therefore set
exactly while Playwright runs, and Playwright is stopped as soon as the next test on this
worker needs no browser. Setting it for the whole process instead would leak it into
every other test on the worker, and into the environment of the subprocesses they start
(``manage.py check --deploy`` rightly fails with async.E001 when it sees it).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    ViewportSize,
    expect,
    sync_playwright,
)

from hearth.demo.wessex import seed_wessex

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_PATH = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Playwright waits this long (ms) for an element or a navigation before failing.
TIMEOUT_MS = 10_000

ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"

AxeCheck = Callable[..., None]


class _Chromium:
    """Playwright and one Chromium, started on first use and stopped by ``stop()``."""

    def __init__(self) -> None:
        self.playwright: Playwright | None = None
        self.browser: Browser | None = None
        self.previous_async_unsafe: str | None = None

    def get(self) -> Browser:
        if self.browser is None:
            if not Path(CHROMIUM).exists():
                pytest.fail(
                    f"Chromium is missing: {CHROMIUM} does not exist. "
                    "Run `make browser` (apt-get install chromium).",
                    pytrace=False,
                )
            self.previous_async_unsafe = os.environ.get(ASYNC_UNSAFE)
            os.environ[ASYNC_UNSAFE] = "true"
            self.playwright = sync_playwright().start()
            self.browser = self.playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
        return self.browser

    def stop(self) -> None:
        try:
            if self.browser is not None:
                self.browser.close()
        finally:
            self.browser = None
            if self.playwright is not None:
                self.playwright.stop()
                self.playwright = None
                if self.previous_async_unsafe is None:
                    os.environ.pop(ASYNC_UNSAFE, None)
                else:
                    os.environ[ASYNC_UNSAFE] = self.previous_async_unsafe


_chromium = _Chromium()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """After a browser test's fixtures are torn down (its database flush needs the
    variable still set), stop Chromium unless the next test on this worker uses it."""
    try:
        return (yield)
    finally:
        if nextitem is None or "browser" not in getattr(nextitem, "fixturenames", ()):
            _chromium.stop()


def pytest_sessionfinish() -> None:
    _chromium.stop()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_PATH.is_file():
        pytest.fail(
            f"axe-core is missing: {AXE_PATH} does not exist. "
            "Run `make assets` (or `npm ci`) to install it.",
            pytrace=False,
        )
    return AXE_PATH.read_text(encoding="utf-8")


@pytest.fixture
def browser() -> Browser:
    """The worker's Chromium (kept between consecutive browser tests, see ``_Chromium``)."""
    return _chromium.get()


@pytest.fixture
def context(browser: Browser, live_server: Any) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def console_messages() -> list[str]:
    """Everything the page logs to the console (CSP violations are reported there)."""
    return []


@pytest.fixture
def page(context: BrowserContext, console_messages: list[str]) -> Page:
    page = context.new_page()

    def record(message: ConsoleMessage) -> None:
        console_messages.append(f"[{message.type}] {message.text}")

    page.on("console", record)
    page.on("pageerror", lambda error: console_messages.append(f"[pageerror] {error}"))
    return page


def _format_violations(page_label: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"axe found {len(violations)} WCAG 2.2 AA violation(s) on {page_label}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']} "
            f"<{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {json.dumps(node['target'])}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n       ")
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


@pytest.fixture
def axe_check(axe_source: str) -> AxeCheck:
    """``axe_check(page)`` fails the test unless axe finds no WCAG 2.2 AA violations.

    It also fails if the page answered with an HTTP error, unless ``error_page=True``.
    """

    def check(page: Page, label: str | None = None, *, error_page: bool = False) -> None:
        page.wait_for_load_state("load")
        page_label = f"{label or page.title()!r} ({page.url})"
        if not error_page:
            # A server error page is accessible too, but it is not the page under test.
            status = page.evaluate(
                "() => performance.getEntriesByType('navigation')[0]?.responseStatus ?? 0"
            )
            assert 200 <= status < 400, f"{page_label} answered HTTP {status}"
        if not page.evaluate("() => typeof window.axe === 'object' && !!window.axe"):
            page.evaluate(axe_source)
        injected = page.evaluate("() => typeof window.axe === 'object' && typeof axe.run")
        assert injected == "function", f"axe-core was not injected into {page_label}"
        result = page.evaluate(
            """async (tags) => {
                const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
                return {
                    passes: results.passes.length,
                    violations: results.violations.map((v) => ({
                        id: v.id,
                        impact: v.impact,
                        help: v.help,
                        helpUrl: v.helpUrl,
                        nodes: v.nodes.map((n) => ({
                            target: n.target,
                            failureSummary: n.failureSummary,
                        })),
                    })),
                };
            }""",
            AXE_TAGS,
        )
        # A run that checked nothing would pass vacuously: a real page passes some rules.
        assert result["passes"] > 0, f"axe checked no rules on {page_label}"
        violations = result["violations"]
        assert violations == [], _format_violations(page_label, violations)

    return check


# --- Shared by the journeys -----------------------------------------------------------------

PHONE: ViewportSize = {"width": 375, "height": 667}


@pytest.fixture
def wessex_live(transactional_db: None) -> None:
    """The Wessex demo area for a live server. Sign-in rate limits are counted in the
    cache, which the live server shares: each journey starts with none used."""
    cache.clear()
    seed_wessex()


class PhoneVisit:
    """Someone's phone, with every page checked as it is reached: its heading, axe, and
    that it does not scroll sideways at phone width."""

    def __init__(self, page: Page, axe_check: AxeCheck) -> None:
        self.page = page
        self.axe_check = axe_check
        self.pages_checked: list[str] = []

    def check(self, label: str, heading: str | re.Pattern[str] | None = None) -> None:
        if heading is not None:
            expect(self.page.get_by_role("heading", level=1)).to_have_text(heading)
        self.axe_check(self.page, label)
        width = self.page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{label} scrolls sideways at 375px ({width}px wide)"
        self.pages_checked.append(label)

    def navigate(self, name: str) -> None:
        """Follow a service navigation link (behind the "Menu" toggle on a phone)."""
        menu = self.page.get_by_role("button", name="Menu")
        if menu.is_visible():
            menu.click()
        self.page.get_by_role("navigation", name="Menu").get_by_role(
            "link", name=name, exact=True
        ).click()
