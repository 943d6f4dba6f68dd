from django.test import TestCase

from stap.budget.errors import TransitionNotAllowed
from stap.budget.models import ApplicationStatus
from stap.budget.services import application_decide, application_grant
from stap.core.models import AuditEntry
from tests import factories


class ApplicationGrantTests(TestCase):
    def setUp(self) -> None:
        training = factories.training(organisation=factories.organisation())
        self.cohort = factories.cohort(training=training)

    def test_a_grant_gives_the_application_a_unique_aanvraagnummer(self) -> None:
        first = factories.application(cohort=self.cohort)
        second = factories.application(cohort=self.cohort)

        self.assertEqual(first.status, ApplicationStatus.PROVISIONALLY_GRANTED)
        self.assertRegex(first.aanvraagnummer or "", r"^STAP-\d{4}-\d{7}$")
        self.assertNotEqual(first.aanvraagnummer, second.aanvraagnummer)
        self.assertIsNotNone(first.granted_at)

    def test_a_granted_application_cannot_be_granted_again(self) -> None:
        application = factories.application(cohort=self.cohort)

        with self.assertRaises(TransitionNotAllowed) as caught:
            application_grant(actor=factories.ACTOR, application=application)

        self.assertIn("voorlopig toegekend", str(caught.exception))

    def test_each_decision_is_audited_with_before_and_after(self) -> None:
        application = factories.application(cohort=self.cohort, decision="settle")

        entry = AuditEntry.objects.get(action="budget.application_settle")
        self.assertEqual(entry.before, {"status": "voorlopig_toegekend"})
        self.assertEqual(entry.after, {"status": "vastgesteld"})
        self.assertEqual(entry.object_id, str(application.pk))

    def test_a_rejected_application_cannot_be_settled(self) -> None:
        application = factories.application(cohort=self.cohort, granted=False)
        application_decide(actor=factories.ACTOR, application=application, decision="reject")

        with self.assertRaises(TransitionNotAllowed):
            application_decide(actor=factories.ACTOR, application=application, decision="settle")
