"""Browser tests: Playwright driving Debian's Chromium, with axe-core on every page visited.

No browser is downloaded: the tests use /usr/bin/chromium (``STAP_CHROMIUM`` overrides it). When
it is missing the tests skip, except where ``STAP_REQUIRE_BROWSER`` is set (CI), where they fail.
"""

import os
import re
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.test.utils import override_settings

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from pytest_django.live_server_helper import LiveServer

from stap.conf.settings import BASE_DIR

# Playwright's sync API runs an event loop in the test thread; Django's ORM then refuses to run
# there unless told that this (test-only) situation is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE_SCRIPT = Path(BASE_DIR) / "node_modules/axe-core/axe.min.js"
# The page that posts the AuthnRequest to the broker leaves by itself when scripts run; the
# sign-in test without JavaScript checks it.
SELF_SUBMITTING = re.compile(r"/(eherkenning/[^/]+|digid)/login/$")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_path() -> str | None:
    return os.environ.get("STAP_CHROMIUM") or shutil.which("chromium")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    """The product on 127.0.0.1 and the test broker on localhost, one server, as in development.

    The settings name both addresses before the server starts, because the SAML messages and the
    Content-Security-Policy (built once per server) must name them exactly.
    """
    port = _free_port()
    addresses = override_settings(
        STAP_BASE_URL=f"http://127.0.0.1:{port}",
        STAP_TESTBROKER_BASE_URL=f"http://localhost:{port}",
    )
    addresses.enable()
    server = LiveServer(f"127.0.0.1:{port}")
    yield server
    server.stop()
    addresses.disable()


@pytest.fixture
def broker_url(live_server: LiveServer) -> str:
    return live_server.url.replace("127.0.0.1", "localhost")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = _chromium_path()
    if executable is None:
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("STAP_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class AccessibilityChecked:
    """Runs axe after every navigation and fails the test for any page that was not checked."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.visited: list[str] = []
        self.checked: set[str] = set()
        page.on("framenavigated", self._navigated)

    def _navigated(self, frame: Any) -> None:
        if frame == self.page.main_frame:
            self.visited.append(frame.url.split("#")[0])

    def check(self) -> None:
        self.page.wait_for_load_state("load")
        self._run_axe()
        self.checked.add(self.page.url.split("#")[0])

    def check_without_javascript(self, context: BrowserContext) -> None:
        """axe needs JavaScript: check what a script-less page shows in a second, scripted page."""
        content = self.page.content()
        probe = context.new_page()
        probe.route("**/*.js", lambda route: route.abort())
        origin = "{0.scheme}://{0.netloc}/".format(urlsplit(self.page.url))
        probe.goto(origin)  # so that the page's relative stylesheet links resolve
        probe.set_content(content)
        AccessibilityChecked(probe)._run_axe()
        probe.close()
        self.checked.add(self.page.url.split("#")[0])

    def _run_axe(self) -> None:
        result = self.page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
            WCAG_TAGS,
        )
        violations = [
            f"{violation['id']} ({violation['impact']}): {violation['help']} — "
            + "; ".join(node["target"][0] for node in violation["nodes"][:3])
            for violation in result["violations"]
        ]
        assert not violations, f"axe found problems on {self.page.url}:\n" + "\n".join(violations)

    def unchecked(self) -> list[str]:
        return [
            url
            for url in self.visited
            if url not in self.checked and url != "about:blank" and not SELF_SUBMITTING.search(url)
        ]


def new_context(browser: Browser, *, javascript: bool = True) -> BrowserContext:
    context = browser.new_context(locale="nl-NL", java_script_enabled=javascript)
    context.add_init_script(path=str(AXE_SCRIPT))
    return context


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = new_context(browser)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def axe(page: Page) -> Iterator[AccessibilityChecked]:
    checker = AccessibilityChecked(page)
    yield checker
    assert not checker.unchecked(), f"pages visited without an axe check: {checker.unchecked()}"
