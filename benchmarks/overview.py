"""Benchmark: the Opleidersportaal overview and CSV export over 100,000 granted applications.

    make benchmark   (DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/stap_bench)

Seeds one provider with 100,000 granted applications in PostgreSQL (once; reruns reuse them),
then measures server time through Django's full request stack (middleware, session, view,
template) with the test client: the first page, a filtered page, a search, a deep page and the
full CSV export (time, and peak Python memory while streaming). Writes
benchmarks/results/overview.json. Targets (issue #2): p95 ≤ 50 ms per page; export ≤ 3 s with
memory that does not grow with the row count.

Seeding writes rows with bulk_create instead of one service call per row (a service call per row
would take most of an hour); the rows have the shape the services produce.
"""

import datetime as dt
import json
import os
import random
import statistics
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.test import Client

from django.http import StreamingHttpResponse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/stap_bench")
os.environ.setdefault("STAP_ENV", "test")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stap.conf.settings")

from benchmarks.common import ensure_database, machine  # noqa: E402 - after sys.path

ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "60"))
KVK = "80000001"


def seed() -> None:
    from tests import factories

    from stap.budget.models import Application, ApplicationStatus
    from stap.identity.models import Organisation

    organisation = Organisation.objects.filter(kvk_number=KVK).first()
    if organisation and organisation.applications.count() >= ROWS:
        return
    print(f"seeding {ROWS} applications…", flush=True)
    organisation = organisation or factories.organisation(kvk_number=KVK, name="Benchmark B.V.")
    trainings = [
        factories.training(organisation=organisation, name=f"Opleiding {number}")
        for number in range(5)
    ]
    cohorts = [
        factories.cohort(training=training, start_date=dt.date(2026, month, 1))
        for training in trainings
        for month in (1, 4, 7, 10)
    ]
    period = factories.period()
    rng = random.Random(7)
    statuses = [
        *[ApplicationStatus.PROVISIONALLY_GRANTED] * 70,
        *[ApplicationStatus.SETTLED] * 20,
        ApplicationStatus.WITHDRAWN,
        ApplicationStatus.CANCELLED,
        ApplicationStatus.RECLAIMED,
    ]
    now = dt.datetime.now(dt.UTC)
    existing = organisation.applications.count()
    batch = []
    for number in range(existing, ROWS):
        cohort = rng.choice(cohorts)
        first_name = rng.choice(["Anna", "Bram", "Chaima", "Daan", "Emma", "Fatima"])
        name_prefix = rng.choice(["", "", "van", "de"])
        last_name = rng.choice(["Jansen", "Bakker", "Visser", "Smit", "Kok"]) + str(number % 997)
        batch.append(
            Application(
                aanvraagnummer=f"STAP-2026-{9_000_000 + number:07d}",
                period=period,
                organisation=organisation,
                training_id=cohort.offer.training_id,
                cohort=cohort,
                studentnummer=f"B{number:08d}",
                first_name=first_name,
                name_prefix=name_prefix,
                last_name=last_name,
                search_text=Application.search_text_for(
                    first_name=first_name, name_prefix=name_prefix, last_name=last_name
                ),
                start_date=cohort.start_date,
                end_date=cohort.end_date,
                amount=Decimal("750.00"),
                status=rng.choice(statuses),
                submitted_at=now,
                granted_at=now,
                status_changed_at=now,
            )
        )
        if len(batch) == 5000:
            Application.objects.bulk_create(batch)
            batch = []
    Application.objects.bulk_create(batch)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE budget_application")


def signed_in_client() -> "Client":
    from django.test import Client

    from tests.signin import sign_in_provider

    client = Client(HTTP_HOST="127.0.0.1")
    sign_in_provider(client, kvk_number=KVK)
    return client


def measure_page(client: "Client", path: str, params: dict[str, str]) -> dict[str, float]:
    timings = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        response = client.get(path, params)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    timings.sort()
    return {
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
        "max_ms": round(timings[-1], 1),
    }


def measure_export(client: "Client", params: dict[str, str]) -> dict[str, float]:
    """Time one export untraced, then trace a second one for its peak Python memory."""

    def run() -> tuple[int, int]:
        response = client.get("/opleidersportaal/toegekende-aanvragen/export.csv", params)
        rows = size = 0
        assert isinstance(response, StreamingHttpResponse)
        for chunk in response.streaming_content:
            rows += chunk.count(b"\n")
            size += len(chunk)
        return rows - 1, size

    start = time.perf_counter()
    rows, size = run()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    run()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "bytes": size,
        "peak_python_memory_mib": round(peak / 2**20, 2),
    }


def main() -> None:
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    seed()
    from stap.budget.models import Application

    client = signed_in_client()
    sample = Application.objects.filter(organisation__kvk_number=KVK).first()
    assert sample is not None
    training_id = str(sample.training_id)
    path = "/opleidersportaal/toegekende-aanvragen/"
    from stap.budget.pagination import encode_cursor
    from stap.budget.selectors import SORTS

    middle = Application.objects.filter(organisation__kvk_number=KVK).order_by(
        *SORTS["-startdatum"]
    )[ROWS // 2]
    deep_cursor = encode_cursor(middle, SORTS["-startdatum"])
    results = {
        "first_page": measure_page(client, path, {}),
        "filtered_page": measure_page(
            client, path, {"status": "vastgesteld", "opleiding": training_id}
        ),
        "search_name": measure_page(client, path, {"q": "jansen12"}),
        "search_number": measure_page(client, path, {"q": "B00054321"}),
        "sorted_by_student": measure_page(client, path, {"sorteer": "student"}),
        "deep_page": measure_page(client, path, {"na": deep_cursor}),
    }
    export_all = measure_export(client, {})
    export_tenth = measure_export(client, {"status": "vastgesteld", "opleiding": training_id})
    report = {
        "benchmark": "overview",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "rows": ROWS,
        "repeat": REPEAT,
        "machine": machine(),
        "pages": results,
        "export_all": export_all,
        "export_filtered": export_tenth,
        "targets": {"page_p95_ms": 50, "export_seconds": 3},
    }
    output = ROOT / "benchmarks/results/overview.json"
    output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
