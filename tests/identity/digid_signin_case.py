"""Shared set-up and assertions for the DigiD sign-in tests."""

from django.http.response import HttpResponseBase
from django.test import Client, TestCase

from stap.core.models import AuditEntry
from stap.demo.personas import SANNE
from stap.identity.signin import DIGID_SESSION_KEY
from tests.identity.digid_flow import DigiDBrowser


class DigiDSignInTestCase(TestCase):
    def setUp(self) -> None:
        self.browser = DigiDBrowser(self.client)

    def new_browser(self) -> DigiDBrowser:
        return DigiDBrowser(Client())

    def assertSignedIn(
        self, browser: DigiDBrowser | None = None, *, bsn: str = SANNE.bsn, level: str = "Midden"
    ) -> None:
        session = (browser or self.browser).client.session
        self.assertEqual(session[DIGID_SESSION_KEY]["bsn"], bsn)
        self.assertEqual(session[DIGID_SESSION_KEY]["level"], level)
        self.assertNotIn("_auth_user_id", session)  # a citizen is never a user of ours

    def assertRefused(
        self,
        page: HttpResponseBase,
        reason: str,
        *,
        text: str = "",
        status: int = 403,
        browser: DigiDBrowser | None = None,
    ) -> None:
        """A clear Dutch page with a way back, an audit entry without the BSN, no session."""
        for expected in ("U bent niet ingelogd", "Terug naar de startpagina", text):
            self.assertContains(page, expected, status_code=status)
        self.assertContains(page, 'href="/mijn-stap-budget/"', status_code=status)
        session = (browser or self.browser).client.session
        self.assertNotIn(DIGID_SESSION_KEY, session)
        self.assertNotIn("_auth_user_id", session)
        entry = AuditEntry.objects.filter(action="identity.sign_in_refused").latest("id")
        assert entry.after is not None
        self.assertEqual(entry.after["reason"], reason)
        self.assertEqual(entry.after["service"], "mijn_stap_budget")
        self.assertEqual(entry.channel, "sign_in")
        self.assertNotRegex(f"{entry.actor_id} {entry.after}", r"[0-9]{9}")  # no BSN
