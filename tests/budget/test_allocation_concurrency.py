"""Many people submitting at the same moment, from many connections: the period never grants
more than its budget, no one gets two grants in a year, and no offer goes over its cap."""

import datetime as dt
import random
import threading
import unittest
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from itertools import islice

from django.db import connection
from django.db.models import Count, Sum
from django.test import TransactionTestCase

import time_machine

from stap.budget.allocation import HOLDING
from stap.budget.models import Application, ApplicationPeriod, ApplicationStatus, OfferYearGrants
from stap.budget.services import (
    application_allocate,
    application_period_create,
    application_submit,
    grant_cap_set,
)
from tests import factories
from tests.budget.bsns import bsns

NOW = dt.datetime(2027, 3, 17, 10, 0, tzinfo=dt.UTC)
SUBMITTERS = 16
PEOPLE = 150
TWICE = 30  # people who submit a second application at the same moment
CAP = 25
BUDGET = Decimal("40000.00")


@unittest.skipUnless(connection.vendor == "postgresql", "concurrent writers need PostgreSQL")
@time_machine.travel(NOW, tick=False)
class ConcurrentAllocationTests(TransactionTestCase):
    def test_parallel_submitters_never_overspend_double_grant_or_pass_the_cap(self) -> None:
        organisation = factories.organisation()
        cohorts = [
            factories.cohort(training=factories.training(organisation=organisation, name=name))
            for name in ("Cursus A", "Cursus B", "Cursus C", "Cursus D")
        ]
        period = application_period_create(
            actor=factories.ACTOR,
            name="Opening",
            opens_at=NOW - dt.timedelta(minutes=1),
            closes_at=NOW + dt.timedelta(days=14),
            budget=BUDGET + Decimal("1000.00"),
            reserved_budget=Decimal("1000.00"),
        )
        grant_cap_set(actor=factories.ACTOR, year=2027, maximum=CAP)
        rng = random.Random(2027)
        people = list(islice(bsns(50_000_000), PEOPLE))
        applications = [
            application_submit(
                actor=factories.ACTOR,
                period=period,
                cohort=(cohort := rng.choices(cohorts, weights=(6, 2, 1, 1))[0]),
                studentnummer=f"S{number}",
                first_name="Anna",
                last_name="Jansen",
                start_date=cohort.start_date,
                end_date=cohort.end_date,
                amount=Decimal(rng.randrange(10_000, 100_001)) / 100,
                bsn=bsn,
            ).pk
            for number, bsn in enumerate([*people, *people[:TWICE]])
        ]
        rng.shuffle(applications)
        start = threading.Barrier(SUBMITTERS)

        def submitter(share: list[int]) -> None:
            try:
                start.wait()
                for pk in share:
                    application_allocate(
                        actor=factories.ACTOR, application=Application.objects.get(pk=pk)
                    )
            finally:
                connection.close()

        with ThreadPoolExecutor(SUBMITTERS) as pool:
            for done in [
                pool.submit(submitter, applications[i::SUBMITTERS]) for i in range(SUBMITTERS)
            ]:
                done.result()

        held = Application.objects.filter(status__in=HOLDING)
        period.refresh_from_db()
        total = held.aggregate(total=Sum("amount"))["total"]
        self.assertEqual(period.granted, total)
        self.assertLessEqual(total, BUDGET)
        self.assertGreater(total, BUDGET - Decimal("1000.00"))  # the budget, not luck, stopped it
        self.assertFalse(held.values("bsn").annotate(n=Count("pk")).filter(n__gt=1).exists())
        per_offer = dict(
            held.values_list("cohort__offer")
            .annotate(n=Count("pk"))
            .values_list("cohort__offer", "n")
        )
        counters = dict(OfferYearGrants.objects.values_list("offer", "grants"))
        for offer, grants in per_offer.items():
            self.assertLessEqual(grants, CAP)
            self.assertEqual(counters[offer], grants)
        self.assertEqual(per_offer[cohorts[0].offer_id], CAP)  # the popular one reached its cap
        undecided = Application.objects.exclude(status__in=HOLDING).exclude(
            status=ApplicationStatus.REJECTED, rejection_reason__gt=""
        )
        self.assertFalse(undecided.exists())
        self.assertEqual(ApplicationPeriod.objects.get().granted_reserved, 0)
