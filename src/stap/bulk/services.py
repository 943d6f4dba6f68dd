"""Write use cases of bulk uploads: submit a file, put runs whose worker died back in the queue.

A run is created, audited and queued in one transaction (the queue is the database, ADR 0004),
so a file is never accepted without its job. Small files (few items *and* few bytes) are
processed right away in the submitting request as well; the queued job then finds the run done
and leaves it alone.
"""

import hashlib
import re

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from stap.bulk.formats import bulk_format
from stap.bulk.models import BulkKind, BulkReportLine, BulkRun, BulkRunStatus, ReportLevel
from stap.bulk.processing import MAX_ATTEMPTS, bulk_run_process
from stap.bulk.tasks import bulk_run_process_task
from stap.core import clock
from stap.core.audit import Actor, audit_record
from stap.core.errors import DomainError
from stap.identity.models import Organisation

# Files with at most this many items, and at most this many bytes, are processed in the request
# that submits them. The bytes count too: a file with few items can still be slow to check (a
# schema error for every one of thousands of stray elements).
INLINE_MAX_ITEMS = 200
INLINE_MAX_BYTES = 256 * 1024


class BulkFileRefused(DomainError):
    """The file is not taken in at all (nothing is stored)."""

    code = "bulk_file_refused"


class BulkRunBusy(DomainError):
    code = "bulk_run_busy"


def _clean_filename(filename: str) -> str:
    name = re.split(r"[\\/]", filename)[-1]
    name = "".join(character for character in name if character.isprintable()).strip()
    return name[:255] or "bestand"


@transaction.atomic
def _bulk_run_create(
    *,
    actor: Actor,
    organisation: Organisation,
    kind: BulkKind,
    filename: str,
    data: bytes,
    total: int,
    refusal: DomainError | None,
) -> BulkRun:
    # One run of a kind at a time per organisation: two runs could race on the same own keys.
    Organisation.objects.select_for_update().only("pk").get(pk=organisation.pk)
    active = BulkRun.objects.filter(
        organisation=organisation,
        kind=kind,
        status__in=[BulkRunStatus.QUEUED, BulkRunStatus.RUNNING],
    )
    if active.exists():
        raise BulkRunBusy(
            _(
                "Er wordt al een bestand van uw organisatie verwerkt. Wacht tot dat klaar is en "
                "stuur dit bestand daarna opnieuw."
            )
        )
    now = clock.now()
    run = BulkRun(
        kind=kind,
        organisation=organisation,
        created_by=actor.identifier,
        created_by_kind=actor.kind,
        filename=_clean_filename(filename),
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        data=data,
        total=total,
        created_at=now,
    )
    if refusal is not None:
        run.status = BulkRunStatus.FAILED
        run.failure = str(refusal)
        run.finished_at = now
    run.full_clean(exclude=["data"])
    run.save()
    audit_record(
        actor=actor,
        action="bulk.run_submitted",
        target=run,
        after={
            "kind": kind,
            "filename": run.filename,
            "sha256": run.sha256,
            "bytes": run.size,
            "items": total,
            "status": run.status,
        },
        organisation_kvk=organisation.kvk_number,
    )
    if refusal is not None:
        BulkReportLine.objects.create(
            run=run, sequence=1, level=ReportLevel.FOUT, subject="bestand", message=str(refusal)
        )
    else:
        bulk_run_process_task.enqueue(run_id=run.pk)
    return run


def bulk_run_submit(
    *, actor: Actor, organisation: Organisation, kind: BulkKind, filename: str, data: bytes
) -> BulkRun:
    """Take in an uploaded file for ``organisation`` and return its run.

    A file that is too large or empty raises ``BulkFileRefused`` and is not stored. A file that
    its format refuses as a whole (not XML, a DOCTYPE, the wrong root, …) is stored as a failed
    run whose report says why. Otherwise the run is queued for the worker; a file of at most
    ``INLINE_MAX_ITEMS`` items and ``INLINE_MAX_BYTES`` bytes is processed before this returns.
    ``BulkRunBusy`` while another
    file of the same kind of this organisation is still queued or running.
    """
    if actor.organisation_kvk and actor.organisation_kvk != organisation.kvk_number:
        raise BulkFileRefused(_("U kunt alleen bestanden aanleveren voor uw eigen organisatie."))
    file_format = bulk_format(kind)
    if not data:
        raise BulkFileRefused(_("Het bestand is leeg."), code="bulk_file_empty")
    if len(data) > file_format.max_bytes:
        raise BulkFileRefused(
            _("Het bestand is %(size)s MB; het mag ten hoogste %(limit)s MB zijn.")
            % {"size": f"{len(data) / 2**20:.1f}", "limit": file_format.max_bytes // 2**20},
            code="bulk_file_too_large",
        )
    bulk_runs_requeue_stale()
    refusal: DomainError | None = None
    total = 0
    try:
        total = file_format.count(data)
    except DomainError as error:
        refusal = error
    run = _bulk_run_create(
        actor=actor,
        organisation=organisation,
        kind=kind,
        filename=filename,
        data=data,
        total=total,
        refusal=refusal,
    )
    if refusal is None and total <= INLINE_MAX_ITEMS and len(data) <= INLINE_MAX_BYTES:
        bulk_run_process(run_id=run.pk)
        run.refresh_from_db()
    return run


@transaction.atomic
def bulk_runs_requeue_stale() -> list[int]:
    """Put runs whose worker stopped extending the lease back in the queue; returns their ids.

    The worker's claim is withdrawn, so should it still be alive it stops at its next write. A
    run that was claimed ``MAX_ATTEMPTS`` times already is not queued again but fails: a file
    whose processing keeps stopping would otherwise take a worker forever.
    Called before each submit; a periodic job may call it as well."""
    now = clock.now()
    stale = list(
        BulkRun.objects.select_for_update(skip_locked=True)
        .filter(status=BulkRunStatus.RUNNING, lease_expires_at__lt=now)
        .select_related("organisation")
        .defer("data")
    )
    requeued: list[int] = []
    for run in stale:
        if run.attempts >= MAX_ATTEMPTS:
            _fail_stalled(run)
            continue
        run.status = BulkRunStatus.QUEUED
        run.lease_expires_at = None
        run.claim = None
        run.save(update_fields=["status", "lease_expires_at", "claim"])
        audit_record(
            actor=Actor.system("bulk"),
            action="bulk.run_requeued",
            target=run,
            after={"processed": run.processed, "total": run.total},
            organisation_kvk=run.organisation.kvk_number,
        )
        bulk_run_process_task.enqueue(run_id=run.pk)
        requeued.append(run.pk)
    return requeued


def _fail_stalled(run: BulkRun) -> None:
    with translation.override("nl"):  # stored, like every report text, in Dutch
        run.failure = _(
            "Het verwerken van dit bestand is %(attempts)s keer begonnen en steeds vastgelopen "
            "voordat het klaar was; daarom is het gestopt. Wat hierboven staat is verwerkt. "
            "Verdeel het aanbod over kleinere bestanden en stuur die opnieuw; wat al verwerkt "
            "is, wordt dan bijgewerkt en niet dubbel aangemaakt."
        ) % {"attempts": run.attempts}
    run.status = BulkRunStatus.FAILED
    run.finished_at = clock.now()
    run.lease_expires_at = None
    run.claim = None
    run.save(update_fields=["status", "failure", "finished_at", "lease_expires_at", "claim"])
    audit_record(
        actor=Actor.system("bulk"),
        action="bulk.run_finished",
        target=run,
        after={
            "status": run.status,
            "total": run.total,
            "processed": run.processed,
            "info": run.info_count,
            "error": run.error_count,
            "attempts": run.attempts,
        },
        organisation_kvk=run.organisation.kvk_number,
    )
