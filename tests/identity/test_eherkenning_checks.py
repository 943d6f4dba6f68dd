from django.test import SimpleTestCase, override_settings

from stap.identity.eherkenning.checks import REQUIRED_IN_PRODUCTION, eherkenning_configured


class ProductionConfigurationCheckTests(SimpleTestCase):
    @override_settings(IS_PRODUCTION=True, **dict.fromkeys(REQUIRED_IN_PRODUCTION, ""))
    def test_production_without_a_broker_and_keys_does_not_start(self) -> None:
        errors = eherkenning_configured()

        self.assertEqual(len(errors), len(REQUIRED_IN_PRODUCTION))
        self.assertTrue(all(error.id == "stap.E001" for error in errors))

    def test_development_uses_generated_keys_and_the_test_broker(self) -> None:
        self.assertEqual(eherkenning_configured(), [])
