"""Issuing, revoking and replacing aanmeldingsbewijzen: the vooraanmelding rules decide, nothing
is written when they refuse, history is kept, and every change is in the audit trail."""

from decimal import Decimal
from unittest import mock

from stap.core.audit import Actor
from stap.core.models import ActorKind, AuditEntry, Channel
from stap.enrolments.models import ProofStatus, RegistrationProof
from stap.enrolments.prereg import rules
from stap.enrolments.proofs.services import (
    ProofDuplicate,
    ProofNotOwn,
    ProofNotValid,
    ProofRefused,
    proof_issue,
    proof_replace,
    proof_revoke,
)
from tests.enrolments.register_fixture import (
    MOMENT,
    Register,
    RegisterTestCase,
    good_row,
)


def provider_actor(register: Register, pseudonym: str = "ps-opleider-1") -> Actor:
    return Actor(
        kind=ActorKind.PERSON,
        identifier=pseudonym,
        channel=Channel.PORTAL,
        organisation_kvk=register.organisation.kvk_number,
    )


def issued(register: Register, **changes: str) -> RegistrationProof:
    """A bewijs of ``register``'s provider for its good row, with ``changes``."""
    return proof_issue(
        actor=provider_actor(register),
        organisation=register.organisation,
        text=good_row(register, **changes),
    ).proof


class ProofTestCase(RegisterTestCase):
    def setUp(self) -> None:
        self.actor = provider_actor(self.register)

    def issue(self, **changes: str) -> RegistrationProof:
        return proof_issue(
            actor=self.actor,
            organisation=self.register.organisation,
            text=good_row(self.register, **changes),
        ).proof

    def refused_rules(self, **changes: str) -> dict[str, str]:
        with self.assertRaises(ProofRefused) as refused:
            self.issue(**changes)
        return {
            finding.field: finding.rule.id
            for finding in refused.exception.findings
            if finding.is_error
        }


class IssueTests(ProofTestCase):
    def test_a_bewijs_holds_the_student_the_offer_and_the_provider_as_issued(self) -> None:
        proof = self.issue()

        proof.refresh_from_db()
        self.assertEqual(proof.status, ProofStatus.ISSUED)
        self.assertEqual(proof.studentnummer, "S2026001")
        self.assertEqual(proof.student_name, "Anna de Vries")
        self.assertEqual(proof.postcode, "1234 AB")
        self.assertEqual(proof.offer, self.register.offer)
        self.assertEqual(proof.cohort, self.register.cohort)
        self.assertEqual(proof.cohort_code, "EXC-2027-01")
        self.assertEqual(proof.training_name, "Cursus Excel")
        self.assertEqual(proof.provider_name, self.register.offer.provider.name)
        self.assertEqual(proof.provider_code, self.register.offer.provider.code)
        self.assertEqual(proof.amount, Decimal("900.00"))
        self.assertEqual(proof.issued_by, "ps-opleider-1")
        self.assertEqual(len(proof.code), 12)

    def test_issuing_is_in_the_audit_trail_without_the_students_personal_data(self) -> None:
        proof = self.issue()

        entry = AuditEntry.objects.get(action="enrolments.registration_proof_issued")
        self.assertEqual(entry.object_id, str(proof.pk))
        self.assertEqual(entry.actor_id, "ps-opleider-1")
        self.assertEqual(entry.organisation_kvk, self.register.organisation.kvk_number)
        assert entry.after is not None
        self.assertEqual(entry.after["studentnummer"], "S2026001")
        self.assertNotIn("Vries", str(entry.after))
        self.assertNotIn("1990", str(entry.after))
        self.assertNotIn(proof.code, str(entry.after))

    def test_a_warning_lets_the_bewijs_through_and_comes_back_with_it(self) -> None:
        issued = proof_issue(
            actor=self.actor,
            organisation=self.register.organisation,
            text=good_row(self.register, subsidiebedrag="800,00"),
        )

        self.assertEqual([w.rule for w in issued.warnings], [rules.AMOUNT_BELOW_COHORT])
        self.assertEqual(issued.proof.amount, Decimal("800.00"))

    def test_each_broken_rule_is_reported_on_its_field_and_nothing_is_written(self) -> None:
        found = self.refused_rules(
            achternaam="", postcode="12345", geboortedatum="31-02-1990", huisnummer="12a"
        )

        self.assertEqual(
            found,
            {
                "achternaam": "VA-003",
                "postcode": "VA-013",
                "geboortedatum": "VA-011",
                "huisnummer": "VA-012",
            },
        )
        self.assertFalse(RegistrationProof.objects.exists())
        self.assertFalse(AuditEntry.objects.filter(action__contains="proof").exists())

    def test_the_register_rules_of_a_vooraanmelding_apply(self) -> None:
        cases = {
            "the amount is above the cohort's": (
                {"subsidiebedrag": "950,00"},
                {"subsidiebedrag": "VA-036"},
            ),
            "the cohort is closed": (
                {"cohortcode": self.register.closed.code, "startdatum": "2027-01-18"},
                {"cohortcode": "VA-034"},
            ),
            "the start is outside the intake": (
                {"startdatum": "2027-01-12"},
                {"startdatum": "VA-038"},
            ),
            "the student is too young": (
                {"geboortedatum": "2010-01-01"},
                {"geboortedatum": "VA-039"},
            ),
            "the offer is another provider's": (
                {"scholings_id": str(self.register.foreign.scholings_id)},
                {"scholings_id": "VA-031"},
            ),
        }
        for case, (changes, expected) in cases.items():
            with self.subTest(case):
                self.assertEqual(self.refused_rules(**changes), expected)
        self.assertFalse(RegistrationProof.objects.exists())

    def test_a_second_valid_bewijs_for_the_same_student_offer_and_start_is_refused(self) -> None:
        first = self.issue()

        with self.assertRaises(ProofDuplicate) as refused:
            self.issue(voornaam="Anne")

        self.assertEqual(refused.exception.existing, first)
        self.assertIn("Vervang", str(refused.exception))
        self.assertEqual(RegistrationProof.objects.count(), 1)

    def test_the_same_student_may_have_a_bewijs_for_another_start(self) -> None:
        self.issue()

        self.issue(cohortcode=self.register.flexible.code, startdatum="2027-02-01", einddatum="")

        self.assertEqual(RegistrationProof.objects.count(), 2)

    def test_a_code_that_is_already_taken_is_drawn_again(self) -> None:
        first = issued(self.register)
        codes = iter([first.code, "ABCDEFGHJKMN"])

        with mock.patch("stap.enrolments.proofs.services.new_code", lambda: next(codes)):
            second = issued(self.register, studentnummer="S2")

        self.assertEqual(second.code, "ABCDEFGHJKMN")

    def test_a_person_of_another_organisation_cannot_issue_for_this_one(self) -> None:
        stranger = Actor(
            kind=ActorKind.PERSON,
            identifier="ps-vreemd",
            channel=Channel.PORTAL,
            organisation_kvk="90000502",
        )

        with self.assertRaises(ProofNotOwn):
            proof_issue(
                actor=stranger,
                organisation=self.register.organisation,
                text=good_row(self.register),
            )
        self.assertFalse(RegistrationProof.objects.exists())


class RevokeTests(ProofTestCase):
    def test_a_revoked_bewijs_keeps_who_when_and_why(self) -> None:
        proof = self.issue()

        revoked = proof_revoke(
            actor=provider_actor(self.register, "ps-opleider-2"),
            organisation=self.register.organisation,
            proof=proof,
            reason="  De student heeft zich afgemeld.  ",
        )

        revoked.refresh_from_db()
        self.assertEqual(revoked.status, ProofStatus.REVOKED)
        self.assertEqual(revoked.revoked_at, MOMENT)
        self.assertEqual(revoked.revoked_by, "ps-opleider-2")
        self.assertEqual(revoked.revocation_reason, "De student heeft zich afgemeld.")
        entry = AuditEntry.objects.get(action="enrolments.registration_proof_revoked")
        assert entry.before is not None and entry.after is not None
        self.assertEqual(entry.before["status"], "issued")
        self.assertEqual(entry.after["status"], "revoked")
        self.assertEqual(entry.after["reason"], "De student heeft zich afgemeld.")

    def test_revoking_needs_a_reason(self) -> None:
        proof = self.issue()

        with self.assertRaises(ProofNotValid):
            proof_revoke(
                actor=self.actor, organisation=self.register.organisation, proof=proof, reason=" "
            )
        proof.refresh_from_db()
        self.assertEqual(proof.status, ProofStatus.ISSUED)

    def test_a_bewijs_is_revoked_only_once(self) -> None:
        proof = self.issue()
        proof_revoke(
            actor=self.actor, organisation=self.register.organisation, proof=proof, reason="Weg."
        )

        with self.assertRaises(ProofNotValid):
            proof_revoke(
                actor=self.actor,
                organisation=self.register.organisation,
                proof=proof,
                reason="Nog eens.",
            )
        self.assertEqual(
            AuditEntry.objects.filter(action="enrolments.registration_proof_revoked").count(), 1
        )

    def test_after_revoking_the_student_may_get_a_new_bewijs(self) -> None:
        proof = self.issue()
        proof_revoke(
            actor=self.actor, organisation=self.register.organisation, proof=proof, reason="Fout."
        )

        self.issue()

        self.assertEqual(RegistrationProof.objects.filter(status=ProofStatus.ISSUED).count(), 1)

    def test_another_organisation_cannot_revoke_it(self) -> None:
        proof = self.issue()
        other = self.register.foreign.provider.organisation

        with self.assertRaises(ProofNotOwn):
            proof_revoke(
                actor=Actor.system("tests"), organisation=other, proof=proof, reason="Weg."
            )
        proof.refresh_from_db()
        self.assertEqual(proof.status, ProofStatus.ISSUED)


class ReplaceTests(ProofTestCase):
    def test_the_old_bewijs_becomes_replaced_and_points_to_the_new_one(self) -> None:
        old = self.issue()

        issued = proof_replace(
            actor=self.actor,
            organisation=self.register.organisation,
            proof=old,
            text=good_row(self.register, subsidiebedrag="850,00"),
        )

        old.refresh_from_db()
        new = issued.proof
        self.assertEqual(old.status, ProofStatus.REPLACED)
        self.assertEqual(old.replaced_by, new)
        self.assertEqual(new.replaces, old)
        self.assertEqual(new.status, ProofStatus.ISSUED)
        self.assertEqual(new.amount, Decimal("850.00"))
        self.assertNotEqual(new.code, old.code)
        self.assertEqual(old.amount, Decimal("900.00"))  # the old one keeps what it said

    def test_replacing_is_in_the_trail_of_both_bewijzen(self) -> None:
        old = self.issue()

        new = proof_replace(
            actor=self.actor,
            organisation=self.register.organisation,
            proof=old,
            text=good_row(self.register),
        ).proof

        replaced = AuditEntry.objects.get(action="enrolments.registration_proof_replaced")
        self.assertEqual(replaced.object_id, str(old.pk))
        assert replaced.after is not None
        self.assertEqual(replaced.after["replaced_by"], new.pk)
        issued = AuditEntry.objects.get(
            action="enrolments.registration_proof_issued", object_id=str(new.pk)
        )
        assert issued.after is not None
        self.assertEqual(issued.after["replaces"], old.pk)

    def test_a_refused_replacement_leaves_the_old_bewijs_valid(self) -> None:
        old = self.issue()

        with self.assertRaises(ProofRefused):
            proof_replace(
                actor=self.actor,
                organisation=self.register.organisation,
                proof=old,
                text=good_row(self.register, achternaam=""),
            )

        old.refresh_from_db()
        self.assertEqual(old.status, ProofStatus.ISSUED)
        self.assertIsNone(old.replaced_by)
        self.assertEqual(RegistrationProof.objects.count(), 1)

    def test_a_replaced_or_revoked_bewijs_cannot_be_replaced(self) -> None:
        old = self.issue()
        proof_replace(
            actor=self.actor,
            organisation=self.register.organisation,
            proof=old,
            text=good_row(self.register),
        )

        with self.assertRaises(ProofNotValid):
            proof_replace(
                actor=self.actor,
                organisation=self.register.organisation,
                proof=old,
                text=good_row(self.register),
            )
        self.assertEqual(RegistrationProof.objects.count(), 2)

    def test_a_replacement_may_not_clash_with_another_valid_bewijs(self) -> None:
        first = self.issue()
        other = self.issue(studentnummer="S2026002")

        with self.assertRaises(ProofDuplicate):
            proof_replace(
                actor=self.actor,
                organisation=self.register.organisation,
                proof=other,
                text=good_row(self.register),
            )

        other.refresh_from_db()
        self.assertEqual(other.status, ProofStatus.ISSUED)
        self.assertEqual(first.status, ProofStatus.ISSUED)
