"""The run page of a feed follows its run in real Chromium: with JavaScript it shows the progress
and then the report by itself; without, its link reloads the page. axe on every page."""

import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

from django.core.handlers.wsgi import WSGIHandler
from django.test import Client
from django.urls import reverse

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from stap.bulk import processing, services
from stap.bulk.models import BulkRun
from stap.bulk.processing import bulk_run_process
from stap.identity.models import DuoRole
from stap.register.services import provider_register
from tests import factories
from tests.e2e.conftest import AccessibilityChecked, new_context
from tests.signin import sign_in_provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXAMPLES = Path(__file__).resolve().parents[2] / "docs/formats/examples"
KVK_NUMBER = "90000091"
DONE_TEXT = "De verwerking is klaar. Het verslag wordt geladen."


@pytest.fixture
def registrar() -> None:
    organisation = factories.organisation(kvk_number=KVK_NUMBER, name="Voortgang BV")
    provider_register(actor=factories.ACTOR, organisation=organisation, name="Voortgang BV")
    factories.eherkenning_user(
        organisation=organisation, pseudonym="ps-voortgang", roles=(DuoRole.REGISTREREN,)
    )


def sign_in(context: BrowserContext, live_server: LiveServer) -> None:
    """Signed in to Mijn DUO zakelijk by cookie: the sign-in itself is tested elsewhere."""
    client = Client()
    sign_in_provider(client, kvk_number=KVK_NUMBER, pseudonym="ps-voortgang", service="mijn_duo")
    cookie = client.cookies["sessionid"].value
    context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])


def send_feed_for_the_worker(page: Page, axe: AccessibilityChecked, live_server: LiveServer) -> int:
    """Sends a feed of ten items and leaves it queued (a small feed is otherwise processed at
    once), on the run page."""
    page.goto(live_server.url + reverse("duo:register_feed"))
    axe.check()
    page.get_by_label("XML-bestand met scholingsaanbod").set_input_files(
        str(EXAMPLES / "scholingsaanbod-met-fouten.xml")
    )
    with (
        mock.patch.object(services, "INLINE_MAX_ITEMS", 0),
        page.expect_navigation(url=re.compile(r"/scholingsaanbod/feed/[0-9]+/$")),
    ):
        page.get_by_role("button", name="Aanleveren").click()
    return BulkRun.objects.get().pk


@pytest.fixture
def one_at_a_time() -> Iterator[threading.RLock]:
    """The live server and this test share one SQLite connection (an in-memory database): while
    the test processes the run, requests of the polling page wait for this lock."""
    lock = threading.RLock()
    serve = WSGIHandler.__call__

    def serve_in_turn(handler: WSGIHandler, environ: Any, start_response: Any) -> Any:
        with lock:
            return serve(handler, environ, start_response)

    with mock.patch.object(WSGIHandler, "__call__", serve_in_turn):
        yield lock


def watch_halfway(
    lock: threading.RLock, look: Callable[[], None]
) -> Callable[[processing._Recorder], None]:
    """A ``flush`` that, once half of the items are stored, lets the page poll and looks at it."""
    flush = processing._Recorder.flush

    def flush_and_look(recorder: processing._Recorder) -> None:
        flush(recorder)
        if recorder.run.processed == recorder.run.total // 2:
            lock.release()
            try:
                look()
            finally:
                lock.acquire()

    return flush_and_look


def test_with_javascript_the_page_shows_the_progress_and_then_the_report_by_itself(
    live_server: LiveServer,
    context: BrowserContext,
    page: Page,
    axe: AccessibilityChecked,
    registrar: None,
    one_at_a_time: threading.RLock,
) -> None:
    sign_in(context, live_server)
    run_id = send_feed_for_the_worker(page, axe, live_server)
    run_url = page.url
    progress = page.get_by_role("progressbar", name="Voortgang van de verwerking")
    announced = page.locator("#voortgang-tekst")
    expect(page.locator("#status")).to_have_text("in de wachtrij")
    expect(progress).to_have_attribute("value", "0")
    expect(announced).to_have_attribute("role", "status")
    expect(announced).to_have_text("0 van 10 verwerkt")
    expect(page.get_by_role("link", name="Pagina vernieuwen")).to_be_visible()
    axe.check()

    def halfway() -> None:
        expect(progress).to_have_attribute("value", "50")
        expect(announced).to_have_text("5 van 10 verwerkt")
        expect(page.locator("#verwerkt")).to_have_text("5 van 10 onderdelen")
        expect(page.locator("#status")).to_have_text("wordt verwerkt")
        expect(page.locator("body")).to_be_focused()  # the updates take no focus
        axe.check()

    with (
        mock.patch.object(processing._Recorder, "flush", watch_halfway(one_at_a_time, halfway)),
        one_at_a_time,
    ):
        bulk_run_process(run_id=run_id, flush_every=1)
    with page.expect_navigation(url=run_url, timeout=15_000):
        expect(announced).to_have_text(DONE_TEXT, timeout=15_000)

    axe.check()
    expect(page.locator("#status")).to_have_text("verwerkt")
    expect(page.locator("#verwerkt")).to_have_text("10 van 10 onderdelen")
    expect(page.get_by_role("progressbar")).to_have_count(0)
    expect(page.get_by_role("row", name=re.compile("OPL-FOUT-NAAM")).first).to_contain_text("FOUT")
    expect(page.get_by_role("row", name=re.compile("OPL-GOED-03")).first).to_contain_text("INFO")


def test_without_javascript_the_link_reloads_the_page_to_the_report(
    live_server: LiveServer, browser: Browser, context: BrowserContext, registrar: None
) -> None:
    scriptless = new_context(browser, javascript=False)
    page = scriptless.new_page()
    page.set_default_timeout(10_000)
    axe = AccessibilityChecked(page)
    sign_in(scriptless, live_server)
    page.goto(live_server.url + reverse("duo:register_feed"))
    axe.check_without_javascript(context)
    page.get_by_label("XML-bestand met scholingsaanbod").set_input_files(
        str(EXAMPLES / "scholingsaanbod-met-fouten.xml")
    )
    with (
        mock.patch.object(services, "INLINE_MAX_ITEMS", 0),
        page.expect_navigation(url=re.compile(r"/scholingsaanbod/feed/[0-9]+/$")),
    ):
        page.get_by_role("button", name="Aanleveren").click()
    axe.check_without_javascript(context)
    expect(page.get_by_role("progressbar", name="Voortgang van de verwerking")).to_be_visible()
    expect(page.locator("#voortgang-tekst")).to_have_text("0 van 10 verwerkt")

    bulk_run_process(run_id=BulkRun.objects.get().pk)
    with page.expect_navigation():
        page.get_by_role("link", name="Pagina vernieuwen").click()

    axe.check_without_javascript(context)
    expect(page.locator("#status")).to_have_text("verwerkt")
    expect(page.get_by_role("row", name=re.compile("OPL-FOUT-NAAM")).first).to_contain_text("FOUT")
    assert not axe.unchecked(), axe.unchecked()
    scriptless.close()
