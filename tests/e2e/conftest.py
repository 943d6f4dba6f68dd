"""Browser tests: Playwright driving Debian's Chromium, with axe-core on every page visited.

No browser is downloaded: the tests use /usr/bin/chromium (``STAP_CHROMIUM`` overrides it). When
it is missing the tests skip, except where ``STAP_REQUIRE_BROWSER`` is set (CI), where they fail.
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from stap.conf.settings import BASE_DIR

# Playwright's sync API runs an event loop in the test thread; Django's ORM then refuses to run
# there unless told that this (test-only) situation is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE_SCRIPT = Path(BASE_DIR) / "node_modules/axe-core/axe.min.js"
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
        self.checked.add(self.page.url.split("#")[0])

    def unchecked(self) -> list[str]:
        return [url for url in self.visited if url not in self.checked and url != "about:blank"]


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(locale="nl-NL", java_script_enabled=True)
    context.add_init_script(path=str(AXE_SCRIPT))
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
