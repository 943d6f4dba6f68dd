"""The whole DigiD sign-in over real loopback HTTP: a browser session, the product and the broker.

The product answers on 127.0.0.1 and the broker on localhost; the SOAP back channel to the
broker's DigiD side is a real HTTP request.
"""

from django.test import LiveServerTestCase

import requests
from lxml import html

from stap.demo.personas import SANNE
from tests.identity.digid_flow import in_population_register


def form_of(page: requests.Response, xpath: str) -> tuple[str, dict[str, str]]:
    """The action (absolute) and the hidden fields of the form that ``xpath`` selects."""
    (form,) = html.fromstring(page.content, base_url=page.url).xpath(xpath)
    fields = {field.name: field.value for field in form.xpath(".//input[@type='hidden']")}
    return str(form.action or page.url), fields


class DigiDLoopbackSignInTests(LiveServerTestCase):
    host = "127.0.0.1"

    def test_a_citizen_signs_in_over_loopback_http_with_a_real_soap_back_channel(self) -> None:
        in_population_register(SANNE.bsn, "Sanne", "Visser")
        sp = self.live_server_url  # the product on 127.0.0.1, the broker on localhost
        broker = sp.replace("127.0.0.1", "localhost")
        addresses = self.settings(STAP_BASE_URL=sp, STAP_TESTBROKER_BASE_URL=broker)
        with addresses, requests.Session() as browser:
            browser.trust_env = False  # no proxy between the two
            start = browser.get(f"{sp}/mijn-stap-budget/", timeout=10)
            action, fields = form_of(start, "//main//form")
            self.assertEqual(action, f"{sp}/digid/login/")
            post_binding = browser.post(action, data=fields, timeout=10)
            action, fields = form_of(post_binding, "//form[@id='digid-authn-request']")
            self.assertEqual(action, f"{broker}/testbroker/digid/sso/")

            persona_page = browser.post(action, data=fields, timeout=10)
            self.assertTrue(persona_page.url.startswith(f"{broker}/testbroker/digid/inloggen/"))
            _action, fields = form_of(persona_page, "//form[.//button[@value='persona:sanne']]")
            home = browser.post(
                persona_page.url, data=fields | {"action": "persona:sanne"}, timeout=30
            )

        self.assertEqual(home.status_code, 200, home.text[:500])
        self.assertEqual(home.url, f"{sp}/mijn-stap-budget/overzicht/")
        self.assertIn("U bent ingelogd als Sanne Visser.", home.text)
        self.assertNotIn(SANNE.bsn, home.text)
