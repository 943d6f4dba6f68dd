"""Benchmark: the opening of an application period (issue #6).

    .venv/bin/python benchmarks/opening.py [polls|allocation|submissions|all]
        [--processes 4] [--citizens 60000] [--workers 5] [--cores 0]
    (DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/stap_bench_opening)

- ``polls``: 300,000 people loaded straight into the waiting room (COPY), the draw timed, then
  the product served as in production (gunicorn, several workers, pinned to core 0 with
  ``taskset``) while ``wrk`` (pinned to core 1) polls with 2,000 different valid tickets: the
  status endpoint the page's script polls, and the whole page (the path without JavaScript).
  The database's row writes are read from ``pg_stat_database`` before and after: a poll must
  write nothing. Goal: ≥ 5,000 polls/s.
- ``allocation``: 60,000 submitted applications (bulk-inserted) for a period whose budget covers
  40,000 grants of varying amounts, over 250 offers under the default cap of 300, with 2,000
  people applying twice; several processes decide them at once through ``application_allocate``
  (money, cap and the person's year). Then the totals are checked: not a cent over budget, no
  double grants, the cap respected, every application granted or rejected with a reason.
  This measures the allocation core alone.
- ``submissions``: the issue's phase 2 through the product: ``--citizens`` people, each with a
  BRP record, an aanmeldingsbewijs, a vooraanmelding, an admitted place in the waiting room, a
  DigiD session (seeded in the session table, as the ACS leaves it) and a ticket, POST the form
  once each over HTTP (CSRF token and all) to gunicorn pinned to ``--cores``, from 32
  connections of a client pinned to core 1; the budget covers two thirds of them. Then the
  totals are checked (phase 3): not a cent over budget, no double grants, none lost.

Writes benchmarks/results/opening.json.
"""

import argparse
import datetime as dt
import json
import multiprocessing
import os
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/stap_bench_opening")
os.environ.setdefault("STAP_ENV", "test")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stap.conf.settings")

from benchmarks.common import ensure_database, machine  # noqa: E402 - after sys.path

RESULTS = ROOT / "benchmarks/results/opening.json"
WAITING = 300_000
TICKETS = 2_000
APPLICATIONS = 60_000
GRANTS_COVERED = 40_000
TWICE = 2_000
OFFERS = 250
PORT = 8765
TASKSET = shutil.which("taskset") or "/usr/bin/taskset"
WRK = shutil.which("wrk") or "/usr/bin/wrk"
TARGETS = {"polls_per_second": 5000, "applications_per_second": 300, "p99_seconds": 1.0}


def setup() -> None:
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    from django.db import connection

    with connection.cursor() as cursor:
        # A database of its own: every measurement starts from nothing (CASCADE empties the
        # register, the applications and the rest that hangs off organisations).
        cursor.execute(
            "TRUNCATE identity_organisation, identity_resident, django_session, "
            "budget_waitingroomentry, budget_offeryeargrants, budget_application, "
            "budget_applicationperiod, budget_grantcap RESTART IDENTITY CASCADE"
        )


def period(name: str, *, budget: Decimal) -> Any:
    from tests import factories

    from stap.budget.services import application_period_create
    from stap.core import clock

    now = clock.now()
    return application_period_create(
        actor=factories.ACTOR,
        name=name,
        opens_at=now - dt.timedelta(minutes=1),
        closes_at=now + dt.timedelta(days=14),
        budget=budget,
    )


# --- phase 1: polls -------------------------------------------------------------------------------


def gunicorn(*, cores: str, workers: int) -> "subprocess.Popen[bytes]":
    """The product as in production, pinned to ``cores``; give it a few seconds to start."""
    return subprocess.Popen(  # noqa: S603 - our own command line
        [
            TASKSET,
            "-c",
            cores,
            str(ROOT / ".venv/bin/gunicorn"),
            "stap.wsgi:application",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT / "src",
        env={**os.environ, "ALLOWED_HOSTS": "127.0.0.1"},
    )


def writes() -> int:
    """Rows inserted, updated and deleted in this database so far (PostgreSQL's statistics)."""
    from django.db import connection

    time.sleep(1.5)  # statistics reach the shared counters within a second of a transaction
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT tup_inserted + tup_updated + tup_deleted FROM pg_stat_database "
            "WHERE datname = current_database()"
        )
        return int(cursor.fetchone()[0])


def fill_the_waiting_room(period_id: int) -> None:
    from django.db import connection

    now = dt.datetime.now(dt.UTC)
    entries: set[str] = set()
    while len(entries) < WAITING:
        entries.add(secrets.token_hex(5).upper())
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            "COPY budget_waitingroomentry (period_id, person, entry, joined_at) FROM STDIN"
        ) as copy,
    ):
        for entry in entries:
            copy.write_row((period_id, secrets.token_hex(32), entry, now))


def lua_script(cookies: list[str], path: str) -> Path:
    lines = ",\n".join(f'  "{cookie}"' for cookie in cookies)
    script = f"""
local cookies = {{
{lines}
}}
math.randomseed(42)
request = function()
  local cookie = cookies[math.random(#cookies)]
  return wrk.format("GET", "{path}", {{["Cookie"] = "stap_wachtkamer=" .. cookie}})
end
"""
    file = Path(tempfile.mkstemp(suffix=".lua")[1])
    file.write_text(script)
    return file


def wrk(script: Path, *, seconds: int) -> dict[str, Any]:
    output = subprocess.run(  # noqa: S603 - our own command line
        [
            TASKSET,
            "-c",
            "1",
            WRK,
            "-t2",
            "-c64",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(script),
            f"http://127.0.0.1:{PORT}/",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    latency = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)$", output, re.MULTILINE))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "requests_per_second": rate,
        "latency": {f"p{key}": value for key, value in latency.items()},
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "raw": output,
    }


def measure_polls() -> dict[str, Any]:
    from stap.budget.models import WaitingRoomEntry
    from stap.budget.waiting_room import tickets
    from stap.budget.waiting_room.queue import draw

    opening = period("Opening", budget=Decimal("34000000.00"))
    started = time.perf_counter()
    fill_the_waiting_room(opening.pk)
    filled = time.perf_counter() - started
    from django.db import connection

    opening.opens_at = opening.opens_at  # drawn now: it opened a minute ago
    started = time.perf_counter()
    draw(period_id=opening.pk)
    drawn = time.perf_counter() - started
    sample = list(
        WaitingRoomEntry.objects.filter(period=opening)
        .order_by("?")
        .values_list("entry", "person", "place")[:TICKETS]
    )
    cookies = [
        tickets.issue(tickets.Ticket(period_id=opening.pk, entry=e, person=p, place=pl))
        for e, p, pl in sample
    ]
    connection.close()
    workers = 2 * (os.cpu_count() or 2) + 1
    server = gunicorn(cores="0", workers=workers)
    try:
        time.sleep(4)
        results: dict[str, Any] = {}
        for name, path in (
            ("status_endpoint", "/mijn-stap-budget/wachtkamer/stand/"),
            ("whole_page", "/mijn-stap-budget/wachtkamer/"),
        ):
            script = lua_script(cookies, path)
            wrk(script, seconds=3)  # warm-up: workers load code and the period's state
            before = writes()
            run = wrk(script, seconds=20)
            run["database_row_writes"] = writes() - before
            results[name] = run
    finally:
        server.terminate()
        server.wait(timeout=10)
    return {
        "waiting": WAITING,
        "fill_seconds": round(filled, 2),
        "draw_seconds": round(drawn, 2),
        "gunicorn_workers": workers,
        "pinning": "gunicorn on core 0 (taskset -c 0), wrk on core 1; PostgreSQL unpinned",
        **{name: {k: v for k, v in run.items() if k != "raw"} for name, run in results.items()},
        "wrk_output": {name: run["raw"] for name, run in results.items()},
    }


# --- phase 2: the allocation core -----------------------------------------------------------------


def seed_applications(opening: Any) -> list[int]:
    from django.db import connection

    from tests import factories
    from tests.budget.bsns import bsns

    from stap.budget.models import Application
    from stap.core import clock

    organisation = factories.organisation(kvk_number="77000002", name="Opening B.V.")
    cohorts = [
        factories.cohort(
            training=factories.training(organisation=organisation, name=f"Opleiding {number}")
        )
        for number in range(OFFERS)
    ]
    rng = random.Random(2023)
    people = bsns(60_000_000)
    applicants = [next(people) for _ in range(APPLICATIONS - TWICE)]
    applicants += rng.sample(applicants, TWICE)
    now = clock.now()
    rows = []
    for number, bsn in enumerate(applicants):
        cohort = rng.choice(cohorts)
        rows.append(
            (
                opening.pk,
                organisation.pk,
                cohort.offer.training_id,
                cohort.pk,
                f"S{number:07d}",
                "Anna",
                "",
                "Jansen",
                "anna jansen",
                cohort.start_date,
                cohort.end_date,
                Decimal(rng.randrange(10_000, 100_001)) / 100,
                "ingediend",
                now,
                now,
                bsn,
                False,
                "",
            )
        )
    columns = (
        "period_id, organisation_id, training_id, cohort_id, studentnummer, first_name, "
        "name_prefix, last_name, search_text, start_date, end_date, amount, status, "
        "submitted_at, status_changed_at, bsn, assisted, rejection_reason"
    )
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY budget_application ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
    amounts = sorted(row[11] for row in rows)
    budget = sum(rng.sample(amounts, GRANTS_COVERED), Decimal("0"))
    type(opening).objects.filter(pk=opening.pk).update(budget=budget)
    ids = list(Application.objects.filter(period=opening).values_list("pk", flat=True))
    rng.shuffle(ids)
    return ids


def decide(ids: list[int], queue: "multiprocessing.Queue[list[float]]") -> None:
    import django

    django.setup()
    from tests import factories

    from stap.budget.models import Application
    from stap.budget.services import application_allocate

    seconds = []
    for pk in ids:
        started = time.perf_counter()
        application_allocate(actor=factories.ACTOR, application=Application(pk=pk))
        seconds.append(time.perf_counter() - started)
    queue.put(seconds)


def measure_allocation(processes: int) -> dict[str, Any]:
    from django.db import connection
    from django.db.models import Count, Sum

    from stap.budget.allocation import HOLDING
    from stap.budget.models import Application, ApplicationPeriod, OfferYearGrants

    opening = period("Toewijzing", budget=Decimal("1.00"))
    ids = seed_applications(opening)
    connection.close()
    queue: multiprocessing.Queue[list[float]] = multiprocessing.Queue()
    workers = [
        multiprocessing.Process(target=decide, args=(ids[i::processes], queue))
        for i in range(processes)
    ]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    seconds = [value for _ in workers for value in queue.get()]
    for worker in workers:
        worker.join()
    wall = time.perf_counter() - started
    opening.refresh_from_db()
    held = Application.objects.filter(period=opening, status__in=HOLDING)
    granted_total = held.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    per_offer = dict(
        held.values_list("cohort__offer").annotate(n=Count("pk")).values_list("cohort__offer", "n")
    )
    counters = dict(OfferYearGrants.objects.values_list("offer", "grants"))
    reasons = dict(
        Application.objects.filter(period=opening, status="afgewezen")
        .values_list("rejection_reason")
        .annotate(n=Count("pk"))
        .values_list("rejection_reason", "n")
    )
    seconds.sort()
    return {
        "applications": APPLICATIONS,
        "processes": processes,
        "wall_seconds": round(wall, 2),
        "applications_per_second": round(APPLICATIONS / wall, 1),
        "latency_seconds": {
            "p50": round(statistics.median(seconds), 4),
            "p99": round(seconds[int(len(seconds) * 0.99)], 4),
            "max": round(seconds[-1], 4),
        },
        "budget": str(opening.budget),
        "granted_total": str(granted_total),
        "period_counter": str(ApplicationPeriod.objects.get(pk=opening.pk).granted),
        "over_budget": granted_total > opening.budget,
        "counter_matches": granted_total == opening.granted,
        "double_grants": held.values("bsn").annotate(n=Count("pk")).filter(n__gt=1).count(),
        "offers_over_the_cap": sum(1 for grants in per_offer.values() if grants > 300),
        "cap_counters_match": all(counters.get(offer) == n for offer, n in per_offer.items()),
        "granted": held.count(),
        "rejected_by_reason": reasons,
        "undecided": Application.objects.filter(period=opening, status="ingediend").count(),
    }


# --- phase 2 through the product: the form over HTTP ---------------------------------------------


def seed_submissions(count: int) -> list[dict[str, str]]:
    """An open, drawn period; ``count`` citizens each with a BRP record, an aanmeldingsbewijs and
    a vooraanmelding, an admitted place, a DigiD session and a ticket; returns per citizen the
    cookies and form fields of the submission."""
    from django.contrib.sessions.backends.base import VALID_KEY_CHARS
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils.crypto import get_random_string

    from tests import factories
    from tests.budget.bsns import bsns

    from stap.budget.models import ApplicationPeriod, WaitingRoomEntry
    from stap.budget.waiting_room import tickets
    from stap.core import clock
    from stap.enrolments.models import PreRegistration, ProofStatus, RegistrationProof
    from stap.enrolments.proofs.codes import new_code
    from stap.identity.models import Resident
    from stap.identity.signin import DIGID_SESSION_KEY
    from stap.register.services import recognition_record
    from stap.register.values import RecognitionKind

    now = clock.now()
    today = clock.today()
    organisation = factories.organisation(kvk_number="77000003", name="Formulier B.V.")
    cohorts = []
    for number in range(OFFERS):
        training = factories.training(organisation=organisation, name=f"Cursus {number}")
        if number == 0:
            recognition_record(
                actor=factories.ACTOR,
                provider=training.provider,
                kind=RecognitionKind.NRTO,
                valid_from=today - dt.timedelta(days=365),
            )
        cohorts.append(
            factories.cohort(
                training=training,
                start_date=today + dt.timedelta(weeks=8),
                amount=Decimal("1000.00"),
            )
        )
    rng = random.Random(2023)
    people = bsns(70_000_000)
    born = dt.date(1990, 5, 17)
    residents, proofs, pre_registrations, entries, sessions = [], [], [], [], []
    submissions: list[dict[str, str]] = []
    amounts = []
    for number in range(count):
        bsn = next(people)
        cohort = rng.choice(cohorts)
        offer = cohort.offer
        amount = Decimal(rng.randrange(10_000, 100_001)) / 100
        amounts.append(amount)
        person = {
            "studentnummer": f"S{number:07d}",
            "first_name": "Anna",
            "last_name": "Jansen",
            "birth_date": born,
            "city": "Utrecht",
            "postcode": "3511 AB",
            "start_date": cohort.start_date,
            "end_date": cohort.end_date,
            "amount": amount,
        }
        residents.append(
            Resident(
                bsn=bsn,
                first_names="Anna",
                last_name="Jansen",
                birth_date=born,
                updated_at=now,
            )
        )
        code = new_code()
        proofs.append(
            RegistrationProof(
                **person,
                organisation=organisation,
                offer=offer,
                cohort=cohort,
                provider_name=organisation.name,
                provider_code=offer.training.provider.code,
                training_name=offer.training.name,
                cohort_code=cohort.code,
                code=code,
                status=ProofStatus.ISSUED,
                issued_at=now,
                issued_by="benchmark",
            )
        )
        pre_registrations.append(
            PreRegistration(
                **person,
                organisation=organisation,
                offer=offer,
                cohort=cohort,
                created_at=now,
                updated_at=now,
            )
        )
        store = SessionStore()
        key = get_random_string(32, VALID_KEY_CHARS)
        data = {DIGID_SESSION_KEY: {"bsn": bsn, "level": "Midden", "signed_in_at": now.isoformat()}}
        sessions.append(
            Session(
                session_key=key,
                session_data=store.encode(data),
                expire_date=now + dt.timedelta(hours=2),
            )
        )
        entry = f"{number:010X}"
        entries.append((entry, tickets.person_key(bsn), number + 1))
        submissions.append(
            {
                "session": key,
                "entry": entry,
                "studentnummer": str(person["studentnummer"]),
                "code": code,
            }
        )
    Resident.objects.bulk_create(residents, batch_size=2_000)
    RegistrationProof.objects.bulk_create(proofs, batch_size=2_000)
    PreRegistration.objects.bulk_create(pre_registrations, batch_size=2_000)
    Session.objects.bulk_create(sessions, batch_size=2_000)
    opening = period("Formulier", budget=Decimal("1.00"))
    budget = sum(rng.sample(amounts, count * 2 // 3), Decimal("0"))
    ApplicationPeriod.objects.filter(pk=opening.pk).update(
        budget=budget,
        drawn_at=now,
        places_given=count,
        admission_since=now,
        admitted_before=count,
    )
    WaitingRoomEntry.objects.bulk_create(
        [
            WaitingRoomEntry(period=opening, person=key, entry=entry, joined_at=now, place=place)
            for entry, key, place in entries
        ],
        batch_size=5_000,
    )
    for submission, (entry, key, place) in zip(submissions, entries, strict=True):
        submission["ticket"] = tickets.issue(
            tickets.Ticket(period_id=opening.pk, entry=entry, person=key, place=place)
        )
    return submissions


def submit_all(submissions: list[dict[str, str]], *, connections: int) -> list[tuple[int, float]]:
    """POST every submission once, ``connections`` at a time; (status, seconds) per request."""
    import urllib3

    pool = urllib3.HTTPConnectionPool("127.0.0.1", PORT, maxsize=connections, block=True)
    csrf_characters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

    def one(submission: dict[str, str]) -> tuple[int, float]:
        secret = "".join(random.choice(csrf_characters) for _ in range(32))
        cookie = (
            f"sessionid={submission['session']}; csrftoken={secret}; "
            f"stap_wachtkamer={submission['ticket']}"
        )
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": secret,
                "studentnummer": submission["studentnummer"],
                "code": submission["code"],
                "actie": "indienen",
            }
        )
        started = time.perf_counter()
        response = pool.request(
            "POST",
            "/mijn-stap-budget/aanvragen/",
            body=body,
            headers={
                "Cookie": cookie,
                "Content-Type": "application/x-www-form-urlencoded",
                "Host": "127.0.0.1",
            },
            redirect=False,
        )
        return response.status, time.perf_counter() - started

    with ThreadPoolExecutor(connections) as threads:
        return list(threads.map(one, submissions))


def measure_submissions(count: int, *, workers: int, cores: str) -> dict[str, Any]:
    from django.db import connection
    from django.db.models import Count, Sum

    from stap.budget.allocation import HOLDING
    from stap.budget.models import Application, ApplicationPeriod

    started = time.perf_counter()
    submissions = seed_submissions(count)
    seeded = time.perf_counter() - started
    connection.close()
    os.sched_setaffinity(0, {1})  # the client on core 1
    server = gunicorn(cores=cores, workers=workers)
    try:
        time.sleep(4)
        started = time.perf_counter()
        results = submit_all(submissions, connections=32)
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=10)
    latencies = sorted(seconds for _status, seconds in results)
    statuses: dict[str, int] = {}
    for status, _seconds in results:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    opening = ApplicationPeriod.objects.get(name="Formulier")
    decided = dict(
        Application.objects.filter(period=opening)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    held = Application.objects.filter(period=opening, status__in=HOLDING)
    granted_total = held.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    return {
        "citizens": count,
        "seed_seconds": round(seeded, 1),
        "gunicorn_workers": workers,
        "gunicorn_cores": cores,
        "client": "32 connections from a thread pool pinned to core 1",
        "wall_seconds": round(wall, 2),
        "applications_per_second": round(count / wall, 1),
        "latency_seconds": {
            "p50": round(statistics.median(latencies), 4),
            "p99": round(latencies[int(len(latencies) * 0.99)], 4),
            "max": round(latencies[-1], 4),
        },
        "http_statuses": statuses,
        "applications_by_status": decided,
        "budget": str(opening.budget),
        "granted_total": str(granted_total),
        "over_budget": granted_total > opening.budget,
        "counter_matches": granted_total == opening.granted,
        "double_grants": held.values("bsn").annotate(n=Count("pk")).filter(n__gt=1).count(),
        "lost": count - sum(decided.values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "what", nargs="?", default="all", choices=["polls", "allocation", "submissions", "all"]
    )
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--citizens", type=int, default=APPLICATIONS)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--cores", default="0")
    args = parser.parse_args()
    setup()
    report: dict[str, Any] = {}
    if RESULTS.exists():
        report = json.loads(RESULTS.read_text("utf-8"))
    report.update(
        {
            "benchmark": "opening",
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "command": f"python benchmarks/opening.py {args.what}",
            "machine": machine(),
            "targets": TARGETS,
        }
    )
    if args.what in ("polls", "all"):
        report["polls"] = measure_polls()
        setup()
    if args.what in ("allocation", "all"):
        report["allocation"] = measure_allocation(args.processes)
        setup()
    if args.what in ("submissions", "all"):
        cores = args.cores.replace(",", "_")
        report[f"submissions_{args.citizens}_on_cores_{cores}"] = measure_submissions(
            args.citizens, workers=args.workers, cores=args.cores
        )
    RESULTS.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", "utf-8")
    summary = {key: value for key, value in report.items() if key not in ("machine",)}
    if "polls" in summary:
        summary["polls"] = {k: v for k, v in summary["polls"].items() if k != "wrk_output"}
    print(json.dumps(summary, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
