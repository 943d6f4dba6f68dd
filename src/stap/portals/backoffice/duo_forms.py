"""Forms of the DUO screens of the backoffice. The services decide; these only collect input."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

from stap.identity.models import AccessRequestStatus
from stap.portals.form_fields import DateInput

WAITING = "wachtend"
ALL = "alle"
WAITING_STATUSES = (AccessRequestStatus.SUBMITTED, AccessRequestStatus.CHECKED)
NOTE_MAX_LENGTH = 1000


class AccessRequestFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (WAITING, _("Wacht op een medewerker (ingediend of gecontroleerd)")),
            (ALL, _("Alle aanvragen")),
            *AccessRequestStatus.choices,
        ],
        required=False,
        error_messages={"invalid_choice": _("Kies een status uit de lijst.")},
    )

    def statuses(self) -> list[str] | None:
        """The statuses to show; ``None`` for all. Waiting for staff unless chosen otherwise."""
        chosen = self.cleaned_data.get("status") if self.is_valid() else ""
        if chosen == ALL:
            return None
        if chosen and chosen != WAITING:
            return [chosen]
        return [str(status) for status in WAITING_STATUSES]


def _note(
    label: "_StrOrPromise",
    *,
    required: bool,
    required_message: "_StrOrPromise",
    help_text: "_StrOrPromise" = "",
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=NOTE_MAX_LENGTH,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": required_message,
            "max_length": _("Gebruik ten hoogste %(limit_value)d tekens."),
        },
    )


class AccessRequestCheckForm(forms.Form):
    note = _note(
        _("Hoe heeft u de tekenbevoegdheid gecontroleerd?"),
        required=True,
        required_message=_(
            "Beschrijf hoe u de tekenbevoegdheid heeft gecontroleerd, bijvoorbeeld het "
            "uittreksel uit het Handelsregister."
        ),
        help_text=_(
            "Bijvoorbeeld: uittreksel Handelsregister van vandaag, de ondertekenaar is "
            "bestuurder en alleen bevoegd."
        ),
    )


class AccessRequestApproveForm(forms.Form):
    """A request without a beheerder is checked and approved in one step: then the note, how the
    signatory's authority was checked, is required."""

    note = _note(
        _("Hoe heeft u de tekenbevoegdheid gecontroleerd?"),
        required=False,
        required_message=_("Beschrijf hoe u de tekenbevoegdheid heeft gecontroleerd."),
    )

    def __init__(self, *args: Any, note_required: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].required = note_required


class AccessRequestRejectForm(forms.Form):
    reason = _note(
        _("Reden van de afwijzing"),
        required=True,
        required_message=_(
            "Schrijf de reden van de afwijzing op; de aanvrager krijgt die te lezen."
        ),
        help_text=_("De contactpersoon krijgt deze reden per e-mail."),
    )


class SwitchNoticeForm(forms.Form):
    switch_date = forms.DateField(
        label=_("Overstapdatum"),
        help_text=_("Vanaf deze datum werkt inloggen met een tokengenerator niet meer."),
        input_formats=["%Y-%m-%d", "%d-%m-%Y"],
        widget=DateInput,
        error_messages={
            "required": _("Vul de overstapdatum in, bijvoorbeeld 1-9-2026."),
            "invalid": _("Vul een geldige datum in, bijvoorbeeld 1-9-2026."),
        },
    )
