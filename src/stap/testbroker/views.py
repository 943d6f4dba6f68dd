"""The test broker's pages and endpoints; they answer only on the broker's own host name."""

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from stap.demo.personas import PERSONAS, Persona
from stap.identity.eherkenning.config import sp_config
from stap.identity.eherkenning.views import etd_no_cache
from stap.testbroker import saml
from stap.testbroker.attacks import ATTACKS, remember_ids
from stap.testbroker.forms import PersonaForm
from stap.testbroker.identity_provider import broker_key_pair

View = Callable[..., HttpResponseBase]


def broker_host_only(view: View) -> View:
    """A 404 on any host but the broker's, so that the product and broker cookies stay apart."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.get_host() != urlsplit(settings.STAP_TESTBROKER_BASE_URL).netloc:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@csrf_exempt  # the SP's page posts here from another origin, as to any broker
@require_POST
@broker_host_only
@etd_no_cache
def sso(request: HttpRequest) -> HttpResponse:
    """HTTP-POST binding: check the signed AuthnRequest, then show the persona page."""
    try:
        verified = saml.verify_authn_request(
            request.POST.get("SAMLRequest", ""), request.POST.get("RelayState", "")
        )
    except saml.BrokerError as error:
        return render(request, "testbroker/error.html", {"error": str(error)}, status=400)
    token = saml.remember_request(verified)
    return redirect("testbroker:login", token=token)


@require_http_methods(["GET", "POST"])
@broker_host_only
@etd_no_cache
def login(request: HttpRequest, token: str) -> HttpResponse:
    verified = saml.recall_request(token)
    if verified is None:
        return render(
            request,
            "testbroker/error.html",
            {"error": "Deze inlogpoging is verlopen of al afgerond. Begin opnieuw bij de dienst."},
            status=410,
        )
    action = request.POST.get("action", "")
    personas = {persona.key: persona for persona in PERSONAS}
    form = PersonaForm(
        request.POST if action == "login" else None,
        initial={"identity_form": settings.STAP_TESTBROKER_IDENTITY_FORM, "level": "EH3"},
    )
    if request.method == "POST":
        if action in ("cancel", "error"):
            status = "AuthnFailed" if action == "cancel" else "RequestUnsupported"
            return _answer(
                verified, token, saml.Login(kvk_number="", pseudonym="", level="EH3", status=status)
            )
        if action.startswith("persona:") and action[8:] in personas:
            return _answer(verified, token, _persona_login(personas[action[8:]], verified))
        if action == "login" and form.is_valid():
            data = form.cleaned_data
            return _answer(
                verified,
                token,
                _login(
                    persona="handmatig",
                    kvk_number=data["kvk_number"],
                    company_name=data["company_name"],
                    level=data["level"],
                    vestigingsnummer=data["vestigingsnummer"],
                    authorisations=tuple(data["authorisations"]),
                    identity_form=data["identity_form"],
                    verified=verified,
                ),
                attack_key=data["attack"],
            )
    return render(
        request,
        "testbroker/login.html",
        {"form": form, "request_info": verified, "personas": PERSONAS},
        status=400 if form.is_bound else 200,
    )


def _persona_login(persona: Persona, verified: saml.VerifiedRequest) -> saml.Login:
    return _login(
        persona=persona.key,
        kvk_number=persona.kvk_number,
        company_name=persona.company_name,
        level=persona.level,
        vestigingsnummer=persona.vestigingsnummer,
        authorisations=persona.authorisations,
        identity_form=settings.STAP_TESTBROKER_IDENTITY_FORM,
        verified=verified,
    )


def _login(
    *,
    persona: str,
    kvk_number: str,
    company_name: str,
    level: str,
    vestigingsnummer: str,
    authorisations: tuple[str, ...],
    identity_form: str,
    verified: saml.VerifiedRequest,
) -> saml.Login:
    # A real broker asks the authorisation register; without a machtiging for the service that
    # asked, it answers Responder/AuthnFailed after telling the person.
    status = "" if verified.service_name in authorisations else "AuthnFailed"
    return saml.Login(
        kvk_number=kvk_number,
        pseudonym=saml.pseudonym_for(persona, kvk_number, sp_config()),
        level=level,
        company_name=company_name,
        vestigingsnummer=vestigingsnummer,
        authorisations=authorisations,
        identity_form=identity_form,
        status=status,
    )


def _answer(
    verified: saml.VerifiedRequest, token: str, login: saml.Login, *, attack_key: str = ""
) -> HttpResponse:
    if not saml.forget_request(token):  # one answer per AuthnRequest
        raise Http404
    keys = broker_key_pair()
    draft = saml.Draft(
        sp=sp_config(),
        request=verified,
        login=login,
        now=timezone.now(),
        signer=saml.Signer(key_pem=keys.key_pem, cert_pem=keys.cert_pem),
    )
    response = saml.build_response(draft, ATTACKS.get(attack_key))
    remember_ids(response)
    artifact = saml.issue_artifact(response, attack_key)
    query = {"SAMLart": artifact}
    if verified.relay_state:
        query["RelayState"] = verified.relay_state
    return HttpResponseRedirect(f"{draft.sp.acs_url}?{urlencode(query)}")


@csrf_exempt  # a SOAP endpoint for the SP's back channel; the SP signs its ArtifactResolve
@require_POST
@broker_host_only
def artifact_resolution(request: HttpRequest) -> HttpResponse:
    status, body = saml.resolve_artifact(request.body)
    return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")


@require_http_methods(["GET"])
@broker_host_only
def start(request: HttpRequest) -> HttpResponse:
    """What this is and where to begin (the SP sends people here with an AuthnRequest)."""
    return render(
        request,
        "testbroker/start.html",
        {"provider_start": settings.STAP_BASE_URL + reverse("provider:start")},
    )
