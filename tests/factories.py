"""Test data built through the product's services, so tests see what production sees."""

import datetime as dt
import itertools
from decimal import Decimal

from stap.budget.models import Application, ApplicationPeriod
from stap.budget.services import (
    application_decide,
    application_grant,
    application_period_create,
    application_submit,
)
from stap.core import clock
from stap.core.audit import Actor
from stap.identity.models import DuoRole, Organisation, User, UserKind
from stap.identity.roles import role_assign
from stap.identity.services import organisation_register
from stap.identity.token_accounts import token_account_create
from stap.register.models import Cohort, Training
from stap.register.services import cohort_add, offer_register, provider_register, training_register

ACTOR = Actor.system("tests")
_kvk_numbers = itertools.count(10_000_001)
_student_numbers = itertools.count(1)


def organisation(*, kvk_number: str | None = None, name: str = "Opleider B.V.") -> Organisation:
    return organisation_register(
        actor=ACTOR, kvk_number=kvk_number or str(next(_kvk_numbers)), name=name
    )


def training(*, organisation: Organisation, name: str = "Cursus boekhouden") -> Training:
    provider = organisation.providers.first() or provider_register(
        actor=ACTOR, organisation=organisation, name=organisation.name
    )
    return training_register(actor=ACTOR, provider=provider, name=name, short_name=name[:40])


def cohort(
    *,
    training: Training,
    start_date: dt.date = dt.date(2026, 3, 1),
    amount: Decimal = Decimal("750.00"),
) -> Cohort:
    offer = training.offers.first() or offer_register(actor=ACTOR, training=training)
    return cohort_add(
        actor=ACTOR,
        offer=offer,
        code=f"C{start_date:%Y%m%d}-{offer.cohorts.count()}",
        start_date=start_date,
        end_date=start_date + dt.timedelta(days=60),
        total_price=amount,
        subsidisable_amount=amount,
    )


def period() -> ApplicationPeriod:
    existing = ApplicationPeriod.objects.first()
    if existing:
        return existing
    opens = clock.now() - dt.timedelta(days=10)
    return application_period_create(
        actor=ACTOR,
        name="Testtijdvak",
        opens_at=opens,
        closes_at=opens + dt.timedelta(days=30),
        budget=Decimal("1000000.00"),
    )


def application(
    *,
    cohort: Cohort,
    first_name: str = "Anna",
    name_prefix: str = "",
    last_name: str = "Jansen",
    studentnummer: str | None = None,
    granted: bool = True,
    decision: str | None = None,
) -> Application:
    submitted = application_submit(
        actor=ACTOR,
        period=period(),
        cohort=cohort,
        studentnummer=studentnummer or f"S{next(_student_numbers):06d}",
        first_name=first_name,
        name_prefix=name_prefix,
        last_name=last_name,
        start_date=cohort.start_date,
        end_date=cohort.end_date,
        amount=cohort.subsidisable_amount,
    )
    if not granted:
        return submitted
    granted_application = application_grant(actor=ACTOR, application=submitted)
    if decision:
        return application_decide(actor=ACTOR, application=granted_application, decision=decision)
    return granted_application


TOKEN_PASSWORD = "token-wachtwoord-voor-tests"
TOKEN_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def legacy_organisation(
    *, kvk_number: str | None = None, name: str = "Oud Instituut"
) -> Organisation:
    """An organisation that used Mijn DUO with token generators before eHerkenning."""
    return organisation_register(
        actor=ACTOR,
        kvk_number=kvk_number or str(next(_kvk_numbers)),
        name=name,
        mijn_duo_token_access=True,
    )


def token_user(
    *,
    organisation: Organisation,
    username: str = "j.jansen",
    secret: str | None = TOKEN_SECRET,
    roles: tuple[DuoRole, ...] = (),
    email: str = "j.jansen@example.nl",
) -> User:
    user = token_account_create(
        actor=ACTOR,
        organisation=organisation,
        username=username,
        password=TOKEN_PASSWORD,
        display_name=username.replace(".", " ").title(),
        email=email,
        secret=secret,
    )
    for role in roles:
        role_assign(actor=ACTOR, user=user, organisation=organisation, role=role, because="test")
    return user


def eherkenning_user(
    *, organisation: Organisation, pseudonym: str = "ps-test", roles: tuple[DuoRole, ...] = ()
) -> User:
    user = User.objects.create(
        username=f"eh:{organisation.kvk_number}:{pseudonym}",
        kind=UserKind.EHERKENNING,
        organisation=organisation,
        display_name=f"Persoon {pseudonym}",
        email=f"{pseudonym}@example.nl",
    )
    for role in roles:
        role_assign(actor=ACTOR, user=user, organisation=organisation, role=role, because="test")
    return user
