import os
import subprocess
import sys

from django.test import SimpleTestCase

PRODUCTION = {
    "STAP_ENV": "production",
    "SECRET_KEY": "a-production-secret-that-is-long-and-random-enough-0123456789abcdef",
    "STAP_TESTBROKER_ENABLED": "false",
    "ALLOWED_HOSTS": "stap.example",
    "STAP_BASE_URL": "https://stap.example",
    "STAP_EHERKENNING_KEY_FILE": "/etc/stap/sp.key",
    "STAP_EHERKENNING_CERT_FILE": "/etc/stap/sp.crt",
    "STAP_EHERKENNING_IDP_ENTITY_ID": "urn:etoegang:HM:00000000000000000000:entities:1",
    "STAP_EHERKENNING_IDP_SSO_URL": "https://broker.example/sso",
    "STAP_EHERKENNING_IDP_ARS_URL": "https://broker.example/ars",
    "STAP_EHERKENNING_IDP_CERT_FILES": "/etc/stap/broker.crt",
    "STAP_DIGID_ENTITY_ID": "https://stap.example/digid",
    "STAP_DIGID_KEY_FILE": "/etc/stap/digid-sp.key",
    "STAP_DIGID_CERT_FILE": "/etc/stap/digid-sp.crt",
    "STAP_DIGID_IDP_ENTITY_ID": "https://digid.example/saml/idp/metadata",
    "STAP_DIGID_IDP_SSO_URL": "https://digid.example/saml/idp/request_authentication",
    "STAP_DIGID_IDP_ARS_URL": "https://digid.example/saml/idp/resolve_artifact",
    "STAP_DIGID_IDP_CERT_FILES": "/etc/stap/digid.crt",
    "DJANGO_SETTINGS_MODULE": "stap.conf.settings",
}


def run_stap(*arguments: str, **environment: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own command with fixed arguments
        [sys.executable, "-m", "stap", *arguments],
        # The browser tests allow async-unsafe ORM calls in this process; production never does.
        env={
            name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"
        }
        | environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


class ProductionSettingsTests(SimpleTestCase):
    def test_production_settings_pass_djangos_deployment_checks_without_warnings(self) -> None:
        result = run_stap("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_production_refuses_to_start_without_a_secret_key(self) -> None:
        result = run_stap("check", **(PRODUCTION | {"SECRET_KEY": ""}))

        self.assertNotEqual(result.returncode, 0)
        self.assertIn("SECRET_KEY", result.stderr)

    def test_production_refuses_to_start_without_the_eherkenning_broker(self) -> None:
        result = run_stap("check", **(PRODUCTION | {"STAP_EHERKENNING_IDP_SSO_URL": ""}))

        self.assertNotEqual(result.returncode, 0)
        self.assertIn("STAP_EHERKENNING_IDP_SSO_URL is not set", result.stderr)

    def test_production_refuses_to_start_without_digid(self) -> None:
        result = run_stap("check", **(PRODUCTION | {"STAP_DIGID_IDP_SSO_URL": ""}))

        self.assertNotEqual(result.returncode, 0)
        self.assertIn("STAP_DIGID_IDP_SSO_URL is not set", result.stderr)

    def test_production_refuses_to_start_without_a_digid_entity_id_of_its_own(self) -> None:
        result = run_stap("check", **(PRODUCTION | {"STAP_DIGID_ENTITY_ID": ""}))

        self.assertNotEqual(result.returncode, 0)
        self.assertIn("STAP_DIGID_ENTITY_ID is not set", result.stderr)
