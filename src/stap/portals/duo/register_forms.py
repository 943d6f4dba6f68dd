"""Forms for registering the scholingsaanbod in Mijn DUO zakelijk.

ModelForms, so that every RIO rule of the models (lengths, formats, value lists, dates in order,
subsidisable within total) shows on its own field; the services validate again when they write.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from stap.portals.form_fields import DateInput, EuroField
from stap.register.models import Cohort, Provider, Training
from stap.register.services import AddressInput
from stap.register.values import Language, StapPermission


class AddressForm(forms.Form):
    """A Dutch address, or nothing at all."""

    street = forms.CharField(label=_("Straatnaam"), max_length=100, required=False)
    house_number = forms.CharField(label=_("Huisnummer"), max_length=5, required=False)
    house_number_addition = forms.CharField(
        label=_("Toevoeging (niet verplicht)"), max_length=10, required=False
    )
    postcode = forms.CharField(
        label=_("Postcode"), max_length=7, required=False, help_text=_("Bijvoorbeeld 1234 AB.")
    )
    city = forms.CharField(label=_("Plaats"), max_length=80, required=False)

    REQUIRED = ("street", "house_number", "postcode", "city")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        given = [name for name in (*self.REQUIRED, "house_number_addition") if cleaned.get(name)]
        if given:
            for name in self.REQUIRED:
                if not cleaned.get(name):
                    self.add_error(
                        name,
                        _(
                            "Vul het hele adres in (straat, huisnummer, postcode en plaats), of "
                            "laat alle adresvelden leeg."
                        ),
                    )
        return cleaned

    def address(self) -> AddressInput | None:
        data = self.cleaned_data
        if not data.get("street"):
            return None
        return AddressInput(
            street=data["street"],
            house_number=data["house_number"],
            house_number_addition=data.get("house_number_addition", ""),
            postcode=data["postcode"],
            city=data["city"],
        )

    @classmethod
    def initial_from(cls, address: Any) -> dict[str, str]:
        if address is None:
            return {}
        return {name: getattr(address, name) for name in (*cls.REQUIRED, "house_number_addition")}


class ProviderForm(forms.ModelForm[Provider]):
    website = forms.URLField(
        label=_("Website (niet verplicht)"),
        max_length=320,
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Vul een volledig webadres in, zoals https://opleider.nl.")},
    )

    class Meta:
        model = Provider
        fields = ["name", "phone", "email", "website"]
        labels = {
            "name": _("Naam van de onderwijsaanbieder"),
            "phone": _("Telefoonnummer voor STAP"),
            "email": _("E-mailadres voor STAP"),
            "website": _("Website"),
        }
        error_messages = {
            "name": {"required": _("Vul de naam van de onderwijsaanbieder in.")},
            "email": {"invalid": _("Vul een geldig e-mailadres in, zoals stap@opleider.nl.")},
            "website": {"invalid": _("Vul een volledig webadres in, zoals https://opleider.nl.")},
        }


class TrainingForm(forms.ModelForm[Training]):
    class Meta:
        model = Training
        fields = [
            "name",
            "short_name",
            "description",
            "study_load",
            "study_load_unit",
            "nlqf_level",
            "eqf_level",
            "value_document",
            "category",
            "own_key",
            "is_multi_year",
            "is_funded",
        ]
        labels = {
            "name": _("Naam (lang)"),
            "short_name": _("Korte naam"),
            "description": _("Omschrijving"),
            "study_load": _("Studielast"),
            "study_load_unit": _("Eenheid van de studielast"),
            "nlqf_level": _("NLQF-niveau"),
            "eqf_level": _("EQF-niveau"),
            "value_document": _("Waardedocument"),
            "category": _("Categorie"),
            "own_key": _("Eigen sleutel"),
            "is_multi_year": _("Meerjarige opleiding (aanvragen en bewijzen per studiejaar)"),
            "is_funded": _("Bekostigd onderwijs (examens gedaan telt als afgerond)"),
        }
        help_texts = {
            "name": _("Ten hoogste 225 tekens."),
            "short_name": _("Ten hoogste 40 tekens."),
            "description": _("Ten hoogste 3000 tekens."),
            "own_key": _("Uw eigen code voor deze opleiding, ten hoogste 60 tekens."),
        }
        error_messages = {
            "name": {
                "required": _("Vul de naam van de opleiding in."),
                "max_length": _("De naam is te lang: ten hoogste 225 tekens."),
            },
            "short_name": {
                "required": _("Vul een korte naam in, ten hoogste 40 tekens."),
                "max_length": _("De korte naam is te lang: ten hoogste 40 tekens."),
            },
            "study_load": {"invalid": _("Vul de studielast in als een heel getal.")},
        }


class OfferForm(forms.Form):
    language = forms.ChoiceField(label=_("Voertaal"), choices=Language.choices, initial="NLD")
    stap_permission = forms.ChoiceField(
        label=_("Aangeboden voor STAP"),
        choices=StapPermission.choices,
        initial=StapPermission.GRANTED,
    )
    website = forms.URLField(
        label=_("Website (niet verplicht)"),
        max_length=320,
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Vul een volledig webadres in, zoals https://opleider.nl.")},
    )
    own_key = forms.CharField(
        label=_("Eigen sleutel (niet verplicht)"), max_length=60, required=False
    )


class CohortForm(forms.ModelForm[Cohort]):
    class Meta:
        model = Cohort
        fields = [
            "code",
            "enrolment_start",
            "enrolment_end",
            "start_date",
            "intake_end",
            "end_date",
            "total_price",
            "subsidisable_amount",
            "teaching_form",
            "places_per_year",
        ]
        field_classes = {"total_price": EuroField, "subsidisable_amount": EuroField}
        widgets = {
            name: DateInput()
            for name in ("enrolment_start", "enrolment_end", "start_date", "intake_end", "end_date")
        }
        labels = {
            "code": _("Cohortcode"),
            "enrolment_start": _("Begin aanmeldperiode"),
            "enrolment_end": _("Einde aanmeldperiode (niet verplicht)"),
            "start_date": _("Startdatum"),
            "intake_end": _("Einde flexibele instroom (niet verplicht)"),
            "end_date": _("Einddatum"),
            "total_price": _("Totale verplichte kosten (incl. btw)"),
            "subsidisable_amount": _("STAP-subsidiabel bedrag (incl. btw)"),
            "teaching_form": _("Opleidingsvorm"),
            "places_per_year": _("Deelnemersplaatsen per jaar (niet verplicht)"),
        }
        error_messages = {
            "code": {"required": _("Vul een cohortcode in, ten hoogste 60 tekens.")},
            "start_date": {
                "required": _("Vul de startdatum in."),
                "invalid": _("Vul een geldige datum in."),
            },
            "end_date": {
                "required": _("Vul de einddatum in."),
                "invalid": _("Vul een geldige datum in."),
            },
            "enrolment_start": {
                "required": _("Vul de eerste dag in waarop studenten zich kunnen aanmelden."),
                "invalid": _("Vul een geldige datum in."),
            },
            "total_price": {
                "required": _("Vul de totale verplichte kosten in, bijvoorbeeld 950,00."),
                "invalid": _("Vul een bedrag in, bijvoorbeeld 950,00."),
                "max_decimal_places": _("Een bedrag heeft ten hoogste 2 cijfers achter de komma."),
            },
            "subsidisable_amount": {
                "required": _("Vul het STAP-subsidiabele bedrag in, bijvoorbeeld 950,00."),
                "invalid": _("Vul een bedrag in, bijvoorbeeld 950,00."),
                "max_decimal_places": _("Een bedrag heeft ten hoogste 2 cijfers achter de komma."),
            },
        }


class CohortEditForm(CohortForm):
    class Meta(CohortForm.Meta):
        fields = [
            "enrolment_start",
            "enrolment_end",
            "start_date",
            "intake_end",
            "end_date",
            "teaching_form",
            "places_per_year",
        ]


class PriceForm(forms.ModelForm[Cohort]):
    class Meta:
        model = Cohort
        fields = ["total_price", "subsidisable_amount"]
        labels = CohortForm.Meta.labels
        error_messages = CohortForm.Meta.error_messages
        field_classes = {"total_price": EuroField, "subsidisable_amount": EuroField}
