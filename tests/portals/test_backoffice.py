from django.core.cache import cache
from django.http.response import HttpResponseBase
from django.test import TestCase
from django.urls import reverse

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from stap.core.models import AuditEntry
from stap.identity import throttle
from stap.identity.models import StaffRole
from stap.identity.services import staff_user_create
from tests import factories

PASSWORD = "een-lang-genoeg-wachtwoord"


def current_code(device: TOTPDevice) -> str:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:06d}"


class StaffSignInTests(TestCase):
    def setUp(self) -> None:
        self.user, self.device = staff_user_create(
            actor=factories.ACTOR, username="uwv.jan", role=StaffRole.UWV, password=PASSWORD
        )

    def _sign_in(self, *, password: str = PASSWORD, code: str | None = None) -> HttpResponseBase:
        return self.client.post(
            reverse("backoffice:login"),
            {
                "username": "uwv.jan",
                "password": password,
                "otp_token": code or current_code(self.device),
            },
        )

    def test_password_and_current_code_sign_in_and_are_audited(self) -> None:
        response = self._sign_in()

        self.assertRedirects(response, reverse("backoffice:home"))
        self.assertTrue(
            AuditEntry.objects.filter(
                action="identity.staff_signed_in", actor_id="uwv.jan"
            ).exists()
        )

    def test_a_wrong_code_is_refused_without_saying_which_part_was_wrong(self) -> None:
        wrong = f"{(int(current_code(self.device)) + 1) % 1_000_000:06d}"

        response = self._sign_in(code=wrong)

        self.assertContains(response, "De gebruikersnaam, het wachtwoord of de code klopt niet")
        self.assertRedirects(
            self.client.get(reverse("backoffice:home")), reverse("backoffice:login")
        )

    def test_a_wrong_password_is_refused_even_with_the_right_code(self) -> None:
        response = self._sign_in(password="fout-wachtwoord-123")

        self.assertContains(response, "klopt niet")

    def test_a_code_can_be_used_only_once(self) -> None:
        code = current_code(self.device)
        self._sign_in(code=code)
        self.client.post(reverse("backoffice:sign_out"))

        response = self._sign_in(code=code)

        self.assertContains(response, "klopt niet")

    def test_a_code_that_is_not_six_digits_gets_a_message_on_the_field(self) -> None:
        response = self._sign_in(code="12ab")

        self.assertContains(response, "Vul de 6 cijfers in")


class BackofficePagesTests(TestCase):
    def test_every_page_needs_a_signed_in_staff_member_with_a_second_factor(self) -> None:
        user, _device = staff_user_create(
            actor=factories.ACTOR, username="duo.piet", role=StaffRole.DUO, password=PASSWORD
        )
        self.client.force_login(user)  # password only: no second factor verified

        for name in ("backoffice:home", "backoffice:organisations", "backoffice:applications"):
            with self.subTest(name=name):
                self.assertRedirects(self.client.get(reverse(name)), reverse("backoffice:login"))

    def test_staff_see_organisations_and_applications(self) -> None:
        _user, device = staff_user_create(
            actor=factories.ACTOR, username="uwv.kees", role=StaffRole.UWV, password=PASSWORD
        )
        organisation = factories.organisation(name="Leerhuis Noord")
        factories.application(
            cohort=factories.cohort(training=factories.training(organisation=organisation)),
            last_name="Jansen",
        )
        self.client.post(
            reverse("backoffice:login"),
            {"username": "uwv.kees", "password": PASSWORD, "otp_token": current_code(device)},
        )

        self.assertContains(self.client.get(reverse("backoffice:organisations")), "Leerhuis Noord")
        self.assertContains(self.client.get(reverse("backoffice:applications")), "Jansen")


class StaffSignInThrottleTests(TestCase):
    def setUp(self) -> None:
        cache.clear()
        self.user, self.device = staff_user_create(
            actor=factories.ACTOR, username="uwv.els", role=StaffRole.UWV, password=PASSWORD
        )

    def _attempt(self, password: str) -> HttpResponseBase:
        return self.client.post(
            reverse("backoffice:login"),
            {"username": "uwv.els", "password": password, "otp_token": current_code(self.device)},
        )

    def test_five_failures_lock_the_account_even_for_the_right_password(self) -> None:
        for _ in range(5):
            self._attempt("fout-wachtwoord-123")

        response = self._attempt(PASSWORD)

        self.assertContains(response, "Wacht 15 minuten")
        self.assertEqual(
            AuditEntry.objects.filter(action="identity.staff_sign_in_refused").count(), 6
        )
        self.assertEqual(
            AuditEntry.objects.filter(action="identity.staff_sign_in_refused").first().after,  # type: ignore[union-attr]
            {"reason": "locked"},
        )

    def test_a_success_before_the_limit_clears_the_count(self) -> None:
        for _ in range(4):
            self._attempt("fout-wachtwoord-123")
        self.assertRedirects(self._attempt(PASSWORD), reverse("backoffice:home"))
        self.client.post(reverse("backoffice:sign_out"))

        self._attempt("fout-wachtwoord-123")

        self.assertFalse(throttle.is_locked("uwv.els"))
