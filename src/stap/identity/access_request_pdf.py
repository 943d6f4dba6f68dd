"""The printable "Toegang Mijn DUO" form: the request as entered, to be signed and uploaded.

Someone who cannot sign in yet fills in the request on a public page; this renders it as an A4
PDF that the organisation's authorised signatory signs. The text is Dutch: the form is a
statement to DUO. Everything the requester typed is escaped: reportlab's Paragraph reads markup.
"""

from xml.sax.saxutils import escape

from django.utils import translation

from reportlab.lib.units import cm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from stap.core.clock import AMSTERDAM
from stap.core.pdf_styles import (
    BODY,
    LABELS_IN_FIRST_COLUMN,
    LABELS_IN_FIRST_ROW,
    PROMINENT,
    SECTION,
    a4_pdf,
    label_rows,
    plain,
)
from stap.core.pdf_styles import TITLE as TITLE_STYLE
from stap.identity.models import AccessRequest
from stap.identity.signed_pdf import MAX_PAGES

TITLE = "Toegang Mijn DUO — aanvraag rollen"


def access_request_pdf(request: AccessRequest, *, upload_url: str, upload_code: str) -> bytes:
    """The request as an A4 PDF to print, sign, scan and upload at ``upload_url`` with
    ``upload_code`` (known only to whoever made the form)."""
    with translation.override("nl"):
        story = _story(request, upload_url, upload_code)
    return a4_pdf(
        story,
        title=TITLE,
        author="DUO",
        subject=f"Kenmerk {request.reference}",
        footer=f"{TITLE} — kenmerk {request.reference}",
    )


def _story(request: AccessRequest, upload_url: str, upload_code: str) -> list[Flowable]:
    persons = [["Naam", "E-mailadres", "Rollen"]] + [
        [person.name, person.email, "\n".join(person.role_labels())]
        for person in request.persons.all()
    ]
    person_table = Table(
        [[Paragraph(escape(cell).replace("\n", "<br/>"), BODY) for cell in row] for row in persons],
        colWidths=[5 * cm, 6 * cm, 6 * cm],
        repeatRows=1,
    )
    person_table.setStyle(LABELS_IN_FIRST_ROW)
    signature = Table(
        [
            [plain("Naam tekenbevoegde"), plain(request.signatory_name)],
            [plain("Functie"), plain(request.signatory_function)],
            [plain("Datum"), ""],
            [plain("Plaats"), ""],
            [plain("Handtekening"), ""],
        ],
        colWidths=[5 * cm, 12 * cm],
        rowHeights=[None, None, 1 * cm, 1 * cm, 3.5 * cm],
    )
    signature.setStyle(LABELS_IN_FIRST_COLUMN)
    link = escape(upload_url, {'"': "&quot;"})
    created = request.created_at.astimezone(AMSTERDAM)
    return [
        Paragraph(escape(TITLE), TITLE_STYLE),
        plain(f"Kenmerk: {request.reference}", PROMINENT),
        plain(f"Uploadcode: {upload_code}", PROMINENT),
        plain(f"Aangevraagd op {created:%d-%m-%Y}. Vermeld dit kenmerk als u contact opneemt."),
        Paragraph("Organisatie", SECTION),
        label_rows([("KvK-nummer", request.kvk_number), ("Naam", request.organisation_name)]),
        Paragraph("Contactpersoon", SECTION),
        label_rows(
            [
                ("Naam", request.contact_name),
                ("E-mailadres", request.contact_email),
                ("Telefoonnummer", request.contact_phone),
            ]
        ),
        Paragraph("Coördinator", SECTION),
        label_rows(
            [("Naam", request.coordinator_name), ("E-mailadres", request.coordinator_email)]
        ),
        Paragraph("Personen en rollen", SECTION),
        person_table,
        Paragraph("Ondertekening", SECTION),
        plain(
            "Ik ben tekenbevoegd voor deze organisatie zoals ingeschreven in het Handelsregister "
            "van de KvK. Ik vraag voor de personen hierboven de genoemde rollen in Mijn DUO aan."
        ),
        Spacer(1, 0.3 * cm),
        signature,
        Paragraph("Zo gaat u verder", SECTION),
        plain("1. Print dit formulier."),
        plain(
            "2. Laat het ondertekenen door de tekenbevoegde van uw organisatie, zoals "
            "ingeschreven in het Handelsregister van de KvK."
        ),
        plain(
            "3. Scan het ondertekende formulier als PDF (of onderteken de PDF digitaal). Het "
            f"bestand mag niet groter zijn dan 5 MB en niet meer dan {MAX_PAGES} pagina's hebben."
        ),
        Paragraph(f'4. Upload het bestand op <link href="{link}">{link}</link>', BODY),
        Spacer(1, 0.3 * cm),
        plain(
            "DUO controleert met de hand of de ondertekenaar tekenbevoegd is voor uw organisatie. "
            "Pas daarna behandelen we de aanvraag."
        ),
    ]
