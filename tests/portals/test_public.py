from django.test import RequestFactory, TestCase, override_settings
from django.urls import reverse

from stap.portals.public.views import server_error


class PublicPagesTests(TestCase):
    def test_the_start_page_and_statements_are_reachable_without_signing_in(self) -> None:
        for name in ("public:home", "public:accessibility", "public:privacy"):
            with self.subTest(name=name):
                self.assertEqual(self.client.get(reverse(name)).status_code, 200)

    def test_the_start_page_leads_citizens_to_mijn_stap_budget(self) -> None:
        response = self.client.get(reverse("public:home"))

        self.assertContains(response, f'href="{reverse("citizen:start")}"')

    def test_a_missing_page_answers_in_dutch(self) -> None:
        response = self.client.get("/bestaat-niet/")

        self.assertContains(response, "Pagina niet gevonden", status_code=404)

    def test_a_form_without_csrf_token_gets_a_dutch_explanation(self) -> None:
        client = self.client_class(enforce_csrf_checks=True)

        response = client.post(reverse("set_language"), {"language": "en"})

        self.assertContains(response, "Het formulier is verlopen", status_code=403)


class SecurityHeadersTests(TestCase):
    def test_pages_carry_the_transport_security_headers(self) -> None:
        response = self.client.get(reverse("public:home"))

        self.assertIn("frame-ancestors 'none'", response["Content-Security-Policy"])
        self.assertEqual(response["X-Frame-Options"], "DENY")
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["Cache-Control"], "no-store")
        self.assertEqual(response["Referrer-Policy"], "same-origin")

    @override_settings(
        SECURE_HSTS_SECONDS=31_536_000,
        SESSION_COOKIE_SECURE=True,
        CSRF_COOKIE_SECURE=True,
    )
    def test_over_tls_cookies_are_secure_and_hsts_is_sent(self) -> None:
        response = self.client.get(reverse("public:home"), secure=True)

        self.assertIn("max-age=31536000", response["Strict-Transport-Security"])
        cookie = response.cookies["csrftoken"]
        self.assertTrue(cookie["secure"])
        self.assertTrue(cookie["httponly"])
        self.assertEqual(cookie["samesite"], "Lax")


class ServerErrorTests(TestCase):
    def test_an_unexpected_error_gets_a_dutch_page_that_says_nothing_was_half_saved(self) -> None:
        response = server_error(RequestFactory().get("/"))

        self.assertEqual(response.status_code, 500)
        self.assertIn("Er is niets half opgeslagen", response.content.decode())


class ContentSecurityPolicyTests(TestCase):
    @override_settings(STAP_EHERKENNING_IDP_SSO_URL="https://broker.example/saml/sso")
    def test_sign_in_forms_may_post_to_the_configured_broker(self) -> None:
        response = self.client.get(reverse("public:home"))

        self.assertIn("https://broker.example", response["Content-Security-Policy"])
