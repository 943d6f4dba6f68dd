"""UWV's budget screens in the backoffice: periods, the grant cap, and the stand-in registers
for the population register and DUO's student finance. A BSN never appears in a URL."""

import datetime as dt
from decimal import Decimal

from django.test import TestCase
from django.urls import reverse

import time_machine

from stap.budget.models import (
    Application,
    ApplicationPeriod,
    ApplicationStatus,
    GrantCap,
    StudentFinance,
)
from stap.core.models import AuditEntry
from stap.identity.models import Resident, StaffRole
from tests.budget.bsns import bsns
from tests.budget.test_applying import BSN, ApplyingTestCase
from tests.portals.test_backoffice_duo import sign_in_staff, staff

NOW = dt.datetime(2027, 2, 1, 9, 0, tzinfo=dt.UTC)
STAFF_BSN = next(bsns(70_000_000))
UNKNOWN_BSN = next(bsns(71_000_000))
SCREENS = ("periods", "period_new", "grant_caps", "residents", "student_finance")


@time_machine.travel(NOW, tick=False)
class BudgetScreenTests(TestCase):
    def setUp(self) -> None:
        sign_in_staff(self.client, staff("uwv.anna", StaffRole.UWV))

    def post(self, name: str, data: dict[str, str], **kwargs: int) -> tuple[int, str]:
        response = self.client.post(reverse(f"backoffice:{name}", kwargs=kwargs), data, follow=True)
        chain = " ".join(url for url, _status in response.redirect_chain)
        self.assertNotIn(STAFF_BSN, chain)
        return response.status_code, response.content.decode()

    def test_a_new_period_opens_at_ten_dutch_time_with_its_budget_and_reserve(self) -> None:
        status, page = self.post(
            "period_new",
            {
                "name": "Maart 2027",
                "opens_on": "2027-03-17",
                "opens_time": "10:00",
                "closes_on": "31-03-2027",
                "closes_time": "10:00",
                "budget": "34.000.000,00",
                "reserved_budget": "500.000",
                "carries_over": "on",
            },
        )

        period = ApplicationPeriod.objects.get()
        self.assertEqual(status, 200)
        self.assertEqual(period.opens_at, dt.datetime(2027, 3, 17, 9, 0, tzinfo=dt.UTC))
        self.assertEqual(period.budget, Decimal("34000000.00"))
        self.assertEqual(period.reserved_budget, Decimal("500000.00"))
        self.assertTrue(period.carries_over)
        self.assertIn("Maart 2027", page)

    def test_a_period_that_closes_before_it_opens_or_reserves_too_much_is_refused(self) -> None:
        status, page = self.post(
            "period_new",
            {
                "name": "Fout",
                "opens_on": "2027-03-17",
                "opens_time": "10:00",
                "closes_on": "2027-03-16",
                "closes_time": "10:00",
                "budget": "100",
                "reserved_budget": "200",
            },
        )

        self.assertEqual(status, 400)
        self.assertIn("Het tijdvak moet sluiten na de opening.", page)
        self.assertIn("De reservering kan niet groter zijn dan het budget.", page)
        self.assertFalse(ApplicationPeriod.objects.exists())

    def test_a_period_is_postponed_from_its_page(self) -> None:
        self.test_a_new_period_opens_at_ten_dutch_time_with_its_budget_and_reserve()
        period = ApplicationPeriod.objects.get()

        status, page = self.post(
            "period",
            {
                "actie": "uitstellen",
                "opens_on": "2027-03-20",
                "opens_time": "10:00",
                "closes_on": "2027-04-03",
                "closes_time": "10:00",
                "reason": "Storing bij de opening.",
            },
            pk=period.pk,
        )

        period.refresh_from_db()
        self.assertEqual(status, 200)
        self.assertEqual(period.original_opens_at, dt.datetime(2027, 3, 17, 9, 0, tzinfo=dt.UTC))
        self.assertIn("Storing bij de opening.", page)

    def test_the_waiting_rooms_pace_is_set_on_the_period_page(self) -> None:
        self.test_a_new_period_opens_at_ten_dutch_time_with_its_budget_and_reserve()
        period = ApplicationPeriod.objects.get()

        status, page = self.post("period", {"actie": "tempo", "per_minute": "500"}, pk=period.pk)
        refused, _page = self.post("period", {"actie": "tempo", "per_minute": "0"}, pk=period.pk)

        period.refresh_from_db()
        self.assertEqual(status, 200)
        self.assertEqual(period.admission_per_minute, 500)
        self.assertIn("500 mensen per minuut", page)
        self.assertEqual(refused, 400)
        self.assertTrue(AuditEntry.objects.filter(action="budget.admission_pace_set").exists())

    def test_the_grant_cap_for_a_year_is_set_and_audited(self) -> None:
        status, _page = self.post("grant_caps", {"year": "2027", "maximum": "250"})

        self.assertEqual(status, 200)
        self.assertEqual(GrantCap.objects.get(year=2027).maximum, 250)
        self.assertTrue(AuditEntry.objects.filter(action="budget.grant_cap_set").exists())

    def test_a_person_is_looked_up_by_bsn_then_recorded_and_shown_masked(self) -> None:
        _status, page = self.post("residents", {"actie": "zoeken", "bsn": STAFF_BSN})
        self.assertIn("staat er nog niet in", page)

        status, page = self.post(
            "residents",
            {
                "actie": "opslaan",
                "bsn": STAFF_BSN,
                "first_names": "Fatima",
                "last_name": "El Amrani",
                "birth_date": "1988-04-02",
                "city": "Utrecht",
            },
        )

        self.assertEqual(status, 200)
        self.assertEqual(Resident.objects.get(bsn=STAFF_BSN).last_name, "El Amrani")
        self.assertIn(f"••••••{STAFF_BSN[-3:]}", page)
        self.assertNotIn(STAFF_BSN, page)
        _status, page = self.post("residents", {"actie": "zoeken", "bsn": STAFF_BSN})
        self.assertIn('value="1988-04-02"', page)

    def test_a_bsn_failing_the_eleven_test_is_refused_with_the_reason(self) -> None:
        status, page = self.post("residents", {"actie": "zoeken", "bsn": "123456789"})

        self.assertEqual(status, 400)
        self.assertIn("11-proef", page)

    def test_student_finance_is_recorded_and_looked_up(self) -> None:
        self.post(
            "student_finance",
            {
                "actie": "opslaan",
                "bsn": STAFF_BSN,
                "kind": "studiefinanciering",
                "starts_on": "2026-09-01",
            },
        )

        _status, page = self.post("student_finance", {"actie": "zoeken", "bsn": STAFF_BSN})

        self.assertEqual(StudentFinance.objects.get().starts_on, dt.date(2026, 9, 1))
        self.assertIn("loopt door", page)

    def test_only_uwv_staff_reach_the_budget_screens(self) -> None:
        self.client.logout()
        sign_in_staff(self.client, staff("duo.piet", StaffRole.DUO))

        for name in SCREENS:
            with self.subTest(name):
                self.assertEqual(self.client.get(reverse(f"backoffice:{name}")).status_code, 403)


class ApplicationScreenTests(ApplyingTestCase):
    def setUp(self) -> None:
        super().setUp()
        sign_in_staff(self.client, staff("uwv.beoordelaar", StaffRole.UWV))

    def in_review(self) -> Application:
        self.pre_register()
        return self.apply(bsn=UNKNOWN_BSN)  # not in the population register: set aside

    def test_an_application_set_aside_is_granted_by_uwv_from_the_budget(self) -> None:
        application = self.in_review()
        url = reverse("backoffice:application", kwargs={"pk": application.pk})

        response = self.client.post(url, {"actie": "toekennen", "reason": ""}, follow=True)

        application.refresh_from_db()
        self.assertEqual(application.status, ApplicationStatus.PROVISIONALLY_GRANTED)
        self.assertContains(response, "voorlopig toegekend")

    def test_rejecting_needs_a_reason_from_the_list(self) -> None:
        application = self.in_review()
        url = reverse("backoffice:application", kwargs={"pk": application.pk})

        refused = self.client.post(url, {"actie": "afwijzen", "reason": ""})
        self.client.post(url, {"actie": "afwijzen", "reason": "studiefinanciering"})

        self.assertContains(refused, "Kies de reden van de afwijzing.", status_code=400)
        application.refresh_from_db()
        self.assertEqual(application.status, ApplicationStatus.REJECTED)
        self.assertEqual(application.rejection_reason, "studiefinanciering")

    def test_the_decision_letter_downloads_as_a_pdf(self) -> None:
        application = self.in_review()

        response = self.client.get(
            reverse("backoffice:application_letter", kwargs={"pk": application.pk})
        )

        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))

    def test_uwv_applies_for_someone_from_the_reserved_budget(self) -> None:
        ApplicationPeriod.objects.filter(pk=self.period.pk).update(
            reserved_budget=Decimal("5000.00")
        )
        self.pre_register()

        response = self.client.post(
            reverse("backoffice:apply_on_behalf"),
            {
                "period": self.period.pk,
                "bsn": BSN,
                "studentnummer": "S2026001",
                "code": self.proof.code,
            },
            follow=True,
        )

        application = Application.objects.get()
        self.assertTrue(application.assisted)
        self.assertEqual(application.status, ApplicationStatus.PROVISIONALLY_GRANTED)
        self.period.refresh_from_db()
        self.assertEqual(self.period.granted_reserved, application.amount)
        self.assertNotIn(BSN, " ".join(url for url, _status in response.redirect_chain))
