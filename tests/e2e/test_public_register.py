"""The public Scholingsregister in real Chromium, with axe on every page, with and without
JavaScript."""

import datetime as dt
import re

from django.urls import reverse

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from stap.core import clock
from stap.register.models import Offer
from stap.register.services import exclusion_add
from stap.register.values import Category, NlqfLevel
from tests import factories
from tests.e2e.conftest import AccessibilityChecked, new_context
from tests.register.test_search import listed_offer, registered_provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RESULTS = re.compile(r"/scholingsregister/\?")


@pytest.fixture
def excel() -> Offer:
    # The live server runs on the real clock: start moments from today on.
    start = clock.today() + dt.timedelta(days=60)
    leerhuis = registered_provider("Leerhuis Noord")
    listed_offer(leerhuis, "Boekhouden basis", location="", start=start)
    return listed_offer(
        leerhuis,
        "Cursus Excel voor gevorderden",
        description="U werkt met draaitabellen en formules.",
        category=Category.TECHNIEK_EN_ICT,
        level=NlqfLevel.THREE,
        start=start,
    )


def test_a_citizen_finds_an_offer_reads_its_scholings_id_and_loses_it_once_it_is_excluded(
    live_server: LiveServer, page: Page, axe: AccessibilityChecked, excel: Offer
) -> None:
    page.goto(live_server.url + reverse("public:register"))
    axe.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scholingsregister")

    page.get_by_label("Zoekwoorden").fill("excel leerhuis")
    with page.expect_navigation(url=RESULTS):
        page.get_by_role("button", name="Zoeken").click()
    axe.check()
    expect(page.get_by_text("1 opleiding gevonden.")).to_be_visible()

    with page.expect_navigation():
        page.get_by_role("link", name="Cursus Excel voor gevorderden").click()
    axe.check()
    expect(page.get_by_text(str(excel.scholings_id))).to_be_visible()
    expect(page.get_by_text("U kunt deze opleiding nu kiezen voor uw STAP-budget.")).to_be_visible()

    exclusion_add(actor=factories.ACTOR, training=excel.training, reason="Onderzoek loopt.")

    page.go_back()
    page.reload()
    axe.check()
    expect(page.get_by_text("Geen opleidingen gevonden.")).to_be_visible()
    expect(page.get_by_role("link", name="Cursus Excel voor gevorderden")).to_have_count(0)

    page.goto(live_server.url + reverse("public:register_offer", args=[excel.scholings_id]))
    axe.check()
    expect(
        page.get_by_role("heading", name="U kunt deze opleiding nu niet kiezen voor STAP")
    ).to_be_visible()


def test_the_search_with_its_filters_works_without_javascript(
    live_server: LiveServer, browser: Browser, context: BrowserContext, excel: Offer
) -> None:
    scriptless = new_context(browser, javascript=False)
    page = scriptless.new_page()
    axe = AccessibilityChecked(page)
    page.goto(live_server.url + reverse("public:register"))
    axe.check_without_javascript(context)

    page.get_by_label("Categorie").select_option(label="Techniek en ICT")
    page.get_by_label("Vanaf (euro)").fill("500")
    with page.expect_navigation(url=RESULTS):
        page.get_by_role("button", name="Zoeken").click()
    axe.check_without_javascript(context)
    expect(page.get_by_text("1 opleiding gevonden.")).to_be_visible()

    page.get_by_label("Tot en met (euro)").fill("heel veel")
    with page.expect_navigation(url=RESULTS):
        page.get_by_role("button", name="Zoeken").click()
    axe.check_without_javascript(context)
    expect(page.get_by_text("Vul een bedrag in hele euro's of met centen in")).to_be_visible()

    assert not axe.unchecked()
    scriptless.close()
