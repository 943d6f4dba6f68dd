"""Application periods: postponed with the original moments kept for the start-date rules, and
what is left carried over to the next period once it closed."""

import datetime as dt
from decimal import Decimal

from django.test import TestCase

import time_machine

from stap.budget.errors import PeriodRuleBroken
from stap.budget.models import ApplicationPeriod
from stap.budget.services import (
    application_period_carry_over,
    application_period_create,
    application_period_postpone,
)
from stap.core.models import AuditEntry
from tests import factories

OPENS = dt.datetime(2023, 2, 28, 9, 0, tzinfo=dt.UTC)  # 10:00 in Amsterdam


def period(name: str, opens: dt.datetime, *, carries_over: bool = False) -> ApplicationPeriod:
    return application_period_create(
        actor=factories.ACTOR,
        name=name,
        opens_at=opens,
        closes_at=opens + dt.timedelta(days=14),
        budget=Decimal("1000.00"),
        reserved_budget=Decimal("100.00"),
        carries_over=carries_over,
    )


@time_machine.travel(OPENS - dt.timedelta(hours=2), tick=False)
class PostponementTests(TestCase):
    def test_a_postponed_period_keeps_its_original_moments_for_the_start_date_rules(self) -> None:
        february = period("Februari", OPENS)

        postponed = application_period_postpone(
            actor=factories.ACTOR,
            period=february,
            opens_at=OPENS + dt.timedelta(days=17),
            closes_at=OPENS + dt.timedelta(days=31),
            reason="Storing bij DigiD.",
        )
        again = application_period_postpone(
            actor=factories.ACTOR,
            period=postponed,
            opens_at=OPENS + dt.timedelta(days=18),
            closes_at=OPENS + dt.timedelta(days=32),
            reason="Nog een storing.",
        )

        self.assertEqual(again.opens_at, OPENS + dt.timedelta(days=18))
        self.assertEqual(again.original_opens_at, OPENS)
        self.assertEqual(again.rules_close_at, OPENS + dt.timedelta(days=14))
        self.assertEqual(AuditEntry.objects.filter(action="budget.period_postponed").count(), 2)

    def test_a_postponement_needs_a_reason_and_a_period_that_has_not_closed(self) -> None:
        february = period("Februari", OPENS)
        moments = {"opens_at": OPENS + dt.timedelta(days=1), "closes_at": OPENS + dt.timedelta(2)}

        with self.assertRaises(PeriodRuleBroken):
            application_period_postpone(
                actor=factories.ACTOR, period=february, reason="  ", **moments
            )
        with (
            time_machine.travel(OPENS + dt.timedelta(days=15), tick=False),
            self.assertRaises(PeriodRuleBroken),
        ):
            application_period_postpone(
                actor=factories.ACTOR, period=february, reason="Te laat.", **moments
            )


class CarryOverTests(TestCase):
    def test_what_a_closed_period_left_goes_to_the_next_period_once(self) -> None:
        with time_machine.travel(OPENS - dt.timedelta(days=1), tick=False):
            first = period("Februari", OPENS, carries_over=True)
            second = period("Maart", OPENS + dt.timedelta(days=30))
        ApplicationPeriod.objects.filter(pk=first.pk).update(
            granted=Decimal("600.00"), granted_reserved=Decimal("40.00")
        )

        with time_machine.travel(OPENS + dt.timedelta(days=20), tick=False):
            following = application_period_carry_over(actor=factories.ACTOR, period=first)
            with self.assertRaises(PeriodRuleBroken):
                application_period_carry_over(actor=factories.ACTOR, period=first)

        first.refresh_from_db()
        self.assertEqual(following, second)
        self.assertEqual(following.budget, Decimal("1360.00"))  # 300 open + 60 reserved left
        self.assertEqual(
            (first.budget, first.reserved_budget), (Decimal("640.00"), Decimal("40.00"))
        )
        self.assertEqual((first.left, first.reserve_left), (Decimal("0.00"), Decimal("0.00")))

    def test_nothing_moves_while_the_period_is_open_or_when_it_does_not_carry_over(self) -> None:
        with time_machine.travel(OPENS - dt.timedelta(days=1), tick=False):
            open_one = period("Februari", OPENS, carries_over=True)
            keeps = period("Maart", OPENS + dt.timedelta(days=30))
            period("April", OPENS + dt.timedelta(days=60))

        with (
            time_machine.travel(OPENS + dt.timedelta(days=1), tick=False),
            self.assertRaises(PeriodRuleBroken),
        ):
            application_period_carry_over(actor=factories.ACTOR, period=open_one)
        with (
            time_machine.travel(OPENS + dt.timedelta(days=50), tick=False),
            self.assertRaises(PeriodRuleBroken),
        ):
            application_period_carry_over(actor=factories.ACTOR, period=keeps)
