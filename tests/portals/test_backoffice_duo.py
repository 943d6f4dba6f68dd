"""The DUO screens of the backoffice: "Toegang Mijn DUO" requests and the switch notice."""

import datetime as dt

from django.core.cache import cache
from django.test import Client, TestCase
from django.urls import reverse

import time_machine
from django_otp import DEVICE_ID_SESSION_KEY

from stap.core.audit import Actor
from stap.core.models import ActorKind, AuditEntry, Channel
from stap.identity.access_requests import (
    PersonAsked,
    RequestDetails,
    access_request_start_form,
    access_request_submit,
    access_request_upload_signed,
)
from stap.identity.models import (
    AccessRequest,
    AccessRequestStatus,
    DuoRole,
    Organisation,
    StaffRole,
    SwitchNotice,
    User,
)
from stap.identity.roles import roles_of
from stap.identity.services import staff_user_create
from tests import factories
from tests.mailbox import queued_emails
from tests.pdfs import blank_pdf

PASSWORD = "een-lang-genoeg-wachtwoord"
MOMENT = dt.datetime(2026, 11, 2, 11, 0, tzinfo=dt.UTC)
KVK = "90000021"
S = AccessRequestStatus


def staff(username: str, role: StaffRole = StaffRole.DUO) -> User:
    user, _device = staff_user_create(
        actor=factories.ACTOR, username=username, role=role, password=PASSWORD
    )
    return user


def sign_in_staff(client: Client, user: User) -> None:
    """Signed in with password and second factor, as after the backoffice sign-in page."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.get().persistent_id  # type: ignore[attr-defined]
    session.save()


def details(*persons: PersonAsked, kvk_number: str = KVK) -> RequestDetails:
    return RequestDetails(
        kvk_number=kvk_number,
        organisation_name="Nieuwe Kennis B.V.",
        contact_name="Anouk Jansen",
        contact_email="anouk@example.nl",
        contact_phone="050 599 7738",
        coordinator_name="Bram de Vries",
        coordinator_email="bram@example.nl",
        signatory_name="Chaima Bakker",
        signatory_function="Bestuurder",
        persons=persons
        or (
            PersonAsked(
                name="Daan Smit",
                email="daan@example.nl",
                roles=(DuoRole.BEHEERDER, DuoRole.REGISTREREN),
            ),
        ),
    )


def form_request(*, signed: bool = True, kvk_number: str = KVK) -> AccessRequest:
    """A request on the signed form that makes someone a beheerder."""
    request, upload_code = access_request_start_form(
        details=details(kvk_number=kvk_number), upload_page_url="https://stap.example/upload/"
    )
    if not signed:
        return request
    return access_request_upload_signed(
        reference=request.reference,
        upload_code=upload_code,
        data=blank_pdf(),
        filename="formulier.pdf",
    )


def portal_request(*, organisation: Organisation, requester: User) -> AccessRequest:
    """A request in the portal that makes nobody a beheerder, for the requester themselves."""
    actor = Actor(
        kind=ActorKind.PERSON,
        identifier=requester.username,
        organisation_kvk=organisation.kvk_number,
        channel=Channel.PORTAL,
    )
    return access_request_submit(
        actor=actor,
        details=details(
            PersonAsked(
                name="Eva de Boer",
                email="eva@example.nl",
                roles=(DuoRole.REGISTREREN,),
                user=requester,
            ),
            kvk_number=organisation.kvk_number,
        ),
        requested_by=requester,
    )


def detail_url(request: AccessRequest) -> str:
    return reverse("backoffice:access_request", kwargs={"reference": request.reference})


@time_machine.travel(MOMENT, tick=False)
class OnlyDuoStaffTests(TestCase):
    def setUp(self) -> None:
        cache.clear()
        self.request = form_request()
        self.organisation = factories.legacy_organisation()
        self.urls = [
            reverse("backoffice:access_requests"),
            detail_url(self.request),
            reverse(
                "backoffice:access_request_signed_form",
                kwargs={"reference": self.request.reference},
            ),
            reverse(
                "backoffice:switch_notice", kwargs={"kvk_number": self.organisation.kvk_number}
            ),
        ]

    def test_uwv_staff_get_the_standard_403_page_on_every_duo_screen(self) -> None:
        sign_in_staff(self.client, staff("uwv.jan", StaffRole.UWV))

        for url in self.urls:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 403)
        self.assertFalse(
            AuditEntry.objects.filter(
                action="identity.access_request_signed_form_downloaded"
            ).exists()
        )

    def test_an_anonymous_visitor_is_sent_to_the_sign_in_page(self) -> None:
        for url in self.urls:
            with self.subTest(url=url):
                self.assertRedirects(self.client.get(url), reverse("backoffice:login"))

    def test_staff_without_a_verified_second_factor_are_sent_to_the_sign_in_page(self) -> None:
        self.client.force_login(staff("duo.piet"))

        self.assertRedirects(
            self.client.get(reverse("backoffice:access_requests")), reverse("backoffice:login")
        )

    def test_only_duo_staff_see_the_links_to_the_duo_screens(self) -> None:
        sign_in_staff(self.client, staff("uwv.jan", StaffRole.UWV))
        uwv_page = self.client.get(reverse("backoffice:organisations"))
        sign_in_staff(self.client, staff("duo.piet"))
        duo_page = self.client.get(reverse("backoffice:organisations"))

        for url in (reverse("backoffice:access_requests"), self.urls[3]):
            self.assertNotContains(uwv_page, f'href="{url}"')
            self.assertContains(duo_page, f'href="{url}"')


@time_machine.travel(MOMENT, tick=False)
class AccessRequestListTests(TestCase):
    def setUp(self) -> None:
        cache.clear()
        sign_in_staff(self.client, staff("duo.eerste"))

    def test_the_list_shows_submitted_requests_and_hides_those_awaiting_a_signature(self) -> None:
        submitted = form_request()
        awaiting = form_request(signed=False)

        response = self.client.get(reverse("backoffice:access_requests"))

        self.assertContains(response, f'href="{detail_url(submitted)}"')
        self.assertContains(response, "Nieuwe Kennis B.V.")
        self.assertNotContains(response, awaiting.reference)

    def test_the_status_filter_shows_requests_awaiting_a_signature(self) -> None:
        submitted = form_request()
        awaiting = form_request(signed=False)

        response = self.client.get(
            reverse("backoffice:access_requests"), {"status": S.AWAITING_SIGNATURE}
        )

        self.assertContains(response, awaiting.reference)
        self.assertNotContains(response, submitted.reference)


@time_machine.travel(MOMENT, tick=False)
class FourEyesTests(TestCase):
    def setUp(self) -> None:
        cache.clear()
        self.request = form_request()
        self.checker = staff("duo.eerste")
        self.approver = staff("duo.tweede")

    def _check(self) -> None:
        sign_in_staff(self.client, self.checker)
        response = self.client.post(
            detail_url(self.request),
            {"action": "controleren", "controleren-note": "Uittreksel KvK: bestuurder, alleen."},
        )
        self.assertRedirects(response, detail_url(self.request))

    def test_a_request_making_someone_beheerder_is_checked_by_one_and_approved_by_another(
        self,
    ) -> None:
        self._check()
        self.request.refresh_from_db()
        self.assertEqual(self.request.status, S.CHECKED)
        self.assertEqual(self.request.checked_by, "duo.eerste")

        sign_in_staff(self.client, self.approver)
        response = self.client.post(detail_url(self.request), {"action": "goedkeuren"}, follow=True)

        self.assertContains(response, f"Aanvraag {self.request.reference} is goedgekeurd.")
        self.request.refresh_from_db()
        self.assertEqual(self.request.status, S.APPROVED)
        self.assertEqual(self.request.decided_by, "duo.tweede")
        self.assertIn("daan@example.nl", [email.to[0] for email in queued_emails()])

    def test_the_approve_button_waits_for_the_check(self) -> None:
        sign_in_staff(self.client, self.approver)

        response = self.client.get(detail_url(self.request))

        self.assertContains(response, 'value="controleren"')
        self.assertNotContains(response, 'value="goedkeuren"')

    def test_the_checker_cannot_approve_their_own_check(self) -> None:
        self._check()

        page = self.client.get(detail_url(self.request))
        response = self.client.post(detail_url(self.request), {"action": "goedkeuren"})

        self.assertContains(
            page, "U heeft de tekenbevoegdheid van deze aanvraag zelf gecontroleerd"
        )
        self.assertNotContains(page, 'value="goedkeuren"')
        self.assertContains(
            response,
            "keurt een andere medewerker goed (vier ogen)",
            status_code=400,
        )
        self.request.refresh_from_db()
        self.assertEqual(self.request.status, S.CHECKED)
        self.assertEqual(self.request.decided_by, "")
        self.assertFalse(
            AuditEntry.objects.filter(action="identity.access_request_approved").exists()
        )


@time_machine.travel(MOMENT, tick=False)
class OneStepApprovalTests(TestCase):
    def setUp(self) -> None:
        cache.clear()
        self.organisation = factories.organisation(kvk_number=KVK, name="Nieuwe Kennis B.V.")
        self.requester = factories.eherkenning_user(organisation=self.organisation)
        self.request = portal_request(organisation=self.organisation, requester=self.requester)
        sign_in_staff(self.client, staff("duo.eerste"))

    def test_a_request_without_beheerder_is_approved_in_one_step_and_gives_the_user_the_roles(
        self,
    ) -> None:
        response = self.client.post(
            detail_url(self.request),
            {"action": "goedkeuren", "goedkeuren-note": "Aanvrager logde in met eHerkenning EH3."},
        )

        self.assertRedirects(response, detail_url(self.request))
        self.request.refresh_from_db()
        self.assertEqual(self.request.status, S.APPROVED)
        self.assertEqual(self.request.check_note, "Aanvrager logde in met eHerkenning EH3.")
        self.assertEqual(
            roles_of(user=self.requester, organisation=self.organisation),
            {DuoRole.REGISTREREN},
        )

    def test_a_one_step_approval_without_a_note_is_refused(self) -> None:
        response = self.client.post(
            detail_url(self.request), {"action": "goedkeuren", "goedkeuren-note": "  "}
        )

        self.assertContains(
            response, "Beschrijf hoe u de tekenbevoegdheid heeft gecontroleerd.", status_code=400
        )
        self.request.refresh_from_db()
        self.assertEqual(self.request.status, S.SUBMITTED)
        self.assertEqual(roles_of(user=self.requester, organisation=self.organisation), set())


@time_machine.travel(MOMENT, tick=False)
class RejectionTests(TestCase):
    def setUp(self) -> None:
        cache.clear()
        self.request = form_request()
        sign_in_staff(self.client, staff("duo.eerste"))

    def test_a_rejection_without_a_reason_is_refused(self) -> None:
        response = self.client.post(
            detail_url(self.request), {"action": "afwijzen", "afwijzen-reason": ""}
        )

        self.assertContains(response, "Schrijf de reden van de afwijzing op", status_code=400)
        self.request.refresh_from_db()
        self.assertEqual(self.request.status, S.SUBMITTED)

    def test_a_rejection_with_a_reason_rejects_the_request(self) -> None:
        response = self.client.post(
            detail_url(self.request),
            {"action": "afwijzen", "afwijzen-reason": "De ondertekenaar is niet tekenbevoegd."},
            follow=True,
        )

        self.assertContains(response, f"Aanvraag {self.request.reference} is afgewezen.")
        self.assertContains(response, "De ondertekenaar is niet tekenbevoegd.")
        self.request.refresh_from_db()
        self.assertEqual(self.request.status, S.REJECTED)
        self.assertEqual(self.request.rejection_reason, "De ondertekenaar is niet tekenbevoegd.")

    def test_a_refusal_keeps_what_was_typed(self) -> None:
        self.client.post(
            detail_url(self.request), {"action": "afwijzen", "afwijzen-reason": "Eerste reden."}
        )

        response = self.client.post(
            detail_url(self.request), {"action": "afwijzen", "afwijzen-reason": "Tweede reden."}
        )

        self.assertContains(response, "kan niet meer worden beoordeeld", status_code=400)
        self.assertContains(response, "Tweede reden.</textarea>", status_code=400)
        self.request.refresh_from_db()
        self.assertEqual(self.request.rejection_reason, "Eerste reden.")


@time_machine.travel(MOMENT, tick=False)
class RequestPageTests(TestCase):
    def setUp(self) -> None:
        cache.clear()
        self.duo = staff("duo.eerste")
        sign_in_staff(self.client, self.duo)

    def test_the_page_shows_the_request_and_who_gets_a_code(self) -> None:
        request = form_request()

        response = self.client.get(detail_url(request))

        for text in (
            "Chaima Bakker, Bestuurder",
            "Bram de Vries",
            "anouk@example.nl",
            "daan@example.nl",
            "Beheerder RIO Algemeen, Registreren scholingsaanbod",
            "krijgt bij goedkeuring een code per e-mail",
        ):
            self.assertContains(response, text)

    def test_a_request_awaiting_its_signed_form_says_so_and_offers_no_actions(self) -> None:
        request = form_request(signed=False)

        response = self.client.get(detail_url(request))

        self.assertContains(response, "Het ondertekende formulier is nog niet geüpload.")
        self.assertNotContains(response, 'name="action"')
        self.assertNotContains(response, "ondertekend-formulier.pdf")

    def test_the_signed_form_downloads_as_an_attachment_and_is_audited(self) -> None:
        request = form_request()
        url = reverse(
            "backoffice:access_request_signed_form", kwargs={"reference": request.reference}
        )

        self.assertContains(self.client.get(detail_url(request)), f'href="{url}"')
        response = self.client.get(url)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, blank_pdf())
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response["Content-Disposition"].startswith("attachment;"))
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["Content-Security-Policy"], "sandbox")
        entry = AuditEntry.objects.get(action="identity.access_request_signed_form_downloaded")
        self.assertEqual(entry.actor_id, "duo.eerste")
        self.assertEqual(entry.object_id, str(request.pk))

    def test_a_request_without_a_signed_form_has_nothing_to_download(self) -> None:
        request = form_request(signed=False)

        response = self.client.get(
            reverse(
                "backoffice:access_request_signed_form", kwargs={"reference": request.reference}
            )
        )

        self.assertEqual(response.status_code, 404)

    def test_an_unknown_reference_is_not_found(self) -> None:
        response = self.client.get(
            reverse("backoffice:access_request", kwargs={"reference": "TMD-2026-999999"})
        )

        self.assertEqual(response.status_code, 404)


@time_machine.travel(MOMENT, tick=False)
class SwitchNoticeTests(TestCase):
    def setUp(self) -> None:
        self.organisation = factories.legacy_organisation(name="Oud Instituut")
        factories.token_user(organisation=self.organisation, email="j.jansen@example.nl")
        self.url = reverse(
            "backoffice:switch_notice", kwargs={"kvk_number": self.organisation.kvk_number}
        )
        sign_in_staff(self.client, staff("duo.eerste"))

    def test_the_form_asks_for_the_switch_date(self) -> None:
        response = self.client.get(self.url)

        self.assertContains(response, 'type="date" name="switch_date"')
        self.assertContains(response, "Overstapdatum")
        self.assertContains(
            response, "Vanaf deze datum werkt inloggen met een tokengenerator niet meer."
        )

    def test_a_past_date_is_refused_on_the_field(self) -> None:
        response = self.client.post(self.url, {"switch_date": "2026-11-01"})

        self.assertContains(response, "Kies een overstapdatum in de toekomst", status_code=400)
        self.assertContains(response, 'aria-invalid="true"', status_code=400)
        self.assertFalse(SwitchNotice.objects.exists())

    def test_a_future_date_sends_the_notice_to_the_token_users(self) -> None:
        response = self.client.post(self.url, {"switch_date": "2027-03-01"}, follow=True)

        self.assertContains(response, "Het overstapbericht aan Oud Instituut is verstuurd.")
        self.assertContains(response, "1 maart 2027")
        notice = SwitchNotice.objects.get(organisation=self.organisation)
        self.assertEqual(notice.switch_date, dt.date(2027, 3, 1))
        self.assertEqual(notice.sent_by, "duo.eerste")
        self.assertEqual(
            [email.to for email in queued_emails() if "eHerkenning" in email.subject],
            [["j.jansen@example.nl"]],
        )
        self.assertNotContains(response, 'name="switch_date"')

    def test_a_second_notice_is_refused(self) -> None:
        self.client.post(self.url, {"switch_date": "2027-03-01"})

        response = self.client.post(self.url, {"switch_date": "2027-04-01"})

        self.assertContains(response, "heeft het overstapbericht al gekregen", status_code=400)
        self.assertEqual(
            SwitchNotice.objects.get(organisation=self.organisation).switch_date,
            dt.date(2027, 3, 1),
        )

    def test_an_unknown_kvk_number_is_not_found(self) -> None:
        response = self.client.get(
            reverse("backoffice:switch_notice", kwargs={"kvk_number": "99999999"})
        )

        self.assertEqual(response.status_code, 404)
