"""The library's DigiD client as we configure it: our settings, hardened like eHerkenning's."""

from django.test import TestCase

from stap.identity.digid.client import DigiDSaml2Client
from stap.identity.digid.config import digid_config
from stap.identity.eherkenning.config import sp_config


class DigiDClientConfigurationTests(TestCase):
    def setUp(self) -> None:
        self.client_ = DigiDSaml2Client(digid_config())
        self.security = self.client_.saml2_settings.get_security_data()

    def test_the_toolkit_wants_signed_assertions_without_sha1_and_guards_against_wrapping(
        self,
    ) -> None:
        self.assertEqual(
            {
                name: self.security.get(name, False)
                for name in (
                    "wantAssertionsSigned",
                    "rejectDeprecatedAlgorithm",  # S16
                    "disableSignatureWrappingProtection",  # only eHerkenning needs it (Advice)
                )
            },
            {
                "wantAssertionsSigned": True,
                "rejectDeprecatedAlgorithm": True,
                "disableSignatureWrappingProtection": False,
            },
        )

    def test_the_request_asks_for_midden_or_higher_and_no_attributes_are_expected(self) -> None:
        self.assertEqual(self.security["requestedAuthnContextComparison"], "minimum")
        self.assertEqual(
            self.security["requestedAuthnContext"],
            ["urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract"],
        )
        self.assertFalse(self.security["wantAttributeStatement"])
        # An exact match would refuse Substantieel and Hoog; we compare levels ourselves.
        self.assertFalse(self.security["failOnAuthnContextMismatch"])

    def test_the_idp_certificate_is_the_digid_sides_in_full_not_the_eherkenning_sides(
        self,
    ) -> None:
        idp = self.client_.saml2_settings.get_idp_data()

        self.assertEqual(idp["x509certMulti"]["signing"], list(digid_config().idp.signing_certs))
        self.assertFalse(idp["certFingerprint"])  # a fingerprint would trust KeyInfo (S5)
        self.assertNotEqual(digid_config().idp.signing_certs, sp_config().idp.signing_certs)

    def test_the_digid_sp_is_its_own_entity_with_its_own_key_and_acs(self) -> None:
        digid, eherkenning = digid_config(), sp_config()

        self.assertNotEqual(digid.entity_id, eherkenning.entity_id)
        self.assertNotEqual(digid.key_pair.cert_pem, eherkenning.key_pair.cert_pem)
        self.assertTrue(digid.acs_url.endswith("/digid/acs/"))
