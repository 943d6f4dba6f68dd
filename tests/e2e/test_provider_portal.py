"""Providers in real Chromium: sign-in through the test broker, the overview, and leaving.

Every page is checked with axe; the sign-in also runs without JavaScript and by keyboard only.
"""

import re

from django.urls import reverse

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from stap.demo.personas import LEERHUIS, UNKNOWN, VAKWERK_BRANCH, Persona
from tests import factories
from tests.e2e.conftest import AccessibilityChecked, new_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERVIEW = re.compile(r"/opleidersportaal/toegekende-aanvragen/(\?.*)?(#.*)?$")


@pytest.fixture
def leerhuis() -> None:
    organisation = factories.organisation(kvk_number=LEERHUIS.kvk_number, name="Leerhuis Noord")
    training = factories.training(organisation=organisation, name="Boekhouden basis")
    cohort = factories.cohort(training=training)
    for number in range(27):
        factories.application(
            cohort=cohort,
            first_name="Anna" if number == 0 else "Bram",
            last_name="Jansen" if number == 0 else f"Bakker{number}",
        )


def persona_button(persona: Persona) -> str:
    return f"{persona.label} ({persona.kvk_number}, {persona.level})"


def to_the_broker(page: Page, axe: AccessibilityChecked, live_server: LiveServer) -> None:
    page.goto(live_server.url + reverse("provider:start"))
    axe.check()
    with page.expect_navigation(url=re.compile(r"/testbroker/inloggen/")):
        page.get_by_role("button", name="Inloggen met eHerkenning").click()
    axe.check()


def sign_in(
    page: Page, axe: AccessibilityChecked, live_server: LiveServer, persona: Persona
) -> None:
    to_the_broker(page, axe, live_server)
    with page.expect_navigation(url=re.compile(r"/(opleidersportaal|eherkenning)/")):
        page.get_by_role("button", name=persona_button(persona)).click()
    axe.check()


def test_a_provider_signs_in_and_works_through_the_overview_by_keyboard_only(
    live_server: LiveServer, page: Page, axe: AccessibilityChecked, leerhuis: None
) -> None:
    page.goto(live_server.url + reverse("provider:start"))
    axe.check()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # skip link
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Inloggen met eHerkenning")).to_be_focused()
    with page.expect_navigation(url=re.compile(r"/testbroker/inloggen/")):
        page.keyboard.press("Enter")
    axe.check()

    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # skip link on the broker page
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name=persona_button(LEERHUIS))).to_be_focused()
    with page.expect_navigation(url=OVERVIEW):
        page.keyboard.press("Enter")
    axe.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Toegekende aanvragen")
    expect(page.get_by_text("27 aanvragen gevonden")).to_be_visible()

    page.get_by_role("searchbox", name="Zoeken").focus()
    page.keyboard.type("anna jansen")
    with page.expect_navigation(url=OVERVIEW):
        page.keyboard.press("Enter")
    axe.check()
    expect(page.get_by_text("1 aanvraag gevonden")).to_be_visible()

    link = page.get_by_role("link", name=re.compile(r"^STAP-\d{4}-\d{7}$"))
    link.focus()
    with page.expect_navigation(url=re.compile(r"/toegekende-aanvragen/STAP-")):
        page.keyboard.press("Enter")
    axe.check()
    expect(page.get_by_text("Anna Jansen")).to_be_visible()

    page.get_by_role("button", name="Uitloggen").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    axe.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("U bent uitgelogd")


def test_the_overview_pages_sorts_and_filters(
    live_server: LiveServer, page: Page, axe: AccessibilityChecked, leerhuis: None
) -> None:
    sign_in(page, axe, live_server, LEERHUIS)

    with page.expect_navigation():
        page.get_by_role("link", name="Volgende pagina").click()
    axe.check()
    expect(page.locator("tbody tr")).to_have_count(2)
    with page.expect_navigation():
        page.get_by_role("link", name="Vorige pagina").click()
    axe.check()
    expect(page.locator("tbody tr")).to_have_count(25)

    with page.expect_navigation():
        page.get_by_role("link", name="Student", exact=True).click()
    axe.check()
    expect(page.get_by_role("columnheader", name="Student", exact=True)).to_have_attribute(
        "aria-sort", "ascending"
    )
    expect(page.locator("tbody tr").first).to_contain_text("Bakker1")

    page.get_by_label("Status").select_option("vastgesteld")
    with page.expect_navigation():
        page.get_by_role("button", name="Zoeken").click()
    axe.check()
    expect(page.get_by_text("Geen aanvragen gevonden")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Deze selectie downloaden (CSV)").click()
    assert download.value.suggested_filename.endswith(".csv")


def test_a_branch_restricted_sign_in_is_read_only(
    live_server: LiveServer, page: Page, axe: AccessibilityChecked
) -> None:
    factories.organisation(kvk_number=VAKWERK_BRANCH.kvk_number, name="Vakwerk Academie")

    sign_in(page, axe, live_server, VAKWERK_BRANCH)

    expect(page.get_by_role("note")).to_contain_text("alleen voor vestiging 000012345678")
    expect(page.get_by_text("Nog geen toegekende aanvragen")).to_be_visible()


def test_an_unknown_organisation_learns_how_to_become_a_stap_provider(
    live_server: LiveServer, page: Page, axe: AccessibilityChecked
) -> None:
    sign_in(page, axe, live_server, UNKNOWN)

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Uw organisatie is nog geen STAP-opleider"
    )


def test_a_refused_sign_in_shows_an_accessible_page_with_a_way_back(
    live_server: LiveServer, page: Page, axe: AccessibilityChecked
) -> None:
    to_the_broker(page, axe, live_server)

    with page.expect_navigation(url=re.compile(r"/eherkenning/acs/")):
        page.get_by_role(
            "button", name="Leerhuis Noord met EH2+ (te laag) (90000001, EH2+)"
        ).click()
    axe.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uw eHerkenningsniveau is te laag")

    with page.expect_navigation():
        page.get_by_role("link", name="Terug naar de startpagina").click()
    axe.check()
    expect(page.get_by_role("button", name="Inloggen met eHerkenning")).to_be_visible()


def test_the_broker_explains_what_is_missing_in_its_form(
    live_server: LiveServer, page: Page, axe: AccessibilityChecked
) -> None:
    to_the_broker(page, axe, live_server)

    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen", exact=True).click()
    axe.check()

    expect(page.get_by_role("alert").first).to_contain_text("Niet alle gegevens")
    expect(page.get_by_text("Vul het KvK-nummer in.")).to_be_visible()


def test_without_javascript_a_visible_button_continues_to_eherkenning(
    live_server: LiveServer, browser: Browser, context: BrowserContext, leerhuis: None
) -> None:
    scriptless = new_context(browser, javascript=False)
    page = scriptless.new_page()
    axe = AccessibilityChecked(page)

    page.goto(live_server.url + reverse("provider:start"))
    axe.check_without_javascript(context)
    page.get_by_role("button", name="Inloggen met eHerkenning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Doorgaan naar eHerkenning")
    axe.check_without_javascript(context)

    page.get_by_role("button", name="Doorgaan naar eHerkenning").click()
    page.wait_for_url(re.compile(r"/testbroker/inloggen/"))
    axe.check_without_javascript(context)
    page.get_by_label("KvK-nummer").fill(LEERHUIS.kvk_number)
    page.get_by_label("Naam organisatie").fill(LEERHUIS.company_name)
    page.get_by_label("STAP Opleidersportaal").check()
    page.get_by_role("button", name="Inloggen", exact=True).click()
    page.wait_for_url(OVERVIEW)
    axe.check_without_javascript(context)
    expect(page.get_by_text("27 aanvragen gevonden")).to_be_visible()
    assert not axe.unchecked(), axe.unchecked()
    scriptless.close()


def test_the_session_warns_before_it_expires_and_can_be_extended(
    live_server: LiveServer,
    page: Page,
    axe: AccessibilityChecked,
    leerhuis: None,
    settings: Settings,
) -> None:
    settings.SESSION_COOKIE_AGE = 123  # the warning comes 120 seconds before the end
    sign_in(page, axe, live_server, LEERHUIS)
    warning = page.get_by_role("alertdialog", name="U wordt bijna uitgelogd")

    expect(warning).to_be_visible(timeout=10_000)
    expect(page.get_by_role("button", name="Ingelogd blijven")).to_be_focused()
    axe.check()
    with page.expect_response(re.compile(r"/sessie-verlengen/")) as extended:
        page.keyboard.press("Enter")

    assert extended.value.ok
    expect(warning).to_be_hidden()
    expect(page).to_have_url(OVERVIEW)
