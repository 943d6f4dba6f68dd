"""Reads of bulk uploads, always scoped to one organisation. The stored file is never loaded."""

from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import Http404

from stap.bulk.models import BulkKind, BulkReportLine, BulkRun
from stap.core.csv_export import csv_rows
from stap.identity.models import Organisation

REPORT_HEADER = ["Signaal", "Onderwerp", "Eigen sleutel", "Code", "Melding", "Regel"]


def bulk_runs_for_organisation(
    *, organisation: Organisation, kind: BulkKind | None = None
) -> QuerySet[BulkRun]:
    """The organisation's runs, newest first."""
    runs = BulkRun.objects.filter(organisation=organisation).defer("data")
    if kind is not None:
        runs = runs.filter(kind=kind)
    return runs.order_by("-created_at", "-id")


def bulk_run_for_organisation(*, organisation: Organisation, run_id: int) -> BulkRun:
    """One run of the organisation; ``Http404`` for a run that does not exist or is another
    organisation's (the two cannot be told apart)."""
    try:
        return BulkRun.objects.defer("data").get(pk=run_id, organisation=organisation)
    except BulkRun.DoesNotExist as exc:
        raise Http404 from exc


def bulk_report_lines(*, run: BulkRun) -> QuerySet[BulkReportLine]:
    """The verwerkingsverslag of a run (from ``bulk_run_for_organisation``), in file order."""
    return BulkReportLine.objects.filter(run=run).order_by("sequence")


def bulk_report_csv(*, run: BulkRun) -> Iterator[str]:
    """The verwerkingsverslag as CSV (semicolons, UTF-8 with BOM), streamed."""
    lines = bulk_report_lines(run=run).values_list(
        "level", "subject", "own_key", "code", "message", "line"
    )
    return csv_rows(REPORT_HEADER, lines.iterator(chunk_size=2000))
