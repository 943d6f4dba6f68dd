"""Committing an upload: every row that passed the check goes into the vooraanmeldingen.

The register may have changed since the check (a cohort closed, an exclusion), so the commit
looks the register up again for every offer in the file and compares it with the fingerprint the
check left (``RegisterFacts.digests``). Rows whose offer is unchanged, checked the same day, get
the same answer from every rule: they go in from the values the check stored
(``StagedRow.typed_values``), a chunk per statement. Every other row — its offer changed, the day
changed, or it was fixed in the portal — is checked again from its text, in both stages; a row
that fails now is refused, with its findings, and never silently dropped.

Rows go in a chunk at a time, each chunk in one transaction with its outcome (new, updated,
unchanged, refused) on the staged rows and the upload's progress — so a worker killed halfway
leaves whole chunks behind, and the next one goes on with the rows that have no outcome yet.
Sending the same student, offer and start date again updates the vooraanmelding: one per
organisation, studentnummer, offer and start date.
"""

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

from django.db import transaction
from django.db.models import F, Q, QuerySet

from stap.core import clock
from stap.enrolments.models import (
    PreRegistration,
    PreRegistrationUpload,
    RowOutcome,
    RowStatus,
    StagedRow,
)
from stap.enrolments.prereg import rules
from stap.enrolments.prereg.checking import row_status, stored_findings
from stap.enrolments.prereg.comparing import comparison_findings, refuse_later_copies
from stap.enrolments.prereg.content import Match, RegisterFacts, check_content
from stap.enrolments.prereg.copying import (
    is_postgresql,
    upsert_pre_registrations,
    upsert_staged_pre_registrations,
)
from stap.enrolments.prereg.leases import renew
from stap.enrolments.prereg.reading import RawRow
from stap.enrolments.prereg.structure import Row, Values, check_structure

CHUNK: Final = 2_000
# Rows committed from their checked values cost no Python each, so their chunks can be larger.
CHECKED_CHUNK: Final = 20_000
# More changed offers than this and every row is checked again (the list must fit a query).
MOST_CHANGED_OFFERS: Final = 1_000
KEY_FIELDS: Final = ("studentnummer", "offer_id", "start_date")
# What a vooraanmelding holds besides its key; "unchanged" means all of these are equal.
VALUE_FIELDS: Final = (
    "first_name",
    "name_prefix",
    "last_name",
    "birth_date",
    "street",
    "house_number",
    "house_number_addition",
    "postcode",
    "city",
    "country",
    "email",
    "cohort_id",
    "end_date",
    "amount",
    "study_year_start",
    "study_year_end",
)
Key = tuple[str, int, dt.date]


def pre_registration_attributes(
    values: Values,
    match: Match,
    *,
    organisation_id: int,
    now: dt.datetime,
    upload_id: int | None = None,
) -> dict[str, Any]:
    """A vooraanmelding attribute by attribute, as ``PreRegistration`` names them."""
    return {
        "organisation_id": organisation_id,
        "offer_id": match.offer.id,
        "cohort_id": match.cohort.id,
        "upload_id": upload_id,
        "created_at": now,
        "updated_at": now,
        **values.person_fields(),
    }


def pre_registration_from(
    values: Values,
    match: Match,
    *,
    organisation_id: int,
    now: dt.datetime,
    upload: PreRegistrationUpload | None = None,
) -> PreRegistration:
    return PreRegistration(
        **pre_registration_attributes(
            values,
            match,
            organisation_id=organisation_id,
            now=now,
            upload_id=upload.pk if upload else None,
        )
    )


def _key(item: PreRegistration) -> Key:
    return (item.studentnummer, item.offer_id, item.start_date)


@dataclass(frozen=True, slots=True)
class Pending:
    """A staged row still to commit: only what the commit reads of it."""

    pk: int
    number: int
    line: int
    raw: dict[str, str]
    findings: list[list[Any]]

    @classmethod
    def of(cls, row: StagedRow) -> "Pending":
        return cls(pk=row.pk, number=row.number, line=row.line, raw=row.raw, findings=row.findings)


def same_values(old: PreRegistration, new: PreRegistration) -> bool:
    """Whether ``new`` would change nothing of ``old`` (its key aside)."""
    return all(getattr(old, name) == getattr(new, name) for name in VALUE_FIELDS)


def _to_commit(upload: PreRegistrationUpload) -> QuerySet[StagedRow]:
    return StagedRow.objects.filter(
        upload=upload, status__in=[RowStatus.VALID, RowStatus.WARNING], outcome=RowOutcome.NONE
    )


def _to_check_again(changed: frozenset[str] | None) -> Q:
    """The rows that must be checked again: all (``changed`` is ``None``), else those fixed in
    the portal and those whose offer changed."""
    if changed is None:
        return Q()
    fixed = Q(typed_values__isnull=True)
    return fixed | Q(scholings_id__in=sorted(changed)) if changed else fixed


def offers_changed(
    upload: PreRegistrationUpload, facts: RegisterFacts, *, today: dt.date
) -> frozenset[str] | None:
    """The scholings-IDs (as text) whose register facts differ from what the check saw;
    ``None`` when every row must be checked again (another day, or too much changed)."""
    if upload.register_on != today or not upload.register_digests:
        return None
    facts.load(uuid.UUID(key) for key in upload.register_digests)
    now = facts.digests()
    changed = frozenset(
        key for key, seen in upload.register_digests.items() if now.get(key) != seen
    )
    return None if len(changed) > MOST_CHANGED_OFFERS else changed


def _pending(upload: PreRegistrationUpload, again: Q) -> Iterator[list[Pending]]:
    """The rows to check again and commit, a chunk at a time (by row number, so restarts go
    on)."""
    after = 0
    while True:
        chunk = [
            Pending(pk=pk, number=number, line=line, raw=raw, findings=findings)
            for pk, number, line, raw, findings in _to_commit(upload)
            .filter(again, number__gt=after)
            .order_by("number")
            .values_list("pk", "number", "line", "raw", "findings")[:CHUNK]
        ]
        if not chunk:
            return
        yield chunk
        after = chunk[-1].number


def _checked_chunks(rows: QuerySet[StagedRow]) -> Iterator[QuerySet[StagedRow]]:
    """``rows`` in chunks of consecutive row numbers, each ``CHECKED_CHUNK`` rows at most."""
    after = 0
    while True:
        remaining = rows.filter(number__gt=after).order_by("number")
        last = remaining.values_list("number", flat=True)[CHECKED_CHUNK - 1 : CHECKED_CHUNK]
        if not last:
            if remaining.exists():
                yield remaining
            return
        yield remaining.filter(number__lte=last[0])
        after = last[0]


def commit_rows(upload: PreRegistrationUpload, *, today: dt.date) -> None:
    """Commit the checked rows of a claimed upload (status COMMITTING), a chunk at a time."""
    refuse_later_copies(upload)
    facts = RegisterFacts(on=today)
    changed = offers_changed(upload, facts, today=today)
    again = _to_check_again(changed)
    for chunk in _pending(upload, again):
        with transaction.atomic():
            written = commit_staged(upload, chunk, facts=facts, today=today)
            _progress(upload, written)
    if changed is None:
        return
    ready = _to_commit(upload).filter(typed_values__isnull=False)
    if changed:
        ready = ready.exclude(scholings_id__in=sorted(changed))
    for rows in _checked_chunks(ready):
        with transaction.atomic():
            _progress(upload, commit_checked(upload, rows))


def _progress(upload: PreRegistrationUpload, written: int) -> None:
    renew(upload, rows_committed=F("rows_committed") + written)
    upload.refresh_from_db(fields=["rows_committed"])


def commit_checked(upload: PreRegistrationUpload, rows: QuerySet[StagedRow]) -> int:
    """Put ``rows`` in from the values their check stored (inside the caller's transaction);
    returns how many went in."""
    now = clock.now()
    if is_postgresql():
        return upsert_staged_pre_registrations(
            rows, organisation_id=upload.organisation_id, upload_id=upload.pk, now=now
        )
    new: dict[Key, tuple[int, dict[str, Any]]] = {}
    fields = {field.attname: field for field in PreRegistration._meta.concrete_fields}
    for pk, typed in rows.values_list("pk", "typed_values"):
        attributes = {name: fields[name].to_python(value) for name, value in (typed or {}).items()}
        attributes.update(
            organisation_id=upload.organisation_id,
            upload_id=upload.pk,
            created_at=now,
            updated_at=now,
        )
        new[(attributes["studentnummer"], attributes["offer_id"], attributes["start_date"])] = (
            pk,
            attributes,
        )
    _upsert_with_the_orm(upload, new)
    return len(new)


def commit_staged(
    upload: PreRegistrationUpload,
    rows: list[Pending],
    *,
    facts: RegisterFacts,
    today: dt.date,
) -> int:
    """Check ``rows`` again and put those that pass in (inside the caller's transaction);
    returns how many went in (new, updated or unchanged)."""
    checked = [(staged, check_structure(_raw(staged))) for staged in rows]
    facts.load(row.values.scholings_id for _staged, row in checked if row.values)
    return _commit_chunk(upload, checked, facts, today)


def _raw(staged: Pending) -> RawRow:
    return RawRow(number=staged.number, line=staged.line, values=dict(staged.raw))


def _commit_chunk(
    upload: PreRegistrationUpload,
    checked: list[tuple[Pending, Row]],
    facts: RegisterFacts,
    today: dt.date,
) -> int:
    now = clock.now()
    new: dict[Key, tuple[int, dict[str, Any]]] = {}
    numbers: dict[Key, int] = {}
    refused: list[StagedRow] = []
    for staged, row in checked:
        match = None
        if row.values is not None:
            found, match = check_content(
                row.values, organisation_id=upload.organisation_id, facts=facts, today=today
            )
            row.findings.extend(found)
        if row.rejected or match is None or row.values is None:
            refused.append(
                StagedRow(
                    pk=staged.pk,
                    findings=stored_findings(row.findings) + comparison_findings(staged.findings),
                    status=row_status(row),
                    outcome=RowOutcome.REFUSED,
                )
            )
            continue
        key = (row.values.studentnummer, match.offer.id, row.values.start_date)
        if key in new:
            # Two rows for one student, offer and start date (a fixed row can become one): the
            # earlier row goes in, the later is refused, as rule VA-044 says.
            refused.append(
                StagedRow(
                    pk=staged.pk,
                    findings=[
                        *stored_findings(row.findings),
                        *stored_findings([rules.DUPLICATE_IN_FILE(row=numbers[key])]),
                    ],
                    status=RowStatus.REJECTED,
                    outcome=RowOutcome.REFUSED,
                )
            )
            continue
        numbers[key] = staged.number
        new[key] = (
            staged.pk,
            pre_registration_attributes(
                row.values,
                match,
                organisation_id=upload.organisation_id,
                now=now,
                upload_id=upload.pk,
            ),
        )
    if refused:
        StagedRow.objects.bulk_update(refused, ["outcome", "findings", "status"])
    if is_postgresql():
        upsert_pre_registrations(list(new.values()))
    else:
        _upsert_with_the_orm(upload, new)
    return len(new)


def _upsert_with_the_orm(
    upload: PreRegistrationUpload, new: dict[Key, tuple[int, dict[str, Any]]]
) -> None:
    """What ``copying.upsert_pre_registrations`` does in one statement, for SQLite."""
    existing = _existing(upload, list(new))
    staged_rows: dict[Key, StagedRow] = {}
    to_write = []
    for key, (staged_id, attributes) in new.items():
        item = PreRegistration(**attributes)
        old = existing.get(key)
        staged = staged_rows[key] = StagedRow(pk=staged_id)
        if old is not None and same_values(old, item):
            staged.outcome = RowOutcome.UNCHANGED
            staged.pre_registration_id = old.pk
            continue
        staged.outcome = RowOutcome.UPDATED if old is not None else RowOutcome.CREATED
        to_write.append(item)
    PreRegistration.objects.bulk_create(
        to_write,
        update_conflicts=True,
        unique_fields=["organisation", "studentnummer", "offer", "start_date"],
        update_fields=[
            *[name.removesuffix("_id") for name in VALUE_FIELDS],
            "upload",
            "updated_at",
        ],
    )
    ids = _existing(upload, list(new))
    for key, staged in staged_rows.items():
        staged.pre_registration_id = ids[key].pk
    StagedRow.objects.bulk_update(list(staged_rows.values()), ["outcome", "pre_registration"])


def _existing(upload: PreRegistrationUpload, keys: list[Key]) -> dict[Key, PreRegistration]:
    if not keys:
        return {}
    numbers = {key[0] for key in keys}
    offers = {key[1] for key in keys}
    wanted = set(keys)
    found = PreRegistration.objects.filter(
        organisation_id=upload.organisation_id,
        studentnummer__in=numbers,
        offer_id__in=offers,
    )
    return {_key(item): item for item in found if _key(item) in wanted}
