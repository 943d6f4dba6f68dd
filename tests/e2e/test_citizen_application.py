"""A citizen applies in real Chromium, with axe on every page: she takes a place in the waiting
room before the opening, is admitted after the draw, confirms her provider's vooraanmelding and
is granted at once; the provider then sees the grant in "Toegekende aanvragen". Another, who
receives student finance and was not pre-registered, is rejected with the reason."""

import datetime as dt
import re
from decimal import Decimal

from django.urls import reverse

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from stap.budget.models import Application, ApplicationPeriod, StudentFinanceKind
from stap.budget.services import application_period_create, student_finance_record
from stap.budget.waiting_room import state
from stap.budget.waiting_room.queue import draw
from stap.core import clock
from stap.core.audit import Actor
from stap.core.models import ActorKind, Channel
from stap.demo.loader import (
    CONTINUOUS_INTAKE_CODE,
    PROVIDERS,
    SANNE_STUDENTNUMMER,
    demo_scholings_id,
    load_citizens,
    register_provider,
)
from stap.demo.personas import FATIMA, LEERHUIS, SANNE
from stap.enrolments.models import RegistrationProof
from stap.enrolments.proofs.codes import shown
from stap.enrolments.proofs.services import proof_issue
from stap.identity.models import Organisation
from tests import factories
from tests.e2e.conftest import AccessibilityChecked
from tests.e2e.test_digid_sign_in import sign_in_as
from tests.e2e.test_provider_portal import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citizen_waits_is_admitted_applies_and_the_provider_sees_the_grant(
    live_server: LiveServer, page: Page, axe: AccessibilityChecked
) -> None:
    register_provider(PROVIDERS[0])
    load_citizens(lambda _line: None)
    code = shown(RegistrationProof.objects.get(studentnummer=SANNE_STUDENTNUMMER).code)
    opens = clock.now() + dt.timedelta(minutes=2)
    period = application_period_create(
        actor=factories.ACTOR,
        name="Opening",
        opens_at=opens,
        closes_at=opens + dt.timedelta(days=14),
        budget=Decimal("100000.00"),
    )

    sign_in_as(SANNE, page, axe, live_server)
    with page.expect_navigation():
        page.get_by_role("link", name="Naar de wachtkamer").click()
    axe.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Plaats nemen in de wachtkamer").press("Enter")
    axe.check()
    expect(page.locator("#plaats")).to_contain_text("geloot")

    # The opening: the task scheduled for it draws the places.
    ApplicationPeriod.objects.filter(pk=period.pk).update(opens_at=clock.now())
    draw(period_id=period.pk)
    state.forget()
    with page.expect_navigation():
        page.get_by_role("link", name="Nu verversen").click()
    axe.check()
    expect(page.locator("#plaats")).to_have_text("1")
    expect(page.get_by_role("status")).to_contain_text("U bent aan de beurt.")

    with page.expect_navigation():
        page.get_by_role("link", name="Naar het aanvraagformulier").click()
    axe.check()
    page.get_by_label("Studentnummer").fill(SANNE_STUDENTNUMMER)
    page.get_by_label("Controlecode van het aanmeldingsbewijs").fill(code)
    with page.expect_navigation():
        page.get_by_role("button", name="Verder").press("Enter")
    axe.check()
    expect(page.get_by_text("Uw opleider heeft u vooraangemeld")).to_be_visible()
    expect(page.get_by_text("Sanne Visser")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Bevestigen en indienen").press("Enter")
    axe.check()
    expect(page.locator("#status")).to_have_text("voorlopig toegekend")
    aanvraagnummer = Application.objects.get().aanvraagnummer or "-"
    expect(page.locator("#aanvraagnummer")).to_have_text(aanvraagnummer)
    assert SANNE.bsn not in page.url

    with page.expect_navigation():
        page.get_by_role("button", name="Uitloggen").click()
    axe.check()
    sign_in(page, axe, live_server, LEERHUIS)
    expect(page).to_have_url(re.compile(r"/opleidersportaal/"))
    expect(page.get_by_role("main")).to_contain_text(aanvraagnummer)


def test_a_citizen_receiving_student_finance_is_rejected_with_the_reason(
    live_server: LiveServer, page: Page, axe: AccessibilityChecked
) -> None:
    register_provider(PROVIDERS[0])
    load_citizens(lambda _line: None)
    organisation = Organisation.objects.get(kvk_number=LEERHUIS.kvk_number)
    provider = Actor(
        kind=ActorKind.PERSON,
        identifier="ps-leerhuis",
        channel=Channel.PORTAL,
        organisation_kvk=LEERHUIS.kvk_number,
    )
    training = PROVIDERS[0].trainings[0]
    proof = proof_issue(
        actor=provider,
        organisation=organisation,
        text={
            "studentnummer": "FATIMA1",
            "voornaam": "Fatima",
            "achternaam": "El Amrani",
            "geboortedatum": "1985-01-28",
            "woonplaats": "Groningen",
            "straatnaam": "Stationsweg",
            "huisnummer": "1",
            "postcode": "9711 AB",
            "scholings_id": str(demo_scholings_id(LEERHUIS.kvk_number, training.name)),
            "cohortcode": CONTINUOUS_INTAKE_CODE,
            "startdatum": (clock.today() + dt.timedelta(weeks=8)).isoformat(),
            "subsidiebedrag": str(training.subsidisable),
        },
    ).proof
    student_finance_record(
        actor=factories.ACTOR,
        bsn=FATIMA.bsn,
        kind=StudentFinanceKind.STUDENT_FINANCE,
        starts_on=clock.today() - dt.timedelta(days=90),
    )
    period = application_period_create(
        actor=factories.ACTOR,
        name="Open",
        opens_at=clock.now() - dt.timedelta(minutes=1),
        closes_at=clock.now() + dt.timedelta(days=14),
        budget=Decimal("100000.00"),
    )
    draw(period_id=period.pk)

    sign_in_as(FATIMA, page, axe, live_server)
    page.goto(live_server.url + reverse("citizen:waiting_room"))
    axe.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Plaats nemen in de wachtkamer").click()
    axe.check()
    with page.expect_navigation():
        page.get_by_role("link", name="Naar het aanvraagformulier").click()
    axe.check()
    page.get_by_label("Studentnummer").fill("FATIMA1")
    page.get_by_label("Controlecode van het aanmeldingsbewijs").fill(shown(proof.code))
    with page.expect_navigation():
        page.get_by_role("button", name="Verder").click()
    axe.check()
    expect(page.get_by_text("Uw opleider heeft u niet vooraangemeld")).to_be_visible()
    expect(page.get_by_label("Bedrag (euro)")).to_have_value("1000,00")
    with page.expect_navigation():
        page.get_by_role("button", name="Bevestigen en indienen").click()
    axe.check()
    expect(page.locator("#status")).to_have_text("afgewezen")
    expect(page.locator("#reden")).to_contain_text("U ontvangt studiefinanciering")
