"""Mijn STAP-budget: the waiting room and the application behind it.

A place is taken with a DigiD sign-in and kept in a ticket cookie; the waiting page writes
nothing; the form opens only for an admitted ticket of the signed-in person; a pre-registered
student confirms the provider's data and is granted; the letter downloads; someone else's
application answers 404."""

import datetime as dt

from django.contrib.sessions.models import Session
from django.urls import reverse

import time_machine

from stap.budget.models import Application, ApplicationStatus, WaitingRoomEntry
from stap.budget.waiting_room import state, tickets
from stap.budget.waiting_room.queue import draw
from tests.budget.test_applying import BSN, OTHER_BSN, ApplyingTestCase
from tests.enrolments.register_fixture import MOMENT
from tests.portals.test_citizen import sign_in_citizen


class WaitingRoomPageTests(ApplyingTestCase):
    def setUp(self) -> None:
        super().setUp()
        state.forget()
        sign_in_citizen(self.client, bsn=BSN)

    def join(self) -> None:
        response = self.client.post(reverse("citizen:waiting_room_join"))
        self.assertRedirects(
            response, reverse("citizen:waiting_room"), fetch_redirect_response=False
        )

    def test_joining_gives_a_ticket_for_the_person_not_the_device(self) -> None:
        self.join()
        first = self.client.cookies[tickets.COOKIE].value
        self.join()

        self.assertEqual(WaitingRoomEntry.objects.count(), 1)
        ticket = tickets.read(first, period_id=self.period.pk, max_age=dt.timedelta(days=60))
        self.assertTrue(tickets.belongs_to(ticket, BSN))
        self.assertNotIn(BSN, first)

    def test_waiting_needs_no_sign_in_and_writes_nothing(self) -> None:
        self.join()
        draw(period_id=self.period.pk)
        self.client.cookies.pop("sessionid")
        sessions = Session.objects.count()

        with self.assertNumQueries(2):  # the period once a second, the place once per ticket
            page = self.client.get(reverse("citizen:waiting_room"))
        with self.assertNumQueries(0):
            again = self.client.get(reverse("citizen:waiting_room"))

        self.assertContains(page, "U bent aan de beurt.")
        self.assertContains(again, "U bent aan de beurt.")
        self.assertEqual(Session.objects.count(), sessions)

    def test_a_signed_in_poll_does_not_save_the_session_either(self) -> None:
        self.join()
        session = Session.objects.get()
        before = session.expire_date

        with time_machine.travel(MOMENT + dt.timedelta(minutes=5), tick=False):
            self.client.get(reverse("citizen:waiting_room"))

        self.assertEqual(Session.objects.get().expire_date, before)

    def test_before_the_draw_the_page_says_when_places_are_drawn(self) -> None:
        self.join()

        page = self.client.get(reverse("citizen:waiting_room"))

        self.assertContains(page, "wordt om")
        self.assertContains(page, 'http-equiv="refresh"')


class ApplyPageTests(ApplyingTestCase):
    def setUp(self) -> None:
        super().setUp()
        state.forget()
        sign_in_citizen(self.client, bsn=BSN)

    def admitted(self) -> None:
        self.client.post(reverse("citizen:waiting_room_join"))
        draw(period_id=self.period.pk)
        self.client.get(reverse("citizen:waiting_room"))  # writes the place into the ticket

    def test_without_an_admitted_ticket_the_form_sends_you_to_the_waiting_room(self) -> None:
        response = self.client.get(reverse("citizen:apply"))

        self.assertRedirects(
            response, reverse("citizen:waiting_room"), fetch_redirect_response=False
        )

    def test_someone_elses_ticket_does_not_open_the_form(self) -> None:
        self.admitted()
        sign_in_citizen(self.client, bsn=OTHER_BSN)

        response = self.client.get(reverse("citizen:apply"))

        self.assertEqual(response.status_code, 302)

    def test_a_pre_registered_student_confirms_the_providers_data_and_is_granted(self) -> None:
        self.pre_register(subsidiebedrag="850,00")
        self.admitted()
        typed = {"studentnummer": "S2026001", "code": self.proof.code}

        preview = self.client.post(reverse("citizen:apply"), {**typed, "actie": "controleren"})
        self.assertContains(preview, "Uw opleider heeft u vooraangemeld")
        self.assertContains(preview, "€ 850,00")
        self.assertFalse(Application.objects.exists())

        done = self.client.post(reverse("citizen:apply"), {**typed, "actie": "indienen"})

        application = Application.objects.get()
        self.assertRedirects(
            done,
            reverse("citizen:application", kwargs={"pk": application.pk}),
            fetch_redirect_response=False,
        )
        self.assertEqual(application.status, ApplicationStatus.PROVISIONALLY_GRANTED)
        page = self.client.get(done["Location"])
        self.assertContains(page, application.aanvraagnummer or "-")
        letter = self.client.get(
            reverse("citizen:application_letter", kwargs={"pk": application.pk})
        )
        self.assertTrue(letter.content.startswith(b"%PDF"))

    def test_a_wrong_code_is_refused_with_the_reason(self) -> None:
        self.admitted()

        response = self.client.post(
            reverse("citizen:apply"),
            {"studentnummer": "S2026001", "code": "AAAA-AAAA-AAAA", "actie": "controleren"},
        )

        self.assertContains(response, "Deze controlecode kennen wij niet", status_code=400)

    def test_someone_elses_application_answers_404(self) -> None:
        self.admitted()
        self.client.post(
            reverse("citizen:apply"),
            {
                "studentnummer": "S2026001",
                "code": self.proof.code,
                "actie": "indienen",
                "cohort": self.register.cohort.pk,
                "start_date": "2027-01-11",
                "amount": "900,00",
            },
        )
        application = Application.objects.get()
        sign_in_citizen(self.client, bsn=OTHER_BSN)

        response = self.client.get(reverse("citizen:application", kwargs={"pk": application.pk}))

        self.assertEqual(response.status_code, 404)


class WaitingRoomStatusTests(ApplyingTestCase):
    def test_the_status_a_script_polls_costs_no_query_and_no_session_write(self) -> None:
        sign_in_citizen(self.client, bsn=BSN)
        self.client.post(reverse("citizen:waiting_room_join"))
        draw(period_id=self.period.pk)
        self.client.get(reverse("citizen:waiting_room"))  # the place into the ticket
        self.client.cookies.pop("sessionid")

        with self.assertNumQueries(0):
            status = self.client.get(reverse("citizen:waiting_room_status")).json()

        self.assertEqual(status["place"], 1)
        self.assertTrue(status["admitted"])
        self.assertEqual(status["left"], "€ 100.000,00")

    def test_without_a_ticket_the_status_says_so(self) -> None:
        status = self.client.get(reverse("citizen:waiting_room_status")).json()

        self.assertEqual(status, {"ticket": False})
