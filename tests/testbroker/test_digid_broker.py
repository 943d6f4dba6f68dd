"""The test broker's DigiD side on its own: persona page, AuthnRequest and ArtifactResolve."""

import base64
import datetime as dt
import stat
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.test import Client, TestCase
from django.urls import reverse

from lxml import etree

from stap.identity.digid.config import digid_config
from stap.identity.eherkenning import xmlsig
from stap.identity.eherkenning.config import SamlSPConfig, sp_config
from stap.testbroker import saml
from tests.identity.digid_flow import DigiDBrowser, digid_form_data
from tests.identity.eherkenning_flow import EHerkenningBrowser, broker_host, sp_host


class DigiDPersonaPageTests(TestCase):
    def setUp(self) -> None:
        self.browser = DigiDBrowser(self.client)
        url, fields = self.browser.start()
        self.persona_page = self.browser.post_to_broker(url, fields)

    def test_the_persona_page_offers_citizens_a_bsn_field_levels_cancel_and_error(self) -> None:
        page = self.client.get(self.persona_page, headers={"host": broker_host()})

        for text in (
            "Testmakelaar DigiD",
            "minimaal niveau Midden",
            "Sanne Visser (volwassene) (999990019, Midden)",
            "Henk de Boer (alleen DigiD Basis, te laag) (999990020, Basis)",
            "Burgerservicenummer (BSN)",
            "Basis",
            "Substantieel",
            "Hoog",
            "Annuleren",
            "Fout melden",
            "D1: Sector s00000001 (SOFI)",
        ):
            with self.subTest(text=text):
                self.assertContains(page, text)
        self.assertNotContains(page, "S26: ")  # no eHerkenning-only attacks (KvK, RSIN)
        self.assertContains(page, '<html lang="nl"')

    def test_invalid_input_gets_dutch_error_messages(self) -> None:
        for bsn, message in (
            ("12345", "Een BSN bestaat uit 9 cijfers."),
            ("", "Vul het burgerservicenummer in."),
        ):
            with self.subTest(bsn=bsn):
                page = self.client.post(
                    self.persona_page, digid_form_data(bsn=bsn), headers={"host": broker_host()}
                )

                self.assertContains(page, message, status_code=400)
                self.assertContains(page, 'aria-invalid="true"', status_code=400)

    def test_a_number_failing_the_11_proef_is_sent_so_that_the_portal_can_refuse_it(self) -> None:
        acs_url = self.browser.choose(self.persona_page, digid_form_data(bsn="999990010"))

        self.assertIn("SAMLart=", acs_url)

    def test_the_broker_answers_an_authn_request_only_once(self) -> None:
        self.browser.choose(self.persona_page, digid_form_data())

        page = self.client.post(
            self.persona_page, digid_form_data(), headers={"host": broker_host()}
        )

        self.assertEqual(page.status_code, 410)

    def test_the_persona_page_does_not_answer_on_the_product_host(self) -> None:
        page = self.client.get(self.persona_page, headers={"host": sp_host()})

        self.assertEqual(page.status_code, 404)

    def test_a_digid_token_does_not_open_the_eherkenning_persona_page(self) -> None:
        token = self.persona_page.rstrip("/").rsplit("/", 1)[1]

        page = self.client.get(
            reverse("testbroker:login", kwargs={"token": token}), headers={"host": broker_host()}
        )

        self.assertEqual(page.status_code, 410)

    def test_the_artifact_points_back_to_the_digid_acs(self) -> None:
        acs_url = self.browser.choose(self.persona_page, digid_form_data())

        self.assertTrue(acs_url.startswith(digid_config().acs_url + "?SAMLart="))


class DigiDAuthnRequestTests(TestCase):
    def post_sso(self, saml_request: str) -> int:
        return int(
            self.client.post(
                reverse("testbroker:digid_sso"),
                {"SAMLRequest": saml_request},
                headers={"host": broker_host()},
            ).status_code
        )

    def authn_request(self) -> bytes:
        _url, fields = DigiDBrowser(self.client).start()
        return base64.b64decode(fields["SAMLRequest"])

    def test_a_valid_authn_request_leads_to_the_persona_page(self) -> None:
        self.assertEqual(self.post_sso(base64.b64encode(self.authn_request()).decode()), 302)

    def test_a_tampered_authn_request_is_refused_by_its_signature(self) -> None:
        xml = self.authn_request().replace(b'Comparison="minimum"', b'Comparison="exact"')

        self.assertEqual(self.post_sso(base64.b64encode(xml).decode()), 400)

    def test_an_unsigned_authn_request_is_refused(self) -> None:
        xml = self.authn_request()
        start, end = xml.index(b"<ds:Signature"), xml.index(b"</ds:Signature>") + 15

        self.assertEqual(self.post_sso(base64.b64encode(xml[:start] + xml[end:]).decode()), 400)

    def test_an_eherkenning_authn_request_is_refused_by_the_digid_side(self) -> None:
        _url, fields = EHerkenningBrowser(self.client).start()

        self.assertEqual(self.post_sso(fields["SAMLRequest"]), 400)

    def test_a_signed_authn_request_without_a_minimum_level_is_refused(self) -> None:
        root = etree.fromstring(self.authn_request())
        root.remove(root.find("{http://www.w3.org/2000/09/xmldsig#}Signature"))
        root.remove(root.find("{urn:oasis:names:tc:SAML:2.0:protocol}RequestedAuthnContext"))
        keys = digid_config().key_pair
        xmlsig.sign_enveloped(root, key_pem=keys.key_pem, cert_pem=keys.cert_pem)

        self.assertEqual(self.post_sso(base64.b64encode(etree.tostring(root)).decode()), 400)


class DigiDArtifactResolutionTests(TestCase):
    def ask(self, sp: SamlSPConfig, saml_art: str) -> tuple[int, bytes]:
        """A SOAP ArtifactResolve for ``saml_art``, signed by ``sp``, to the DigiD side."""
        resolve = saml.SAMLP.ArtifactResolve(
            saml.SAML.Issuer(sp.entity_id),
            saml.SAMLP.Artifact(saml_art),
            ID=saml.new_id(),
            Version="2.0",
            IssueInstant=saml.saml_time(dt.datetime.now(dt.UTC)),
        )
        envelope = saml.SOAP.Envelope(saml.SOAP.Body(resolve))
        xmlsig.sign_enveloped(resolve, key_pem=sp.key_pair.key_pem, cert_pem=sp.key_pair.cert_pem)
        answer = Client().post(
            reverse("testbroker:digid_ars"),
            etree.tostring(envelope),
            content_type="text/xml",
            headers={"host": broker_host()},
        )
        return answer.status_code, bytes(answer.content)

    def artifact(self, browser: EHerkenningBrowser) -> str:
        return parse_qs(urlsplit(browser.broker_answer()).query)["SAMLart"][0]

    def test_the_digid_side_resolves_an_artifact_only_once(self) -> None:
        saml_art = self.artifact(DigiDBrowser(self.client))

        self.assertIn(b"s00000000:999990019", self.ask(digid_config(), saml_art)[1])
        self.assertNotIn(b"saml:Assertion", self.ask(digid_config(), saml_art)[1])

    def test_the_digid_side_does_not_resolve_an_eherkenning_artifact(self) -> None:
        saml_art = self.artifact(EHerkenningBrowser(self.client))

        status, body = self.ask(digid_config(), saml_art)

        self.assertEqual(status, 200)
        self.assertNotIn(b"saml:Assertion", body)

    def test_an_artifact_resolve_signed_by_the_eherkenning_sp_is_refused(self) -> None:
        saml_art = self.artifact(DigiDBrowser(self.client))

        status, _body = self.ask(sp_config(), saml_art)

        self.assertEqual(status, 403)


class DigiDKeyTests(TestCase):
    def test_the_digid_keys_are_generated_into_var_with_mode_0600(self) -> None:
        for key_file in (
            digid_config().key_pair.key_file,
            Path(settings.STAP_SAML_DIR) / "testbroker-digid.key",
        ):
            with self.subTest(key_file=key_file):
                self.assertTrue(key_file.is_relative_to(settings.VAR_DIR))
                self.assertEqual(stat.S_IMODE(key_file.stat().st_mode), 0o600)

    def test_the_digid_sp_trusts_the_digid_sides_certificate_file(self) -> None:
        certificate = (Path(settings.STAP_SAML_DIR) / "testbroker-digid.crt").read_text()

        self.assertEqual(digid_config().idp.signing_certs, (certificate,))
