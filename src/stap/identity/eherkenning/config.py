"""The SP configuration, built from our settings (never from the library's database singleton).

Read at request time, so that tests can override settings (the live-server test changes the base
URLs). Levels are kept in one table so that a later scheme (Stelsel Toegang) can be added.

``SamlSPConfig``, ``configured_key_pair`` and ``configured_identity_provider`` are what every SAML
SP of ours needs; the DigiD SP (``stap.identity.digid.config``) builds on them too.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.module_loading import import_string

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
class SamlSPConfig:
    """What every SAML SP of ours (eHerkenning, DigiD) is configured with."""

    name: str  # "eherkenning" or "digid": the prefix of its keys in the shared cache
    base_url: str
    acs_path: str
    entity_id: str
    key_pair: KeyPair
    idp: IdentityProviderConfig
    back_channel_timeout: tuple[float, float]
    back_channel_verify: bool | str
    request_ttl: int
    used_id_ttl: int

    @property
    def acs_url(self) -> str:
        return self.base_url + self.acs_path


@dataclass(frozen=True, kw_only=True)
class SPConfig(SamlSPConfig):
    oin: str
    services: dict[str, ServiceConfig]

    def service_by_id(self, value: str) -> ServiceConfig | None:
        return next((s for s in self.services.values() if s.service_id == value), None)


def configured_key_pair(
    *, key_file: str, cert_file: str, setting_prefix: str, local_name: str, common_name: str
) -> KeyPair:
    """The PKIoverheid pair named in the settings; outside production one generated in var/."""
    if key_file and cert_file:
        return KeyPair(key_file=Path(key_file), cert_file=Path(cert_file))
    if settings.IS_PRODUCTION:
        raise ImproperlyConfigured(
            f"Set {setting_prefix}_KEY_FILE and {setting_prefix}_CERT_FILE (PKIoverheid) "
            "in production."
        )
    return ensure_key_pair(settings.STAP_SAML_DIR, local_name, common_name=common_name)


def configured_identity_provider(
    *,
    scheme: str,
    setting_prefix: str,
    entity_id: str,
    sso_url: str,
    ars_url: str,
    cert_files: list[str],
    artifact_resolution_index: int,
    test_broker: str,
) -> IdentityProviderConfig:
    """The IdP from the settings, or (outside production) the test broker's side for ``scheme``.

    ``test_broker`` is the dotted path of a function; it is imported only when it is used.
    """
    if entity_id:
        return IdentityProviderConfig(
            entity_id=entity_id,
            sso_url=sso_url,
            artifact_resolution_url=ars_url,
            artifact_resolution_index=artifact_resolution_index,
            signing_certs=tuple(Path(path).read_text(encoding="ascii") for path in cert_files),
        )
    if not settings.STAP_TESTBROKER_ENABLED:
        raise ImproperlyConfigured(
            f"Configure the {scheme} broker ({setting_prefix}_IDP_*) or enable the test broker."
        )
    identity_provider: IdentityProviderConfig = import_string(test_broker)()
    return identity_provider


def sp_key_pair() -> KeyPair:
    return configured_key_pair(
        key_file=settings.STAP_EHERKENNING_KEY_FILE,
        cert_file=settings.STAP_EHERKENNING_CERT_FILE,
        setting_prefix="STAP_EHERKENNING",
        local_name="sp",
        common_name="stap-portaal-sp",
    )


def identity_provider() -> IdentityProviderConfig:
    return configured_identity_provider(
        scheme="eHerkenning",
        setting_prefix="STAP_EHERKENNING",
        entity_id=settings.STAP_EHERKENNING_IDP_ENTITY_ID,
        sso_url=settings.STAP_EHERKENNING_IDP_SSO_URL,
        ars_url=settings.STAP_EHERKENNING_IDP_ARS_URL,
        cert_files=settings.STAP_EHERKENNING_IDP_CERT_FILES,
        artifact_resolution_index=1,
        test_broker="stap.testbroker.identity_provider.test_broker_identity_provider",
    )


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
        name="eherkenning",
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
