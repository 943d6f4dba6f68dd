"""Registering the scholingsaanbod in Mijn DUO zakelijk: provider, training, offer, start moment."""

import datetime as dt

from django.test import TestCase
from django.urls import reverse

import time_machine

from stap.identity.models import DuoRole
from stap.register.models import Cohort, Offer, Provider, Training
from stap.register.services import offer_register
from tests import factories
from tests.signin import sign_in_provider

NOON = dt.datetime(2026, 11, 2, 11, 0, tzinfo=dt.UTC)

TRAINING = {
    "name": "Boekhouden voor zzp'ers",
    "short_name": "Boekhouden zzp",
    "description": "Van factuur tot aangifte.",
    "study_load": "40",
    "study_load_unit": "UUR",
    "nlqf_level": "4",
    "eqf_level": "4",
    "value_document": "CERTIFICAAT",
    "category": "ECONOMIE",
    "own_key": "BH-01",
}
COHORT = {
    "action": "dates",
    "code": "2027-01",
    "enrolment_start": "2026-11-01",
    "enrolment_end": "",
    "start_date": "2027-01-11",
    "intake_end": "",
    "end_date": "2027-03-29",
    "total_price": "950,00",
    "subsidisable_amount": "900,00",
    "teaching_form": "KLASSIKAAL",
    "places_per_year": "60",
}


@time_machine.travel(NOON, tick=False)
class RegisterScreenTests(TestCase):
    def setUp(self) -> None:
        self.organisation = factories.organisation(kvk_number="90000071", name="Leerhuis")
        factories.eherkenning_user(
            organisation=self.organisation, pseudonym="ps-reg", roles=(DuoRole.REGISTREREN,)
        )
        sign_in_provider(self.client, kvk_number="90000071", pseudonym="ps-reg", service="mijn_duo")

    def register_provider(self) -> Provider:
        response = self.client.post(
            reverse("duo:register_provider"),
            {
                "name": "Leerhuis Noord",
                "phone": "050 123 4567",
                "email": "stap@leerhuis.example",
                "website": "https://leerhuis.example",
                "bezoek-street": "Grote Markt",
                "bezoek-house_number": "1",
                "bezoek-postcode": "9711lv",
                "bezoek-city": "Groningen",
            },
        )
        self.assertRedirects(response, reverse("duo:register"))
        return Provider.objects.get(organisation=self.organisation)

    def test_the_registrar_registers_provider_training_offer_and_start_moment(self) -> None:
        provider = self.register_provider()
        self.assertRegex(provider.code, r"^[0-9]{3}[A-Z][0-9]{3}$")
        assert provider.visiting_address is not None
        self.assertEqual(provider.visiting_address.postcode, "9711 LV")

        response = self.client.post(reverse("duo:register_training_new"), TRAINING)
        training = Training.objects.get(provider=provider)
        self.assertRedirects(response, reverse("duo:register_training", args=[training.code]))
        self.assertEqual(training.study_load, 40)

        response = self.client.post(
            reverse("duo:register_offer_new", args=[training.code]),
            {"language": "NLD", "stap_permission": "TOESTEMMING_VERLEEND", "own_key": "BH-01-GR"},
        )
        offer = Offer.objects.get(training=training)
        self.assertRedirects(response, reverse("duo:register_offer", args=[offer.scholings_id]))
        self.assertIsNone(offer.address)

        response = self.client.post(
            reverse("duo:register_cohort_new", args=[offer.scholings_id]), COHORT
        )
        self.assertRedirects(response, reverse("duo:register_offer", args=[offer.scholings_id]))
        cohort = Cohort.objects.get(offer=offer)
        self.assertEqual(str(cohort.subsidisable_amount), "900.00")
        page = self.client.get(reverse("duo:register_offer", args=[offer.scholings_id]))
        self.assertContains(page, str(offer.scholings_id))
        self.assertContains(page, "€ 900,00")

    def test_rio_rules_show_on_their_fields_and_keep_what_was_typed(self) -> None:
        self.register_provider()

        response = self.client.post(
            reverse("duo:register_training_new"),
            {**TRAINING, "short_name": "x" * 41, "study_load_unit": ""},
        )

        self.assertContains(response, "De korte naam is te lang", status_code=400)
        self.assertContains(response, "Vul de studielast en de eenheid samen in", status_code=400)
        self.assertContains(response, "Van factuur tot aangifte.", status_code=400)
        self.assertFalse(Training.objects.exists())

    def test_a_subsidisable_amount_above_the_total_is_refused_on_its_field(self) -> None:
        self.register_provider()
        self.client.post(reverse("duo:register_training_new"), TRAINING)
        offer = offer_register(actor=factories.ACTOR, training=Training.objects.get())

        response = self.client.post(
            reverse("duo:register_cohort_new", args=[offer.scholings_id]),
            {**COHORT, "subsidisable_amount": "1.200,00"},
        )

        self.assertContains(response, "hoger dan de totale verplichte kosten", status_code=400)
        self.assertFalse(Cohort.objects.exists())

    def test_a_price_change_is_kept_in_the_history(self) -> None:
        self.register_provider()
        self.client.post(reverse("duo:register_training_new"), TRAINING)
        offer = offer_register(actor=factories.ACTOR, training=Training.objects.get())
        self.client.post(reverse("duo:register_cohort_new", args=[offer.scholings_id]), COHORT)
        cohort = Cohort.objects.get()

        self.client.post(
            reverse("duo:register_cohort", args=[cohort.pk]),
            {"action": "prices", "total_price": "990,00", "subsidisable_amount": "950,00"},
        )

        page = self.client.get(reverse("duo:register_cohort", args=[cohort.pk]))
        self.assertContains(page, "€ 990,00")
        self.assertContains(page, "€ 950,00")
        self.assertEqual(cohort.prices.count(), 2)

    def test_a_full_cohort_is_closed(self) -> None:
        self.register_provider()
        self.client.post(reverse("duo:register_training_new"), TRAINING)
        offer = offer_register(actor=factories.ACTOR, training=Training.objects.get())
        self.client.post(reverse("duo:register_cohort_new", args=[offer.scholings_id]), COHORT)
        cohort = Cohort.objects.get()

        self.client.post(
            reverse("duo:register_cohort_status", args=[cohort.pk]), {"status": "closed"}
        )

        cohort.refresh_from_db()
        self.assertEqual(cohort.status, "G")

    def test_another_organisations_training_answers_404(self) -> None:
        other = factories.training(organisation=factories.organisation(kvk_number="90000072"))

        response = self.client.get(reverse("duo:register_training", args=[other.code]))

        self.assertEqual(response.status_code, 404)


class RegisterRoleTests(TestCase):
    def test_without_a_register_role_the_page_says_what_to_request(self) -> None:
        organisation = factories.organisation(kvk_number="90000073")
        factories.eherkenning_user(organisation=organisation, pseudonym="ps-geen")
        sign_in_provider(
            self.client, kvk_number="90000073", pseudonym="ps-geen", service="mijn_duo"
        )

        response = self.client.get(reverse("duo:register"))

        self.assertContains(response, "Registreren scholingsaanbod", status_code=403)
        self.assertContains(response, reverse("duo:access_request"), status_code=403)
