"""Who the test broker is: its two sides (eHerkenning and DigiD), their entity ids, endpoints and
key pairs, all from settings and var/.

The SPs' IdP configuration is built from this (``stap.identity.eherkenning.config``,
``stap.identity.digid.config``), so each SP trusts its side's certificate file on disk, never a
certificate that arrives in a message. The two sides sign with different keys, as two real
identity providers would: neither SP trusts the other side's signature.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from stap.identity.digid.config import digid_config
from stap.identity.eherkenning.config import IdentityProviderConfig, SamlSPConfig, sp_config
from stap.identity.eherkenning.keys import KeyPair, ensure_key_pair

ENTITY_ID = "urn:etoegang:HM:00000009999999999999:entities:9100"
DIGID_ENTITY_ID = "urn:nl:stap-portaal:testmakelaar:digid"
ARTIFACT_RESOLUTION_INDEX = 1


def broker_key_pair() -> KeyPair:
    return ensure_key_pair(settings.STAP_SAML_DIR, "testbroker", common_name="stap-testbroker")


def digid_broker_key_pair() -> KeyPair:
    return ensure_key_pair(
        settings.STAP_SAML_DIR, "testbroker-digid", common_name="stap-testbroker-digid"
    )


def attacker_key_pair() -> KeyPair:
    """A key pair that is not in anyone's configuration (attack mode, S4/S5)."""
    return ensure_key_pair(
        settings.STAP_SAML_DIR, "testbroker-attacker", common_name="stap-testbroker"
    )


def broker_url(path: str) -> str:
    return f"{settings.STAP_TESTBROKER_BASE_URL}/testbroker/{path}"


@dataclass(frozen=True, kw_only=True)
class Side:
    """One identity provider the broker plays: its endpoints live under ``/testbroker/<path>``."""

    kind: str  # "eherkenning" or "digid"
    entity_id: str
    path: str
    key_pair: Callable[[], KeyPair]
    sp: Callable[[], SamlSPConfig]

    def sso_url(self) -> str:
        return broker_url(f"{self.path}sso/")

    def identity_provider(self) -> IdentityProviderConfig:
        return IdentityProviderConfig(
            entity_id=self.entity_id,
            sso_url=self.sso_url(),
            artifact_resolution_url=broker_url(f"{self.path}ars/"),
            artifact_resolution_index=ARTIFACT_RESOLUTION_INDEX,
            signing_certs=(self.key_pair().cert_pem,),
        )


EHERKENNING = Side(
    kind="eherkenning", entity_id=ENTITY_ID, path="", key_pair=broker_key_pair, sp=sp_config
)
DIGID = Side(
    kind="digid",
    entity_id=DIGID_ENTITY_ID,
    path="digid/",
    key_pair=digid_broker_key_pair,
    sp=digid_config,
)


def test_broker_identity_provider() -> IdentityProviderConfig:
    return EHERKENNING.identity_provider()


def test_broker_digid_identity_provider() -> IdentityProviderConfig:
    return DIGID.identity_provider()
