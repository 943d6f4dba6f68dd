"""Who the test broker is: its entity id, endpoints and key pair, all from settings and var/.

The SP's IdP configuration is built from this (``stap.identity.eherkenning.config``), so the SP
trusts the broker certificate file on disk, never a certificate that arrives in a message.
"""

from django.conf import settings

from stap.identity.eherkenning.config import IdentityProviderConfig
from stap.identity.eherkenning.keys import KeyPair, ensure_key_pair

ENTITY_ID = "urn:etoegang:HM:00000009999999999999:entities:9100"
ARTIFACT_RESOLUTION_INDEX = 1


def broker_key_pair() -> KeyPair:
    return ensure_key_pair(settings.STAP_SAML_DIR, "testbroker", common_name="stap-testbroker")


def attacker_key_pair() -> KeyPair:
    """A key pair that is not in anyone's configuration (attack mode, S4/S5)."""
    return ensure_key_pair(
        settings.STAP_SAML_DIR, "testbroker-attacker", common_name="stap-testbroker"
    )


def broker_url(path: str) -> str:
    return f"{settings.STAP_TESTBROKER_BASE_URL}/testbroker/{path}"


def test_broker_identity_provider() -> IdentityProviderConfig:
    return IdentityProviderConfig(
        entity_id=ENTITY_ID,
        sso_url=broker_url("sso/"),
        artifact_resolution_url=broker_url("ars/"),
        artifact_resolution_index=ARTIFACT_RESOLUTION_INDEX,
        signing_certs=(broker_key_pair().cert_pem,),
    )
