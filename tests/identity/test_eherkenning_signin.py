from django.test import TestCase
from django.urls import reverse

from stap.core.models import AuditEntry
from stap.identity.signin import SESSION_KEY
from tests import factories
from tests.identity.eherkenning_flow import EHerkenningBrowser


class HappyPathTests(TestCase):
    def setUp(self) -> None:
        factories.organisation(kvk_number="90000001", name="Leerhuis Noord")
        self.browser = EHerkenningBrowser(self.client)

    def test_a_provider_signs_in_through_the_broker_and_lands_on_the_overview(self) -> None:
        response = self.browser.sign_in()

        self.assertRedirects(response, reverse("provider:overview"), fetch_redirect_response=False)
        identity = self.client.session[SESSION_KEY]
        self.assertEqual(identity["kvk_number"], "90000001")
        self.assertEqual(identity["level"], "EH3")
        self.assertEqual(identity["service"], "opleidersportaal")
        self.assertTrue(AuditEntry.objects.filter(action="identity.signed_in").exists())
