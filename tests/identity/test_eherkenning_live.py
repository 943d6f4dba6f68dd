"""The whole sign-in over real loopback HTTP: a browser session, the product and the broker.

The product answers on 127.0.0.1 and the broker on localhost, on the live server's port, so their
cookies stay apart; the SOAP back channel is a real HTTP request from the product to the broker.
"""

import re
from html import unescape

from django.test import LiveServerTestCase

import requests

from tests import factories


class LoopbackSignInTests(LiveServerTestCase):
    host = "127.0.0.1"

    def form(
        self, page: requests.Response, form_id: str | None = None
    ) -> tuple[str, dict[str, str]]:
        text = page.text
        if form_id:
            text = text[text.index(f'id="{form_id}"') - 200 :]
        action = re.search(r'<form[^>]*action="([^"]*)"', text)
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', text))
        return unescape(action.group(1)) if action else page.url, {
            name: unescape(value) for name, value in fields.items()
        }

    def test_a_persona_signs_in_over_loopback_http_with_a_real_soap_back_channel(self) -> None:
        factories.organisation(kvk_number="90000001", name="Leerhuis Noord")
        port = self.server_thread.port
        sp, broker = f"http://127.0.0.1:{port}", f"http://localhost:{port}"
        with (
            self.settings(STAP_BASE_URL=sp, STAP_TESTBROKER_BASE_URL=broker),
            requests.Session() as browser,
        ):
            browser.trust_env = False
            start = browser.get(f"{sp}/opleidersportaal/", timeout=10)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', start.text)
            assert token is not None
            login_page = browser.post(
                f"{sp}/eherkenning/opleidersportaal/login/",
                data={"csrfmiddlewaretoken": token.group(1)},
                timeout=10,
            )
            action, fields = self.form(login_page, "eherkenning-authn-request")
            self.assertEqual(action, f"{broker}/testbroker/sso/")

            persona_page = browser.post(action, data=fields, timeout=10)
            self.assertTrue(persona_page.url.startswith(f"{broker}/testbroker/inloggen/"))
            broker_token = re.search(
                r'name="csrfmiddlewaretoken" value="([^"]+)"', persona_page.text
            )
            assert broker_token is not None
            # the product's and the broker's cookies are kept apart by host name
            self.assertEqual(len({cookie.domain for cookie in browser.cookies}), 2)

            overview = browser.post(
                persona_page.url,
                data={"csrfmiddlewaretoken": broker_token.group(1), "action": "persona:leerhuis"},
                timeout=30,
            )

        self.assertEqual(overview.status_code, 200, overview.text[:500])
        self.assertEqual(overview.url, f"{sp}/opleidersportaal/toegekende-aanvragen/")
        self.assertIn("Leerhuis Noord", overview.text)
