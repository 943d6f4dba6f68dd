"""Sending the scholingsaanbod as an XML feed in Mijn DUO and reading the verwerkingsverslag."""

from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.test import Client, TestCase
from django.urls import reverse

from stap.bulk import services
from stap.bulk.models import BulkRun
from stap.bulk.processing import bulk_run_process
from stap.identity.models import DuoRole
from stap.portals.duo import feed_views
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

    def test_a_file_above_the_limit_is_refused_by_its_size_before_it_is_read(self) -> None:
        data = b" " * (20 * 2**20 + 1)
        with (
            mock.patch.object(
                feed_views, "bulk_run_submit", side_effect=AssertionError("submitted")
            ),
            mock.patch.object(
                TemporaryUploadedFile, "read", side_effect=AssertionError("read into memory")
            ),
        ):
            response = self.client.post(
                reverse("duo:register_feed"),
                {"feed": SimpleUploadedFile("groot.xml", data, content_type="application/xml")},
            )

        # The same words as the service's refusal (bulk_file_too_large).
        self.assertContains(
            response, "Het bestand is 20.0 MB; het mag ten hoogste 20 MB zijn.", status_code=400
        )
        self.assertFalse(BulkRun.objects.exists())

    def test_a_read_only_sign_in_is_told_that_nothing_was_received(self) -> None:
        sign_in_provider(
            self.client,
            kvk_number="90000081",
            pseudonym="ps-feed",
            service="mijn_duo",
            vestigingsnummer="000012345678",
        )

        response = self.client.post(
            reverse("duo:register_feed"),
            {"feed": SimpleUploadedFile("aanbod.xml", example("goed"))},
        )

        self.assertContains(response, "er is niets ontvangen")
        self.assertFalse(BulkRun.objects.exists())
        self.assertFalse(Training.objects.exists())

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


class FeedRunStatusTests(TestCase):
    """The JSON the run page polls while the run is busy."""

    def setUp(self) -> None:
        self.organisation = factories.organisation(kvk_number="90000083", name="Leerhuis")
        provider_register(actor=factories.ACTOR, organisation=self.organisation, name="Leerhuis")
        factories.eherkenning_user(
            organisation=self.organisation, pseudonym="ps-voortgang", roles=(DuoRole.REGISTREREN,)
        )
        sign_in_provider(
            self.client, kvk_number="90000083", pseudonym="ps-voortgang", service="mijn_duo"
        )
        with mock.patch.object(services, "INLINE_MAX_ITEMS", 0):  # left for the worker
            self.client.post(
                reverse("duo:register_feed"),
                {"feed": SimpleUploadedFile("aanbod.xml", example("met-fouten"))},
            )
        self.bulk_run = BulkRun.objects.get()
        self.url = reverse("duo:register_feed_run_status", args=[self.bulk_run.pk])

    def test_a_queued_run_answers_its_progress_as_json_that_is_not_stored(self) -> None:
        response = self.client.get(self.url)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertEqual(response["Cache-Control"], "no-store")
        self.assertEqual(
            response.json(),
            {
                "status": "queued",
                "status_display": "in de wachtrij",
                "processed": 0,
                "total": 10,
                "done": False,
            },
        )

    def test_a_processed_run_answers_done(self) -> None:
        bulk_run_process(run_id=self.bulk_run.pk)

        answer = self.client.get(self.url).json()

        self.assertEqual(
            (answer["status"], answer["processed"], answer["total"], answer["done"]),
            ("done", 10, 10, True),
        )

    def test_the_busy_page_loads_the_script_with_the_status_url_and_keeps_its_link(self) -> None:
        page = self.client.get(reverse("duo:register_feed_run", args=[self.bulk_run.pk]))

        self.assertContains(page, f'data-status-url="{self.url}"')
        self.assertContains(page, "stap/bulk-progress.js")
        self.assertContains(page, "Pagina vernieuwen")
        self.assertContains(page, 'role="status">0 van 10 verwerkt<')
        self.assertContains(page, 'data-progress-text="{processed} van {total} verwerkt"')

    def test_the_finished_page_does_not_load_the_script(self) -> None:
        bulk_run_process(run_id=self.bulk_run.pk)

        page = self.client.get(reverse("duo:register_feed_run", args=[self.bulk_run.pk]))

        self.assertNotContains(page, "bulk-progress.js")
        self.assertNotContains(page, "<progress")
        self.assertContains(page, "10 van 10 onderdelen")

    def test_another_organisations_run_answers_404(self) -> None:
        other = factories.organisation(kvk_number="90000084")
        foreign = BulkRun.objects.create(
            kind="scholingsaanbod",
            organisation=other,
            created_by="x",
            created_by_kind="person",
            filename="x.xml",
            sha256="0" * 64,
            size=1,
            data=b"x",
            status="running",
            total=5,
            created_at=other.created_at,
        )

        response = self.client.get(reverse("duo:register_feed_run_status", args=[foreign.pk]))

        self.assertEqual(response.status_code, 404)

    def test_without_signing_in_the_answer_is_the_same_refusal_as_the_page(self) -> None:
        anonymous = Client()

        page = anonymous.get(reverse("duo:register_feed_run", args=[self.bulk_run.pk]))
        status = anonymous.get(self.url)

        self.assertRedirects(page, reverse("duo:start"), fetch_redirect_response=False)
        self.assertRedirects(status, reverse("duo:start"), fetch_redirect_response=False)

    def test_only_get_is_allowed(self) -> None:
        self.assertEqual(self.client.post(self.url).status_code, 405)
