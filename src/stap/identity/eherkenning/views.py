"""Our own login and assertion consumer views (the library's do not fit, see docs/adr/0003).

``etd_no_cache``, ``acs_endpoint`` and ``saml_artifact`` serve the DigiD views too.
"""

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from stap.identity.eherkenning import flow
from stap.identity.eherkenning.refusals import EXPLANATIONS, SignInRefused, refusal_page
from stap.identity.signin import eherkenning_sign_in
from stap.identity.token_links import link_after_sign_in

logger = logging.getLogger(__name__)

View = Callable[..., HttpResponseBase]


def etd_no_cache(view: View) -> View:
    """eTD "Interface specifications web": no caching of anything in the sign-in flow (S36)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-cache, no-store"
        response["Pragma"] = "no-cache"
        return response

    return wrapper


def acs_endpoint(view: View) -> View:
    """An assertion consumer service: GET and POST (eTD: artifacts arrive by both), no caching,
    and no CSRF token: the broker sends the browser here, and the artifact is the proof."""
    return csrf_exempt(require_http_methods(["GET", "POST"])(etd_no_cache(view)))


def saml_artifact(request: HttpRequest) -> str:
    return request.GET.get("SAMLart") or request.POST.get("SAMLart") or ""


@require_POST
@etd_no_cache
def login(request: HttpRequest, service: str) -> HttpResponse:
    """POST only (CSRF-protected): a page that posts the signed AuthnRequest to the broker."""
    try:
        form = flow.start(request, service=service)
    except SignInRefused as refusal:
        return _refuse(request, refusal, service=service)
    return render(
        request,
        "eherkenning/post_binding.html",
        {"form": form, "service": settings.STAP_EHERKENNING_SERVICES[service]["name"]},
    )


@acs_endpoint
def acs(request: HttpRequest) -> HttpResponse:
    """Resolve the artifact, check everything, sign in. ``RelayState`` is ignored (S30)."""
    try:
        completed = flow.complete(request, saml_artifact(request))
    except SignInRefused as refusal:
        return _refuse(request, refusal)
    user = eherkenning_sign_in(request=request, identity=completed.identity)
    if completed.link_token_user_id is not None:
        link_after_sign_in(
            request,
            token_user_id=completed.link_token_user_id,
            eherkenning_user=user,
            identity=completed.identity,
        )
        return redirect(reverse("duo:link_result"))
    return redirect(reverse(completed.service.landing_url_name))


def _refuse(
    request: HttpRequest, refusal: SignInRefused, *, service: str | None = None
) -> HttpResponse:
    """Store nothing but an audit entry, and tell the person what happened and what to do."""
    services: dict[str, dict[str, Any]] = settings.STAP_EHERKENNING_SERVICES
    service = service or refusal.service
    if service not in services:
        pending = flow.pending_services(request)
        service = pending[-1] if pending else next(iter(services))
    return refusal_page(
        request,
        refusal,
        scheme="eHerkenning",
        logger=logger,
        service=service,
        explanation=EXPLANATIONS[refusal.reason],
        values={
            "service": services[service]["name"],
            "required": services[service]["minimum_level"],
            "level": refusal.level or "onbekend",
        },
        start_url=reverse(services[service]["start_url_name"]),
    )
