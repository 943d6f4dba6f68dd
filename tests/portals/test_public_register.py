"""The public Scholingsregister's pages: search, an offer's page, and what bad input gets.

A filter value that does not parse is answered with status 200, a message at its field and the
search without that filter, like every other search.
"""

import datetime as dt
import re
import uuid
from decimal import Decimal

from django.test import TestCase
from django.urls import reverse

import time_machine

from stap.register.models import Offer, Provider
from stap.register.services import cohort_add, cohort_close, exclusion_add, offer_update
from stap.register.values import Category, NlqfLevel, StapPermission, TeachingForm
from tests import factories
from tests.register.test_search import NOW, listed_offer, registered_provider

SEARCH = reverse("public:register")


def offer_page(offer: Offer) -> str:
    return reverse("public:register_offer", args=[offer.scholings_id])


@time_machine.travel(NOW, tick=False)
class RegisterPagesTestCase(TestCase):
    leerhuis: Provider
    excel: Offer
    bookkeeping: Offer

    @classmethod
    def setUpTestData(cls) -> None:
        with time_machine.travel(NOW, tick=False):
            cls.leerhuis = registered_provider("Leerhuis Noord")
            cls.excel = listed_offer(
                cls.leerhuis,
                "Cursus Excel voor gevorderden",
                description="U werkt met draaitabellen en formules.",
                category=Category.TECHNIEK_EN_ICT,
                level=NlqfLevel.THREE,
                total=Decimal("1250.00"),
                subsidisable=Decimal("1000.00"),
            )
            cls.bookkeeping = listed_offer(
                cls.leerhuis,
                "Boekhouden basis",
                location="",
                start=dt.date(2027, 3, 1),
                teaching_form=TeachingForm.ONLINE,
            )


class SearchPageTests(RegisterPagesTestCase):
    def test_anyone_finds_an_offer_without_signing_in_and_it_links_to_its_page(self) -> None:
        response = self.client.get(SEARCH, {"q": "excel"})

        self.assertContains(response, "1 opleiding gevonden.")
        self.assertContains(
            response,
            f'<a class="utrecht-link" href="{offer_page(self.excel)}">'
            "Cursus Excel voor gevorderden</a>",
            html=True,
        )
        self.assertNotContains(response, "Boekhouden basis")

    def test_a_result_shows_provider_place_and_the_next_start_with_its_price(self) -> None:
        response = self.client.get(SEARCH, {"q": "excel"})

        self.assertContains(response, "Leerhuis Noord")
        self.assertContains(response, "Utrecht")
        self.assertContains(response, "Eerstvolgende start: 11 januari 2027 (klassikaal)")
        self.assertContains(response, "subsidiabel bedrag € 1.000,00")

    def test_before_anything_is_asked_every_offer_that_can_be_chosen_is_listed(self) -> None:
        response = self.client.get(SEARCH)

        self.assertContains(response, "2 opleidingen gevonden.")
        self.assertContains(response, "Boekhouden basis")
        self.assertContains(response, "online")

    def test_the_filters_narrow_the_results(self) -> None:
        response = self.client.get(SEARCH, {"vorm": "ONLINE", "plaats": ""})

        self.assertContains(response, "1 opleiding gevonden.")
        self.assertContains(response, "Boekhouden basis")
        self.assertContains(response, '<option value="ONLINE" selected>online</option>', html=True)

    def test_no_results_says_so_and_how_to_find_more(self) -> None:
        response = self.client.get(SEARCH, {"q": "xylofoonreparatie"})

        self.assertContains(response, "Geen opleidingen gevonden.")
        self.assertContains(response, "Controleer de spelling")
        self.assertContains(response, "Alles wissen en opnieuw zoeken")

    def test_every_input_has_a_label_and_the_ranges_are_grouped(self) -> None:
        content = self.client.get(SEARCH).content.decode()

        ids = re.findall(r'<(?:input|select)[^>]* id="([^"]+)"', content)
        self.assertGreaterEqual(len(ids), 10)
        for input_id in ids:
            with self.subTest(input_id):
                self.assertIn(f'for="{input_id}"', content)
        for legend in ("Subsidiabel bedrag (inclusief btw)", "Startdatum"):
            self.assertIn(
                f'<legend class="utrecht-form-fieldset__legend">{legend}</legend>', content
            )

    def test_the_search_costs_the_same_few_queries_however_many_results(self) -> None:
        with self.assertNumQueries(3):  # count, page, the page's cohorts
            self.client.get(SEARCH)

    def test_the_page_is_also_there_in_english(self) -> None:
        response = self.client.get("/en" + SEARCH, {"q": "excel"})

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'lang="en"')

    def test_the_search_only_answers_get(self) -> None:
        self.assertEqual(self.client.post(SEARCH, {"q": "excel"}).status_code, 405)


class BadFilterTests(RegisterPagesTestCase):
    def test_each_unreadable_value_gets_its_own_message_and_the_other_filters_still_apply(
        self,
    ) -> None:
        response = self.client.get(
            SEARCH,
            {
                "q": "excel",
                "prijs_vanaf": "veel",
                "taal": "KLINGON",
                "start_vanaf": "2027-02-30",
            },
        )

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Niet alles is goed ingevuld.")
        self.assertContains(response, "Vul een bedrag in hele euro&#x27;s of met centen in")
        self.assertContains(response, "Kies een van de mogelijkheden uit de lijst.")
        self.assertContains(response, "Vul een geldige datum in")
        self.assertContains(response, 'aria-invalid="true"', count=3)
        self.assertContains(response, "1 opleiding gevonden.")

    def test_a_range_the_wrong_way_round_is_explained_at_its_second_field(self) -> None:
        response = self.client.get(
            SEARCH,
            {
                "prijs_vanaf": "900",
                "prijs_tot_en_met": "100",
                "start_vanaf": "2027-03-01",
                "start_tot_en_met": "2027-01-01",
            },
        )

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Dit bedrag is lager dan het bedrag ‘vanaf’.")
        self.assertContains(response, "Deze datum ligt vóór de datum ‘vanaf’.")

    def test_amounts_may_be_typed_the_dutch_way(self) -> None:
        response = self.client.get(SEARCH, {"prijs_vanaf": "€ 1.000,00"})

        self.assertNotContains(response, 'aria-invalid="true"')
        self.assertContains(response, "1 opleiding gevonden.")
        self.assertContains(response, "Cursus Excel voor gevorderden")

    def test_an_odd_page_number_gives_the_first_page(self) -> None:
        for page in ("0", "-1", "twee", "99999999999999999999", "٣"):
            with self.subTest(page=page):
                response = self.client.get(SEARCH, {"pagina": page})
                self.assertContains(response, "2 opleidingen gevonden.")


class PagingTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        with time_machine.travel(NOW, tick=False):
            provider = registered_provider()
            for number in range(21):
                listed_offer(provider, f"Cursus {number:02d}")

    @time_machine.travel(NOW, tick=False)
    def test_twenty_results_a_page_and_the_links_keep_the_search(self) -> None:
        first = self.client.get(SEARCH, {"q": "cursus"})
        second = self.client.get(SEARCH, {"q": "cursus", "pagina": "2"})

        self.assertContains(first, "21 opleidingen gevonden.")
        self.assertContains(first, "Cursus 19")
        self.assertNotContains(first, "Cursus 20")
        self.assertContains(first, 'href="?q=cursus&amp;pagina=2"')
        self.assertContains(second, "Cursus 20")
        self.assertContains(second, 'href="?q=cursus&amp;pagina=1"')


class OfferPageTests(RegisterPagesTestCase):
    def test_the_page_shows_the_scholings_id_the_provider_the_training_and_both_prices(
        self,
    ) -> None:
        response = self.client.get(offer_page(self.excel))

        self.assertContains(response, "U kunt deze opleiding nu kiezen voor uw STAP-budget.")
        self.assertContains(response, f"<strong>{self.excel.scholings_id}</strong>", html=True)
        self.assertContains(response, self.leerhuis.code)
        self.assertContains(response, "Leerhuis Noord")
        self.assertContains(response, "U werkt met draaitabellen en formules.")
        self.assertContains(response, "NLQF 3")
        self.assertContains(response, "Techniek en ICT")
        self.assertContains(response, "€ 1.250,00")  # total mandatory costs
        self.assertContains(response, "€ 1.000,00")  # subsidisable amount
        self.assertContains(response, "inclusief btw")

    def test_closed_start_moments_are_listed_apart_with_their_prices(self) -> None:
        closed = cohort_add(
            actor=factories.ACTOR,
            offer=self.excel,
            code="VOL",
            start_date=dt.date(2027, 2, 1),
            end_date=dt.date(2027, 4, 1),
            total_price=Decimal("333.00"),
            subsidisable_amount=Decimal("222.00"),
        )
        cohort_close(actor=factories.ACTOR, cohort=closed)

        response = self.client.get(offer_page(self.excel))

        self.assertContains(response, "Gesloten en begonnen startmomenten")
        self.assertContains(response, "€ 333,00")
        self.assertContains(response, "€ 222,00")

    def test_an_offer_that_cannot_be_chosen_keeps_its_page_and_says_why(self) -> None:
        exclusion_add(
            actor=factories.ACTOR, training=self.excel.training, reason="Onderzoek loopt."
        )
        offer_update(
            actor=factories.ACTOR, offer=self.excel, stap_permission=StapPermission.NOT_GRANTED
        )

        response = self.client.get(offer_page(self.excel))

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "U kunt deze opleiding nu niet kiezen voor STAP")
        self.assertContains(response, "DUO heeft deze opleiding uitgesloten van het STAP-budget.")
        self.assertContains(
            response, "De opleider biedt deze opleiding niet aan voor het STAP-budget."
        )
        self.assertNotContains(response, "Onderzoek loopt.")  # the reason is for the provider
        self.assertContains(response, str(self.excel.scholings_id))

    def test_an_offer_without_an_open_start_moment_says_so(self) -> None:
        cohort_close(actor=factories.ACTOR, cohort=self.bookkeeping.cohorts.get())

        response = self.client.get(offer_page(self.bookkeeping))

        self.assertContains(response, "Er is geen startmoment waarvoor u zich nog kunt aanmelden")
        self.assertContains(response, "Online")

    def test_an_unknown_scholings_id_is_not_found(self) -> None:
        response = self.client.get(reverse("public:register_offer", args=[uuid.uuid4()]))

        self.assertContains(response, "Pagina niet gevonden", status_code=404)
        self.assertEqual(self.client.get(SEARCH + "geen-uuid/").status_code, 404)
