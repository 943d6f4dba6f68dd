import base64
import datetime as dt
import json
from typing import Any

from django.test import TestCase

from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from stap.budget.models import Application
from stap.budget.pagination import keyset_page
from stap.budget.selectors import SORTS
from tests import factories


class KeysetPageTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        training = factories.training(organisation=factories.organisation())
        cohorts = [
            factories.cohort(training=training, start_date=start)
            for start in (
                dt.date(2026, 1, 1),
                dt.date(2026, 2, 1),
                dt.date(2026, 3, 1),
            )
        ]
        for number in range(23):
            factories.application(
                cohort=cohorts[number % 3], last_name=["Bakker", "Jansen", "Smit"][number % 2]
            )

    def _walk_forward(self, ordering: tuple[str, ...], size: int) -> list[int]:
        seen: list[int] = []
        after = ""
        while True:
            page = keyset_page(Application.objects.all(), ordering=ordering, size=size, after=after)
            seen.extend(row.pk for row in page.rows)
            if page.next_cursor is None:
                return seen
            after = page.next_cursor

    def test_walking_forward_visits_every_row_once_in_order_for_every_sort(self) -> None:
        for key, ordering in SORTS.items():
            with self.subTest(sort=key):
                expected = list(
                    Application.objects.order_by(*ordering).values_list("pk", flat=True)
                )
                self.assertEqual(self._walk_forward(ordering, size=5), expected)

    def test_walking_back_from_the_last_page_returns_the_same_pages(self) -> None:
        ordering = SORTS["student"]
        forward_pages = []
        after = ""
        while True:
            page = keyset_page(Application.objects.all(), ordering=ordering, size=4, after=after)
            forward_pages.append([row.pk for row in page.rows])
            if page.next_cursor is None:
                break
            after = page.next_cursor
        backward_pages = [forward_pages[-1]]
        before = keyset_page(
            Application.objects.all(), ordering=ordering, size=4, after=after
        ).previous_cursor
        while before:
            page = keyset_page(Application.objects.all(), ordering=ordering, size=4, before=before)
            backward_pages.insert(0, [row.pk for row in page.rows])
            before = page.previous_cursor or ""

        self.assertEqual(backward_pages, forward_pages)

    def test_the_first_page_has_no_previous_and_the_last_has_no_next(self) -> None:
        first = keyset_page(Application.objects.all(), ordering=SORTS["-startdatum"], size=100)

        self.assertIsNone(first.previous_cursor)
        self.assertIsNone(first.next_cursor)
        self.assertEqual(len(first.rows), 23)


def _as_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode()


_cursor_values = st.lists(st.text(max_size=10) | st.integers() | st.none(), max_size=4) | st.tuples(
    st.dates().map(str), st.integers(min_value=2**63 - 5, max_value=2**70)
).map(list)


class HostileCursorTests(HypothesisTestCase):
    @settings(max_examples=200, deadline=None)
    @example(cursor="WyJcdTAwMDAiXQ")  # ["\u0000"]: PostgreSQL's text cannot hold a NUL
    @given(cursor=st.text(max_size=60) | _cursor_values.map(_as_cursor))
    def test_any_cursor_gives_a_page_and_never_an_error(self, cursor: str) -> None:
        # Includes ids far beyond a BIGINT and values of the wrong type for the sort column.
        for ordering in SORTS.values():
            keyset_page(Application.objects.all(), ordering=ordering, size=3, after=cursor)
            keyset_page(Application.objects.all(), ordering=ordering, size=3, before=cursor)
