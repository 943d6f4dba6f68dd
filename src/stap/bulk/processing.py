"""Processing one run: claim it, let its format do the items, record progress as it goes.

Progress and report lines are written every ``FLUSH_EVERY`` items in one small transaction, so a
page that polls the run sees them move and the counts always match the stored lines. Each flush
also extends the run's lease; a run whose worker died stops extending it and is put back in the
queue by ``stap.bulk.services.bulk_runs_requeue_stale``. Processing again is safe: formats create
or update by the provider's own keys, and items already reported are not reported twice.
"""

import datetime as dt
import logging
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Max
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

    def __init__(self, run: BulkRun, *, flush_every: int) -> None:
        self.run = run
        self.flush_every = flush_every
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

    def flush(self) -> None:
        run = self.run
        with transaction.atomic():
            BulkReportLine.objects.bulk_create(self.pending)
            run.lease_expires_at = clock.now() + LEASE
            BulkRun.objects.filter(pk=run.pk).update(
                processed=run.processed,
                info_count=run.info_count,
                error_count=run.error_count,
                lease_expires_at=run.lease_expires_at,
            )
        self.pending = []
        self.unflushed = 0


def _claim(run_id: int) -> bool:
    now = clock.now()
    claimed = BulkRun.objects.filter(pk=run_id, status=BulkRunStatus.QUEUED).update(
        status=BulkRunStatus.RUNNING, started_at=now, lease_expires_at=now + LEASE
    )
    return claimed == 1


def bulk_run_process(*, run_id: int, flush_every: int = FLUSH_EVERY) -> None:
    """Process a queued run; a run that is not queued (done, failed, or claimed by another
    worker) is left alone. Never raises for a bad file: that ends as a failed run."""
    if not _claim(run_id):
        return
    run = BulkRun.objects.select_related("organisation").get(pk=run_id)
    recorder = _Recorder(run, flush_every=flush_every)
    actor = run_actor(run)
    try:
        with translation.override("nl"):
            bulk_format(run.kind).process(
                data=bytes(run.data), organisation=run.organisation, actor=actor, sink=recorder
            )
    except DomainError as error:
        recorder.notice([ReportLine(level=ReportLevel.FOUT, subject="bestand", message=str(error))])
        recorder.flush()
        _finish(run, actor, BulkRunStatus.FAILED, failure=str(error))
        return
    except Exception:
        logger.exception("bulk run %s stopped", run_id)
        recorder.pending = []
        _finish(
            run,
            actor,
            BulkRunStatus.FAILED,
            failure=_(
                "Het verwerken is onderbroken door een fout bij ons. Wat hierboven staat is "
                "verwerkt. Stuur het bestand later opnieuw; wat al verwerkt is, wordt dan "
                "bijgewerkt en niet dubbel aangemaakt."
            ),
        )
        raise
    recorder.flush()
    _finish(run, actor, BulkRunStatus.DONE)


def _finish(run: BulkRun, actor: Actor, status: BulkRunStatus, *, failure: str = "") -> None:
    kvk_number = run.organisation.kvk_number
    with transaction.atomic():
        run = BulkRun.objects.select_for_update().defer("data").get(pk=run.pk)
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
