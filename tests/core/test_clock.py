import datetime as dt

from django.test import SimpleTestCase, override_settings

import time_machine

from stap.core import clock


class ClockTests(SimpleTestCase):
    def tearDown(self) -> None:
        clock._offset.cache_clear()

    @time_machine.travel(dt.datetime(2023, 2, 28, 23, 30, tzinfo=dt.UTC), tick=False)
    def test_today_is_the_date_in_the_netherlands(self) -> None:
        self.assertEqual(clock.today(), dt.date(2023, 3, 1))

    @time_machine.travel(dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC), tick=False)
    def test_a_demo_can_start_the_clock_at_another_moment(self) -> None:
        clock._offset.cache_clear()
        with override_settings(STAP_CLOCK_START="2023-03-01T09:00"):
            self.assertEqual(clock.now(), dt.datetime(2023, 3, 1, 9, 0, tzinfo=clock.AMSTERDAM))
