from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

import polib


class EnglishCatalogueTests(SimpleTestCase):
    def test_every_dutch_text_has_an_english_translation_that_keeps_its_placeholders(self) -> None:
        catalogue = polib.pofile(str(Path(settings.LOCALE_PATHS[0]) / "en/LC_MESSAGES/django.po"))

        self.assertEqual([entry.msgid for entry in catalogue.untranslated_entries()], [])
        self.assertEqual([entry.msgid for entry in catalogue.fuzzy_entries()], [])
        for entry in catalogue.translated_entries():
            for placeholder in ("%(", "%s", "%d"):
                with self.subTest(msgid=entry.msgid[:40], placeholder=placeholder):
                    # msgstr[0] answers the singular msgid, the other forms the plural one.
                    pairs = (
                        [
                            (entry.msgid if form == 0 else entry.msgid_plural, translation)
                            for form, translation in entry.msgstr_plural.items()
                        ]
                        if entry.msgid_plural
                        else [(entry.msgid, entry.msgstr)]
                    )
                    for source, translation in pairs:
                        self.assertEqual(source.count(placeholder), translation.count(placeholder))
