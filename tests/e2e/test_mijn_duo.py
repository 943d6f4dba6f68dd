"""Mijn DUO zakelijk in real Chromium: the token generator, DUO's switch notice, linking to
eHerkenning, and a Toegang Mijn DUO request that DUO approves and the beheerder then builds on.

Every page is checked with axe; the token sign-in is done with the keyboard only.
"""

import datetime as dt
import re
from collections.abc import Callable

from django.urls import reverse

import pyotp
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from stap.core import clock
from stap.core.audit import Actor
from stap.core.models import ActorKind, Channel
from stap.demo.personas import LEERHUIS, ZUIDERLICHT
from stap.identity.access_requests import access_request_check
from stap.identity.models import (
    AccessRequest,
    DuoRole,
    Organisation,
    StaffRole,
    SwitchNotice,
    User,
)
from stap.identity.roles import roles_of
from stap.identity.services import staff_user_create
from stap.identity.token_accounts import switch_notice_send
from tests import factories
from tests.e2e.conftest import AccessibilityChecked, new_context
from tests.e2e.test_provider_portal import persona_button
from tests.portals.test_backoffice import current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOME = re.compile(r"/mijn-duo-zakelijk/start/(#.*)?$")
STAFF_PASSWORD = "een-lang-genoeg-wachtwoord"


@pytest.fixture
def leerhuis_token_user() -> None:
    organisation = factories.legacy_organisation(
        kvk_number=LEERHUIS.kvk_number, name="Leerhuis Noord"
    )
    factories.token_user(organisation=organisation, roles=(DuoRole.BEHEERDER, DuoRole.REGISTREREN))


def token_code() -> str:
    return pyotp.TOTP(factories.TOKEN_SECRET).now()


def token_sign_in(page: Page, axe: AccessibilityChecked, live_server: LiveServer) -> str:
    page.goto(live_server.url + reverse("duo:token_sign_in"))
    axe.check()
    code = token_code()
    page.get_by_label("Gebruikersnaam").fill("j.jansen")
    page.get_by_label("Wachtwoord").fill(factories.TOKEN_PASSWORD)
    page.get_by_label("Code uit uw tokengenerator").fill(code)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen", exact=True).click()
    axe.check()
    return code


def test_a_token_user_signs_in_by_keyboard_and_a_reused_code_is_refused(
    live_server: LiveServer, page: Page, axe: AccessibilityChecked, leerhuis_token_user: None
) -> None:
    page.goto(live_server.url + reverse("duo:start"))
    axe.check()
    page.get_by_role("link", name="Inloggen met tokengenerator").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    axe.check()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # skip link
    page.keyboard.press("Tab")
    expect(page.get_by_label("Gebruikersnaam")).to_be_focused()
    page.keyboard.type("j.jansen")
    page.keyboard.press("Tab")
    page.keyboard.type(factories.TOKEN_PASSWORD)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Code uit uw tokengenerator")).to_be_focused()
    code = token_code()
    page.keyboard.type(code)
    with page.expect_navigation(url=HOME):
        page.keyboard.press("Enter")
    axe.check()
    expect(page.get_by_text("Beheerder RIO Algemeen").first).to_be_visible()

    with page.expect_navigation():
        page.get_by_role("button", name="Uitloggen").press("Enter")
    axe.check()
    page.goto(live_server.url + reverse("duo:token_sign_in"))
    axe.check()
    page.get_by_label("Gebruikersnaam").fill("j.jansen")
    page.get_by_label("Wachtwoord").fill(factories.TOKEN_PASSWORD)
    page.get_by_label("Code uit uw tokengenerator").fill(code)
    with page.expect_navigation():
        page.get_by_label("Code uit uw tokengenerator").press("Enter")
    axe.check()
    expect(page.get_by_role("alert")).to_contain_text("Deze code is al gebruikt")
    expect(page.get_by_label("Gebruikersnaam")).to_have_value("j.jansen")


def test_a_new_token_user_sets_up_the_generator_with_the_qr_code(
    live_server: LiveServer, page: Page, axe: AccessibilityChecked, leerhuis_token_user: None
) -> None:
    factories.token_user(
        organisation=Organisation.objects.get(kvk_number=LEERHUIS.kvk_number),
        username="nieuw",
        secret=None,
    )
    page.goto(live_server.url + reverse("duo:enrol_start"))
    axe.check()
    page.get_by_label("Gebruikersnaam").fill("nieuw")
    page.get_by_label("Wachtwoord").fill(factories.TOKEN_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Verder").click()
    axe.check()
    expect(
        page.get_by_role("img", name="QR-code om uw tokengenerator in te stellen")
    ).to_be_visible()
    key = page.locator("#sleutel").inner_text().replace(" ", "")

    page.get_by_label("Code uit uw tokengenerator").fill(pyotp.TOTP(key).now())
    with page.expect_navigation(url=HOME):
        page.get_by_role("button", name="Tokengenerator bevestigen").click()
    axe.check()
    expect(page.get_by_role("status")).to_contain_text("Uw tokengenerator is ingesteld")


def test_the_switch_notice_shows_the_steps_and_after_the_date_token_sign_in_is_refused(
    live_server: LiveServer,
    page: Page,
    axe: AccessibilityChecked,
    browser: Browser,
    leerhuis_token_user: None,
) -> None:
    organisation = Organisation.objects.get(kvk_number=LEERHUIS.kvk_number)
    switch_notice_send(
        actor=factories.ACTOR,
        organisation=organisation,
        switch_date=clock.today() + dt.timedelta(days=14),
    )
    token_sign_in(page, axe, live_server)
    notice = page.locator("#overstapbericht")
    expect(notice).to_contain_text("Stel een coördinator aan")
    expect(notice).to_contain_text("Mijn DUO voor zakelijke gebruikers")
    expect(notice).to_contain_text("EH3 (substantieel)")
    expect(notice.get_by_role("link", name="Koppelen aan eHerkenning")).to_be_visible()

    SwitchNotice.objects.filter(organisation=organisation).update(switch_date=clock.today())
    later = new_context(browser)
    other = later.new_page()
    other_axe = AccessibilityChecked(other)
    token_sign_in(other, other_axe, live_server)
    expect(other.get_by_role("heading", level=1)).to_have_text(
        "Inloggen met tokengenerator kan niet meer"
    )
    expect(other.get_by_text("Stel een coördinator aan")).to_be_visible()
    other_axe.check_without_javascript(later)
    assert not other_axe.unchecked()
    later.close()


def test_a_token_user_links_their_account_to_eherkenning_and_keeps_their_roles(
    live_server: LiveServer, page: Page, axe: AccessibilityChecked, leerhuis_token_user: None
) -> None:
    token_sign_in(page, axe, live_server)
    with page.expect_navigation():
        page.get_by_role("link", name="Uw account alvast koppelen aan eHerkenning").click()
    axe.check()
    with page.expect_navigation(url=re.compile(r"/testbroker/inloggen/")):
        page.get_by_role("button", name="Inloggen met eHerkenning en koppelen").click()
    axe.check()
    with page.expect_navigation(url=re.compile(r"/koppelen-aan-eherkenning/resultaat/")):
        page.get_by_role("button", name=persona_button(LEERHUIS)).click()
    axe.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gekoppeld aan eHerkenning")
    expect(page.get_by_text("Beheerder RIO Algemeen")).to_be_visible()

    with page.expect_navigation():
        page.get_by_role("link", name="Autorisatiebeheer").first.click()
    axe.check()
    row = page.get_by_role("row", name=re.compile("J Jansen"))
    expect(row).to_contain_text("eHerkenning")
    expect(row).not_to_contain_text("tokengenerator")


def sign_in_staff(
    page: Page,
    axe: AccessibilityChecked,
    live_server: LiveServer,
    username: str,
    *,
    role: StaffRole = StaffRole.DUO,
    before: Callable[[User], object] = lambda _user: None,
) -> None:
    """Through the backoffice sign-in page; ``before`` prepares the new account first."""
    staff, device = staff_user_create(
        actor=factories.ACTOR, username=username, role=role, password=STAFF_PASSWORD
    )
    before(staff)
    page.goto(live_server.url + reverse("backoffice:login"))
    axe.check()
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(STAFF_PASSWORD)
    page.get_by_label("Code uit uw authenticator-app").fill(current_code(device))
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()
    axe.check()


def test_a_role_request_is_approved_by_duo_and_the_beheerder_then_assigns_a_role(
    live_server: LiveServer, page: Page, axe: AccessibilityChecked, browser: Browser
) -> None:
    organisation = factories.organisation(kvk_number=ZUIDERLICHT.kvk_number, name="Zuiderlicht")
    colleague = factories.eherkenning_user(organisation=organisation, pseudonym="ps-collega")

    page.goto(live_server.url + reverse("duo:start"))
    axe.check()
    with page.expect_navigation(url=re.compile(r"/testbroker/inloggen/")):
        page.get_by_role("button", name="Inloggen met eHerkenning").click()
    axe.check()
    with page.expect_navigation(url=HOME):
        page.get_by_role("button", name=persona_button(ZUIDERLICHT)).click()
    axe.check()
    expect(page.get_by_role("heading", name="U heeft nog geen rollen")).to_be_visible()

    with page.expect_navigation():
        page.get_by_role("link", name="Toegang Mijn DUO aanvragen").first.click()
    axe.check()
    page.get_by_role("checkbox", name="Beheerder RIO Algemeen").first.check()
    page.get_by_label("Naam contactpersoon").fill("Fatima el Amrani")
    page.get_by_label("E-mailadres contactpersoon").fill("fatima@example.nl")
    page.get_by_label("Telefoonnummer contactpersoon").fill("050 599 7738")
    page.get_by_label("Naam coördinator").fill("Fatima el Amrani")
    page.get_by_label("E-mailadres coördinator").fill("fatima@example.nl")
    page.get_by_label("Naam tekenbevoegde").fill("Gijs Postma")
    page.get_by_label("Functie tekenbevoegde").fill("Directeur")
    with page.expect_navigation(url=HOME):
        page.get_by_role("button", name="Aanvraag indienen").click()
    axe.check()
    request = AccessRequest.objects.get()
    expect(page.get_by_role("status")).to_contain_text(request.reference)

    first = staff_user_create(
        actor=factories.ACTOR, username="duo.eerste", role=StaffRole.DUO, password=STAFF_PASSWORD
    )[0]
    access_request_check(
        actor=Actor(kind=ActorKind.STAFF, identifier=first.username, channel=Channel.BACKOFFICE),
        request=request,
        note="Handelsregister: Gijs Postma is directeur en alleen bevoegd.",
    )
    duo = new_context(browser)
    staff_page = duo.new_page()
    staff_axe = AccessibilityChecked(staff_page)
    sign_in_staff(staff_page, staff_axe, live_server, "duo.tweede")
    with staff_page.expect_navigation():
        staff_page.get_by_role("link", name="Toegang Mijn DUO").first.click()
    staff_axe.check()
    with staff_page.expect_navigation():
        staff_page.get_by_role("link", name=request.reference).click()
    staff_axe.check()
    with staff_page.expect_navigation():
        staff_page.get_by_role("button", name="Goedkeuren").click()
    staff_axe.check()
    expect(staff_page.get_by_text("goedgekeurd").first).to_be_visible()
    assert not staff_axe.unchecked()
    duo.close()

    page.reload()
    axe.check()
    with page.expect_navigation():
        page.get_by_role("link", name="Autorisatiebeheer").first.click()
    axe.check()
    with page.expect_navigation():
        page.get_by_role("link", name="Rollen van Persoon ps-collega wijzigen").click()
    axe.check()
    page.get_by_role("checkbox", name="Registreren scholingsaanbod").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Rollen opslaan").click()
    axe.check()
    expect(page.get_by_role("status")).to_contain_text("opgeslagen")
    assert roles_of(user=colleague, organisation=organisation) == {DuoRole.REGISTREREN}


def test_the_public_toegang_mijn_duo_form_works_without_javascript(
    live_server: LiveServer, browser: Browser, context: BrowserContext
) -> None:
    scriptless = new_context(browser, javascript=False)
    plain = scriptless.new_page()
    plain_axe = AccessibilityChecked(plain)
    plain.goto(live_server.url + reverse("duo:access_form"))
    plain_axe.check_without_javascript(context)
    plain.get_by_label("KvK-nummer van uw organisatie").fill("90000077")
    plain.get_by_label("Naam van uw organisatie").fill("Nieuwe Kennis B.V.")
    plain.get_by_label("Naam contactpersoon").fill("Anouk")
    plain.get_by_label("E-mailadres contactpersoon").fill("anouk@example.nl")
    plain.get_by_label("Telefoonnummer contactpersoon").fill("0505997738")
    plain.get_by_label("Naam coördinator").fill("Anouk")
    plain.get_by_label("E-mailadres coördinator").fill("anouk@example.nl")
    plain.get_by_label("Naam tekenbevoegde").fill("Bram")
    plain.get_by_label("Functie tekenbevoegde").fill("Bestuurder")
    plain.locator("#id_persoon-0-name").fill("Anouk")
    plain.locator("#id_persoon-0-email").fill("anouk@example.nl")
    plain.locator("#id_persoon-0-roles_0").check()
    with plain.expect_navigation():
        plain.get_by_role("button", name="Formulier maken").click()
    plain_axe.check_without_javascript(context)
    expect(plain.get_by_role("link", name="Download het formulier (PDF)")).to_be_visible()
    with plain.expect_navigation():
        plain.get_by_role("link", name="Upload het ondertekende formulier").click()
    plain_axe.check_without_javascript(context)
    assert not plain_axe.unchecked()
    scriptless.close()
