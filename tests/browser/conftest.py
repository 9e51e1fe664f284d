"""The browser suite: Playwright driving Debian's chromium against pytest-django's live server.

One browser for the whole module (the CI machine is small), a fresh context per person and viewport. Every
page the walk opens is held to the same rules (`Tab.check`): no JavaScript error, no failed or refused
request, nothing loaded from outside the portal, no horizontal overflow, no raw code in the visible text.
Each step is saved as var/browser/<test>/<step>-<language>-<width>.png, which CI keeps as artifacts.

Without chromium the suite skips, except with CI set, where it fails: `make browser-deps` (or .ci/run)
installs it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from tests.conftest import SCREENSHOTS

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# A form's POST and the page it leads to. CI shares two cores between the live server, chromium and the
# suite; one complaint step once took longer than the default 15 s there.
NAVIGATION_TIMEOUT = 30_000
SCREENSHOT_TIMEOUT = 60_000

# What must never reach a reader: codes, placeholders and template syntax that escaped translation.
RAW_CODES = [
    re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"),  # snake_case: fault_repair, no_power_home, sla_warning
    re.compile(r"→ [a-z]"),  # an arrow to a lowercase code: "arrival → running"
    re.compile(r"\b\d+ → \d+\b"),  # a number to a number: a priority "2 → 1"
    re.compile(r"\b(?:sms|email|inbox)\b"),  # a channel's code
    re.compile(r"%\(|%s\b"),  # an unresolved placeholder
    re.compile(r"\{\{|\}\}|\{%|%\}"),  # template syntax
]

TABLES_WIDER_THAN_THEIR_BOX = """() => [...document.querySelectorAll("main .table-responsive")]
    .filter(box => box.scrollWidth > box.clientWidth + 1)
    .map(box => box.querySelector("table").className)"""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives a real browser (chromium) against a live server")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Chromium, launched once for the module; skipped without it (failed on CI)."""
    reason = ""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        reason = "playwright is not installed (pip install -r requirements-dev.txt)"
    if not reason and not Path(CHROMIUM).exists():
        reason = f"no chromium at {CHROMIUM}: run `make browser-deps` (apt-get install chromium fonts-noto-cjk)"
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI runs the browser suite: {reason}", pytrace=False)
        pytest.skip(reason)
    # Playwright's sync API keeps an event loop running in this thread, and Django refuses ORM calls from a
    # thread with a running loop. The test's own ORM calls here are synchronous and safe: allow them, for
    # this module only.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"]
            )
            yield chromium
            chromium.close()


@dataclass
class Tab:
    """One person's browser tab at one language and width, recording everything that went wrong on it."""

    page: object
    base: str
    test: str
    language: str
    width: int
    problems: list[str] = field(default_factory=list)

    def watch(self) -> None:
        page = self.page
        page.on("console", lambda msg: msg.type == "error" and self.problems.append(f"console: {msg.text}"))
        page.on("pageerror", lambda error: self.problems.append(f"JavaScript error: {error}"))
        page.on("response", self._response)
        page.on("requestfailed", self._failed)
        page.route("**/*", self._only_the_portal)

    def _response(self, response: object) -> None:
        if response.status >= 400:
            self.problems.append(f"{response.status} for {response.url}")

    def _failed(self, request: object) -> None:
        failure = request.failure or ""
        if "ERR_ABORTED" not in failure:  # a navigation that replaced a page still loading: not a failure
            self.problems.append(f"request failed: {request.url} ({failure})")

    def _only_the_portal(self, route: object) -> None:
        address = route.request.url
        if urlsplit(address).netloc == urlsplit(self.base).netloc or address.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.problems.append(f"loaded from outside the portal: {address}")
            route.abort()

    def go(self, path: str) -> None:
        self.page.goto(self.base + path)

    def path(self) -> str:
        return urlsplit(self.page.url).path

    def screenshot(self, shot: Path) -> None:
        """Save the page's picture. Chromium on a loaded machine now and then answers a capture with "Unable to
        capture screenshot" (a compositor that missed its frame): that is the machine, not the page; once more.
        A long page (ReDoc's whole API) took over the default 15 s to capture on a machine at load 6: 60 s."""
        from playwright.sync_api import Error as PlaywrightError  # installed whenever a Tab exists

        for attempt in (1, 2):
            try:
                self.page.screenshot(path=str(shot), full_page=True, animations="disabled", timeout=SCREENSHOT_TIMEOUT)
                return
            except PlaywrightError as error:
                if attempt == 2 or "Unable to capture screenshot" not in str(error):
                    raise
                self.page.wait_for_timeout(500)

    def check(self, step: str, *, codes_allowed: bool = False) -> None:
        """Hold the page as it is now to the rules, and save its screenshot.

        `codes_allowed`: the API's documentation, whose field names and enum values are codes by nature.
        """
        page = self.page
        page.wait_for_load_state("load")
        SCREENSHOTS.joinpath(self.test).mkdir(parents=True, exist_ok=True)
        shot = SCREENSHOTS / self.test / f"{step}-{self.language}-{self.width}.png"
        self.screenshot(shot)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            self.problems.append(f"{step}: the page is {overflow}px wider than the window ({shot.name})")
        if self.width < 576:
            # A table that only scrolls sideways on a phone is unreadable: lists stack into cards there.
            tables = page.evaluate(TABLES_WIDER_THAN_THEIR_BOX)
            if tables:
                self.problems.append(f"{step}: tables scroll sideways on a phone: {tables} ({shot.name})")
        text = "" if codes_allowed else page.locator("body").inner_text()
        for pattern in RAW_CODES:
            for hit in pattern.finditer(text):
                around = text[max(hit.start() - 40, 0) : hit.end() + 40].replace("\n", " ")
                self.problems.append(f"{step}: raw code {hit.group()!r} in “{around}”")
        assert not self.problems, f"{step} at {self.language} {self.width}px:\n" + "\n".join(self.problems)

    # --- Moving about as a person does ------------------------------------------------------------------

    def nav(self, path: str) -> None:
        """Follow the navigation bar's link to `path`, opening the menu first where it is collapsed."""
        toggler = self.page.locator(".navbar-toggler")
        link = self.page.locator(f'header a[href="{path}"]').first
        if toggler.is_visible() and not link.is_visible():
            toggler.click()
        if not link.is_visible():  # a link inside a dropdown
            link.locator("xpath=ancestor::li[contains(@class, 'dropdown')]/*[@data-bs-toggle='dropdown']").click()
        with self.page.expect_navigation(wait_until="load"):
            link.click()

    def click(self, selector: str) -> None:
        """Click a link or a form's button and wait for the page it leads to.

        Waiting for the navigation itself, not for the current page's load state: on a loaded machine the
        click's request may not have started when a load-state wait returns, and the test would read the
        database before the server had done the work.
        """
        with self.page.expect_navigation(wait_until="load", timeout=NAVIGATION_TIMEOUT):
            self.page.locator(selector).first.click()

    def toggle(self, selector: str) -> None:
        """Click a button that opens a part of the page (a collapsed form) and wait until it is shown."""
        button = self.page.locator(selector).first
        target = button.get_attribute("data-bs-target")
        button.click()
        # Shown, and done growing: a click on a button inside a part still sliding open (Bootstrap's
        # `.collapsing`) can land on the part's edge and send nothing.
        self.page.locator(f"{target}.show:not(.collapsing)").wait_for(state="visible")

    def choose_first(self, select: str) -> None:
        """Pick the first real choice of a <select> (past an empty "---------")."""
        values = self.page.locator(f"{select} option").evaluate_all("options => options.map(o => o.value)")
        self.page.select_option(select, next(value for value in values if value))

    def sign_in(self, login_path: str, username: str, password: str) -> None:
        self.go(login_path)
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        self.click("main form button[type=submit]")


@pytest.fixture
def open_tab(browser, live_server, request) -> Iterator[object]:
    """open_tab(language, width) → a Tab in a fresh browser context (its own cookies: one person)."""
    contexts = []
    test = request.node.originalname.removeprefix("test_")

    def open_(language: str, width: int) -> Tab:
        context = browser.new_context(
            viewport={"width": width, "height": 900 if width > 600 else 844},
            locale="zh-CN" if language.startswith("zh") else "en-US",
            device_scale_factor=1,
        )
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
        context.set_default_timeout(15_000)
        contexts.append(context)
        tab = Tab(context.new_page(), live_server.url, test, language, width)
        tab.watch()
        return tab

    yield open_
    for context in contexts:
        context.close()
