"""django-digid-eherkenning's ``DigiDClient``, configured from our settings and hardened.

Everything we change for eHerkenning that is not about eHerkenning comes with
``HardenedSaml2Client`` (docs/adr/0003, 0013): our configuration instead of the database singleton,
``rejectDeprecatedAlgorithm``, the back channel with a timeout, the ArtifactResponse signature and
Issuer, our assertion checks before the toolkit's, one-time AuthnRequest ids. From the library's
``DigiDClient.create_config`` we keep: RequestedAuthnContext with Comparison "minimum" and our
minimum level, no AttributeStatement expected, and signature wrapping protection left on (DigiD
sends no ``<Advice>``).
"""

from typing import Any

from digid_eherkenning.choices import DigiDAssuranceLevels
from digid_eherkenning.saml2.digid import DigiDClient
from requests.adapters import BaseAdapter

from stap.identity.digid.config import DigiDConfig
from stap.identity.eherkenning.client import HardenedSaml2Client


class DigiDSaml2Client(HardenedSaml2Client, DigiDClient):
    config: DigiDConfig

    def __init__(self, config: DigiDConfig, *, transport: BaseAdapter | None = None) -> None:
        super().__init__(config, transport=transport)
        # DigiDClient.create_config puts it in RequestedAuthnContext (Comparison "minimum").
        self.loa = DigiDAssuranceLevels(config.minimum_class_ref)

    def create_config_dict(self, conf: dict[str, Any]) -> dict[str, Any]:
        config_dict = self.base_config_dict()
        # DigiD sends the BSN as the NameID, in the "unspecified" format.
        config_dict["sp"]["NameIDFormat"] = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
        return config_dict
