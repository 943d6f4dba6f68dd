"""``stap validate vooraanmeldingen FILE [--kvk KVK] [--json]``: check a file offline.

The same rules as an upload in the Opleidersportaal, against the configured database, and
nothing is kept: the check runs in a transaction that is rolled back. Exit status 0 when every
row is valid, 1 when any row is rejected, 2 when the file cannot be read at all.
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import translation

from stap.core import clock
from stap.core.models import ActorKind
from stap.enrolments.models import PreRegistrationUpload, StagedRow
from stap.enrolments.prereg.checking import Counts, check_rows, detect_format
from stap.enrolments.prereg.reading import FileRefused
from stap.enrolments.prereg.rules import RULES, Finding
from stap.identity.models import Organisation

ALL_VALID, SOME_REJECTED, UNREADABLE = 0, 1, 2


class Command(BaseCommand):
    help = (
        "Check a vooraanmeldingen file (CSV or XML) with the rules of the Opleidersportaal, "
        "against this database, without keeping anything. Exit status: 0 every row valid, "
        "1 a row rejected, 2 the file cannot be read."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["vooraanmeldingen"])
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--kvk",
            help="The provider's KvK number; without it, whether each offer is the provider's "
            "own is not checked.",
        )
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print the result as JSON."
        )

    def handle(
        self, *args: Any, file: Path, kvk: str | None, as_json: bool, **options: Any
    ) -> None:
        with translation.override("nl"):
            status, result = self._check(file, kvk)
        if as_json:
            self.stdout.write(_json(result))
        else:
            self._print(result)
        if status:
            raise SystemExit(status)

    def _check(self, file: Path, kvk: str | None) -> tuple[int, dict[str, Any]]:
        organisation = None
        if kvk is not None:
            organisation = Organisation.objects.filter(kvk_number=kvk).first()
            if organisation is None:
                raise CommandError(f"No organisation with KvK number {kvk!r} in this database.")
        try:
            stream = file.open("rb")
        except OSError as error:
            raise CommandError(f"Cannot open {file}: {error.strerror}") from None
        with stream, transaction.atomic():
            try:
                result = _checked(stream, organisation)
            except FileRefused as refused:
                result = {"refused": _finding(refused.finding)}
            transaction.set_rollback(True)
        if "refused" in result:
            return UNREADABLE, result
        return (SOME_REJECTED if result["rejected"] else ALL_VALID), result

    def _print(self, result: dict[str, Any]) -> None:
        if "refused" in result:
            refused = result["refused"]
            self.stdout.write(f"{refused['rule']} {refused['message']} {refused['hint']}")
            return
        self.stdout.write(
            f"{result['rows']} regels: {result['valid']} goed, {result['rejected']} afgekeurd."
        )
        for error in result["errors"]:
            where = f"regel {error['row']}" + (
                f" ({error['studentnummer']})" if error["studentnummer"] else ""
            )
            field = f" {error['field']}" if error["field"] else ""
            self.stdout.write(
                f"{where}{field}: {error['rule']} {error['severity']}: {error['message']} "
                f"{error['hint']}"
            )


def _checked(stream: Any, organisation: Organisation | None) -> dict[str, Any]:
    if organisation is None:
        # Only to hang the rolled-back upload on; never kept.
        organisation = Organisation.objects.create(
            kvk_number="00000000", name="offline", created_at=clock.now()
        )
        organisation_id = None
    else:
        organisation_id = organisation.pk
    head = stream.read(4096)
    stream.seek(0)
    upload = PreRegistrationUpload.objects.create(
        organisation=organisation,
        created_by="stap validate",
        created_by_kind=ActorKind.SYSTEM,
        created_at=clock.now(),
        filename=stream.name,
        file_format=detect_format(head),
        size=0,
        sha256="",
        stored_as="",
    )
    counts: Counts = check_rows(
        upload, stream, today=clock.today(), organisation_id=organisation_id
    )
    errors = []
    for row in StagedRow.objects.filter(upload=upload).exclude(findings=[]).order_by("number"):
        for rule_id, values in row.findings:
            finding = RULES[rule_id].finding(values)
            errors.append(
                {"row": row.number, "studentnummer": row.raw.get("studentnummer", "")}
                | _finding(finding)
            )
    return {
        "rows": counts.read,
        "valid": counts.valid + counts.warning,
        "rejected": counts.rejected,
        "errors": errors,
    }


def _finding(finding: Finding) -> dict[str, str]:
    return {
        "field": finding.field,
        "rule": finding.rule.id,
        "severity": str(finding.rule.severity),
        "message": finding.message,
        "hint": finding.hint,
    }


def _json(result: dict[str, Any]) -> str:
    return json.dumps(result, ensure_ascii=False, indent=2)
