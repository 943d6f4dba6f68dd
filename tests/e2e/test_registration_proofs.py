"""Aanmeldingsbewijzen in real Chromium: a provider issues one, downloads the PDF, anyone checks
its code on the public page (also without JavaScript), the provider revokes it, and the check says
so. Every page is checked with axe."""

import datetime as dt
import io
import re
from decimal import Decimal

from django.core.cache import cache
from django.urls import reverse

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pypdf import PdfReader
from pytest_django.live_server_helper import LiveServer

from stap.core import clock
from stap.demo.personas import LEERHUIS
from stap.register.models import Cohort
from stap.register.services import cohort_add, offer_register, recognition_record
from stap.register.values import RecognitionKind
from tests import factories
from tests.e2e.conftest import AccessibilityChecked, new_context
from tests.e2e.test_provider_portal import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = re.compile(r"Controlecode ([2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4})")


@pytest.fixture
def excel() -> Cohort:
    """Leerhuis Noord, recognised, with one open startmoment two months from today."""
    cache.clear()  # no rate-limit counts left over from another test
    organisation = factories.organisation(kvk_number=LEERHUIS.kvk_number, name="Leerhuis Noord")
    training = factories.training(organisation=organisation, name="Cursus Excel")
    recognition_record(
        actor=factories.ACTOR,
        provider=training.provider,
        kind=RecognitionKind.NRTO,
        valid_from=clock.today() - dt.timedelta(days=30),
    )
    start = clock.today() + dt.timedelta(days=60)
    return cohort_add(
        actor=factories.ACTOR,
        offer=offer_register(actor=factories.ACTOR, training=training),
        code="EXC-1",
        start_date=start,
        end_date=start + dt.timedelta(days=120),
        total_price=Decimal("1200.00"),
        subsidisable_amount=Decimal("900.00"),
    )


def fill_in_the_student(page: Page, cohort: Cohort) -> None:
    page.get_by_label("Studentnummer").fill("S2026001")
    page.get_by_label("Voornaam").fill("Anna")
    page.get_by_label("Tussenvoegsel (niet verplicht)").fill("de")
    page.get_by_label("Achternaam").fill("Vries")
    page.get_by_label("Geboortedatum").fill("1990-05-17")
    page.get_by_label("Straatnaam").fill("Hoofdstraat")
    page.get_by_label("Huisnummer", exact=True).fill("12")
    page.get_by_label("Postcode").fill("1234 AB")
    page.get_by_label("Woonplaats").fill("Utrecht")
    page.get_by_label("Opleiding en startmoment").select_option(
        label=f"Cursus Excel — EXC-1 ({cohort.start_date:%d-%m-%Y})"
    )
    page.get_by_label("Startdatum").fill(cohort.start_date.isoformat())
    page.get_by_label("Subsidiebedrag in euro’s (incl. btw)").fill("900,00")


def check_code(page: Page, axe: AccessibilityChecked, live_server: LiveServer, code: str) -> None:
    page.goto(live_server.url + reverse("public:proof_check"))
    axe.check()
    page.get_by_label("Controlecode").fill(code.lower().replace("-", " "))
    with page.expect_navigation(url=re.compile(r"/aanmeldingsbewijs-controleren/\?code=")):
        page.get_by_role("button", name="Controleren").click()
    axe.check()


def test_a_bewijs_is_issued_downloaded_checked_revoked_and_checked_again(
    live_server: LiveServer,
    browser: Browser,
    context: BrowserContext,
    page: Page,
    axe: AccessibilityChecked,
    excel: Cohort,
) -> None:
    sign_in(page, axe, live_server, LEERHUIS)
    with page.expect_navigation(url=re.compile(r"/aanmeldingsbewijzen/$")):
        page.get_by_role("link", name="Aanmeldingsbewijzen").click()
    axe.check()
    expect(page.get_by_role("heading", name="Nog geen aanmeldingsbewijzen")).to_be_visible()

    with page.expect_navigation(url=re.compile(r"/aanmeldingsbewijzen/nieuw/$")):
        page.get_by_role("link", name="Aanmeldingsbewijs maken").click()
    axe.check()
    fill_in_the_student(page, excel)
    page.get_by_label("Postcode").fill("12345")
    with page.expect_navigation():
        page.get_by_role("button", name="Aanmeldingsbewijs maken").click()
    axe.check()
    expect(page.get_by_text("De postcode ‘12345’ is geen Nederlandse postcode.")).to_be_visible()
    expect(page.get_by_label("Postcode")).to_have_attribute("aria-invalid", "true")

    page.get_by_label("Postcode").fill("1234 AB")
    with page.expect_navigation(url=re.compile(r"/aanmeldingsbewijzen/\d+/$")):
        page.get_by_role("button", name="Aanmeldingsbewijs maken").click()
    axe.check()
    expect(page.get_by_text("Het aanmeldingsbewijs is gemaakt.")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="PDF downloaden").click()
    path = download.value.path()
    assert download.value.suggested_filename.endswith(".pdf")
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = " ".join(reader.pages[0].extract_text().split())
    assert text.startswith("STAP-aanmeldingsbewijs")
    assert "Dit STAP-aanmeldingsbewijs heeft u nodig" in text
    match = CODE.search(text)
    assert match is not None, text
    code = match[1]
    expect(page.get_by_text(code)).to_be_visible()

    checker = context.new_page()
    checker_axe = AccessibilityChecked(checker)
    check_code(checker, checker_axe, live_server, code)
    expect(
        checker.get_by_role("heading", name=f"Code {code}: het aanmeldingsbewijs is geldig")
    ).to_be_visible()
    expect(checker.get_by_text("Cursus Excel")).to_be_visible()
    expect(checker.get_by_text("Anna")).to_have_count(0)

    scriptless = new_context(browser, javascript=False)
    plain = scriptless.new_page()
    plain_axe = AccessibilityChecked(plain)
    plain.goto(live_server.url + reverse("public:proof_check") + f"?code={code}")
    plain_axe.check_without_javascript(context)
    expect(
        plain.get_by_role("heading", name=f"Code {code}: het aanmeldingsbewijs is geldig")
    ).to_be_visible()

    with page.expect_navigation(url=re.compile(r"/intrekken/$")):
        page.get_by_role("link", name="Intrekken").click()
    axe.check()
    page.get_by_label("Reden van intrekken").fill("De student heeft zich afgemeld.")
    with page.expect_navigation(url=re.compile(r"/aanmeldingsbewijzen/\d+/$")):
        page.get_by_role("button", name="Aanmeldingsbewijs intrekken").click()
    axe.check()
    expect(page.get_by_text("Het aanmeldingsbewijs is ingetrokken.")).to_be_visible()
    expect(page.get_by_role("link", name="PDF downloaden")).to_have_count(0)

    check_code(checker, checker_axe, live_server, code)
    expect(
        checker.get_by_role("heading", name=f"Code {code}: het aanmeldingsbewijs is ingetrokken")
    ).to_be_visible()
    expect(checker.get_by_text("Vraag de opleider")).to_be_visible()

    plain.goto(live_server.url + reverse("public:proof_check") + f"?code={code}")
    plain_axe.check_without_javascript(context)
    expect(plain.get_by_text("het aanmeldingsbewijs is ingetrokken")).to_be_visible()
    scriptless.close()
    assert not checker_axe.unchecked()
    assert not plain_axe.unchecked()
