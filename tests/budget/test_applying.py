"""A citizen applies with studentnummer and aanmeldingsbewijs code: refused when what was sent
cannot be an application (nothing written but the audit entry), rejected with the reason when a
condition of the scheme is not met, otherwise granted from the budget."""

import datetime as dt
import io
from decimal import Decimal
from itertools import islice
from typing import Any

from django.http import Http404

import time_machine
from pypdf import PdfReader

from stap.budget.applying import (
    OfferChoice,
    RefusalReason,
    RejectionReason,
    ReviewReason,
    application_apply,
    application_withdraw,
)
from stap.budget.errors import ApplicationRefused
from stap.budget.letters import decision_letter_pdf
from stap.budget.models import Application, ApplicationPeriod, ApplicationStatus, StudentFinanceKind
from stap.budget.selectors import application_of_person, applications_of_person
from stap.budget.services import application_period_create, student_finance_record
from stap.core.audit import Actor
from stap.core.models import ActorKind, AuditEntry, Channel
from stap.enrolments.models import RegistrationProof
from stap.enrolments.proofs.services import proof_issue, proof_revoke
from stap.enrolments.services import pre_registration_save
from stap.identity.services import resident_record
from stap.register.models import Provider
from stap.register.services import cohort_close, exclusion_add
from tests.budget.bsns import bsns
from tests.enrolments.register_fixture import MOMENT, RegisterTestCase, good_row
from tests.mailbox import queued_emails

BSN, OTHER_BSN = islice(bsns(60_000_000), 2)
CITIZEN = Actor(kind=ActorKind.PERSON, identifier="digid-pseudonym", channel=Channel.PORTAL)


class ApplyingTestCase(RegisterTestCase):
    def setUp(self) -> None:
        organisation = self.register.organisation
        self.provider = Actor(
            kind=ActorKind.PERSON,
            identifier="ps-opleider",
            channel=Channel.PORTAL,
            organisation_kvk=organisation.kvk_number,
        )
        self.period = self.open_period(MOMENT - dt.timedelta(hours=1))
        self.proof = proof_issue(
            actor=self.provider, organisation=organisation, text=good_row(self.register)
        ).proof
        self.resident(BSN)

    def open_period(self, opens: dt.datetime, name: str = "November") -> ApplicationPeriod:
        return application_period_create(
            actor=self.provider,
            name=name,
            opens_at=opens,
            closes_at=opens + dt.timedelta(days=14),
            budget=Decimal("100000.00"),
        )

    def resident(self, bsn: str, birth_date: dt.date = dt.date(1990, 5, 17)) -> None:
        resident_record(
            actor=self.provider,
            bsn=bsn,
            first_names="Anna Maria",
            name_prefix="de",
            last_name="Vries",
            birth_date=birth_date,
        )

    def pre_register(self, **changes: str) -> None:
        pre_registration_save(
            actor=self.provider,
            organisation=self.register.organisation,
            values=good_row(self.register, **changes),
        )

    def apply(self, **given: Any) -> Application:
        arguments: dict[str, Any] = {
            "period": self.period,
            "bsn": BSN,
            "studentnummer": "S2026001",
            "code": self.proof.code,
        }
        arguments.update(given)
        return application_apply(actor=CITIZEN, **arguments)

    def choice(self, *, amount: str = "900,00", **changes: Any) -> OfferChoice:
        return OfferChoice(
            cohort=changes.get("cohort", self.register.cohort),
            start_date=changes.get("start_date", dt.date(2027, 1, 11)),
            amount=amount,
        )

    def assert_refused(self, reason: RefusalReason, **given: Any) -> None:
        before = Application.objects.count()
        with self.assertRaises(ApplicationRefused) as refused:
            self.apply(**given)
        self.assertEqual(refused.exception.code, reason.value)
        self.assertEqual(Application.objects.count(), before)
        self.assertTrue(
            AuditEntry.objects.filter(
                action="budget.application_refused", after__reason=reason.value
            ).exists()
        )


class GrantedTests(ApplyingTestCase):
    def test_a_pre_registered_student_is_granted_with_the_providers_data_and_their_brp_name(
        self,
    ) -> None:
        self.pre_register(subsidiebedrag="850,00")

        application = self.apply()

        self.assertEqual(application.status, ApplicationStatus.PROVISIONALLY_GRANTED)
        self.assertRegex(application.aanvraagnummer or "", r"^STAP-2026-\d{7}$")
        self.assertEqual(application.amount, Decimal("850.00"))
        self.assertEqual(application.cohort, self.register.cohort)
        self.assertEqual(application.end_date, dt.date(2027, 6, 30))
        self.assertEqual(application.first_name, "Anna Maria")  # from the BRP, not the bewijs

    def test_without_a_vooraanmelding_the_chosen_offer_must_be_the_one_on_the_bewijs(
        self,
    ) -> None:
        self.assert_refused(RefusalReason.CHOOSE_AN_OFFER)

        application = self.apply(choice=self.choice(amount="875,5"))

        self.assertEqual(application.status, ApplicationStatus.PROVISIONALLY_GRANTED)
        self.assertEqual(application.amount, Decimal("875.50"))

    def test_someone_missing_from_the_population_register_is_set_aside_for_review(self) -> None:
        self.pre_register()

        application = self.apply(bsn=OTHER_BSN)

        self.assertEqual(application.status, ApplicationStatus.IN_REVIEW)
        self.assertEqual(application.rejection_reason, ReviewReason.NOT_IN_POPULATION_REGISTER)


class RefusalTests(ApplyingTestCase):
    def test_a_bsn_failing_the_eleven_test_is_refused(self) -> None:
        self.assert_refused(RefusalReason.INVALID_BSN, bsn="123456789")

    def test_outside_the_period_nothing_can_be_sent(self) -> None:
        with time_machine.travel(MOMENT + dt.timedelta(days=15), tick=False):
            self.assert_refused(RefusalReason.PERIOD_NOT_OPEN, choice=self.choice())

    def test_sending_the_form_again_is_refused_instead_of_applying_twice(self) -> None:
        self.apply(choice=self.choice())

        self.assert_refused(RefusalReason.ALREADY_APPLIED, choice=self.choice())

    def test_an_unknown_or_revoked_code_is_refused(self) -> None:
        self.assert_refused(RefusalReason.UNKNOWN_CODE, code="AAAA-AAAA-AAAA")
        proof_revoke(
            actor=self.provider,
            organisation=self.register.organisation,
            proof=self.proof,
            reason="Verkeerd startmoment.",
        )
        self.assert_refused(RefusalReason.UNKNOWN_CODE, choice=self.choice())

    def test_the_code_of_someone_else_is_refused(self) -> None:
        self.resident(OTHER_BSN, birth_date=dt.date(1991, 5, 17))

        self.assert_refused(RefusalReason.CODE_OF_SOMEONE_ELSE, bsn=OTHER_BSN)

    def test_a_studentnummer_other_than_on_the_bewijs_is_refused(self) -> None:
        self.assert_refused(RefusalReason.STUDENTNUMMER_DIFFERS, studentnummer="S9")

    def test_an_offer_other_than_on_the_bewijs_is_refused(self) -> None:
        multi_year = self.register.multi_year_cohort

        self.assert_refused(RefusalReason.OFFER_DIFFERS, choice=self.choice(cohort=multi_year))

    def test_an_amount_that_is_not_one_or_too_high_is_refused(self) -> None:
        for amount in ("12,345", "-5", "0", "1e3", "NaN", "900,01", "1.000,00", "tien"):
            with self.subTest(amount=amount):
                self.assert_refused(RefusalReason.AMOUNT_INVALID, choice=self.choice(amount=amount))


class RejectionTests(ApplyingTestCase):
    def assert_rejected(self, reason: RejectionReason, **given: Any) -> None:
        application = self.apply(**given)

        self.assertEqual(application.status, ApplicationStatus.REJECTED)
        self.assertEqual(application.rejection_reason, reason.value)
        self.assertIsNone(application.aanvraagnummer)

    def test_under_18_or_at_pension_age_on_the_day_of_applying(self) -> None:
        for birth_date, reason in (
            (dt.date(2008, 11, 3), RejectionReason.TOO_YOUNG),
            (dt.date(1959, 1, 1), RejectionReason.PENSION_AGE),
        ):
            with self.subTest(reason=reason):
                Application.objects.all().delete()
                self.resident(BSN, birth_date=birth_date)
                RegistrationProof.objects.filter(pk=self.proof.pk).update(birth_date=birth_date)
                self.assert_rejected(reason, choice=self.choice())

    def test_someone_receiving_student_finance(self) -> None:
        student_finance_record(
            actor=self.provider,
            bsn=BSN,
            kind=StudentFinanceKind.STUDENT_FINANCE,
            starts_on=dt.date(2025, 9, 1),
        )

        self.assert_rejected(RejectionReason.STUDENT_FINANCE, choice=self.choice())

    def test_student_finance_that_ended_before_the_application_does_not_count(self) -> None:
        student_finance_record(
            actor=self.provider,
            bsn=BSN,
            kind=StudentFinanceKind.TEACHER_GRANT,
            starts_on=dt.date(2024, 9, 1),
            ends_on=dt.date(2026, 8, 31),
        )

        self.assertEqual(self.apply(choice=self.choice()).status, "voorlopig_toegekend")

    def test_a_training_excluded_or_a_start_moment_closed_after_the_bewijs(self) -> None:
        cohort_close(actor=self.provider, cohort=self.register.cohort)
        self.assert_rejected(RejectionReason.COHORT_CLOSED, choice=self.choice())

        Application.objects.all().delete()
        exclusion_add(
            actor=self.provider, training=self.register.offer.training, reason="Geen scholing."
        )
        self.assert_rejected(RejectionReason.NOT_ELIGIBLE, choice=self.choice())

    def test_a_start_less_than_four_weeks_away_or_over_three_months_after_the_period(
        self,
    ) -> None:
        flexible = self.register.flexible  # intake from 1 February to 31 March 2027
        self.assert_rejected(
            RejectionReason.START_TOO_LATE,
            choice=self.choice(cohort=flexible, start_date=dt.date(2027, 3, 31), amount="900"),
        )
        later = self.open_period(dt.datetime(2027, 1, 20, 9, tzinfo=dt.UTC), name="Januari")
        with time_machine.travel(dt.datetime(2027, 1, 20, 10, tzinfo=dt.UTC), tick=False):
            self.assert_rejected(
                RejectionReason.START_TOO_SOON,
                period=later,
                choice=self.choice(cohort=flexible, start_date=dt.date(2027, 2, 1), amount="900"),
            )

    def test_a_second_grant_in_the_same_calendar_year(self) -> None:
        self.apply(choice=self.choice())
        december = self.open_period(dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC), name="December")

        with time_machine.travel(dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC), tick=False):
            self.assert_rejected(
                RejectionReason.ALREADY_GRANTED_THIS_YEAR, period=december, choice=self.choice()
            )


class AfterTheDecisionTests(ApplyingTestCase):
    def test_the_provider_is_told_of_a_grant_without_the_bsn(self) -> None:
        Provider.objects.filter(pk=self.register.offer.training.provider_id).update(
            email="stap@leerhuis.example"
        )

        with self.captureOnCommitCallbacks(execute=True):
            application = self.apply(choice=self.choice())

        [email] = queued_emails()
        self.assertEqual(email.to, ["stap@leerhuis.example"])
        self.assertIn(application.aanvraagnummer or "-", email.subject)
        self.assertIn("S2026001", email.body)
        self.assertNotIn(BSN, email.body)

    def test_the_decision_letter_says_what_was_decided_and_why(self) -> None:
        granted = self.apply(choice=self.choice())
        text = pdf_text(decision_letter_pdf(granted))
        self.assertIn("Besluit op uw aanvraag STAP-budget", text)
        self.assertIn(granted.aanvraagnummer or "-", text)
        self.assertIn("€ 900,00", text)
        self.assertIn("Anna Maria de Vries", text)
        self.assertNotIn(BSN, text)

        self.resident(OTHER_BSN, birth_date=dt.date(1990, 5, 17))
        student_finance_record(
            actor=self.provider,
            bsn=OTHER_BSN,
            kind=StudentFinanceKind.STUDENT_FINANCE,
            starts_on=dt.date(2025, 9, 1),
        )
        rejected = self.apply(bsn=OTHER_BSN, choice=self.choice())
        self.assertIn("U ontvangt studiefinanciering", pdf_text(decision_letter_pdf(rejected)))

    def test_a_citizen_withdraws_their_own_application_before_the_start(self) -> None:
        application = self.apply(choice=self.choice())

        with self.assertRaises(ApplicationRefused):
            application_withdraw(actor=CITIZEN, application=application, bsn=OTHER_BSN)
        withdrawn = application_withdraw(actor=CITIZEN, application=application, bsn=BSN)

        self.assertEqual(withdrawn.status, ApplicationStatus.WITHDRAWN)
        self.period.refresh_from_db()
        self.assertEqual(self.period.granted, Decimal("0.00"))

    def test_after_the_start_a_citizen_can_no_longer_withdraw(self) -> None:
        application = self.apply(choice=self.choice())

        with (
            time_machine.travel(dt.datetime(2027, 1, 11, 9, tzinfo=dt.UTC), tick=False),
            self.assertRaises(ApplicationRefused),
        ):
            application_withdraw(actor=CITIZEN, application=application, bsn=BSN)

    def test_a_citizen_sees_only_their_own_applications(self) -> None:
        mine = self.apply(choice=self.choice())

        self.assertEqual(list(applications_of_person(bsn=BSN)), [mine])
        self.assertEqual(application_of_person(bsn=BSN, pk=mine.pk), mine)
        with self.assertRaises(Http404):
            application_of_person(bsn=OTHER_BSN, pk=mine.pk)


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
