"""Changes to vooraanmeldingen and their uploads: typed, keyword-only, audited.

An upload goes: received → checking → checked (the provider reads the result) → queued to commit
→ committing → committed; or refused, when the file as a whole cannot be used. Checking and
committing run in the worker, a chunk per transaction under a lease (``prereg.leases``); the
step that changes the upload's status writes its audit record in the same transaction.
"""

import hashlib
import io
import uuid
from dataclasses import dataclass
from typing import BinaryIO, Final

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils.translation import gettext_lazy as _

from stap.core import clock
from stap.core.audit import Actor, audit_record
from stap.core.errors import DomainError
from stap.enrolments.models import (
    PreRegistration,
    PreRegistrationUpload,
    RowOutcome,
    RowStatus,
    StagedRow,
    UploadStatus,
)
from stap.enrolments.prereg import rules
from stap.enrolments.prereg.checking import (
    check_row,
    check_rows,
    count_rows,
    detect_format,
    staged_row,
    stored_findings,
)
from stap.enrolments.prereg.committing import (
    Pending,
    commit_rows,
    commit_staged,
    pre_registration_from,
    same_values,
)
from stap.enrolments.prereg.comparing import compare_rows
from stap.enrolments.prereg.content import RegisterFacts, check_content
from stap.enrolments.prereg.fields import FIELDS
from stap.enrolments.prereg.leases import MAX_CHECKS, ClaimLost, claim, renew, stale_uploads
from stap.enrolments.prereg.reading import FileRefused, RawRow
from stap.enrolments.prereg.rules import Finding
from stap.enrolments.prereg.structure import check_structure
from stap.enrolments.tasks import upload_check_task, upload_commit_task
from stap.identity.models import Organisation

FILENAME_MAX: Final = 255
# A file this small (about a thousand rows) is checked before the upload page is shown.
INLINE_MAX_BYTES: Final = 256 * 1024


class UploadRefused(DomainError):
    code = "prereg_upload_refused"


def _own_organisation(actor: Actor, organisation: Organisation) -> None:
    if actor.organisation_kvk and actor.organisation_kvk != organisation.kvk_number:
        raise UploadRefused(_("U kunt alleen bestanden aanleveren voor uw eigen organisatie."))


def _size_refusal(size: int) -> FileRefused | None:
    limit = settings.STAP_PREREG_MAX_BYTES
    if size == 0:
        return FileRefused(rules.FILE_EMPTY())
    if size > limit:
        return FileRefused(rules.FILE_TOO_LARGE(size=f"{size / 2**20:.1f}", limit=limit // 2**20))
    return None


def _sha256(stream: BinaryIO) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: stream.read(1 << 20), b""):
        digest.update(block)
    stream.seek(0)
    return digest.hexdigest()


def upload_receive(
    *, actor: Actor, organisation: Organisation, filename: str, stream: BinaryIO, size: int
) -> PreRegistrationUpload:
    """Keep an uploaded file for ``organisation`` and queue it to be checked.

    An empty file or one over the size limit raises ``FileRefused`` and is not kept. A small
    file is checked at once; a larger one in the worker, and the upload's page shows how far it
    is.
    """
    _own_organisation(actor, organisation)
    if (refusal := _size_refusal(size)) is not None:
        raise refusal
    uploads_requeue_stale()
    sha256 = _sha256(stream)
    head = stream.read(4096)
    stream.seek(0)
    stored_as = storages["uploads"].save(
        f"vooraanmeldingen/{organisation.pk}/{uuid.uuid4().hex}", File(stream)
    )
    with transaction.atomic():
        upload = PreRegistrationUpload.objects.create(
            organisation=organisation,
            created_by=actor.identifier,
            created_by_kind=actor.kind,
            created_at=clock.now(),
            filename=filename.replace("\\", "/").rsplit("/", 1)[-1][:FILENAME_MAX] or "bestand",
            file_format=detect_format(head),
            size=size,
            sha256=sha256,
            stored_as=stored_as,
        )
        audit_record(
            actor=actor,
            action="enrolments.upload_received",
            target=upload,
            after={
                "filename": upload.filename,
                "format": upload.file_format,
                "size": size,
                "sha256": sha256,
            },
            organisation_kvk=organisation.kvk_number,
        )
        transaction.on_commit(lambda: upload_check_task.enqueue(upload_id=upload.pk))
    if size <= INLINE_MAX_BYTES:
        upload_check(upload_id=upload.pk)
        upload.refresh_from_db()
    return upload


def upload_check(*, upload_id: int) -> None:
    """Check a received upload (the worker's job). An upload that is not waiting is left alone;
    one taken over by another worker is left to it."""
    upload = claim(upload_id, waiting=UploadStatus.RECEIVED, working=UploadStatus.CHECKING)
    if upload is None:
        return
    StagedRow.objects.filter(upload=upload).delete()
    today = clock.today()
    facts = RegisterFacts(on=today)
    try:
        with storages["uploads"].open(upload.stored_as, "rb") as stored:
            stream = stored.file
            if not isinstance(stream, io.BufferedReader):  # the file system storage's files
                raise TypeError(f"cannot stream {type(stream)}")
            counts = check_rows(
                upload,
                stream,
                today=today,
                organisation_id=upload.organisation_id,
                progress=lambda rows, read: renew(upload, rows_checked=rows, bytes_checked=read),
                facts=facts,
            )
    except FileRefused as refused:
        with transaction.atomic():
            StagedRow.objects.filter(upload=upload).delete()
            _finish_check(
                upload,
                status=UploadStatus.REFUSED,
                refusal_rule=refused.finding.rule.id,
                refusal_values=dict(refused.finding.values),
            )
        return
    except ClaimLost:
        return
    with transaction.atomic():
        _finish_check(
            upload,
            status=UploadStatus.CHECKED,
            rows_read=counts.read,
            rows_valid=counts.valid,
            rows_warning=counts.warning,
            rows_rejected=counts.rejected,
            register_on=today,
            register_digests=facts.digests(),
        )


def _finish_check(upload: PreRegistrationUpload, **changes: object) -> None:
    renew(upload, checked_at=clock.now(), **changes)
    PreRegistrationUpload.objects.filter(pk=upload.pk).update(lease_expires_at=None)
    audit_record(
        actor=Actor.system("vooraanmeldingen"),
        action="enrolments.upload_checked",
        target=upload,
        after={
            "status": upload.status,
            "rows": upload.rows_read,
            "valid": upload.rows_valid,
            "warning": upload.rows_warning,
            "rejected": upload.rows_rejected,
            "refusal": upload.refusal_rule,
        },
        organisation_kvk=upload.organisation.kvk_number,
    )


@transaction.atomic
def upload_commit_request(*, actor: Actor, upload: PreRegistrationUpload) -> PreRegistrationUpload:
    """The provider commits the rows that passed the check; the worker puts them in."""
    _own_organisation(actor, upload.organisation)
    upload = (
        PreRegistrationUpload.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=upload.pk)
    )
    if upload.status != UploadStatus.CHECKED:
        raise UploadRefused(
            _("Deze upload kan nu niet worden verwerkt: de status is ‘%(status)s’.")
            % {"status": upload.get_status_display()}
        )
    if upload.rows_valid + upload.rows_warning == 0:
        raise UploadRefused(
            _(
                "Geen enkele regel is goedgekeurd, dus er is niets te verwerken. Herstel de "
                "afgekeurde regels eerst."
            )
        )
    upload.status = UploadStatus.COMMIT_QUEUED
    upload.committed_by = actor.identifier
    upload.save(update_fields=["status", "committed_by"])
    audit_record(
        actor=actor,
        action="enrolments.upload_commit_requested",
        target=upload,
        after={"rows": upload.rows_valid + upload.rows_warning},
        organisation_kvk=upload.organisation.kvk_number,
    )
    transaction.on_commit(lambda: upload_commit_task.enqueue(upload_id=upload.pk))
    return upload


def upload_commit(*, upload_id: int) -> None:
    """Commit a queued upload (the worker's job); see ``prereg.committing``."""
    upload = claim(upload_id, waiting=UploadStatus.COMMIT_QUEUED, working=UploadStatus.COMMITTING)
    if upload is None:
        return
    try:
        commit_rows(upload, today=clock.today())
        with transaction.atomic():
            renew(upload, status=UploadStatus.COMMITTED, committed_at=clock.now())
            PreRegistrationUpload.objects.filter(pk=upload.pk).update(lease_expires_at=None)
            outcomes = dict(
                StagedRow.objects.filter(upload=upload)
                .order_by()
                .values("outcome")
                .annotate(count=Count("pk"))
                .values_list("outcome", "count")
            )
            audit_record(
                actor=Actor.system("vooraanmeldingen"),
                action="enrolments.upload_committed",
                target=upload,
                after={
                    outcome or "none": outcomes.get(outcome, 0) for outcome in RowOutcome.values
                },
                organisation_kvk=upload.organisation.kvk_number,
            )
    except ClaimLost:
        return


def uploads_requeue_stale() -> list[int]:
    """Put uploads whose worker stopped back in their queue, and queue their job again; refuse
    an upload whose check stopped ``MAX_CHECKS`` times (rule VA-117). Returns the ids requeued.

    Run every minute by ``stap requeue_stale``, and also when a file comes in and when a busy
    upload's page asks how far it is, so that a killed worker's upload goes on without anyone
    doing anything."""
    requeued, given_up = stale_uploads()
    for upload_id in given_up:
        _give_up_checking(upload_id)
    for upload_id, queue in requeued:
        task = upload_check_task if queue == UploadStatus.RECEIVED else upload_commit_task
        task.enqueue(upload_id=upload_id)
    return [upload_id for upload_id, _queue in requeued]


@transaction.atomic
def _give_up_checking(upload_id: int) -> None:
    taken = PreRegistrationUpload.objects.filter(pk=upload_id, status=UploadStatus.CHECKING)
    if not taken.update(claim=F("claim") + 1):  # a worker still alive writes nothing more
        return
    upload = PreRegistrationUpload.objects.select_related("organisation").get(pk=upload_id)
    StagedRow.objects.filter(upload=upload).delete()
    _finish_check(
        upload,
        status=UploadStatus.REFUSED,
        refusal_rule=rules.FILE_CHECK_STOPPED.id,
        refusal_values={"attempts": MAX_CHECKS},
    )


FIXABLE_UPLOAD_STATUSES: Final = (UploadStatus.CHECKED, UploadStatus.COMMITTED)


@transaction.atomic
def staged_row_fix(*, actor: Actor, row: StagedRow, values: dict[str, str]) -> StagedRow:
    """A provider fixes a rejected row in the portal: the same checks as the file's rows, and
    the same comparison with the other rows. Fixed after the upload was committed, a row that
    now passes is committed at once; before, it is committed with the rest."""
    upload = (
        PreRegistrationUpload.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=row.upload_id)
    )
    _own_organisation(actor, upload.organisation)
    row = StagedRow.objects.select_for_update().get(pk=row.pk)
    if upload.status not in FIXABLE_UPLOAD_STATUSES:
        raise UploadRefused(
            _("Deze upload wordt nog gecontroleerd of verwerkt. Herstel de regel straks.")
        )
    if row.status != RowStatus.REJECTED:
        raise UploadRefused(_("Deze regel is niet afgekeurd; er is niets te herstellen."))
    raw = {name: values.get(name, "").strip() for name in FIELDS if values.get(name, "").strip()}
    today = clock.today()
    facts = RegisterFacts(on=today)
    checked = check_row(
        check_structure(RawRow(number=row.number, line=row.line, values=raw)),
        organisation_id=upload.organisation_id,
        facts=facts,
        today=today,
    )
    changed = sorted(name for name in FIELDS if raw.get(name, "") != row.raw.get(name, ""))
    fixed = staged_row(upload, checked)
    for name in (
        "raw",
        "findings",
        "status",
        "studentnummer",
        "scholings_id",
        "start_date",
        "person",
    ):
        setattr(row, name, getattr(fixed, name))
    row.typed_values = None  # checked again from its text when it is committed
    row.outcome = RowOutcome.NONE
    row.fixed_at = clock.now()
    row.fixed_by = actor.identifier
    row.save()
    compare_rows(upload, numbers={row.number})
    row.refresh_from_db()
    _refuse_a_copy_of_another_row(row)
    if upload.status == UploadStatus.COMMITTED and row.status != RowStatus.REJECTED:
        written = commit_staged(upload, [Pending.of(row)], facts=facts, today=today)
        PreRegistrationUpload.objects.filter(pk=upload.pk).update(
            rows_committed=F("rows_committed") + written
        )
        row.refresh_from_db()
    _recount(upload)
    audit_record(
        actor=actor,
        action="enrolments.row_fixed",
        target=row,
        after={"upload": upload.pk, "row": row.number, "fields": changed, "status": row.status},
        organisation_kvk=upload.organisation.kvk_number,
    )
    return row


def _refuse_a_copy_of_another_row(row: StagedRow) -> None:
    """A fixed row for the same student, offer and start date as another row of its upload is
    refused, whichever comes first in the file: the comparison of the whole file only flags the
    later of two, and the other may already be in."""
    if row.status == RowStatus.REJECTED or row.scholings_id is None or row.start_date is None:
        return
    other = (
        StagedRow.objects.filter(
            upload_id=row.upload_id,
            studentnummer=row.studentnummer,
            scholings_id=row.scholings_id,
            start_date=row.start_date,
        )
        .exclude(pk=row.pk)
        .exclude(status=RowStatus.REJECTED)
        .order_by("number")
        .values_list("number", flat=True)
        .first()
    )
    if other is None:
        return
    row.findings = [*row.findings, *stored_findings([rules.DUPLICATE_IN_FILE(row=other)])]
    row.status = RowStatus.REJECTED
    row.save(update_fields=["findings", "status"])


def _recount(upload: PreRegistrationUpload) -> None:
    counts = count_rows(upload)
    PreRegistrationUpload.objects.filter(pk=upload.pk).update(
        rows_valid=counts.valid, rows_warning=counts.warning, rows_rejected=counts.rejected
    )


def _same_student(new: PreRegistration) -> PreRegistration | None:
    """The vooraanmelding ``new`` would update (same organisation, student, offer and start
    date), locked until the end of the transaction."""
    return (
        PreRegistration.objects.select_for_update()
        .filter(
            organisation_id=new.organisation_id,
            studentnummer=new.studentnummer,
            offer_id=new.offer_id,
            start_date=new.start_date,
        )
        .first()
    )


class RowRefused(DomainError):
    """A vooraanmelding typed in the portal broke a rule; ``findings`` say which, per field."""

    code = "prereg_row_refused"

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(_("De vooraanmelding is niet opgeslagen. Herstel wat hieronder staat."))
        self.findings = findings


@dataclass(frozen=True)
class Saved:
    pre_registration: PreRegistration
    created: bool
    changed: bool  # False: it was already saved with exactly these values
    warnings: list[Finding]


@transaction.atomic
def pre_registration_save(
    *, actor: Actor, organisation: Organisation, values: dict[str, str]
) -> Saved:
    """One student, typed in the portal: the same rules as a file's row. The same student,
    offer and start date again updates the vooraanmelding. ``RowRefused`` leaves nothing
    written."""
    _own_organisation(actor, organisation)
    raw = {name: values.get(name, "").strip() for name in FIELDS if values.get(name, "").strip()}
    today = clock.today()
    row = check_structure(RawRow(number=1, line=1, values=raw))
    match = None
    if row.values is not None:
        found, match = check_content(
            row.values,
            organisation_id=organisation.pk,
            facts=RegisterFacts(on=today),
            today=today,
        )
        row.findings.extend(found)
    if row.rejected or row.values is None or match is None:
        raise RowRefused(row.findings)
    now = clock.now()
    new = pre_registration_from(row.values, match, organisation_id=organisation.pk, now=now)
    existing = _same_student(new)
    if existing is None:
        try:
            with transaction.atomic():
                new.save(force_insert=True)
        except IntegrityError:
            # Saved by someone else at this very moment: then this save updates theirs.
            existing = _same_student(new)
            if existing is None:
                raise
    if existing is not None and same_values(existing, new):
        return Saved(pre_registration=existing, created=False, changed=False, warnings=row.findings)
    if existing is not None:
        new.pk, new.created_at = existing.pk, existing.created_at
        new.save(force_update=True)
    audit_record(
        actor=actor,
        action="enrolments.pre_registration_saved",
        target=new,
        after={
            "studentnummer": new.studentnummer,
            "scholings_id": raw.get("scholings_id", ""),
            "start_date": new.start_date.isoformat(),
            "created": existing is None,
        },
        organisation_kvk=organisation.kvk_number,
    )
    return Saved(
        pre_registration=new, created=existing is None, changed=True, warnings=row.findings
    )
