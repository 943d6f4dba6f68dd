from typing import Any

from django.conf import settings
from django.http import HttpRequest


def product(request: HttpRequest) -> dict[str, Any]:
    return {
        "session_age_seconds": settings.SESSION_COOKIE_AGE,
        "testbroker_enabled": settings.STAP_TESTBROKER_ENABLED,
    }
