"""Shared set-up and assertions for the eHerkenning sign-in tests."""

from django.http.response import HttpResponseBase
from django.test import Client, TestCase

from stap.core.models import AuditEntry
from stap.identity.models import User
from stap.identity.signin import SESSION_KEY
from tests import factories
from tests.identity.eherkenning_flow import EHerkenningBrowser


class SignInTestCase(TestCase):
    def setUp(self) -> None:
        factories.organisation(kvk_number="90000001", name="Leerhuis Noord")
        self.browser = EHerkenningBrowser(self.client)
        self.users_before = User.objects.count()

    def new_browser(self) -> EHerkenningBrowser:
        return EHerkenningBrowser(Client())

    def assertSignedIn(
        self, browser: EHerkenningBrowser | None = None, **expected: str
    ) -> dict[str, str]:
        browser = browser or self.browser
        session = browser.client.session
        self.assertIn("_auth_user_id", session)
        identity: dict[str, str] = session[SESSION_KEY]
        for key, value in expected.items():
            self.assertEqual(identity[key], value, key)
        return identity

    def assertRefused(
        self,
        response: HttpResponseBase,
        reason: str,
        *,
        browser: EHerkenningBrowser | None = None,
        status: int = 403,
        text: str = "",
    ) -> None:
        """A clear Dutch page with a way back, an audit entry, and nothing else stored."""
        browser = browser or self.browser
        self.assertContains(response, "Terug naar de startpagina", status_code=status)
        self.assertContains(response, "U bent niet ingelogd", status_code=status)
        if text:
            self.assertContains(response, text, status_code=status)
        session = browser.client.session
        self.assertNotIn("_auth_user_id", session)
        self.assertNotIn(SESSION_KEY, session)
        self.assertEqual(User.objects.count(), self.users_before)
        entry = AuditEntry.objects.filter(action="identity.sign_in_refused").latest("id")
        assert entry.after is not None
        self.assertEqual(entry.after["reason"], reason)
        self.assertEqual(entry.channel, "sign_in")
