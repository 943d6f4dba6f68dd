"""Forms of UWV's budget screens in the backoffice: periods, the grant cap, and the stand-in
registers. The services decide; these only collect input."""

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

from stap.budget.applying import RejectionReason
from stap.budget.models import ApplicationPeriod, StudentFinanceKind
from stap.core import clock
from stap.core.identifiers import validate_bsn
from stap.portals.form_fields import DateInput, EuroField, TimeInput

DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y"]
OPENING_TIME = dt.time(10, 0)


def _date(label: "_StrOrPromise", **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        widget=DateInput,
        error_messages={
            "required": _("Vul een datum in, bijvoorbeeld 17-3-2027."),
            "invalid": _("Vul een geldige datum in, bijvoorbeeld 17-3-2027."),
        },
        **kwargs,
    )


def _time(label: "_StrOrPromise") -> forms.TimeField:
    return forms.TimeField(
        label=label,
        initial=OPENING_TIME,
        input_formats=["%H:%M"],
        widget=TimeInput,
        help_text=_("Nederlandse tijd, bijvoorbeeld 10:00."),
        error_messages={
            "required": _("Vul een tijd in, bijvoorbeeld 10:00."),
            "invalid": _("Vul een tijd in als uu:mm, bijvoorbeeld 10:00."),
        },
    )


def _bsn() -> forms.CharField:
    return forms.CharField(
        label=_("BSN"),
        max_length=9,
        validators=[validate_bsn],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("Vul het burgerservicenummer in: 9 cijfers.")},
    )


class PeriodMomentsForm(forms.Form):
    """An opening and a closing moment, each as a date and a time in the Netherlands."""

    opens_on = _date(_("Opent op"))
    opens_time = _time(_("Opent om"))
    closes_on = _date(_("Sluit op"))
    closes_time = _time(_("Sluit om"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if all(
            cleaned.get(name) for name in ("opens_on", "opens_time", "closes_on", "closes_time")
        ):
            cleaned["opens_at"] = _moment(cleaned["opens_on"], cleaned["opens_time"])
            cleaned["closes_at"] = _moment(cleaned["closes_on"], cleaned["closes_time"])
            if cleaned["closes_at"] <= cleaned["opens_at"]:
                self.add_error("closes_on", _("Het tijdvak moet sluiten na de opening."))
        return cleaned


def _moment(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=clock.AMSTERDAM)


class PeriodForm(PeriodMomentsForm):
    name = forms.CharField(
        label=_("Naam"),
        max_length=100,
        help_text=_("Zoals mensen het tijdvak kennen, bijvoorbeeld ‘Maart 2027’."),
        error_messages={"required": _("Geef het tijdvak een naam.")},
    )
    budget = EuroField(
        label=_("Budget (euro)"),
        max_digits=12,
        min_value=0,
        error_messages={"required": _("Vul het budget in, bijvoorbeeld 34.000.000,00.")},
    )
    reserved_budget = EuroField(
        label=_("Waarvan gereserveerd voor aanvragen via UWV (euro)"),
        max_digits=12,
        min_value=0,
        initial=0,
        help_text=_("Voor mensen die niet digitaal kunnen aanvragen; UWV vraagt dan voor hen aan."),
    )
    carries_over = forms.BooleanField(
        label=_("Wat na het sluiten over is, gaat naar het volgende tijdvak"), required=False
    )

    field_order = ["name", "opens_on", "opens_time", "closes_on", "closes_time"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        budget, reserved = cleaned.get("budget"), cleaned.get("reserved_budget")
        if budget is not None and reserved is not None and reserved > budget:
            self.add_error(
                "reserved_budget", _("De reservering kan niet groter zijn dan het budget.")
            )
        return cleaned


class PostponeForm(PeriodMomentsForm):
    reason = forms.CharField(
        label=_("Reden van het uitstel"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Vul de reden van het uitstel in.")},
    )


class GrantCapForm(forms.Form):
    year = forms.IntegerField(
        label=_("Kalenderjaar"),
        min_value=2022,
        max_value=2100,
        error_messages={"required": _("Vul het jaar in, bijvoorbeeld 2027.")},
    )
    maximum = forms.IntegerField(
        label=_("Hoogstens zoveel toekenningen per opleiding (scholings-ID)"),
        min_value=1,
        max_value=1_000_000,
        error_messages={"required": _("Vul het maximum in, bijvoorbeeld 300.")},
    )


class BsnForm(forms.Form):
    bsn = _bsn()


class ResidentForm(forms.Form):
    bsn = _bsn()
    first_names = forms.CharField(label=_("Voornamen"), max_length=200)
    name_prefix = forms.CharField(label=_("Voorvoegsel"), max_length=10, required=False)
    last_name = forms.CharField(label=_("Geslachtsnaam"), max_length=200)
    birth_date = _date(_("Geboortedatum"))
    street = forms.CharField(label=_("Straatnaam"), max_length=80, required=False)
    house_number = forms.CharField(label=_("Huisnummer"), max_length=10, required=False)
    house_number_addition = forms.CharField(
        label=_("Huisnummertoevoeging"), max_length=10, required=False
    )
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    city = forms.CharField(label=_("Woonplaats"), max_length=80, required=False)


class StudentFinanceForm(forms.Form):
    bsn = _bsn()
    kind = forms.ChoiceField(label=_("Soort"), choices=StudentFinanceKind.choices)
    starts_on = _date(_("Van"))
    ends_on = _date(_("Tot en met (leeg als het doorloopt)"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            raise ValidationError(_("De einddatum ligt voor de begindatum."))
        return cleaned


class ReviewForm(forms.Form):
    """UWV's decision on an application set aside for review."""

    reason = forms.ChoiceField(
        label=_("Reden van afwijzing"),
        required=False,
        choices=[("", _("— kies bij afwijzen een reden —")), *RejectionReason.choices],
    )


class AssistedApplicationForm(forms.Form):
    """UWV applies for someone who cannot apply digitally, with the data from their
    aanmeldingsbewijs; the offer is needed only when the provider did not pre-register them."""

    period = forms.ModelChoiceField(
        label=_("Aanvraagtijdvak"),
        queryset=ApplicationPeriod.objects.none(),
        empty_label=None,
        error_messages={"required": _("Kies het aanvraagtijdvak.")},
    )
    bsn = _bsn()
    studentnummer = forms.CharField(label=_("Studentnummer"), max_length=20)
    code = forms.CharField(
        label=_("Controlecode van het aanmeldingsbewijs"),
        max_length=20,
        help_text=_("Zoals op het bewijs, bijvoorbeeld ABCD-EFGH-JKMN."),
    )
    scholings_id = forms.UUIDField(
        label=_("Scholings-ID (alleen zonder vooraanmelding)"), required=False
    )
    cohortcode = forms.CharField(label=_("Cohortcode"), max_length=60, required=False)
    start_date = _date(_("Startdatum"), required=False)
    amount = forms.CharField(label=_("Bedrag (euro)"), max_length=20, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        now = clock.now()
        field = self.fields["period"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = ApplicationPeriod.objects.filter(opens_at__lte=now, closes_at__gt=now)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        offer = ("scholings_id", "cohortcode", "start_date", "amount")
        given = [name for name in offer if cleaned.get(name)]
        if given and len(given) < len(offer):
            raise ValidationError(
                _(
                    "Vul zonder vooraanmelding alle vier in: scholings-ID, cohortcode, "
                    "startdatum en bedrag."
                )
            )
        return cleaned


class AdmissionPaceForm(forms.Form):
    per_minute = forms.IntegerField(
        label=_("Toegelaten per minuut"),
        min_value=1,
        max_value=100_000,
        help_text=_("Zoveel mensen uit de wachtkamer mogen per minuut naar het aanvraagformulier."),
        error_messages={"required": _("Vul in hoeveel mensen per minuut, bijvoorbeeld 300.")},
    )
