"""Reads of vooraanmeldingen and their uploads, always within one organisation: another
organisation's upload or row answers 404, as a missing one does."""

from collections.abc import Iterator

from django.db.models import Q, QuerySet
from django.http import Http404

from stap.enrolments.models import (
    PreRegistration,
    PreRegistrationUpload,
    RowStatus,
    StagedRow,
)
from stap.enrolments.prereg.rules import RULES, Finding
from stap.identity.models import Organisation


def uploads_for_organisation(*, organisation: Organisation) -> QuerySet[PreRegistrationUpload]:
    return PreRegistrationUpload.objects.filter(organisation=organisation).order_by(
        "-created_at", "-id"
    )


def upload_for_organisation(*, organisation: Organisation, upload_id: int) -> PreRegistrationUpload:
    upload = (
        uploads_for_organisation(organisation=organisation)
        .select_related("organisation")
        .filter(pk=upload_id)
        .first()
    )
    if upload is None:
        raise Http404("no such upload for this organisation")
    return upload


ROW_FILTERS = {
    "afgekeurd": [RowStatus.REJECTED],
    "waarschuwing": [RowStatus.WARNING],
    "goed": [RowStatus.VALID, RowStatus.WARNING],
}


def staged_rows(*, upload: PreRegistrationUpload, show: str = "") -> QuerySet[StagedRow]:
    """The rows of ``upload`` in file order; ``show`` one of ``ROW_FILTERS`` (else all)."""
    rows = StagedRow.objects.filter(upload=upload).order_by("number")
    if show in ROW_FILTERS:
        rows = rows.filter(status__in=ROW_FILTERS[show])
    return rows


def staged_row_for_organisation(
    *, organisation: Organisation, upload_id: int, number: int
) -> StagedRow:
    row = (
        StagedRow.objects.select_related("upload__organisation")
        .filter(upload_id=upload_id, upload__organisation=organisation, number=number)
        .first()
    )
    if row is None:
        raise Http404("no such row for this organisation")
    return row


def findings_of(row: StagedRow) -> list[Finding]:
    """The row's findings as rules with their values, ready to show in any language."""
    return [RULES[rule_id].finding(values) for rule_id, values in row.findings]


def pre_registrations_for_organisation(
    *, organisation: Organisation, query: str = ""
) -> QuerySet[PreRegistration]:
    """The organisation's vooraanmeldingen, newest change first; ``query`` matches the start of
    the studentnummer or of the surname."""
    found = PreRegistration.objects.filter(organisation=organisation).select_related(
        "offer__training", "cohort"
    )
    if query := query.strip():
        found = found.filter(Q(studentnummer__istartswith=query) | Q(last_name__istartswith=query))
    return found.order_by("-updated_at", "-id")


def report_lines(*, upload: PreRegistrationUpload) -> Iterator[list[object]]:
    """The verslag as CSV rows: one per finding, or one for a row without findings."""
    rows = staged_rows(upload=upload).only("number", "raw", "status", "outcome", "findings")
    for row in rows.iterator(chunk_size=2_000):
        studentnummer = row.raw.get("studentnummer", "")
        status, outcome = row.get_status_display(), row.get_outcome_display()
        findings = findings_of(row)
        if not findings:
            yield [row.number, studentnummer, status, outcome, "", "", "", "", ""]
        for finding in findings:
            yield [
                row.number,
                studentnummer,
                status,
                outcome,
                finding.field,
                finding.rule.id,
                str(finding.rule.severity),
                finding.message,
                finding.hint,
            ]
