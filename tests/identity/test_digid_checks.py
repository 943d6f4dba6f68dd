from django.test import SimpleTestCase, override_settings

from stap.identity.digid.checks import REQUIRED_IN_PRODUCTION, digid_configured


class DigiDProductionConfigurationCheckTests(SimpleTestCase):
    @override_settings(IS_PRODUCTION=True, **dict.fromkeys(REQUIRED_IN_PRODUCTION, ""))
    def test_production_without_digid_and_its_keys_does_not_start(self) -> None:
        errors = digid_configured()

        self.assertEqual(
            [error.msg for error in errors],
            [f"{name} is not set." for name in REQUIRED_IN_PRODUCTION],
        )
        self.assertTrue(all(error.id == "stap.E002" for error in errors))

    def test_development_uses_generated_keys_and_the_test_brokers_digid_side(self) -> None:
        self.assertEqual(digid_configured(), [])
