"""``stap devserver``: the web server (product and test broker), the background worker, and
the reaper that queues again the work of a worker that stopped (``stap requeue_stale``).

Ctrl-C stops all three; if one stops by itself, the others are stopped too.
"""

import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from stap.demo.loader import STAFF_PASSWORDS
from stap.demo.personas import PERSONAS


class Command(BaseCommand):
    help = "Serve the product with the test broker and run the background worker (development)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args: Any, addr: str, **options: Any) -> None:
        if settings.IS_PRODUCTION:
            raise CommandError(
                "devserver is for development; production runs gunicorn + db_worker."
            )
        stap = [sys.executable, "-m", "stap"]
        processes = [
            subprocess.Popen([*stap, "runserver", addr]),  # noqa: S603 - our own command
            subprocess.Popen([*stap, "db_worker", "--interval", "1"]),  # noqa: S603
            subprocess.Popen([*stap, "requeue_stale", "--every", "60"]),  # noqa: S603
        ]
        self._print_welcome(addr)
        stopping = False

        def stop(*_: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        while not stopping and all(process.poll() is None for process in processes):
            time.sleep(0.5)
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        self.stdout.write("Stopped the web server, the worker and the reaper.")

    def _print_welcome(self, addr: str) -> None:
        write = self.stdout.write
        write("")
        write(self.style.SUCCESS(f"STAP-portaal: {settings.STAP_BASE_URL}/"))
        write(f"  Opleidersportaal: {settings.STAP_BASE_URL}/opleidersportaal/")
        write("    → 'Inloggen met eHerkenning' goes to the test broker at")
        write(f"      {settings.STAP_TESTBROKER_BASE_URL}/testbroker/ ; pick a demo persona:")
        for persona in PERSONAS:
            write(f"      - {persona.label}: KvK {persona.kvk_number}, {persona.level}")
        write(f"  Backoffice: {settings.STAP_BASE_URL}/backoffice/")
        for username, password in STAFF_PASSWORDS.items():
            write(f"    - {username} / {password}; code: `.venv/bin/stap totp_code {username}`")
        write("  Press Ctrl-C to stop.")
        write("")
