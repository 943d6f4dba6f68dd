"""UWV's budget screens in real Chromium, by keyboard, with axe on every page: a new period,
its postponement, the grant cap, a person in the stand-in population register, and an
application made for someone who cannot apply digitally, set aside and then granted."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from stap.budget.models import Application, ApplicationPeriod
from stap.budget.services import application_period_create
from stap.core import clock
from stap.core.audit import Actor
from stap.core.models import ActorKind, Channel
from stap.enrolments.proofs.services import proof_issue
from stap.identity.models import Resident, StaffRole
from tests import factories
from tests.budget.bsns import bsns
from tests.e2e.conftest import AccessibilityChecked
from tests.e2e.test_mijn_duo import sign_in_staff
from tests.enrolments.register_fixture import build_register, good_row

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


def test_uwv_applies_for_someone_and_decides_on_an_application_set_aside(
    live_server: LiveServer, page: Page, axe: AccessibilityChecked
) -> None:
    register = build_register()
    provider = Actor(
        kind=ActorKind.PERSON,
        identifier="ps-opleider",
        channel=Channel.PORTAL,
        organisation_kvk=register.organisation.kvk_number,
    )
    proof = proof_issue(
        actor=provider, organisation=register.organisation, text=good_row(register)
    ).proof
    now = clock.now()
    application_period_create(
        actor=factories.ACTOR,
        name="Nu open",
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=14),
        budget=Decimal("10000.00"),
        reserved_budget=Decimal("2000.00"),
    )
    bsn = next(bsns(81_000_000))  # not in the population register: the application is set aside

    sign_in_staff(page, axe, live_server, "uwv.balie", role=StaffRole.UWV)
    with page.expect_navigation():
        page.get_by_role("link", name="Aanvragen", exact=True).click()
    axe.check()
    with page.expect_navigation():
        page.get_by_role(
            "link", name="Aanvragen voor iemand die niet digitaal kan aanvragen"
        ).click()
    axe.check()
    page.get_by_label("BSN").fill(bsn)
    page.get_by_label("Studentnummer").fill("S2026001")
    page.get_by_label("Controlecode van het aanmeldingsbewijs").fill(proof.code)
    page.get_by_label("Scholings-ID (alleen zonder vooraanmelding)").fill(
        str(register.offer.scholings_id)
    )
    page.get_by_label("Cohortcode").fill(register.cohort.code)
    page.get_by_label("Startdatum").fill("2027-01-11")
    page.get_by_label("Bedrag (euro)").fill("900,00")
    with page.expect_navigation():
        page.get_by_role("button", name="Aanvraag indienen").press("Enter")
    axe.check()
    expect(page.locator("#status")).to_have_text("in behandeling")
    assert bsn not in page.url

    with page.expect_navigation():
        page.get_by_role("button", name="Toekennen").press("Enter")
    axe.check()
    expect(page.locator("#status")).to_have_text("voorlopig toegekend")
    application = Application.objects.get()
    assert application.assisted and application.period.granted_reserved == Decimal("900.00")
