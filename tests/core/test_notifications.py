from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import TransactionTestCase

from django_tasks_db.models import DBTaskResult

from stap.core.notifications import email_enqueue


class EmailEnqueueTests(TransactionTestCase):
    def test_an_email_queued_in_a_committed_change_is_sent_by_the_worker(self) -> None:
        with transaction.atomic():
            email_enqueue(to=["opleider@example.nl"], subject="Toegekend", body="Aanvraag 1")

        self.assertEqual(len(mail.outbox), 0)  # nothing is sent by the web request itself
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].subject, "Toegekend")
        self.assertEqual(mail.outbox[0].to, ["opleider@example.nl"])

    def test_an_email_queued_in_a_rolled_back_change_is_never_sent(self) -> None:
        with self.assertRaises(RuntimeError), transaction.atomic():
            email_enqueue(to=["opleider@example.nl"], subject="Toegekend", body="Aanvraag 1")
            raise RuntimeError("the change fails")

        self.assertFalse(DBTaskResult.objects.exists())

    def test_queueing_outside_a_transaction_is_a_programming_error(self) -> None:
        with self.assertRaises(RuntimeError):
            email_enqueue(to=["opleider@example.nl"], subject="x", body="y")
