"""The sign-in in real Chromium (Debian's, never a downloaded one), with axe on every page.

The product answers on 127.0.0.1 and the broker on localhost, on one live server whose port is
chosen before it starts, so that the settings (and the CSP ``form-action`` built from them) name
both addresses exactly as in development. Playwright runs in a thread of its own: the browser tests
in ``tests/e2e`` keep a session-wide Playwright (and its event loop) in the main thread.
"""

import os
import shutil
import socket
import unittest
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import override_settings

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests import factories
from tests.e2e.conftest import AXE_SCRIPT, CHROMIUM_ARGS, AccessibilityChecked

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


PORT = _free_port()
SP = f"http://127.0.0.1:{PORT}"
BROKER = f"http://localhost:{PORT}"
CHROMIUM = os.environ.get("STAP_CHROMIUM") or shutil.which("chromium")


class Visit:
    """One browser context; axe runs on every page it is asked to check."""

    def __init__(self, browser: Browser, *, javascript: bool = True) -> None:
        context = browser.new_context(locale="nl-NL", java_script_enabled=javascript)
        context.add_init_script(path=str(AXE_SCRIPT))
        self.page = context.new_page()
        self.page.set_default_timeout(15_000)
        self.axe = AccessibilityChecked(self.page)

    def check(self) -> None:
        self.axe.check()

    def unchecked(self) -> list[str]:
        # The page that posts the AuthnRequest leaves at once when scripts run; it is checked
        # in the test without JavaScript.
        return [url for url in self.axe.unchecked() if not url.endswith("/login/")]


@unittest.skipIf(
    CHROMIUM is None and not os.environ.get("STAP_REQUIRE_BROWSER"),
    "Debian's chromium is not installed",
)
@override_settings(STAP_BASE_URL=SP, STAP_TESTBROKER_BASE_URL=BROKER)
class BrowserSignInTests(StaticLiveServerTestCase):
    host = "127.0.0.1"
    port = PORT

    def setUp(self) -> None:
        factories.organisation(kvk_number="90000001", name="Leerhuis Noord")

    def in_browser(self, journey: Callable[[Browser], None]) -> None:
        def run() -> None:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
                )
                try:
                    journey(browser)
                finally:
                    browser.close()

        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(run).result(timeout=180)

    def test_with_javascript_the_request_goes_to_the_broker_by_itself(self) -> None:
        def journey(browser: Browser) -> None:
            visit = Visit(browser)
            page = visit.page
            page.goto(f"{SP}/opleidersportaal/")
            visit.check()
            page.get_by_role("button", name="Inloggen met eHerkenning").click()
            page.wait_for_url(f"{BROKER}/testbroker/inloggen/**")
            visit.check()

            page.get_by_role("button", name="Inloggen", exact=True).click()
            visit.check()
            expect(page.get_by_role("alert").first).to_contain_text("Niet alle gegevens")
            expect(page.get_by_text("Vul het KvK-nummer in.")).to_be_visible()

            page.get_by_role(
                "button", name="Leerhuis Noord (duizenden aanvragen) (90000001, EH3)"
            ).click()
            page.wait_for_url(f"{SP}/opleidersportaal/toegekende-aanvragen/")
            visit.check()
            assert visit.unchecked() == [], visit.unchecked()

        self.in_browser(journey)

    def test_without_javascript_a_visible_button_continues_to_eherkenning(self) -> None:
        def journey(browser: Browser) -> None:
            page = Visit(browser, javascript=False).page
            page.goto(f"{SP}/opleidersportaal/")
            page.get_by_role("button", name="Inloggen met eHerkenning").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Doorgaan naar eHerkenning")
            self.check_elsewhere(browser, page)

            page.get_by_role("button", name="Doorgaan naar eHerkenning").click()
            page.wait_for_url(f"{BROKER}/testbroker/inloggen/**")
            page.get_by_label("KvK-nummer").fill("90000001")
            page.get_by_label("Naam organisatie").fill("Leerhuis Noord B.V.")
            page.get_by_label("STAP Opleidersportaal").check()
            page.get_by_role("button", name="Inloggen", exact=True).click()
            page.wait_for_url(f"{SP}/opleidersportaal/toegekende-aanvragen/")

        self.in_browser(journey)

    def check_elsewhere(self, browser: Browser, seen: Page) -> None:
        """axe needs JavaScript: check a page seen without it in a second, scripted page."""
        visit = Visit(browser)
        visit.page.route("**/auto-submit.js", lambda route: route.abort())
        visit.page.goto(f"{SP}/opleidersportaal/")
        visit.page.set_content(seen.content())
        visit.check()

    def test_a_refused_sign_in_shows_an_accessible_page_with_a_way_back(self) -> None:
        def journey(browser: Browser) -> None:
            visit = Visit(browser)
            page = visit.page
            page.goto(f"{SP}/opleidersportaal/")
            visit.check()
            page.get_by_role("button", name="Inloggen met eHerkenning").click()
            page.wait_for_url(f"{BROKER}/testbroker/inloggen/**")
            visit.check()

            page.get_by_role(
                "button", name="Leerhuis Noord met EH2+ (te laag) (90000001, EH2+)"
            ).click()
            page.wait_for_url(f"{SP}/eherkenning/acs/**")
            visit.check()
            expect(page.get_by_role("heading", level=1)).to_have_text(
                "Uw eHerkenningsniveau is te laag"
            )
            page.get_by_role("link", name="Terug naar de startpagina").click()
            visit.check()
            expect(page.get_by_role("button", name="Inloggen met eHerkenning")).to_be_visible()
            assert visit.unchecked() == [], visit.unchecked()

        self.in_browser(journey)
