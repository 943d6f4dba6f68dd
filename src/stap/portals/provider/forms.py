from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from stap.budget.models import ApplicationStatus
from stap.budget.selectors import DEFAULT_SORT, SORTS, GrantedApplicationFilters
from stap.register.models import Training

_GRANTED_STATUS_CHOICES = [("", _("Alle statussen"))] + [
    (status.value, status.label) for status in ApplicationStatus.granted()
]


class GrantedApplicationFilterForm(forms.Form):
    """The overview's filters, read from the query string; anything unreadable is ignored."""

    q = forms.CharField(
        label=_("Zoeken"),
        required=False,
        max_length=100,
        help_text=_("Naam, studentnummer of aanvraagnummer."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=_GRANTED_STATUS_CHOICES, required=False)
    opleiding = forms.TypedChoiceField(
        label=_("Opleiding"), coerce=int, empty_value=None, required=False
    )
    start_vanaf = forms.DateField(
        label=_("Startdatum vanaf"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    start_tot_en_met = forms.DateField(
        label=_("Startdatum tot en met"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sorteer = forms.ChoiceField(
        choices=[(key, key) for key in SORTS], required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, trainings: QuerySet[Training], **kwargs: Any) -> None:
        """``trainings`` are the organisation's own: any other id is refused as invalid."""
        super().__init__(*args, **kwargs)
        field = self.fields["opleiding"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("Alle opleidingen")), *trainings.values_list("pk", "name")]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, until = cleaned.get("start_vanaf"), cleaned.get("start_tot_en_met")
        if start and until and until < start:
            self.add_error(
                "start_tot_en_met",
                _("De datum ‘tot en met’ ligt vóór de datum ‘vanaf’. Kies een latere datum."),
            )
        return cleaned

    def filters(self) -> GrantedApplicationFilters:
        if not self.is_bound:
            return GrantedApplicationFilters()
        self.is_valid()  # fields that did parse still filter; the others show their error
        data = self.cleaned_data
        status = data.get("status")
        return GrantedApplicationFilters(
            status=ApplicationStatus(status) if status else None,
            training_id=data.get("opleiding"),
            start_from=data.get("start_vanaf"),
            start_until=data.get("start_tot_en_met"),
            query=data.get("q", ""),
            sort=data.get("sorteer") or DEFAULT_SORT,
        )
