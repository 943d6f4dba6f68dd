"""The decision letter (beschikking) on an application, as an A4 PDF for the citizen.

The letter is Dutch, as the decision is. The address comes from the population register; the
BSN is not printed in full.
"""

from typing import Final

from django.utils import translation

from reportlab.lib.units import cm
from reportlab.platypus import Flowable, Paragraph, Spacer

from stap.budget.applying import reason_label
from stap.budget.models import Application, ApplicationStatus
from stap.core import clock
from stap.core.identifiers import mask_bsn
from stap.core.money import format_euros
from stap.core.pdf_styles import PROMINENT, SECTION, TITLE, a4_pdf, label_rows, plain
from stap.identity.models import Resident

HEADING: Final = "Besluit op uw aanvraag STAP-budget"
OBJECTION: Final = (
    "Bent u het niet eens met dit besluit? Dan kunt u binnen 6 weken na de datum van deze brief "
    "bezwaar maken bij UWV. Vermeld daarbij het aanvraagnummer of kenmerk."
)
PROVISIONAL: Final = (
    "Dit is een voorlopige toekenning. UWV betaalt het bedrag aan uw opleider. Na afloop van de "
    "opleiding stelt UWV het STAP-budget vast als u de opleiding (of een evenredig deel ervan) "
    "heeft gevolgd; anders kan UWV het bedrag terugvorderen."
)


def decision_letter_pdf(application: Application) -> bytes:
    with translation.override("nl"):
        story = _story(application)
    reference = application.aanvraagnummer or f"kenmerk {application.pk}"
    return a4_pdf(
        story,
        title=HEADING,
        author="UWV",
        subject=f"{HEADING} {reference}",
        footer=f"{HEADING} — {reference}",
    )


def _story(application: Application) -> list[Flowable]:
    resident = Resident.objects.filter(bsn=application.bsn).first()
    today = clock.today()
    submitted = application.submitted_at.astimezone(clock.AMSTERDAM)
    story: list[Flowable] = [Paragraph(HEADING, TITLE)]
    if resident is not None:
        address = [resident.name]
        street = " ".join(
            part
            for part in (resident.street, resident.house_number, resident.house_number_addition)
            if part
        )
        if street:
            address.append(street)
        address.append(" ".join(part for part in (resident.postcode, resident.city) if part))
        story += [plain(line) for line in address if line]
    story += [
        Spacer(1, 0.4 * cm),
        label_rows(
            [
                ("Datum", f"{today:%d-%m-%Y}"),
                ("Aanvraagnummer", application.aanvraagnummer or "—"),
                ("Kenmerk", str(application.pk)),
                ("Burgerservicenummer", mask_bsn(application.bsn) if application.bsn else "—"),
            ]
        ),
        Spacer(1, 0.4 * cm),
        Paragraph("Uw aanvraag", SECTION),
        label_rows(
            [
                ("Opleiding", application.training.name),
                ("Opleider", application.organisation.name),
                ("Studentnummer", application.studentnummer),
                ("Startdatum", f"{application.start_date:%d-%m-%Y}"),
                ("Einddatum", f"{application.end_date:%d-%m-%Y}"),
                ("Bedrag (incl. btw)", format_euros(application.amount)),
                ("Ingediend op", f"{submitted:%d-%m-%Y %H:%M}"),
            ]
        ),
        Paragraph("Ons besluit", SECTION),
        *_decision(application),
        Spacer(1, 0.4 * cm),
        plain(OBJECTION),
    ]
    return story


def _decision(application: Application) -> list[Flowable]:
    status = ApplicationStatus(application.status)
    if application.is_granted:
        granted: list[Flowable] = [
            plain(
                f"U krijgt een STAP-budget van {format_euros(application.amount)} voor de "
                f"opleiding {application.training.name} bij {application.organisation.name}."
            ),
            plain(f"Aanvraagnummer: {application.aanvraagnummer}", PROMINENT),
            plain(PROVISIONAL),
        ]
        if status != ApplicationStatus.PROVISIONALLY_GRANTED:
            granted.append(plain(f"Stand van zaken: {status.label}."))
        return granted
    if status == ApplicationStatus.REJECTED:
        return [
            plain("Wij wijzen uw aanvraag af."),
            plain(f"Reden: {reason_label(application.rejection_reason)}"),
        ]
    if status == ApplicationStatus.IN_REVIEW:
        return [
            plain(
                "Een medewerker van UWV beoordeelt uw aanvraag. U krijgt daarna een nieuw besluit."
            ),
            plain(f"Waarom: {reason_label(application.rejection_reason)}"),
        ]
    return [plain(f"Stand van zaken: {status.label}.")]
