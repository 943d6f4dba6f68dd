"""The product's one clock. Everything that asks "what time is it" asks here.

Tests pin time with ``time-machine``; a demo can start the clock at another moment with
``STAP_CLOCK_START`` (ISO 8601), after which it ticks normally. All dates are in Europe/Amsterdam.
"""

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@cache
def _offset() -> dt.timedelta:
    start = getattr(settings, "STAP_CLOCK_START", "")
    if not start:
        return dt.timedelta(0)
    moment = dt.datetime.fromisoformat(start)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=AMSTERDAM)
    return moment - timezone.now()


def now() -> dt.datetime:
    """The current moment, timezone-aware."""
    return timezone.now() + _offset()


def today() -> dt.date:
    """Today's date in the Netherlands."""
    return now().astimezone(AMSTERDAM).date()
