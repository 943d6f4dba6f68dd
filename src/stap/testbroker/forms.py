"""The persona pages: what a broker's simulator asks (Dutch labels and errors)."""

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from stap.demo.personas import MIJN_DUO, OPLEIDERSPORTAAL
from stap.identity.digid.config import LEVELS as DIGID_LEVELS
from stap.testbroker.attacks import ATTACKS, DIGID_ATTACKS, Attack

LEVEL_CHOICES = [("EH2", "EH2"), ("EH2+", "EH2+"), ("EH3", "EH3"), ("EH4", "EH4")]
DIGID_LEVEL_CHOICES = [(level, level) for level in DIGID_LEVELS]
AUTHORISATION_CHOICES = [(OPLEIDERSPORTAAL, OPLEIDERSPORTAAL), (MIJN_DUO, MIJN_DUO)]
IDENTITY_FORM_CHOICES = [
    ("etd", _("eTD: versleutelde EncryptedIDs (LegalSubjectID, ActingSubjectID)")),
    ("flat", _("Plat, zoals simulators van commerciële makelaars")),
]


def _attack_choices(attacks: dict[str, Attack]) -> list[tuple[str, str | Promise]]:
    return [("", _("Geen aanval: een correct antwoord"))] + [
        (attack.key, f"{attack.row}: {attack.label}") for attack in attacks.values()
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
        choices=_attack_choices(ATTACKS),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("kvk_number", "vestigingsnummer"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})


class DigiDPersonaForm(forms.Form):
    """DigiD asks nothing else: a BSN and the level at which the citizen signs in."""

    bsn = forms.CharField(
        label=_("Burgerservicenummer (BSN)"),
        help_text=_(
            "9 cijfers. De testmakelaar controleert de 11-proef niet, zodat u kunt zien dat het "
            "portaal dat wel doet."
        ),
        max_length=9,
        validators=[RegexValidator(r"^[0-9]{9}$", _("Een BSN bestaat uit 9 cijfers."))],
        error_messages={"required": _("Vul het burgerservicenummer in.")},
    )
    level = forms.ChoiceField(
        label=_("Betrouwbaarheidsniveau"),
        choices=DIGID_LEVEL_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies een betrouwbaarheidsniveau.")},
    )
    attack = forms.ChoiceField(
        label=_("Aanvalsmodus (alleen voor beveiligingstests)"),
        required=False,
        choices=_attack_choices(DIGID_ATTACKS),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bsn"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
