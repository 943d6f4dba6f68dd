"""Start-up checks: production refuses to run with an eHerkenning sign-in that cannot work."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

REQUIRED_IN_PRODUCTION = (
    "STAP_EHERKENNING_KEY_FILE",
    "STAP_EHERKENNING_CERT_FILE",
    "STAP_EHERKENNING_IDP_ENTITY_ID",
    "STAP_EHERKENNING_IDP_SSO_URL",
    "STAP_EHERKENNING_IDP_ARS_URL",
    "STAP_EHERKENNING_IDP_CERT_FILES",
)


def missing_in_production(names: Iterable[str], *, check_id: str, hint: str) -> list[CheckMessage]:
    """An error for each of the settings ``names`` that production leaves empty (shared with the
    DigiD check)."""
    if not settings.IS_PRODUCTION:
        return []
    return [
        Error(f"{name} is not set.", hint=hint, id=check_id)
        for name in names
        if not getattr(settings, name)
    ]


@register()
def eherkenning_configured(**kwargs: Any) -> list[CheckMessage]:
    return missing_in_production(
        REQUIRED_IN_PRODUCTION,
        check_id="stap.E001",
        hint="Production signs in through a real eHerkenning broker: see .env.example.",
    )
