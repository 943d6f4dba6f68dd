"""Registering scholingsaanbod in Mijn DUO zakelijk in real Chromium, axe on every page."""

import re
from pathlib import Path

from django.urls import reverse

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from stap.demo.personas import ZUIDERLICHT
from stap.identity.models import DuoRole
from stap.identity.roles import role_assign
from stap.register.models import Offer
from stap.register.services import provider_register
from tests import factories
from tests.e2e.conftest import AccessibilityChecked
from tests.e2e.test_provider_portal import persona_button

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXAMPLES = Path(__file__).resolve().parents[2] / "docs/formats/examples"


def test_a_registrar_registers_a_training_with_an_offer_and_a_start_moment(
    live_server: LiveServer, page: Page, axe: AccessibilityChecked
) -> None:
    organisation = factories.organisation(kvk_number=ZUIDERLICHT.kvk_number, name="Zuiderlicht")
    page.goto(live_server.url + reverse("duo:start"))
    axe.check()
    with page.expect_navigation(url=re.compile(r"/testbroker/inloggen/")):
        page.get_by_role("button", name="Inloggen met eHerkenning").click()
    axe.check()
    with page.expect_navigation(url=re.compile(r"/mijn-duo-zakelijk/start/")):
        page.get_by_role("button", name=persona_button(ZUIDERLICHT)).click()
    axe.check()
    user = organisation.users.get()
    role_assign(
        actor=factories.ACTOR,
        user=user,
        organisation=organisation,
        role=DuoRole.REGISTREREN,
        because="test",
    )

    page.goto(live_server.url + reverse("duo:register"))
    axe.check()
    with page.expect_navigation():
        page.get_by_role("link", name="Onderwijsaanbieder registreren").click()
    axe.check()
    page.get_by_label("Naam van de onderwijsaanbieder").fill("Zuiderlicht Trainingen")
    page.get_by_label("E-mailadres voor STAP").fill("stap@zuiderlicht.example")
    with page.expect_navigation():
        page.get_by_role("button", name="Opslaan").click()
    axe.check()
    expect(page.locator("#opleider-id")).to_have_text(re.compile(r"^[0-9]{3}[A-Z][0-9]{3}$"))

    with page.expect_navigation():
        page.get_by_role("link", name="Opleiding registreren").click()
    axe.check()
    page.get_by_label("Naam (lang)").fill("Tuinontwerp voor beginners")
    page.get_by_label("Korte naam").fill("Tuinontwerp")
    page.get_by_label("Categorie").select_option("HOBBY_EN_VRIJE_TIJD")
    with page.expect_navigation():
        page.get_by_role("button", name="Opleiding registreren").click()
    axe.check()
    expect(page.locator("#opleidingscode")).to_have_text(re.compile(r"^[0-9]{4}O[0-9]{4}$"))

    with page.expect_navigation():
        page.get_by_role("link", name="Aanbod toevoegen").click()
    axe.check()
    page.get_by_label("Straatnaam").fill("Vrijthof")
    page.get_by_label("Huisnummer").fill("1")
    page.get_by_label("Postcode").fill("6211le")
    page.get_by_label("Plaats").fill("Maastricht")
    with page.expect_navigation():
        page.get_by_role("button", name="Aanbod registreren").click()
    axe.check()
    offer = Offer.objects.get()
    expect(page.locator("#scholings-id")).to_have_text(str(offer.scholings_id))

    with page.expect_navigation():
        page.get_by_role("link", name="Startmoment toevoegen").click()
    axe.check()
    page.get_by_label("Cohortcode").fill("2027-voorjaar")
    page.get_by_label("Begin aanmeldperiode").fill("2026-11-01")
    page.get_by_label("Startdatum").fill("2027-03-01")
    page.get_by_label("Einddatum").fill("2027-05-31")
    page.get_by_label("Totale verplichte kosten (incl. btw)").fill("1.250,00")
    page.get_by_label("STAP-subsidiabel bedrag (incl. btw)").fill("1.300,00")
    with page.expect_navigation():
        page.get_by_role("button", name="Startmoment toevoegen").click()
    axe.check()
    expect(page.get_by_text("hoger dan de totale verplichte kosten")).to_be_visible()
    expect(page.get_by_label("Cohortcode")).to_have_value("2027-voorjaar")

    page.get_by_label("STAP-subsidiabel bedrag (incl. btw)").fill("1.000,00")
    with page.expect_navigation():
        page.get_by_role("button", name="Startmoment toevoegen").click()
    axe.check()
    row = page.get_by_role("row", name=re.compile("2027-voorjaar"))
    expect(row).to_contain_text("€ 1.250,00")
    expect(row).to_contain_text("€ 1.000,00")


def test_a_feed_with_one_bad_record_is_sent_and_its_verwerkingsverslag_read(
    live_server: LiveServer, page: Page, axe: AccessibilityChecked
) -> None:
    organisation = factories.organisation(kvk_number=ZUIDERLICHT.kvk_number, name="Zuiderlicht")
    provider_register(actor=factories.ACTOR, organisation=organisation, name="Zuiderlicht")
    page.goto(live_server.url + reverse("duo:start"))
    axe.check()
    with page.expect_navigation(url=re.compile(r"/testbroker/inloggen/")):
        page.get_by_role("button", name="Inloggen met eHerkenning").click()
    axe.check()
    with page.expect_navigation(url=re.compile(r"/mijn-duo-zakelijk/start/")):
        page.get_by_role("button", name=persona_button(ZUIDERLICHT)).click()
    axe.check()
    role_assign(
        actor=factories.ACTOR,
        user=organisation.users.get(),
        organisation=organisation,
        role=DuoRole.REGISTREREN,
        because="test",
    )

    page.goto(live_server.url + reverse("duo:register_feed"))
    axe.check()
    page.get_by_label("XML-bestand met scholingsaanbod").set_input_files(
        str(EXAMPLES / "scholingsaanbod-met-fouten.xml")
    )
    with page.expect_navigation(url=re.compile(r"/scholingsaanbod/feed/[0-9]+/")):
        page.get_by_role("button", name="Aanleveren").click()
    axe.check()
    expect(page.locator("#status")).to_have_text("verwerkt")
    expect(page.get_by_role("row", name=re.compile("OPL-FOUT-NAAM")).first).to_contain_text("FOUT")
    expect(page.get_by_role("row", name=re.compile("OPL-GOED-03")).first).to_contain_text("INFO")

    with page.expect_navigation():
        page.get_by_role("link", name="Alleen fouten tonen").click()
    axe.check()
    expect(page.get_by_role("cell", name="INFO", exact=True)).to_have_count(0)
