"""The waiting room's queue: one entry per person, a draw at the opening that anyone can
recompute from what is published, arrival order after it, and admission at the staff's pace."""

import datetime as dt
from decimal import Decimal
from itertools import islice

from django.test import TestCase

import time_machine
from django_tasks_db.models import DBTaskResult

from stap.budget.errors import PeriodRuleBroken
from stap.budget.models import ApplicationPeriod, WaitingRoomEntry
from stap.budget.services import application_period_create
from stap.budget.waiting_room.draw import draw_order, matches
from stap.budget.waiting_room.queue import (
    admission_pace_set,
    admitted_up_to,
    draw,
    draws_overdue,
    entries_in_draw,
    join,
    position,
)
from tests import factories
from tests.budget.bsns import bsns

OPENS = dt.datetime(2027, 3, 17, 9, 0, tzinfo=dt.UTC)
BEFORE, AT, AFTER = OPENS - dt.timedelta(hours=1), OPENS, OPENS + dt.timedelta(minutes=30)
PEOPLE = list(islice(bsns(90_000_000), 40))


class WaitingRoomTestCase(TestCase):
    def setUp(self) -> None:
        with time_machine.travel(OPENS - dt.timedelta(days=7), tick=False):
            self.period = application_period_create(
                actor=factories.ACTOR,
                name="Maart 2027",
                opens_at=OPENS,
                closes_at=OPENS + dt.timedelta(days=14),
                budget=Decimal("1000000.00"),
            )

    def refreshed(self) -> ApplicationPeriod:
        self.period.refresh_from_db()
        return self.period

    def join_all(self, people: list[str], when: dt.datetime) -> list[WaitingRoomEntry]:
        with time_machine.travel(when, tick=False):
            return [join(period=self.period, bsn=bsn) for bsn in people]


class JoiningTests(WaitingRoomTestCase):
    def test_a_person_keeps_one_entry_however_many_devices_they_wait_on(self) -> None:
        first, again = self.join_all([PEOPLE[0], PEOPLE[0]], BEFORE)
        other = self.join_all([PEOPLE[1]], BEFORE)[0]

        self.assertEqual(first.pk, again.pk)
        self.assertNotEqual(first.entry, other.entry)
        self.assertIsNone(first.place)
        self.assertNotIn(PEOPLE[0], first.person)

    def test_no_one_joins_a_closed_period(self) -> None:
        with self.assertRaises(PeriodRuleBroken):
            self.join_all([PEOPLE[0]], OPENS + dt.timedelta(days=15))


class DrawTests(WaitingRoomTestCase):
    def test_everyone_waiting_at_the_opening_gets_the_place_the_published_seed_gives(
        self,
    ) -> None:
        entries = self.join_all(PEOPLE[:30], BEFORE)
        commitment = self.period.draw_commitment

        with time_machine.travel(BEFORE, tick=False):
            self.assertFalse(draw(period_id=self.period.pk))  # not before the opening
        with time_machine.travel(AT, tick=False):
            self.assertTrue(draw(period_id=self.period.pk))
            self.assertFalse(draw(period_id=self.period.pk))  # once

        period = self.refreshed()
        self.assertTrue(matches(period.draw_seed, commitment))
        published = entries_in_draw(period)
        self.assertCountEqual(published, [entry.entry for entry in entries])
        placed = dict(WaitingRoomEntry.objects.filter(period=period).values_list("entry", "place"))
        recomputed = draw_order(period.draw_seed, published)
        self.assertEqual([placed[entry] for entry in recomputed], list(range(1, 31)))

    def test_who_comes_after_the_draw_queues_behind_in_order_of_arrival(self) -> None:
        self.join_all(PEOPLE[:5], BEFORE)
        with time_machine.travel(AT, tick=False):
            draw(period_id=self.period.pk)

        late = self.join_all(PEOPLE[5:8], AFTER)

        self.assertEqual([entry.place for entry in late], [6, 7, 8])
        self.assertEqual(len(entries_in_draw(self.refreshed())), 5)

    def test_the_reaper_draws_a_period_whose_draw_did_not_run(self) -> None:
        self.join_all(PEOPLE[:3], BEFORE)

        with time_machine.travel(AFTER, tick=False):
            self.assertEqual(draws_overdue(), [self.period.pk])
            self.assertEqual(draws_overdue(), [])

        self.assertFalse(WaitingRoomEntry.objects.filter(place__isnull=True).exists())


class SchedulingTests(TestCase):
    def test_a_new_period_schedules_its_draw_for_the_opening(self) -> None:
        with (
            time_machine.travel(BEFORE, tick=False),
            self.captureOnCommitCallbacks(execute=True),
        ):
            application_period_create(
                actor=factories.ACTOR,
                name="April 2027",
                opens_at=OPENS,
                closes_at=OPENS + dt.timedelta(days=14),
                budget=Decimal("100.00"),
            )

        task = DBTaskResult.objects.get()
        self.assertEqual(task.run_after, OPENS)
        self.assertTrue(task.task_path.endswith("waiting_room_draw_task"))


class AdmissionTests(WaitingRoomTestCase):
    def test_admission_follows_the_pace_and_a_new_pace_keeps_who_was_admitted(self) -> None:
        self.join_all(PEOPLE[:3], BEFORE)
        with time_machine.travel(BEFORE, tick=False):
            admission_pace_set(actor=factories.ACTOR, period=self.period, per_minute=10)
        with time_machine.travel(AT, tick=False):
            draw(period_id=self.period.pk)

        period = self.refreshed()
        self.assertEqual(admitted_up_to(period, now=AT), 10)  # the first minute's, at once
        self.assertEqual(admitted_up_to(period, now=AT + dt.timedelta(minutes=3)), 40)
        with time_machine.travel(AT + dt.timedelta(minutes=3), tick=False):
            admission_pace_set(actor=factories.ACTOR, period=period, per_minute=100)
        period = self.refreshed()
        self.assertEqual(admitted_up_to(period, now=AT + dt.timedelta(minutes=4)), 140)

    def test_a_position_says_how_many_are_ahead_and_roughly_how_long(self) -> None:
        self.join_all(PEOPLE[:3], BEFORE)
        with time_machine.travel(BEFORE, tick=False):
            admission_pace_set(actor=factories.ACTOR, period=self.period, per_minute=100)
        with time_machine.travel(AT, tick=False):
            draw(period_id=self.period.pk)
        period = self.refreshed()

        waiting = position(period, 1_000, now=AT + dt.timedelta(minutes=2))  # 300 admitted
        admitted = position(period, 150, now=AT + dt.timedelta(minutes=2))

        self.assertEqual((waiting.ahead, waiting.wait_minutes, waiting.admitted), (700, 7, False))
        self.assertTrue(admitted.admitted)
        self.assertIsNone(position(period, None, now=AT).place)
