"""The Scholingsregister screens of the backoffice in real Chromium, with axe on every page: DUO
staff exclude a training, see its offer become ineligible, and lift the exclusion again; a
recognising body recognises a provider, whose offer can then be found."""

import datetime as dt
import re

from django.urls import reverse

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from stap.core import clock
from stap.core.models import AuditEntry
from stap.identity.models import StaffRole
from stap.register.models import Exclusion
from stap.register.services import recogniser_appoint, recognition_record
from stap.register.values import RecognitionKind
from tests import factories
from tests.e2e.conftest import AccessibilityChecked
from tests.e2e.test_mijn_duo import sign_in_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_duo_staff_exclude_a_training_and_lift_the_exclusion_again(
    live_server: LiveServer, page: Page, axe: AccessibilityChecked
) -> None:
    organisation = factories.organisation(kvk_number="90000091", name="Leerhuis Zuid")
    training = factories.training(organisation=organisation, name="Cursus Excel")
    cohort = factories.cohort(training=training, start_date=clock.today() + dt.timedelta(days=60))
    recognition_record(
        actor=factories.ACTOR,
        provider=training.provider,
        kind=RecognitionKind.NRTO,
        valid_from=clock.today() - dt.timedelta(days=365),
    )
    scholings_id = str(cohort.offer.scholings_id)

    sign_in_staff(page, axe, live_server, "duo.register")
    with page.expect_navigation():
        page.get_by_role("link", name="Scholingsregister").click()
    axe.check()
    page.get_by_label("Zoek op naam, opleider-id of KvK-nummer").fill("Leerhuis")
    with page.expect_navigation():
        page.get_by_label("Zoek op naam, opleider-id of KvK-nummer").press("Enter")
    axe.check()
    with page.expect_navigation():
        page.get_by_role("link", name="Leerhuis Zuid").click()
    axe.check()

    section = page.get_by_role("region", name="Cursus Excel")
    offer = section.get_by_role("row", name=re.compile(scholings_id))
    expect(offer).to_contain_text("Kan worden gekozen voor het STAP-budget.")
    exclude = section.get_by_role("form", name="Cursus Excel uitsluiten")
    exclude.get_by_label("Reden van de uitsluiting").fill("De lessen worden niet gegeven.")
    expect(exclude.get_by_label("Uitgesloten vanaf")).to_have_value(clock.today().isoformat())
    with page.expect_navigation():
        exclude.get_by_role("button", name="Opleiding uitsluiten").press("Enter")
    axe.check()
    expect(page.get_by_role("status")).to_contain_text("De opleiding Cursus Excel is uitgesloten")
    expect(section.locator(f"#uitgesloten-{training.code}")).to_contain_text("ja, sinds")
    expect(offer).to_contain_text("Kan niet worden gekozen: de opleiding is uitgesloten.")
    assert AuditEntry.objects.filter(action="register.excluded", actor_id="duo.register").exists()

    lift = section.get_by_role("form", name="Uitsluiting van Cursus Excel opheffen")
    with page.expect_navigation():
        lift.get_by_role("button", name="Uitsluiting opheffen").click()
    axe.check()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(lift.get_by_label("Reden van het opheffen")).to_have_attribute("aria-invalid", "true")
    lift.get_by_label("Reden van het opheffen").fill("De lessen worden weer gegeven.")
    with page.expect_navigation():
        lift.get_by_role("button", name="Uitsluiting opheffen").click()
    axe.check()
    expect(page.get_by_role("status")).to_contain_text("is opgeheven")
    expect(section.locator(f"#uitgesloten-{training.code}")).to_have_text("nee")
    expect(offer).to_contain_text("Kan worden gekozen voor het STAP-budget.")
    assert Exclusion.objects.get().lift_reason == "De lessen worden weer gegeven."


def test_a_recognising_body_recognises_a_provider_whose_offer_then_appears_in_the_register(
    live_server: LiveServer, page: Page, axe: AccessibilityChecked
) -> None:
    organisation = factories.organisation(kvk_number="90000092", name="Leerhuis West")
    training = factories.training(organisation=organisation, name="Cursus Imkeren")
    factories.cohort(training=training, start_date=clock.today() + dt.timedelta(days=60))
    search = f"{live_server.url}{reverse('public:register')}?q=imkeren"
    page.goto(search)
    axe.check()
    expect(page.get_by_role("link", name="Cursus Imkeren")).to_have_count(0)

    sign_in_staff(
        page,
        axe,
        live_server,
        "cedeo.anna",
        role=StaffRole.RECOGNISER,
        before=lambda user: recogniser_appoint(
            actor=factories.ACTOR, user=user, kind=RecognitionKind.CEDEO
        ),
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Scholingsregister")
    expect(page.get_by_role("link", name="Aanvragen")).to_have_count(0)
    page.get_by_role("link", name="Leerhuis West").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    axe.check()
    expect(page.locator("#erkend")).to_contain_text("nee")
    expect(page.get_by_role("heading", name="Uitsluitingen")).to_have_count(0)

    record = page.get_by_role("form", name="Erkenning vastleggen")
    expect(record.get_by_label("Soort erkenning")).to_have_count(0)
    record.get_by_label("Geldig vanaf").fill(clock.today().isoformat())
    with page.expect_navigation():
        record.get_by_role("button", name="Erkenning vastleggen").press("Enter")
    axe.check()
    expect(page.get_by_role("status")).to_contain_text("De erkenning (Cedeo-erkenning)")
    expect(page.locator("#erkend")).to_have_text("ja")
    assert AuditEntry.objects.filter(
        action="register.recognition_recorded", actor_id="cedeo.anna"
    ).exists()

    page.goto(search)
    axe.check()
    expect(page.get_by_role("link", name="Cursus Imkeren")).to_be_visible()
