"""The aanmeldingsbewijs as a PDF: A4, the scheme's heading and fixed text, the data, and the
verification code printed and as a QR code to the public check."""

import io

from django.test import override_settings
from django.utils import translation

from pypdf import PdfReader

from stap.enrolments.models import RegistrationProof
from stap.enrolments.proofs.codes import shown
from stap.enrolments.proofs.pdf import FIXED_TEXT, QrCode, check_url, registration_proof_pdf
from tests.enrolments.register_fixture import (
    RegisterTestCase,
)
from tests.enrolments.test_proofs_services import issued

A4_POINTS = (595.28, 841.89)


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def flat(text: str) -> str:
    return " ".join(text.split())


@override_settings(STAP_BASE_URL="https://stap.example")
class PdfTests(RegisterTestCase):
    def issue(self, **changes: str) -> RegistrationProof:
        return issued(self.register, **changes)

    def test_it_is_one_a4_page(self) -> None:
        reader = PdfReader(io.BytesIO(registration_proof_pdf(self.issue())))

        self.assertEqual(len(reader.pages), 1)
        box = reader.pages[0].mediabox
        self.assertAlmostEqual(float(box.width), A4_POINTS[0], places=1)
        self.assertAlmostEqual(float(box.height), A4_POINTS[1], places=1)

    def test_it_has_the_heading_and_the_fixed_text_of_the_scheme(self) -> None:
        text = flat(text_of(registration_proof_pdf(self.issue())))

        self.assertTrue(text.startswith("STAP-aanmeldingsbewijs"))
        self.assertIn(flat(FIXED_TEXT), text)
        self.assertIn("www.uwv.nl/stap", text)

    def test_it_shows_the_provider_the_offer_and_the_student(self) -> None:
        proof = self.issue()

        text = flat(text_of(registration_proof_pdf(proof)))

        provider = self.register.offer.provider
        for expected in (
            provider.name,
            self.register.organisation.kvk_number,
            provider.code,
            str(self.register.offer.scholings_id),
            "Cursus Excel",
            "EXC-2027-01",
            "11-01-2027",
            "€ 900,00",
            "S2026001",
            "Anna",
            "Vries",
            "17-05-1990",
            "Hoofdstraat",
            "1234 AB",
            "Utrecht",
        ):
            with self.subTest(expected):
                self.assertIn(expected, text)

    def test_it_shows_the_code_and_where_to_check_it(self) -> None:
        proof = self.issue()

        text = flat(text_of(registration_proof_pdf(proof)))

        self.assertIn(f"Controlecode {shown(proof.code)}", text)
        self.assertIn(
            "ga naar https://stap.example/aanmeldingsbewijs-controleren/ en vul de controlecode in",
            text,
        )

    def test_the_qr_code_holds_the_link_to_the_public_check(self) -> None:
        proof = self.issue()
        url = check_url(proof.code)

        qr = QrCode(url, size=100)

        self.assertEqual(
            url, f"https://stap.example/aanmeldingsbewijs-controleren/?code={shown(proof.code)}"
        )
        self.assertGreaterEqual(len(qr.matrix), 25)  # a version-2 code or larger: the URL fits

    def test_the_link_is_the_dutch_page_whatever_language_the_provider_reads(self) -> None:
        proof = self.issue()

        with translation.override("en"):
            url = check_url(proof.code)
            text = flat(text_of(registration_proof_pdf(proof)))

        self.assertTrue(url.startswith("https://stap.example/aanmeldingsbewijs-controleren/?"))
        self.assertIn(flat(FIXED_TEXT), text)

    def test_markup_in_a_name_is_printed_not_obeyed(self) -> None:
        proof = self.issue(voornaam="<b>Anna</b> & co")

        text = flat(text_of(registration_proof_pdf(proof)))

        self.assertIn("<b>Anna</b> & co", text)

    def test_letters_outside_latin_1_are_printed(self) -> None:
        proof = self.issue(voornaam="Łukasz", achternaam="Çelik")

        text = text_of(registration_proof_pdf(proof))

        self.assertIn("Łukasz", text)
        self.assertIn("Çelik", text)

    def test_a_multi_year_programme_shows_the_study_year(self) -> None:
        proof = self.issue(
            scholings_id=str(self.register.multi_year.scholings_id),
            cohortcode=self.register.multi_year_cohort.code,
            startdatum="2025-09-01",
            einddatum="2027-08-31",
            studiejaar_begin="2026-12-01",
            studiejaar_eind="2027-08-31",
        )

        text = flat(text_of(registration_proof_pdf(proof)))

        self.assertIn("Studiejaar 01-12-2026 tot en met 31-08-2027", text)
