"""``stap requeue_stale``: put background work whose worker stopped back in the queue.

The task queue has no retries, and a killed worker leaves its task "running" for ever. Work
that must survive that (uploads of vooraanmeldingen, the DUO feed's runs) holds a lease that its
worker renews; the reapers named in ``STAP_REAPERS`` find the work whose lease ran out and queue
it again. Run it every minute (cron or a systemd timer) in production; ``stap devserver`` runs
it with ``--every 60``. Running it twice at once is safe: each reaper takes what it requeues
under a row lock and skips what another holds.
"""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Queue again the background work whose worker stopped renewing its lease."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Keep running, and look every SECONDS seconds (default: look once and stop).",
        )

    def handle(self, *args: Any, every: int, **options: Any) -> None:
        reapers: list[Callable[[], list[int]]] = [
            import_string(path) for path in settings.STAP_REAPERS
        ]
        while True:
            for path, reaper in zip(settings.STAP_REAPERS, reapers, strict=True):
                if requeued := reaper():
                    ids = ", ".join(str(pk) for pk in requeued)
                    self.stdout.write(f"{path}: queued again {ids}")
            if every <= 0:
                return
            time.sleep(every)
