from typing import Any

from django.core.management.base import BaseCommand

from stap.demo.loader import load


class Command(BaseCommand):
    help = "Load the demo organisations, register, applications and staff accounts (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("Loading demo data…")
        load(report=self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
