from django.db import transaction
from django.test import TestCase, TransactionTestCase

from stap.core.audit import Actor, AuditOutsideTransaction, audit_record
from stap.core.models import AuditEntry, Channel
from tests import factories


class AuditRecordTests(TransactionTestCase):
    def test_it_refuses_to_write_outside_a_transaction(self) -> None:
        with self.assertRaises(AuditOutsideTransaction):
            audit_record(actor=Actor.system("test"), action="thing.happened")

        self.assertFalse(AuditEntry.objects.exists())

    def test_an_entry_rolls_back_with_the_change_it_describes(self) -> None:
        with self.assertRaises(RuntimeError), transaction.atomic():
            factories.organisation(kvk_number="12345678")
            raise RuntimeError("the change fails after the audit entry was written")

        self.assertFalse(AuditEntry.objects.filter(action="organisation.registered").exists())


class AuditEntryContentTests(TestCase):
    def test_a_service_records_who_through_which_channel_what_and_after(self) -> None:
        organisation = factories.organisation(kvk_number="12345678", name="Leerhuis")

        entry = AuditEntry.objects.get(action="organisation.registered")
        self.assertEqual(entry.actor_id, "tests")
        self.assertEqual(entry.channel, Channel.SYSTEM)
        self.assertEqual(entry.organisation_kvk, "12345678")
        self.assertEqual(entry.object_id, str(organisation.pk))
        self.assertEqual(
            entry.after,
            {"kvk_number": "12345678", "name": "Leerhuis", "mijn_duo_token_access": False},
        )
