"""Checking the rows of a file: read, check every row in both stages, and stage the rows.

Rows are read as a stream and handled a chunk at a time: the structure of each row, then the
register for the chunk's offers (looked up once), then the chunk is written to ``StagedRow`` and
``progress`` is told how far the file is read. When the whole file is in, the rules that compare
rows with each other run in the database (``comparing``), and the rows are counted there too.

A file refused as a whole raises ``FileRefused`` at any point; the caller removes what was
staged, so a refused file leaves nothing behind.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any, BinaryIO, Final

from django.conf import settings
from django.db.models import Count

from stap.enrolments.models import FileFormat, PreRegistrationUpload, RowStatus, StagedRow
from stap.enrolments.prereg.comparing import compare_rows
from stap.enrolments.prereg.content import RegisterFacts, check_content
from stap.enrolments.prereg.copying import copy_staged, is_postgresql
from stap.enrolments.prereg.csv_reader import read_csv
from stap.enrolments.prereg.reading import RawRow
from stap.enrolments.prereg.rules import Finding
from stap.enrolments.prereg.structure import Row, Values, check_structure
from stap.enrolments.prereg.xml_reader import read_xml

CHUNK: Final = 5_000
_BOMS: Final = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True, slots=True)
class Counts:
    read: int
    valid: int
    warning: int
    rejected: int


def detect_format(head: bytes) -> FileFormat:
    """XML when the first thing in the file (after a byte-order mark and white space) is ``<``."""
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom) :]
            break
    return FileFormat.XML if head.lstrip(b" \t\r\n\x00").startswith(b"<") else FileFormat.CSV


def read_rows(stream: BinaryIO, file_format: FileFormat) -> Iterator[RawRow]:
    reader = read_xml if file_format == FileFormat.XML else read_csv
    return reader(
        stream,
        max_bytes=settings.STAP_PREREG_MAX_BYTES,
        max_rows=settings.STAP_PREREG_MAX_ROWS,
    )


def stored_findings(findings: Iterable[Finding]) -> list[list[object]]:
    """Findings as ``StagedRow.findings`` keeps them: ``[rule id, {values}]``."""
    return [[finding.rule.id, dict(finding.values)] for finding in findings]


def row_status(row: Row) -> RowStatus:
    if row.rejected:
        return RowStatus.REJECTED
    return RowStatus.WARNING if row.findings else RowStatus.VALID


def person_key(values: Values) -> str:
    """Who the row is about, to notice one studentnummer used for two people."""
    parts = (values.first_name, values.name_prefix, values.last_name)
    name = " ".join(part for part in parts if part)
    return f"{values.birth_date.isoformat()} {name.casefold()}"[:450]


def check_row(
    row: Row, *, organisation_id: int | None, facts: RegisterFacts, today: dt.date
) -> Row:
    """Stage two for a row that passed stage one (``check_structure``); the same row back."""
    if row.values is not None:
        found, match = check_content(
            row.values, organisation_id=organisation_id, facts=facts, today=today
        )
        row.findings.extend(found)
        if match is not None:
            row.register_ids = (match.offer.id, match.cohort.id)
    return row


def typed_values(row: Row) -> dict[str, object] | None:
    """What a row that passed both stages will put in its vooraanmelding, so that committing
    need not read the row again; ``None`` for a rejected row. (JSON keeps dates and amounts as
    text: ``StagedRow.typed_values`` and ``copying`` write them with ``str``.)"""
    if row.values is None or row.register_ids is None or row.rejected:
        return None
    offer_id, cohort_id = row.register_ids
    return {"offer_id": offer_id, "cohort_id": cohort_id, **row.values.person_fields()}


def staged_attributes(upload_id: int, row: Row) -> dict[str, Any]:
    """A checked row as ``StagedRow`` keeps it, attribute by attribute."""
    values = row.values
    return {
        "upload_id": upload_id,
        "number": row.number,
        "line": row.line,
        "raw": row.raw,
        "typed_values": typed_values(row),
        "findings": stored_findings(row.findings),
        "status": row_status(row),
        "studentnummer": values.studentnummer if values else "",
        "scholings_id": values.scholings_id if values else None,
        "start_date": values.start_date if values else None,
        "person": person_key(values) if values else "",
        "outcome": "",
        "fixed_by": "",
    }


def staged_row(upload: PreRegistrationUpload, row: Row) -> StagedRow:
    return StagedRow(**staged_attributes(upload.pk, row))


def _chunks(rows: Iterator[RawRow]) -> Iterator[list[RawRow]]:
    while chunk := list(islice(rows, CHUNK)):
        yield chunk


def check_rows(
    upload: PreRegistrationUpload,
    stream: BinaryIO,
    *,
    today: dt.date,
    organisation_id: int | None,
    progress: Callable[[int, int], None] = lambda _rows, _bytes: None,
    facts: RegisterFacts | None = None,
) -> Counts:
    """Stage every row of ``stream`` for ``upload`` (which has none yet) and count them.

    ``organisation_id`` ``None`` checks every rule except the one that the offer must be the
    provider's own (the offline validator without ``--kvk``). ``progress(rows, bytes)`` is
    called after each chunk; ``facts``, when given, is the register lookup to use (and is left
    holding what the rows looked up). Raises ``FileRefused`` when the file as a whole cannot be
    used.
    """
    facts = facts or RegisterFacts(on=today)
    read = 0
    for chunk in _chunks(read_rows(stream, FileFormat(upload.file_format))):
        rows = [check_structure(raw) for raw in chunk]
        facts.load(row.values.scholings_id for row in rows if row.values is not None)
        staged = [
            staged_attributes(
                upload.pk,
                check_row(row, organisation_id=organisation_id, facts=facts, today=today),
            )
            for row in rows
        ]
        if is_postgresql():
            copy_staged(staged)
        else:
            StagedRow.objects.bulk_create(
                [StagedRow(**attributes) for attributes in staged], batch_size=1_000
            )
        read += len(rows)
        progress(read, stream.tell())
    compare_rows(upload)
    return count_rows(upload)


def count_rows(upload: PreRegistrationUpload) -> Counts:
    """The upload's staged rows by status, counted in the database."""
    counts = dict(
        StagedRow.objects.filter(upload=upload)
        .order_by()
        .values("status")
        .annotate(count=Count("pk"))
        .values_list("status", "count")
    )
    return Counts(
        read=sum(counts.values()),
        valid=counts.get(RowStatus.VALID, 0),
        warning=counts.get(RowStatus.WARNING, 0),
        rejected=counts.get(RowStatus.REJECTED, 0),
    )
