"""Forms of the Scholingsregister screens of the backoffice. The services and the register's model
rules decide (a SECTOR recognition names its body, a recognition does not end before it starts);
these forms only collect the input."""

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

from stap.core import clock
from stap.portals.form_fields import DateInput
from stap.register.models import Recogniser, Recognition
from stap.register.values import RecognitionKind

REASON_MAX_LENGTH = 1000
DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y"]
DATE_INVALID = _("Vul een geldige datum in, bijvoorbeeld 1-9-2026.")


def _today() -> str:
    """The initial value of a date field, as ``<input type="date">`` wants it."""
    return clock.today().isoformat()


def _date(
    label: "_StrOrPromise",
    *,
    required: bool,
    required_message: "_StrOrPromise" = "",
    **kwargs: Any,
) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=DateInput,
        error_messages={"required": required_message, "invalid": DATE_INVALID},
        **kwargs,
    )


def _reason(
    label: "_StrOrPromise", *, required_message: "_StrOrPromise", help_text: "_StrOrPromise" = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=REASON_MAX_LENGTH,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": required_message,
            "max_length": _("Gebruik ten hoogste %(limit_value)d tekens."),
        },
    )


class ProviderSearchForm(forms.Form):
    zoek = forms.CharField(
        label=_("Zoek op naam, opleider-id of KvK-nummer"),
        required=False,
        max_length=200,
        error_messages={"max_length": _("Gebruik ten hoogste %(limit_value)d tekens.")},
    )

    def query(self) -> str:
        return str(self.cleaned_data.get("zoek") or "").strip() if self.is_valid() else ""


class RecognitionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Soort erkenning"),
        choices=[("", _("Kies de soort erkenning")), *RecognitionKind.choices],
        error_messages={
            "required": _("Kies de soort erkenning."),
            "invalid_choice": _("Kies een soort erkenning uit de lijst."),
        },
    )
    body = forms.CharField(
        label=_("Erkennende organisatie"),
        required=False,
        max_length=Recognition._meta.get_field("body").max_length,
        help_text=_("Verplicht bij een erkenning door een brancheorganisatie."),
        error_messages={"max_length": _("Gebruik ten hoogste %(limit_value)d tekens.")},
    )
    valid_from = _date(
        _("Geldig vanaf"),
        required=True,
        required_message=_("Vul in vanaf wanneer de erkenning geldt, bijvoorbeeld 1-9-2026."),
    )
    valid_until = _date(
        _("Geldig tot en met"),
        required=False,
        help_text=_("Niet verplicht. Laat leeg als de erkenning geen einddatum heeft."),
    )

    def __init__(self, *args: Any, recogniser: Recogniser | None = None, **kwargs: Any) -> None:
        """A recognising body records only its own kind of recognition, under its own name."""
        super().__init__(*args, **kwargs)
        if recogniser is not None:
            del self.fields["kind"]
            del self.fields["body"]


class RecognitionEndForm(forms.Form):
    valid_until = _date(
        _("Laatste geldige dag"),
        required=True,
        required_message=_("Vul de laatste dag in waarop de erkenning geldt."),
        initial=_today,
        help_text=_("Kies gisteren om de erkenning vandaag al te laten vervallen."),
    )


class ExclusionForm(forms.Form):
    """Exclude a provider or one of its trainings; from today unless another day is chosen."""

    reason = _reason(
        _("Reden van de uitsluiting"),
        required_message=_(
            "Schrijf de reden van de uitsluiting op; de aanbieder krijgt die te lezen."
        ),
        help_text=_("De aanbieder krijgt deze reden te lezen."),
    )
    starts_on = _date(
        _("Uitgesloten vanaf"),
        required=True,
        required_message=_("Vul in vanaf wanneer de uitsluiting geldt, bijvoorbeeld 1-9-2026."),
        initial=_today,
        help_text=_("Vandaag: nieuwe aanvragen zijn direct niet meer mogelijk."),
    )

    def clean_starts_on(self) -> dt.date:
        starts_on: dt.date = self.cleaned_data["starts_on"]
        if starts_on < clock.today():
            raise forms.ValidationError(
                _("Een uitsluiting werkt niet terug. Kies vandaag of een latere datum."),
                code="in_the_past",
            )
        return starts_on


class ExclusionLiftForm(forms.Form):
    reason = _reason(
        _("Reden van het opheffen"),
        required_message=_("Schrijf op waarom de uitsluiting wordt opgeheven."),
    )
