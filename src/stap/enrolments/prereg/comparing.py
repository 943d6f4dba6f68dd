"""The rules that compare the rows of one upload with each other, run in the database.

Holding every key of a million-row file in memory would cost more than the rest of the check, so
the staged rows are compared with window functions instead (PostgreSQL and SQLite alike):

- VA-044: the same student, offer and start date on an earlier row — the later row is rejected,
  so that committing can never write one vooraanmelding twice;
- VA-047: one studentnummer for two people (another birth date or name than on its first row) —
  a warning, since a provider may have corrected a name.

Only well-formed rows take part (they have the keys); the first row of a kind is left alone.
"""

from typing import Any, Final

from django.db.models import F, Min, QuerySet, Window
from django.db.models.functions import FirstValue

from stap.enrolments.models import PreRegistrationUpload, RowOutcome, RowStatus, StagedRow
from stap.enrolments.prereg import rules
from stap.enrolments.prereg.rules import Finding

BATCH: Final = 1_000
COMPARING_RULES: Final = frozenset({rules.DUPLICATE_IN_FILE.id, rules.SAME_NUMBER_OTHER_PERSON.id})


Flagged = QuerySet[StagedRow, tuple[int, int, int]]


def duplicates(rows: QuerySet[StagedRow]) -> Flagged:
    """(pk, number, first number) of rows with the student, offer and start date of an
    earlier row."""
    return (
        rows.filter(scholings_id__isnull=False, start_date__isnull=False)
        .annotate(
            first=Window(
                Min("number"), partition_by=[F("studentnummer"), F("scholings_id"), F("start_date")]
            )
        )
        .filter(number__gt=F("first"))
        .values_list("pk", "number", "first")
    )


def other_people(rows: QuerySet[StagedRow]) -> Flagged:
    """(pk, number, first number) of rows whose studentnummer an earlier row used for someone
    else."""
    return (
        rows.exclude(person="")
        .annotate(
            first=Window(Min("number"), partition_by=[F("studentnummer")]),
            first_person=Window(
                FirstValue("person"), partition_by=[F("studentnummer")], order_by="number"
            ),
        )
        .exclude(person=F("first_person"))
        .values_list("pk", "number", "first")
    )


def _add(row: StagedRow, finding: Finding) -> None:
    row.findings = [*row.findings, [finding.rule.id, dict(finding.values)]]
    if finding.is_error:
        row.status = RowStatus.REJECTED
    elif row.status == RowStatus.VALID:
        row.status = RowStatus.WARNING


def compare_rows(upload: PreRegistrationUpload, *, numbers: set[int] | None = None) -> None:
    """Add the comparing rules' findings to the rows of ``upload`` (only to the rows numbered
    ``numbers`` when given: a fixed row is compared with the others again)."""
    rows = StagedRow.objects.filter(upload=upload)
    found: dict[int, list[Finding]] = {}
    for rule, query in (
        (rules.DUPLICATE_IN_FILE, duplicates),
        (rules.SAME_NUMBER_OTHER_PERSON, other_people),
    ):
        for pk, number, first in query(rows):
            if numbers is None or number in numbers:
                found.setdefault(pk, []).append(rule(row=first))
    pks = list(found)
    for start in range(0, len(pks), BATCH):
        batch = list(
            StagedRow.objects.filter(pk__in=pks[start : start + BATCH]).only(
                "pk", "findings", "status"
            )
        )
        for row in batch:
            for finding in found[row.pk]:
                _add(row, finding)
        StagedRow.objects.bulk_update(batch, ["findings", "status"])


def refuse_later_copies(upload: PreRegistrationUpload) -> None:
    """Before a commit: of two rows on their way in for the same student, offer and start date
    (a row fixed in the portal can become one), the later is refused by VA-044 — so that a
    commit never writes one vooraanmelding twice, whichever way its rows go in."""
    going_in = StagedRow.objects.filter(
        upload=upload, status__in=[RowStatus.VALID, RowStatus.WARNING]
    ).exclude(outcome=RowOutcome.REFUSED)
    later = {pk: first for pk, _number, first in duplicates(going_in)}
    pks = list(later)
    for start in range(0, len(pks), BATCH):
        batch = list(
            StagedRow.objects.filter(
                pk__in=pks[start : start + BATCH], outcome=RowOutcome.NONE
            ).only("pk", "findings", "status")
        )
        for row in batch:
            _add(row, rules.DUPLICATE_IN_FILE(row=later[row.pk]))
            row.outcome = RowOutcome.REFUSED
        StagedRow.objects.bulk_update(batch, ["findings", "status", "outcome"])


def comparison_findings(findings: list[list[Any]]) -> list[list[Any]]:
    """Of a staged row's stored findings, those of the comparing rules."""
    return [finding for finding in findings if finding[0] in COMPARING_RULES]
