"""A small register for the vooraanmeldingen tests: one provider's offers in every state a row
can meet, and another provider's offer."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.test import TestCase

import time_machine

from stap.identity.models import Organisation
from stap.register.models import Cohort, Offer
from stap.register.services import (
    cohort_add,
    exclusion_add,
    offer_register,
    recognition_record,
    training_register,
)
from stap.register.values import CohortStatus, RecognitionKind
from tests import factories

TODAY = dt.date(2026, 11, 2)
MOMENT = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Register:
    organisation: Organisation
    offer: Offer
    cohort: Cohort
    flexible: Cohort
    closed: Cohort
    running: Cohort
    multi_year: Offer
    multi_year_cohort: Cohort
    excluded: Offer
    excluded_cohort: Cohort
    foreign: Offer


def _recognised(organisation: Organisation) -> None:
    provider = organisation.providers.get()
    recognition_record(
        actor=factories.ACTOR,
        provider=provider,
        kind=RecognitionKind.NRTO,
        valid_from=dt.date(2026, 1, 1),
    )


def _cohort(
    offer: Offer,
    code: str,
    start: dt.date,
    *,
    end: dt.date | None = None,
    amount: str = "900.00",
    intake_end: dt.date | None = None,
    status: CohortStatus = CohortStatus.OPEN,
) -> Cohort:
    return cohort_add(
        actor=factories.ACTOR,
        offer=offer,
        code=code,
        start_date=start,
        end_date=end or start + dt.timedelta(days=170),
        total_price=Decimal("1200.00"),
        subsidisable_amount=Decimal(amount),
        intake_end=intake_end,
        status=status,
    )


def build_register() -> Register:
    """Built while the clock stands on ``MOMENT``."""
    organisation = factories.organisation(kvk_number="90000501", name="Leerhuis Test")
    training = factories.training(organisation=organisation, name="Cursus Excel")
    provider = training.provider
    _recognised(organisation)
    offer = offer_register(actor=factories.ACTOR, training=training)
    cohort = _cohort(offer, "EXC-2027-01", dt.date(2027, 1, 11), end=dt.date(2027, 6, 30))
    flexible = _cohort(
        offer, "EXC-FLEX", dt.date(2027, 2, 1), intake_end=dt.date(2027, 3, 31), amount="1000.00"
    )
    closed = _cohort(offer, "EXC-VOL", dt.date(2027, 1, 18), status=CohortStatus.CLOSED)
    running = _cohort(offer, "EXC-LOPEND", dt.date(2026, 10, 1), intake_end=dt.date(2026, 12, 31))

    program = training_register(
        actor=factories.ACTOR,
        provider=provider,
        name="Associate degree Zorg",
        short_name="Ad Zorg",
        is_multi_year=True,
    )
    multi_year = offer_register(actor=factories.ACTOR, training=program)
    multi_year_cohort = _cohort(
        multi_year, "AD-2025", dt.date(2025, 9, 1), end=dt.date(2027, 8, 31)
    )

    dropped = training_register(
        actor=factories.ACTOR, provider=provider, name="Cursus Fraude", short_name="Fraude"
    )
    excluded = offer_register(actor=factories.ACTOR, training=dropped)
    excluded_cohort = _cohort(excluded, "FR-1", dt.date(2027, 1, 11))
    exclusion_add(actor=factories.ACTOR, training=dropped, reason="Niet gegeven.")

    other = factories.organisation(kvk_number="90000502", name="Ander Instituut")
    other_training = factories.training(organisation=other, name="Cursus Word")
    _recognised(other)
    foreign = offer_register(actor=factories.ACTOR, training=other_training)
    _cohort(foreign, "W-1", dt.date(2027, 1, 11))
    return Register(
        organisation=organisation,
        offer=offer,
        cohort=cohort,
        flexible=flexible,
        closed=closed,
        running=running,
        multi_year=multi_year,
        multi_year_cohort=multi_year_cohort,
        excluded=excluded,
        excluded_cohort=excluded_cohort,
        foreign=foreign,
    )


def another_offer(register: Register) -> dict[str, str]:
    """A second eligible offer of the provider, as the fields of a row that names it."""
    training = training_register(
        actor=factories.ACTOR,
        provider=register.offer.training.provider,
        name="Cursus Access",
        short_name="Access",
    )
    offer = offer_register(actor=factories.ACTOR, training=training)
    cohort = _cohort(offer, "ACC-1", dt.date(2027, 1, 11), end=dt.date(2027, 6, 30))
    return {"scholings_id": str(offer.scholings_id), "cohortcode": cohort.code}


def good_row(register: Register, **changes: str) -> dict[str, str]:
    """A row that passes every rule; ``changes`` replace or (with "") empty its fields."""
    row = {
        "studentnummer": "S2026001",
        "voornaam": "Anna",
        "tussenvoegsel": "de",
        "achternaam": "Vries",
        "geboortedatum": "1990-05-17",
        "straatnaam": "Hoofdstraat",
        "huisnummer": "12",
        "huisnummertoevoeging": "B",
        "postcode": "1234 AB",
        "woonplaats": "Utrecht",
        "land": "NL",
        "email": "anna@example.nl",
        "scholings_id": str(register.offer.scholings_id),
        "cohortcode": register.cohort.code,
        "startdatum": "2027-01-11",
        "einddatum": "2027-06-30",
        "subsidiebedrag": "900,00",
        "studiejaar_begin": "",
        "studiejaar_eind": "",
    }
    row.update(changes)
    return row


class WithRegister:
    """Builds the register once per test class, on ``MOMENT``."""

    register: Register

    @classmethod
    def setUpTestData(cls) -> None:
        with time_machine.travel(MOMENT, tick=False):
            cls.register = build_register()


@time_machine.travel(MOMENT, tick=False)
class RegisterTestCase(WithRegister, TestCase):
    """A test case on ``MOMENT`` with the register of ``build_register``."""
