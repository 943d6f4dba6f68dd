"""The example files in docs/formats/ pass every rule against the demo dataset."""

import io
import json
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import TestCase

from stap.demo.loader import PROVIDERS, register_provider
from stap.demo.personas import LEERHUIS

EXAMPLES = Path(settings.BASE_DIR) / "docs" / "formats" / "examples"


class ExampleFileTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        for spec in PROVIDERS:
            register_provider(spec)

    def test_every_example_file_is_valid_for_the_demo_provider(self) -> None:
        examples = sorted(EXAMPLES.glob("vooraanmeldingen*"))
        self.assertGreaterEqual(len(examples), 3)
        for path in examples:
            with self.subTest(path.name):
                out = io.StringIO()
                call_command(
                    "validate",
                    "vooraanmeldingen",
                    str(path),
                    "--kvk",
                    LEERHUIS.kvk_number,
                    "--json",
                    stdout=out,
                )
                result = json.loads(out.getvalue())
                self.assertGreater(result["rows"], 0)
                self.assertEqual(result["errors"], [])
