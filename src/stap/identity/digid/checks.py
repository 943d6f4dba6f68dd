"""Start-up check: production refuses to run with a DigiD sign-in that cannot work."""

from typing import Any

from django.core.checks import CheckMessage, register

from stap.identity.eherkenning.checks import missing_in_production

REQUIRED_IN_PRODUCTION = (
    "STAP_DIGID_ENTITY_ID",
    "STAP_DIGID_KEY_FILE",
    "STAP_DIGID_CERT_FILE",
    "STAP_DIGID_IDP_ENTITY_ID",
    "STAP_DIGID_IDP_SSO_URL",
    "STAP_DIGID_IDP_ARS_URL",
    "STAP_DIGID_IDP_CERT_FILES",
)


@register()
def digid_configured(**kwargs: Any) -> list[CheckMessage]:
    return missing_in_production(
        REQUIRED_IN_PRODUCTION,
        check_id="stap.E002",
        hint="Production signs citizens in through DigiD itself (Logius): see .env.example.",
    )
