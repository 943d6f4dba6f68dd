"""Benchmark: vooraanmeldingen in bulk (issue #5) — our pipeline, django-import-export, COPY.

    .venv/bin/python benchmarks/bulk_vooraanmeldingen.py      (≈ 35 minutes at today's speed)
    .venv/bin/python benchmarks/bulk_vooraanmeldingen.py all --trace --big --only a,b
    .venv/bin/python benchmarks/bulk_vooraanmeldingen.py assemble   (the report from the parts)
    (DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/stap_bench_prereg)

Seeds (once; reruns reuse it) one provider with a register of 10,000 offers, two open cohorts
each, and a recognition, with bulk inserts; writes files of vooraanmeldingen that pass every rule
(CSV: semicolon, UTF-8 with BOM, ISO dates, decimal point; XML: the published format with a
record count) and variants where 1 % of the rows break a rule. Then every measurement runs in a
**fresh subprocess**, so that its peak memory is its own:

- ``pipeline``: the product's path as the worker runs it — ``upload_receive`` (hash, store),
  ``upload_check`` (read, both stages, stage into ``StagedRow``, compare rows in SQL),
  ``upload_commit_request`` + ``upload_commit`` (re-check what changed, upsert) — timed per
  step; peak memory as the process's peak resident set (``VmHWM``, the target's measure:
  everything the worker holds, Django included) and, in a second run, as ``tracemalloc``'s peak
  of Python allocations (slower, so it is never the timed run);
- ``phases``: the same with light timers around the pipeline's steps, to say where time goes;
- ``profile``: cProfile of the CSV check and commit (top 15 by cumulative time, to
  benchmarks/results/bulk_vooraanmeldingen_profile.txt);
- ``alternatives``: on the same rows, what the staging writes and the upsert cost with
  ``bulk_create`` against ``COPY``;
- ``floor``: a plain ``COPY`` of the same rows, typed, into a scratch table;
- ``import-export``: django-import-export 4.4 (a ``ModelResource`` on the natural key, bulk
  mode, its documented dry run and then the import) on the first 10,000 rows, extrapolated.

Writes benchmarks/results/bulk_vooraanmeldingen.json. Targets (issue #5): 100,000 CSV rows
checked and committed in ≤ 3 s, XML ≤ 5 s, peak memory ≤ 150 MB and flat up to 1,000,000 rows.
"""

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import pstats
import random
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
WORK = ROOT / "var/benchmarks/prereg"
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/stap_bench_prereg")
os.environ.setdefault("STAP_ENV", "test")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stap.conf.settings")

from benchmarks.common import ensure_database, machine  # noqa: E402 - after sys.path

os.environ.setdefault("STAP_PRIVATE_MEDIA_ROOT", str(WORK / "media"))
# The default limit (50 MB) refuses a 100,000-row XML file and a 1,000,000-row CSV file: the
# benchmark raises it so that it can measure them (see docs/benchmarks.md).
os.environ.setdefault("STAP_PREREG_MAX_MB", "1024")

OFFERS = 10_000
OFFERS_PER_TRAINING = 5
COHORTS_PER_OFFER = 2
KVK = "77000001"
ROWS = 100_000
BIG_ROWS = 1_000_000
IE_ROWS = 10_000
RESULTS = ROOT / "benchmarks/results"
TARGETS = {"csv_seconds": 3.0, "xml_seconds": 5.0, "peak_memory_mb": 150}
PREREG_TABLES = (
    "enrolments_stagedrow",
    "enrolments_preregistration",
    "enrolments_preregistrationupload",
)
COLUMNS = (
    "studentnummer",
    "voornaam",
    "tussenvoegsel",
    "achternaam",
    "geboortedatum",
    "straatnaam",
    "huisnummer",
    "huisnummertoevoeging",
    "postcode",
    "woonplaats",
    "land",
    "email",
    "scholings_id",
    "cohortcode",
    "startdatum",
    "einddatum",
    "subsidiebedrag",
    "studiejaar_begin",
    "studiejaar_eind",
)
NAMESPACE = "https://stap-portaal.nl/schemas/vooraanmeldingen/1"


# --- the database -------------------------------------------------------------------------------


def database_name() -> str:
    return os.environ["DATABASE_URL"].rsplit("/", 1)[1]


def setup_django(*, migrate: bool = False) -> None:
    ensure_database()
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)


def execute(sql: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)


def reset_pre_registrations() -> None:
    """Every measurement starts from no uploads and no vooraanmeldingen."""
    import shutil

    execute(f"TRUNCATE {', '.join(PREREG_TABLES)} RESTART IDENTITY CASCADE")
    shutil.rmtree(WORK / "media", ignore_errors=True)


# --- memory -------------------------------------------------------------------------------------


def peak_rss_mib() -> float:
    """The peak resident set of this process image (VmHWM; ru_maxrss may include the parent's
    before exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


# --- seeding the register -----------------------------------------------------------------------


def seed_register() -> None:
    """One provider (KVK), recognised, with 10,000 offers and two open cohorts each."""
    from django.db import transaction

    from tests import factories

    from stap.core import clock
    from stap.identity.models import Organisation
    from stap.identity.services import organisation_register
    from stap.register.models import Cohort, CohortPrice, Offer, Training
    from stap.register.services import provider_register, recognition_record
    from stap.register.values import RecognitionKind

    organisation = Organisation.objects.filter(kvk_number=KVK).first()
    if organisation and Offer.objects.filter(provider__organisation=organisation).count() >= OFFERS:
        return
    print(f"seeding a register of {OFFERS} offers…", flush=True)
    rng = random.Random(5)
    now = clock.now()
    today = clock.today()
    with transaction.atomic():
        organisation = organisation or organisation_register(
            actor=factories.ACTOR, kvk_number=KVK, name="Bulkbenchmark Opleidingen B.V."
        )
        provider = organisation.providers.first() or provider_register(
            actor=factories.ACTOR, organisation=organisation, name=organisation.name
        )
        if not provider.recognitions.exists():
            recognition_record(
                actor=factories.ACTOR,
                provider=provider,
                kind=RecognitionKind.NRTO,
                valid_from=today - dt.timedelta(days=400),
            )
        trainings = Training.objects.bulk_create(
            [
                Training(
                    provider=provider,
                    code=f"{9000 + number // 10_000:04d}O{number % 10_000:04d}",
                    name=f"Opleiding {number}",
                    short_name=f"Opleiding {number}",
                    study_load=rng.choice((16, 40, 120, 400)),
                    study_load_unit="UUR",
                    # One in twenty is a multi-year programme: its rows give study years.
                    is_multi_year=number % 20 == 0,
                    created_at=now,
                )
                for number in range(OFFERS // OFFERS_PER_TRAINING)
            ],
            batch_size=5_000,
        )
        offers = Offer.objects.bulk_create(
            [
                Offer(training=training, provider=provider, created_at=now)
                for training in trainings
                for _ in range(OFFERS_PER_TRAINING)
            ],
            batch_size=5_000,
        )
        cohorts = []
        for offer in offers:
            multi_year = offer.training.is_multi_year
            for number in range(COHORTS_PER_OFFER):
                start = today + dt.timedelta(days=rng.randint(30, 400))
                total = Decimal(rng.randrange(300, 2500, 5))
                subsidisable = (
                    total
                    if rng.random() < 0.7
                    else (total * Decimal("0.8")).quantize(Decimal("0.01"))
                )
                flexible = not multi_year and rng.random() < 0.2
                cohorts.append(
                    Cohort(
                        offer=offer,
                        code=f"{start:%Y%m}-{number + 1}",
                        status="O",
                        enrolment_start=start - dt.timedelta(weeks=12),
                        start_date=start,
                        intake_end=start + dt.timedelta(days=90) if flexible else None,
                        end_date=start
                        + dt.timedelta(days=730 if multi_year else rng.choice((120, 180, 365))),
                        total_price=total,
                        subsidisable_amount=subsidisable,
                    )
                )
        cohorts = Cohort.objects.bulk_create(cohorts, batch_size=5_000)
        CohortPrice.objects.bulk_create(
            [
                CohortPrice(
                    cohort=cohort,
                    total_price=cohort.total_price,
                    subsidisable_amount=cohort.subsidisable_amount,
                    valid_from=now,
                    recorded_by="benchmark",
                )
                for cohort in cohorts
            ],
            batch_size=5_000,
        )
    for table in ("register_training", "register_offer", "register_cohort"):
        execute(f"VACUUM ANALYZE {table}")


# --- the files ----------------------------------------------------------------------------------

FIRST_NAMES = (
    "Anna",
    "Bram",
    "Chaima",
    "Daan",
    "Emma",
    "Fatima",
    "Gijs",
    "Hanna",
    "Ivo",
    "Jasmijn",
    "Kees",
    "Lotte",
    "Mohamed",
    "Noor",
    "Olaf",
    "Priya",
    "Quinten",
    "Rosa",
    "Sem",
    "Tess",
    "Umut",
    "Vera",
    "Wouter",
    "Yara",
    "Zeynep",
)
PREFIXES = ("", "", "", "", "van", "de", "van der", "van den", "ter")
LAST_NAMES = (
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
    "Kok",
    "Yilmaz",
    "El Amrani",
    "Dijkstra",
    "Koster",
    "Prins",
    "Huisman",
    "Postma",
)
STREETS = (
    "Hoofdstraat",
    "Kerkstraat",
    "Stationsweg",
    "Dorpsstraat",
    "Schoolstraat",
    "Molenweg",
    "Julianalaan",
    "Beatrixstraat",
    "Oude Ebbingestraat",
    "Herestraat",
)
PLACES = (
    "Amsterdam",
    "Rotterdam",
    "Utrecht",
    "Groningen",
    "Eindhoven",
    "Tilburg",
    "Almere",
    "Breda",
    "Nijmegen",
    "Zwolle",
    "Leeuwarden",
    "Maastricht",
)


def register_for_files() -> list[tuple[str, bool, list[tuple[str, dt.date, Any, dt.date, str]]]]:
    """(scholings-ID, multi-year, [(cohort code, start, last start, end, amount)]) per offer."""
    from stap.register.models import Cohort

    offers: dict[str, tuple[str, bool, list[tuple[str, dt.date, Any, dt.date, str]]]] = {}
    for cohort in (
        Cohort.objects.filter(offer__provider__organisation__kvk_number=KVK)
        .select_related("offer__training")
        .order_by("offer_id", "code")
    ):
        key = str(cohort.offer.scholings_id)
        amount = min(cohort.subsidisable_amount, Decimal("1000.00"))
        offers.setdefault(key, (key, cohort.offer.training.is_multi_year, []))[2].append(
            (
                cohort.code,
                cohort.start_date,
                cohort.intake_end or cohort.start_date,
                cohort.end_date,
                f"{amount:.2f}",
            )
        )
    return list(offers.values())


def make_rows(count: int, *, bad_every: int = 0) -> Iterator[dict[str, str]]:
    """``count`` vooraanmeldingen that pass every rule; with ``bad_every``, every n-th breaks one
    (in turn: postcode, amount, cohort, date, a duplicate of the row before, too young, a
    missing surname)."""
    register = register_for_files()
    rng = random.Random(9)
    previous: dict[str, str] = {}
    for number in range(count):
        scholings_id, multi_year, cohorts = register[number % len(register)]
        code, start, last_start, end, amount = rng.choice(cohorts)
        first_name, last_name = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        starts = start + dt.timedelta(days=rng.randint(0, (last_start - start).days))
        abroad = rng.random() < 0.02
        row = {
            "studentnummer": f"S{number:08d}",
            "voornaam": first_name,
            "tussenvoegsel": rng.choice(PREFIXES),
            "achternaam": last_name,
            "geboortedatum": (
                dt.date(1962, 1, 1) + dt.timedelta(days=rng.randint(0, 43 * 365))
            ).isoformat(),
            "straatnaam": "Rue de la Loi" if abroad else rng.choice(STREETS),
            "huisnummer": str(rng.randint(1, 350)),
            "huisnummertoevoeging": rng.choice(("", "", "", "", "A", "bis", "2")),
            "postcode": "1000"
            if abroad
            else f"{rng.randint(1000, 9999)} {rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}"
            f"{rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}",
            "woonplaats": "Brussel" if abroad else rng.choice(PLACES),
            "land": "BE" if abroad else "NL",
            "email": f"{first_name.lower()}.{last_name.lower().replace(' ', '')}{number}"
            "@voorbeeld.nl"
            if rng.random() < 0.6
            else "",
            "scholings_id": scholings_id,
            "cohortcode": code,
            "startdatum": (start if multi_year else starts).isoformat(),
            "einddatum": end.isoformat() if rng.random() < 0.5 else "",
            "subsidiebedrag": amount,
            "studiejaar_begin": start.isoformat() if multi_year else "",
            "studiejaar_eind": (start + dt.timedelta(days=364)).isoformat() if multi_year else "",
        }
        if bad_every and number % bad_every == bad_every // 2:
            kind = (number // bad_every) % 7
            if kind == 0:
                row["postcode"] = "12AB"
            elif kind == 1:
                row["subsidiebedrag"] = "1500.00"
            elif kind == 2:
                row["cohortcode"] = "ONBEKEND"
            elif kind == 3:
                row["geboortedatum"] = "1990-02-31"
            elif kind == 4 and previous:
                row = dict(previous)
            elif kind == 5:
                row["geboortedatum"] = "2015-06-01"
            else:
                row["achternaam"] = ""
        previous = row
        yield row


def write_csv(path: Path, rows: Iterator[dict[str, str]]) -> None:
    import csv

    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS, delimiter=";", lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)


def write_xml(path: Path, rows: Iterator[dict[str, str]], count: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(
            f'<?xml version="1.0" encoding="UTF-8"?>\n<vooraanmeldingen xmlns="{NAMESPACE}">\n'
            f"  <kop><aantal>{count}</aantal><bron>Benchmark 1.0</bron></kop>\n"
        )
        for row in rows:
            out.write(
                "  <vooraanmelding>"
                + "".join(
                    f"<{name}>{escape(value)}</{name}>" for name, value in row.items() if value
                )
                + "</vooraanmelding>\n"
            )
        out.write("</vooraanmeldingen>\n")


def file_path(file_format: str, rows: int, *, bad: bool = False) -> Path:
    return WORK / f"vooraanmeldingen-{rows}{'-fouten' if bad else ''}.{file_format}"


def prepare(*, big: bool) -> dict[str, Any]:
    """Seed the register and write the files (once); their sizes."""
    setup_django(migrate=True)
    seed_register()
    WORK.mkdir(parents=True, exist_ok=True)
    wanted = [
        ("csv", ROWS, False),
        ("xml", ROWS, False),
        ("csv", ROWS, True),
        ("xml", ROWS, True),
        ("csv", IE_ROWS, False),
    ]
    if big:
        wanted.append(("csv", BIG_ROWS, False))
    files = {}
    for file_format, rows, bad in wanted:
        path = file_path(file_format, rows, bad=bad)
        if not path.exists():
            print(f"writing {path.relative_to(ROOT)}…", flush=True)
            generated = make_rows(rows, bad_every=100 if bad else 0)
            if file_format == "csv":
                write_csv(path, generated)
            else:
                write_xml(path, generated, rows)
        files[path.name] = {"rows": rows, "bytes": path.stat().st_size, "one_percent_bad": bad}
    return {"files": files, "machine": machine(), "register": register_size()}


def register_size() -> dict[str, int]:
    from stap.register.models import Cohort, Offer

    return {
        "offers": Offer.objects.filter(provider__organisation__kvk_number=KVK).count(),
        "cohorts": Cohort.objects.filter(offer__provider__organisation__kvk_number=KVK).count(),
    }


# --- our pipeline -------------------------------------------------------------------------------


def _actor() -> Any:
    from stap.core.audit import Actor
    from stap.core.models import ActorKind, Channel

    return Actor(
        kind=ActorKind.PERSON,
        identifier="ps-benchmark",
        channel=Channel.PORTAL,
        organisation_kvk=KVK,
    )


def run_pipeline(
    path: Path, *, around: Callable[[str, Callable[[], None]], None] | None = None
) -> dict[str, Any]:
    """Receive, check, request and run the commit of ``path``; seconds per step and counts.
    ``around(step, run)`` runs each step (for tracing or profiling)."""
    from stap.enrolments.models import PreRegistration, PreRegistrationUpload, UploadStatus
    from stap.enrolments.services import (
        upload_check,
        upload_commit,
        upload_commit_request,
        upload_receive,
    )
    from stap.identity.models import Organisation

    organisation = Organisation.objects.get(kvk_number=KVK)
    actor = _actor()
    seconds: dict[str, float] = {}
    holder: dict[str, PreRegistrationUpload] = {}

    def receive() -> None:
        with path.open("rb") as stream:
            holder["upload"] = upload_receive(
                actor=actor,
                organisation=organisation,
                filename=path.name,
                stream=stream,
                size=path.stat().st_size,
            )

    def check() -> None:
        upload_check(upload_id=holder["upload"].pk)

    def commit() -> None:
        upload = PreRegistrationUpload.objects.get(pk=holder["upload"].pk)
        upload_commit_request(actor=actor, upload=upload)
        upload_commit(upload_id=upload.pk)

    for step, run in (("receive", receive), ("check", check), ("commit", commit)):
        started = time.perf_counter()
        if around is None:
            run()
        else:
            around(step, run)
        seconds[step] = round(time.perf_counter() - started, 3)
    upload = PreRegistrationUpload.objects.get(pk=holder["upload"].pk)
    assert upload.status == UploadStatus.COMMITTED, (upload.status, upload.refusal_rule)
    return {
        "seconds": seconds,
        "check_and_commit_seconds": round(seconds["check"] + seconds["commit"], 3),
        "total_seconds": round(sum(seconds.values()), 3),
        "rows": upload.rows_read,
        "valid": upload.rows_valid,
        "warning": upload.rows_warning,
        "rejected": upload.rows_rejected,
        "committed": upload.rows_committed,
        "pre_registrations": PreRegistration.objects.count(),
    }


def measure_pipeline(path: Path, *, trace: bool) -> dict[str, Any]:
    setup_django()
    reset_pre_registrations()
    import gc

    gc.collect()
    baseline = rss_mib()
    peaks: dict[str, float] = {}

    def traced(step: str, run: Callable[[], None]) -> None:
        tracemalloc.reset_peak()
        run()
        peaks[step] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)

    if trace:
        tracemalloc.start()
    result = run_pipeline(path, around=traced if trace else None)
    if trace:
        tracemalloc.stop()
        return {**result, "python_peak_mib": peaks, "note": "timed under tracemalloc: slower"}
    return {**result, "rss_after_setup_mib": baseline, "peak_rss_mib": peak_rss_mib()}


# --- where the pipeline's time goes -------------------------------------------------------------


class Timer:
    """Adds up the time spent in wrapped functions (and in wrapped iterators' ``next``)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}

    def _add(self, label: str, started: float) -> None:
        self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - started
        self.calls[label] = self.calls.get(label, 0) + 1

    def wrap(self, owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name, None)
        if original is None:  # the pipeline's code moved on: say so instead of failing
            self.seconds[f"(not found: {name})"] = 0.0
            self.calls[f"(not found: {name})"] = 0
            return

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self._add(label, started)

        setattr(owner, name, timed)

    def wrap_iterator(self, owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name, None)
        if original is None:
            self.seconds[f"(not found: {name})"] = 0.0
            self.calls[f"(not found: {name})"] = 0
            return
        timer = self

        def timed(*args: Any, **kwargs: Any) -> Iterator[Any]:
            iterator = iter(original(*args, **kwargs))
            while True:
                started = time.perf_counter()
                try:
                    item = next(iterator)
                except StopIteration:
                    timer._add(label, started)
                    return
                timer._add(label, started)
                yield item

        setattr(owner, name, timed)

    def take(self) -> dict[str, dict[str, float]]:
        taken = {
            label: {"seconds": round(seconds, 3), "calls": self.calls[label]}
            for label, seconds in self.seconds.items()
        }
        self.seconds, self.calls = {}, {}
        return taken


def measure_phases(path: Path) -> dict[str, Any]:
    setup_django()
    reset_pre_registrations()
    from stap.enrolments import services
    from stap.enrolments.models import PreRegistration, StagedRow
    from stap.enrolments.prereg import checking, committing, content

    timer = Timer()
    timer.wrap_iterator(checking, "read_rows", "check: reading the file (reader)")
    timer.wrap(checking, "check_structure", "check: stage 1, structure (per row)")
    timer.wrap(checking, "check_row", "check: stage 2, content (per row)")
    timer.wrap(content.RegisterFacts, "load", "register lookups (RegisterFacts.load)")
    timer.wrap(checking, "staged_row", "check: building StagedRow objects (per row)")
    timer.wrap(StagedRow.objects, "bulk_create", "check: StagedRow bulk_create")
    timer.wrap(checking, "compare_rows", "check: comparing rows (window functions + updates)")
    timer.wrap(services, "renew", "check: lease and progress updates")
    timer.wrap_iterator(committing, "_pending", "commit: reading staged rows (chunks)")
    timer.wrap(committing, "check_structure", "commit: stage 1 again (per row)")
    timer.wrap(committing, "check_content", "commit: stage 2 again (per row)")
    timer.wrap(committing, "pre_registration_from", "commit: building PreRegistration (per row)")
    timer.wrap(committing, "_existing", "commit: looking up existing (twice a chunk)")
    timer.wrap(PreRegistration.objects, "bulk_create", "commit: upsert (bulk_create)")
    timer.wrap(StagedRow.objects, "bulk_update", "commit: StagedRow bulk_update (outcomes)")
    timer.wrap(committing, "renew", "commit: lease and progress updates")
    phases: dict[str, Any] = {}

    def split(step: str, run: Callable[[], None]) -> None:
        started = time.perf_counter()
        run()
        spent = time.perf_counter() - started
        taken = timer.take()
        accounted = sum(
            value["seconds"]
            for label, value in taken.items()
            if not label.startswith("register") and "per row" not in label.split(":")[0]
        )
        phases[step] = {
            "seconds": round(spent, 3),
            "phases": taken,
            "not_in_a_phase_seconds": round(spent - accounted, 3),
        }

    result = run_pipeline(path, around=split)
    return {**result, "breakdown": phases, "note": "timers add ≈ 1 µs per wrapped call"}


def measure_profile(path: Path) -> dict[str, Any]:
    setup_django()
    reset_pre_registrations()
    report: dict[str, Any] = {}
    text = io.StringIO()

    def profiled(step: str, run: Callable[[], None]) -> None:
        if step == "receive":
            run()
            return
        profile = cProfile.Profile()
        profile.enable()
        run()
        profile.disable()
        stats = pstats.Stats(profile, stream=text)
        text.write(f"\n===== {step} of {path.name} (cProfile, top 15 by cumulative time) =====\n")
        stats.sort_stats("cumulative").print_stats(15)
        top = []
        stats_dict: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
        for (filename, line, function), (_cc, calls, tottime, cumtime, _callers) in sorted(
            stats_dict.items(), key=lambda item: item[1][3], reverse=True
        )[:15]:
            where = filename.replace(str(ROOT) + "/", "").split("site-packages/")[-1]
            top.append(
                {
                    "function": f"{where}:{line}({function})",
                    "calls": calls,
                    "tottime": round(tottime, 3),
                    "cumtime": round(cumtime, 3),
                }
            )
        report[step] = top

    result = run_pipeline(path, around=profiled)
    output = RESULTS / "bulk_vooraanmeldingen_profile.txt"
    output.write_text(
        "cProfile of the 100,000-row CSV check and commit (times are inflated by profiling).\n"
        + text.getvalue().replace(str(ROOT) + "/", ""),
        encoding="utf-8",
    )
    return {**result, "top15_by_cumulative": report, "file": str(output.relative_to(ROOT))}


# --- alternatives: bulk_create against COPY on the same rows ------------------------------------


def _copy_rows(sql: str, rows: Iterator[tuple[Any, ...]]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        raw_cursor: Any = cursor.cursor
        with raw_cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)


def measure_alternatives(path: Path) -> dict[str, Any]:
    """The check's steps one by one on the whole file in memory, then the two writes each way."""
    setup_django()
    reset_pre_registrations()
    from django.db import transaction

    from stap.core import clock
    from stap.enrolments.models import (
        FileFormat,
        PreRegistration,
        PreRegistrationUpload,
        StagedRow,
    )
    from stap.enrolments.prereg import checking, committing, comparing
    from stap.enrolments.prereg.content import RegisterFacts, check_content
    from stap.enrolments.prereg.structure import check_structure
    from stap.identity.models import Organisation

    organisation = Organisation.objects.get(kvk_number=KVK)
    today = clock.today()
    seconds: dict[str, float] = {}

    def upload() -> PreRegistrationUpload:
        return PreRegistrationUpload.objects.create(
            organisation=organisation,
            created_by="benchmark",
            created_by_kind="person",
            created_at=clock.now(),
            filename=path.name,
            file_format=FileFormat.CSV,
            size=0,
            sha256="",
            stored_as="",
        )

    def timed(label: str, run: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        value = run()
        seconds[label] = round(time.perf_counter() - started, 3)
        return value

    with path.open("rb") as stream:
        raw = timed(
            "read the file (reader only)", lambda: list(checking.read_rows(stream, FileFormat.CSV))
        )
    rows = timed("stage 1, structure", lambda: [check_structure(row) for row in raw])
    facts = RegisterFacts(on=today)
    timed(
        "register lookups (10,000 offers)",
        lambda: facts.load(row.values.scholings_id for row in rows if row.values),
    )
    first = upload()
    timed(
        "stage 2, content",
        lambda: [
            checking.check_row(row, organisation_id=organisation.pk, facts=facts, today=today)
            for row in rows
        ],
    )
    staged = timed(
        "building StagedRow objects", lambda: [checking.staged_row(first, row) for row in rows]
    )

    def bulk_create() -> None:
        with transaction.atomic():
            StagedRow.objects.bulk_create(staged, batch_size=1_000)

    timed("staging: StagedRow bulk_create (batch 1,000, as now)", bulk_create)
    second = upload()
    columns = (
        "upload_id, number, line, raw, findings, status, studentnummer, scholings_id, "
        "start_date, person, outcome, fixed_by"
    )

    def copy_staged() -> None:
        with transaction.atomic():
            _copy_rows(
                f"COPY enrolments_stagedrow ({columns}) FROM STDIN",
                (
                    (
                        second.pk,
                        row.number,
                        row.line,
                        json.dumps(row.raw, ensure_ascii=False),
                        json.dumps(row.findings, ensure_ascii=False),
                        row.status,
                        row.studentnummer,
                        row.scholings_id,
                        row.start_date,
                        row.person,
                        "",
                        "",
                    )
                    for row in staged
                ),
            )

    timed("staging: COPY into enrolments_stagedrow (same rows)", copy_staged)
    execute("ANALYZE enrolments_stagedrow")
    timed("comparing rows (window functions, one upload)", lambda: comparing.compare_rows(first))
    timed(
        "comparing rows: the two window queries alone",
        lambda: [
            len(list(query(StagedRow.objects.filter(upload=first))))
            for query in (comparing.duplicates, comparing.other_people)
        ],
    )
    now = clock.now()
    matched = []
    for row in rows:
        if row.values is not None:
            _found, match = check_content(
                row.values, organisation_id=organisation.pk, facts=facts, today=today
            )
            if match is not None:
                matched.append(
                    committing.pre_registration_from(
                        row.values, match, organisation_id=organisation.pk, now=now, upload=first
                    )
                )
    update_fields = [
        *[name.removesuffix("_id") for name in committing.VALUE_FIELDS],
        "upload",
        "updated_at",
    ]

    def upsert_bulk_create() -> None:
        for start in range(0, len(matched), committing.CHUNK):
            with transaction.atomic():
                PreRegistration.objects.bulk_create(
                    matched[start : start + committing.CHUNK],
                    update_conflicts=True,
                    unique_fields=["organisation", "studentnummer", "offer", "start_date"],
                    update_fields=update_fields,
                )

    timed("upsert: bulk_create(update_conflicts), chunks of 2,000 (as now)", upsert_bulk_create)
    execute("TRUNCATE enrolments_preregistration CASCADE")
    names = [
        field.column for field in PreRegistration._meta.concrete_fields if field.column != "id"
    ]
    updates = ", ".join(
        f"{column} = EXCLUDED.{column}"
        for column in names
        if column
        not in ("organisation_id", "studentnummer", "offer_id", "start_date", "created_at")
    )

    def upsert_copy() -> None:
        with transaction.atomic():
            execute(
                f"CREATE TEMP TABLE prereg_in ON COMMIT DROP AS SELECT {', '.join(names)} "  # noqa: S608
                "FROM enrolments_preregistration WITH NO DATA"
            )
            _copy_rows(
                f"COPY prereg_in ({', '.join(names)}) FROM STDIN",
                (tuple(getattr(item, field) for field in names) for item in matched),
            )
            execute(
                f"INSERT INTO enrolments_preregistration ({', '.join(names)}) "  # noqa: S608
                f"SELECT {', '.join(names)} FROM prereg_in "
                "ON CONFLICT (organisation_id, studentnummer, offer_id, start_date) "
                f"DO UPDATE SET {updates}"
            )

    timed("upsert: COPY into a temp table + INSERT … ON CONFLICT (one statement)", upsert_copy)
    timed("upsert again, all rows existing: COPY + INSERT … ON CONFLICT", upsert_copy)
    assert PreRegistration.objects.count() == len(matched)
    return {"rows": len(rows), "seconds": seconds}


# --- the floor: a plain COPY --------------------------------------------------------------------

SCRATCH = """
CREATE TABLE IF NOT EXISTS bench_prereg_copy (
    studentnummer varchar(20) NOT NULL, voornaam varchar(200) NOT NULL,
    tussenvoegsel varchar(10), achternaam varchar(200) NOT NULL, geboortedatum date NOT NULL,
    straatnaam varchar(80), huisnummer varchar(10), huisnummertoevoeging varchar(10),
    postcode varchar(10), woonplaats varchar(80) NOT NULL, land varchar(2), email varchar(254),
    scholings_id uuid NOT NULL, cohortcode varchar(60) NOT NULL, startdatum date NOT NULL,
    einddatum date, subsidiebedrag numeric(7, 2) NOT NULL, studiejaar_begin date,
    studiejaar_eind date)
"""


def measure_floor(path: Path) -> dict[str, Any]:
    import csv
    import uuid

    setup_django()
    from django.db import transaction

    execute(SCRATCH)
    seconds: dict[str, float] = {}

    def server_typed() -> None:
        with transaction.atomic(), path.open("rb") as stream:
            from django.db import connection

            with connection.cursor() as cursor:
                raw_cursor: Any = cursor.cursor
                with raw_cursor.copy(
                    "COPY bench_prereg_copy FROM STDIN (FORMAT csv, DELIMITER ';', HEADER true)"
                ) as copy:
                    while block := stream.read(1 << 20):
                        copy.write(block)

    def python_typed() -> None:
        def date(text: str) -> dt.date | None:
            return dt.date.fromisoformat(text) if text else None

        def typed() -> Iterator[tuple[Any, ...]]:
            with path.open(encoding="utf-8-sig", newline="") as stream:
                reader = csv.reader(stream, delimiter=";")
                next(reader)
                for cells in reader:
                    yield (
                        *cells[:4],
                        date(cells[4]),
                        *cells[5:12],
                        uuid.UUID(cells[12]),
                        cells[13],
                        date(cells[14]),
                        date(cells[15]),
                        Decimal(cells[16]),
                        date(cells[17]),
                        date(cells[18]),
                    )

        with transaction.atomic():
            _copy_rows("COPY bench_prereg_copy FROM STDIN", typed())

    for label, run in (
        ("COPY of the file, typed by PostgreSQL", server_typed),
        ("csv module, typed in Python, COPY … write_row", python_typed),
    ):
        execute("TRUNCATE bench_prereg_copy")
        started = time.perf_counter()
        run()
        seconds[label] = round(time.perf_counter() - started, 3)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_prereg_copy")
        found = cursor.fetchone()
    execute("DROP TABLE bench_prereg_copy")
    return {"rows": found[0] if found else 0, "seconds": seconds, "peak_rss_mib": peak_rss_mib()}


# --- the baseline: django-import-export ---------------------------------------------------------


def import_export_resource(organisation_id: int) -> Any:
    """A ModelResource for PreRegistration on the natural key, as a Django team would write it."""
    from import_export import fields, resources, widgets  # type: ignore[import-untyped]

    from stap.core import clock
    from stap.enrolments.models import PreRegistration
    from stap.identity.models import Organisation
    from stap.register.models import Cohort, Offer

    class CohortWidget(widgets.ForeignKeyWidget):  # type: ignore[misc]
        """The cohort code is unique per offer: look it up within the row's offer."""

        def get_queryset(self, value: Any, row: Any, *args: Any, **kwargs: Any) -> Any:
            return Cohort.objects.filter(offer__scholings_id=row["scholings_id"])

    def text(attribute: str, column: str) -> Any:
        return fields.Field(attribute=attribute, column_name=column)

    def date(attribute: str, column: str) -> Any:
        return fields.Field(
            attribute=attribute, column_name=column, widget=widgets.DateWidget("%Y-%m-%d")
        )

    class PreRegistrationResource(resources.ModelResource):  # type: ignore[misc]
        organisation = fields.Field(
            attribute="organisation",
            column_name="organisation",
            widget=widgets.ForeignKeyWidget(Organisation),
        )
        studentnummer = text("studentnummer", "studentnummer")
        first_name = text("first_name", "voornaam")
        name_prefix = text("name_prefix", "tussenvoegsel")
        last_name = text("last_name", "achternaam")
        birth_date = date("birth_date", "geboortedatum")
        street = text("street", "straatnaam")
        house_number = text("house_number", "huisnummer")
        house_number_addition = text("house_number_addition", "huisnummertoevoeging")
        postcode = text("postcode", "postcode")
        city = text("city", "woonplaats")
        country = text("country", "land")
        email = text("email", "email")
        offer = fields.Field(
            attribute="offer",
            column_name="scholings_id",
            widget=widgets.ForeignKeyWidget(Offer, field="scholings_id"),
        )
        cohort = fields.Field(
            attribute="cohort", column_name="cohortcode", widget=CohortWidget(Cohort, field="code")
        )
        start_date = date("start_date", "startdatum")
        end_date = date("end_date", "einddatum")
        amount = fields.Field(
            attribute="amount", column_name="subsidiebedrag", widget=widgets.DecimalWidget()
        )
        study_year_start = date("study_year_start", "studiejaar_begin")
        study_year_end = date("study_year_end", "studiejaar_eind")

        class Meta:
            model = PreRegistration
            fields = (
                "organisation",
                "studentnummer",
                "first_name",
                "name_prefix",
                "last_name",
                "birth_date",
                "street",
                "house_number",
                "house_number_addition",
                "postcode",
                "city",
                "country",
                "email",
                "offer",
                "cohort",
                "start_date",
                "end_date",
                "amount",
                "study_year_start",
                "study_year_end",
            )
            import_id_fields = ("organisation", "studentnummer", "offer", "start_date")
            use_bulk = True
            batch_size = 1_000
            skip_diff = True  # the documented advice for bulk imports
            clean_model_instances = True  # full_clean: the model's own validation

        def before_import(self, dataset: Any, **kwargs: Any) -> None:
            # The KvK comes from the sign-in, never from the file.
            dataset.append_col([organisation_id] * len(dataset), header="organisation")

        def init_instance(self, row: Any = None) -> Any:
            instance = super().init_instance(row)
            instance.created_at = instance.updated_at = clock.now()
            return instance

    return PreRegistrationResource()


def measure_import_export(path: Path, *, without_index: bool, trace: bool) -> dict[str, Any]:
    setup_django()
    reset_pre_registrations()
    from django.db import transaction

    import tablib  # type: ignore[import-untyped]

    from stap.enrolments.models import PreRegistration
    from stap.identity.models import Organisation

    organisation = Organisation.objects.get(kvk_number=KVK)
    baseline = rss_mib()
    if trace:
        tracemalloc.start()
    seconds: dict[str, float] = {}
    counts: dict[str, Any] = {}

    def run() -> None:
        started = time.perf_counter()
        dataset = tablib.Dataset().load(
            path.read_text(encoding="utf-8-sig"), format="csv", delimiter=";"
        )
        seconds["load"] = round(time.perf_counter() - started, 3)
        resource_ = import_export_resource(organisation.pk)
        started = time.perf_counter()
        preview = resource_.import_data(dataset, dry_run=True)
        seconds["dry_run"] = round(time.perf_counter() - started, 3)
        counts["dry_run_errors"] = preview.has_errors() or preview.has_validation_errors()
        if counts["dry_run_errors"]:
            counts["first_invalid"] = str(preview.invalid_rows[:1] or preview.row_errors()[:1])
            return
        started = time.perf_counter()
        imported = resource_.import_data(dataset, dry_run=False)
        seconds["import"] = round(time.perf_counter() - started, 3)
        counts["totals"] = dict(imported.totals)
        counts["pre_registrations"] = PreRegistration.objects.count()

    if without_index:
        # Inside a transaction that is rolled back: the benchmark's database keeps its indexes.
        class Rollback(Exception):
            pass

        try:
            with transaction.atomic():
                execute(
                    "ALTER TABLE enrolments_preregistration "
                    "DROP CONSTRAINT prereg_one_per_student_offer_start"
                )
                execute(
                    "DO $$ DECLARE name text; BEGIN FOR name IN SELECT indexname FROM pg_indexes "
                    "WHERE tablename = 'enrolments_preregistration' AND indexname <> "
                    "'enrolments_preregistration_pkey' LOOP EXECUTE 'DROP INDEX ' || name; "
                    "END LOOP; END $$"
                )
                run()
                raise Rollback
        except Rollback:
            pass
    else:
        run()
    result: dict[str, Any] = {
        "rows": IE_ROWS,
        "without_index": without_index,
        "seconds": seconds,
        "dry_run_and_import_seconds": round(
            seconds.get("dry_run", 0) + seconds.get("import", 0), 3
        ),
        **counts,
    }
    if trace:
        result["python_peak_mib"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
    else:
        result["rss_after_setup_mib"] = baseline
        result["peak_rss_mib"] = peak_rss_mib()
    return result


# --- running it all -----------------------------------------------------------------------------


def measure(args: argparse.Namespace) -> dict[str, Any]:
    path = file_path(args.format, args.rows, bad=args.bad)
    if args.what == "pipeline":
        return measure_pipeline(path, trace=args.trace)
    if args.what == "phases":
        return measure_phases(path)
    if args.what == "profile":
        return measure_profile(path)
    if args.what == "alternatives":
        return measure_alternatives(path)
    if args.what == "floor":
        return measure_floor(path)
    if args.what == "import-export":
        return measure_import_export(path, without_index=args.without_index, trace=args.trace)
    raise SystemExit(f"unknown measurement {args.what}")


PARTS = WORK / "parts"


def child(name: str, *arguments: str) -> dict[str, Any]:
    """One measurement in a fresh process; its JSON, also kept in var/ as a part (so that a
    report can be assembled from the parts measured so far: ``assemble``)."""
    started = time.perf_counter()
    print(f"→ {name}: {' '.join(arguments)}", flush=True)
    completed = subprocess.run(  # noqa: S603 - our own script, our own arguments
        [sys.executable, __file__, *arguments],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout + completed.stderr)
        raise SystemExit(f"{name} failed")
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    PARTS.mkdir(parents=True, exist_ok=True)
    (PARTS / f"{name}.json").write_text(json.dumps(result, ensure_ascii=False), "utf-8")
    print(f"  {result['wall_seconds']} s: {json.dumps(result)[:300]}", flush=True)
    return result


def plan(*, big: bool, trace: bool) -> list[tuple[str, list[str]]]:
    """Every measurement: (part name, arguments), cheapest and most telling first."""
    rows = str(ROWS)
    csv_flags = ["--format", "csv", "--rows", rows]
    ie_flags = ["--format", "csv", "--rows", str(IE_ROWS)]
    steps: list[tuple[str, list[str]]] = [
        ("prepare", ["prepare", *(["--big"] if big else [])]),
        ("floor", ["measure", "floor", *csv_flags]),
        ("import_export_indexed", ["measure", "import-export", *ie_flags]),
        ("import_export_without_index", ["measure", "import-export", *ie_flags, "--without-index"]),
        ("pipeline_csv_10000", ["measure", "pipeline", *ie_flags]),
        ("pipeline_csv_100000", ["measure", "pipeline", *csv_flags]),
        ("phases_csv", ["measure", "phases", *csv_flags]),
        ("pipeline_xml_100000", ["measure", "pipeline", "--format", "xml", "--rows", rows]),
        ("pipeline_csv_100000_1pct_bad", ["measure", "pipeline", *csv_flags, "--bad"]),
        ("alternatives", ["measure", "alternatives", *csv_flags]),
        ("profile_csv", ["measure", "profile", *csv_flags]),
        ("phases_xml", ["measure", "phases", "--format", "xml", "--rows", rows]),
        (
            "pipeline_xml_100000_1pct_bad",
            ["measure", "pipeline", "--format", "xml", "--rows", rows, "--bad"],
        ),
    ]
    if trace:
        steps += [
            ("pipeline_csv_10000_traced", ["measure", "pipeline", *ie_flags, "--trace"]),
            ("pipeline_csv_100000_traced", ["measure", "pipeline", *csv_flags, "--trace"]),
            ("import_export_indexed_traced", ["measure", "import-export", *ie_flags, "--trace"]),
        ]
    if big:
        big_flags = ["--format", "csv", "--rows", str(BIG_ROWS)]
        steps.append((f"pipeline_csv_{BIG_ROWS}", ["measure", "pipeline", *big_flags]))
    return steps


def run_all(*, big: bool, trace: bool, only: set[str]) -> None:
    for name, arguments in plan(big=big, trace=trace):
        if not only or name in only:
            child(name, *arguments)


def assemble() -> dict[str, Any]:
    """The report, from every part measured so far."""
    parts = {path.stem: json.loads(path.read_text("utf-8")) for path in PARTS.glob("*.json")}
    prepared = parts.pop("prepare", {})
    report: dict[str, Any] = {
        "benchmark": "bulk_vooraanmeldingen",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": "python benchmarks/bulk_vooraanmeldingen.py",
        "machine": prepared.get("machine"),
        "register": prepared.get("register"),
        "files": prepared.get("files"),
        "targets": TARGETS,
        "measurements": dict(sorted(parts.items())),
        "notes": [
            "Each part ran in a fresh subprocess; peak_rss_mib is VmHWM of that process "
            "(Django included: rss_after_setup_mib), python_peak_mib is tracemalloc's peak in a "
            "separate, slower run.",
            "The machine (2 cores) was shared with other sessions' test suites during some parts;"
            " wall times vary by about 30 % between runs (see docs/benchmarks.md).",
            "import_export_*: 10,000 rows; multiply by 10 for 100,000.",
        ],
    }
    summary: dict[str, Any] = {}
    ie = parts.get("import_export_indexed")
    if ie and "import" in ie["seconds"]:
        summary["import_export_100k_extrapolated_seconds"] = round(
            ie["dry_run_and_import_seconds"] * ROWS / IE_ROWS, 1
        )
    ie_bare = parts.get("import_export_without_index")
    if ie_bare and "import" in ie_bare["seconds"]:
        summary["import_export_100k_extrapolated_seconds_without_index"] = round(
            ie_bare["dry_run_and_import_seconds"] * ROWS / IE_ROWS, 1
        )
    if floor := parts.get("floor"):
        summary["copy_floor_seconds"] = floor["seconds"]["COPY of the file, typed by PostgreSQL"]
    for key, label in (("pipeline_csv_100000", "csv"), ("pipeline_xml_100000", "xml")):
        if run := parts.get(key):
            summary[f"{label}_100k_check_and_commit_seconds"] = run["check_and_commit_seconds"]
            summary[f"{label}_100k_peak_rss_mib"] = run["peak_rss_mib"]
            summary[f"{label}_target_met"] = (
                run["check_and_commit_seconds"] <= TARGETS[f"{label}_seconds"]
                and run["peak_rss_mib"] <= TARGETS["peak_memory_mb"]
            )
    report["summary"] = summary
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Benchmark of vooraanmeldingen in bulk.")
    parser.add_argument(
        "command", nargs="?", default="all", choices=("all", "prepare", "measure", "assemble")
    )
    parser.add_argument("what", nargs="?", default="")
    parser.add_argument("--format", default="csv", choices=("csv", "xml"))
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--bad", action="store_true")
    parser.add_argument("--trace", action="store_true")
    parser.add_argument("--without-index", action="store_true")
    parser.add_argument("--big", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated part names (see plan())")
    args = parser.parse_args(argv)
    if args.command == "prepare":
        print(json.dumps(prepare(big=args.big)))
    elif args.command == "measure":
        print(json.dumps(measure(args), ensure_ascii=False))
    else:
        if args.command == "all":
            run_all(big=args.big, trace=args.trace, only=set(filter(None, args.only.split(","))))
        report = assemble()
        output = RESULTS / "bulk_vooraanmeldingen.json"
        output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
        print(f"wrote {output.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
