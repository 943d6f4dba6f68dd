"""Forms of Mijn DUO zakelijk. Every message says what is wrong and how to put it right."""

import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

from stap.identity.access_requests import MAX_PERSONS, PersonAsked, RequestDetails
from stap.identity.models import DuoRole, User
from stap.identity.signed_pdf import MAX_BYTES

_KVK = RegexValidator(r"^[0-9]{8}$", _("Een KvK-nummer bestaat uit 8 cijfers, zoals 90000001."))
_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{8,18}$")


class TokenSignInForm(forms.Form):
    username = forms.CharField(
        label=_("Gebruikersnaam"),
        max_length=150,
        error_messages={"required": _("Vul uw gebruikersnaam in.")},
    )
    password = forms.CharField(
        label=_("Wachtwoord"),
        strip=False,
        widget=forms.PasswordInput,
        error_messages={"required": _("Vul uw wachtwoord in.")},
    )
    code = forms.RegexField(
        label=_("Code uit uw tokengenerator"),
        regex=r"^[0-9]{6}$",
        help_text=_("De 6 cijfers die uw tokengenerator nu toont."),
        error_messages={
            "required": _("Vul de 6 cijfers in die uw tokengenerator nu toont."),
            "invalid": _("De code bestaat uit 6 cijfers. Vul de cijfers in zonder spaties."),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class EnrolmentStartForm(forms.Form):
    username = TokenSignInForm.base_fields["username"]
    password = TokenSignInForm.base_fields["password"]


class CodeForm(forms.Form):
    code = TokenSignInForm.base_fields["code"]


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Uw naam"),
        max_length=200,
        help_text=_("Zoals uw collega's u kennen; uw beheerder ziet deze naam."),
        error_messages={"required": _("Vul uw naam in.")},
    )
    email = forms.EmailField(
        label=_("Uw e-mailadres"),
        max_length=254,
        error_messages={
            "required": _("Vul uw e-mailadres in."),
            "invalid": _("Vul een geldig e-mailadres in, zoals naam@organisatie.nl."),
        },
    )


ROLE_CHOICES = DuoRole.choices


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Rollen"),
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ClaimForm(forms.Form):
    code = forms.CharField(
        label=_("Code uit de e-mail van DUO"),
        max_length=20,
        help_text=_("12 tekens, bijvoorbeeld ABCD-EFGH-JKMN."),
        error_messages={"required": _("Vul de code uit de e-mail van DUO in.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


def _email_field(label: "_StrOrPromise") -> forms.EmailField:
    return forms.EmailField(
        label=label,
        max_length=254,
        error_messages={
            "required": _("Vul het e-mailadres in."),
            "invalid": _("Vul een geldig e-mailadres in, zoals naam@organisatie.nl."),
        },
    )


class PersonForm(forms.Form):
    name = forms.CharField(label=_("Naam"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("E-mailadres"),
        max_length=254,
        required=False,
        error_messages={"invalid": _("Vul een geldig e-mailadres in, zoals naam@organisatie.nl.")},
    )
    roles = forms.MultipleChoiceField(
        label=_("Rollen"), choices=ROLE_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        filled = [bool(cleaned.get(name)) for name in ("name", "email", "roles")]
        if any(filled) and not all(filled):
            if not cleaned.get("name"):
                self.add_error("name", _("Vul de naam van deze persoon in."))
            if not cleaned.get("email"):
                self.add_error("email", _("Vul het e-mailadres van deze persoon in."))
            if not cleaned.get("roles"):
                self.add_error("roles", _("Kies minstens één rol voor deze persoon."))
        return cleaned

    def person(self) -> PersonAsked | None:
        if not self.cleaned_data.get("name"):
            return None
        return PersonAsked(
            name=self.cleaned_data["name"],
            email=self.cleaned_data["email"],
            roles=tuple(DuoRole(role) for role in self.cleaned_data["roles"]),
        )


PersonFormSet = forms.formset_factory(PersonForm, extra=3, max_num=MAX_PERSONS, validate_max=True)


class AccessRequestForm(forms.Form):
    """The "Toegang Mijn DUO" request. In the portal the KvK number and organisation come from
    the sign-in and the requester may ask roles for themself."""

    kvk_number = forms.CharField(
        label=_("KvK-nummer van uw organisatie"),
        max_length=8,
        validators=[_KVK],
        error_messages={"required": _("Vul het KvK-nummer in.")},
    )
    organisation_name = forms.CharField(
        label=_("Naam van uw organisatie"),
        max_length=200,
        error_messages={"required": _("Vul de naam van uw organisatie in.")},
    )
    own_roles = forms.MultipleChoiceField(
        label=_("Rollen voor uzelf"),
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    contact_name = forms.CharField(
        label=_("Naam contactpersoon"),
        max_length=200,
        error_messages={"required": _("Vul de naam van de contactpersoon in.")},
    )
    contact_email = _email_field(_("E-mailadres contactpersoon"))
    contact_phone = forms.CharField(
        label=_("Telefoonnummer contactpersoon"),
        max_length=20,
        help_text=_("Bijvoorbeeld 050 599 7738 of +31 50 599 7738."),
        error_messages={"required": _("Vul het telefoonnummer in.")},
    )
    coordinator_name = forms.CharField(
        label=_("Naam coördinator"),
        max_length=200,
        help_text=_("Wie de overstap naar eHerkenning in uw organisatie coördineert."),
        error_messages={"required": _("Vul de naam van de coördinator in.")},
    )
    coordinator_email = _email_field(_("E-mailadres coördinator"))
    signatory_name = forms.CharField(
        label=_("Naam tekenbevoegde"),
        max_length=200,
        help_text=_(
            "Iemand die volgens het Handelsregister van de KvK voor uw organisatie tekent."
        ),
        error_messages={"required": _("Vul de naam van de tekenbevoegde in.")},
    )
    signatory_function = forms.CharField(
        label=_("Functie tekenbevoegde"),
        max_length=200,
        help_text=_("Bijvoorbeeld bestuurder of directeur."),
        error_messages={"required": _("Vul de functie van de tekenbevoegde in.")},
    )

    def __init__(
        self, *args: Any, requester: User | None = None, kvk_number: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.requester = requester
        self.persons = PersonFormSet(self.data or None, prefix="persoon")
        if requester is not None:
            # The sign-in says which organisation; never the form.
            del self.fields["kvk_number"]
            self.fixed_kvk = kvk_number
        else:
            del self.fields["own_roles"]
            self.fixed_kvk = ""

    def clean_contact_phone(self) -> str:
        phone: str = self.cleaned_data["contact_phone"].strip()
        if not _PHONE.fullmatch(phone):
            raise forms.ValidationError(
                _(
                    "Vul een telefoonnummer in van 10 cijfers, eventueel met landnummer, zoals "
                    "050 599 7738 of +31 50 599 7738."
                )
            )
        return phone

    def is_valid(self) -> bool:
        form_valid = super().is_valid()
        persons_valid = self.persons.is_valid()
        if form_valid and persons_valid and not self.asked_persons():
            self.add_error(
                None,
                _("Vraag rollen aan voor minstens één persoon: uzelf of iemand anders.")
                if self.requester
                else _("Vul minstens één persoon in, met zijn of haar rollen."),
            )
            return False
        return form_valid and persons_valid

    def asked_persons(self) -> list[PersonAsked]:
        persons = [person for form in self.persons.forms if (person := form.person()) is not None]
        own = self.cleaned_data.get("own_roles") or []
        if self.requester is not None and own:
            persons.insert(
                0,
                PersonAsked(
                    name=self.requester.display_name or self.cleaned_data["contact_name"],
                    email=self.requester.email or self.cleaned_data["contact_email"],
                    roles=tuple(DuoRole(role) for role in own),
                    user=self.requester,
                ),
            )
        return persons

    def details(self) -> RequestDetails:
        data = self.cleaned_data
        return RequestDetails(
            kvk_number=self.fixed_kvk or data["kvk_number"],
            organisation_name=data["organisation_name"],
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            contact_phone=data["contact_phone"],
            coordinator_name=data["coordinator_name"],
            coordinator_email=data["coordinator_email"],
            signatory_name=data["signatory_name"],
            signatory_function=data["signatory_function"],
            persons=tuple(self.asked_persons()),
        )


class SignedFormUploadForm(forms.Form):
    reference = forms.CharField(
        label=_("Kenmerk"),
        max_length=20,
        help_text=_("Staat bovenaan het formulier, bijvoorbeeld TMD-2026-000123."),
        error_messages={"required": _("Vul het kenmerk in.")},
    )
    upload_code = forms.CharField(
        label=_("Uploadcode"),
        max_length=20,
        help_text=_("Staat op het formulier, bijvoorbeeld ABCD-EFGH-JKMN."),
        error_messages={"required": _("Vul de uploadcode in.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    signed_form = forms.FileField(
        label=_("Ondertekend formulier (PDF)"),
        help_text=_("Een PDF-bestand van ten hoogste 5 MB."),
        error_messages={
            "required": _("Kies het PDF-bestand met het ondertekende formulier."),
            "empty": _("Het gekozen bestand is leeg. Scan het formulier opnieuw."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_signed_form(self) -> Any:
        upload = self.cleaned_data["signed_form"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _(
                    "Het bestand is groter dan 5 MB. Scan het formulier opnieuw met een lagere "
                    "resolutie of in zwart-wit."
                )
            )
        return upload
