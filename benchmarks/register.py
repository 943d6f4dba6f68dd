"""Benchmark: the public STAP-scholingsregister over 100,000 offers.

    .venv/bin/python benchmarks/register.py [search]
    (DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/stap_bench_register)
    .venv/bin/python benchmarks/register.py feed
    (BENCH_FEED_DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/stap_bench_feed)

``search`` seeds a register of 100,000 offers from 1,500 providers in PostgreSQL (once; reruns
reuse it), then measures the public search page through Django's full request stack (middleware,
view, form, search, template) with the test client, for about ten typical queries, and the page
of one offer. Writes benchmarks/results/register_search.json. Target (issue #4): p95 ≤ 100 ms.

Seeding writes rows with bulk_create instead of one service call per row (a service call per row
would take hours); the rows have the shape the services produce and obey the model rules: RIO
codes, prices within the total, one price-history row per cohort, dates in order. Most providers
hold a recognition; a few providers and trainings are excluded, a few offers are not offered for
STAP, and some cohorts are closed or already past, so the eligibility rules have work to do.

``feed`` ingests one scholingsaanbod XML feed of 10,000 offers (1,000 trainings, 20,000 cohorts)
through the product's own path (``bulk_run_submit`` and the run's processing, as the worker does)
into a new provider in its own database, then sends it again unchanged and again with 10 % of
the offers repriced. Writes benchmarks/results/register_feed.json, with the time per phase.
Target (issue #4): the first ingest ≤ 10 s. ``run_feed() -> dict`` measures (for a ``PARTS``
table); ``feed()`` switches to its database, runs it and writes the results file.
"""

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.test import Client

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/stap_bench_register")
os.environ.setdefault("STAP_ENV", "test")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stap.conf.settings")

from benchmarks.common import ensure_database, machine  # noqa: E402 - after sys.path

PROVIDERS = int(os.environ.get("BENCH_PROVIDERS", "1500"))
OFFERS = int(os.environ.get("BENCH_OFFERS", "100000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "60"))
BATCH = 5000
FIRST_KVK = 70_000_001
SEARCH_PATH = "/scholingsregister/"

# --- the shape of a realistic register -----------------------------------------------------------

# (topic, NFO category, NLQF levels it is offered at, words its descriptions use)
TOPICS: list[tuple[str, str, tuple[str, ...], tuple[str, ...]]] = [
    ("Excel", "TECHNIEK_EN_ICT", ("", "2", "3"), ("draaitabellen", "formules", "grafieken")),
    ("Python programmeren", "TECHNIEK_EN_ICT", ("4", "5", "6"), ("code", "scripts", "data")),
    ("Java", "TECHNIEK_EN_ICT", ("5", "6"), ("objectgeoriënteerd", "applicaties", "code")),
    ("Webdevelopment", "TECHNIEK_EN_ICT", ("4", "5"), ("HTML", "CSS", "JavaScript", "websites")),
    ("Cybersecurity", "TECHNIEK_EN_ICT", ("5", "6"), ("netwerken", "beveiliging", "risico's")),
    ("Netwerkbeheer", "TECHNIEK_EN_ICT", ("4", "5"), ("servers", "netwerken", "storingen")),
    ("Data-analyse", "TECHNIEK_EN_ICT", ("5", "6"), ("data", "SQL", "dashboards", "statistiek")),
    ("Cloud computing", "TECHNIEK_EN_ICT", ("5", "6"), ("Azure", "AWS", "servers")),
    ("Elektrotechniek", "TECHNIEK_EN_ICT", ("2", "3", "4"), ("installaties", "NEN 1010")),
    ("Lassen", "TECHNIEK_EN_ICT", ("2", "3"), ("MIG", "TIG", "staal", "veiligheid")),
    ("Installatietechniek", "TECHNIEK_EN_ICT", ("3", "4"), ("warmtepompen", "installaties")),
    ("Zonnepanelen installeren", "TECHNIEK_EN_ICT", ("2", "3"), ("daken", "omvormers")),
    ("CNC-verspanen", "TECHNIEK_EN_ICT", ("2", "3"), ("draaien", "frezen", "tekeningen")),
    ("Boekhouden", "ECONOMIE", ("3", "4"), ("balans", "journaalposten", "btw")),
    ("Salarisadministratie", "ECONOMIE", ("4", "5"), ("loonheffing", "cao", "verloning")),
    ("Financieel management", "ECONOMIE", ("5", "6"), ("begroting", "jaarrekening", "cijfers")),
    ("Belastingrecht", "RECHT", ("5", "6"), ("inkomstenbelasting", "aangifte", "fiscaal")),
    ("Arbeidsrecht", "RECHT", ("5", "6"), ("ontslag", "arbeidsovereenkomst", "cao")),
    ("Juridisch medewerker", "RECHT", ("4",), ("contracten", "dossiers", "wetgeving")),
    ("Privacy en AVG", "RECHT", ("", "5"), ("persoonsgegevens", "AVG", "verwerking")),
    ("Marketing", "ECONOMIE", ("4", "5"), ("campagnes", "doelgroepen", "merk")),
    ("Online marketing", "ECONOMIE", ("4", "5"), ("SEO", "social media", "campagnes")),
    ("Verkoop", "ECONOMIE", ("3", "4"), ("klantgesprekken", "onderhandelen", "acquisitie")),
    ("Projectmanagement", "MANAGEMENT_EN_PROJECTMANAGEMENT", ("5", "6"), ("planning", "Prince2")),
    ("Agile en Scrum", "MANAGEMENT_EN_PROJECTMANAGEMENT", ("", "5"), ("sprints", "teams")),
    ("Leidinggeven", "MANAGEMENT_EN_PROJECTMANAGEMENT", ("5", "6"), ("teams", "coachen")),
    ("Lean Six Sigma", "MANAGEMENT_EN_PROJECTMANAGEMENT", ("5", "6"), ("processen", "verspilling")),
    ("Verandermanagement", "MANAGEMENT_EN_PROJECTMANAGEMENT", ("6", "7"), ("organisaties",)),
    ("Timemanagement", "BEDRIJFS_EN_PROJECTONDERSTEUNING", ("",), ("planning", "prioriteiten")),
    ("Secretaresse", "BEDRIJFS_EN_PROJECTONDERSTEUNING", ("3", "4"), ("agenda", "notuleren")),
    ("Office management", "BEDRIJFS_EN_PROJECTONDERSTEUNING", ("4",), ("organisatie", "agenda")),
    ("Notuleren", "BEDRIJFS_EN_PROJECTONDERSTEUNING", ("",), ("vergaderingen", "verslagen")),
    ("Zakelijk schrijven", "TAAL_EN_CULTUUR", ("", "4"), ("e-mails", "rapporten", "brieven")),
    ("Nederlands als tweede taal", "TAAL_EN_CULTUUR", ("1", "2"), ("NT2", "spreken", "lezen")),
    ("Engels", "TAAL_EN_CULTUUR", ("2", "3", "4"), ("conversatie", "grammatica", "zakelijk")),
    ("Duits", "TAAL_EN_CULTUUR", ("2", "3"), ("conversatie", "grammatica")),
    ("Spaans", "TAAL_EN_CULTUUR", ("2", "3"), ("conversatie", "reizen")),
    ("Gebarentaal", "TAAL_EN_CULTUUR", ("2", "3"), ("NGT", "doven", "communicatie")),
    ("Verzorgende IG", "GEZONDHEID_ZORG_EN_SPORT", ("3",), ("zorg", "cliënten", "medicatie")),
    ("Verpleegkunde", "GEZONDHEID_ZORG_EN_SPORT", ("4", "6"), ("zorg", "patiënten")),
    ("Helpende zorg en welzijn", "GEZONDHEID_ZORG_EN_SPORT", ("2",), ("zorg", "welzijn")),
    ("Medicijnen uitzetten", "GEZONDHEID_ZORG_EN_SPORT", ("3",), ("medicatie", "protocollen")),
    ("Doktersassistent", "GEZONDHEID_ZORG_EN_SPORT", ("4",), ("praktijk", "patiënten")),
    ("Apothekersassistent", "GEZONDHEID_ZORG_EN_SPORT", ("4",), ("medicijnen", "recepten")),
    ("Fitnesstrainer", "GEZONDHEID_ZORG_EN_SPORT", ("3", "4"), ("sport", "beweging", "training")),
    ("Sportmassage", "GEZONDHEID_ZORG_EN_SPORT", ("3", "4"), ("massage", "sport", "blessures")),
    ("Voedingsadvies", "GEZONDHEID_ZORG_EN_SPORT", ("4", "5"), ("voeding", "gezondheid")),
    ("Mindfulness", "GEZONDHEID_ZORG_EN_SPORT", ("",), ("stress", "ontspanning", "aandacht")),
    ("Pedagogisch medewerker", "ONDERWIJS", ("3", "4"), ("kinderopvang", "kinderen", "VVE")),
    ("Onderwijsassistent", "ONDERWIJS", ("4",), ("basisschool", "leerlingen", "klas")),
    ("Didactiek", "ONDERWIJS", ("5", "6"), ("lesgeven", "leerlingen", "volwassenen")),
    ("Coaching", "GEDRAG_EN_MAATSCHAPPIJ", ("5", "6"), ("gesprekken", "begeleiding")),
    ("Psychologie", "GEDRAG_EN_MAATSCHAPPIJ", ("5", "6"), ("gedrag", "emoties", "mensen")),
    ("Sociaal werk", "GEDRAG_EN_MAATSCHAPPIJ", ("4", "6"), ("cliënten", "wijk", "hulpverlening")),
    ("Mediation", "GEDRAG_EN_MAATSCHAPPIJ", ("6",), ("conflicten", "bemiddeling")),
    ("Horeca", "TOERISME_HORECA_EN_RECREATIE", ("2", "3"), ("gastvrijheid", "bediening")),
    ("Koken", "TOERISME_HORECA_EN_RECREATIE", ("2", "3", "4"), ("keuken", "gerechten")),
    ("Barista", "TOERISME_HORECA_EN_RECREATIE", ("",), ("koffie", "espresso", "melk")),
    ("Sociale hygiëne", "TOERISME_HORECA_EN_RECREATIE", ("",), ("alcohol", "Drank- en Horecawet")),
    ("Reisleider", "TOERISME_HORECA_EN_RECREATIE", ("3", "4"), ("groepen", "reizen")),
    ("Logistiek", "TRANSPORT_EN_LOGISTIEK", ("2", "3", "4"), ("magazijn", "voorraad")),
    ("Heftruckchauffeur", "TRANSPORT_EN_LOGISTIEK", ("",), ("heftruck", "veiligheid", "pallets")),
    ("Code 95", "TRANSPORT_EN_LOGISTIEK", ("",), ("vrachtwagen", "chauffeurs", "rijtijden")),
    ("Supply chain management", "TRANSPORT_EN_LOGISTIEK", ("5", "6"), ("inkoop", "ketens")),
    ("Beveiliging", "VEILIGHEID_EN_DEFENSIE", ("2", "3"), ("toezicht", "surveillance")),
    ("BHV", "VEILIGHEID_EN_DEFENSIE", ("",), ("bedrijfshulpverlening", "EHBO", "ontruiming")),
    ("VCA", "VEILIGHEID_EN_DEFENSIE", ("",), ("veiligheid", "werkplek", "risico's")),
    ("Hovenier", "LANDBOUW_VOEDSEL_EN_NATUURLIJKE_OMGEVING", ("2", "3"), ("tuinen", "planten")),
    ("Bloemschikken", "HOBBY_EN_VRIJE_TIJD", ("",), ("bloemen", "boeketten", "seizoen")),
    ("Imkeren", "NATUUR", ("",), ("bijen", "honing", "kasten")),
    ("Natuurbeheer", "NATUUR", ("3", "4"), ("landschap", "ecologie", "beheer")),
    ("Duurzaamheid", "SECTOROVERSTIJGEND", ("5",), ("energie", "circulair", "klimaat")),
    ("Persoonlijke effectiviteit", "SECTOROVERSTIJGEND", ("",), ("communicatie", "feedback")),
    ("Presenteren", "SECTOROVERSTIJGEND", ("",), ("publiek", "spreken", "zelfvertrouwen")),
    ("Fotografie", "HOBBY_EN_VRIJE_TIJD", ("",), ("camera", "licht", "compositie")),
]
# Imkeren is rare on purpose: the "rare word" query looks for it.
RARE_TOPIC = "Imkeren"
FORMS = [
    ("Cursus", 6),
    ("Training", 5),
    ("Opleiding", 4),
    ("Basiscursus", 2),
    ("Workshop", 2),
    ("Masterclass", 1),
    ("Leergang", 1),
    ("Post-hbo", 1),
]
QUALIFIERS = [
    "",
    "",
    "",
    " voor beginners",
    " voor gevorderden",
    " in de praktijk",
    " voor professionals",
    " intensief",
    " in het weekend",
    " compact",
]
SENTENCES = [
    "In deze {form_lower} leert u alles over {topic_lower}, van de basis tot toepassingen in uw "
    "eigen werk.",
    "U werkt met {word1} en {word2} aan opdrachten uit de praktijk.",
    "Ervaren docenten begeleiden u persoonlijk; u oefent met echte voorbeelden.",
    "Na afloop kunt u zelfstandig aan de slag met {word1}.",
    "De {form_lower} sluit aan bij wat werkgevers vragen en is geschikt voor wie wil "
    "omscholen of doorgroeien.",
    "We besteden extra aandacht aan {word2} en aan samenwerken in een team.",
    "U sluit af met een praktijkopdracht en een toets.",
    "Lessen zijn in kleine groepen, zodat er ruimte is voor uw vragen.",
]
PROVIDER_KINDS = [
    "Leerhuis",
    "Academie",
    "Opleidingscentrum",
    "Instituut",
    "Trainingsbureau",
    "Kenniscentrum",
    "Vakschool",
    "Studiecentrum",
    "Scholingsgroep",
    "Leerwerkplaats",
]
PROVIDER_NAMES = [
    "Noord",
    "Zuid",
    "Oost",
    "West",
    "Horizon",
    "De Brug",
    "Vakwerk",
    "Zuiderlicht",
    "Kompas",
    "Vooruit",
    "Groeikracht",
    "Het Anker",
    "Nieuwe Kennis",
    "Jansen",
    "De Vries",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "Mulder",
]
PROVIDER_SUFFIXES = ["B.V.", "", "Opleidingen", "Trainingen", "& Partners"]
# Places weighted roughly by size; "" is online.
PLACES = [
    ("", 20),
    ("Amsterdam", 10),
    ("Rotterdam", 8),
    ("Utrecht", 8),
    ("Den Haag", 6),
    ("Eindhoven", 5),
    ("Groningen", 4),
    ("Tilburg", 3),
    ("Almere", 3),
    ("Breda", 3),
    ("Nijmegen", 3),
    ("Apeldoorn", 2),
    ("Arnhem", 2),
    ("Haarlem", 2),
    ("Enschede", 2),
    ("Amersfoort", 2),
    ("Zwolle", 2),
    ("Leeuwarden", 2),
    ("Maastricht", 2),
    ("Leiden", 2),
    ("Dordrecht", 1),
    ("Zoetermeer", 1),
    ("Den Bosch", 2),
    ("Deventer", 1),
    ("Delft", 1),
    ("Alkmaar", 1),
    ("Venlo", 1),
    ("Hengelo", 1),
    ("Emmen", 1),
    ("Assen", 1),
    ("Middelburg", 1),
    ("Lelystad", 1),
    ("Heerlen", 1),
    ("Hoorn", 1),
    ("Gouda", 1),
]
LANGUAGES = [("NLD", 85), ("ENG", 10), ("DEU", 2), ("FRA", 1), ("SPA", 1), ("POL", 1)]
TEACHING_FORMS = [("KLASSIKAAL", 5), ("ONLINE", 3), ("KLASSIKAAL_EN_ONLINE", 2)]


def _weighted(rng: random.Random, options: list[tuple[str, int]]) -> str:
    values, weights = zip(*options, strict=True)
    return str(rng.choices(values, weights)[0])


def setup_django() -> None:
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


# --- seeding -------------------------------------------------------------------------------------


def _bulk(model: Any, rows: Iterable[Any]) -> list[Any]:
    """bulk_create in batches; returns the created rows (with their ids on PostgreSQL)."""
    created: list[Any] = []
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            created.extend(model.objects.bulk_create(batch))
            batch = []
    created.extend(model.objects.bulk_create(batch))
    return created


def _description(rng: random.Random, form: str, topic: str, words: tuple[str, ...]) -> str:
    chosen = [SENTENCES[0], *rng.sample(SENTENCES[1:], rng.randint(2, 4))]
    word1, word2 = rng.choice(words), rng.choice(words)
    return " ".join(
        sentence.format(
            form_lower=form.lower(), topic_lower=topic.lower(), word1=word1, word2=word2
        )
        for sentence in chosen
    )


def seed_register() -> None:
    """The register: 1,500 providers, their trainings, 100,000 offers and their cohorts."""
    from django.db import connection, transaction

    from stap.core import clock
    from stap.identity.models import Organisation
    from stap.register.models import (
        Cohort,
        CohortPrice,
        Exclusion,
        Offer,
        Provider,
        Recognition,
        Training,
    )

    if Offer.objects.count() >= OFFERS:
        return
    print(f"seeding {PROVIDERS} providers and {OFFERS} offers…", flush=True)
    rng = random.Random(4)
    now = clock.now()
    today = clock.today()
    with transaction.atomic():
        kvk_numbers = [str(FIRST_KVK + number) for number in range(PROVIDERS)]
        existing = Organisation.objects.in_bulk(kvk_numbers, field_name="kvk_number")
        _bulk(
            Organisation,
            (
                Organisation(kvk_number=kvk, name=f"Organisatie {kvk}", created_at=now)
                for kvk in kvk_numbers
                if kvk not in existing
            ),
        )
        organisations = list(
            Organisation.objects.filter(kvk_number__in=kvk_numbers).order_by("kvk_number")
        )
        providers = _bulk(
            Provider,
            (
                Provider(
                    organisation=organisation,
                    code=f"{number % 1000:03d}{'BCDEFGHJ'[number // 1000]}{number * 7 % 1000:03d}",
                    name=" ".join(
                        part
                        for part in (
                            rng.choice(PROVIDER_KINDS),
                            rng.choice(PROVIDER_NAMES),
                            rng.choice(PROVIDER_SUFFIXES),
                        )
                        if part
                    ),
                    email=f"stap@opleider{number}.example",
                    phone=f"030 {number:07d}",
                    website=f"https://opleider{number}.example",
                    created_at=now,
                )
                for number, organisation in enumerate(organisations)
            ),
        )
        # Offers per training: 1 to 3, 100,000 in all.
        per_training: list[int] = []
        while sum(per_training) < OFFERS:
            per_training.append(min(rng.choice((1, 1, 2, 2, 3)), OFFERS - sum(per_training)))
        topic_weights = [1 if topic[0] == RARE_TOPIC else 60 for topic in TOPICS]
        trainings = _bulk(
            Training,
            (
                _training(rng, number, rng.choice(providers), topic_weights, now)
                for number in range(len(per_training))
            ),
        )
        offers = _bulk(
            Offer,
            (
                Offer(
                    training=training,
                    provider=training.provider,
                    location=_weighted(rng, PLACES),
                    language=_weighted(rng, LANGUAGES),
                    stap_permission=(
                        "TOESTEMMING_VERLEEND"
                        if rng.random() < 0.97
                        else "GEEN_TOESTEMMING_VERLEEND"
                    ),
                    website=training.provider.website,
                    created_at=now,
                )
                for training, count in zip(trainings, per_training, strict=True)
                for _ in range(count)
            ),
        )
        cohorts = _bulk(
            Cohort, (cohort for offer in offers for cohort in _cohorts(rng, offer, today))
        )
        _bulk(
            CohortPrice,
            (
                CohortPrice(
                    cohort=cohort,
                    total_price=cohort.total_price,
                    subsidisable_amount=cohort.subsidisable_amount,
                    valid_from=now,
                    recorded_by="benchmark",
                )
                for cohort in cohorts
            ),
        )
        _bulk(
            Recognition,
            (
                Recognition(
                    provider=provider,
                    kind=rng.choice(("NRTO", "NLQF", "OCW", "CEDEO", "CPION")),
                    valid_from=today - dt.timedelta(days=rng.randint(30, 2000)),
                    recorded_at=now,
                    recorded_by="benchmark",
                )
                for provider in providers
                if rng.random() < 0.92
            ),
        )
        _bulk(
            Exclusion,
            (
                *(
                    Exclusion(
                        provider=provider,
                        reason="Uitgesloten na onderzoek.",
                        starts_on=today,
                        excluded_at=now,
                        excluded_by="benchmark",
                    )
                    for provider in rng.sample(providers, PROVIDERS // 100)
                ),
                *(
                    Exclusion(
                        training=training,
                        reason="Opleiding voldoet niet aan de regels.",
                        starts_on=today,
                        excluded_at=now,
                        excluded_by="benchmark",
                    )
                    for training in rng.sample(trainings, len(trainings) // 200)
                ),
            ),
        )
    with connection.cursor() as cursor:
        for table in (
            "register_provider",
            "register_training",
            "register_offer",
            "register_cohort",
            "register_recognition",
            "register_exclusion",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")


def _training(
    rng: random.Random, number: int, provider: Any, topic_weights: list[int], now: dt.datetime
) -> Any:
    from stap.register.models import Training

    topic, category, levels, words = rng.choices(TOPICS, topic_weights)[0]
    form = _weighted(rng, FORMS)
    name = f"{form} {topic}{rng.choice(QUALIFIERS)}"
    level = rng.choice(levels)
    return Training(
        provider=provider,
        code=f"{number // 10_000:04d}O{number % 10_000:04d}",
        name=name,
        short_name=name[:40],
        description=_description(rng, form, topic, words),
        study_load=rng.choice((8, 16, 24, 40, 80, 120, 400)),
        study_load_unit=rng.choice(("CONTACTUUR", "UUR", "SBU")),
        nlqf_level=level,
        value_document=(
            rng.choice(("DIPLOMA", "CERTIFICAAT")) if level else "GEEN_OFFICIEEL_DOCUMENT"
        ),
        category=category,
        created_at=now,
    )


def _cohorts(rng: random.Random, offer: Any, today: dt.date) -> Iterator[Any]:
    from stap.register.models import Cohort

    for number in range(rng.randint(1, 3)):
        start = today + dt.timedelta(days=rng.randint(-120, 400))
        total = Decimal(rng.randrange(150, 4500, 5))
        subsidisable = (
            total if rng.random() < 0.8 else (total * Decimal("0.8")).quantize(Decimal("0.01"))
        )
        flexible = rng.random() < 0.1
        yield Cohort(
            offer=offer,
            code=f"{start:%Y%m}-{number + 1}",
            status="O" if rng.random() < 0.85 else "G",
            enrolment_start=start - dt.timedelta(weeks=12),
            start_date=start,
            intake_end=start + dt.timedelta(days=90) if flexible else None,
            end_date=start + dt.timedelta(days=rng.choice((1, 30, 90, 180, 365)) + 90),
            total_price=total,
            subsidisable_amount=subsidisable,
            teaching_form=_weighted(rng, TEACHING_FORMS),
            places_per_year=rng.choice((None, 12, 20, 40)),
        )


# --- feed: ingesting one XML feed of 10,000 offers -----------------------------------------------

FEED_DATABASE_URL = os.environ.get(
    "BENCH_FEED_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/stap_bench_feed"
)
FEED_OFFERS = int(os.environ.get("BENCH_FEED_OFFERS", "10000"))
FEED_OFFERS_PER_TRAINING = 10
FEED_COHORTS_PER_OFFER = 2
FEED_TARGET_SECONDS = 10.0
FEED_NAMESPACE = "https://stap-portaal.example/ns/scholingsaanbod/1"
FEED_FIRST_KVK = 66_000_001


def feed_xml(*, offers: int, price_change_every: int = 0) -> bytes:
    """A scholingsaanbod feed of ``offers`` offers: ten per training, two cohorts each, in the
    register's realistic mix (topics, places, languages, forms). With ``price_change_every``,
    the first cohort of every n-th offer costs €25 more; everything else is the same file."""
    from xml.sax.saxutils import escape

    rng = random.Random(11)
    parts = [
        f'<?xml version="1.0" encoding="UTF-8"?>\n<scholingsaanbod xmlns="{FEED_NAMESPACE}">\n'
    ]
    trainings = -(-offers // FEED_OFFERS_PER_TRAINING)
    offer_number = 0
    for number in range(trainings):
        topic, category, levels, words = TOPICS[number % len(TOPICS)]
        form = _weighted(rng, FORMS)
        name = f"{form} {topic}{rng.choice(QUALIFIERS)} ({number + 1})"
        level = rng.choice(levels)
        parts.append(
            f"<opleiding><eigenSleutel>OPL-{number:05d}</eigenSleutel>"
            f"<naamLang>{escape(name)}</naamLang><naamKort>{escape(name[:40])}</naamKort>"
            f"<omschrijving>{escape(_description(rng, form, topic, words))}</omschrijving>"
            f"<studielast>{rng.choice((8, 16, 40, 120))}</studielast>"
            f"<studielasteenheid>UUR</studielasteenheid>"
            + (f"<niveauNLQF>{level}</niveauNLQF>" if level else "")
            + f"<categorie>{category}</categorie>\n"
        )
        for _offer in range(FEED_OFFERS_PER_TRAINING):
            if offer_number == offers:
                break
            place = _weighted(rng, PLACES)
            location = (
                f"<locatie><straatnaam>Stationsstraat</straatnaam>"
                f"<huisnummer>{rng.randint(1, 300)}</huisnummer>"
                f"<postcode>{rng.randint(1000, 9999)} {rng.choice(('AB', 'CD', 'KL'))}</postcode>"
                f"<plaats>{escape(place)}</plaats></locatie>"
                if place
                else ""
            )
            parts.append(
                f"<aangebodenOpleiding><eigenSleutel>AO-{offer_number:06d}</eigenSleutel>"
                f"{location}<voertaal>{_weighted(rng, LANGUAGES)}</voertaal>"
                "<toestemmingDeelnameSTAP>TOESTEMMING_VERLEEND</toestemmingDeelnameSTAP>"
                f"<website>https://opleider.example/aanbod/{offer_number}</website>\n"
            )
            for cohort in range(FEED_COHORTS_PER_OFFER):
                start = dt.date(2027, 1, 4) + dt.timedelta(weeks=rng.randint(0, 80))
                total = Decimal(rng.choice((295, 450, 695, 900, 1050, 1495, 2400)))
                if price_change_every and cohort == 0 and offer_number % price_change_every == 0:
                    total += 25
                subsidisable = min(total, Decimal(rng.choice((950, 1000, 1200))))
                parts.append(
                    f"<cohort><cohortcode>C{cohort + 1}-{start:%Y%m%d}</cohortcode>"
                    "<cohortstatus>O</cohortstatus>"
                    f"<beginAanmeldperiode>{start - dt.timedelta(weeks=12)}</beginAanmeldperiode>"
                    f"<vastInstroommoment>{start}</vastInstroommoment>"
                    f"<einddatum>{start + dt.timedelta(days=rng.choice((1, 30, 90, 180)))}"
                    "</einddatum>"
                    f"<prijs><totaleVerplichteKosten>{total}.00</totaleVerplichteKosten>"
                    f"<subsidieerbaarBedrag>{subsidisable}.00</subsidieerbaarBedrag></prijs>"
                    f"<opleidingsvorm>{_weighted(rng, TEACHING_FORMS)}</opleidingsvorm>"
                    f"<deelnemersplaatsen>{rng.choice((12, 20, 40))}</deelnemersplaatsen>"
                    "</cohort>\n"
                )
            parts.append("</aangebodenOpleiding>\n")
            offer_number += 1
        parts.append("</opleiding>\n")
    parts.append("</scholingsaanbod>\n")
    return "".join(parts).encode()


def _feed_organisation() -> Any:
    """Seed step: a new provider for every run, so that each run is a first ingest into a
    register that already holds the earlier runs' rows."""
    from tests import factories

    from stap.identity.models import Organisation
    from stap.register.services import provider_register

    runs = Organisation.objects.filter(kvk_number__startswith=str(FEED_FIRST_KVK)[:2]).count()
    organisation = factories.organisation(
        kvk_number=str(FEED_FIRST_KVK + runs), name=f"Feedbenchmark {runs + 1} B.V."
    )
    provider_register(actor=factories.ACTOR, organisation=organisation, name=organisation.name)
    return organisation


class _PhaseTimer:
    """Adds up the time spent in named functions while a run is processed."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def wrap(self, owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)
        self.seconds[label] = 0.0  # reported in the order the phases were wrapped

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent = time.perf_counter() - started
                self.seconds[label] = self.seconds.get(label, 0.0) + spent

        setattr(owner, name, timed)


def _feed_once(organisation: Any, data: bytes, timer: _PhaseTimer | None = None) -> dict[str, Any]:
    from stap.bulk.models import BulkKind
    from stap.bulk.processing import bulk_run_process
    from stap.bulk.services import bulk_run_submit
    from stap.core.audit import Actor
    from stap.core.models import ActorKind, Channel

    actor = Actor(
        kind=ActorKind.PERSON,
        identifier="ps-benchmark",
        channel=Channel.PORTAL,
        organisation_kvk=organisation.kvk_number,
    )
    started = time.perf_counter()
    run = bulk_run_submit(
        actor=actor,
        organisation=organisation,
        kind=BulkKind.SCHOLINGSAANBOD,
        filename="aanbod.xml",
        data=data,
    )
    submitted = time.perf_counter()
    bulk_run_process(run_id=run.pk)  # what the worker's task does
    finished = time.perf_counter()
    run.refresh_from_db()
    assert run.status == "done", run.failure
    return {
        "seconds": round(finished - started, 2),
        "submit_seconds": round(submitted - started, 2),
        "process_seconds": round(finished - submitted, 2),
        "items": run.total,
        "info": run.info_count,
        "errors": run.error_count,
        **({"phases_seconds": {k: round(v, 2) for k, v in timer.seconds.items()}} if timer else {}),
    }


def run_feed() -> dict[str, Any]:
    """Ingest one feed of FEED_OFFERS offers with cohorts; then send it again unchanged, and
    again with 10 % of the offers repriced."""
    from django.db import connection

    from stap.bulk import processing
    from stap.register.feed import parse, process, writes
    from stap.register.models import Cohort, CohortPrice, Offer, Training

    data = feed_xml(offers=FEED_OFFERS)
    organisation = _feed_organisation()
    started = time.perf_counter()
    feed = parse.parse_feed(data)
    parse_seconds = time.perf_counter() - started

    timer = _PhaseTimer()
    timer.wrap(process, "parse_feed", "parse and check against the XSD")
    timer.wrap(process.FeedWriter, "_trainings", "trainings (plan, validate, write)")
    timer.wrap(process.FeedWriter, "_offers", "offers (plan, validate, write)")
    timer.wrap(process.FeedWriter, "_cohorts", "cohorts (plan, validate, write)")
    timer.wrap(writes, "invalid", "of which: full_clean of new rows")
    timer.wrap(writes, "trainings_create", "of which: inserting trainings and audit")
    timer.wrap(writes, "offers_create", "of which: inserting offers, addresses and audit")
    timer.wrap(writes, "cohorts_create", "of which: inserting cohorts, prices and audit")
    timer.wrap(processing._Recorder, "flush", "storing report lines and progress")
    first = _feed_once(organisation, data, timer)

    provider = organisation.providers.get()
    created = {
        "trainings": Training.objects.filter(provider=provider).count(),
        "offers": Offer.objects.filter(provider=provider).count(),
        "cohorts": Cohort.objects.filter(offer__provider=provider).count(),
        "price_history_rows": CohortPrice.objects.filter(cohort__offer__provider=provider).count(),
    }
    assert created["offers"] == FEED_OFFERS, created
    again = _feed_once(organisation, data)
    repriced = _feed_once(organisation, feed_xml(offers=FEED_OFFERS, price_change_every=10))
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        database = cursor.fetchone()[0].split(",")[0]
    return {
        "benchmark": "register_feed",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": str(os.cpu_count()),
            "database": database,
        },
        "file": {
            "bytes": len(data),
            "trainings": len(feed.trainings),
            "offers": FEED_OFFERS,
            "cohorts": FEED_OFFERS * FEED_COHORTS_PER_OFFER,
            "items": feed.item_count,
            "parse_and_check_seconds": round(parse_seconds, 2),
        },
        "first_ingest": first,
        "created": created,
        "resend_unchanged": again,
        "resend_10_percent_repriced": repriced,
        "target": {"first_ingest_seconds": FEED_TARGET_SECONDS},
        "target_met": first["seconds"] <= FEED_TARGET_SECONDS,
    }


def feed() -> None:
    """The ``feed`` part: its own database (BENCH_FEED_DATABASE_URL, default stap_bench_feed)."""
    os.environ["DATABASE_URL"] = FEED_DATABASE_URL
    setup_django()
    report = run_feed()
    output = ROOT / "benchmarks/results/register_feed.json"
    output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))


# --- the search ----------------------------------------------------------------------------------


def search_scenarios(today: dt.date) -> dict[str, dict[str, str]]:
    """Typical searches: what someone types and picks on the search page."""
    return {
        "everything (no words, no filters)": {},
        "a word: excel": {"q": "excel"},
        "two words: boekhouden basis": {"q": "boekhouden basis"},
        "training and provider: excel leerhuis": {"q": "excel leerhuis"},
        "a word and filters: zorg, NLQF 3, Nederlands": {
            "q": "zorg",
            "niveau": "3",
            "taal": "NLD",
        },
        "filters only: Techniek en ICT, online": {
            "categorie": "TECHNIEK_EN_ICT",
            "vorm": "ONLINE",
        },
        "place: Utrecht": {"plaats": "Utrecht"},
        "price range: € 500 – € 1.000": {"prijs_vanaf": "500", "prijs_tot_en_met": "1000"},
        "start dates: the next three months": {
            "start_vanaf": (today + dt.timedelta(days=1)).isoformat(),
            "start_tot_en_met": (today + dt.timedelta(days=90)).isoformat(),
        },
        "a rare word: imkeren": {"q": "imkeren"},
        "no match: xylofoonreparatie": {"q": "xylofoonreparatie"},
        "page 50 of everything": {"pagina": "50"},
    }


# Not typical, measured to show the limit: a word in a quarter of all trainings, alone, on a
# later page, and with a place that few of its offers are in.
BROAD_SCENARIOS = {
    "a word in 27% of the trainings: cursus": {"q": "cursus"},
    "cursus, page 10": {"q": "cursus", "pagina": "10"},
    "cursus in Utrecht": {"q": "cursus", "plaats": "Utrecht"},
}


def measure(client: "Client", path: str, params: dict[str, str]) -> dict[str, float]:
    for _ in range(2):  # warm-up: the first request of a kind fills caches
        client.get(path, params)
    timings = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        response = client.get(path, params)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
        assert b"utrecht-form-field-error-message" not in response.content, params
    timings.sort()
    return {
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
        "max_ms": round(timings[-1], 1),
    }


def _found(params: dict[str, str], today: dt.date) -> str:
    from django.http import QueryDict

    from stap.portals.public.register_forms import RegisterSearchForm
    from stap.register.search import register_page

    data = QueryDict(mutable=True)
    data.update(params)
    page = register_page(filters=RegisterSearchForm(data).filters(), on=today)
    return f"more than {page.total}" if page.total_is_capped else str(page.total)


def register_size(today: dt.date) -> dict[str, int]:
    from stap.register.eligibility import eligible_offers
    from stap.register.models import Cohort, Offer, Provider, Training

    return {
        "providers": Provider.objects.count(),
        "trainings": Training.objects.count(),
        "offers": Offer.objects.count(),
        "cohorts": Cohort.objects.count(),
        "eligible_offers_today": eligible_offers(on=today).count(),
    }


def run_search() -> dict[str, Any]:
    from django.test import Client

    from stap.core import clock
    from stap.register.eligibility import eligible_offers

    seed_register()
    today = clock.today()
    client = Client(HTTP_HOST="127.0.0.1")
    results = {}
    for label, params in {**search_scenarios(today), **BROAD_SCENARIOS}.items():
        results[label] = {
            "params": params,
            "found": _found(params, today),
            **measure(client, SEARCH_PATH, params),
        }
        print(f"{label}: {results[label]}", flush=True)
    sample = eligible_offers(on=today).order_by("pk").first()
    assert sample is not None
    offer_page = measure(client, f"{SEARCH_PATH}{sample.scholings_id}/", {})
    return {
        "benchmark": "register_search",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "register": register_size(today),
        "repeat": REPEAT,
        "machine": machine(),
        "searches": results,
        "typical": sorted(search_scenarios(today)),
        "offer_page": offer_page,
        "targets": {"search_p95_ms": 100},
    }


# --- entry point ---------------------------------------------------------------------------------


def search() -> None:
    """The ``search`` part: DATABASE_URL (default stap_bench_register)."""
    setup_django()
    report = run_search()
    output = ROOT / "benchmarks/results/register_search.json"
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {output.relative_to(ROOT)}")


# One part per run: each sets up Django on its own database, measures, writes its results file.
PARTS: dict[str, Callable[[], None]] = {"search": search, "feed": feed}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Benchmarks of the STAP-scholingsregister.")
    parser.add_argument("part", nargs="?", default="search", choices=sorted(PARTS))
    PARTS[parser.parse_args(argv).part]()


if __name__ == "__main__":
    main()
