"""The search form of the public Scholingsregister, read from the query string.

A value that does not parse gets a message at its field and does not filter; the other filters
still do. Nothing typed here can make the search fail.
"""

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BoundField
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

from stap.portals.form_fields import DateInput
from stap.register.models import MAXIMUM_PRICE
from stap.register.search import RegisterFilters
from stap.register.values import Category, Language, NlqfLevel, TeachingForm

QUERY_MAX_LENGTH = 200
PLACE_MAX_LENGTH = 80
DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y"]

# 750 | 750,5 | 750,50 | 1.250,00 (Dutch) | 750.50 (a decimal point); an optional euro sign.
_DUTCH_THOUSANDS = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]{1,2})?")
_DECIMAL_COMMA = re.compile(r"[0-9]{1,7}(?:,[0-9]{1,2})?")
_DECIMAL_POINT = re.compile(r"[0-9]{1,7}\.[0-9]{1,2}")


def parse_euros(text: str) -> Decimal | None:
    """An amount as people type it, or None when it is not one."""
    compact = re.sub(r"\s+", "", text).removeprefix("€")
    if _DUTCH_THOUSANDS.fullmatch(compact):
        return Decimal(compact.replace(".", "").replace(",", "."))
    if _DECIMAL_COMMA.fullmatch(compact):
        return Decimal(compact.replace(",", "."))
    if _DECIMAL_POINT.fullmatch(compact):
        return Decimal(compact)
    return None


class EuroField(forms.Field):
    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    default_error_messages = {
        "invalid": _("Vul een bedrag in hele euro's of met centen in, zoals 750 of 750,50."),
        "too_high": _("Een bedrag is ten hoogste € 1.000.000,00."),
    }

    def to_python(self, value: Any) -> Decimal | None:
        text = str(value or "").strip()
        if not text:
            return None
        amount = parse_euros(text)
        if amount is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if amount > MAXIMUM_PRICE:
            raise ValidationError(self.error_messages["too_high"], code="too_high")
        return amount


def _date(label: "_StrOrPromise") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        widget=DateInput,
        error_messages={"invalid": _("Vul een geldige datum in, bijvoorbeeld 1-9-2027.")},
    )


def _select(label: "_StrOrPromise", everything: "_StrOrPromise", choices: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=[("", everything), *choices],
        error_messages={"invalid_choice": _("Kies een van de mogelijkheden uit de lijst.")},
    )


class RegisterSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Zoekwoorden"),
        required=False,
        max_length=QUERY_MAX_LENGTH,
        widget=forms.SearchInput,
        help_text=_("Bijvoorbeeld een vak, een beroep of de naam van een opleider."),
        error_messages={"max_length": _("Gebruik ten hoogste %(limit_value)d tekens.")},
    )
    niveau = _select(_("Niveau"), _("Alle niveaus"), NlqfLevel.choices)
    categorie = _select(_("Categorie"), _("Alle categorieën"), Category.choices)
    taal = _select(_("Voertaal"), _("Alle talen"), Language.choices)
    vorm = _select(_("Opleidingsvorm"), _("Alle vormen"), TeachingForm.choices)
    plaats = forms.CharField(
        label=_("Plaats"),
        required=False,
        max_length=PLACE_MAX_LENGTH,
        help_text=_("De plaats waar de lessen zijn, bijvoorbeeld Utrecht."),
        error_messages={"max_length": _("Gebruik ten hoogste %(limit_value)d tekens.")},
    )
    prijs_vanaf = EuroField(label=_("Vanaf (euro)"), required=False)
    prijs_tot_en_met = EuroField(label=_("Tot en met (euro)"), required=False)
    start_vanaf = _date(_("Vanaf"))
    start_tot_en_met = _date(_("Tot en met"))

    SELECTS = ("niveau", "categorie", "taal", "vorm")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        low, high = cleaned.get("prijs_vanaf"), cleaned.get("prijs_tot_en_met")
        if low is not None and high is not None and high < low:
            self.add_error(
                "prijs_tot_en_met",
                _("Dit bedrag is lager dan het bedrag ‘vanaf’. Kies een hoger bedrag."),
            )
        start, until = cleaned.get("start_vanaf"), cleaned.get("start_tot_en_met")
        if start and until and until < start:
            self.add_error(
                "start_tot_en_met",
                _("Deze datum ligt vóór de datum ‘vanaf’. Kies een latere datum."),
            )
        return cleaned

    def selects(self) -> list[BoundField]:
        return [self[name] for name in self.SELECTS]

    def filters(self) -> RegisterFilters:
        """The filters that parsed; a field with an error does not filter."""
        if not self.is_bound:
            return RegisterFilters()
        self.is_valid()
        data = self.cleaned_data
        return RegisterFilters(
            query=data.get("q") or "",
            level=NlqfLevel(data["niveau"]) if data.get("niveau") else None,
            category=Category(data["categorie"]) if data.get("categorie") else None,
            language=Language(data["taal"]) if data.get("taal") else None,
            teaching_form=TeachingForm(data["vorm"]) if data.get("vorm") else None,
            place=data.get("plaats") or "",
            price_from=data.get("prijs_vanaf"),
            price_until=data.get("prijs_tot_en_met"),
            start_from=data.get("start_vanaf"),
            start_until=data.get("start_tot_en_met"),
        )

    def has_filters(self) -> bool:
        """Whether anything was filled in (the page number does not count)."""
        return self.is_bound and any(str(self.data.get(name, "")).strip() for name in self.fields)
