"""The "Toegang Mijn DUO" request: submitted, checked by hand, approved by a second person when it
makes someone a beheerder, and roles picked up with a single-use code."""

import datetime as dt

from django.test import SimpleTestCase, TestCase

import time_machine
from hypothesis import given
from hypothesis import strategies as st

from stap.core.audit import Actor
from stap.core.models import ActorKind, Channel
from stap.identity.access_requests import (
    CODE_ALPHABET,
    CODE_LENGTH,
    AccessRequestRefused,
    PersonAsked,
    RequestDetails,
    access_request_approve,
    access_request_check,
    access_request_reject,
    access_request_start_form,
    access_request_submit,
    access_request_upload_signed,
    access_roles_claim,
    formatted_code,
    new_code,
    normalised_code,
)
from stap.identity.models import (
    AccessRequest,
    AccessRequestStatus,
    DuoRole,
    Organisation,
)
from stap.identity.roles import roles_of
from stap.identity.signed_pdf import SignedPdfRefused
from stap.identity.signin import EHerkenningIdentity
from tests import factories
from tests.mailbox import queued_emails
from tests.pdfs import blank_pdf

MOMENT = dt.datetime(2026, 11, 2, 11, 0, tzinfo=dt.UTC)
FIRST = Actor(kind=ActorKind.STAFF, identifier="duo.eerste", channel=Channel.BACKOFFICE)
SECOND = Actor(kind=ActorKind.STAFF, identifier="duo.tweede", channel=Channel.BACKOFFICE)


def details(
    *, kvk_number: str = "90000021", persons: tuple[PersonAsked, ...] | None = None
) -> RequestDetails:
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
        if persons is not None
        else (
            PersonAsked(
                name="Daan Smit",
                email="daan@example.nl",
                roles=(DuoRole.BEHEERDER, DuoRole.REGISTREREN),
            ),
        ),
    )


def identity(kvk_number: str = "90000021", pseudonym: str = "ps-daan") -> EHerkenningIdentity:
    return EHerkenningIdentity(
        service="mijn_duo", kvk_number=kvk_number, pseudonym=pseudonym, level="EH3"
    )


@time_machine.travel(MOMENT, tick=False)
class FormChannelTests(TestCase):
    def start(self) -> tuple[AccessRequest, str]:
        return access_request_start_form(
            details=details(), upload_page_url="https://stap.example/uploaden/"
        )

    def test_a_form_request_waits_for_its_signed_form(self) -> None:
        request, upload_code = self.start()

        self.assertEqual(request.status, AccessRequestStatus.AWAITING_SIGNATURE)
        self.assertRegex(request.reference, r"^TMD-2026-[0-9]{6}$")
        self.assertEqual(len(upload_code), 12)
        self.assertNotIn(upload_code, request.upload_key_hash)

    def test_the_contact_is_emailed_where_to_upload_but_not_the_upload_code(self) -> None:
        _request, upload_code = self.start()

        [email] = queued_emails()
        self.assertEqual(email.to, ["anouk@example.nl"])
        self.assertIn("https://stap.example/uploaden/", email.body)
        self.assertNotIn(upload_code, email.body)

    def test_uploading_the_signed_form_with_the_code_submits_the_request(self) -> None:
        request, upload_code = self.start()

        uploaded = access_request_upload_signed(
            reference=request.reference.lower(),
            upload_code=f" {upload_code[:4]}-{upload_code[4:8]}-{upload_code[8:]} ".lower(),
            data=blank_pdf(),
            filename="formulier.pdf",
        )

        self.assertEqual(uploaded.status, AccessRequestStatus.SUBMITTED)
        self.assertEqual(bytes(uploaded.signed_form), blank_pdf())
        self.assertEqual(len(uploaded.signed_form_sha256), 64)

    def test_a_wrong_upload_code_is_refused_and_stores_nothing(self) -> None:
        request, _upload_code = self.start()

        with self.assertRaises(AccessRequestRefused):
            access_request_upload_signed(
                reference=request.reference,
                upload_code="AAAA-AAAA-AAAA",
                data=blank_pdf(),
                filename="formulier.pdf",
            )

        request.refresh_from_db()
        self.assertEqual(request.status, AccessRequestStatus.AWAITING_SIGNATURE)
        self.assertEqual(bytes(request.signed_form), b"")

    def test_five_wrong_codes_lock_the_reference_even_for_the_right_code(self) -> None:
        request, upload_code = self.start()
        for _attempt in range(5):
            with self.assertRaises(AccessRequestRefused):
                access_request_upload_signed(
                    reference=request.reference,
                    upload_code="AAAA-AAAA-AAAA",
                    data=blank_pdf(),
                    filename="f.pdf",
                )

        with self.assertRaises(AccessRequestRefused) as caught:
            access_request_upload_signed(
                reference=request.reference, upload_code=upload_code, data=blank_pdf(), filename="f"
            )
        self.assertEqual(caught.exception.code, "locked")

    def test_a_file_that_is_not_a_pdf_is_refused_and_the_request_keeps_waiting(self) -> None:
        request, upload_code = self.start()

        with self.assertRaises(SignedPdfRefused):
            access_request_upload_signed(
                reference=request.reference,
                upload_code=upload_code,
                data=b"\x89PNG\r\n\x1a\nnot a pdf",
                filename="scan.pdf",
            )

        request.refresh_from_db()
        self.assertEqual(request.status, AccessRequestStatus.AWAITING_SIGNATURE)

    def test_codes_forgive_case_spaces_dashes_and_look_alike_letters(self) -> None:
        self.assertEqual(normalised_code(" abcd-efgh-o1l0 "), "ABCDEFGH0110")


@time_machine.travel(MOMENT, tick=False)
class DecisionTests(TestCase):
    def submitted(self, *, persons: tuple[PersonAsked, ...] | None = None) -> AccessRequest:
        request, upload_code = access_request_start_form(
            details=details(persons=persons), upload_page_url="https://stap.example/u/"
        )
        return access_request_upload_signed(
            reference=request.reference,
            upload_code=upload_code,
            data=blank_pdf(),
            filename="f.pdf",
        )

    def test_a_request_that_makes_someone_beheerder_cannot_be_approved_unchecked(self) -> None:
        request = self.submitted()

        with self.assertRaises(AccessRequestRefused):
            access_request_approve(actor=FIRST, request=request, note="KvK-uittreksel gezien")

    def test_the_staff_member_who_checked_cannot_also_approve(self) -> None:
        request = access_request_check(
            actor=FIRST, request=self.submitted(), note="KvK-uittreksel: bestuurder"
        )

        with self.assertRaises(AccessRequestRefused) as caught:
            access_request_approve(actor=FIRST, request=request)

        self.assertIn("vier ogen", str(caught.exception))
        request.refresh_from_db()
        self.assertEqual(request.status, AccessRequestStatus.CHECKED)

    def test_a_second_staff_member_approves_and_the_organisation_becomes_known(self) -> None:
        request = access_request_check(
            actor=FIRST, request=self.submitted(), note="KvK-uittreksel: bestuurder"
        )

        approved = access_request_approve(actor=SECOND, request=request)

        self.assertEqual(approved.status, AccessRequestStatus.APPROVED)
        self.assertEqual(approved.checked_by, "duo.eerste")
        self.assertEqual(approved.decided_by, "duo.tweede")
        self.assertTrue(Organisation.objects.filter(kvk_number="90000021").exists())

    def test_a_check_needs_a_note_on_how_the_signatory_was_verified(self) -> None:
        with self.assertRaises(AccessRequestRefused):
            access_request_check(actor=FIRST, request=self.submitted(), note="  ")

    def test_a_request_without_beheerder_is_approved_in_one_step_with_a_note(self) -> None:
        organisation = factories.organisation(kvk_number="90000021")
        colleague = factories.eherkenning_user(organisation=organisation, pseudonym="ps-eva")
        request = access_request_submit(
            actor=FIRST,
            details=details(
                persons=(
                    PersonAsked(
                        name="Eva",
                        email="eva@example.nl",
                        roles=(DuoRole.REGISTREREN,),
                        user=colleague,
                    ),
                )
            ),
            requested_by=colleague,
        )

        access_request_approve(actor=FIRST, request=request, note="Handelsregister gecontroleerd")

        self.assertEqual(roles_of(user=colleague, organisation=organisation), {DuoRole.REGISTREREN})

    def test_rejecting_needs_a_reason_that_the_contact_receives(self) -> None:
        request = self.submitted()
        with self.assertRaises(AccessRequestRefused):
            access_request_reject(actor=FIRST, request=request, reason="")

        access_request_reject(
            actor=FIRST, request=request, reason="De ondertekenaar is niet tekenbevoegd."
        )

        request.refresh_from_db()
        self.assertEqual(request.status, AccessRequestStatus.REJECTED)
        self.assertIn("niet tekenbevoegd", queued_emails()[-1].body)

    def test_a_decided_request_cannot_be_decided_again(self) -> None:
        request = self.submitted()
        access_request_reject(actor=FIRST, request=request, reason="Onvolledig")

        with self.assertRaises(AccessRequestRefused):
            access_request_check(actor=SECOND, request=request, note="toch bekeken")


@time_machine.travel(MOMENT, tick=False)
class ClaimTests(TestCase):
    def approved_code(self) -> str:
        request, upload_code = access_request_start_form(
            details=details(), upload_page_url="https://stap.example/u/"
        )
        access_request_upload_signed(
            reference=request.reference, upload_code=upload_code, data=blank_pdf(), filename="f"
        )
        access_request_check(actor=FIRST, request=request, note="Handelsregister")
        access_request_approve(actor=SECOND, request=request)
        email = next(e for e in queued_emails() if e.to == ["daan@example.nl"])
        return email.body.split("\n\n    ")[1].split("\n")[0]

    def test_an_approved_person_gets_a_code_by_email_that_gives_the_roles(self) -> None:
        code = self.approved_code()
        organisation = Organisation.objects.get(kvk_number="90000021")
        user = factories.eherkenning_user(organisation=organisation, pseudonym="ps-daan")

        roles = access_roles_claim(identity=identity(), user=user, code=code)

        self.assertEqual(sorted(roles), ["beheerder_rio_algemeen", "registreren_scholingsaanbod"])
        self.assertEqual(
            roles_of(user=user, organisation=organisation),
            {DuoRole.BEHEERDER, DuoRole.REGISTREREN},
        )

    def test_a_code_works_once(self) -> None:
        code = self.approved_code()
        organisation = Organisation.objects.get(kvk_number="90000021")
        user = factories.eherkenning_user(organisation=organisation, pseudonym="ps-daan")
        access_roles_claim(identity=identity(), user=user, code=code)
        other = factories.eherkenning_user(organisation=organisation, pseudonym="ps-ander")

        with self.assertRaises(AccessRequestRefused):
            access_roles_claim(identity=identity(pseudonym="ps-ander"), user=other, code=code)

    def test_a_code_does_not_work_for_another_kvk_number(self) -> None:
        code = self.approved_code()
        stranger_organisation = factories.organisation(kvk_number="90000022")
        stranger = factories.eherkenning_user(organisation=stranger_organisation)

        with self.assertRaises(AccessRequestRefused):
            access_roles_claim(identity=identity("90000022"), user=stranger, code=code)

    def test_a_code_expires_after_30_days(self) -> None:
        code = self.approved_code()
        organisation = Organisation.objects.get(kvk_number="90000021")
        user = factories.eherkenning_user(organisation=organisation, pseudonym="ps-daan")

        with (
            time_machine.travel(MOMENT + dt.timedelta(days=31), tick=False),
            self.assertRaises(AccessRequestRefused),
        ):
            access_roles_claim(identity=identity(), user=user, code=code)


class RequestRuleTests(TestCase):
    def test_a_request_needs_at_least_one_person(self) -> None:
        with self.assertRaises(AccessRequestRefused):
            access_request_start_form(
                details=details(persons=()), upload_page_url="https://stap.example/u/"
            )
        self.assertFalse(AccessRequest.objects.exists())


class CodeTypingTests(SimpleTestCase):
    @given(st.text(alphabet=CODE_ALPHABET, min_size=CODE_LENGTH, max_size=CODE_LENGTH))
    def test_a_code_as_printed_and_typed_back_in_lower_case_is_the_same_code(
        self, code: str
    ) -> None:
        self.assertEqual(normalised_code(f"  {formatted_code(code).lower()} "), code)

    @given(st.text(max_size=40))
    def test_anything_typed_normalises_without_error_to_letters_and_digits_only(
        self, typed: str
    ) -> None:
        self.assertNotIn("-", normalised_code(typed))
        self.assertFalse(any(character.isspace() for character in normalised_code(typed)))

    def test_new_codes_use_only_the_alphabet_and_differ(self) -> None:
        codes = {new_code() for _ in range(100)}

        self.assertEqual(len(codes), 100)
        self.assertTrue(all(set(code) <= set(CODE_ALPHABET) for code in codes))
