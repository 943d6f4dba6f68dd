"""The example files in docs/formats/ and the demo's vooraanmeldingen pass every rule against
the demo dataset."""

import io
import json
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import TestCase

from stap.demo.loader import PROVIDERS, pre_register_students, register_provider
from stap.demo.personas import LEERHUIS
from stap.enrolments.models import PreRegistration, RegistrationProof
from stap.identity.models import Organisation

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


class DemoPreRegistrationTests(TestCase):
    def test_each_demo_provider_gets_students_pre_registered_and_a_registration_proof(
        self,
    ) -> None:
        for spec in PROVIDERS:
            register_provider(spec)

            saved = pre_register_students(spec)

            with self.subTest(spec.provider_name):
                organisation = Organisation.objects.get(kvk_number=spec.persona.kvk_number)
                self.assertEqual(saved, 2 * len(spec.trainings))
                self.assertEqual(
                    PreRegistration.objects.filter(organisation=organisation).count(), saved
                )
                self.assertEqual(
                    RegistrationProof.objects.filter(organisation=organisation).count(), 1
                )
