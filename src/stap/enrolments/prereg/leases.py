"""Who works on an upload: a worker claims it, renews its lease with every chunk, and stops as
soon as it finds its claim gone.

The task queue has no retries, and a killed worker leaves its task "running" for ever. So each
upload carries a lease: a worker that stops renewing it loses the upload to ``requeue_stale``,
which puts it back in the queue for another worker. The claim counter makes sure the first
worker, should it wake up again, writes nothing more: every write it makes is conditional on
its claim still being the upload's.
"""

import datetime as dt
from typing import Any, Final

from django.db import transaction
from django.db.models import F

from stap.core import clock
from stap.enrolments.models import PreRegistrationUpload, UploadStatus

LEASE: Final = dt.timedelta(minutes=5)
# A check is begun this many times at most (the claim counts them: checking is claimed first).
MAX_CHECKS: Final = 3

# A stale upload goes back to the queue it came from.
REQUEUE: Final = {
    UploadStatus.CHECKING: UploadStatus.RECEIVED,
    UploadStatus.COMMITTING: UploadStatus.COMMIT_QUEUED,
}


class ClaimLost(Exception):
    """Another worker has taken over this upload; stop without writing."""


def claim(
    upload_id: int, *, waiting: UploadStatus, working: UploadStatus
) -> PreRegistrationUpload | None:
    """Take a waiting upload; ``None`` when it is not waiting (done, or another worker has it)."""
    taken = PreRegistrationUpload.objects.filter(pk=upload_id, status=waiting).update(
        status=working, claim=F("claim") + 1, lease_expires_at=clock.now() + LEASE
    )
    if taken != 1:
        return None
    return PreRegistrationUpload.objects.select_related("organisation").get(pk=upload_id)


def renew(upload: PreRegistrationUpload, **changes: Any) -> None:
    """Extend the lease and save ``changes``, if the upload is still ours; else ``ClaimLost``."""
    upload.lease_expires_at = clock.now() + LEASE
    updated = PreRegistrationUpload.objects.filter(
        pk=upload.pk, claim=upload.claim, status=upload.status
    ).update(lease_expires_at=upload.lease_expires_at, **changes)
    if updated != 1:
        raise ClaimLost(upload.pk)
    for name, value in changes.items():
        setattr(upload, name, value)


def stale_uploads() -> tuple[list[tuple[int, UploadStatus]], list[int]]:
    """Uploads whose worker stopped renewing the lease: those put back in their queue
    (id, queue), and the ids of those whose check was begun ``MAX_CHECKS`` times already,
    which are left for the caller to refuse (a file that stops every worker would otherwise
    take one forever)."""
    requeued = []
    given_up = []
    with transaction.atomic():
        stale = PreRegistrationUpload.objects.select_for_update(skip_locked=True).filter(
            status__in=list(REQUEUE), lease_expires_at__lt=clock.now()
        )
        for upload in stale.only("pk", "status", "claim"):
            if upload.status == UploadStatus.CHECKING and upload.claim >= MAX_CHECKS:
                given_up.append(upload.pk)
                continue
            queue = REQUEUE[UploadStatus(upload.status)]
            PreRegistrationUpload.objects.filter(pk=upload.pk).update(
                status=queue, lease_expires_at=None
            )
            requeued.append((upload.pk, queue))
    return requeued, given_up
