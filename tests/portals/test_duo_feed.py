"""Sending the scholingsaanbod as an XML feed in Mijn DUO and reading the verwerkingsverslag."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from stap.bulk.models import BulkRun
from stap.identity.models import DuoRole
from stap.register.models import Training
from stap.register.services import provider_register
from tests import factories
from tests.register.feed_xml import example
from tests.signin import sign_in_provider


class FeedScreenTests(TestCase):
    def setUp(self) -> None:
        self.organisation = factories.organisation(kvk_number="90000081", name="Leerhuis")
        provider_register(actor=factories.ACTOR, organisation=self.organisation, name="Leerhuis")
        factories.eherkenning_user(
            organisation=self.organisation, pseudonym="ps-feed", roles=(DuoRole.REGISTREREN,)
        )
        sign_in_provider(
            self.client, kvk_number="90000081", pseudonym="ps-feed", service="mijn_duo"
        )

    def upload(self, data: bytes, name: str = "aanbod.xml") -> BulkRun:
        response = self.client.post(
            reverse("duo:register_feed"),
            {"feed": SimpleUploadedFile(name, data, content_type="application/xml")},
        )
        run = BulkRun.objects.get()
        self.assertRedirects(response, reverse("duo:register_feed_run", args=[run.pk]))
        return run

    def test_a_feed_with_bad_records_lands_the_good_ones_and_reports_each_item(self) -> None:
        run = self.upload(example("met-fouten"))

        page = self.client.get(reverse("duo:register_feed_run", args=[run.pk]))

        self.assertContains(page, "FOUT")
        self.assertContains(page, "INFO")
        self.assertContains(page, "OPL-FOUT-NAAM")
        self.assertTrue(Training.objects.filter(own_key="OPL-GOED-03").exists())
        self.assertFalse(Training.objects.filter(own_key="OPL-FOUT-NAAM").exists())
        only_errors = self.client.get(
            reverse("duo:register_feed_run", args=[run.pk]), {"alleen": "fouten"}
        )
        self.assertNotContains(only_errors, ">INFO<")

    def test_the_report_downloads_as_csv(self) -> None:
        run = self.upload(example("met-fouten"))

        response = self.client.get(reverse("duo:register_feed_report", args=[run.pk]))

        body = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
        self.assertIn("OPL-FOUT-NAAM", body)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")

    def test_a_file_that_is_not_xml_gets_a_clear_refusal(self) -> None:
        run = self.upload(b"studentnummer;voornaam\n1;Anna\n", name="aanbod.csv")

        page = self.client.get(reverse("duo:register_feed_run", args=[run.pk]))

        self.assertContains(page, "niet verwerkt")
        self.assertFalse(Training.objects.exists())

    def test_an_empty_file_is_refused_on_the_field(self) -> None:
        response = self.client.post(
            reverse("duo:register_feed"),
            {"feed": SimpleUploadedFile("leeg.xml", b"", content_type="application/xml")},
        )

        self.assertEqual(response.status_code, 400)
        self.assertFalse(BulkRun.objects.exists())

    def test_another_organisations_run_answers_404(self) -> None:
        other = factories.organisation(kvk_number="90000082")
        foreign = BulkRun.objects.create(
            kind="scholingsaanbod",
            organisation=other,
            created_by="x",
            created_by_kind="person",
            filename="x.xml",
            sha256="0" * 64,
            size=1,
            data=b"x",
            status="done",
            created_at=other.created_at,
        )

        response = self.client.get(reverse("duo:register_feed_run", args=[foreign.pk]))

        self.assertEqual(response.status_code, 404)
