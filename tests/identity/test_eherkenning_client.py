"""The library client as we configure it: settings from our configuration, not the database."""

from django.test import TestCase

from stap.identity.eherkenning.client import EHerkenningClient
from stap.identity.eherkenning.config import sp_config


class ClientConfigurationTests(TestCase):
    def setUp(self) -> None:
        self.client_ = EHerkenningClient(sp_config())
        self.security = self.client_.saml2_settings.get_security_data()

    def test_s16_deprecated_algorithms_are_refused_by_the_toolkit_too(self) -> None:
        self.assertTrue(self.security["rejectDeprecatedAlgorithm"])

    def test_assertions_must_be_signed(self) -> None:
        self.assertTrue(self.security["wantAssertionsSigned"])

    def test_the_library_still_disables_wrapping_protection_so_our_own_check_is_needed(
        self,
    ) -> None:
        self.assertTrue(self.security["disableSignatureWrappingProtection"])

    def test_the_idp_certificate_comes_from_our_configuration_in_full(self) -> None:
        idp = self.client_.saml2_settings.get_idp_data()

        self.assertEqual(idp["x509certMulti"]["signing"], list(sp_config().idp.signing_certs))
        self.assertFalse(idp["certFingerprint"])  # a fingerprint would trust KeyInfo (S5)

    def test_the_sp_metadata_has_one_attribute_consuming_service_per_portal(self) -> None:
        self.client_.saml2_setting_kwargs = {"sp_validation_only": True}
        metadata = self.client_.create_metadata().decode()

        self.assertIn('index="9052" isDefault="true"', metadata)
        self.assertIn('index="9053"', metadata)
        self.assertIn(sp_config().services["mijn_duo"].service_id, metadata)
