from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from stap.enrolments.prereg.catalogue import catalogue

CATALOGUE = Path(settings.BASE_DIR) / "docs" / "formats" / "rules.md"


class Command(BaseCommand):
    help = "Write the rule catalogue of vooraanmeldingen to docs/formats/rules.md (or stdout)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--stdout", action="store_true", help="Print instead of writing.")

    def handle(self, *args: Any, stdout: bool, **options: Any) -> None:
        text = catalogue()
        if stdout:
            self.stdout.write(text, ending="")
            return
        CATALOGUE.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {CATALOGUE.relative_to(settings.BASE_DIR)}")
