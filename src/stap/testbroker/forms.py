"""The persona page: what a broker's simulator asks (Dutch labels and errors)."""

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from stap.demo.personas import MIJN_DUO, OPLEIDERSPORTAAL
from stap.testbroker.attacks import ATTACKS

LEVEL_CHOICES = [("EH2", "EH2"), ("EH2+", "EH2+"), ("EH3", "EH3"), ("EH4", "EH4")]
AUTHORISATION_CHOICES = [(OPLEIDERSPORTAAL, OPLEIDERSPORTAAL), (MIJN_DUO, MIJN_DUO)]
IDENTITY_FORM_CHOICES = [
    ("etd", _("eTD: versleutelde EncryptedIDs (LegalSubjectID, ActingSubjectID)")),
    ("flat", _("Plat, zoals simulators van commerciële makelaars")),
]


class PersonaForm(forms.Form):
    kvk_number = forms.CharField(
        label=_("KvK-nummer"),
        help_text=_("8 cijfers, bijvoorbeeld 90000001."),
        max_length=8,
        validators=[RegexValidator(r"^[0-9]{8}$", _("Een KvK-nummer bestaat uit 8 cijfers."))],
        error_messages={"required": _("Vul het KvK-nummer in.")},
    )
    vestigingsnummer = forms.CharField(
        label=_("Vestigingsnummer (optioneel)"),
        help_text=_("12 cijfers. Alleen invullen als de machtiging beperkt is tot één vestiging."),
        max_length=12,
        required=False,
        validators=[
            RegexValidator(r"^[0-9]{12}$", _("Een vestigingsnummer bestaat uit 12 cijfers."))
        ],
    )
    company_name = forms.CharField(
        label=_("Naam organisatie"),
        max_length=200,
        error_messages={"required": _("Vul de naam van de organisatie in.")},
    )
    level = forms.ChoiceField(
        label=_("Betrouwbaarheidsniveau"),
        choices=LEVEL_CHOICES,
        initial="EH3",
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies een betrouwbaarheidsniveau.")},
    )
    authorisations = forms.MultipleChoiceField(
        label=_("Machtigingen voor diensten"),
        choices=AUTHORISATION_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    identity_form = forms.ChoiceField(
        label=_("Vorm van de identiteit in het antwoord"),
        choices=IDENTITY_FORM_CHOICES,
        widget=forms.RadioSelect,
    )
    attack = forms.ChoiceField(
        label=_("Aanvalsmodus (alleen voor beveiligingstests)"),
        required=False,
        choices=[("", _("Geen aanval: een correct antwoord"))]
        + [(a.key, f"{a.row}: {a.label}") for a in ATTACKS.values()],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("kvk_number", "vestigingsnummer"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
