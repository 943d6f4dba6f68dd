"""The DigiD login and assertion consumer views (the library's do not fit, see docs/adr/0003)."""

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from stap.identity.digid import flow
from stap.identity.digid.refusals import EXPLANATIONS
from stap.identity.eherkenning.refusals import SignInRefused, refusal_page
from stap.identity.eherkenning.views import acs_endpoint, etd_no_cache, saml_artifact
from stap.identity.signin import DIGID_SERVICE, digid_sign_in

logger = logging.getLogger(__name__)

START_URL_NAME = "citizen:start"
LANDING_URL_NAME = "citizen:home"


@require_POST
@etd_no_cache
def login(request: HttpRequest) -> HttpResponse:
    """POST only (CSRF-protected): a page that posts the signed AuthnRequest to DigiD."""
    return render(
        request,
        "digid/post_binding.html",
        {"form": flow.start(request), "service": settings.STAP_DIGID_SERVICE_NAME},
    )


@acs_endpoint
def acs(request: HttpRequest) -> HttpResponse:
    """Resolve the artifact, check it and who it names, then sign the citizen in (a new session).

    ``RelayState`` is ignored (S30)."""
    try:
        identity = flow.complete(request, saml_artifact(request))
    except SignInRefused as refusal:
        return _refuse(request, refusal)
    digid_sign_in(request=request, identity=identity)
    return redirect(reverse(LANDING_URL_NAME))


def _refuse(request: HttpRequest, refusal: SignInRefused) -> HttpResponse:
    return refusal_page(
        request,
        refusal,
        scheme="DigiD",
        logger=logger,
        service=DIGID_SERVICE,
        explanation=EXPLANATIONS[refusal.reason],
        values={
            "service": settings.STAP_DIGID_SERVICE_NAME,
            "required": settings.STAP_DIGID_MINIMUM_LEVEL,
            "level": refusal.level or gettext("onbekend"),
        },
        start_url=reverse(START_URL_NAME),
    )
