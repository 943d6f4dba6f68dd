"""The published rule catalogue is the one the code checks with."""

from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

from stap.enrolments.prereg.catalogue import catalogue
from stap.enrolments.prereg.rules import RULES


class CatalogueTests(SimpleTestCase):
    def test_the_published_catalogue_is_up_to_date(self) -> None:
        published = (Path(settings.BASE_DIR) / "docs" / "formats" / "rules.md").read_text()

        self.assertEqual(
            published,
            catalogue(),
            "docs/formats/rules.md differs from the rules: run `stap rules_catalogue`.",
        )

    def test_every_rule_is_in_it_with_dutch_and_english(self) -> None:
        text = catalogue()

        for rule_id in RULES:
            with self.subTest(rule_id):
                self.assertIn(f"`{rule_id}`", text)
        self.assertIn("Het veld ‘‹field›’ is leeg.", text)

    def test_rule_ids_keep_their_form(self) -> None:
        for rule_id in RULES:
            self.assertRegex(rule_id, r"^VA-[0-9]{3}$")
