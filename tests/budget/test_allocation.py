"""Allocation: a grant takes money from its period, a place under its offer's cap and the
person's one grant of the year — and gives them back when it is withdrawn."""

import datetime as dt
from decimal import Decimal
from itertools import islice
from typing import Any

from django.db import IntegrityError, transaction
from django.test import TestCase

import time_machine

from stap.budget.allocation import NotGranted, NotGrantedReason
from stap.budget.models import (
    Application,
    ApplicationPeriod,
    ApplicationStatus,
    OfferYearGrants,
)
from stap.budget.services import (
    application_allocate,
    application_decide,
    application_grant,
    application_period_create,
    application_submit,
    grant_cap_set,
)
from stap.register.models import Cohort
from tests import factories
from tests.budget.bsns import bsns

NOW = dt.datetime(2027, 3, 17, 10, 0, tzinfo=dt.UTC)
BSN, OTHER_BSN, THIRD_BSN = islice(bsns(), 3)


@time_machine.travel(NOW, tick=False)
class AllocationTestCase(TestCase):
    def setUp(self) -> None:
        organisation = factories.organisation()
        self.cohort = factories.cohort(training=factories.training(organisation=organisation))
        self.other_cohort = factories.cohort(
            training=factories.training(organisation=organisation, name="Cursus Excel")
        )
        self.period = application_period_create(
            actor=factories.ACTOR,
            name="Maart 2027",
            opens_at=NOW - dt.timedelta(hours=1),
            closes_at=NOW + dt.timedelta(days=14),
            budget=Decimal("2000.00"),
            reserved_budget=Decimal("500.00"),
        )

    def submit(
        self,
        *,
        bsn: str = BSN,
        amount: str = "700.00",
        cohort: Cohort | None = None,
        assisted: bool = False,
    ) -> Application:
        cohort = cohort or self.cohort
        return application_submit(
            actor=factories.ACTOR,
            period=self.period,
            cohort=cohort,
            studentnummer="S1",
            first_name="Anna",
            last_name="Jansen",
            start_date=cohort.start_date,
            end_date=cohort.end_date,
            amount=Decimal(amount),
            bsn=bsn,
            assisted=assisted,
        )

    def allocate(self, **submitted: Any) -> Application:
        return application_allocate(actor=factories.ACTOR, application=self.submit(**submitted))

    def granted(self) -> tuple[Decimal, Decimal]:
        self.period.refresh_from_db()
        return self.period.granted, self.period.granted_reserved


class BudgetTests(AllocationTestCase):
    def test_a_grant_takes_its_amount_from_the_period_and_a_withdrawal_gives_it_back(
        self,
    ) -> None:
        application = self.allocate(amount="700.00")

        self.assertEqual(application.status, ApplicationStatus.PROVISIONALLY_GRANTED)
        self.assertEqual(self.granted(), (Decimal("700.00"), Decimal("0.00")))

        application_decide(actor=factories.ACTOR, application=application, decision="withdraw")

        self.assertEqual(self.granted(), (Decimal("0.00"), Decimal("0.00")))

    def test_an_application_the_budget_left_cannot_pay_is_rejected_and_takes_nothing(
        self,
    ) -> None:
        self.allocate(bsn=BSN, amount="1000.00")

        refused = self.allocate(bsn=OTHER_BSN, amount="600.00")  # 500 of the 1,500 is left

        self.assertEqual(refused.status, ApplicationStatus.REJECTED)
        self.assertEqual(refused.rejection_reason, NotGrantedReason.BUDGET_GONE)
        self.assertIsNone(refused.grant_year)
        self.assertEqual(self.granted(), (Decimal("1000.00"), Decimal("0.00")))
        self.assertEqual(OfferYearGrants.objects.get(offer=self.cohort.offer).grants, 1)
        self.assertEqual(
            self.allocate(bsn=THIRD_BSN, amount="500.00").status, "voorlopig_toegekend"
        )

    def test_staff_applying_for_someone_use_the_reserved_part_of_the_budget(self) -> None:
        self.allocate(bsn=BSN, amount="1000.00")
        self.allocate(bsn=OTHER_BSN, amount="500.00")  # the open part is used up

        assisted = self.allocate(bsn=THIRD_BSN, amount="500.00", assisted=True)

        self.assertEqual(assisted.status, ApplicationStatus.PROVISIONALLY_GRANTED)
        self.assertEqual(self.granted(), (Decimal("1500.00"), Decimal("500.00")))
        self.assertEqual(
            self.allocate(bsn=next(bsns(20_000_000)), amount="1.00", assisted=True).status,
            ApplicationStatus.REJECTED,
        )

    def test_the_database_refuses_a_period_that_grants_more_than_its_budget(self) -> None:
        with self.assertRaises(IntegrityError), transaction.atomic():
            ApplicationPeriod.objects.filter(pk=self.period.pk).update(granted=Decimal("1500.01"))


class OneGrantPerYearTests(AllocationTestCase):
    def test_a_person_gets_one_grant_per_calendar_year(self) -> None:
        self.allocate(bsn=BSN, amount="100.00")

        second = self.submit(bsn=BSN, amount="100.00", cohort=self.other_cohort)
        with self.assertRaises(NotGranted) as caught:
            application_grant(actor=factories.ACTOR, application=second)

        self.assertEqual(caught.exception.reason, NotGrantedReason.ALREADY_GRANTED_THIS_YEAR)
        self.assertEqual(self.granted(), (Decimal("100.00"), Decimal("0.00")))
        second.refresh_from_db()
        self.assertEqual(second.status, ApplicationStatus.SUBMITTED)

    def test_after_withdrawing_a_person_can_be_granted_again_that_year(self) -> None:
        first = self.allocate(bsn=BSN, amount="100.00")
        application_decide(actor=factories.ACTOR, application=first, decision="withdraw")

        again = self.allocate(bsn=BSN, amount="100.00", cohort=self.other_cohort)

        self.assertEqual(again.status, ApplicationStatus.PROVISIONALLY_GRANTED)

    def test_a_new_calendar_year_allows_a_new_grant(self) -> None:
        self.allocate(bsn=BSN, amount="100.00")

        with time_machine.travel(dt.datetime(2028, 1, 3, 10, 0, tzinfo=dt.UTC), tick=False):
            next_year = self.allocate(bsn=BSN, amount="100.00")

        self.assertEqual(next_year.status, ApplicationStatus.PROVISIONALLY_GRANTED)
        self.assertEqual(next_year.grant_year, 2028)


class GrantCapTests(AllocationTestCase):
    def test_an_offer_holds_no_more_grants_in_a_year_than_the_cap(self) -> None:
        grant_cap_set(actor=factories.ACTOR, year=2027, maximum=2)
        people = bsns(30_000_000)
        for _ in range(2):
            self.allocate(bsn=next(people), amount="10.00")

        third = self.allocate(bsn=next(people), amount="10.00")
        elsewhere = self.allocate(bsn=next(people), amount="10.00", cohort=self.other_cohort)

        self.assertEqual(third.rejection_reason, NotGrantedReason.CAP_REACHED)
        self.assertEqual(elsewhere.status, ApplicationStatus.PROVISIONALLY_GRANTED)
        self.assertEqual(self.granted(), (Decimal("30.00"), Decimal("0.00")))

    def test_a_cancelled_grant_frees_its_place_under_the_cap(self) -> None:
        grant_cap_set(actor=factories.ACTOR, year=2027, maximum=1)
        people = bsns(40_000_000)
        first = self.allocate(bsn=next(people), amount="10.00")
        application_decide(actor=factories.ACTOR, application=first, decision="cancel")

        second = self.allocate(bsn=next(people), amount="10.00")

        self.assertEqual(second.status, ApplicationStatus.PROVISIONALLY_GRANTED)

    def test_without_a_cap_set_for_the_year_the_default_of_300_holds(self) -> None:
        OfferYearGrants.objects.create(offer=self.cohort.offer, year=2027, grants=300)

        refused = self.allocate(amount="10.00")

        self.assertEqual(refused.rejection_reason, NotGrantedReason.CAP_REACHED)
