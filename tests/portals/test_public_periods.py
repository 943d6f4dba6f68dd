"""The public page of periods and draws: the commitment before the opening, the seed and the
entry numbers after it — enough to recompute the order."""

import datetime as dt
from decimal import Decimal
from itertools import islice

from django.test import TestCase
from django.urls import reverse

import time_machine

from stap.budget.models import WaitingRoomEntry
from stap.budget.services import application_period_create
from stap.budget.waiting_room.draw import draw_order
from stap.budget.waiting_room.queue import draw, join
from tests import factories
from tests.budget.bsns import bsns

OPENS = dt.datetime(2027, 3, 17, 9, 0, tzinfo=dt.UTC)


class PublishedDrawTests(TestCase):
    def setUp(self) -> None:
        with time_machine.travel(OPENS - dt.timedelta(days=1), tick=False):
            self.period = application_period_create(
                actor=factories.ACTOR,
                name="Maart 2027",
                opens_at=OPENS,
                closes_at=OPENS + dt.timedelta(days=14),
                budget=Decimal("1000.00"),
            )
            for bsn in islice(bsns(95_000_000), 12):
                join(period=self.period, bsn=bsn)

    def test_before_the_opening_only_the_commitment_is_shown(self) -> None:
        page = self.client.get(reverse("public:periods")).content.decode()

        self.assertIn(self.period.draw_commitment, page)
        self.assertNotIn(self.period.draw_seed, page)
        entries = reverse("public:draw_entries", kwargs={"pk": self.period.pk})
        self.assertEqual(self.client.get(entries).status_code, 404)

    def test_after_the_draw_anyone_can_recompute_the_order_from_the_page(self) -> None:
        with time_machine.travel(OPENS, tick=False):
            draw(period_id=self.period.pk)
        self.period.refresh_from_db()

        page = self.client.get(reverse("public:periods")).content.decode()
        response = self.client.get(reverse("public:draw_entries", kwargs={"pk": self.period.pk}))
        published = b"".join(response.streaming_content).decode().split()  # type: ignore[attr-defined]

        self.assertIn(self.period.draw_seed, page)
        places = dict(WaitingRoomEntry.objects.values_list("entry", "place"))
        order = draw_order(self.period.draw_seed, published)
        self.assertEqual([places[entry] for entry in order], list(range(1, 13)))
