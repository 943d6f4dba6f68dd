"""Loads the demo dataset through the product's own services. Running it twice changes nothing."""

import datetime as dt
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from stap.budget.models import ApplicationPeriod, GrantCap
from stap.budget.services import (
    application_decide,
    application_grant,
    application_period_create,
    application_submit,
    grant_cap_set,
)
from stap.core import clock
from stap.core.audit import Actor
from stap.core.models import ActorKind, Channel
from stap.demo.personas import (
    DAAN,
    FATIMA,
    HENK_BASIS,
    LEERHUIS,
    SANNE,
    VAKWERK,
    ZUIDERLICHT,
    Citizen,
    Persona,
)
from stap.enrolments.models import ProofStatus, RegistrationProof
from stap.enrolments.proofs.codes import shown
from stap.enrolments.proofs.services import proof_issue
from stap.enrolments.services import pre_registration_save
from stap.identity.models import DuoRole, Organisation, StaffRole, SwitchNotice, User
from stap.identity.roles import role_assign
from stap.identity.services import organisation_register, resident_record, staff_user_create
from stap.identity.token_accounts import switch_notice_send, token_account_create
from stap.register.models import Cohort, Offer
from stap.register.services import (
    cohort_add,
    offer_register,
    provider_register,
    recogniser_appoint,
    recognition_record,
    training_register,
)
from stap.register.values import RecognitionKind

ACTOR = Actor.system("demo-loader")
DEMO_NAMESPACE = uuid.UUID("5f3c2b7e-6a41-4d8e-9b0f-2a7c1e4d9b63")
CONTINUOUS_INTAKE_CODE = "DOORLOPEND"

FIRST_NAMES = [
    "Anna",
    "Bram",
    "Chaima",
    "Daan",
    "Emma",
    "Fatima",
    "Gijs",
    "Hanna",
    "Ilse",
    "Jayden",
    "Kees",
    "Lotte",
    "Mohamed",
    "Noor",
    "Olga",
    "Pieter",
    "Rutger",
    "Sanne",
    "Tim",
    "Yara",
    "Zeynep",
]
NAME_PREFIXES = ["", "", "", "van", "de", "van der", "van den", "ter"]
LAST_NAMES = [
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "Mulder",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "Dekker",
    "Brouwer",
    "Dijkstra",
    "Yilmaz",
    "El Amrani",
    "Kok",
    "Wouters",
    "Hoekstra",
    "Postma",
    "Kramer",
]

STAFF_PASSWORDS = {
    "uwv.demo": "uwv-demo-wachtwoord",
    "duo.demo": "duo-demo-wachtwoord",
    "duo.collega": "duo-collega-wachtwoord",
    "cedeo.demo": "cedeo-demo-wachtwoord",
}


@dataclass(frozen=True)
class TrainingSpec:
    name: str
    short_name: str
    location: str
    price: Decimal
    subsidisable: Decimal
    weeks: int


@dataclass(frozen=True)
class ProviderSpec:
    persona: Persona
    provider_name: str
    trainings: tuple[TrainingSpec, ...]
    application_count: int


PROVIDERS = (
    ProviderSpec(
        LEERHUIS,
        "Leerhuis Noord",
        (
            TrainingSpec(
                "Projectmanagement PRINCE2 Foundation",
                "PRINCE2 Foundation",
                "Groningen",
                Decimal("1195.00"),
                Decimal("1000.00"),
                8,
            ),
            TrainingSpec(
                "Basisopleiding boekhouden",
                "Boekhouden basis",
                "",
                Decimal("650.00"),
                Decimal("650.00"),
                12,
            ),
            TrainingSpec(
                "Excel voor gevorderden",
                "Excel gevorderd",
                "Leeuwarden",
                Decimal("425.50"),
                Decimal("425.50"),
                4,
            ),
        ),
        2400,
    ),
    ProviderSpec(
        VAKWERK,
        "Vakwerk Academie",
        (
            TrainingSpec(
                "Heftruckchauffeur (certificaat)",
                "Heftruck",
                "Utrecht",
                Decimal("899.00"),
                Decimal("899.00"),
                2,
            ),
            TrainingSpec(
                "VCA Basisveiligheid",
                "VCA basis",
                "Utrecht",
                Decimal("295.00"),
                Decimal("295.00"),
                1,
            ),
        ),
        8,
    ),
    ProviderSpec(
        ZUIDERLICHT,
        "Zuiderlicht Trainingen",
        (
            TrainingSpec(
                "Mindful leidinggeven",
                "Mindful leidinggeven",
                "Maastricht",
                Decimal("780.00"),
                Decimal("780.00"),
                6,
            ),
        ),
        0,
    ),
)

# How applications end up, in order of likelihood: most are still provisionally granted.
OUTCOMES: tuple[tuple[str | None, int], ...] = (
    (None, 70),
    ("settle", 15),
    ("withdraw", 5),
    ("cancel", 5),
    ("reclaim", 3),
    ("reject", 2),
)


# The demo provider has thousands of grants for a handful of trainings (the portal's overview
# must show paging and counts), more than the usual 300 per offer per year.
DEMO_GRANT_CAP = 1_000


def load(*, report: Callable[[str], None] = print) -> None:
    period = _period()
    year = clock.today().year
    if not GrantCap.objects.filter(year=year).exists():
        grant_cap_set(actor=ACTOR, year=year, maximum=DEMO_GRANT_CAP)
    for spec in PROVIDERS:
        if Organisation.objects.filter(kvk_number=spec.persona.kvk_number).exists():
            report(f"  {spec.persona.company_name}: already there")
            continue
        with transaction.atomic():
            cohorts = register_provider(spec)
            _applications(spec, period, cohorts)
            pre_registered = pre_register_students(spec)
        report(
            f"  {spec.persona.company_name}: {spec.application_count} applications, "
            f"{pre_registered} vooraanmeldingen, 1 aanmeldingsbewijs"
        )
    _staff(report)
    _mijn_duo(report)
    _open_period(report)
    load_citizens(report)


# The DigiD personas' records in the stand-in population register: (first names, prefix,
# surname, birth date). Daan turned 18 a few weeks before the demo was loaded.
def _residents() -> dict[Citizen, tuple[str, str, str, dt.date]]:
    today = clock.today()
    return {
        SANNE: ("Sanne", "", "Visser", dt.date(1988, 4, 12)),
        HENK_BASIS: ("Henk", "de", "Boer", dt.date(1970, 9, 3)),
        FATIMA: ("Fatima", "", "El Amrani", dt.date(1985, 1, 28)),
        DAAN: ("Daan", "", "Kok", today.replace(year=today.year - 18) - dt.timedelta(days=40)),
    }


SANNE_STUDENTNUMMER = "DEMOSANNE1"


def _open_period(report: Callable[[str], None]) -> None:
    """A period open from the moment the demo is loaded, for a month: the waiting room draws it
    within a minute (the reaper), and admits 300 people a minute."""
    if ApplicationPeriod.objects.filter(name="Demo-tijdvak (open)").exists():
        return
    opens = clock.now() - dt.timedelta(minutes=1)
    application_period_create(
        actor=ACTOR,
        name="Demo-tijdvak (open)",
        opens_at=opens,
        closes_at=opens + dt.timedelta(days=30),
        budget=Decimal("2000000.00"),
        reserved_budget=Decimal("100000.00"),
    )
    report("  application period open for 30 days: Demo-tijdvak (open)")


def load_citizens(report: Callable[[str], None]) -> None:
    """The DigiD personas in the population register, and an aanmeldingsbewijs for Sanne at
    Leerhuis Noord (with a vooraanmelding), so that she can apply in the demo."""
    for citizen, (first_names, prefix, last_name, born) in _residents().items():
        resident_record(
            actor=ACTOR,
            bsn=citizen.bsn,
            first_names=first_names,
            name_prefix=prefix,
            last_name=last_name,
            birth_date=born,
            street="Stationsweg",
            house_number="1",
            postcode="9711 AB",
            city="Groningen",
        )
    organisation = Organisation.objects.get(kvk_number=LEERHUIS.kvk_number)
    existing = RegistrationProof.objects.filter(
        organisation=organisation, studentnummer=SANNE_STUDENTNUMMER, status=ProofStatus.ISSUED
    ).first()
    if existing is None:
        spec = PROVIDERS[0]
        training = spec.trainings[0]
        row = {
            "studentnummer": SANNE_STUDENTNUMMER,
            "voornaam": "Sanne",
            "achternaam": "Visser",
            "geboortedatum": "1988-04-12",
            "straatnaam": "Stationsweg",
            "huisnummer": "1",
            "postcode": "9711 AB",
            "woonplaats": "Groningen",
            "scholings_id": str(demo_scholings_id(LEERHUIS.kvk_number, training.name)),
            "cohortcode": CONTINUOUS_INTAKE_CODE,
            "startdatum": (clock.today() + dt.timedelta(weeks=8)).isoformat(),
            "subsidiebedrag": str(training.subsidisable),
        }
        person = _provider_person(spec)
        pre_registration_save(actor=person, organisation=organisation, values=row)
        existing = proof_issue(actor=person, organisation=organisation, text=row).proof
    report(
        f"  DigiD citizens in the population register; Sanne Visser applies with studentnummer "
        f"{SANNE_STUDENTNUMMER} and code {shown(existing.code)}"
    )


def _period() -> ApplicationPeriod:
    existing = ApplicationPeriod.objects.filter(name="Demo-tijdvak").first()
    if existing:
        return existing
    opens = clock.now() - dt.timedelta(days=120)
    return application_period_create(
        actor=ACTOR,
        name="Demo-tijdvak",
        opens_at=opens,
        closes_at=opens + dt.timedelta(days=30),
        budget=Decimal("10000000.00"),
    )


def register_provider(spec: ProviderSpec) -> list[Cohort]:
    """The provider of ``spec`` with its recognition, trainings, offers and start moments."""
    organisation = organisation_register(
        actor=ACTOR,
        kvk_number=spec.persona.kvk_number,
        name=spec.persona.company_name,
        mijn_duo_token_access=spec.persona.kvk_number in TOKEN_ACCOUNTS_BY_KVK,
    )
    provider = provider_register(
        actor=ACTOR,
        organisation=organisation,
        name=spec.provider_name,
        phone="030 000 0000",
        email=f"stap@{spec.persona.key}.example",
        website=f"https://{spec.persona.key}.example",
    )
    recognition_record(
        actor=ACTOR,
        provider=provider,
        kind=RecognitionKind.NRTO,
        valid_from=clock.today() - dt.timedelta(days=2 * 365),
    )
    cohorts = []
    today = clock.today()
    for training_spec in spec.trainings:
        training = training_register(
            actor=ACTOR,
            provider=provider,
            name=training_spec.name,
            short_name=training_spec.short_name,
        )
        offer = offer_register(
            actor=ACTOR,
            training=training,
            location=training_spec.location,
            scholings_id=demo_scholings_id(spec.persona.kvk_number, training_spec.name),
        )
        _continuous_intake(offer, training_spec)
        for months_ahead in (-3, 0, 2):
            start = (today.replace(day=1) + dt.timedelta(days=31 * months_ahead)).replace(day=1)
            cohorts.append(
                cohort_add(
                    actor=ACTOR,
                    offer=offer,
                    code=f"{start:%Y-%m}",
                    start_date=start,
                    end_date=start + dt.timedelta(weeks=training_spec.weeks),
                    total_price=training_spec.price,
                    subsidisable_amount=training_spec.subsidisable,
                )
            )
    return cohorts


def demo_scholings_id(kvk_number: str, training_name: str) -> uuid.UUID:
    """The same scholings-ID every time the demo is loaded, so that the example files in
    docs/formats/ fit it."""
    return uuid.uuid5(DEMO_NAMESPACE, f"{kvk_number}/{training_name}")


def _continuous_intake(offer: Offer, training_spec: TrainingSpec) -> None:
    """A start moment open to new students on any day until the end of 2030, for the examples
    in docs/formats/ (which use start dates in 2029)."""
    cohort_add(
        actor=ACTOR,
        offer=offer,
        code=CONTINUOUS_INTAKE_CODE,
        start_date=dt.date(2026, 1, 5),
        intake_end=dt.date(2030, 12, 31),
        end_date=dt.date(2031, 6, 30),
        total_price=training_spec.price,
        subsidisable_amount=training_spec.subsidisable,
    )


def _applications(spec: ProviderSpec, period: ApplicationPeriod, cohorts: list[Cohort]) -> None:
    rng = random.Random(spec.persona.kvk_number)  # noqa: S311 - demo data, not security
    outcomes = [outcome for outcome, weight in OUTCOMES for _ in range(weight)]
    for number in range(1, spec.application_count + 1):
        cohort = rng.choice(cohorts)
        application = application_submit(
            actor=ACTOR,
            period=period,
            cohort=cohort,
            studentnummer=f"{spec.persona.kvk_number[-3:]}{number:05d}",
            first_name=rng.choice(FIRST_NAMES),
            name_prefix=rng.choice(NAME_PREFIXES),
            last_name=rng.choice(LAST_NAMES),
            start_date=cohort.start_date,
            end_date=cohort.end_date,
            amount=cohort.subsidisable_amount,
        )
        outcome = rng.choice(outcomes)
        if outcome == "reject":
            application_decide(actor=ACTOR, application=application, decision="reject")
            continue
        application = application_grant(actor=ACTOR, application=application)
        if outcome is not None:
            application_decide(actor=ACTOR, application=application, decision=outcome)


def _provider_person(spec: ProviderSpec) -> Actor:
    """One of the provider's people, as signed in to the Opleidersportaal."""
    return Actor(
        kind=ActorKind.PERSON,
        identifier=f"demo-{spec.persona.key}",
        channel=Channel.PORTAL,
        organisation_kvk=spec.persona.kvk_number,
    )


def pre_register_students(spec: ProviderSpec) -> int:
    """Two vooraanmeldingen per training, on its continuous intake six weeks from now, and an
    aanmeldingsbewijs for the first student: typed in the portal by one of the provider's
    people, so that they are checked and audited as real ones are."""
    person = _provider_person(spec)
    organisation = Organisation.objects.get(kvk_number=spec.persona.kvk_number)
    rng = random.Random(f"vooraanmeldingen {spec.persona.kvk_number}")  # noqa: S311 - demo data
    start = clock.today() + dt.timedelta(weeks=6)
    rows = []
    for number, training in enumerate(
        (training for training in spec.trainings for _student in range(2)), start=1
    ):
        rows.append(
            {
                "studentnummer": f"V{spec.persona.kvk_number[-3:]}{number:03d}",
                "voornaam": rng.choice(FIRST_NAMES),
                "tussenvoegsel": rng.choice(NAME_PREFIXES),
                "achternaam": rng.choice(LAST_NAMES),
                "geboortedatum": f"{rng.randint(1965, 2000)}-0{rng.randint(1, 9)}-1{number % 10}",
                "straatnaam": "Stationsweg",
                "huisnummer": str(number),
                "postcode": "9711 AB",
                "woonplaats": training.location or "Utrecht",
                "scholings_id": str(demo_scholings_id(spec.persona.kvk_number, training.name)),
                "cohortcode": CONTINUOUS_INTAKE_CODE,
                "startdatum": start.isoformat(),
                "subsidiebedrag": str(training.subsidisable),
            }
        )
    for row in rows:
        pre_registration_save(actor=person, organisation=organisation, values=row)
    if rows:
        proof_issue(actor=person, organisation=organisation, text=rows[0])
    return len(rows)


def _staff(report: Callable[[str], None]) -> None:
    for username, role in (
        ("uwv.demo", StaffRole.UWV),
        ("duo.demo", StaffRole.DUO),
        ("duo.collega", StaffRole.DUO),  # a second DUO member, for the four-eyes steps
        ("cedeo.demo", StaffRole.RECOGNISER),
    ):
        if User.objects.filter(username=username).exists():
            continue
        user, _device = staff_user_create(
            actor=ACTOR,
            username=username,
            role=role,
            password=STAFF_PASSWORDS[username],
        )
        if role == StaffRole.RECOGNISER:
            recogniser_appoint(actor=ACTOR, user=user, kind=RecognitionKind.CEDEO)
        report(f"  staff account {username}")


@dataclass(frozen=True, kw_only=True)
class TokenAccountSpec:
    """A legacy Mijn DUO account; ``secret`` None means: set up at the first sign-in."""

    username: str
    display_name: str
    roles: tuple[DuoRole, ...]
    secret: str | None


# Known secrets, so that a demo can type codes from ``stap totp_code USERNAME``.
TOKEN_ACCOUNTS_BY_KVK: dict[str, tuple[TokenAccountSpec, ...]] = {
    LEERHUIS.kvk_number: (
        TokenAccountSpec(
            username="leerhuis.jansen",
            display_name="Anouk Jansen",
            roles=(DuoRole.BEHEERDER, DuoRole.REGISTREREN),
            secret="LEERHUISJANSENDEMOTOKENA2345672X",  # noqa: S106 - demo data
        ),
        TokenAccountSpec(
            username="leerhuis.devries",
            display_name="Bram de Vries",
            roles=(DuoRole.REGISTREREN,),
            secret=None,
        ),
    ),
    VAKWERK.kvk_number: (
        TokenAccountSpec(
            username="vakwerk.bakker",
            display_name="Chaima Bakker",
            roles=(DuoRole.BEHEERDER, DuoRole.REGISTREREN),
            secret="VAKWERKBAKKERDEMOTOKENA234567ABC",  # noqa: S106 - demo data
        ),
    ),
}
TOKEN_PASSWORD = "token-demo-wachtwoord"  # noqa: S105 - demo data, printed in the README
SWITCH_NOTICE_DAYS = 30


def _mijn_duo(report: Callable[[str], None]) -> None:
    """Token users for the organisations that had them; Vakwerk has had DUO's switch notice."""
    for kvk_number, accounts in TOKEN_ACCOUNTS_BY_KVK.items():
        organisation = Organisation.objects.get(kvk_number=kvk_number)
        with transaction.atomic():
            for spec in accounts:
                if User.objects.filter(username=spec.username).exists():
                    continue
                user = token_account_create(
                    actor=ACTOR,
                    organisation=organisation,
                    username=spec.username,
                    password=TOKEN_PASSWORD,
                    display_name=spec.display_name,
                    email=f"{spec.username}@example.nl",
                    secret=spec.secret,
                )
                for role in spec.roles:
                    role_assign(
                        actor=ACTOR,
                        user=user,
                        organisation=organisation,
                        role=role,
                        because="demo",
                    )
                report(f"  Mijn DUO token account {spec.username}")
    vakwerk = Organisation.objects.get(kvk_number=VAKWERK.kvk_number)
    if not SwitchNotice.objects.filter(organisation=vakwerk).exists():
        with transaction.atomic():
            switch_notice_send(
                actor=ACTOR,
                organisation=vakwerk,
                switch_date=clock.today() + dt.timedelta(days=SWITCH_NOTICE_DAYS),
            )
        report(f"  switch notice to {vakwerk.name}")
