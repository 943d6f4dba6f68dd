import datetime as dt

from django.http import Http404
from django.test import TestCase

from stap.budget.models import ApplicationStatus
from stap.budget.selectors import (
    GrantedApplicationFilters,
    granted_application_for_organisation,
    granted_applications_for_organisation,
)
from tests import factories


class GrantedApplicationsForOrganisationTests(TestCase):
    def setUp(self) -> None:
        self.mine = factories.organisation(name="Mijn opleider")
        self.theirs = factories.organisation(name="Andere opleider")
        self.training = factories.training(organisation=self.mine, name="Boekhouden")
        self.other_training = factories.training(organisation=self.mine, name="Excel")
        self.cohort = factories.cohort(training=self.training, start_date=dt.date(2026, 3, 1))
        self.later = factories.cohort(training=self.other_training, start_date=dt.date(2026, 6, 1))
        self.foreign = factories.cohort(training=factories.training(organisation=self.theirs))

    def _list(self, **filters: object) -> list[str]:
        result = granted_applications_for_organisation(
            organisation=self.mine,
            filters=GrantedApplicationFilters(**filters),  # type: ignore[arg-type]
        )
        return [application.last_name for application in result]

    def test_it_lists_only_granted_applications_of_the_organisation_itself(self) -> None:
        factories.application(cohort=self.cohort, last_name="Toegekend")
        factories.application(cohort=self.cohort, last_name="Ingetrokken", decision="withdraw")
        factories.application(cohort=self.cohort, last_name="Ingediend", granted=False)
        factories.application(cohort=self.foreign, last_name="Vreemd")

        self.assertCountEqual(self._list(), ["Toegekend", "Ingetrokken"])

    def test_it_filters_by_status_training_and_start_date(self) -> None:
        factories.application(cohort=self.cohort, last_name="Maart")
        factories.application(cohort=self.later, last_name="Juni", decision="settle")

        self.assertEqual(self._list(status=ApplicationStatus.SETTLED), ["Juni"])
        self.assertEqual(self._list(training_id=self.training.pk), ["Maart"])
        self.assertEqual(self._list(start_from=dt.date(2026, 4, 1)), ["Juni"])
        self.assertEqual(self._list(start_until=dt.date(2026, 4, 1)), ["Maart"])

    def test_it_finds_by_whole_numbers_or_every_word_of_the_name(self) -> None:
        anna = factories.application(
            cohort=self.cohort, first_name="Anna", name_prefix="de", last_name="Vries"
        )
        factories.application(cohort=self.cohort, first_name="Bram", last_name="Vriesema")

        self.assertEqual(self._list(query=anna.aanvraagnummer.lower()), ["Vries"])  # type: ignore[union-attr]
        self.assertEqual(self._list(query=anna.studentnummer), ["Vries"])
        self.assertEqual(self._list(query="anna vries"), ["Vries"])
        self.assertCountEqual(self._list(query="vries"), ["Vries", "Vriesema"])

    def test_it_sorts_by_the_chosen_column_and_ignores_unknown_sorts(self) -> None:
        factories.application(cohort=self.cohort, last_name="Bakker")
        factories.application(cohort=self.later, last_name="Aalders")

        self.assertEqual(self._list(sort="student"), ["Aalders", "Bakker"])
        self.assertEqual(self._list(sort="startdatum"), ["Bakker", "Aalders"])
        self.assertEqual(self._list(sort="; DROP TABLE"), ["Aalders", "Bakker"])


class GrantedApplicationForOrganisationTests(TestCase):
    def test_another_organisations_application_is_not_found_like_a_missing_one(self) -> None:
        mine, theirs = factories.organisation(), factories.organisation()
        foreign = factories.application(
            cohort=factories.cohort(training=factories.training(organisation=theirs))
        )

        for number in (foreign.aanvraagnummer, "STAP-2026-9999999"):
            with self.subTest(number=number), self.assertRaises(Http404):
                granted_application_for_organisation(
                    organisation=mine,
                    aanvraagnummer=number,  # type: ignore[arg-type]
                )
