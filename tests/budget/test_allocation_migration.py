"""The grants made before allocation existed are counted when it arrives: each period's granted
amount, each offer's grants per year, and the year each held grant counts for."""

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

from stap.budget.models import Application, ApplicationPeriod, OfferYearGrants
from tests import factories

BEFORE = [("budget", "0003_application_count_by_training_and_status")]


class AllocationMigrationTests(TransactionTestCase):
    def test_grants_made_before_the_counters_existed_are_counted(self) -> None:
        cohort = factories.cohort(
            training=factories.training(organisation=factories.organisation())
        )
        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        period = old.get_model("budget", "ApplicationPeriod").objects.create(
            name="2026-1",
            opens_at=dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC),
            closes_at=dt.datetime(2026, 3, 31, 9, tzinfo=dt.UTC),
            budget=Decimal("5000.00"),
        )
        made = old.get_model("budget", "Application").objects
        # Granted on 31 December 23:30 UTC: in Amsterdam that is already the new year.
        for number, (status, granted_at) in enumerate(
            [
                ("voorlopig_toegekend", dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)),
                ("vastgesteld", dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)),
                ("ingetrokken", dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)),
                ("afgewezen", None),
            ]
        ):
            made.create(
                aanvraagnummer=f"STAP-2026-{number:07d}" if granted_at else None,
                period_id=period.pk,
                organisation_id=cohort.offer.training.provider.organisation_id,
                training_id=cohort.offer.training_id,
                cohort_id=cohort.pk,
                studentnummer=f"S{number}",
                first_name="Anna",
                last_name="Jansen",
                search_text="anna jansen",
                start_date=cohort.start_date,
                end_date=cohort.end_date,
                amount=Decimal("400.00"),
                status=status,
                submitted_at=dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC),
                granted_at=granted_at,
                status_changed_at=dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC),
            )

        latest = MigrationExecutor(connection)  # through 0005, which counts, to the newest
        latest.migrate(latest.loader.graph.leaf_nodes("budget"))

        self.assertEqual(ApplicationPeriod.objects.get().granted, Decimal("800.00"))
        self.assertEqual(
            sorted(OfferYearGrants.objects.values_list("year", "grants")), [(2026, 1), (2027, 1)]
        )
        self.assertEqual(
            sorted(Application.objects.values_list("status", "grant_year")),
            [
                ("afgewezen", None),
                ("ingetrokken", None),
                ("vastgesteld", 2027),
                ("voorlopig_toegekend", 2026),
            ],
        )
