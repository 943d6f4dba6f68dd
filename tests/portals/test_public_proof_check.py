"""The public check of an aanmeldingsbewijs: valid, revoked, replaced or unknown — never the
student's data — and slowed down for anyone who checks too often."""

from typing import TYPE_CHECKING
from unittest.mock import patch

from django.core.cache import cache
from django.urls import reverse

from stap.core.ratelimit import Limit
from stap.enrolments.models import RegistrationProof
from stap.enrolments.proofs import limits
from stap.enrolments.proofs.codes import shown
from stap.enrolments.proofs.services import proof_issue, proof_replace, proof_revoke
from tests.enrolments.register_fixture import (
    RegisterTestCase,
    good_row,
)
from tests.enrolments.test_proofs_services import provider_actor

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

URL = reverse("public:proof_check")
# What the PDF shows of the student and the check must not.
STUDENT_DATA = ("S2026001", "Anna", "Vries", "17", "1990", "Hoofdstraat", "1234 AB", "Utrecht")


class ProofCheckTestCase(RegisterTestCase):
    def setUp(self) -> None:
        cache.clear()

    def issue(self) -> RegistrationProof:
        return proof_issue(
            actor=provider_actor(self.register),
            organisation=self.register.organisation,
            text=good_row(self.register),
        ).proof

    def check(self, code: str, address: str = "192.0.2.7") -> "_MonkeyPatchedWSGIResponse":
        return self.client.get(URL, {"code": code}, REMOTE_ADDR=address)

    def assertNoStudentData(self, content: bytes) -> None:
        main = content.decode().split("<main", 1)[1].split("</main>", 1)[0]
        for value in STUDENT_DATA:
            self.assertNotIn(value, main)


class AnswerTests(ProofCheckTestCase):
    def test_the_page_asks_for_the_code_without_sign_in(self) -> None:
        response = self.client.get(URL)

        self.assertContains(response, "Aanmeldingsbewijs controleren")
        self.assertContains(response, 'name="code"')
        self.assertNotContains(response, 'id="uitkomst"')

    def test_a_valid_code_names_the_training_the_provider_and_start_but_not_the_student(
        self,
    ) -> None:
        proof = self.issue()

        response = self.check(shown(proof.code))

        self.assertContains(response, "het aanmeldingsbewijs is geldig")
        self.assertContains(response, f'value="{shown(proof.code)}"')  # the form keeps it
        self.assertContains(response, "Cursus Excel")
        self.assertContains(response, "Leerhuis Test")
        self.assertContains(response, "11 januari 2027")
        self.assertNoStudentData(response.content)
        self.assertIn("no-store", response["Cache-Control"])

    def test_the_code_is_read_in_lower_case_with_spaces_and_dashes(self) -> None:
        proof = self.issue()
        typed = " ".join(shown(proof.code).lower().split("-"))

        response = self.check(typed)

        self.assertContains(response, "het aanmeldingsbewijs is geldig")

    def test_a_revoked_bewijs_says_so_and_to_ask_the_provider(self) -> None:
        proof = self.issue()
        proof_revoke(
            actor=provider_actor(self.register),
            organisation=self.register.organisation,
            proof=proof,
            reason="Afgemeld.",
        )

        response = self.check(proof.code)

        self.assertContains(response, "het aanmeldingsbewijs is ingetrokken")
        self.assertContains(response, "Vraag de opleider")
        self.assertNotContains(response, "Afgemeld.")
        self.assertNoStudentData(response.content)

    def test_a_replaced_bewijs_says_so_and_to_use_the_new_one(self) -> None:
        proof = self.issue()
        proof_replace(
            actor=provider_actor(self.register),
            organisation=self.register.organisation,
            proof=proof,
            text=good_row(self.register),
        )

        response = self.check(proof.code)

        self.assertContains(response, "het aanmeldingsbewijs is vervangen")
        self.assertContains(response, "Gebruik het nieuwe aanmeldingsbewijs")
        self.assertNoStudentData(response.content)

    def test_an_unknown_code_says_to_check_it_and_where_a_real_bewijs_comes_from(self) -> None:
        response = self.check("ABCD-EFGH-JKMN")

        self.assertContains(response, "Code ABCD-EFGH-JKMN is onbekend")
        self.assertContains(response, "Controleer of u de code goed heeft overgenomen")

    def test_text_that_is_no_code_says_what_a_code_looks_like(self) -> None:
        response = self.check("ABCD-EFGH-JKM0")

        self.assertContains(response, "Dit is geen controlecode.")
        self.assertContains(response, "geen 0, O, 1 of I")
        self.assertContains(response, 'aria-invalid="true"')

    def test_the_check_changes_nothing(self) -> None:
        proof = self.issue()
        before = list(RegistrationProof.objects.values())

        self.check(proof.code)

        self.assertEqual(list(RegistrationProof.objects.values()), before)

    def test_only_get_is_answered(self) -> None:
        response = self.client.post(URL, {"code": "ABCD-EFGH-JKMN"})

        self.assertEqual(response.status_code, 405)


class RateLimitTests(ProofCheckTestCase):
    def test_after_the_limit_a_client_gets_429_with_when_to_try_again(self) -> None:
        proof = self.issue()
        for _ in range(limits.PER_CLIENT.count):
            self.assertEqual(self.check(proof.code).status_code, 200)

        response = self.check(proof.code)

        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Probeer het over", status_code=429)
        self.assertNotContains(response, "Cursus Excel", status_code=429)
        retry_after = int(response["Retry-After"])
        self.assertTrue(1 <= retry_after <= 60)

    def test_a_wrong_guess_counts_like_a_right_one(self) -> None:
        for _ in range(limits.PER_CLIENT.count):
            self.check("ABCD-EFGH-JKMN")

        self.assertEqual(self.check("ABCD-EFGH-JKMP").status_code, 429)

    def test_another_client_can_still_check(self) -> None:
        for _ in range(limits.PER_CLIENT.count + 1):
            self.check("ABCD-EFGH-JKMN")

        response = self.check("ABCD-EFGH-JKMN", address="198.51.100.4")

        self.assertEqual(response.status_code, 200)

    def test_the_limit_for_everyone_together_stops_many_clients(self) -> None:
        everyone = Limit(scope=limits.EVERYONE.scope, count=3, seconds=60)
        with patch.object(limits, "EVERYONE", everyone):
            for number in range(3):
                self.check("ABCD-EFGH-JKMN", address=f"198.51.100.{number}")
            response = self.check("ABCD-EFGH-JKMN", address="203.0.113.1")

        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "erg veel codes", status_code=429)

    def test_the_page_without_a_code_is_not_counted(self) -> None:
        for _ in range(limits.PER_CLIENT.count + 5):
            self.client.get(URL, REMOTE_ADDR="192.0.2.7")

        self.assertEqual(self.check("ABCD-EFGH-JKMN").status_code, 200)
