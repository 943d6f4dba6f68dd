import csv
import io
from unittest.mock import patch

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stap.core.models import AuditEntry
from tests import factories
from tests.signin import sign_in_provider


class ProviderPortalTestCase(TestCase):
    def setUp(self) -> None:
        self.organisation = factories.organisation(kvk_number="90000001", name="Leerhuis Noord")
        self.training = factories.training(organisation=self.organisation, name="Boekhouden")
        self.cohort = factories.cohort(training=self.training)
        self.other = factories.organisation(kvk_number="90000002", name="Vakwerk")
        self.other_cohort = factories.cohort(training=factories.training(organisation=self.other))


class SignedOutTests(ProviderPortalTestCase):
    def test_every_portal_page_sends_a_signed_out_visitor_to_the_start_page(self) -> None:
        application = factories.application(cohort=self.cohort)
        for url in (
            reverse("provider:overview"),
            reverse("provider:export"),
            reverse("provider:detail", args=[application.aanvraagnummer]),
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertRedirects(response, reverse("provider:start"))

    def test_the_start_page_offers_sign_in_with_eherkenning_as_a_form_button(self) -> None:
        response = self.client.get(reverse("provider:start"))

        self.assertContains(response, "Inloggen met eHerkenning")
        self.assertContains(response, 'method="post"')


class OverviewTests(ProviderPortalTestCase):
    def test_it_shows_the_granted_applications_of_the_signed_in_organisation_only(self) -> None:
        factories.application(cohort=self.cohort, first_name="Anna", last_name="Jansen")
        factories.application(cohort=self.other_cohort, first_name="Bram", last_name="Vreemd")
        sign_in_provider(self.client, kvk_number="90000001")

        response = self.client.get(reverse("provider:overview"))

        self.assertContains(response, "Anna Jansen")
        self.assertContains(response, "Boekhouden")
        self.assertContains(response, "€ 750,00")
        self.assertNotContains(response, "Vreemd")

    def test_names_are_shown_as_text_never_as_markup(self) -> None:
        factories.application(cohort=self.cohort, first_name="<script>alert(1)</script>")
        sign_in_provider(self.client, kvk_number="90000001")

        response = self.client.get(reverse("provider:overview"))

        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
        self.assertNotContains(response, "<script>alert(1)")

    def test_an_organisation_without_applications_sees_what_will_appear_here(self) -> None:
        sign_in_provider(self.client, kvk_number="90000001")

        response = self.client.get(reverse("provider:overview"))

        self.assertContains(response, "Nog geen toegekende aanvragen")

    def test_a_search_without_results_says_how_to_find_more(self) -> None:
        factories.application(cohort=self.cohort, last_name="Jansen")
        sign_in_provider(self.client, kvk_number="90000001")

        response = self.client.get(reverse("provider:overview"), {"q": "Pietersen"})

        self.assertContains(response, "Geen aanvragen gevonden")
        self.assertContains(response, "0 aanvragen gevonden")

    def test_a_wrong_date_range_is_explained_next_to_the_field(self) -> None:
        factories.application(cohort=self.cohort)
        sign_in_provider(self.client, kvk_number="90000001")

        response = self.client.get(
            reverse("provider:overview"),
            {"start_vanaf": "2026-05-01", "start_tot_en_met": "2026-04-01"},
        )

        self.assertContains(response, "ligt vóór de datum")

    def test_pages_hold_twenty_five_rows_and_link_to_the_next_and_back(self) -> None:
        for _ in range(26):
            factories.application(cohort=self.cohort)
        sign_in_provider(self.client, kvk_number="90000001")

        first = self.client.get(reverse("provider:overview"))
        second = self.client.get(
            reverse("provider:overview"), {"na": first.context["page"].next_cursor}
        )
        back = self.client.get(
            reverse("provider:overview"), {"voor": second.context["page"].previous_cursor}
        )

        self.assertEqual(len(first.context["page"].rows), 25)
        self.assertContains(first, "Volgende pagina")
        self.assertContains(first, "26 aanvragen gevonden")
        self.assertEqual(len(second.context["page"].rows), 1)
        self.assertContains(second, "Vorige pagina")
        self.assertEqual(back.context["page"].rows, first.context["page"].rows)

    def test_a_tampered_page_cursor_shows_the_first_page(self) -> None:
        factories.application(cohort=self.cohort, last_name="Jansen")
        sign_in_provider(self.client, kvk_number="90000001")

        response = self.client.get(reverse("provider:overview"), {"na": "bm9wZQ', DROP"})

        self.assertContains(response, "Jansen")

    def test_the_number_of_queries_does_not_grow_with_the_rows_on_the_page(self) -> None:
        factories.application(cohort=self.cohort)
        sign_in_provider(self.client, kvk_number="90000001")
        with CaptureQueriesContext(connection) as one_row:
            self.client.get(reverse("provider:overview"))
        for _ in range(30):
            factories.application(cohort=factories.cohort(training=self.training))

        with CaptureQueriesContext(connection) as full_page:
            self.client.get(reverse("provider:overview"))

        self.assertEqual(len(full_page), len(one_row))

    def test_a_branch_restricted_sign_in_is_shown_as_read_only(self) -> None:
        sign_in_provider(self.client, kvk_number="90000001", vestigingsnummer="000012345678")

        response = self.client.get(reverse("provider:overview"))

        self.assertContains(response, "alleen voor vestiging 000012345678")

    def test_an_unknown_kvk_number_learns_how_to_become_a_stap_provider(self) -> None:
        sign_in_provider(self.client, kvk_number="90000009")

        response = self.client.get(reverse("provider:overview"))

        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "nog geen STAP-opleider", status_code=403)
        self.assertContains(response, "Mijn DUO", status_code=403)


class DetailTests(ProviderPortalTestCase):
    def test_it_shows_one_application_of_the_organisation(self) -> None:
        application = factories.application(cohort=self.cohort, last_name="Jansen")
        sign_in_provider(self.client, kvk_number="90000001")

        response = self.client.get(reverse("provider:detail", args=[application.aanvraagnummer]))

        self.assertContains(response, str(application.aanvraagnummer))
        self.assertContains(response, str(self.cohort.offer.scholings_id))


class ForeignIdTests(ProviderPortalTestCase):
    """Provider A asks for every URL that takes an id with provider B's ids: always 404."""

    def test_every_url_with_an_id_answers_404_for_another_providers_record(self) -> None:
        foreign = factories.application(cohort=self.other_cohort)
        sign_in_provider(self.client, kvk_number="90000001")

        for url in (
            reverse("provider:detail", args=[foreign.aanvraagnummer]),
            reverse("provider:detail", args=["STAP-2026-9999999"]),
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 404)
                self.assertContains(response, "Pagina niet gevonden", status_code=404)

    def test_filtering_on_another_providers_training_is_refused_not_obeyed(self) -> None:
        foreign = factories.application(cohort=self.other_cohort, last_name="Vreemd")
        sign_in_provider(self.client, kvk_number="90000001")

        response = self.client.get(reverse("provider:export"), {"opleiding": foreign.training_id})

        self.assertNotIn("Vreemd", b"".join(response.streaming_content).decode())  # type: ignore[attr-defined]


class ExportTests(ProviderPortalTestCase):
    def _export(self, **params: str) -> list[list[str]]:
        response = self.client.get(reverse("provider:export"), params)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("attachment;", response["Content-Disposition"])
        text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))

    def test_it_exports_the_current_selection_with_formulas_neutralised(self) -> None:
        factories.application(cohort=self.cohort, first_name="=HYPERLINK(1)", last_name="Jansen")
        factories.application(cohort=self.cohort, last_name="Bakker", decision="settle")
        sign_in_provider(self.client, kvk_number="90000001")

        rows = self._export(status="voorlopig_toegekend")

        self.assertEqual(rows[0][:3], ["aanvraagnummer", "studentnummer", "voornaam"])
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[1][2], "'=HYPERLINK(1)")
        self.assertEqual(rows[1][4], "Jansen")

    def test_the_export_itself_is_audited(self) -> None:
        sign_in_provider(self.client, kvk_number="90000001", pseudonym="medewerker-7")

        self._export(q="Jansen")

        entry = AuditEntry.objects.get(action="budget.granted_applications_exported")
        self.assertEqual(entry.actor_id, "medewerker-7")
        self.assertEqual(entry.organisation_kvk, "90000001")
        self.assertEqual(entry.after["query_given"], True)  # type: ignore[index]


class SignOutTests(ProviderPortalTestCase):
    def test_signing_out_ends_the_session(self) -> None:
        sign_in_provider(self.client, kvk_number="90000001")

        response = self.client.post(reverse("provider:sign_out"))

        self.assertContains(response, "U bent uitgelogd")
        self.assertRedirects(
            self.client.get(reverse("provider:overview")), reverse("provider:start")
        )

    def test_signing_out_needs_a_post_so_a_link_cannot_do_it(self) -> None:
        self.assertEqual(self.client.get(reverse("provider:sign_out")).status_code, 405)


class CountCapTests(ProviderPortalTestCase):
    def test_past_the_cap_the_overview_says_more_than_instead_of_counting_everything(self) -> None:
        for _ in range(4):
            factories.application(cohort=self.cohort)
        sign_in_provider(self.client, kvk_number="90000001")

        with patch("stap.budget.selectors.COUNT_CAP", 3):
            response = self.client.get(reverse("provider:overview"))

        self.assertContains(response, "Meer dan 3 aanvragen gevonden")


class ExtendSessionTests(ProviderPortalTestCase):
    def test_the_expiry_warning_can_extend_the_session_without_a_page_load(self) -> None:
        sign_in_provider(self.client, kvk_number="90000001")

        response = self.client.post(
            reverse("provider:extend_session"), headers={"Accept": "application/json"}
        )

        self.assertEqual(response.json(), {"extended": True})

    def test_without_javascript_extending_returns_to_the_page_but_never_off_site(self) -> None:
        sign_in_provider(self.client, kvk_number="90000001")
        overview = reverse("provider:overview")

        back = self.client.post(reverse("provider:extend_session"), {"next": overview + "?q=x"})
        elsewhere = self.client.post(
            reverse("provider:extend_session"), {"next": "https://evil.example/"}
        )

        self.assertRedirects(back, overview + "?q=x")
        self.assertRedirects(elsewhere, overview)
