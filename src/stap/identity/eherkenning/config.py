"""The SP configuration, built from our settings (never from the library's database singleton).

Read at request time, so that tests can override settings (the live-server test changes the base
URLs). Levels are kept in one table so that a later scheme (Stelsel Toegang) can be added.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from stap.identity.eherkenning.keys import KeyPair, ensure_key_pair

# eHerkenning level -> AuthnContextClassRef, lowest first (EH1 is no longer issued).
LEVELS: dict[str, str] = {
    "EH1": "urn:etoegang:core:assurance-class:loa1",
    "EH2": "urn:etoegang:core:assurance-class:loa2",
    "EH2+": "urn:etoegang:core:assurance-class:loa2plus",
    "EH3": "urn:etoegang:core:assurance-class:loa3",
    "EH4": "urn:etoegang:core:assurance-class:loa4",
}
LEVEL_ORDER = list(LEVELS)
LEVEL_BY_CLASS_REF = {class_ref: level for level, class_ref in LEVELS.items()}


def service_id(oin: str, index: str) -> str:
    """The ServiceID formula of the library's metadata (``create_attribute_consuming_services``)."""
    return f"urn:etoegang:DV:{oin}:services:{index}"


@dataclass(frozen=True, kw_only=True)
class ServiceConfig:
    key: str
    name: str
    attribute_consuming_service_index: str
    service_id: str
    service_uuid: str
    service_instance_uuid: str
    minimum_level: str
    landing_url_name: str
    start_url_name: str
    mark_default: bool


@dataclass(frozen=True, kw_only=True)
class IdentityProviderConfig:
    entity_id: str
    sso_url: str
    artifact_resolution_url: str
    artifact_resolution_index: int
    signing_certs: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class SPConfig:
    base_url: str
    acs_path: str
    entity_id: str
    oin: str
    key_pair: KeyPair
    idp: IdentityProviderConfig
    services: dict[str, ServiceConfig]
    back_channel_timeout: tuple[float, float]
    back_channel_verify: bool | str
    request_ttl: int
    used_id_ttl: int

    @property
    def acs_url(self) -> str:
        return self.base_url + self.acs_path

    def service_by_id(self, value: str) -> ServiceConfig | None:
        return next((s for s in self.services.values() if s.service_id == value), None)


def sp_key_pair() -> KeyPair:
    key_file, cert_file = settings.STAP_EHERKENNING_KEY_FILE, settings.STAP_EHERKENNING_CERT_FILE
    if key_file and cert_file:
        return KeyPair(key_file=Path(key_file), cert_file=Path(cert_file))
    if settings.IS_PRODUCTION:
        raise ImproperlyConfigured(
            "Set STAP_EHERKENNING_KEY_FILE and STAP_EHERKENNING_CERT_FILE (PKIoverheid) "
            "in production."
        )
    return ensure_key_pair(settings.STAP_SAML_DIR, "sp", common_name="stap-portaal-sp")


def identity_provider() -> IdentityProviderConfig:
    if settings.STAP_EHERKENNING_IDP_ENTITY_ID:
        return IdentityProviderConfig(
            entity_id=settings.STAP_EHERKENNING_IDP_ENTITY_ID,
            sso_url=settings.STAP_EHERKENNING_IDP_SSO_URL,
            artifact_resolution_url=settings.STAP_EHERKENNING_IDP_ARS_URL,
            artifact_resolution_index=1,
            signing_certs=tuple(
                Path(path).read_text(encoding="ascii")
                for path in settings.STAP_EHERKENNING_IDP_CERT_FILES
            ),
        )
    if not settings.STAP_TESTBROKER_ENABLED:
        raise ImproperlyConfigured(
            "Configure the eHerkenning broker (STAP_EHERKENNING_IDP_*) or enable the test broker."
        )
    from stap.testbroker.identity_provider import test_broker_identity_provider

    return test_broker_identity_provider()


def sp_config() -> SPConfig:
    oin = settings.STAP_EHERKENNING_OIN
    raw_services: dict[str, dict[str, Any]] = settings.STAP_EHERKENNING_SERVICES
    services = {
        key: ServiceConfig(
            key=key,
            name=raw["name"],
            attribute_consuming_service_index=raw["attribute_consuming_service_index"],
            service_id=service_id(oin, raw["attribute_consuming_service_index"]),
            service_uuid=raw["service_uuid"],
            service_instance_uuid=raw["service_instance_uuid"],
            minimum_level=raw["minimum_level"],
            landing_url_name=raw["landing_url_name"],
            start_url_name=raw["start_url_name"],
            mark_default=raw["mark_default"],
        )
        for key, raw in raw_services.items()
    }
    return SPConfig(
        base_url=settings.STAP_BASE_URL,
        acs_path=reverse("eherkenning:acs"),
        entity_id=settings.STAP_EHERKENNING_ENTITY_ID,
        oin=oin,
        key_pair=sp_key_pair(),
        idp=identity_provider(),
        services=services,
        back_channel_timeout=settings.STAP_EHERKENNING_BACK_CHANNEL_TIMEOUT,
        back_channel_verify=settings.STAP_EHERKENNING_CA_BUNDLE or True,
        request_ttl=settings.STAP_EHERKENNING_REQUEST_TTL,
        used_id_ttl=settings.STAP_EHERKENNING_USED_ID_TTL,
    )
