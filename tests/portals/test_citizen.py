"""Mijn STAP-budget: the start page, the signed-in home page, leaving, and who may enter.

The sign-in itself (SAML through the test broker) has its own tests in tests/identity; these put a
DigiD identity in the session the way the ACS does (``digid_sign_in``).
"""

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.models import Session
from django.http.response import HttpResponseBase
from django.test import Client, RequestFactory, TestCase
from django.urls import reverse
from django.utils import timezone, translation

from stap.demo.personas import DAAN, SANNE
from stap.identity.models import User, UserKind
from stap.identity.signin import DIGID_SESSION_KEY, DigiDIdentity, digid_sign_in
from tests.identity.digid_flow import in_population_register
from tests.signin import sign_in_provider


class CitizenTestCase(TestCase):
    def assertSentToStart(self, response: HttpResponseBase) -> None:
        self.assertRedirects(response, reverse("citizen:start"), fetch_redirect_response=False)


def sign_in_citizen(client: Client, *, bsn: str = SANNE.bsn, level: str = "Midden") -> None:
    request = RequestFactory().get("/")
    request.session = client.session
    request.user = AnonymousUser()
    digid_sign_in(request=request, identity=DigiDIdentity(bsn=bsn, level=level))
    request.session.save()
    client.cookies["sessionid"] = request.session.session_key or ""


class StartPageTests(TestCase):
    def test_the_start_page_offers_a_digid_button_in_a_form_that_needs_no_javascript(
        self,
    ) -> None:
        response = self.client.get(reverse("citizen:start"))

        self.assertEqual(reverse("citizen:start"), "/mijn-stap-budget/")
        self.assertContains(response, f'<form action="{reverse("digid:login")}" method="post">')
        self.assertContains(response, 'name="csrfmiddlewaretoken"')
        self.assertContains(response, 'type="submit">Inloggen met DigiD</button>')
        self.assertNotContains(response, "<script")
        self.assertNotContains(response, "nog niet beschikbaar")

    def test_the_start_page_says_that_a_username_and_password_alone_are_not_enough(self) -> None:
        response = self.client.get(reverse("citizen:start"))

        self.assertContains(response, "Alleen met gebruikersnaam en wachtwoord is niet genoeg.")

    def test_the_face_is_also_served_in_english(self) -> None:
        with translation.override("en"):
            response = self.client.get(reverse("citizen:start"))

        self.assertEqual(response.wsgi_request.path, "/en/mijn-stap-budget/")
        self.assertContains(response, '<html lang="en"')

    def test_a_signed_in_citizen_goes_straight_to_the_home_page(self) -> None:
        sign_in_citizen(self.client)

        self.assertRedirects(
            self.client.get(reverse("citizen:start")),
            reverse("citizen:home"),
            fetch_redirect_response=False,
        )


class HomePageTests(CitizenTestCase):
    def test_nobody_signed_in_is_sent_to_the_start_page(self) -> None:
        self.assertSentToStart(self.client.get(reverse("citizen:home")))

    def test_the_home_page_names_the_citizen_from_the_population_register(self) -> None:
        in_population_register(SANNE.bsn, "Sanne", "Visser", name_prefix="de")
        sign_in_citizen(self.client)

        response = self.client.get(reverse("citizen:home"))

        self.assertContains(response, "U bent ingelogd als Sanne de Visser.")
        self.assertContains(response, "••••••019")
        self.assertContains(response, "eindigend op 019")
        self.assertNotContains(response, SANNE.bsn)
        self.assertContains(response, 'type="submit">Uitloggen</button>')

    def test_a_citizen_the_register_does_not_know_is_told_so(self) -> None:
        in_population_register(SANNE.bsn, "Sanne", "Visser")
        sign_in_citizen(self.client, bsn=DAAN.bsn)

        response = self.client.get(reverse("citizen:home"))

        self.assertContains(response, "niet gevonden in de Basisregistratie Personen (BRP)")
        self.assertNotContains(response, "Sanne")
        self.assertContains(response, "••••••044")

    def test_the_home_page_warns_before_the_15_minute_session_ends(self) -> None:
        sign_in_citizen(self.client)

        response = self.client.get(reverse("citizen:home"))

        self.assertContains(response, 'data-session-seconds="900"')
        self.assertContains(response, f'action="{reverse("citizen:extend_session")}"')
        self.assertContains(response, "stap/session-warning.js")

    def test_a_session_that_ran_out_is_gone_on_the_server(self) -> None:
        sign_in_citizen(self.client)
        Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))

        self.assertSentToStart(self.client.get(reverse("citizen:home")))


class LeavingTests(CitizenTestCase):
    def test_signing_out_forgets_the_bsn_and_says_so(self) -> None:
        sign_in_citizen(self.client)

        response = self.client.post(reverse("citizen:sign_out"))

        self.assertContains(response, "U bent uitgelogd")
        self.assertNotIn(DIGID_SESSION_KEY, self.client.session)
        self.assertSentToStart(self.client.get(reverse("citizen:home")))

    def test_signing_out_takes_a_post(self) -> None:
        self.assertEqual(self.client.get(reverse("citizen:sign_out")).status_code, 405)

    def test_the_expiry_warning_extends_the_session(self) -> None:
        sign_in_citizen(self.client)

        response = self.client.post(
            reverse("citizen:extend_session"), headers={"accept": "application/json"}
        )

        self.assertJSONEqual(response.content, {"extended": True})

    def test_only_a_signed_in_citizen_can_extend_a_session(self) -> None:
        self.assertSentToStart(self.client.post(reverse("citizen:extend_session")))


class SeparateKindsOfSignInTests(CitizenTestCase):
    def test_a_citizen_gets_no_provider_mijn_duo_or_backoffice_page(self) -> None:
        sign_in_citizen(self.client)

        for page, start in (
            ("provider:overview", "provider:start"),
            ("duo:home", "duo:start"),
            ("backoffice:home", "backoffice:login"),
        ):
            with self.subTest(page=page):
                self.assertRedirects(
                    self.client.get(reverse(page)), reverse(start), fetch_redirect_response=False
                )

    def test_a_provider_gets_no_citizen_page(self) -> None:
        sign_in_provider(self.client, kvk_number="90000001")

        self.assertSentToStart(self.client.get(reverse("citizen:home")))

    def test_a_session_with_a_signed_in_user_is_never_a_citizens(self) -> None:
        sign_in_provider(self.client, kvk_number="90000001")
        session = self.client.session
        session[DIGID_SESSION_KEY] = {"bsn": SANNE.bsn, "level": "Midden", "signed_in_at": ""}
        session.save()

        self.assertSentToStart(self.client.get(reverse("citizen:home")))

    def test_any_later_sign_in_of_a_user_drops_the_bsn_from_the_session(self) -> None:
        sign_in_citizen(self.client)
        staff = User.objects.create(username="medewerker", kind=UserKind.STAFF)

        self.client.force_login(staff)

        self.assertNotIn(DIGID_SESSION_KEY, self.client.session)
