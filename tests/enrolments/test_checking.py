"""An upload of vooraanmeldingen from receipt to commit: checked per row, compared row with row,
committed with the rules checked again, and safe to run twice."""

import csv
import datetime as dt
import io
from decimal import Decimal
from unittest import mock

from django.core.management import call_command

import time_machine

from stap.core.audit import Actor
from stap.core.models import ActorKind, AuditEntry, Channel
from stap.enrolments import services
from stap.enrolments.models import (
    PreRegistration,
    PreRegistrationUpload,
    RowOutcome,
    RowStatus,
    StagedRow,
    UploadStatus,
)
from stap.enrolments.prereg import leases
from stap.enrolments.prereg.fields import FIELDS
from stap.enrolments.prereg.reading import FileRefused
from stap.enrolments.services import (
    UploadRefused,
    pre_registration_save,
    staged_row_fix,
    upload_check,
    upload_commit,
    upload_commit_request,
    upload_receive,
    uploads_requeue_stale,
)
from stap.register.services import cohort_close
from tests.enrolments.register_fixture import (
    MOMENT,
    RegisterTestCase,
    another_offer,
    good_row,
)


def csv_bytes(rows: list[dict[str, str]], *, separator: str = ";") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, delimiter=separator, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


class UploadTestCase(RegisterTestCase):
    def setUp(self) -> None:
        self.actor = Actor(
            kind=ActorKind.PERSON,
            identifier="ps-opleider-1",
            channel=Channel.PORTAL,
            organisation_kvk=self.register.organisation.kvk_number,
        )

    def send(self, data: bytes, filename: str = "vooraanmeldingen.csv") -> PreRegistrationUpload:
        upload = upload_receive(
            actor=self.actor,
            organisation=self.register.organisation,
            filename=filename,
            stream=io.BytesIO(data),
            size=len(data),
        )
        upload_check(upload_id=upload.pk)
        upload.refresh_from_db()
        return upload

    def commit(self, upload: PreRegistrationUpload) -> PreRegistrationUpload:
        upload_commit_request(actor=self.actor, upload=upload)
        upload_commit(upload_id=upload.pk)
        upload.refresh_from_db()
        return upload

    def row(self, upload: PreRegistrationUpload, number: int) -> StagedRow:
        return upload.rows.get(number=number)

    def rule_ids(self, row: StagedRow) -> list[str]:
        return [finding[0] for finding in row.findings]


class CheckingTests(UploadTestCase):
    def test_good_and_bad_rows_are_counted_and_each_bad_row_says_why(self) -> None:
        upload = self.send(
            csv_bytes(
                [
                    good_row(self.register),
                    good_row(self.register, studentnummer="S2", postcode="0000 XX"),
                    good_row(self.register, studentnummer="S3", subsidiebedrag="850"),
                ]
            )
        )

        self.assertEqual(upload.status, UploadStatus.CHECKED)
        self.assertEqual(
            (upload.rows_read, upload.rows_valid, upload.rows_warning, upload.rows_rejected),
            (3, 1, 1, 1),
        )
        self.assertEqual(self.rule_ids(self.row(upload, 3)), ["VA-013"])
        self.assertEqual(self.row(upload, 3).status, RowStatus.REJECTED)
        self.assertEqual(self.rule_ids(self.row(upload, 4)), ["VA-046"])
        self.assertFalse(PreRegistration.objects.exists())

    def test_the_same_student_twice_rejects_the_later_row(self) -> None:
        upload = self.send(csv_bytes([good_row(self.register), good_row(self.register)]))

        self.assertEqual(self.row(upload, 2).status, RowStatus.VALID)
        later = self.row(upload, 3)
        self.assertEqual(later.status, RowStatus.REJECTED)
        self.assertEqual(later.findings, [["VA-044", {"row": 2}]])

    def test_one_studentnummer_for_two_people_is_a_warning(self) -> None:
        upload = self.send(
            csv_bytes(
                [
                    good_row(self.register),
                    good_row(
                        self.register,
                        voornaam="Bram",
                        cohortcode=self.register.flexible.code,
                        startdatum="2027-02-01",
                        einddatum="",
                    ),
                ]
            )
        )

        self.assertEqual(self.row(upload, 3).status, RowStatus.WARNING)
        self.assertIn(["VA-047", {"row": 2}], self.row(upload, 3).findings)

    def test_a_file_refused_as_a_whole_keeps_no_rows_and_says_why(self) -> None:
        upload = self.send(b"studentnummer;voornaam\r\nS1;Anna\r\n")

        self.assertEqual(upload.status, UploadStatus.REFUSED)
        self.assertEqual(upload.refusal_rule, "VA-106")
        self.assertFalse(StagedRow.objects.exists())

    def test_an_empty_file_is_not_kept(self) -> None:
        with self.assertRaises(FileRefused) as refused:
            upload_receive(
                actor=self.actor,
                organisation=self.register.organisation,
                filename="leeg.csv",
                stream=io.BytesIO(b""),
                size=0,
            )
        self.assertEqual(refused.exception.finding.rule.id, "VA-100")
        self.assertFalse(PreRegistrationUpload.objects.exists())

    def test_the_file_who_sent_it_and_when_are_kept_and_audited(self) -> None:
        data = csv_bytes([good_row(self.register)])
        upload = self.send(data, filename="C:\\Users\\anna\\export.csv")

        self.assertEqual(upload.filename, "export.csv")
        self.assertEqual(upload.created_by, "ps-opleider-1")
        self.assertEqual(upload.size, len(data))
        actions = set(AuditEntry.objects.values_list("action", flat=True))
        self.assertTrue({"enrolments.upload_received", "enrolments.upload_checked"} <= actions)

    def test_checking_again_after_a_crash_does_not_duplicate_rows(self) -> None:
        upload = self.send(csv_bytes([good_row(self.register)]))
        PreRegistrationUpload.objects.filter(pk=upload.pk).update(status=UploadStatus.RECEIVED)

        upload_check(upload_id=upload.pk)

        self.assertEqual(upload.rows.count(), 1)


class CommitTests(UploadTestCase):
    def test_committing_puts_the_good_rows_in_and_leaves_the_rejected_ones_out(self) -> None:
        upload = self.send(
            csv_bytes(
                [
                    good_row(self.register),
                    good_row(self.register, studentnummer="S2", postcode="0000 XX"),
                ]
            )
        )

        upload = self.commit(upload)

        self.assertEqual(upload.status, UploadStatus.COMMITTED)
        self.assertEqual(upload.rows_committed, 1)
        stored = PreRegistration.objects.get()
        self.assertEqual(stored.studentnummer, "S2026001")
        self.assertEqual(stored.amount, Decimal("900.00"))
        self.assertEqual(stored.cohort, self.register.cohort)
        self.assertEqual(self.row(upload, 2).outcome, RowOutcome.CREATED)
        self.assertEqual(self.row(upload, 2).pre_registration, stored)
        self.assertEqual(self.row(upload, 3).outcome, RowOutcome.NONE)

    def test_sending_the_same_student_again_updates_instead_of_duplicating(self) -> None:
        self.commit(self.send(csv_bytes([good_row(self.register)])))

        second = self.commit(self.send(csv_bytes([good_row(self.register, email="anna@nieuw.nl")])))
        third = self.commit(self.send(csv_bytes([good_row(self.register, email="anna@nieuw.nl")])))

        self.assertEqual(PreRegistration.objects.count(), 1)
        self.assertEqual(PreRegistration.objects.get().email, "anna@nieuw.nl")
        self.assertEqual(self.row(second, 2).outcome, RowOutcome.UPDATED)
        self.assertEqual(self.row(third, 2).outcome, RowOutcome.UNCHANGED)

    def test_a_cohort_closed_after_the_check_refuses_its_rows_at_commit(self) -> None:
        upload = self.send(csv_bytes([good_row(self.register)]))
        cohort_close(actor=Actor.system("tests"), cohort=self.register.cohort)

        upload = self.commit(upload)

        row = self.row(upload, 2)
        self.assertEqual(row.outcome, RowOutcome.REFUSED)
        self.assertEqual(row.status, RowStatus.REJECTED)
        self.assertIn("VA-034", self.rule_ids(row))
        self.assertFalse(PreRegistration.objects.exists())

    def test_rows_whose_register_did_not_change_go_in_with_the_values_that_were_checked(
        self,
    ) -> None:
        upload = self.send(csv_bytes([good_row(self.register)]))
        StagedRow.objects.filter(upload=upload).update(raw={"studentnummer": "changed"})

        upload = self.commit(upload)

        self.assertEqual(self.row(upload, 2).outcome, RowOutcome.CREATED)
        self.assertEqual(PreRegistration.objects.get().studentnummer, "S2026001")

    def test_rows_checked_on_another_day_are_checked_again_from_their_text(self) -> None:
        upload = self.send(csv_bytes([good_row(self.register)]))
        StagedRow.objects.filter(upload=upload).update(raw={"studentnummer": "changed"})

        with time_machine.travel(MOMENT + dt.timedelta(days=1), tick=False):
            upload = self.commit(upload)

        row = self.row(upload, 2)
        self.assertEqual(row.outcome, RowOutcome.REFUSED)
        self.assertIn("VA-003", self.rule_ids(row))
        self.assertFalse(PreRegistration.objects.exists())

    def test_only_the_rows_of_an_offer_that_changed_are_checked_again(self) -> None:
        other = another_offer(self.register)
        upload = self.send(
            csv_bytes(
                [
                    good_row(self.register),
                    good_row(self.register, studentnummer="S2", **other),
                ]
            )
        )
        StagedRow.objects.filter(upload=upload).update(raw={"studentnummer": "changed"})
        cohort_close(actor=Actor.system("tests"), cohort=self.register.cohort)

        upload = self.commit(upload)

        self.assertEqual(self.row(upload, 2).outcome, RowOutcome.REFUSED)
        self.assertEqual(self.row(upload, 3).outcome, RowOutcome.CREATED)
        self.assertEqual(PreRegistration.objects.get().studentnummer, "S2")

    def test_an_upload_without_a_good_row_cannot_be_committed(self) -> None:
        upload = self.send(csv_bytes([good_row(self.register, postcode="0000 XX")]))

        with self.assertRaises(UploadRefused):
            upload_commit_request(actor=self.actor, upload=upload)

    def test_another_organisation_cannot_commit_the_upload(self) -> None:
        upload = self.send(csv_bytes([good_row(self.register)]))
        stranger = Actor(
            kind=ActorKind.PERSON,
            identifier="ps-ander",
            channel=Channel.PORTAL,
            organisation_kvk="90000502",
        )

        with self.assertRaises(UploadRefused):
            upload_commit_request(actor=stranger, upload=upload)


class LeaseTests(UploadTestCase):
    def received(self, data: bytes) -> PreRegistrationUpload:
        """An upload waiting for a worker (a small file is checked at once: undo that)."""
        upload = upload_receive(
            actor=self.actor,
            organisation=self.register.organisation,
            filename="a.csv",
            stream=io.BytesIO(data),
            size=len(data),
        )
        PreRegistrationUpload.objects.filter(pk=upload.pk).update(status=UploadStatus.RECEIVED)
        return upload

    def test_a_worker_that_lost_its_claim_writes_nothing_more(self) -> None:
        data = csv_bytes([good_row(self.register)])
        upload = self.received(data)
        first = leases.claim(
            upload.pk, waiting=UploadStatus.RECEIVED, working=UploadStatus.CHECKING
        )
        assert first is not None
        PreRegistrationUpload.objects.filter(pk=upload.pk).update(
            status=UploadStatus.RECEIVED, lease_expires_at=None
        )
        second = leases.claim(
            upload.pk, waiting=UploadStatus.RECEIVED, working=UploadStatus.CHECKING
        )
        assert second is not None

        with self.assertRaises(leases.ClaimLost):
            leases.renew(first, rows_checked=99)
        upload.refresh_from_db()
        self.assertNotEqual(upload.rows_checked, 99)

    def test_an_upload_whose_worker_stopped_goes_back_in_its_queue(self) -> None:
        data = csv_bytes([good_row(self.register)])
        upload = self.received(data)
        leases.claim(upload.pk, waiting=UploadStatus.RECEIVED, working=UploadStatus.CHECKING)

        with time_machine.travel(MOMENT + leases.LEASE * 2, tick=False):
            requeued = uploads_requeue_stale()

        self.assertEqual(requeued, [upload.pk])
        upload_check(upload_id=upload.pk)
        upload.refresh_from_db()
        self.assertEqual(upload.status, UploadStatus.CHECKED)

    def test_a_file_whose_check_stops_every_worker_is_refused_after_three_attempts(self) -> None:
        upload = self.received(csv_bytes([good_row(self.register)]))
        later = MOMENT
        for _attempt in range(3):
            with time_machine.travel(later, tick=False):
                leases.claim(
                    upload.pk, waiting=UploadStatus.RECEIVED, working=UploadStatus.CHECKING
                )
            later += leases.LEASE * 2
            with time_machine.travel(later, tick=False):
                uploads_requeue_stale()

        upload.refresh_from_db()
        self.assertEqual(upload.status, UploadStatus.REFUSED)
        self.assertEqual(upload.refusal_rule, "VA-117")
        self.assertEqual(upload.refusal_values, {"attempts": 3})
        self.assertFalse(upload.rows.exists())
        self.assertTrue(
            AuditEntry.objects.filter(
                action="enrolments.upload_checked", after__refusal="VA-117"
            ).exists()
        )

    def test_the_reaper_command_queues_again_what_a_stopped_worker_left(self) -> None:
        upload = self.received(csv_bytes([good_row(self.register)]))
        leases.claim(upload.pk, waiting=UploadStatus.RECEIVED, working=UploadStatus.CHECKING)
        out = io.StringIO()

        with time_machine.travel(MOMENT + leases.LEASE * 2, tick=False):
            call_command("requeue_stale", stdout=out)

        upload.refresh_from_db()
        self.assertEqual(upload.status, UploadStatus.RECEIVED)
        self.assertIn(f"uploads_requeue_stale: queued again {upload.pk}", out.getvalue())


class FixTests(UploadTestCase):
    def bad_upload(self) -> PreRegistrationUpload:
        return self.send(
            csv_bytes(
                [
                    good_row(self.register),
                    good_row(self.register, studentnummer="S2", postcode="0000 XX"),
                ]
            )
        )

    def test_a_fixed_row_passes_and_the_counts_follow(self) -> None:
        upload = self.bad_upload()

        row = staged_row_fix(
            actor=self.actor,
            row=self.row(upload, 3),
            values=good_row(self.register, studentnummer="S2", postcode="9711 AB"),
        )

        self.assertEqual(row.status, RowStatus.VALID)
        self.assertEqual(row.findings, [])
        self.assertEqual(row.fixed_by, "ps-opleider-1")
        upload.refresh_from_db()
        self.assertEqual((upload.rows_valid, upload.rows_rejected), (2, 0))
        entry = AuditEntry.objects.get(action="enrolments.row_fixed")
        self.assertEqual(
            entry.after, {"upload": upload.pk, "row": 3, "fields": ["postcode"], "status": "valid"}
        )

    def test_a_row_fixed_with_another_mistake_stays_rejected_and_says_the_new_why(self) -> None:
        upload = self.bad_upload()

        row = staged_row_fix(
            actor=self.actor,
            row=self.row(upload, 3),
            values=good_row(self.register, studentnummer="S2", geboortedatum="31-02-1990"),
        )

        self.assertEqual(row.status, RowStatus.REJECTED)
        self.assertEqual([finding[0] for finding in row.findings], ["VA-011"])

    def test_fixing_a_row_into_a_copy_of_another_is_still_a_duplicate(self) -> None:
        upload = self.bad_upload()

        row = staged_row_fix(
            actor=self.actor, row=self.row(upload, 3), values=good_row(self.register)
        )

        self.assertEqual(row.status, RowStatus.REJECTED)
        self.assertIn(["VA-044", {"row": 2}], row.findings)

    def test_a_row_fixed_after_the_commit_is_committed_at_once(self) -> None:
        upload = self.commit(self.bad_upload())

        row = staged_row_fix(
            actor=self.actor,
            row=self.row(upload, 3),
            values=good_row(self.register, studentnummer="S2", postcode="9711 AB"),
        )

        self.assertEqual(row.outcome, RowOutcome.CREATED)
        self.assertTrue(PreRegistration.objects.filter(studentnummer="S2").exists())
        upload.refresh_from_db()
        self.assertEqual(upload.rows_committed, 2)

    def test_an_earlier_row_fixed_into_a_copy_of_a_later_one_is_a_duplicate(self) -> None:
        upload = self.send(
            csv_bytes(
                [
                    good_row(self.register, startdatum="31-02-2027"),
                    good_row(self.register),
                ]
            )
        )

        row = staged_row_fix(
            actor=self.actor, row=self.row(upload, 2), values=good_row(self.register)
        )
        upload = self.commit(upload)

        self.assertEqual(row.status, RowStatus.REJECTED)
        self.assertIn(["VA-044", {"row": 3}], row.findings)
        self.assertEqual(upload.rows_committed, 1)
        self.assertEqual(self.row(upload, 3).outcome, RowOutcome.CREATED)

    def test_a_good_row_cannot_be_fixed(self) -> None:
        upload = self.bad_upload()

        with self.assertRaises(UploadRefused):
            staged_row_fix(actor=self.actor, row=self.row(upload, 2), values={})


class SameStudentAtCommitTests(UploadTestCase):
    def test_two_rows_for_one_student_that_reach_the_commit_put_in_the_first(self) -> None:
        upload = self.send(
            csv_bytes(
                [
                    good_row(self.register, startdatum="31-02-2027"),
                    good_row(self.register, email="later@example.nl"),
                ]
            )
        )
        # As if the comparison had missed them: the earlier row made valid behind its back.
        first, later = self.row(upload, 2), self.row(upload, 3)
        first.raw = good_row(self.register)
        first.findings, first.status = [], RowStatus.VALID
        first.studentnummer, first.start_date = later.studentnummer, later.start_date
        first.scholings_id = later.scholings_id
        first.save()
        PreRegistrationUpload.objects.filter(pk=upload.pk).update(rows_valid=2, rows_rejected=0)

        upload = self.commit(upload)

        self.assertEqual(self.row(upload, 2).outcome, RowOutcome.CREATED)
        later = self.row(upload, 3)
        self.assertEqual(later.outcome, RowOutcome.REFUSED)
        self.assertIn(["VA-044", {"row": 2}], later.findings)
        self.assertEqual(PreRegistration.objects.get().email, "anna@example.nl")


class KilledWorkerTests(UploadTestCase):
    def test_a_commit_killed_halfway_goes_on_where_it_stopped_without_doubles(self) -> None:
        rows = [good_row(self.register, studentnummer=f"S{number}") for number in range(1, 6)]
        upload = self.send(csv_bytes(rows))
        upload_commit_request(actor=self.actor, upload=upload)
        real_renew = leases.renew
        calls = 0

        def killed_after_two_chunks(upload: PreRegistrationUpload, **changes: object) -> None:
            nonlocal calls
            calls += 1
            if calls == 3:
                raise KeyboardInterrupt  # the worker is killed while writing its third chunk
            real_renew(upload, **changes)

        with (
            mock.patch("stap.enrolments.prereg.committing.CHUNK", 2),
            mock.patch("stap.enrolments.prereg.committing.CHECKED_CHUNK", 2),
            mock.patch("stap.enrolments.prereg.committing.renew", killed_after_two_chunks),
            self.assertRaises(KeyboardInterrupt),
        ):
            upload_commit(upload_id=upload.pk)
        self.assertEqual(PreRegistration.objects.count(), 4)

        with time_machine.travel(MOMENT + leases.LEASE * 2, tick=False):
            self.assertEqual(uploads_requeue_stale(), [upload.pk])
            upload_commit(upload_id=upload.pk)

        upload.refresh_from_db()
        self.assertEqual(upload.status, UploadStatus.COMMITTED)
        self.assertEqual(upload.rows_committed, 5)
        self.assertEqual(PreRegistration.objects.count(), 5)
        self.assertEqual(
            sorted(upload.rows.values_list("outcome", flat=True)), [RowOutcome.CREATED] * 5
        )


class SingleStudentTests(UploadTestCase):
    def test_a_save_that_meets_a_save_of_the_same_student_at_that_moment_updates_it(self) -> None:
        pre_registration_save(
            actor=self.actor,
            organisation=self.register.organisation,
            values=good_row(self.register),
        )
        real = services._same_student
        answers = iter([None])  # the other save was not there yet when this one looked

        def looked_too_early(new: PreRegistration) -> PreRegistration | None:
            return next(answers, None) or real(new)

        with mock.patch("stap.enrolments.services._same_student", looked_too_early):
            saved = pre_registration_save(
                actor=self.actor,
                organisation=self.register.organisation,
                values=good_row(self.register, email="anna@nieuw.nl"),
            )

        self.assertFalse(saved.created)
        self.assertEqual(PreRegistration.objects.get().email, "anna@nieuw.nl")

    def test_saving_the_same_values_again_changes_and_audits_nothing(self) -> None:
        organisation = self.register.organisation
        first = pre_registration_save(
            actor=self.actor, organisation=organisation, values=good_row(self.register)
        )
        audited = AuditEntry.objects.count()

        again = pre_registration_save(
            actor=self.actor, organisation=organisation, values=good_row(self.register)
        )

        self.assertFalse(again.created)
        self.assertFalse(again.changed)
        self.assertEqual(again.pre_registration.updated_at, first.pre_registration.updated_at)
        self.assertEqual(AuditEntry.objects.count(), audited)
