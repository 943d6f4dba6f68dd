"""The register's RIO rules, its history rules and what exclusions and recognitions do."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.test import TestCase

import time_machine

from stap.core.models import AuditEntry
from stap.register.eligibility import NotEligible, eligible_offers, offer_eligibility
from stap.register.models import Cohort, CohortPrice, Offer
from stap.register.services import (
    AddressInput,
    RegisterRuleBroken,
    cohort_add,
    cohort_close,
    cohort_price_change,
    exclusion_add,
    exclusion_lift,
    normalised_postcode,
    offer_register,
    offer_update,
    provider_contact_update,
    recognition_end,
    recognition_record,
    training_register,
    training_update,
)
from stap.register.values import RecognitionKind, StapPermission, StudyLoadUnit
from tests import factories

ACTOR = factories.ACTOR
TODAY = dt.date(2026, 11, 2)
ADDRESS = AddressInput(street="Stationsplein", house_number="1", postcode="3511ed", city="Utrecht")


@time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC), tick=False)
class RegisterTestCase(TestCase):
    def setUp(self) -> None:
        self.organisation = factories.organisation(kvk_number="90000061")
        self.training = factories.training(organisation=self.organisation)
        self.provider = self.training.provider
        self.offer = offer_register(actor=ACTOR, training=self.training, address=ADDRESS)
        self.recognition = recognition_record(
            actor=ACTOR, provider=self.provider, kind=RecognitionKind.NRTO, valid_from=TODAY
        )

    def cohort(self, **overrides: object) -> Cohort:
        values: dict[str, object] = {
            "code": f"C{Cohort.objects.count()}",
            "start_date": dt.date(2027, 1, 11),
            "end_date": dt.date(2027, 3, 29),
            "total_price": Decimal("900.00"),
            "subsidisable_amount": Decimal("800.00"),
        }
        values.update(overrides)
        return cohort_add(actor=ACTOR, offer=self.offer, **values)  # type: ignore[arg-type]


class ValidationTests(RegisterTestCase):
    def assertInvalid(self, field: str, **overrides: object) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.cohort(**overrides)
        self.assertIn(field, caught.exception.message_dict)

    def test_the_subsidisable_amount_cannot_exceed_the_total_costs(self) -> None:
        self.assertInvalid("subsidisable_amount", subsidisable_amount=Decimal("900.01"))

    def test_a_price_above_one_million_is_refused(self) -> None:
        self.assertInvalid("total_price", total_price=Decimal("1000000.01"))

    def test_the_end_date_cannot_lie_before_the_start_date(self) -> None:
        self.assertInvalid("end_date", end_date=dt.date(2027, 1, 10))

    def test_a_flexible_intake_ends_on_or_after_its_start(self) -> None:
        self.assertInvalid("intake_end", intake_end=dt.date(2027, 1, 1))

    def test_the_end_date_cannot_lie_before_the_last_intake_day(self) -> None:
        self.assertInvalid("end_date", intake_end=dt.date(2027, 4, 1))

    def test_the_enrolment_window_must_be_in_order(self) -> None:
        self.assertInvalid(
            "enrolment_end",
            enrolment_start=dt.date(2026, 12, 1),
            enrolment_end=dt.date(2026, 11, 1),
        )

    def test_places_per_year_are_between_1_and_32000(self) -> None:
        self.assertInvalid("places_per_year", places_per_year=32_001)

    def test_nothing_is_written_when_a_cohort_is_refused(self) -> None:
        with self.assertRaises(ValidationError):
            self.cohort(subsidisable_amount=Decimal("5000"))

        self.assertFalse(Cohort.objects.exists())
        self.assertFalse(CohortPrice.objects.exists())

    def test_names_follow_rio_lengths(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            training_register(
                actor=ACTOR, provider=self.provider, name="x" * 226, short_name="y" * 41
            )
        self.assertEqual(set(caught.exception.message_dict), {"name", "short_name"})

    def test_a_study_load_needs_its_unit(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            training_register(
                actor=ACTOR, provider=self.provider, name="Excel", short_name="Excel", study_load=40
            )
        self.assertIn("study_load_unit", caught.exception.message_dict)

    def test_an_own_key_is_unique_per_provider(self) -> None:
        training_register(
            actor=ACTOR, provider=self.provider, name="A", short_name="A", own_key="K-1"
        )

        with self.assertRaises(ValidationError):
            training_register(
                actor=ACTOR, provider=self.provider, name="B", short_name="B", own_key="K-1"
            )

    def test_a_postcode_is_written_the_dutch_way(self) -> None:
        self.assertEqual(normalised_postcode(" 3511ed "), "3511 ED")
        self.assertEqual(self.offer.address and self.offer.address.postcode, "3511 ED")
        with self.assertRaises(ValidationError):
            offer_register(
                actor=ACTOR,
                training=self.training,
                address=AddressInput(street="X", house_number="1", postcode="0123 AB", city="Y"),
            )

    def test_generated_codes_follow_the_rio_formats(self) -> None:
        self.assertRegex(self.provider.code, r"^[0-9]{3}[A-Z][0-9]{3}$")
        self.assertRegex(self.training.code, r"^[0-9]{4}O[0-9]{4}$")
        self.assertEqual(len(str(self.offer.scholings_id)), 36)


class HistoryTests(RegisterTestCase):
    def test_a_price_change_keeps_the_old_price_in_the_history(self) -> None:
        cohort = self.cohort()

        cohort_price_change(
            actor=ACTOR,
            cohort=cohort,
            total_price=Decimal("950.00"),
            subsidisable_amount=Decimal("850.00"),
        )

        prices = list(cohort.prices.values_list("total_price", "subsidisable_amount"))
        self.assertEqual(
            prices,
            [(Decimal("900.00"), Decimal("800.00")), (Decimal("950.00"), Decimal("850.00"))],
        )
        cohort.refresh_from_db()
        self.assertEqual(cohort.subsidisable_amount, Decimal("850.00"))
        self.assertTrue(AuditEntry.objects.filter(action="register.cohort_price_changed").exists())

    def test_an_unchanged_price_adds_no_history(self) -> None:
        cohort = self.cohort()

        cohort_price_change(
            actor=ACTOR,
            cohort=cohort,
            total_price=Decimal("900.00"),
            subsidisable_amount=Decimal("800.00"),
        )

        self.assertEqual(cohort.prices.count(), 1)

    def test_a_full_cohort_is_closed_not_deleted(self) -> None:
        cohort = self.cohort()

        cohort_close(actor=ACTOR, cohort=cohort)

        cohort.refresh_from_db()
        self.assertEqual(cohort.status, "G")
        self.assertEqual(Cohort.objects.count(), 1)

    def test_a_changed_address_is_a_new_address_and_the_old_one_stays(self) -> None:
        provider_contact_update(
            actor=ACTOR,
            provider=self.provider,
            phone="030 123 4567",
            email="stap@opleider.nl",
            website="https://opleider.nl",
            visiting_address=ADDRESS,
            postal_address=None,
        )
        first = self.provider.__class__.objects.get(pk=self.provider.pk).visiting_address
        moved = AddressInput(street="Neude", house_number="11", postcode="3512 AE", city="Utrecht")

        provider_contact_update(
            actor=ACTOR,
            provider=self.provider,
            phone="030 123 4567",
            email="stap@opleider.nl",
            website="https://opleider.nl",
            visiting_address=moved,
            postal_address=None,
        )

        second = self.provider.__class__.objects.get(pk=self.provider.pk).visiting_address
        assert first is not None and second is not None
        self.assertNotEqual(first.pk, second.pk)
        first.refresh_from_db()
        self.assertEqual(first.street, "Stationsplein")

    def test_a_training_change_is_audited_with_before_and_after(self) -> None:
        training_update(
            actor=ACTOR,
            training=self.training,
            study_load=40,
            study_load_unit=StudyLoadUnit.UUR,
        )

        entry = AuditEntry.objects.get(action="register.training_changed")
        self.assertEqual(entry.before, {"study_load": None, "study_load_unit": ""})
        self.assertEqual(entry.after, {"study_load": 40, "study_load_unit": "UUR"})

    def test_an_offer_moved_online_loses_its_address_but_not_its_scholings_id(self) -> None:
        scholings_id = self.offer.scholings_id

        offer = offer_update(actor=ACTOR, offer=self.offer, address=None)

        self.assertIsNone(offer.address)
        self.assertEqual(offer.location, "")
        self.assertEqual(offer.scholings_id, scholings_id)


class EligibilityTests(RegisterTestCase):
    def test_a_recognised_provider_with_an_open_cohort_is_eligible(self) -> None:
        self.cohort()

        self.assertEqual(offer_eligibility(self.offer, on=TODAY), [])
        self.assertIn(self.offer, eligible_offers(on=TODAY))

    def test_without_a_valid_recognition_nothing_is_offered(self) -> None:
        self.cohort()
        recognition_end(actor=ACTOR, recognition=self.recognition, valid_until=TODAY)

        self.assertEqual(
            offer_eligibility(self.offer, on=TODAY + dt.timedelta(days=1)),
            [NotEligible.NOT_RECOGNISED],
        )

    def test_excluding_the_training_takes_effect_at_once_and_lifting_restores_it(self) -> None:
        self.cohort()

        exclusion = exclusion_add(
            actor=ACTOR, training=self.training, reason="Onderzoek naar misbruik afgerond."
        )
        self.assertEqual(offer_eligibility(self.offer, on=TODAY), [NotEligible.TRAINING_EXCLUDED])
        self.assertNotIn(self.offer, eligible_offers(on=TODAY))

        exclusion_lift(actor=ACTOR, exclusion=exclusion, reason="Bezwaar gegrond verklaard.")
        self.assertEqual(offer_eligibility(self.offer, on=TODAY), [])

    def test_excluding_the_provider_excludes_all_its_offers(self) -> None:
        self.cohort()

        exclusion_add(actor=ACTOR, provider=self.provider, reason="Erkenning ingetrokken.")

        self.assertEqual(offer_eligibility(self.offer, on=TODAY), [NotEligible.PROVIDER_EXCLUDED])

    def test_an_exclusion_needs_a_reason_and_is_not_doubled(self) -> None:
        with self.assertRaises(RegisterRuleBroken):
            exclusion_add(actor=ACTOR, provider=self.provider, reason=" ")
        exclusion_add(actor=ACTOR, provider=self.provider, reason="Reden")

        with self.assertRaises(RegisterRuleBroken):
            exclusion_add(actor=ACTOR, provider=self.provider, reason="Nog een keer")

    def test_closed_or_past_cohorts_and_no_stap_permission_make_an_offer_ineligible(self) -> None:
        cohort = self.cohort()
        cohort_close(actor=ACTOR, cohort=cohort)
        offer_update(actor=ACTOR, offer=self.offer, stap_permission=StapPermission.NOT_GRANTED)
        offer = Offer.objects.get(pk=self.offer.pk)

        self.assertEqual(
            offer_eligibility(offer, on=TODAY),
            [NotEligible.NOT_OFFERED_FOR_STAP, NotEligible.NO_OPEN_COHORT],
        )

    def test_a_flexible_intake_keeps_an_offer_eligible_until_its_last_day(self) -> None:
        self.cohort(
            start_date=dt.date(2026, 10, 1),
            intake_end=dt.date(2026, 12, 31),
            end_date=dt.date(2027, 6, 30),
        )

        self.assertEqual(offer_eligibility(self.offer, on=TODAY), [])
        self.assertEqual(
            offer_eligibility(self.offer, on=dt.date(2027, 1, 1)), [NotEligible.NO_OPEN_COHORT]
        )

    def test_a_sector_recognition_names_its_body(self) -> None:
        with self.assertRaises(ValidationError):
            recognition_record(
                actor=ACTOR, provider=self.provider, kind=RecognitionKind.SECTOR, valid_from=TODAY
            )
