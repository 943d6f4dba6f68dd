"""Bulk runs: submitted, queued, processed by the worker with visible progress, and read back
only by their own organisation."""

import datetime as dt
import hashlib
from collections.abc import Sequence
from unittest import mock

from django.core.management import call_command
from django.http import Http404
from django.test import TestCase, TransactionTestCase

from django_tasks_db.models import DBTaskResult

from stap.bulk import processing, services
from stap.bulk.formats import FORMATS, ItemSink, ReportLine
from stap.bulk.models import BulkKind, BulkReportLine, BulkRun, BulkRunStatus, ReportLevel
from stap.bulk.processing import MAX_ATTEMPTS, bulk_run_process, claim_run
from stap.bulk.selectors import (
    bulk_report_csv,
    bulk_report_lines,
    bulk_run_for_organisation,
    bulk_runs_for_organisation,
)
from stap.bulk.services import (
    BulkFileRefused,
    BulkRunBusy,
    bulk_run_submit,
    bulk_runs_requeue_stale,
)
from stap.core import clock
from stap.core.audit import Actor
from stap.core.models import ActorKind, AuditEntry, Channel
from stap.identity.models import Organisation
from stap.register.models import Cohort, Training
from stap.register.services import provider_register
from tests import factories
from tests.register import feed_xml as x

FEED = BulkKind.SCHOLINGSAANBOD


def person(organisation: Organisation, pseudonym: str = "ps-uploader") -> Actor:
    return Actor(
        kind=ActorKind.PERSON,
        identifier=pseudonym,
        channel=Channel.PORTAL,
        organisation_kvk=organisation.kvk_number,
    )


def provider_organisation(kvk_number: str) -> Organisation:
    organisation = factories.organisation(kvk_number=kvk_number, name=f"Opleider {kvk_number}")
    provider_register(actor=factories.ACTOR, organisation=organisation, name=organisation.name)
    return organisation


def submit(organisation: Organisation, data: bytes, filename: str = "aanbod.xml") -> BulkRun:
    return bulk_run_submit(
        actor=person(organisation),
        organisation=organisation,
        kind=FEED,
        filename=filename,
        data=data,
    )


def run_worker() -> None:
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


class WorkerKilled(BaseException):
    """Stands in for a worker process that dies halfway (not an ``Exception``)."""


class Probe:
    """A bulk format that reports seven items and looks at the stored progress as it goes."""

    max_bytes = 1000
    die_after: int | None = None
    seen_progress: list[int] = []

    def count(self, data: bytes) -> int:
        return 7

    def process(
        self, *, data: bytes, organisation: Organisation, actor: Actor, sink: ItemSink
    ) -> None:
        for number in range(1, 8):
            run = BulkRun.objects.get(organisation=organisation)
            Probe.seen_progress.append(run.processed)
            if Probe.die_after is not None and number > Probe.die_after:
                raise WorkerKilled
            level = ReportLevel.FOUT if number == 2 else ReportLevel.INFO
            lines: Sequence[ReportLine] = [
                ReportLine(
                    level=level, subject="proef", own_key=f"K{number}", message=f"item {number}"
                )
            ]
            sink.item(lines)


PROBE = Probe()


class TakenOver:
    """A bulk format during which the run is requeued and claimed by another worker: the lease
    ran out while this worker was still busy (before item 4), or, with ``heartbeat``, while it
    was still reading the file."""

    max_bytes = 1000
    heartbeat = False
    reported: list[int] = []
    other_claim: object = None

    def count(self, data: bytes) -> int:
        return 7

    @classmethod
    def take_over(cls, organisation: Organisation) -> None:
        run = BulkRun.objects.get(organisation=organisation)
        BulkRun.objects.filter(pk=run.pk).update(lease_expires_at=clock.now())
        assert bulk_runs_requeue_stale() == [run.pk]
        cls.other_claim = claim_run(run.pk)

    def process(
        self, *, data: bytes, organisation: Organisation, actor: Actor, sink: ItemSink
    ) -> None:
        if TakenOver.heartbeat:
            sink.heartbeat()  # still this worker's: extends the lease
            TakenOver.take_over(organisation)
            sink.heartbeat()
        for number in range(1, 8):
            if number == 4:
                TakenOver.take_over(organisation)
            sink.item(
                [ReportLine(level=ReportLevel.INFO, subject="proef", message=f"item {number}")]
            )
            TakenOver.reported.append(number)


TAKEN_OVER = TakenOver()


class WorkerTests(TransactionTestCase):
    def setUp(self) -> None:
        self.organisation = provider_organisation("90000081")

    def test_a_run_goes_from_queued_to_done_through_the_worker(self) -> None:
        with mock.patch.object(services, "INLINE_MAX_ITEMS", 0):
            run = submit(self.organisation, x.example("goed"))

        self.assertEqual((run.status, run.total, run.processed), (BulkRunStatus.QUEUED, 9, 0))
        self.assertFalse(Training.objects.exists())

        run_worker()

        run.refresh_from_db()
        self.assertEqual(run.status, BulkRunStatus.DONE)
        self.assertEqual((run.processed, run.info_count, run.error_count), (9, 9, 0))
        self.assertEqual(run.percent_done, 100)
        assert run.started_at is not None and run.finished_at is not None
        self.assertLessEqual(run.created_at, run.started_at)
        self.assertLessEqual(run.started_at, run.finished_at)
        lines = list(bulk_report_lines(run=run))
        self.assertEqual([line.sequence for line in lines], list(range(1, 10)))
        self.assertEqual(lines[0].own_key, "OPL-BOEKH-01")
        self.assertEqual(Training.objects.count(), 2)
        self.assertEqual(Cohort.objects.count(), 4)
        self.assertEqual(
            list(
                AuditEntry.objects.filter(action__startswith="bulk.")
                .order_by("id")
                .values_list("action", "actor_id")
            ),
            [("bulk.run_submitted", "ps-uploader"), ("bulk.run_finished", "ps-uploader")],
        )
        self.assertTrue(
            AuditEntry.objects.filter(
                action="register.cohort_added", channel=Channel.BULK, actor_id="ps-uploader"
            ).exists()
        )

    def test_a_small_file_is_processed_before_submit_returns_and_the_job_leaves_it_alone(
        self,
    ) -> None:
        run = submit(self.organisation, x.example("goed"))

        self.assertEqual(run.status, BulkRunStatus.DONE)
        self.assertEqual(run.processed, 9)
        run_worker()
        run.refresh_from_db()
        self.assertEqual(run.status, BulkRunStatus.DONE)
        self.assertEqual(BulkReportLine.objects.filter(run=run).count(), 9)
        self.assertEqual(DBTaskResult.objects.get().status, "SUCCESSFUL")

    def test_a_feed_with_errors_is_done_and_counts_its_errors(self) -> None:
        with mock.patch.object(services, "INLINE_MAX_ITEMS", 0):
            run = submit(self.organisation, x.example("met-fouten"))
        run_worker()

        run.refresh_from_db()
        self.assertEqual(run.status, BulkRunStatus.DONE)
        self.assertEqual((run.total, run.info_count, run.error_count), (10, 3, 7))
        errors = bulk_report_lines(run=run).filter(level=ReportLevel.FOUT)
        self.assertIn("<naamKort>", errors.get(own_key="OPL-FOUT-NAAM").message)

    def test_progress_is_stored_every_n_items_while_the_run_goes(self) -> None:
        Probe.seen_progress, Probe.die_after = [], None
        with (
            mock.patch.dict(FORMATS, {FEED: "tests.bulk.test_runs.PROBE"}),
            mock.patch.object(services, "INLINE_MAX_ITEMS", 0),
        ):
            run = submit(self.organisation, b"<proef/>")
            bulk_run_process(run_id=run.pk, flush_every=3)

        self.assertEqual(Probe.seen_progress, [0, 0, 0, 3, 3, 3, 6])
        run.refresh_from_db()
        self.assertEqual((run.processed, run.info_count, run.error_count), (7, 6, 1))
        self.assertEqual(run.status, BulkRunStatus.DONE)

    def test_a_run_whose_worker_died_is_queued_again_and_reports_each_item_once(self) -> None:
        Probe.seen_progress, Probe.die_after = [], 4
        with (
            mock.patch.dict(FORMATS, {FEED: "tests.bulk.test_runs.PROBE"}),
            mock.patch.object(services, "INLINE_MAX_ITEMS", 0),
        ):
            run = submit(self.organisation, b"<proef/>")
            with self.assertRaises(WorkerKilled):
                bulk_run_process(run_id=run.pk, flush_every=3)
            run.refresh_from_db()
            self.assertEqual((run.status, run.processed), (BulkRunStatus.RUNNING, 3))

            self.assertEqual(bulk_runs_requeue_stale(), [])  # the lease has not expired yet
            BulkRun.objects.filter(pk=run.pk).update(lease_expires_at=clock.now())
            self.assertEqual(bulk_runs_requeue_stale(), [run.pk])
            Probe.die_after = None
            run_worker()

        run.refresh_from_db()
        self.assertEqual(run.status, BulkRunStatus.DONE)
        self.assertEqual((run.processed, run.info_count, run.error_count), (7, 6, 1))
        self.assertEqual(
            list(bulk_report_lines(run=run).values_list("sequence", "own_key")),
            [(number, f"K{number}") for number in range(1, 8)],
        )
        self.assertTrue(AuditEntry.objects.filter(action="bulk.run_requeued").exists())


class ClaimTests(TestCase):
    def setUp(self) -> None:
        self.organisation = provider_organisation("90000086")
        TakenOver.reported, TakenOver.other_claim, TakenOver.heartbeat = [], None, False
        self.enterContext(mock.patch.dict(FORMATS, {FEED: "tests.bulk.test_runs.TAKEN_OVER"}))
        self.enterContext(mock.patch.object(services, "INLINE_MAX_ITEMS", 0))
        self.run_ = submit(self.organisation, b"<proef/>")

    def assertTakenOver(self, *, processed: int) -> None:
        run = BulkRun.objects.get(pk=self.run_.pk)
        self.assertEqual(run.status, BulkRunStatus.RUNNING)  # the other worker's now
        self.assertIsNotNone(TakenOver.other_claim)
        self.assertEqual((run.claim, run.attempts), (TakenOver.other_claim, 2))
        self.assertEqual((run.processed, run.info_count), (processed, processed))
        self.assertEqual(BulkReportLine.objects.filter(run=run).count(), processed)
        self.assertFalse(AuditEntry.objects.filter(action="bulk.run_finished").exists())

    def test_a_worker_whose_run_was_requeued_and_claimed_by_another_stops_without_writing(
        self,
    ) -> None:
        bulk_run_process(run_id=self.run_.pk, flush_every=3)

        # Items 1-3 were flushed before the take-over; at the next flush (item 6) the worker
        # found the run no longer its own and stopped: no lines, counts or finish of its own.
        self.assertEqual(TakenOver.reported, [1, 2, 3, 4, 5])
        self.assertTakenOver(processed=3)

    def test_a_heartbeat_extends_the_lease_and_stops_a_worker_that_lost_the_run(self) -> None:
        TakenOver.heartbeat = True
        with mock.patch.object(processing, "HEARTBEAT_EVERY", 0):
            bulk_run_process(run_id=self.run_.pk)

        self.assertEqual(TakenOver.reported, [])
        self.assertTakenOver(processed=0)

    def test_the_first_heartbeat_keeps_the_lease_of_a_run_still_being_read(self) -> None:
        leases: list[dt.datetime | None] = []

        class Reading:
            max_bytes = 1000

            def count(self, data: bytes) -> int:
                return 1

            def process(self, *, sink: ItemSink, **kwargs: object) -> None:
                run = BulkRun.objects.get(pk=self_run_pk)
                BulkRun.objects.filter(pk=run.pk).update(lease_expires_at=clock.now())
                sink.heartbeat()
                leases.append(BulkRun.objects.get(pk=run.pk).lease_expires_at)
                sink.item([ReportLine(level=ReportLevel.INFO, subject="proef", message="1")])

        self_run_pk = self.run_.pk
        before = clock.now()
        with (
            mock.patch.object(processing, "HEARTBEAT_EVERY", 0),
            mock.patch.object(processing, "bulk_format", return_value=Reading()),
        ):
            bulk_run_process(run_id=self.run_.pk)

        [lease] = leases
        assert lease is not None
        self.assertGreaterEqual(lease, before + processing.LEASE)
        self.assertEqual(BulkRun.objects.get(pk=self.run_.pk).status, BulkRunStatus.DONE)

    def test_a_run_whose_worker_keeps_stopping_fails_after_the_last_attempt(self) -> None:
        Probe.seen_progress, Probe.die_after = [], 1
        requeued = []
        with mock.patch.dict(FORMATS, {FEED: "tests.bulk.test_runs.PROBE"}):
            for _attempt in range(MAX_ATTEMPTS):
                with self.assertRaises(WorkerKilled):
                    bulk_run_process(run_id=self.run_.pk)
                BulkRun.objects.filter(pk=self.run_.pk).update(lease_expires_at=clock.now())
                requeued.append(bulk_runs_requeue_stale())

        self.assertEqual(requeued, [[self.run_.pk], [self.run_.pk], []])
        run = BulkRun.objects.get(pk=self.run_.pk)
        self.assertEqual((run.status, run.attempts), (BulkRunStatus.FAILED, 3))
        self.assertIsNone(run.claim)
        self.assertIn("3 keer begonnen en steeds vastgelopen", run.failure)
        self.assertIn("Verdeel het aanbod over kleinere bestanden", run.failure)
        finished = AuditEntry.objects.get(action="bulk.run_finished")
        self.assertEqual(
            (finished.actor_kind, (finished.after or {})["status"]), ("system", "failed")
        )
        bulk_run_process(run_id=run.pk)  # a job still queued for it leaves it alone
        self.assertEqual(BulkRun.objects.get(pk=run.pk).status, BulkRunStatus.FAILED)


class SubmitTests(TestCase):
    def setUp(self) -> None:
        self.organisation = provider_organisation("90000082")

    def test_the_file_is_kept_with_its_hash_size_and_a_clean_name(self) -> None:
        data = x.example("goed")

        run = submit(self.organisation, data, filename="C:\\fakepath\\aanbod\x00 2027.xml")

        stored = BulkRun.objects.get(pk=run.pk)
        self.assertEqual(bytes(stored.data), data)
        self.assertEqual(stored.sha256, hashlib.sha256(data).hexdigest())
        self.assertEqual(stored.size, len(data))
        self.assertEqual(stored.filename, "aanbod 2027.xml")
        self.assertEqual((stored.created_by, stored.created_by_kind), ("ps-uploader", "person"))

    def test_a_file_that_is_not_xml_is_a_failed_run_whose_report_says_why(self) -> None:
        run = submit(self.organisation, b"%PDF-1.7 geen XML", filename="aanbod.pdf")

        self.assertEqual(run.status, BulkRunStatus.FAILED)
        self.assertIn("geen goedgevormde XML", run.failure)
        [line] = bulk_report_lines(run=run)
        self.assertEqual((line.level, line.subject), (ReportLevel.FOUT, "bestand"))
        self.assertFalse(DBTaskResult.objects.exists())

    def test_a_billion_laughs_file_is_a_failed_run_that_names_the_doctype(self) -> None:
        from tests.register.test_feed_parse import BILLION_LAUGHS

        run = submit(self.organisation, BILLION_LAUGHS)

        self.assertEqual(run.status, BulkRunStatus.FAILED)
        self.assertIn("DOCTYPE", run.failure)

    def test_a_file_with_few_items_but_many_bytes_is_left_to_the_worker(self) -> None:
        data = x.feed(x.training()) + b" " * services.INLINE_MAX_BYTES

        run = submit(self.organisation, data)

        self.assertEqual((run.status, run.total), (BulkRunStatus.QUEUED, 2))
        self.assertTrue(DBTaskResult.objects.exists())
        self.assertFalse(Training.objects.exists())

    def test_a_file_above_the_limit_is_refused_and_not_stored(self) -> None:
        with self.assertRaises(BulkFileRefused) as caught:
            submit(self.organisation, b" " * (20 * 1024 * 1024 + 1))

        self.assertEqual(caught.exception.code, "bulk_file_too_large")
        self.assertFalse(BulkRun.objects.exists())

    def test_an_empty_file_is_refused(self) -> None:
        with self.assertRaises(BulkFileRefused):
            submit(self.organisation, b"")

    def test_a_second_file_while_one_is_waiting_is_refused(self) -> None:
        with mock.patch.object(services, "INLINE_MAX_ITEMS", 0):
            submit(self.organisation, x.example("goed"))
            with self.assertRaises(BulkRunBusy):
                submit(self.organisation, x.example("goed"))

        self.assertEqual(BulkRun.objects.count(), 1)

    def test_a_person_cannot_submit_for_another_organisation(self) -> None:
        other = provider_organisation("90000083")

        with self.assertRaises(BulkFileRefused):
            bulk_run_submit(
                actor=person(other),
                organisation=self.organisation,
                kind=FEED,
                filename="aanbod.xml",
                data=x.example("goed"),
            )
        self.assertFalse(BulkRun.objects.exists())


class SelectorTests(TestCase):
    def setUp(self) -> None:
        self.organisation = provider_organisation("90000084")
        self.other = provider_organisation("90000085")
        self.own_run = submit(self.organisation, x.example("met-fouten"))
        self.foreign = submit(self.other, x.example("goed"))

    def test_a_run_is_found_for_its_own_organisation_without_loading_the_file(self) -> None:
        run = bulk_run_for_organisation(organisation=self.organisation, run_id=self.own_run.pk)

        self.assertEqual(run, self.own_run)
        self.assertIn("data", run.get_deferred_fields())

    def test_another_organisations_run_answers_not_found(self) -> None:
        with self.assertRaises(Http404):
            bulk_run_for_organisation(organisation=self.organisation, run_id=self.foreign.pk)

    def test_a_run_that_does_not_exist_answers_not_found_the_same_way(self) -> None:
        with self.assertRaises(Http404):
            bulk_run_for_organisation(organisation=self.organisation, run_id=self.foreign.pk + 99)

    def test_the_list_holds_only_the_organisations_own_runs(self) -> None:
        self.assertEqual(
            list(bulk_runs_for_organisation(organisation=self.organisation)), [self.own_run]
        )
        self.assertEqual(list(bulk_runs_for_organisation(organisation=self.other)), [self.foreign])

    def test_the_report_comes_in_file_order_and_as_csv(self) -> None:
        lines = list(bulk_report_lines(run=self.own_run))

        self.assertEqual([line.sequence for line in lines], sorted(line.sequence for line in lines))
        self.assertEqual(lines[0].own_key, "OPL-FOUT-NAAM")
        csv = "".join(bulk_report_csv(run=self.own_run))
        self.assertTrue(csv.startswith("\ufeffSignaal;Onderwerp;Eigen sleutel;Code;Melding;Regel"))
        self.assertIn("FOUT;opleiding;OPL-FOUT-NAAM;", csv)
