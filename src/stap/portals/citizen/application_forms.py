"""Forms of the citizen's application. The service decides; these only collect input."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from stap.portals.form_fields import DateInput
from stap.register.models import Cohort


class CodeForm(forms.Form):
    studentnummer = forms.CharField(
        label=_("Studentnummer"),
        max_length=20,
        help_text=_("Zoals op uw aanmeldingsbewijs."),
        error_messages={
            "required": _("Vul uw studentnummer in; het staat op uw aanmeldingsbewijs.")
        },
    )
    code = forms.CharField(
        label=_("Controlecode van het aanmeldingsbewijs"),
        max_length=20,
        help_text=_("12 tekens, bijvoorbeeld ABCD-EFGH-JKMN."),
        error_messages={
            "required": _("Vul de controlecode in; die staat op uw aanmeldingsbewijs.")
        },
    )


class ChoiceForm(forms.Form):
    """Without a vooraanmelding: the start moment, start date and amount of the bewijs's offer."""

    cohort = forms.ModelChoiceField(
        label=_("Startmoment"),
        queryset=Cohort.objects.none(),
        empty_label=None,
        error_messages={"required": _("Kies een startmoment.")},
    )
    start_date = forms.DateField(
        label=_("Startdatum"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y"],
        widget=DateInput,
        error_messages={
            "required": _("Vul de startdatum in, bijvoorbeeld 11-1-2027."),
            "invalid": _("Vul een geldige datum in, bijvoorbeeld 11-1-2027."),
        },
    )
    amount = forms.CharField(
        label=_("Bedrag (euro)"),
        max_length=20,
        help_text=_("Het bedrag op uw aanmeldingsbewijs, hoogstens € 1.000."),
    )

    def __init__(self, *args: Any, offer_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["cohort"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Cohort.objects.filter(offer_id=offer_id).order_by("start_date", "code")
