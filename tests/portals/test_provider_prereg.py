"""Vooraanmeldingen in the Opleidersportaal: one student by form, many by file — checked, shown,
committed on request, rejected rows fixed in place; always within the signed-in organisation."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from stap.enrolments.models import PreRegistration, PreRegistrationUpload, UploadStatus
from stap.enrolments.services import upload_commit
from tests.enrolments.register_fixture import (
    MOMENT,
    RegisterTestCase,
    good_row,
)
from tests.enrolments.test_checking import csv_bytes
from tests.signin import sign_in_provider

NO_BUDGET = "reserveert <strong>geen budget</strong>"


class PreRegistrationScreenTestCase(RegisterTestCase):
    def setUp(self) -> None:
        sign_in_provider(self.client, kvk_number=self.register.organisation.kvk_number)

    def send(self, data: bytes, name: str = "studenten.csv") -> PreRegistrationUpload:
        response = self.client.post(
            reverse("provider:upload_new"), {"bestand": SimpleUploadedFile(name, data)}
        )
        upload = PreRegistrationUpload.objects.get()
        self.assertRedirects(response, reverse("provider:upload", kwargs={"upload_id": upload.pk}))
        return upload


class SingleStudentTests(PreRegistrationScreenTestCase):
    def form_data(self, **changes: str) -> dict[str, str]:
        row = good_row(self.register, **changes)
        del row["scholings_id"], row["cohortcode"]
        row["startmoment"] = str(self.register.cohort.pk)
        return row

    def test_the_page_says_a_vooraanmelding_reserves_no_budget(self) -> None:
        response = self.client.get(reverse("provider:pre_registration_new"))

        self.assertContains(response, NO_BUDGET, html=False)
        self.assertContains(response, self.register.cohort.code)
        self.assertNotContains(response, "W-1")  # another provider's start moment

    def test_a_good_student_is_saved_and_saving_again_updates(self) -> None:
        first = self.client.post(reverse("provider:pre_registration_new"), self.form_data())
        again = self.client.post(
            reverse("provider:pre_registration_new"), self.form_data(email="anna@nieuw.nl")
        )

        same = self.client.post(
            reverse("provider:pre_registration_new"),
            self.form_data(email="anna@nieuw.nl"),
            follow=True,
        )

        self.assertRedirects(first, reverse("provider:pre_registrations"))
        self.assertRedirects(again, reverse("provider:pre_registrations"))
        self.assertContains(same, "stond al zo opgeslagen; er is niets veranderd.")
        self.assertEqual(PreRegistration.objects.get().email, "anna@nieuw.nl")
        listed = self.client.get(reverse("provider:pre_registrations"))
        self.assertContains(listed, "S2026001")

    def test_a_broken_rule_comes_back_on_its_field_and_nothing_is_saved(self) -> None:
        response = self.client.post(
            reverse("provider:pre_registration_new"), self.form_data(postcode="0000 XX")
        )

        self.assertContains(
            response, "De postcode ‘0000 XX’ is geen Nederlandse postcode.", status_code=400
        )
        self.assertContains(response, 'aria-invalid="true"', status_code=400)
        self.assertContains(response, 'value="Vries"', status_code=400)
        self.assertFalse(PreRegistration.objects.exists())

    def test_someone_limited_to_one_vestiging_may_look_but_not_save(self) -> None:
        self.client.logout()
        sign_in_provider(
            self.client,
            kvk_number=self.register.organisation.kvk_number,
            vestigingsnummer="000012345678",
        )

        page = self.client.get(reverse("provider:pre_registrations"))
        response = self.client.post(reverse("provider:pre_registration_new"), self.form_data())

        self.assertNotContains(page, reverse("provider:pre_registration_new"))
        self.assertEqual(response.status_code, 403)
        self.assertFalse(PreRegistration.objects.exists())


class UploadTests(PreRegistrationScreenTestCase):
    def mixed(self) -> bytes:
        return csv_bytes(
            [
                good_row(self.register),
                good_row(self.register, studentnummer="S2", postcode="0000 XX"),
                good_row(self.register, studentnummer="S3", subsidiebedrag="850"),
            ]
        )

    def test_a_small_file_is_checked_at_once_and_the_rejected_rows_say_why(self) -> None:
        upload = self.send(self.mixed())

        page = self.client.get(reverse("provider:upload", kwargs={"upload_id": upload.pk}))

        self.assertEqual(
            upload.status if False else PreRegistrationUpload.objects.get().status,
            UploadStatus.CHECKED,
        )
        self.assertContains(
            page, '<dd class="utrecht-data-list__item-value" id="aantal-gelezen">3</dd>', html=True
        )
        self.assertContains(
            page,
            '<dd class="utrecht-data-list__item-value" id="aantal-afgekeurd">1</dd>',
            html=True,
        )
        self.assertContains(page, "De postcode ‘0000 XX’ is geen Nederlandse postcode.")
        self.assertContains(page, "VA-013")
        self.assertContains(page, "Regel 3 herstellen")
        self.assertContains(page, "Goedgekeurde regels verwerken")

    def test_committing_puts_the_good_rows_in(self) -> None:
        upload = self.send(self.mixed())

        response = self.client.post(
            reverse("provider:upload_commit", kwargs={"upload_id": upload.pk})
        )
        upload_commit(upload_id=upload.pk)

        self.assertRedirects(response, reverse("provider:upload", kwargs={"upload_id": upload.pk}))
        self.assertEqual(
            sorted(PreRegistration.objects.values_list("studentnummer", flat=True)),
            ["S2026001", "S3"],
        )
        page = self.client.get(reverse("provider:upload", kwargs={"upload_id": upload.pk}))
        self.assertContains(page, "verwerkt")
        self.assertNotContains(page, "Goedgekeurde regels verwerken</button>")

    def test_a_rejected_row_is_fixed_in_the_portal(self) -> None:
        upload = self.send(self.mixed())
        url = reverse("provider:row_fix", kwargs={"upload_id": upload.pk, "number": 3})

        form = self.client.get(url)
        fixed = self.client.post(url, good_row(self.register, studentnummer="S2"))

        self.assertContains(form, "De postcode ‘0000 XX’ is geen Nederlandse postcode.")
        self.assertContains(form, 'value="0000 XX"')
        self.assertRedirects(fixed, reverse("provider:upload", kwargs={"upload_id": upload.pk}))
        upload.refresh_from_db()
        self.assertEqual(upload.rows_rejected, 0)

    def test_the_report_downloads_as_csv_with_every_finding(self) -> None:
        upload = self.send(
            csv_bytes(
                [
                    good_row(
                        self.register,
                        studentnummer="S2",
                        voornaam="=HYPERLINK(1)",
                        postcode="0000 XX",
                    )
                ]
            )
        )

        response = self.client.get(
            reverse("provider:upload_report", kwargs={"upload_id": upload.pk})
        )
        text = response.getvalue().decode("utf-8-sig")

        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("regel;studentnummer;controle;verwerking;veld;regel_id", text)
        self.assertIn("2;S2;afgekeurd;nog niet verwerkt;postcode;VA-013;fout;", text)

    def test_a_formula_in_the_file_comes_back_harmless_in_the_report(self) -> None:
        upload = self.send(csv_bytes([good_row(self.register, studentnummer="=1+2")]))

        response = self.client.get(
            reverse("provider:upload_report", kwargs={"upload_id": upload.pk})
        )
        text = response.getvalue().decode("utf-8-sig")

        self.assertIn("2;'=1+2;afgekeurd", text)
        self.assertNotIn(";=1+2", text)

    def test_the_original_file_downloads_as_sent(self) -> None:
        data = self.mixed()
        upload = self.send(data)

        response = self.client.get(reverse("provider:upload_file", kwargs={"upload_id": upload.pk}))

        self.assertEqual(response.getvalue(), data)

    def test_a_file_that_is_refused_says_why_and_keeps_no_rows(self) -> None:
        upload = self.send(b"studentnummer;voornaam\r\nS1;Anna\r\n")

        page = self.client.get(reverse("provider:upload", kwargs={"upload_id": upload.pk}))

        self.assertContains(page, "De verplichte kolom")
        self.assertContains(page, "VA-106")
        self.assertEqual(upload.rows.count(), 0)

    def test_an_empty_file_is_refused_on_the_form(self) -> None:
        response = self.client.post(
            reverse("provider:upload_new"), {"bestand": SimpleUploadedFile("leeg.csv", b"")}
        )

        self.assertContains(response, "Het bestand is leeg.", status_code=400)
        self.assertFalse(PreRegistrationUpload.objects.exists())

    def test_another_organisations_upload_answers_404(self) -> None:
        upload = self.send(self.mixed())
        self.client.logout()
        sign_in_provider(self.client, kvk_number="90000502", pseudonym="ander")

        for name in ("upload", "upload_report", "upload_file", "upload_status"):
            with self.subTest(name):
                response = self.client.get(
                    reverse(f"provider:{name}", kwargs={"upload_id": upload.pk})
                )
                self.assertEqual(response.status_code, 404)
        fix = reverse("provider:row_fix", kwargs={"upload_id": upload.pk, "number": 3})
        self.assertEqual(self.client.get(fix).status_code, 404)

    def test_the_status_answers_as_json_for_the_progress_bar(self) -> None:
        upload = self.send(self.mixed())

        response = self.client.get(
            reverse("provider:upload_status", kwargs={"upload_id": upload.pk})
        )

        self.assertEqual(response["Cache-Control"], "no-store")
        self.assertEqual(
            response.json(),
            {
                "status": "checked",
                "status_display": "gecontroleerd",
                "processed": 100,
                "total": 100,
                "done": True,
            },
        )

    def test_the_history_lists_every_upload(self) -> None:
        self.send(self.mixed(), name="eerste.csv")

        page = self.client.get(reverse("provider:uploads"))

        self.assertContains(page, "eerste.csv")
        self.assertContains(page, "pseudo-1")


class StaleUploadTests(PreRegistrationScreenTestCase):
    def test_a_busy_upload_whose_worker_stopped_is_queued_again_when_its_page_asks(self) -> None:
        upload = self.send(csv_bytes([good_row(self.register)]))
        PreRegistrationUpload.objects.filter(pk=upload.pk).update(
            status=UploadStatus.CHECKING, lease_expires_at=MOMENT - dt.timedelta(minutes=1)
        )

        response = self.client.get(
            reverse("provider:upload_status", kwargs={"upload_id": upload.pk})
        )

        self.assertEqual(response.json()["status"], UploadStatus.RECEIVED)
        self.assertFalse(response.json()["done"])
