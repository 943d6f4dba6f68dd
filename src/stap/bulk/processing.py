"""Processing one run: claim it, let its format do the items, record progress as it goes.

Progress and report lines are written every ``FLUSH_EVERY`` items in one small transaction, so a
page that polls the run sees them move and the counts always match the stored lines. Each flush
also extends the run's lease, and so does the format's ``heartbeat`` while it is busy without
items (reading and checking the file); a run whose worker died stops extending it and is put back
in the queue by ``stap.bulk.services.bulk_runs_requeue_stale`` (at most ``MAX_ATTEMPTS`` times:
then it fails). Processing again is safe: formats create or update by the provider's own keys,
and items already reported are not reported twice.

Each time a worker claims a run it gets a new ``claim`` token, and every write of the run (flush,
heartbeat, finish) only changes the run while it is still running under that token. A worker
whose run was requeued meanwhile (and perhaps claimed by another) finds that nothing changed and
stops at once (``RunLost``), without writing report lines, counts or a finish of its own.
"""

import datetime as dt
import logging
import time
import uuid
from collections.abc import Sequence

from django.db import transaction
from django.db.models import F, Max, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from stap.bulk.formats import ReportLine, bulk_format
from stap.bulk.models import BulkReportLine, BulkRun, BulkRunStatus, ReportLevel
from stap.core import clock
from stap.core.audit import Actor, audit_record
from stap.core.errors import DomainError
from stap.core.models import ActorKind, Channel

logger = logging.getLogger(__name__)

FLUSH_EVERY = 1000
LEASE = dt.timedelta(minutes=10)
# A heartbeat extends the lease at most this often (seconds); well within ``LEASE``.
HEARTBEAT_EVERY = 30.0
# How often a run is claimed before a worker that keeps stopping makes it fail.
MAX_ATTEMPTS = 3


class RunLost(Exception):
    """This worker's claim on the run is gone: the run was requeued (and perhaps claimed by
    another worker) or finished. The worker stops without writing anything more."""


def run_actor(run: BulkRun) -> Actor:
    """The person who uploaded the file, acting through the bulk channel."""
    return Actor(
        kind=ActorKind(run.created_by_kind),
        identifier=run.created_by,
        channel=Channel.BULK,
        organisation_kvk=run.organisation.kvk_number,
    )


class _Recorder:
    """The ``ItemSink`` of a run: buffers lines and counts, and flushes them with the lease."""

    def __init__(self, run: BulkRun, *, claim: uuid.UUID, flush_every: int) -> None:
        self.run = run
        self.claim = claim
        self.flush_every = flush_every
        self.beaten_at = time.monotonic()
        # After a restart the items already reported are skipped (they were processed again,
        # idempotently, but their lines and counts are in the database already).
        self.skip = run.processed
        self.seen = 0
        self.sequence = run.report_lines.aggregate(last=Max("sequence"))["last"] or 0
        self.pending: list[BulkReportLine] = []
        self.unflushed = 0

    def _add(self, lines: Sequence[ReportLine]) -> None:
        for line in lines:
            self.sequence += 1
            self.pending.append(
                BulkReportLine(
                    run=self.run,
                    sequence=self.sequence,
                    level=line.level,
                    subject=line.subject[:40],
                    own_key=line.own_key[:200],
                    code=line.code[:100],
                    message=line.message,
                    line=line.line,
                )
            )

    def notice(self, lines: Sequence[ReportLine]) -> None:
        if self.skip == 0:
            self._add(lines)

    def item(self, lines: Sequence[ReportLine]) -> None:
        self.seen += 1
        if self.seen <= self.skip:
            return
        self._add(lines)
        run = self.run
        run.processed += 1
        if any(line.level == ReportLevel.FOUT for line in lines):
            run.error_count += 1
        else:
            run.info_count += 1
        self.unflushed += 1
        if self.unflushed >= self.flush_every:
            self.flush()

    def heartbeat(self) -> None:
        """Still busy: extend the lease (at most every ``HEARTBEAT_EVERY`` seconds). ``RunLost``
        when the run is no longer this worker's."""
        if time.monotonic() - self.beaten_at < HEARTBEAT_EVERY:
            return
        if not mine(self.run.pk, self.claim).update(lease_expires_at=clock.now() + LEASE):
            raise RunLost
        self.beaten_at = time.monotonic()

    def flush(self) -> None:
        run = self.run
        with transaction.atomic():
            updated = mine(run.pk, self.claim).update(
                processed=run.processed,
                info_count=run.info_count,
                error_count=run.error_count,
                lease_expires_at=clock.now() + LEASE,
            )
            if not updated:
                raise RunLost
            BulkReportLine.objects.bulk_create(self.pending)
        self.beaten_at = time.monotonic()
        self.pending = []
        self.unflushed = 0


def mine(run_id: int, claim: uuid.UUID) -> "QuerySet[BulkRun]":
    """The run, as long as it is running under ``claim``."""
    return BulkRun.objects.filter(pk=run_id, status=BulkRunStatus.RUNNING, claim=claim)


def claim_run(run_id: int) -> uuid.UUID | None:
    """Claim a queued run for this worker: its new claim token, or ``None`` when the run is not
    queued (done, failed, or claimed by another worker)."""
    token = uuid.uuid4()
    now = clock.now()
    claimed = BulkRun.objects.filter(pk=run_id, status=BulkRunStatus.QUEUED).update(
        status=BulkRunStatus.RUNNING,
        claim=token,
        attempts=F("attempts") + 1,
        started_at=now,
        lease_expires_at=now + LEASE,
    )
    return token if claimed == 1 else None


def bulk_run_process(*, run_id: int, flush_every: int = FLUSH_EVERY) -> None:
    """Process a queued run; a run that is not queued (done, failed, or claimed by another
    worker) is left alone, and a run taken from this worker halfway is left to its new worker.
    Never raises for a bad file: that ends as a failed run."""
    claim = claim_run(run_id)
    if claim is None:
        return
    run = BulkRun.objects.select_related("organisation").get(pk=run_id)
    recorder = _Recorder(run, claim=claim, flush_every=flush_every)
    actor = run_actor(run)
    try:
        _process(run, actor, recorder)
    except RunLost:
        logger.warning("bulk run %s was taken from this worker; it stops here", run_id)


def _process(run: BulkRun, actor: Actor, recorder: _Recorder) -> None:
    try:
        with translation.override("nl"):
            bulk_format(run.kind).process(
                data=bytes(run.data), organisation=run.organisation, actor=actor, sink=recorder
            )
    except DomainError as error:
        recorder.notice([ReportLine(level=ReportLevel.FOUT, subject="bestand", message=str(error))])
        recorder.flush()
        _finish(run, actor, recorder.claim, BulkRunStatus.FAILED, failure=str(error))
        return
    except RunLost:
        raise
    except Exception:
        logger.exception("bulk run %s stopped", run.pk)
        recorder.pending = []
        _finish(
            run,
            actor,
            recorder.claim,
            BulkRunStatus.FAILED,
            failure=_(
                "Het verwerken is onderbroken door een fout bij ons. Wat hierboven staat is "
                "verwerkt. Stuur het bestand later opnieuw; wat al verwerkt is, wordt dan "
                "bijgewerkt en niet dubbel aangemaakt."
            ),
        )
        raise
    recorder.flush()
    _finish(run, actor, recorder.claim, BulkRunStatus.DONE)


def _finish(
    run: BulkRun, actor: Actor, claim: uuid.UUID, status: BulkRunStatus, *, failure: str = ""
) -> None:
    kvk_number = run.organisation.kvk_number
    with transaction.atomic():
        found = mine(run.pk, claim).select_for_update().defer("data").first()
        if found is None:
            raise RunLost
        run = found
        run.status = status
        run.failure = failure
        run.finished_at = clock.now()
        run.lease_expires_at = None
        run.save(update_fields=["status", "failure", "finished_at", "lease_expires_at"])
        audit_record(
            actor=actor,
            action="bulk.run_finished",
            target=run,
            after={
                "status": status,
                "total": run.total,
                "processed": run.processed,
                "info": run.info_count,
                "error": run.error_count,
            },
            organisation_kvk=kvk_number,
        )
