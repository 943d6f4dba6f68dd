"""The Scholingsregister screens of the backoffice: DUO staff record and end recognitions, and
exclude a provider or a training and lift the exclusion again."""

import datetime as dt

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http.response import HttpResponseBase
from django.test import TestCase
from django.urls import reverse

import time_machine

from stap.core.models import AuditEntry
from stap.identity.models import StaffRole
from stap.register.models import Exclusion, Offer, Recognition
from stap.register.services import (
    RegisterRuleBroken,
    exclusion_lift,
    recogniser_appoint,
    recognition_record,
)
from stap.register.values import RecognitionKind
from tests import factories
from tests.portals.test_backoffice_duo import sign_in_staff, staff

MOMENT = dt.datetime(2026, 11, 2, 11, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 2)
ELIGIBLE = "Kan worden gekozen voor het STAP-budget."


@time_machine.travel(MOMENT, tick=False)
class RegisterScreenTestCase(TestCase):
    def setUp(self) -> None:
        cache.clear()
        self.organisation = factories.organisation(kvk_number="90000081", name="Leerhuis Oost")
        self.training = factories.training(organisation=self.organisation, name="Cursus Excel")
        self.provider = self.training.provider
        factories.cohort(training=self.training, start_date=dt.date(2027, 1, 11))
        self.offer = Offer.objects.get(training=self.training)
        self.recognition = recognition_record(
            actor=factories.ACTOR,
            provider=self.provider,
            kind=RecognitionKind.NRTO,
            valid_from=dt.date(2026, 1, 1),
        )
        self.url = reverse("backoffice:provider", kwargs={"code": self.provider.code})

    def sign_in(self, username: str = "duo.register") -> None:
        sign_in_staff(self.client, staff(username))


class AccessTests(RegisterScreenTestCase):
    def test_uwv_staff_get_403_and_see_no_link(self) -> None:
        sign_in_staff(self.client, staff("uwv.jan", StaffRole.UWV))

        self.assertEqual(self.client.get(reverse("backoffice:providers")).status_code, 403)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        response = self.client.post(
            self.url,
            {"action": "aanbieder-uitsluiten", "aanbieder-uitsluiten-reason": "Fraude"},
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Exclusion.objects.exists())
        self.assertNotContains(
            self.client.get(reverse("backoffice:home")), reverse("backoffice:providers")
        )

    def test_duo_staff_find_the_provider_in_the_list(self) -> None:
        self.sign_in()

        page = self.client.get(reverse("backoffice:home"))
        found = self.client.get(reverse("backoffice:providers"), {"zoek": "90000081"})
        missed = self.client.get(reverse("backoffice:providers"), {"zoek": "Nergens"})

        self.assertContains(page, f'href="{reverse("backoffice:providers")}"')
        self.assertContains(found, f'href="{self.url}"')
        self.assertContains(found, self.provider.code)
        self.assertNotContains(missed, f'href="{self.url}"')

    def test_an_unknown_provider_code_is_404(self) -> None:
        self.sign_in()

        response = self.client.get(reverse("backoffice:provider", kwargs={"code": "000Z000"}))

        self.assertEqual(response.status_code, 404)

    def test_the_page_shows_the_training_its_offer_and_that_it_can_be_chosen(self) -> None:
        self.sign_in()

        response = self.client.get(self.url)

        self.assertContains(response, self.training.code)
        self.assertContains(response, str(self.offer.scholings_id))
        self.assertContains(response, ELIGIBLE)


class RecognitionTests(RegisterScreenTestCase):
    def test_a_recognition_is_recorded_and_shown(self) -> None:
        self.sign_in()

        response = self.client.post(
            self.url,
            {
                "action": "erkenning-vastleggen",
                "erkenning-vastleggen-kind": "SECTOR",
                "erkenning-vastleggen-body": "Branchevereniging Bouw",
                "erkenning-vastleggen-valid_from": "2026-10-01",
                "erkenning-vastleggen-valid_until": "2027-09-30",
            },
            follow=True,
        )

        self.assertRedirects(response, self.url)
        self.assertContains(response, "De erkenning (erkenning door een brancheorganisatie)")
        self.assertContains(response, "Branchevereniging Bouw")
        recognition = Recognition.objects.get(body="Branchevereniging Bouw")
        self.assertEqual(recognition.recorded_by, "duo.register")
        self.assertEqual(recognition.valid_until, dt.date(2027, 9, 30))
        self.assertTrue(
            AuditEntry.objects.filter(
                action="register.recognition_recorded", actor_id="duo.register"
            ).exists()
        )

    def test_a_sector_recognition_without_its_body_is_refused_on_the_field(self) -> None:
        self.sign_in()

        response = self.client.post(
            self.url,
            {
                "action": "erkenning-vastleggen",
                "erkenning-vastleggen-kind": "SECTOR",
                "erkenning-vastleggen-body": "  ",
                "erkenning-vastleggen-valid_from": "2026-10-01",
            },
        )

        self.assertEqual(response.status_code, 400)
        form = response.context["record_form"]
        self.assertEqual(
            form.errors["body"],
            ["Vul de naam van de brancheorganisatie in die de erkenning gaf."],
        )
        self.assertContains(
            response, 'aria-describedby="id_erkenning-vastleggen-body-help', status_code=400
        )
        self.assertContains(response, 'id="id_erkenning-vastleggen-body-error"', status_code=400)
        self.assertContains(response, 'value="2026-10-01"', status_code=400)
        self.assertEqual(Recognition.objects.count(), 1)

    def test_ending_the_recognition_makes_the_offer_ineligible(self) -> None:
        self.sign_in()
        prefix = f"erkenning-beeindigen-{self.recognition.pk}"

        response = self.client.post(
            self.url,
            {
                "action": "erkenning-beeindigen",
                "item": str(self.recognition.pk),
                f"{prefix}-valid_until": "2026-11-01",
            },
            follow=True,
        )

        self.assertRedirects(response, self.url)
        self.recognition.refresh_from_db()
        self.assertEqual(self.recognition.valid_until, dt.date(2026, 11, 1))
        self.assertNotContains(response, ELIGIBLE)
        self.assertContains(
            response, "Kan niet worden gekozen: de aanbieder heeft vandaag geen geldige erkenning."
        )

    def test_a_recognition_cannot_end_before_it_starts(self) -> None:
        self.sign_in()
        prefix = f"erkenning-beeindigen-{self.recognition.pk}"

        response = self.client.post(
            self.url,
            {
                "action": "erkenning-beeindigen",
                "item": str(self.recognition.pk),
                f"{prefix}-valid_until": "2025-12-31",
            },
        )

        self.assertContains(response, "De erkenning eindigt vóór ze begint.", status_code=400)
        self.assertContains(response, f'id="id_{prefix}-valid_until-error"', status_code=400)
        self.recognition.refresh_from_db()
        self.assertIsNone(self.recognition.valid_until)


class ExclusionTests(RegisterScreenTestCase):
    def exclude_training(self, reason: str) -> HttpResponseBase:
        prefix = f"opleiding-uitsluiten-{self.training.code}"
        return self.client.post(
            self.url,
            {
                "action": "opleiding-uitsluiten",
                "item": self.training.code,
                f"{prefix}-reason": reason,
                f"{prefix}-starts_on": TODAY.isoformat(),
            },
            follow=True,
        )

    def test_excluding_a_training_makes_its_offer_ineligible_at_once_and_is_audited(self) -> None:
        self.sign_in()

        response = self.exclude_training("Lessen worden niet gegeven.")

        self.assertRedirects(response, self.url)
        self.assertContains(response, "De opleiding Cursus Excel is uitgesloten")
        self.assertContains(response, "Kan niet worden gekozen: de opleiding is uitgesloten.")
        self.assertContains(response, "Lessen worden niet gegeven.")
        exclusion = Exclusion.objects.get()
        self.assertEqual(exclusion.training, self.training)
        self.assertEqual(exclusion.starts_on, TODAY)
        self.assertEqual(exclusion.excluded_by, "duo.register")
        entry = AuditEntry.objects.get(action="register.excluded")
        self.assertEqual(entry.actor_id, "duo.register")
        self.assertEqual(entry.organisation_kvk, "90000081")
        self.assertEqual(entry.after["training"], self.training.code)  # type: ignore[index]

    def test_an_exclusion_without_a_reason_is_refused(self) -> None:
        self.sign_in()
        prefix = f"opleiding-uitsluiten-{self.training.code}"

        response = self.client.post(
            self.url,
            {
                "action": "opleiding-uitsluiten",
                "item": self.training.code,
                f"{prefix}-reason": "   ",
                f"{prefix}-starts_on": "2026-11-09",
            },
        )

        self.assertContains(response, "Schrijf de reden van de uitsluiting op", status_code=400)
        self.assertContains(response, f'id="id_{prefix}-reason-error"', status_code=400)
        self.assertContains(response, 'value="2026-11-09"', status_code=400)
        self.assertFalse(Exclusion.objects.exists())
        self.assertFalse(AuditEntry.objects.filter(action="register.excluded").exists())

    def test_an_exclusion_cannot_start_in_the_past(self) -> None:
        self.sign_in()

        response = self.client.post(
            self.url,
            {
                "action": "aanbieder-uitsluiten",
                "aanbieder-uitsluiten-reason": "Fraude met facturen.",
                "aanbieder-uitsluiten-starts_on": "2026-10-01",
            },
        )

        self.assertContains(response, "Een uitsluiting werkt niet terug.", status_code=400)
        self.assertContains(response, "Fraude met facturen.", status_code=400)
        self.assertFalse(Exclusion.objects.exists())

    def test_excluding_the_provider_makes_its_offers_ineligible(self) -> None:
        self.sign_in()

        response = self.client.post(
            self.url,
            {
                "action": "aanbieder-uitsluiten",
                "aanbieder-uitsluiten-reason": "Fraude met facturen.",
                "aanbieder-uitsluiten-starts_on": TODAY.isoformat(),
            },
            follow=True,
        )

        self.assertRedirects(response, self.url)
        self.assertContains(response, "Kan niet worden gekozen: de aanbieder is uitgesloten.")
        self.assertEqual(Exclusion.objects.get().provider, self.provider)
        listing = self.client.get(reverse("backoffice:providers"))
        self.assertContains(listing, "Leerhuis Oost")

    def test_lifting_with_a_reason_restores_eligibility(self) -> None:
        self.sign_in()
        self.exclude_training("Lessen worden niet gegeven.")
        exclusion = Exclusion.objects.get()
        prefix = f"uitsluiting-opheffen-{exclusion.pk}"

        refused = self.client.post(
            self.url,
            {"action": "uitsluiting-opheffen", "item": str(exclusion.pk), f"{prefix}-reason": ""},
        )
        response = self.client.post(
            self.url,
            {
                "action": "uitsluiting-opheffen",
                "item": str(exclusion.pk),
                f"{prefix}-reason": "De lessen worden weer gegeven.",
            },
            follow=True,
        )

        self.assertContains(
            refused, "Schrijf op waarom de uitsluiting wordt opgeheven.", status_code=400
        )
        self.assertRedirects(response, self.url)
        self.assertContains(response, "De uitsluiting van de opleiding Cursus Excel is opgeheven.")
        self.assertContains(response, ELIGIBLE)
        self.assertContains(response, "De lessen worden weer gegeven.")
        exclusion.refresh_from_db()
        self.assertEqual(exclusion.lifted_by, "duo.register")
        self.assertTrue(AuditEntry.objects.filter(action="register.exclusion_lifted").exists())

    def test_an_exclusion_of_another_provider_cannot_be_lifted_here(self) -> None:
        other = factories.training(
            organisation=factories.organisation(name="Ander Instituut"), name="Cursus Word"
        )
        self.sign_in()
        other_url = reverse("backoffice:provider", kwargs={"code": other.provider.code})
        self.client.post(
            other_url,
            {
                "action": "opleiding-uitsluiten",
                "item": other.code,
                f"opleiding-uitsluiten-{other.code}-reason": "Niet erkend.",
                f"opleiding-uitsluiten-{other.code}-starts_on": TODAY.isoformat(),
            },
        )
        exclusion = Exclusion.objects.get()

        response = self.client.post(
            self.url,
            {
                "action": "uitsluiting-opheffen",
                "item": str(exclusion.pk),
                f"uitsluiting-opheffen-{exclusion.pk}-reason": "Toch goed.",
            },
        )

        self.assertEqual(response.status_code, 400)
        exclusion.refresh_from_db()
        self.assertIsNone(exclusion.lifted_at)

    def test_lifting_an_exclusion_someone_else_lifted_first_shows_why_it_is_refused(self) -> None:
        self.sign_in()
        self.exclude_training("Lessen worden niet gegeven.")
        exclusion = Exclusion.objects.get()
        exclusion_lift(actor=factories.ACTOR, exclusion=exclusion, reason="Opgelost.")

        response = self.client.post(
            self.url,
            {
                "action": "uitsluiting-opheffen",
                "item": str(exclusion.pk),
                f"uitsluiting-opheffen-{exclusion.pk}-reason": "Ook opgelost.",
            },
        )

        self.assertContains(response, "Deze uitsluiting is al opgeheven.", status_code=400)
        exclusion.refresh_from_db()
        self.assertEqual(exclusion.lift_reason, "Opgelost.")


class RecognisingBodyTests(RegisterScreenTestCase):
    """A recognising body's staff record and end their own body's recognitions, and nothing else."""

    def sign_in_recogniser(
        self, kind: RecognitionKind = RecognitionKind.CEDEO, body: str = ""
    ) -> None:
        user = staff("cedeo.anna", StaffRole.RECOGNISER)
        recogniser_appoint(actor=factories.ACTOR, user=user, kind=kind, body=body)
        sign_in_staff(self.client, user)

    def test_they_land_on_the_register_and_cannot_open_the_rest_of_the_backoffice(self) -> None:
        self.sign_in_recogniser()

        home = self.client.get(reverse("backoffice:home"))
        page = self.client.get(reverse("backoffice:providers"))

        self.assertRedirects(home, reverse("backoffice:providers"))
        self.assertContains(page, f'href="{self.url}"')
        self.assertNotContains(page, reverse("backoffice:applications"))
        for name in ("organisations", "applications", "access_requests"):
            with self.subTest(name):
                self.assertEqual(self.client.get(reverse(f"backoffice:{name}")).status_code, 403)

    def test_a_recogniser_account_not_appointed_to_a_body_may_do_nothing(self) -> None:
        sign_in_staff(self.client, staff("nog.niemand", StaffRole.RECOGNISER))

        self.assertEqual(self.client.get(reverse("backoffice:providers")).status_code, 403)
        self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_they_record_a_recognition_of_their_own_kind_whatever_the_form_says(self) -> None:
        self.sign_in_recogniser()

        response = self.client.post(
            self.url,
            {
                "action": "erkenning-vastleggen",
                "erkenning-vastleggen-kind": "NRTO",
                "erkenning-vastleggen-valid_from": "2026-11-01",
            },
            follow=True,
        )

        self.assertRedirects(response, self.url)
        recognition = Recognition.objects.get(recorded_by="cedeo.anna")
        self.assertEqual(recognition.kind, RecognitionKind.CEDEO)
        self.assertContains(response, "De erkenning (Cedeo-erkenning) is vastgelegd.")

    def test_a_sector_body_records_under_its_own_name(self) -> None:
        self.sign_in_recogniser(RecognitionKind.SECTOR, "Bouwend Nederland")

        self.client.post(
            self.url,
            {
                "action": "erkenning-vastleggen",
                "erkenning-vastleggen-body": "Een andere branche",
                "erkenning-vastleggen-valid_from": "2026-11-01",
            },
        )

        self.assertEqual(
            Recognition.objects.get(recorded_by="cedeo.anna").body, "Bouwend Nederland"
        )

    def test_they_end_their_own_recognition_but_not_another_bodys(self) -> None:
        own = recognition_record(
            actor=factories.ACTOR,
            provider=self.provider,
            kind=RecognitionKind.CEDEO,
            valid_from=dt.date(2026, 1, 1),
        )
        self.sign_in_recogniser()

        page = self.client.get(self.url)
        refused = self.client.post(
            self.url,
            {
                "action": "erkenning-beeindigen",
                "item": str(self.recognition.pk),
                f"erkenning-beeindigen-{self.recognition.pk}-valid_until": "2026-11-01",
            },
        )
        ended = self.client.post(
            self.url,
            {
                "action": "erkenning-beeindigen",
                "item": str(own.pk),
                f"erkenning-beeindigen-{own.pk}-valid_until": "2026-11-01",
            },
        )

        self.assertNotContains(page, f'name="item" value="{self.recognition.pk}"')
        self.assertContains(page, f'name="item" value="{own.pk}"')
        self.assertEqual(refused.status_code, 400)
        self.recognition.refresh_from_db()
        self.assertIsNone(self.recognition.valid_until)
        self.assertEqual(ended.status_code, 302)
        own.refresh_from_db()
        self.assertEqual(own.valid_until, dt.date(2026, 11, 1))

    def test_they_cannot_exclude_and_see_no_exclusion_forms(self) -> None:
        self.sign_in_recogniser()

        page = self.client.get(self.url)
        response = self.client.post(
            self.url,
            {
                "action": "aanbieder-uitsluiten",
                "aanbieder-uitsluiten-reason": "Fraude",
                "aanbieder-uitsluiten-starts_on": "2026-11-02",
            },
        )

        self.assertNotContains(page, "aanbieder-uitsluiten")
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Exclusion.objects.exists())


class RecogniserAppointTests(TestCase):
    def test_only_a_recognising_body_account_can_be_appointed(self) -> None:
        with self.assertRaises(RegisterRuleBroken):
            recogniser_appoint(
                actor=factories.ACTOR,
                user=staff("duo.iemand"),
                kind=RecognitionKind.NRTO,
            )

    def test_a_sector_body_must_be_named(self) -> None:
        with self.assertRaises(ValidationError) as raised:
            recogniser_appoint(
                actor=factories.ACTOR,
                user=staff("branche.jan", StaffRole.RECOGNISER),
                kind=RecognitionKind.SECTOR,
            )

        self.assertIn("body", raised.exception.message_dict)

    def test_the_appointment_is_audited(self) -> None:
        user = staff("nrto.piet", StaffRole.RECOGNISER)

        recogniser_appoint(actor=factories.ACTOR, user=user, kind=RecognitionKind.NRTO)

        entry = AuditEntry.objects.get(action="register.recogniser_appointed")
        self.assertEqual(entry.after, {"user": "nrto.piet", "kind": "NRTO", "body": ""})
