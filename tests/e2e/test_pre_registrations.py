"""Vooraanmeldingen in real Chromium, with axe on every page: a provider uploads a file with good
and bad rows, reads what is wrong, commits the good rows (the page follows the work by itself),
fixes the rejected row in the portal by keyboard, and downloads the report."""

import re
from pathlib import Path

from django.conf import settings

import pytest
from playwright.sync_api import BrowserContext, FilePayload, Page, expect
from pytest_django.live_server_helper import LiveServer

from stap.demo.loader import PROVIDERS, register_provider
from stap.demo.personas import LEERHUIS
from stap.enrolments.models import PreRegistration, PreRegistrationUpload
from stap.enrolments.services import upload_commit
from tests.e2e.conftest import AccessibilityChecked
from tests.e2e.test_provider_portal import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXAMPLE = Path(settings.BASE_DIR) / "docs" / "formats" / "examples" / "vooraanmeldingen.csv"


@pytest.fixture
def leerhuis_register() -> None:
    """Leerhuis Noord's offers as in the demo, which the example files are written for."""
    register_provider(next(spec for spec in PROVIDERS if spec.persona == LEERHUIS))


def a_file_with_one_bad_row() -> bytes:
    good = EXAMPLE.read_bytes()
    bad = good.splitlines()[1].replace(b"S2026001", b"S2026009").replace(b"9711 AB", b"97 AB")
    return good + bad + b"\r\n"


def test_a_provider_uploads_commits_fixes_a_row_and_downloads_the_report(
    live_server: LiveServer,
    page: Page,
    axe: AccessibilityChecked,
    context: BrowserContext,
    leerhuis_register: None,
) -> None:
    sign_in(page, axe, live_server, LEERHUIS)
    with page.expect_navigation():
        page.get_by_role("link", name="Vooraanmeldingen").click()
    axe.check()
    expect(page.get_by_text("reserveert geen budget")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="Een bestand met vooraanmeldingen aanleveren").click()
    axe.check()

    page.get_by_label("Bestand met vooraanmeldingen (CSV of XML)").set_input_files(
        files=FilePayload(
            name="studenten.csv", mimeType="text/csv", buffer=a_file_with_one_bad_row()
        )
    )
    with page.expect_navigation(url=re.compile(r"/bestanden/[0-9]+/$")):
        page.get_by_role("button", name="Bestand controleren").click()
    axe.check()
    expect(page.locator("#aantal-gelezen")).to_have_text("4")
    expect(page.locator("#aantal-afgekeurd")).to_have_text("1")
    bad_row = page.get_by_role("row", name=re.compile("S2026009"))
    expect(bad_row).to_contain_text("De postcode ‘97 AB’ is geen Nederlandse postcode.")
    expect(bad_row).to_contain_text("VA-013")
    axe.check_without_javascript(context)

    with page.expect_navigation():
        page.get_by_role("button", name="Goedgekeurde regels verwerken").click()
    axe.check()
    expect(page.get_by_role("status").first).to_contain_text("worden verwerkt")
    expect(page.locator("#voortgang-tekst")).to_have_text("0 procent klaar")
    upload = PreRegistrationUpload.objects.get()
    with page.expect_navigation(timeout=15_000):  # the page reloads itself once the work is done
        upload_commit(upload_id=upload.pk)
    axe.check()
    expect(page.locator("#aantal-verwerkt")).to_contain_text("3")
    assert PreRegistration.objects.count() == 3

    page.get_by_role("link", name="Regel 5 herstellen").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    axe.check()
    postcode = page.get_by_label("Postcode")
    expect(postcode).to_have_attribute("aria-invalid", "true")
    postcode.fill("9711 AB")
    with page.expect_navigation():
        postcode.press("Enter")
    axe.check()
    expect(page.get_by_role("status").first).to_contain_text("Regel 5 is hersteld.")
    assert PreRegistration.objects.filter(studentnummer="S2026009").exists()

    with page.expect_download() as download:
        page.get_by_role("link", name="Verslag downloaden (CSV)").click()
    report = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "regel;studentnummer;controle;verwerking;veld;regel_id" in report
    assert "5;S2026009;goed;nieuw" in report
