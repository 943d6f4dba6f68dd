"""The test broker's pages and endpoints; they answer only on the broker's own host name.

Two sides, each with an SSO endpoint, a persona page and a SOAP artifact resolution endpoint:
eHerkenning under ``/testbroker/`` and DigiD under ``/testbroker/digid/``.
"""

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

from stap.demo.personas import CITIZENS, PERSONAS, Citizen, Persona
from stap.identity.eherkenning.config import sp_config
from stap.identity.eherkenning.views import etd_no_cache
from stap.testbroker import saml
from stap.testbroker.attacks import attacks_for, remember_ids
from stap.testbroker.forms import DigiDPersonaForm, PersonaForm
from stap.testbroker.identity_provider import DIGID, EHERKENNING, Side

View = Callable[..., HttpResponseBase]
STATUS_BY_ACTION = {"cancel": "AuthnFailed", "error": "RequestUnsupported"}


def broker_host_only(view: View) -> View:
    """A 404 on any host but the broker's, so that the product and broker cookies stay apart."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.get_host() != urlsplit(settings.STAP_TESTBROKER_BASE_URL).netloc:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _sso(
    request: HttpRequest,
    side: Side,
    verify: Callable[[str, str], saml.VerifiedRequest],
    login_url_name: str,
) -> HttpResponse:
    """HTTP-POST binding: check the signed AuthnRequest, then show the persona page."""
    try:
        verified = verify(request.POST.get("SAMLRequest", ""), request.POST.get("RelayState", ""))
    except saml.BrokerError as error:
        return render(request, "testbroker/error.html", {"error": str(error)}, status=400)
    token = saml.remember_request(verified, side)
    return redirect(login_url_name, token=token)


def _expired(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "testbroker/error.html",
        {"error": "Deze inlogpoging is verlopen of al afgerond. Begin opnieuw bij de dienst."},
        status=410,
    )


def _answer(
    side: Side,
    verified: saml.VerifiedRequest,
    token: str,
    login: saml.Login | saml.DigiDLogin,
    *,
    attack_key: str = "",
) -> HttpResponse:
    if not saml.forget_request(token, side):  # one answer per AuthnRequest
        raise Http404
    keys = side.key_pair()
    draft = saml.Draft(
        sp=side.sp(),
        issuer=side.entity_id,
        request=verified,
        login=login,
        now=timezone.now(),
        signer=saml.Signer(key_pem=keys.key_pem, cert_pem=keys.cert_pem),
    )
    response = saml.build_response(draft, attacks_for(side).get(attack_key))
    remember_ids(response)
    artifact = saml.issue_artifact(response, attack_key, side)
    query = {"SAMLart": artifact}
    if verified.relay_state:
        query["RelayState"] = verified.relay_state
    return HttpResponseRedirect(f"{draft.sp.acs_url}?{urlencode(query)}")


Choice = tuple[saml.Login | saml.DigiDLogin, str]  # what to assert, and the attack key


def _persona_page(
    request: HttpRequest,
    token: str,
    side: Side,
    *,
    form_class: type[PersonaForm] | type[DigiDPersonaForm],
    initial: Callable[[saml.VerifiedRequest], dict[str, str]],
    choose: Callable[[str, saml.VerifiedRequest, Any], Choice | None],
    template: str,
    personas: list[tuple[str, str]],
) -> HttpResponse:
    """A persona, or data typed in, or cancel/error: then the answer goes back to the SP."""
    verified = saml.recall_request(token, side)
    if verified is None:
        return _expired(request)
    action = request.POST.get("action", "")
    form = form_class(request.POST if action == "login" else None, initial=initial(verified))
    chosen = choose(action, verified, form) if request.method == "POST" else None
    if chosen is not None:
        login, attack_key = chosen
        return _answer(side, verified, token, login, attack_key=attack_key)
    return render(
        request,
        template,
        {"form": form, "request_info": verified, "personas": personas},
        status=400 if form.is_bound else 200,
    )


# ----------------------------------------------------------------------------------- eHerkenning
@csrf_exempt  # the SP's page posts here from another origin, as to any broker
@require_POST
@broker_host_only
@etd_no_cache
def sso(request: HttpRequest) -> HttpResponse:
    return _sso(request, EHERKENNING, saml.verify_authn_request, "testbroker:login")


@require_http_methods(["GET", "POST"])
@broker_host_only
@etd_no_cache
def login(request: HttpRequest, token: str) -> HttpResponse:
    return _persona_page(
        request,
        token,
        EHERKENNING,
        form_class=PersonaForm,
        initial=lambda verified: {
            "identity_form": settings.STAP_TESTBROKER_IDENTITY_FORM,
            "level": "EH3",
        },
        choose=_eherkenning_choice,
        template="testbroker/login.html",
        personas=[
            (persona.key, f"{persona.label} ({persona.kvk_number}, {persona.level})")
            for persona in PERSONAS
        ],
    )


def _eherkenning_choice(
    action: str, verified: saml.VerifiedRequest, form: PersonaForm
) -> Choice | None:
    personas = {persona.key: persona for persona in PERSONAS}
    if action in STATUS_BY_ACTION:
        status = STATUS_BY_ACTION[action]
        return saml.Login(kvk_number="", pseudonym="", level="EH3", status=status), ""
    if action.startswith("persona:") and action[8:] in personas:
        return _persona_login(personas[action[8:]], verified), ""
    if action == "login" and form.is_valid():
        data = form.cleaned_data
        chosen = _login(
            persona="handmatig",
            kvk_number=data["kvk_number"],
            company_name=data["company_name"],
            level=data["level"],
            vestigingsnummer=data["vestigingsnummer"],
            authorisations=tuple(data["authorisations"]),
            identity_form=data["identity_form"],
            verified=verified,
        )
        return chosen, data["attack"]
    return None


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


# ----------------------------------------------------------------------------------------- DigiD
@csrf_exempt  # the SP's page posts here from another origin, as to DigiD
@require_POST
@broker_host_only
@etd_no_cache
def digid_sso(request: HttpRequest) -> HttpResponse:
    return _sso(request, DIGID, saml.verify_digid_authn_request, "testbroker:digid_login")


@require_http_methods(["GET", "POST"])
@broker_host_only
@etd_no_cache
def digid_login(request: HttpRequest, token: str) -> HttpResponse:
    """A citizen persona, or a BSN and a level typed in; cancel or an error."""
    return _persona_page(
        request,
        token,
        DIGID,
        form_class=DigiDPersonaForm,
        initial=lambda verified: {"level": verified.requested_level or "Midden"},
        choose=_digid_choice,
        template="testbroker/digid_login.html",
        personas=[
            (citizen.key, f"{citizen.label} ({citizen.bsn}, {citizen.level})")
            for citizen in CITIZENS
        ],
    )


def _digid_choice(
    action: str, verified: saml.VerifiedRequest, form: DigiDPersonaForm
) -> Choice | None:
    citizens: dict[str, Citizen] = {citizen.key: citizen for citizen in CITIZENS}
    if action in STATUS_BY_ACTION:
        return saml.DigiDLogin(bsn="", level="Midden", status=STATUS_BY_ACTION[action]), ""
    if action.startswith("persona:") and action[8:] in citizens:
        citizen = citizens[action[8:]]
        return saml.DigiDLogin(bsn=citizen.bsn, level=citizen.level), ""
    if action == "login" and form.is_valid():
        data = form.cleaned_data
        return saml.DigiDLogin(bsn=data["bsn"], level=data["level"]), data["attack"]
    return None


# ------------------------------------------------------------------------- artifact resolution
@csrf_exempt  # a SOAP endpoint for the SP's back channel; the SP signs its ArtifactResolve
@require_POST
@broker_host_only
def artifact_resolution(request: HttpRequest, side: Side = EHERKENNING) -> HttpResponse:
    status, body = saml.resolve_artifact(request.body, side)
    return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")


@require_http_methods(["GET"])
@broker_host_only
def start(request: HttpRequest) -> HttpResponse:
    """What this is and where to begin (the SP sends people here with an AuthnRequest)."""
    return render(
        request,
        "testbroker/start.html",
        {
            "provider_start": settings.STAP_BASE_URL + reverse("provider:start"),
            "citizen_start": settings.STAP_BASE_URL + reverse("citizen:start"),
        },
    )
