from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from django_otp import match_token
from django_otp.models import Device

from stap.identity import throttle
from stap.identity.models import User, UserKind


class StaffSignInForm(forms.Form):
    """Password and a TOTP code in one step; the error never says which of the three was wrong."""

    username = forms.CharField(label=_("Gebruikersnaam"), max_length=200)
    password = forms.CharField(label=_("Wachtwoord"), strip=False, widget=forms.PasswordInput)
    otp_token = forms.RegexField(
        label=_("Code uit uw authenticator-app"),
        regex=r"^[0-9]{6}$",
        help_text=_("De 6 cijfers die uw authenticator-app nu toont."),
        error_messages={"invalid": _("Vul de 6 cijfers in die uw authenticator-app nu toont.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    error_messages = {
        "locked": _(
            "Er is te vaak geprobeerd met deze gebruikersnaam in te loggen. Wacht 15 minuten en "
            "probeer het dan opnieuw, of neem contact op met de servicedesk."
        ),
        "invalid_login": _(
            "De gebruikersnaam, het wachtwoord of de code klopt niet. Controleer ze en probeer het "
            "opnieuw; de code verandert elke 30 seconden."
        ),
    }

    def __init__(self, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.user: User | None = None
        self.device: Device | None = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        username, password, token = (
            cleaned.get("username"),
            cleaned.get("password"),
            cleaned.get("otp_token"),
        )
        if not (username and password and token):
            return cleaned
        if throttle.is_locked(username):
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        user = authenticate(self.request, username=username, password=password)
        device = match_token(user, token) if isinstance(user, User) else None
        if not isinstance(user, User) or user.kind != UserKind.STAFF or device is None:
            throttle.record_failure(username)
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        throttle.clear(username)
        self.user, self.device = user, device
        return cleaned
