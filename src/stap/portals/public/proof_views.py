"""The public check of an aanmeldingsbewijs: is this code ours, and still valid? No sign-in.

Anyone holding a PDF — the student, UWV, a curious employer — types the code or scans the QR code
(which opens this page with the code filled in, ``?code=…``). The answer says whether the bewijs
is valid, revoked or replaced, for which training and provider and from which start date; never
anything about the student. Checking is a GET without side effects other than the rate limit's
counter; too many checks answer 429 with the time to wait.
"""

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from stap.core.ratelimit import client_key
from stap.enrolments.proofs import limits
from stap.enrolments.proofs.codes import MAX_INPUT, normalised, shown
from stap.enrolments.proofs.selectors import public_check


class ProofCheckForm(forms.Form):
    code = forms.CharField(
        label=_("Controlecode"),
        max_length=MAX_INPUT,
        help_text=_(
            "De code van 12 tekens op het aanmeldingsbewijs, bijvoorbeeld ABCD-EFGH-JKMN. "
            "Hoofdletters, spaties en streepjes maken niet uit."
        ),
        error_messages={
            "required": _("Vul de controlecode in die op het aanmeldingsbewijs staat."),
            "max_length": _(
                "Een controlecode heeft 12 tekens, zoals ABCD-EFGH-JKMN. Neem de code over van "
                "het aanmeldingsbewijs."
            ),
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        code = normalised(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                _(
                    "Dit is geen controlecode. Een controlecode heeft 12 tekens: letters en de "
                    "cijfers 2 tot en met 9 (geen 0, O, 1 of I), zoals ABCD-EFGH-JKMN. Neem de "
                    "code nog eens over van het aanmeldingsbewijs."
                )
            )
        return code


@never_cache
@require_safe
def proof_check(request: HttpRequest) -> HttpResponse:
    form = ProofCheckForm(request.GET if "code" in request.GET else None)
    context: dict[str, Any] = {"form": form, "checked": False}
    if form.is_bound and request.GET.get("code", "").strip():
        verdict = limits.check_allowed(client=client_key(request))
        if not verdict.allowed:
            response = render(
                request,
                "public/proof_check_limited.html",
                {
                    "retry_after": verdict.retry_after,
                    "everyone": verdict.scope == limits.EVERYONE.scope,
                },
                status=429,
            )
            response["Retry-After"] = str(verdict.retry_after)
            return response
    if form.is_valid():
        code = form.cleaned_data["code"]
        context.update(checked=True, code=shown(code), result=public_check(code=code))
    return render(request, "public/proof_check.html", context)
