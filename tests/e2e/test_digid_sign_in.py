"""Citizens in real Chromium: Mijn STAP-budget, DigiD through the test broker, and leaving.

Every page is checked with axe; the sign-in also runs without JavaScript and by keyboard only.
"""

import re

from django.urls import reverse

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from stap.demo.personas import HENK_BASIS, SANNE, Citizen
from stap.identity.models import Resident
from tests.e2e.conftest import AccessibilityChecked, new_context
from tests.identity.digid_flow import in_population_register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOME = re.compile(r"/mijn-stap-budget/overzicht/(#.*)?$")
PERSONA_PAGE = re.compile(r"/testbroker/digid/inloggen/")


@pytest.fixture
def sanne() -> Resident:
    return in_population_register(SANNE.bsn, "Sanne", "Visser")


def persona_button(citizen: Citizen) -> str:
    return f"{citizen.label} ({citizen.bsn}, {citizen.level})"


def to_digid(page: Page, axe: AccessibilityChecked, live_server: LiveServer) -> None:
    page.goto(live_server.url + reverse("citizen:start"))
    axe.check()
    with page.expect_navigation(url=PERSONA_PAGE):
        page.get_by_role("button", name="Inloggen met DigiD").click()
    axe.check()


def sign_in_as(
    citizen: Citizen, page: Page, axe: AccessibilityChecked, live_server: LiveServer
) -> None:
    to_digid(page, axe, live_server)
    with page.expect_navigation(url=HOME):
        page.get_by_role("button", name=persona_button(citizen)).click()
    axe.check()


def test_a_citizen_signs_in_with_digid_and_out_again_by_keyboard_only(
    live_server: LiveServer, page: Page, axe: AccessibilityChecked, sanne: Resident
) -> None:
    page.goto(live_server.url + reverse("citizen:start"))
    axe.check()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # skip link
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Inloggen met DigiD")).to_be_focused()
    with page.expect_navigation(url=PERSONA_PAGE):
        page.keyboard.press("Enter")
    axe.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen met DigiD (test)")

    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # skip link on the broker page
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name=persona_button(SANNE))).to_be_focused()
    with page.expect_navigation(url=HOME):
        page.keyboard.press("Enter")
    axe.check()
    expect(page.get_by_text("U bent ingelogd als Sanne Visser.")).to_be_visible()
    expect(page.get_by_text("••••••019")).to_be_visible()
    expect(page.get_by_text(SANNE.bsn)).to_have_count(0)

    sign_out = page.get_by_role("button", name="Uitloggen")
    sign_out.focus()
    with page.expect_navigation(url=re.compile(r"/mijn-stap-budget/uitloggen/$")):
        page.keyboard.press("Enter")
    axe.check()
    expect(page.get_by_text("U bent uitgelogd van Mijn STAP-budget.")).to_be_visible()
    page.goto(live_server.url + reverse("citizen:home"))
    axe.check()
    expect(page.get_by_role("button", name="Inloggen met DigiD")).to_be_visible()


def test_digid_basis_is_refused_on_an_accessible_page_with_a_way_back(
    live_server: LiveServer, page: Page, axe: AccessibilityChecked
) -> None:
    to_digid(page, axe, live_server)

    with page.expect_navigation(url=re.compile(r"/digid/acs/")):
        page.get_by_role("button", name=persona_button(HENK_BASIS)).click()
    axe.check()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "U moet inloggen met de DigiD app of met sms-controle"
    )

    with page.expect_navigation():
        page.get_by_role("link", name="Terug naar de startpagina").click()
    axe.check()
    expect(page.get_by_role("button", name="Inloggen met DigiD")).to_be_visible()


def test_the_broker_explains_a_bsn_that_is_not_nine_digits(
    live_server: LiveServer, page: Page, axe: AccessibilityChecked
) -> None:
    to_digid(page, axe, live_server)

    page.get_by_label("Burgerservicenummer (BSN)").fill("12345")
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen", exact=True).click()
    axe.check()

    expect(page.get_by_role("alert").first).to_contain_text("Niet alle gegevens")
    expect(page.get_by_text("Een BSN bestaat uit 9 cijfers.")).to_be_visible()


def test_cancelling_at_digid_says_so(
    live_server: LiveServer, page: Page, axe: AccessibilityChecked
) -> None:
    to_digid(page, axe, live_server)

    with page.expect_navigation(url=re.compile(r"/digid/acs/")):
        page.get_by_role("button", name="Annuleren").click()
    axe.check()

    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen is afgebroken")


def test_without_javascript_a_visible_button_continues_to_digid(
    live_server: LiveServer, browser: Browser, context: BrowserContext
) -> None:
    scriptless = new_context(browser, javascript=False)
    page = scriptless.new_page()
    axe = AccessibilityChecked(page)

    page.goto(live_server.url + reverse("citizen:start"))
    axe.check_without_javascript(context)
    page.get_by_role("button", name="Inloggen met DigiD").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Doorgaan naar DigiD")
    axe.check_without_javascript(context)

    page.get_by_role("button", name="Doorgaan naar DigiD").click()
    page.wait_for_url(PERSONA_PAGE)
    axe.check_without_javascript(context)
    page.get_by_label("Burgerservicenummer (BSN)").fill("999990056")
    expect(page.get_by_label("Midden")).to_be_checked()  # the level the portal asked for
    page.get_by_role("button", name="Inloggen", exact=True).click()
    page.wait_for_url(HOME)
    axe.check_without_javascript(context)
    expect(page.get_by_text("niet gevonden in de Basisregistratie Personen (BRP)")).to_be_visible()
    expect(page.get_by_text("••••••056")).to_be_visible()
    assert not axe.unchecked(), axe.unchecked()
    scriptless.close()


def test_the_digid_session_warns_before_it_expires_and_can_be_extended(
    live_server: LiveServer,
    page: Page,
    axe: AccessibilityChecked,
    sanne: Resident,
    settings: Settings,
) -> None:
    settings.SESSION_COOKIE_AGE = 123  # shorter than DigiD's 15 minutes; warned 120 s before
    sign_in_as(SANNE, page, axe, live_server)
    warning = page.get_by_role("alertdialog", name="U wordt bijna uitgelogd")

    expect(warning).to_be_visible(timeout=10_000)
    expect(page.get_by_role("button", name="Ingelogd blijven")).to_be_focused()
    axe.check()
    with page.expect_response(re.compile(r"/mijn-stap-budget/sessie-verlengen/")) as extended:
        page.keyboard.press("Enter")

    assert extended.value.ok
    expect(warning).to_be_hidden()
    expect(page).to_have_url(HOME)


def test_a_signed_in_citizen_can_switch_to_english(
    live_server: LiveServer, page: Page, axe: AccessibilityChecked, sanne: Resident
) -> None:
    sign_in_as(SANNE, page, axe, live_server)

    with page.expect_navigation(url=re.compile(r"/en/mijn-stap-budget/overzicht/$")):
        page.get_by_role("button", name="English").click()
    axe.check()

    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_role("button", name="Nederlands")).to_be_visible()
