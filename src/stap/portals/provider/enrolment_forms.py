"""The form of a student's enrolment: who, where they live, and which startmoment of the
provider's own offers, with the subsidy asked for. The aanmeldingsbewijs and the vooraanmelding
hold the same data and are checked with the same rules (``enrolments.prereg``).

The form only collects text: the rules decide what is right, in the service, and their findings
are put on the field they are about. So the form's own fields are all optional to Django (a
required field's message comes from the rules, the same as in a bulk file), and say they are
required to assistive technology with ``aria-required``.
"""

from typing import Any, Final

from django import forms
from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from stap.enrolments.prereg import fields as f
from stap.enrolments.prereg import rules
from stap.enrolments.prereg.fields import MAX_CELL_CHARACTERS
from stap.enrolments.prereg.rules import Finding
from stap.register.models import Cohort

COHORT: Final = "startmoment"
# The register's fields, which the form asks for as one choice of startmoment.
OFFER_FIELDS: Final = frozenset({f.SCHOLINGS_ID, f.COHORTCODE})
CHOOSE_COHORT: Final = _(
    "Kies de opleiding en het startmoment waarvoor de student zich aanmeldt. Staat het er niet "
    "bij? Dan is het startmoment niet open voor aanmelding: open het in Mijn DUO zakelijk."
)


def _text(
    label: Any, *, required: bool = True, help_text: Any = "", **attrs: str
) -> forms.CharField:
    widget_attrs = {"autocomplete": "off", **attrs}
    if required:
        widget_attrs["aria-required"] = "true"
    else:
        label = format_lazy("{} {}", label, _("(niet verplicht)"))
    return forms.CharField(
        label=label,
        required=False,
        max_length=MAX_CELL_CHARACTERS,
        help_text=help_text,
        widget=forms.TextInput(attrs=widget_attrs),
    )


def _date(label: Any, *, required: bool = True, help_text: Any = "") -> forms.CharField:
    field = _text(label, required=required, help_text=help_text)
    field.widget.input_type = "date"
    return field


class EnrolmentForm(forms.Form):
    """A student and the startmoment they enrol for, as an aanmeldingsbewijs and a vooraanmelding
    hold them. Field names are those of ``prereg.fields`` (the CSV columns), so a rule's finding
    lands on its own field."""

    studentnummer = _text(
        _("Studentnummer"),
        help_text=_(
            "Het nummer waarmee u de student kent, ten hoogste 20 letters en cijfers. De student "
            "vult het in bij de aanvraag."
        ),
    )
    voornaam = _text(_("Voornaam"))
    tussenvoegsel = _text(_("Tussenvoegsel"), required=False)
    achternaam = _text(_("Achternaam"))
    geboortedatum = _date(_("Geboortedatum"))
    straatnaam = _text(_("Straatnaam"), help_text=_("Verplicht als de student in Nederland woont."))
    huisnummer = _text(
        _("Huisnummer"),
        help_text=_("Alleen het nummer; een letter of toevoeging hoort in het veld hieronder."),
        inputmode="numeric",
    )
    huisnummertoevoeging = _text(_("Huisnummertoevoeging"), required=False)
    postcode = _text(_("Postcode"), help_text=_("Bijvoorbeeld 1234 AB."))
    woonplaats = _text(_("Woonplaats"))
    land = _text(
        _("Land"),
        help_text=_("De landcode van twee letters, zoals NL, BE of DE. Leeg betekent NL."),
    )
    email = _text(
        _("E-mailadres"), required=False, help_text=_("Om de student te kunnen bereiken.")
    )
    email.widget.input_type = "email"
    startmoment = forms.ChoiceField(
        label=_("Opleiding en startmoment"),
        required=False,
        help_text=_("Uw opleidingen met een startmoment dat open is voor aanmelding."),
    )
    startdatum = _date(
        _("Startdatum"),
        help_text=_(
            "De dag waarop de student begint: de startdatum van het startmoment, of bij "
            "flexibele instroom een dag in de instroomperiode."
        ),
    )
    einddatum = _date(_("Einddatum"), required=False)
    subsidiebedrag = _text(
        _("Subsidiebedrag in euro’s (incl. btw)"),
        help_text=_(
            "Het bedrag dat de student bij UWV aanvraagt: ten hoogste het subsidiabele bedrag "
            "van het startmoment en ten hoogste € 1.000. Bijvoorbeeld 950,00."
        ),
        inputmode="decimal",
    )
    studiejaar_begin = _date(
        _("Begin studiejaar"),
        required=False,
        help_text=_(
            "Alleen bij een meerjarige opleiding: het studiejaar waarvoor de student aanvraagt."
        ),
    )
    studiejaar_eind = _date(
        _("Einde studiejaar"),
        required=False,
        help_text=_("Alleen bij een meerjarige opleiding."),
    )

    STUDENT: Final = (
        f.STUDENTNUMMER,
        f.VOORNAAM,
        f.TUSSENVOEGSEL,
        f.ACHTERNAAM,
        f.GEBOORTEDATUM,
    )
    ADDRESS: Final = (
        f.STRAATNAAM,
        f.HUISNUMMER,
        f.HUISNUMMERTOEVOEGING,
        f.POSTCODE,
        f.WOONPLAATS,
        f.LAND,
        f.EMAIL,
    )
    TRAINING: Final = (
        COHORT,
        f.STARTDATUM,
        f.EINDDATUM,
        f.SUBSIDIEBEDRAG,
        f.STUDIEJAAR_BEGIN,
        f.STUDIEJAAR_EIND,
    )

    def __init__(self, *args: Any, cohorts: QuerySet[Cohort], **kwargs: Any) -> None:
        """``cohorts`` are the organisation's own to choose from: any other id is refused."""
        super().__init__(*args, **kwargs)
        self.cohorts = {str(cohort.pk): cohort for cohort in cohorts}
        field = self.fields[COHORT]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Kies een opleiding en startmoment"))] + [
            (key, _cohort_label(cohort)) for key, cohort in self.cohorts.items()
        ]

    def fieldset(self, names: tuple[str, ...]) -> list[forms.BoundField]:
        return [self[name] for name in names]

    def student(self) -> list[forms.BoundField]:
        return self.fieldset(self.STUDENT)

    def address(self) -> list[forms.BoundField]:
        return self.fieldset(self.ADDRESS)

    def training(self) -> list[forms.BoundField]:
        return self.fieldset(self.TRAINING)

    def text(self) -> dict[str, str]:
        """The values as the rules read them: by field name, as text; the chosen startmoment
        gives the scholings-ID and cohortcode (empty when none was chosen, which the rules
        report)."""
        data = self.cleaned_data
        text = {name: data.get(name) or "" for name in f.FIELDS if name not in OFFER_FIELDS}
        cohort = self.cohorts.get(data.get(COHORT) or "")
        text[f.SCHOLINGS_ID] = str(cohort.offer.scholings_id) if cohort else ""
        text[f.COHORTCODE] = cohort.code if cohort else ""
        return text

    def add_findings(self, findings: tuple[Finding, ...]) -> None:
        """Each finding's message and hint on its field; a finding about the register's fields
        goes on the startmoment, and one about no field in particular above the form."""
        choose_told = False
        for finding in findings:
            name = finding.field
            if name in OFFER_FIELDS:
                if finding.rule is rules.REQUIRED:
                    if not choose_told:
                        self.add_error(COHORT, CHOOSE_COHORT)
                        choose_told = True
                    continue
                name = COHORT
            target = name if name in self.fields else None
            self.add_error(target, f"{finding.message} {finding.hint}")


def _cohort_label(cohort: Cohort) -> str:
    start = f"{cohort.start_date:%d-%m-%Y}"
    if cohort.intake_end:
        start = f"{start} – {cohort.intake_end:%d-%m-%Y}"
    return f"{cohort.offer.training.name} — {cohort.code} ({start})"
