import re

from django.urls import reverse

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from stap.identity.models import StaffRole
from stap.identity.services import staff_user_create
from tests import factories
from tests.e2e.conftest import AccessibilityChecked
from tests.portals.test_backoffice import current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "een-lang-genoeg-wachtwoord"


def test_staff_sign_in_with_password_and_code_using_only_the_keyboard(
    live_server: LiveServer, page: Page, axe: AccessibilityChecked
) -> None:
    _user, device = staff_user_create(
        actor=factories.ACTOR, username="uwv.anna", role=StaffRole.UWV, password=PASSWORD
    )
    organisation = factories.organisation(name="Leerhuis Noord")
    factories.application(
        cohort=factories.cohort(training=factories.training(organisation=organisation)),
        last_name="Jansen",
    )

    page.goto(live_server.url + reverse("backoffice:login"))
    axe.check()
    page.keyboard.press("Tab")  # skip link
    expect(page.get_by_role("link", name="Direct naar de inhoud")).to_be_focused()
    page.keyboard.press("Enter")  # to the main content
    page.keyboard.press("Tab")
    expect(page.get_by_label("Gebruikersnaam")).to_be_focused()
    page.keyboard.type("uwv.anna")
    page.keyboard.press("Tab")
    page.keyboard.type("fout-wachtwoord")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Code uit uw authenticator-app")).to_be_focused()
    page.keyboard.type(current_code(device))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    axe.check()
    expect(page.get_by_role("alert")).to_contain_text("klopt niet")

    page.get_by_label("Gebruikersnaam").fill("uwv.anna")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_label("Code uit uw authenticator-app").fill(current_code(device))
    page.get_by_label("Code uit uw authenticator-app").press("Enter")
    page.wait_for_url(re.compile(r"/backoffice/(#.*)?$"))
    axe.check()

    page.get_by_role("link", name="Organisaties").first.press("Enter")
    page.wait_for_url(re.compile(r"/organisaties/(#.*)?$"))
    axe.check()
    expect(page.get_by_role("cell", name="Leerhuis Noord")).to_be_visible()

    page.get_by_role("link", name="Aanvragen").first.press("Enter")
    page.wait_for_url(re.compile(r"/aanvragen/(#.*)?$"))
    axe.check()
    expect(page.get_by_role("cell", name="Jansen", exact=False)).to_be_visible()

    page.get_by_role("button", name="Uitloggen").press("Enter")
    page.wait_for_url(re.compile(r"/inloggen/(#.*)?$"))
    axe.check()
