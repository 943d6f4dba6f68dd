"""What a waiting-room poll needs of its period, read at most once a second per process.

Hundreds of thousands of people polling must not each cost a database query: every web process
keeps the period's state for a second. Admission is a function of time (``queue.admitted_up_to``),
so a state a second old still says exactly who is admitted now; the budget left may lag a second.
"""

import datetime as dt
import threading
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from stap.budget.models import ApplicationPeriod
from stap.core import clock

FRESH_FOR: Final = 1.0  # seconds
_current: tuple[float, "PeriodState | None"] | None = None
_lock = threading.Lock()


@dataclass(frozen=True, kw_only=True)
class PeriodState:
    period: ApplicationPeriod
    left: Decimal

    @property
    def budget_gone(self) -> bool:
        return self.left <= 0

    def is_open(self, now: dt.datetime) -> bool:
        return self.period.opens_at <= now < self.period.closes_at


def current_period() -> ApplicationPeriod | None:
    """The period open now, or else the next one to open."""
    return ApplicationPeriod.objects.filter(closes_at__gt=clock.now()).order_by("opens_at").first()


def forget() -> None:
    """Drop what is kept (tests, and after staff change a period in this process)."""
    global _current
    with _lock:
        _current = None


def current_state() -> PeriodState | None:
    """The state of ``current_period``, kept for a second."""
    global _current
    now = time.monotonic()
    with _lock:
        cached = _current
    if cached is not None and now - cached[0] < FRESH_FOR:
        return cached[1]
    period = current_period()
    state = None if period is None else PeriodState(period=period, left=period.left)
    with _lock:
        _current = (now, state)
    return state
