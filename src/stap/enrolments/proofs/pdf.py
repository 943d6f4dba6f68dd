"""The STAP-aanmeldingsbewijs as an A4 PDF: one layout for every provider.

The scheme's rules ask for A4, the heading "STAP-aanmeldingsbewijs", the required data and a fixed
text about applying at UWV. Every provider used to make its own PDF, and students' applications
failed on data that did not match; this layout is the same for everyone and carries a
verification code (printed, and as a QR code linking to the public check) so that anyone can see
whether it is ours and still valid.

The text is Dutch: the bewijs is a statement for a Dutch scheme. Everything a provider typed is
escaped, because reportlab's Paragraph reads markup. Only a valid bewijs is drawn; the portal
does not hand out a revoked or replaced one.
"""

from decimal import Decimal
from typing import Final
from urllib.parse import urlencode
from xml.sax.saxutils import escape

from django.conf import settings
from django.urls import reverse
from django.utils import translation

import qrcode
import qrcode.constants
from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from stap.core.clock import AMSTERDAM
from stap.core.money import format_euros
from stap.core.pdf_styles import BODY, PROMINENT, SECTION, TITLE, a4_pdf, label_rows, plain
from stap.enrolments.models import RegistrationProof
from stap.enrolments.proofs.codes import shown

HEADING: Final = "STAP-aanmeldingsbewijs"
# The scheme's own words (stapvooropleiders.nl, "specificaties STAP-aanmeldingsbewijs").
FIXED_TEXT: Final = (
    "Dit STAP-aanmeldingsbewijs heeft u nodig om uw STAP-subsidie aan te kunnen aanvragen bij "
    "UWV. U kunt dit doen via www.uwv.nl/stap"
)


def check_page() -> str:
    """The public check's address, in Dutch (without a language prefix) whoever asks."""
    with translation.override("nl"):
        return f"{settings.STAP_BASE_URL}{reverse('public:proof_check')}"


def check_url(code: str) -> str:
    """The public check, with the code filled in: what the QR code links to."""
    return f"{check_page()}?{urlencode({'code': shown(code)})}"


class QrCode(Flowable):
    """A QR code drawn as vector squares: sharp at any print size, no image library needed."""

    def __init__(self, data: str, *, size: float) -> None:
        super().__init__()
        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
        code.add_data(data)
        code.make(fit=True)
        self.matrix: list[list[bool]] = code.get_matrix()
        self.size = size
        self.width = self.height = size

    def draw(self) -> None:
        canvas = self.canv
        modules = len(self.matrix)
        cell = self.size / modules
        canvas.setFillColor(colors.black)
        for row_number, row in enumerate(self.matrix):
            for column, dark in enumerate(row):
                if dark:
                    x = column * cell
                    y = self.size - (row_number + 1) * cell
                    canvas.rect(x, y, cell, cell, stroke=0, fill=1)


def _day(value: object) -> str:
    return f"{value:%d-%m-%Y}" if value else ""


def _euros(amount: Decimal) -> str:
    return format_euros(amount)


def registration_proof_pdf(proof: RegistrationProof) -> bytes:
    """The bewijs as an A4 PDF."""
    with translation.override("nl"):
        story = _story(proof)
    return a4_pdf(
        story,
        title=HEADING,
        author=proof.provider_name,
        subject=f"{HEADING} {proof.studentnummer}",
        footer=f"{HEADING} — controlecode {shown(proof.code)}",
    )


def _story(proof: RegistrationProof) -> list[Flowable]:
    issued = proof.issued_at.astimezone(AMSTERDAM)
    url = check_url(proof.code)
    link = escape(url, {'"': "&quot;"})
    page = check_page()
    training = [
        ("Scholings-ID", str(proof.offer.scholings_id)),
        ("Opleiding", proof.training_name),
        ("Cohortcode", proof.cohort_code),
        ("Startdatum", _day(proof.start_date)),
    ]
    if proof.end_date:
        training.append(("Einddatum", _day(proof.end_date)))
    if proof.study_year_start and proof.study_year_end:
        training.append(
            (
                "Studiejaar",
                f"{_day(proof.study_year_start)} tot en met {_day(proof.study_year_end)}",
            )
        )
    training.append(("Subsidiebedrag (incl. btw)", _euros(proof.amount)))
    student = [
        ("Studentnummer", proof.studentnummer),
        ("Voornaam", proof.first_name),
        ("Tussenvoegsel", proof.name_prefix),
        ("Achternaam", proof.last_name),
        ("Geboortedatum", _day(proof.birth_date)),
    ]
    if proof.street or proof.house_number:
        student += [
            ("Straatnaam", proof.street),
            ("Huisnummer", proof.house_number),
            ("Huisnummertoevoeging", proof.house_number_addition),
        ]
    student += [
        ("Postcode", proof.postcode),
        ("Woonplaats", proof.city),
        ("Land", proof.country),
    ]
    verification = Table(
        [
            [
                [
                    plain("Controlecode"),
                    plain(shown(proof.code), PROMINENT),
                    plain(
                        "Met deze code kunnen UWV en iedereen die dit bewijs heeft, controleren "
                        "of het geldig is. Scan de QR-code, of ga naar"
                    ),
                    Paragraph(f'<link href="{link}">{escape(page)}</link>', BODY),
                    plain("en vul de controlecode in."),
                ],
                QrCode(url, size=3.5 * cm),
            ]
        ],
        colWidths=[13 * cm, 4 * cm],
    )
    verification.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.5, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return [
        Paragraph(HEADING, TITLE),
        plain(FIXED_TEXT),
        Spacer(1, 0.3 * cm),
        Paragraph("Opleider", SECTION),
        label_rows(
            [
                ("Naam", proof.provider_name),
                ("KvK-nummer", proof.organisation.kvk_number),
                ("Opleider-id", proof.provider_code),
            ]
        ),
        Paragraph("Opleiding", SECTION),
        label_rows(training),
        Paragraph("Student", SECTION),
        label_rows(student),
        Spacer(1, 0.4 * cm),
        verification,
        Spacer(1, 0.3 * cm),
        plain(f"Uitgegeven op {issued:%d-%m-%Y} door {proof.provider_name}."),
    ]
