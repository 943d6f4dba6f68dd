"""UWV's budget screens in real Chromium, by keyboard, with axe on every page: a new period,
its postponement, the grant cap, and a person in the stand-in population register."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from stap.budget.models import ApplicationPeriod
from stap.identity.models import Resident, StaffRole
from tests.budget.bsns import bsns
from tests.e2e.conftest import AccessibilityChecked
from tests.e2e.test_mijn_duo import sign_in_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_uwv_staff_set_up_a_period_postpone_it_set_the_cap_and_record_a_person(
    live_server: LiveServer, page: Page, axe: AccessibilityChecked
) -> None:
    sign_in_staff(page, axe, live_server, "uwv.budget", role=StaffRole.UWV)
    with page.expect_navigation():
        page.get_by_role("link", name="Aanvraagtijdvakken").click()
    axe.check()
    with page.expect_navigation():
        page.get_by_role("link", name="Nieuw aanvraagtijdvak").press("Enter")
    axe.check()
    page.get_by_label("Naam").fill("Maart 2031")
    page.get_by_label("Opent op").fill("2031-03-17")
    expect(page.get_by_label("Opent om")).to_have_value("10:00")
    page.get_by_label("Sluit op").fill("2031-03-31")
    page.get_by_label("Budget (euro)").fill("34.000.000")
    page.get_by_label("Waarvan gereserveerd voor aanvragen via UWV (euro)").fill("500.000")
    page.get_by_label("Wat na het sluiten over is, gaat naar het volgende tijdvak").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Tijdvak aanmaken").press("Enter")
    axe.check()
    expect(page.get_by_role("status")).to_contain_text("Maart 2031")
    expect(page.get_by_role("heading", level=1)).to_have_text("Maart 2031")

    page.get_by_label("Opent op").fill("2031-03-20")
    page.get_by_label("Sluit op").fill("2031-04-03")
    page.get_by_label("Reden van het uitstel").fill("Storing bij de opening.")
    with page.expect_navigation():
        page.get_by_role("button", name="Tijdvak uitstellen").press("Enter")
    axe.check()
    expect(page.get_by_role("status")).to_contain_text("uitgesteld")
    assert ApplicationPeriod.objects.get().original_opens_at is not None

    with page.expect_navigation():
        page.get_by_role("link", name="Verleningsgrens").click()
    axe.check()
    page.get_by_label("Kalenderjaar").fill("2031")
    page.get_by_label("Hoogstens zoveel toekenningen per opleiding (scholings-ID)").fill("300")
    with page.expect_navigation():
        page.get_by_role("button", name="Grens vastleggen").press("Enter")
    axe.check()
    expect(page.get_by_role("table")).to_contain_text("2031")

    bsn = next(bsns(80_000_000))
    with page.expect_navigation():
        page.get_by_role("link", name="BRP (oefenversie)").click()
    axe.check()
    page.get_by_label("BSN").fill(bsn)
    with page.expect_navigation():
        page.get_by_role("button", name="Opzoeken").press("Enter")
    axe.check()
    page.get_by_label("Voornamen").fill("Fatima")
    page.get_by_label("Geslachtsnaam").fill("El Amrani")
    page.get_by_label("Geboortedatum").fill("1988-04-02")
    with page.expect_navigation():
        page.get_by_role("button", name="Opslaan").press("Enter")
    axe.check()
    expect(page.get_by_role("status")).to_contain_text(bsn[-3:])
    assert bsn not in page.url
    assert Resident.objects.get(bsn=bsn).last_name == "El Amrani"

    with page.expect_navigation():
        page.get_by_role("link", name="Studiefinanciering (oefenversie)").click()
    axe.check()
