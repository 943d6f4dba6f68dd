"""Start-up checks: production refuses to run with an eHerkenning sign-in that cannot work."""

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


@register()
def eherkenning_configured(**kwargs: Any) -> list[CheckMessage]:
    if not settings.IS_PRODUCTION:
        return []
    return [
        Error(
            f"{name} is not set.",
            hint="Production signs in through a real eHerkenning broker: see .env.example.",
            id="stap.E001",
        )
        for name in REQUIRED_IN_PRODUCTION
        if not getattr(settings, name)
    ]
