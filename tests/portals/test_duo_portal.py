"""Mijn DUO zakelijk through its pages: token sign-in, enrolment, the switch, autorisatiebeheer,
the Toegang Mijn DUO request and linking a token account to eHerkenning."""

import datetime as dt
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.response import HttpResponseBase
from django.test import TestCase
from django.urls import reverse

import pyotp
import time_machine

from stap.core.models import AuditEntry
from stap.demo.personas import MIJN_DUO
from stap.identity.models import AccessRequest, AccessRequestStatus, DuoRole, TokenGenerator
from stap.identity.roles import roles_of
from stap.identity.token_accounts import switch_notice_send
from tests import factories
from tests.identity.eherkenning_flow import EHerkenningBrowser, form_data, sp_host
from tests.pdfs import blank_pdf
from tests.signin import sign_in_provider

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NOON = dt.datetime(2026, 11, 2, 11, 0, 5, tzinfo=dt.UTC)


def code(moment: dt.datetime = NOON, secret: str = SECRET) -> str:
    return pyotp.TOTP(secret).at(moment)


class DuoPageTestCase(TestCase):
    def setUp(self) -> None:
        self.organisation = factories.legacy_organisation(kvk_number="90000041", name="Oud B.V.")
        self.token_user = factories.token_user(
            organisation=self.organisation, roles=(DuoRole.BEHEERDER, DuoRole.REGISTREREN)
        )

    def token_sign_in(self, moment: dt.datetime = NOON) -> HttpResponseBase:
        return self.client.post(
            reverse("duo:token_sign_in"),
            {"username": "j.jansen", "password": factories.TOKEN_PASSWORD, "code": code(moment)},
        )


@time_machine.travel(NOON, tick=False)
class TokenSignInPageTests(DuoPageTestCase):
    def test_the_start_page_offers_eherkenning_and_the_token_generator(self) -> None:
        response = self.client.get(reverse("duo:start"))

        self.assertContains(response, "Inloggen met eHerkenning")
        self.assertContains(response, "Inloggen met tokengenerator")
        self.assertContains(response, "EH3")
        self.assertContains(response, "Toegang Mijn DUO")

    def test_a_token_user_signs_in_and_sees_their_roles(self) -> None:
        response = self.token_sign_in()

        self.assertRedirects(response, reverse("duo:home"))
        home = self.client.get(reverse("duo:home"))
        self.assertContains(home, "Beheerder RIO Algemeen")
        self.assertContains(home, "tokengenerator")

    def test_a_reused_code_is_refused_with_a_clear_message(self) -> None:
        self.token_sign_in()
        self.client.logout()

        response = self.token_sign_in()

        self.assertContains(response, "Deze code is al gebruikt", status_code=400)
        self.assertContains(response, 'value="j.jansen"', status_code=400)

    def test_a_malformed_code_is_explained_on_the_field(self) -> None:
        response = self.client.post(
            reverse("duo:token_sign_in"),
            {"username": "j.jansen", "password": factories.TOKEN_PASSWORD, "code": "12 34"},
        )

        self.assertContains(response, "De code bestaat uit 6 cijfers", status_code=400)
        self.assertFalse(
            AuditEntry.objects.filter(action__startswith="identity.token_signed_in").exists()
        )

    def test_after_the_notice_the_home_page_shows_the_steps_and_the_date(self) -> None:
        switch_notice_send(
            actor=factories.ACTOR, organisation=self.organisation, switch_date=dt.date(2026, 12, 1)
        )
        self.token_sign_in()

        home = self.client.get(reverse("duo:home"))

        self.assertContains(home, "Stap vóór 1 december 2026 over op eHerkenning")
        self.assertContains(home, "Stel een coördinator aan")
        self.assertContains(home, "machtigingenbeheerder")
        self.assertContains(home, "EH3 (substantieel)")
        self.assertContains(home, reverse("duo:link"))

    def test_after_the_switch_date_token_sign_in_is_refused_with_the_steps(self) -> None:
        switch_notice_send(
            actor=factories.ACTOR, organisation=self.organisation, switch_date=dt.date(2026, 11, 10)
        )
        later = dt.datetime(2026, 11, 10, 9, 0, tzinfo=dt.UTC)

        with time_machine.travel(later, tick=False):
            response = self.token_sign_in(later)

        self.assertContains(response, "Inloggen met tokengenerator kan niet meer", status_code=403)
        self.assertContains(response, "10 november 2026", status_code=403)
        self.assertContains(response, "Mijn DUO voor zakelijke gebruikers", status_code=403)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_a_signed_in_token_user_is_signed_out_when_the_switch_date_arrives(self) -> None:
        switch_notice_send(
            actor=factories.ACTOR, organisation=self.organisation, switch_date=dt.date(2026, 11, 3)
        )
        self.token_sign_in()

        with time_machine.travel(dt.datetime(2026, 11, 3, 9, 0, tzinfo=dt.UTC), tick=False):
            response = self.client.get(reverse("duo:home"))

        self.assertRedirects(response, reverse("duo:start"), fetch_redirect_response=False)


@time_machine.travel(NOON, tick=False)
class EnrolmentPageTests(DuoPageTestCase):
    def test_a_new_token_user_sees_a_qr_code_and_a_manual_key_then_signs_in(self) -> None:
        user = factories.token_user(organisation=self.organisation, username="nieuw", secret=None)

        start = self.client.post(
            reverse("duo:enrol_start"),
            {"username": "nieuw", "password": factories.TOKEN_PASSWORD},
        )
        self.assertRedirects(start, reverse("duo:enrol_confirm"))
        page = self.client.get(reverse("duo:enrol_confirm"))
        secret = TokenGenerator.objects.get(user=user).secret
        self.assertContains(page, "<svg")
        self.assertContains(page, secret[:4] + " " + secret[4:8])

        done = self.client.post(reverse("duo:enrol_confirm"), {"code": code(secret=secret)})

        self.assertRedirects(done, reverse("duo:home"))
        self.assertEqual(int(self.client.session["_auth_user_id"]), user.pk)

    def test_the_enrolment_page_needs_the_password_step_first(self) -> None:
        response = self.client.get(reverse("duo:enrol_confirm"))

        self.assertRedirects(response, reverse("duo:enrol_start"))


@time_machine.travel(NOON, tick=False)
class AutorisatiebeheerTests(DuoPageTestCase):
    def test_the_beheerder_sees_roles_sign_in_means_and_last_sign_in(self) -> None:
        factories.eherkenning_user(organisation=self.organisation, pseudonym="ps-eva")
        self.token_sign_in()

        response = self.client.get(reverse("duo:users"))

        self.assertContains(response, "J Jansen")
        self.assertContains(response, "tokengenerator (moet overstappen)")
        self.assertContains(response, "Persoon ps-eva")
        self.assertContains(response, "nooit")
        self.assertContains(response, "2 november 2026")

    def test_the_beheerder_gives_a_colleague_a_role(self) -> None:
        colleague = factories.eherkenning_user(organisation=self.organisation, pseudonym="ps-eva")
        self.token_sign_in()

        response = self.client.post(
            reverse("duo:user_roles", kwargs={"user_id": colleague.pk}),
            {"roles": [DuoRole.REGISTREREN]},
        )

        self.assertRedirects(response, reverse("duo:users"))
        self.assertEqual(
            roles_of(user=colleague, organisation=self.organisation), {DuoRole.REGISTREREN}
        )

    def test_a_user_of_another_organisation_answers_404(self) -> None:
        other = factories.organisation(kvk_number="90000042")
        stranger = factories.eherkenning_user(organisation=other, pseudonym="ps-vreemd")
        self.token_sign_in()

        response = self.client.get(reverse("duo:user_roles", kwargs={"user_id": stranger.pk}))

        self.assertEqual(response.status_code, 404)

    def test_removing_your_own_last_beheerder_role_is_refused_on_the_form(self) -> None:
        self.token_sign_in()

        response = self.client.post(
            reverse("duo:user_roles", kwargs={"user_id": self.token_user.pk}),
            {"roles": [DuoRole.REGISTREREN]},
        )

        self.assertContains(response, "laatste beheerder", status_code=400)

    def test_without_the_beheerder_role_the_page_says_what_to_request_and_how(self) -> None:
        colleague = factories.eherkenning_user(organisation=self.organisation, pseudonym="ps-eva")
        sign_in_provider(self.client, kvk_number="90000041", pseudonym="ps-eva", service="mijn_duo")
        self.assertEqual(colleague.username, "eh:90000041:ps-eva")

        response = self.client.get(reverse("duo:users"))

        self.assertContains(response, "Beheerder RIO Algemeen", status_code=403)
        self.assertContains(response, "J Jansen", status_code=403)
        self.assertContains(response, reverse("duo:access_request"), status_code=403)

    def test_a_visitor_who_is_not_signed_in_is_sent_to_the_start_page(self) -> None:
        response = self.client.get(reverse("duo:users"))

        self.assertRedirects(response, reverse("duo:start"))

    def test_an_opleidersportaal_sign_in_does_not_open_mijn_duo(self) -> None:
        sign_in_provider(self.client, kvk_number="90000041")

        response = self.client.get(reverse("duo:home"))

        self.assertRedirects(response, reverse("duo:start"))


def person_fields(prefix: str = "persoon", **first: object) -> dict[str, object]:
    data: dict[str, object] = {
        f"{prefix}-TOTAL_FORMS": "3",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "10",
    }
    for key, value in first.items():
        data[f"{prefix}-0-{key}"] = value
    return data


REQUEST_FIELDS = {
    "organisation_name": "Nieuwe Kennis B.V.",
    "contact_name": "Anouk Jansen",
    "contact_email": "anouk@example.nl",
    "contact_phone": "050 599 7738",
    "coordinator_name": "Bram de Vries",
    "coordinator_email": "bram@example.nl",
    "signatory_name": "Chaima Bakker",
    "signatory_function": "Bestuurder",
}


class AccessRequestPageTests(TestCase):
    def test_someone_signed_in_with_eherkenning_requests_roles_for_themself(self) -> None:
        sign_in_provider(self.client, kvk_number="90000051", service="mijn_duo")

        response = self.client.post(
            reverse("duo:access_request"),
            {**REQUEST_FIELDS, "own_roles": [DuoRole.BEHEERDER], **person_fields()},
        )

        self.assertRedirects(response, reverse("duo:home"))
        request = AccessRequest.objects.get()
        self.assertEqual(request.kvk_number, "90000051")
        self.assertEqual(request.status, AccessRequestStatus.SUBMITTED)
        [person] = request.persons.all()
        self.assertEqual(person.roles, [DuoRole.BEHEERDER])
        self.assertIsNotNone(person.user)

    def test_the_kvk_number_comes_from_the_sign_in_not_the_form(self) -> None:
        sign_in_provider(self.client, kvk_number="90000051", service="mijn_duo")

        self.client.post(
            reverse("duo:access_request"),
            {
                **REQUEST_FIELDS,
                "kvk_number": "90000099",
                "own_roles": [DuoRole.BEHEERDER],
                **person_fields(),
            },
        )

        self.assertEqual(AccessRequest.objects.get().kvk_number, "90000051")

    def test_a_half_filled_person_is_explained_per_field_and_nothing_is_stored(self) -> None:
        sign_in_provider(self.client, kvk_number="90000051", service="mijn_duo")

        response = self.client.post(
            reverse("duo:access_request"),
            {**REQUEST_FIELDS, "contact_phone": "bel me", **person_fields(name="Eva")},
        )

        self.assertContains(response, "Vul het e-mailadres van deze persoon in.", status_code=400)
        self.assertContains(response, "Kies minstens één rol voor deze persoon.", status_code=400)
        self.assertContains(response, "Vul een telefoonnummer in", status_code=400)
        self.assertContains(response, 'value="Eva"', status_code=400)
        self.assertFalse(AccessRequest.objects.exists())

    def test_the_public_form_gives_a_pdf_to_sign_and_takes_the_signed_upload(self) -> None:
        response = self.client.post(
            reverse("duo:access_form"),
            {
                **REQUEST_FIELDS,
                "kvk_number": "90000052",
                **person_fields(
                    name="Daan Smit", email="daan@example.nl", roles=[DuoRole.BEHEERDER]
                ),
            },
        )
        request = AccessRequest.objects.get()
        self.assertRedirects(
            response, reverse("duo:access_form_ready", kwargs={"reference": request.reference})
        )
        ready = self.client.get(response["Location"]).content.decode()
        upload_code = re.search(r'id="uploadcode">([A-Z0-9-]+)<', ready)
        assert upload_code is not None

        pdf = self.client.get(
            reverse("duo:access_form_pdf", kwargs={"reference": request.reference})
        )
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        self.assertTrue(pdf.content.startswith(b"%PDF-"))

        not_a_pdf = self.client.post(
            reverse("duo:access_form_upload"),
            {
                "reference": request.reference,
                "upload_code": upload_code.group(1),
                "signed_form": _file(b"\x89PNG\r\n\x1a\n", "scan.png"),
            },
        )
        self.assertContains(not_a_pdf, "Het bestand scan.png is geen PDF", status_code=400)
        uploaded = self.client.post(
            reverse("duo:access_form_upload"),
            {
                "reference": request.reference,
                "upload_code": upload_code.group(1),
                "signed_form": _file(blank_pdf(), "getekend.pdf"),
            },
        )
        self.assertContains(uploaded, "Formulier ontvangen")
        request.refresh_from_db()
        self.assertEqual(request.status, AccessRequestStatus.SUBMITTED)

    def test_the_pdf_of_a_form_is_only_for_the_browser_that_made_it(self) -> None:
        self.client.post(
            reverse("duo:access_form"),
            {
                **REQUEST_FIELDS,
                "kvk_number": "90000052",
                **person_fields(name="Daan", email="daan@example.nl", roles=[DuoRole.BEHEERDER]),
            },
        )
        reference = AccessRequest.objects.get().reference
        self.client.logout()
        other = self.client_class()

        response = other.get(reverse("duo:access_form_pdf", kwargs={"reference": reference}))

        self.assertEqual(response.status_code, 404)

    def test_an_upload_for_an_unknown_reference_is_refused_without_reading_the_file(self) -> None:
        response = self.client.post(
            reverse("duo:access_form_upload"),
            {
                "reference": "TMD-2026-000001",
                "upload_code": "ABCD-EFGH-JKMN",
                "signed_form": _file(b"\x89PNG\r\n\x1a\n", "scan.png"),
            },
        )

        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "kenmerk of de uploadcode klopt niet", status_code=400)


def _file(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


@time_machine.travel(NOON, tick=False)
class LinkThroughEHerkenningTests(DuoPageTestCase):
    """The whole guided switch, through the real SP code path and the test broker."""

    def link(self, kvk_number: str = "90000041") -> HttpResponseBase:
        self.token_sign_in()
        browser = EHerkenningBrowser(self.client)
        url, fields = browser.start_at(reverse("duo:link"))
        persona_page = browser.post_to_broker(url, fields)
        acs = browser.choose(
            persona_page,
            form_data(kvk_number=kvk_number, company_name="Oud B.V.", authorisations=[MIJN_DUO]),
        )
        return browser.return_to_sp(acs)

    def test_a_token_user_links_eherkenning_and_keeps_their_roles(self) -> None:
        response = self.link()

        self.assertRedirects(response, reverse("duo:link_result"), fetch_redirect_response=False)
        result = self.client.get(reverse("duo:link_result"), headers={"host": sp_host()})
        self.assertContains(result, "Gekoppeld aan eHerkenning")
        self.assertContains(result, "Beheerder RIO Algemeen")
        self.token_user.refresh_from_db()
        self.assertFalse(self.token_user.is_active)
        assert self.token_user.linked_to is not None
        self.assertEqual(
            roles_of(user=self.token_user.linked_to, organisation=self.organisation),
            {DuoRole.BEHEERDER, DuoRole.REGISTREREN},
        )
        users = self.client.get(reverse("duo:users"), headers={"host": sp_host()})
        self.assertContains(users, "J Jansen")
        self.assertNotContains(users, "tokengenerator (moet overstappen)")

    def test_linking_with_eherkenning_of_another_organisation_is_refused(self) -> None:
        factories.organisation(kvk_number="90000043")

        self.link(kvk_number="90000043")

        result = self.client.get(reverse("duo:link_result"), headers={"host": sp_host()})
        self.assertContains(result, "Koppelen is niet gelukt", status_code=400)
        self.assertContains(result, "90000041", status_code=400)
        self.token_user.refresh_from_db()
        self.assertTrue(self.token_user.is_active)
