"""The DigiD SP configuration, built from our settings like the eHerkenning one (docs/adr/0013).

DigiD levels are the AuthnContextClassRefs of Logius' "Koppelvlakspecificatie DigiD SAML
Authenticatie", as the library lists them (``DigiDAssuranceLevels``), lowest first.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from digid_eherkenning.choices import DigiDAssuranceLevels

from stap.identity.eherkenning.config import (
    SamlSPConfig,
    configured_identity_provider,
    configured_key_pair,
)

LEVELS: dict[str, str] = {
    "Basis": DigiDAssuranceLevels.base.value,
    "Midden": DigiDAssuranceLevels.middle.value,
    "Substantieel": DigiDAssuranceLevels.substantial.value,
    "Hoog": DigiDAssuranceLevels.high.value,
}
LEVEL_ORDER = list(LEVELS)
LEVEL_BY_CLASS_REF = {class_ref: level for level, class_ref in LEVELS.items()}
# The NameID is "<sector>:<number>"; only the BSN sector is accepted (SOFI is s00000001).
BSN_SECTOR = "s00000000"


@dataclass(frozen=True, kw_only=True)
class DigiDConfig(SamlSPConfig):
    service_name: str
    minimum_level: str

    @property
    def minimum_class_ref(self) -> str:
        return LEVELS[self.minimum_level]


def digid_config() -> DigiDConfig:
    return DigiDConfig(
        name="digid",
        base_url=settings.STAP_BASE_URL,
        acs_path=reverse("digid:acs"),
        entity_id=settings.STAP_DIGID_ENTITY_ID,
        key_pair=configured_key_pair(
            key_file=settings.STAP_DIGID_KEY_FILE,
            cert_file=settings.STAP_DIGID_CERT_FILE,
            setting_prefix="STAP_DIGID",
            local_name="digid-sp",
            common_name="stap-portaal-digid-sp",
        ),
        idp=configured_identity_provider(
            scheme="DigiD",
            setting_prefix="STAP_DIGID",
            entity_id=settings.STAP_DIGID_IDP_ENTITY_ID,
            sso_url=settings.STAP_DIGID_IDP_SSO_URL,
            ars_url=settings.STAP_DIGID_IDP_ARS_URL,
            cert_files=settings.STAP_DIGID_IDP_CERT_FILES,
            artifact_resolution_index=settings.STAP_DIGID_IDP_ARS_INDEX,
            test_broker="stap.testbroker.identity_provider.test_broker_digid_identity_provider",
        ),
        back_channel_timeout=settings.STAP_DIGID_BACK_CHANNEL_TIMEOUT,
        back_channel_verify=settings.STAP_DIGID_CA_BUNDLE or True,
        request_ttl=settings.STAP_DIGID_REQUEST_TTL,
        used_id_ttl=settings.STAP_DIGID_USED_ID_TTL,
        service_name=settings.STAP_DIGID_SERVICE_NAME,
        minimum_level=settings.STAP_DIGID_MINIMUM_LEVEL,
    )
