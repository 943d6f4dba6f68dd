"""The waiting-room ticket: signed, for one period and one person, checked without the
database."""

import datetime as dt

from django.test import TestCase

import time_machine

from stap.budget.waiting_room.tickets import (
    Ticket,
    TicketRefused,
    belongs_to,
    issue,
    person_key,
    read,
)

BSN = "111222333"
OTHER_BSN = "123456782"
DAY = dt.timedelta(days=1)


def ticket_for(bsn: str = BSN, period_id: int = 7) -> Ticket:
    return Ticket(period_id=period_id, entry="4F2A9C", person=person_key(bsn))


class TicketTests(TestCase):
    def test_a_ticket_comes_back_as_issued_and_names_its_person(self) -> None:
        with self.assertNumQueries(0):
            ticket = read(issue(ticket_for()), period_id=7, max_age=DAY)

        self.assertEqual(ticket, ticket_for())
        self.assertTrue(belongs_to(ticket, BSN))
        self.assertFalse(belongs_to(ticket, OTHER_BSN))

    def test_the_ticket_does_not_hold_the_bsn(self) -> None:
        self.assertNotIn(BSN, issue(ticket_for()))

    def test_a_forged_ticket_is_refused(self) -> None:
        value = issue(ticket_for())
        body, _colon, signature = value.rpartition(":")
        forged = issue(ticket_for(OTHER_BSN)).rpartition(":")[0] + ":" + signature

        for bad in (forged, body + ":" + "A" * len(signature), "", "not a ticket"):
            with self.subTest(bad=bad), self.assertRaises(TicketRefused):
                read(bad, period_id=7, max_age=DAY)

    def test_an_expired_ticket_is_refused(self) -> None:
        with time_machine.travel(dt.datetime(2027, 2, 1, 9, 0, tzinfo=dt.UTC)):
            value = issue(ticket_for())

        with (
            time_machine.travel(dt.datetime(2027, 2, 2, 9, 1, tzinfo=dt.UTC)),
            self.assertRaises(TicketRefused),
        ):
            read(value, period_id=7, max_age=DAY)

    def test_a_ticket_for_another_period_is_refused(self) -> None:
        with self.assertRaises(TicketRefused):
            read(issue(ticket_for(period_id=8)), period_id=7, max_age=DAY)
