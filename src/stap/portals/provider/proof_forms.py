"""Forms for aanmeldingsbewijzen in the Opleidersportaal; the student's part is the
``EnrolmentForm`` that vooraanmeldingen use too."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from stap.enrolments.models import RegistrationProof
from stap.enrolments.prereg import fields as f
from stap.enrolments.proofs.services import REASON_MAX
from stap.portals.provider.enrolment_forms import COHORT, EnrolmentForm


class ProofForm(EnrolmentForm):
    """The student and the startmoment of one aanmeldingsbewijs."""


def proof_initial(proof: RegistrationProof) -> dict[str, str]:
    """The form filled in from an earlier bewijs, to replace it."""

    def day(value: Any) -> str:
        return value.isoformat() if value else ""

    return {
        f.STUDENTNUMMER: proof.studentnummer,
        f.VOORNAAM: proof.first_name,
        f.TUSSENVOEGSEL: proof.name_prefix,
        f.ACHTERNAAM: proof.last_name,
        f.GEBOORTEDATUM: day(proof.birth_date),
        f.STRAATNAAM: proof.street,
        f.HUISNUMMER: proof.house_number,
        f.HUISNUMMERTOEVOEGING: proof.house_number_addition,
        f.POSTCODE: proof.postcode,
        f.WOONPLAATS: proof.city,
        f.LAND: proof.country,
        COHORT: str(proof.cohort_id),
        f.STARTDATUM: day(proof.start_date),
        f.EINDDATUM: day(proof.end_date),
        f.SUBSIDIEBEDRAG: f"{proof.amount:.2f}".replace(".", ","),
        f.STUDIEJAAR_BEGIN: day(proof.study_year_start),
        f.STUDIEJAAR_EIND: day(proof.study_year_end),
    }


class ProofSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Zoeken"),
        required=False,
        max_length=100,
        help_text=_("Studentnummer of naam van de student."),
    )


class RevokeForm(forms.Form):
    reden = forms.CharField(
        label=_("Reden van intrekken"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Bijvoorbeeld: de student heeft zich afgemeld. De reden staat in de geschiedenis van "
            "het aanmeldingsbewijs; de student ziet haar niet."
        ),
        error_messages={
            "required": _("Vul een reden in, zodat later duidelijk is waarom u het introk."),
            "max_length": _("Houd de reden korter dan %(limit_value)d tekens."),
        },
    )
