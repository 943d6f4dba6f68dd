"""`stap validate vooraanmeldingen`: the upload's rules, offline, keeping nothing."""

import io
import json
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError

import pytest

from stap.enrolments.models import PreRegistrationUpload
from stap.identity.models import Organisation
from tests.enrolments.register_fixture import (
    RegisterTestCase,
    good_row,
)
from tests.enrolments.test_checking import csv_bytes


class ValidateCommandTests(RegisterTestCase):
    @pytest.fixture(autouse=True)
    def _tmp_path(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path

    def validate(self, data: bytes, *options: str) -> tuple[int, str]:
        path = self.tmp_path / "bestand.csv"
        path.write_bytes(data)
        out = io.StringIO()
        try:
            call_command("validate", "vooraanmeldingen", str(path), *options, stdout=out)
        except SystemExit as exit:
            return int(exit.code or 0), out.getvalue()
        return 0, out.getvalue()

    def as_json(self, data: bytes, *options: str) -> tuple[int, dict[str, Any]]:
        status, out = self.validate(data, "--json", *options)
        return status, json.loads(out)

    def test_a_file_of_valid_rows_exits_0_and_keeps_nothing(self) -> None:
        status, result = self.as_json(csv_bytes([good_row(self.register)]), "--kvk", "90000501")

        self.assertEqual(status, 0)
        self.assertEqual(result, {"rows": 1, "valid": 1, "rejected": 0, "errors": []})
        self.assertFalse(PreRegistrationUpload.objects.exists())
        self.assertFalse(Organisation.objects.filter(kvk_number="00000000").exists())

    def test_a_rejected_row_exits_1_and_is_described(self) -> None:
        status, result = self.as_json(
            csv_bytes(
                [
                    good_row(self.register),
                    good_row(self.register, studentnummer="S2", postcode="12"),
                ]
            ),
            "--kvk",
            "90000501",
        )

        self.assertEqual(status, 1)
        self.assertEqual((result["rows"], result["valid"], result["rejected"]), (2, 1, 1))
        self.assertEqual(
            result["errors"][0] | {"message": "…", "hint": "…"},
            {
                "row": 3,
                "studentnummer": "S2",
                "field": "postcode",
                "rule": "VA-013",
                "severity": "fout",
                "message": "…",
                "hint": "…",
            },
        )

    def test_without_a_kvk_number_another_providers_offer_passes(self) -> None:
        row = good_row(
            self.register,
            scholings_id=str(self.register.foreign.scholings_id),
            cohortcode="W-1",
            einddatum="",
        )

        self.assertEqual(self.as_json(csv_bytes([row]))[0], 0)
        self.assertEqual(self.as_json(csv_bytes([row]), "--kvk", "90000501")[0], 1)

    def test_a_file_that_cannot_be_read_exits_2(self) -> None:
        status, out = self.validate(b"\x00\x01\x02PK\x03\x04")

        self.assertEqual(status, 2)
        self.assertIn("VA-102", out)

    def test_an_unknown_kvk_number_is_an_error(self) -> None:
        with self.assertRaises(CommandError):
            self.validate(csv_bytes([good_row(self.register)]), "--kvk", "12345678")

    def test_the_plain_output_names_row_field_rule_and_fix(self) -> None:
        status, out = self.validate(
            csv_bytes([good_row(self.register, postcode="12")]), "--kvk", "90000501"
        )

        self.assertEqual(status, 1)
        self.assertIn("regel 2 (S2026001) postcode: VA-013 fout:", out)
        self.assertIn("1234 AB", out)
