"""Reads of aanmeldingsbewijzen: a provider sees only its own, the public check only what it may."""

import dataclasses

from django.http import Http404

import time_machine

from stap.enrolments.models import ProofStatus, RegistrationProof
from stap.enrolments.proofs.codes import shown
from stap.enrolments.proofs.selectors import (
    PublicCheck,
    proof_versions,
    public_check,
    registration_proof_by_code,
    registration_proof_for_organisation,
    registration_proofs_for_organisation,
)
from stap.enrolments.proofs.services import proof_replace, proof_revoke
from stap.register.selectors import open_cohorts_for_organisation
from tests import factories
from tests.enrolments.register_fixture import (
    MOMENT,
    TODAY,
    RegisterTestCase,
    good_row,
)
from tests.enrolments.test_proofs_services import issued, provider_actor


class SelectorTests(RegisterTestCase):
    def issue(self, **changes: str) -> RegistrationProof:
        return issued(self.register, **changes)

    def test_another_organisations_bewijs_answers_404_like_a_missing_one(self) -> None:
        proof = self.issue()
        other = self.register.foreign.provider.organisation

        with self.assertRaises(Http404):
            registration_proof_for_organisation(organisation=other, proof_id=proof.pk)
        with self.assertRaises(Http404):
            registration_proof_for_organisation(
                organisation=self.register.organisation, proof_id=proof.pk + 1000
            )
        self.assertEqual(
            registration_proof_for_organisation(
                organisation=self.register.organisation, proof_id=proof.pk
            ),
            proof,
        )

    def test_the_list_holds_only_the_organisations_own_newest_first(self) -> None:
        first = self.issue()
        with time_machine.travel(MOMENT.replace(hour=11), tick=False):
            second = self.issue(studentnummer="S2026002", voornaam="Bram", achternaam="Bakker")

        own = registration_proofs_for_organisation(organisation=self.register.organisation)
        foreign = registration_proofs_for_organisation(
            organisation=self.register.foreign.provider.organisation
        )

        self.assertEqual(list(own), [second, first])
        self.assertFalse(foreign.exists())

    def test_search_finds_a_studentnummer_or_a_name(self) -> None:
        anna = self.issue()
        bram = self.issue(studentnummer="S2026002", voornaam="Bram", achternaam="Bakker")
        organisation = self.register.organisation

        def found(query: str) -> list[RegistrationProof]:
            return list(
                registration_proofs_for_organisation(organisation=organisation, query=query)
            )

        self.assertEqual(found("s2026002"), [bram])
        self.assertEqual(found("anna vries"), [anna])
        self.assertEqual(found("bak"), [bram])
        self.assertEqual(found("S2026"), [])  # a studentnummer is matched whole

    def test_a_bewijs_is_found_by_its_code_as_typed_in_any_status(self) -> None:
        proof = self.issue()

        self.assertEqual(registration_proof_by_code(shown(proof.code).lower()), proof)
        proof_revoke(
            actor=provider_actor(self.register),
            organisation=self.register.organisation,
            proof=proof,
            reason="Afgemeld.",
        )
        found = registration_proof_by_code(proof.code)
        assert found is not None
        self.assertEqual(found.status, ProofStatus.REVOKED)
        self.assertIsNone(registration_proof_by_code("ZZZZ-ZZZZ-ZZZZ"))
        self.assertIsNone(registration_proof_by_code("not a code"))

    def test_the_public_check_holds_nothing_of_the_student(self) -> None:
        proof = self.issue()

        result = public_check(code=proof.code)

        self.assertEqual(
            {field.name for field in dataclasses.fields(PublicCheck)},
            {"status", "training_name", "provider_name", "start_date"},
        )
        assert result is not None
        self.assertTrue(result.is_valid)
        self.assertEqual(result.training_name, "Cursus Excel")
        self.assertIsNone(public_check(code="ZZZZZZZZZZZZ"))

    def test_every_version_of_a_replaced_bewijs_is_found_from_any_of_them(self) -> None:
        first = self.issue()
        actor, organisation = provider_actor(self.register), self.register.organisation
        second = proof_replace(
            actor=actor, organisation=organisation, proof=first, text=good_row(self.register)
        ).proof
        third = proof_replace(
            actor=actor, organisation=organisation, proof=second, text=good_row(self.register)
        ).proof
        first.refresh_from_db()
        second.refresh_from_db()

        for version in (first, second, third):
            with self.subTest(version=version.pk):
                self.assertEqual(proof_versions(proof=version), [first, second, third])

    def test_only_open_cohorts_of_the_organisations_own_eligible_offers_can_be_chosen(
        self,
    ) -> None:
        cohorts = set(
            open_cohorts_for_organisation(organisation=self.register.organisation, on=TODAY)
        )

        self.assertIn(self.register.cohort, cohorts)
        self.assertIn(self.register.flexible, cohorts)
        self.assertIn(self.register.multi_year_cohort, cohorts)  # begun, but by study year
        self.assertNotIn(self.register.closed, cohorts)
        self.assertNotIn(self.register.excluded_cohort, cohorts)  # its training is excluded
        self.assertFalse(any(cohort.offer_id == self.register.foreign.pk for cohort in cohorts))
        self.assertFalse(
            open_cohorts_for_organisation(
                organisation=factories.organisation(name="Leeg"), on=TODAY
            ).exists()
        )
