"""The test broker on its own: persona page, AuthnRequest and ArtifactResolve checks, guards."""

import base64
import os
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.test import Client, TestCase
from django.urls import reverse

from stap.identity.eherkenning.client import ArtifactResolveRequest, EHerkenningClient
from stap.identity.eherkenning.config import sp_config
from tests.identity.eherkenning_flow import EHerkenningBrowser, broker_host, form_data, sp_host


class PersonaPageTests(TestCase):
    def setUp(self) -> None:
        self.browser = EHerkenningBrowser(self.client)
        url, fields = self.browser.start()
        self.persona_page = self.browser.post_to_broker(url, fields)

    def test_the_persona_page_offers_personas_levels_authorisations_cancel_and_error(
        self,
    ) -> None:
        page = self.client.get(self.persona_page, headers={"host": broker_host()})

        for text in (
            "STAP Opleidersportaal",
            "Mijn DUO voor zakelijke gebruikers",
            "EH2+",
            "EH4",
            "KvK-nummer",
            "Vestigingsnummer (optioneel)",
            "Annuleren",
            "Fout melden",
            "Leerhuis Noord (duizenden aanvragen)",
        ):
            self.assertContains(page, text)
        self.assertContains(page, '<html lang="nl"')

    def test_invalid_input_gets_dutch_error_messages(self) -> None:
        page = self.client.post(
            self.persona_page,
            form_data(kvk_number="1234567", vestigingsnummer="12", company_name=""),
            headers={"host": broker_host()},
        )

        self.assertContains(page, "Een KvK-nummer bestaat uit 8 cijfers.", status_code=400)
        self.assertContains(page, "Een vestigingsnummer bestaat uit 12 cijfers.", status_code=400)
        self.assertContains(page, "Vul de naam van de organisatie in.", status_code=400)
        self.assertContains(page, 'aria-invalid="true"', status_code=400)

    def test_the_broker_answers_an_authn_request_only_once(self) -> None:
        self.browser.choose(self.persona_page, form_data())

        page = self.client.post(self.persona_page, form_data(), headers={"host": broker_host()})

        self.assertEqual(page.status_code, 410)

    def test_broker_pages_do_not_answer_on_the_product_host(self) -> None:
        page = self.client.get(self.persona_page, headers={"host": sp_host()})

        self.assertEqual(page.status_code, 404)
        self.assertEqual(
            self.client.get(reverse("testbroker:start"), headers={"host": sp_host()}).status_code,
            404,
        )

    def test_the_artifact_points_back_to_the_acs_of_the_service_provider(self) -> None:
        acs_url = self.browser.choose(self.persona_page, form_data())

        self.assertTrue(acs_url.startswith(sp_config().acs_url + "?SAMLart="))


class AuthnRequestTests(TestCase):
    def post_sso(self, saml_request: str) -> int:
        return int(
            self.client.post(
                reverse("testbroker:sso"),
                {"SAMLRequest": saml_request},
                headers={"host": broker_host()},
            ).status_code
        )

    def test_a_tampered_authn_request_is_refused_by_its_signature(self) -> None:
        _url, fields = EHerkenningBrowser(self.client).start()
        xml = base64.b64decode(fields["SAMLRequest"]).replace(b'"9052"', b'"9053"')

        self.assertEqual(self.post_sso(base64.b64encode(xml).decode()), 400)

    def test_an_unsigned_authn_request_is_refused(self) -> None:
        _url, fields = EHerkenningBrowser(self.client).start()
        xml = base64.b64decode(fields["SAMLRequest"])
        start, end = xml.index(b"<ds:Signature"), xml.index(b"</ds:Signature>") + 15
        self.assertEqual(self.post_sso(base64.b64encode(xml[:start] + xml[end:]).decode()), 400)

    def test_a_valid_authn_request_leads_to_the_persona_page(self) -> None:
        _url, fields = EHerkenningBrowser(self.client).start()

        self.assertEqual(self.post_sso(fields["SAMLRequest"]), 302)


class ArtifactResolutionTests(TestCase):
    def test_an_artifact_resolve_without_the_sps_signature_is_refused(self) -> None:
        body = (
            '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
            '<samlp:ArtifactResolve xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
            'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_1" Version="2.0" '
            f'IssueInstant="2026-01-01T00:00:00Z"><saml:Issuer>{sp_config().entity_id}'
            "</saml:Issuer><samlp:Artifact>AAQAAQ==</samlp:Artifact></samlp:ArtifactResolve>"
            "</soap:Body></soap:Envelope>"
        )
        answer = Client().post(
            reverse("testbroker:ars"),
            body,
            content_type="text/xml",
            headers={"host": broker_host()},
        )

        self.assertEqual(answer.status_code, 403)

    def test_the_broker_resolves_an_artifact_only_once(self) -> None:
        acs_url = EHerkenningBrowser(self.client).broker_answer()
        saml_art = parse_qs(urlsplit(acs_url).query)["SAMLart"][0]
        client = EHerkenningClient(sp_config())
        resolve = ArtifactResolveRequest(
            client.saml2_settings, saml_art, timeout=(1, 1), verify=True, transport=None
        )

        def ask() -> bytes:
            answer = Client().post(
                reverse("testbroker:ars"),
                resolve.get_soap_request(),
                content_type="text/xml",
                headers={"host": broker_host()},
            )
            self.assertEqual(answer.status_code, 200)
            return bytes(answer.content)

        self.assertIn(b"saml:Assertion", ask())
        self.assertNotIn(b"saml:Assertion", ask())


class KeyTests(TestCase):
    def test_keys_are_generated_into_var_with_mode_0600(self) -> None:
        config = sp_config()
        for key_file in (config.key_pair.key_file, Path(settings.STAP_SAML_DIR) / "testbroker.key"):
            with self.subTest(key_file=key_file):
                self.assertTrue(key_file.is_relative_to(settings.VAR_DIR))
                self.assertEqual(stat.S_IMODE(key_file.stat().st_mode), 0o600)

    def test_the_sp_trusts_the_broker_certificate_file_not_a_message(self) -> None:
        certificate = (Path(settings.STAP_SAML_DIR) / "testbroker.crt").read_text()

        self.assertEqual(sp_config().idp.signing_certs, (certificate,))


class ProductionGuardTests(TestCase):
    def test_the_test_broker_cannot_be_enabled_with_production_settings(self) -> None:
        environment = os.environ | {
            "STAP_ENV": "production",
            "SECRET_KEY": "x" * 50,
            "STAP_TESTBROKER_ENABLED": "true",
            "DJANGO_SETTINGS_MODULE": "stap.conf.settings",
        }
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                "import django\n"
                "from django.core.exceptions import ImproperlyConfigured\n"
                "try:\n    django.setup()\n"
                "except ImproperlyConfigured as error:\n    print('refused:', error)\n"
                "else:\n    print('started')\n",
            ],
            env=environment,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )

        self.assertIn("refused:", result.stdout, result.stderr)
        self.assertIn("test broker", result.stdout)
