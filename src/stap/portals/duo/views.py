"""Mijn DUO zakelijk: signing in (eHerkenning or token generator), the switch to eHerkenning,
roles (autorisatiebeheer) and the "Toegang Mijn DUO" request."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from stap.identity import token_generator
from stap.identity.access_request_pdf import access_request_pdf
from stap.identity.access_requests import (
    AccessRequestRefused,
    access_request_start_form,
    access_request_submit,
    access_request_upload_signed,
    access_roles_claim,
    formatted_code,
)
from stap.identity.eherkenning import flow
from stap.identity.eherkenning.refusals import SignInRefused
from stap.identity.models import AccessRequest, DuoRole, TokenGenerator, User, UserKind
from stap.identity.roles import RoleRuleBroken, active_assignments, roles_set
from stap.identity.selectors import open_access_requests, users_with_roles
from stap.identity.services import profile_update
from stap.identity.signed_pdf import SignedPdfRefused
from stap.identity.signin import eherkenning_sign_out
from stap.identity.token_accounts import (
    Refusal,
    SwitchState,
    TokenSignInRefused,
    token_enrolment_confirm,
    token_enrolment_start,
    token_sign_in,
)
from stap.identity.token_links import LINK_RESULT_SESSION_KEY
from stap.portals.duo.access import (
    SERVICE,
    DuoContext,
    duo_context,
    duo_required,
    duo_role_required,
    token_sign_in_session,
)
from stap.portals.duo.forms import (
    AccessRequestForm,
    ClaimForm,
    CodeForm,
    EnrolmentStartForm,
    ProfileForm,
    RolesForm,
    SignedFormUploadForm,
    TokenSignInForm,
)
from stap.portals.sessions import session_extended

ENROLMENT_SESSION_KEY = "stap.duo.enrolment"
FORM_CODES_SESSION_KEY = "stap.duo.form_codes"


@require_safe
def start(request: HttpRequest) -> HttpResponse:
    if duo_context(request) is not None:
        return redirect("duo:home")
    return render(request, "duo/start.html")


def _refusal_message(refusal: TokenSignInRefused) -> str:
    messages_by_reason = {
        Refusal.LOCKED: _(
            "Er is te vaak geprobeerd met deze gebruikersnaam in te loggen. Wacht 15 minuten en "
            "probeer het dan opnieuw."
        ),
        Refusal.INVALID: _(
            "De gebruikersnaam, het wachtwoord of de code klopt niet. Controleer ze en probeer "
            "het opnieuw; de code verandert elke 30 seconden."
        ),
        Refusal.REUSED_CODE: _(
            "Deze code is al gebruikt. Wacht tot uw tokengenerator een nieuwe code toont en vul "
            "die in."
        ),
        Refusal.NOT_ENROLLED: _(
            "Uw tokengenerator is nog niet ingesteld. Kies hieronder ‘Tokengenerator instellen’."
        ),
        Refusal.ALREADY_ENROLLED: _(
            "Uw tokengenerator is al ingesteld. Log in met de code die hij toont. Bent u hem "
            "kwijt? Vraag de beheerder van uw organisatie om hulp."
        ),
        Refusal.RETIRED: _(
            "U heeft uw account gekoppeld aan eHerkenning; de tokengenerator werkt niet meer. "
            "Log in met eHerkenning."
        ),
    }
    return messages_by_reason.get(refusal.reason, messages_by_reason[Refusal.INVALID])


@require_http_methods(["GET", "POST"])
def token_sign_in_view(request: HttpRequest) -> HttpResponse:
    form = TokenSignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = token_sign_in(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                code=form.cleaned_data["code"],
            )
        except TokenSignInRefused as refusal:
            if refusal.reason == Refusal.SWITCHED:
                return render(
                    request,
                    "duo/switched.html",
                    {"switch_date": refusal.switch_date},
                    status=403,
                )
            form.add_error(None, _refusal_message(refusal))
        else:
            token_sign_in_session(request, user)
            return redirect("duo:home")
    status = 400 if form.is_bound else 200
    return render(request, "duo/token_sign_in.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def enrol_start(request: HttpRequest) -> HttpResponse:
    form = EnrolmentStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = token_enrolment_start(
                username=form.cleaned_data["username"], password=form.cleaned_data["password"]
            )
        except TokenSignInRefused as refusal:
            if refusal.reason == Refusal.SWITCHED:
                return render(
                    request, "duo/switched.html", {"switch_date": refusal.switch_date}, status=403
                )
            form.add_error(None, _refusal_message(refusal))
        else:
            request.session.cycle_key()
            request.session[ENROLMENT_SESSION_KEY] = user.pk
            return redirect("duo:enrol_confirm")
    status = 400 if form.is_bound else 200
    return render(request, "duo/enrol_start.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def enrol_confirm(request: HttpRequest) -> HttpResponse:
    user_id = request.session.get(ENROLMENT_SESSION_KEY)
    if not isinstance(user_id, int):
        return redirect("duo:enrol_start")
    generator = (
        TokenGenerator.objects.select_related("user")
        .filter(user_id=user_id, confirmed_at__isnull=True, user__is_active=True)
        .first()
    )
    if generator is None:
        return redirect("duo:enrol_start")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = token_enrolment_confirm(user=generator.user, code=form.cleaned_data["code"])
        except TokenSignInRefused as refusal:
            form.add_error("code", _refusal_message(refusal))
        else:
            del request.session[ENROLMENT_SESSION_KEY]
            token_sign_in_session(request, user)
            messages.success(request, _("Uw tokengenerator is ingesteld. U bent ingelogd."))
            return redirect("duo:home")
    uri = token_generator.provisioning_uri(generator.secret, account=generator.user.username)
    context = {
        "form": form,
        "qr_svg": token_generator.qr_code_svg(uri),
        "manual_key": token_generator.grouped(generator.secret),
        "username": generator.user.username,
    }
    return render(request, "duo/enrol_confirm.html", context, status=400 if form.is_bound else 200)


@require_safe
@duo_required
def home(request: HttpRequest, duo: DuoContext) -> HttpResponse:
    notice = duo.organisation.switch_notice if duo.switch == SwitchState.NOTIFIED else None  # type: ignore[union-attr]
    context: dict[str, Any] = {
        "duo": duo,
        "notice": notice,
        "open_requests": open_access_requests(kvk_number=duo.kvk_number),
        "needs_profile": duo.identity is not None and not duo.user.display_name,
    }
    return render(request, "duo/home.html", context)


@require_http_methods(["GET", "POST"])
@duo_required
def profile(request: HttpRequest, duo: DuoContext) -> HttpResponse:
    form = ProfileForm(
        request.POST or None,
        initial={"display_name": duo.user.display_name, "email": duo.user.email},
    )
    if request.method == "POST" and form.is_valid():
        profile_update(actor=duo.actor, user=duo.user, **form.cleaned_data)
        messages.success(request, _("Uw gegevens zijn opgeslagen."))
        return redirect("duo:home")
    return render(
        request,
        "duo/profile.html",
        {"duo": duo, "form": form},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@duo_required
def link(request: HttpRequest, duo: DuoContext) -> HttpResponse:
    """The guided switch: a token user signs in once with eHerkenning and keeps their roles."""
    if duo.identity is not None:
        return redirect("duo:home")
    if request.method == "POST":
        try:
            form = flow.start(request, service=SERVICE, link_token_user_id=duo.user.pk)
        except SignInRefused:
            raise Http404 from None
        return render(
            request,
            "eherkenning/post_binding.html",
            {"form": form, "service": settings.STAP_EHERKENNING_SERVICES[SERVICE]["name"]},
        )
    return render(request, "duo/link.html", {"duo": duo})


@require_safe
def link_result(request: HttpRequest) -> HttpResponse:
    result = request.session.get(LINK_RESULT_SESSION_KEY)
    if not isinstance(result, dict):
        return redirect("duo:start")
    duo = duo_context(request)
    role_labels = [DuoRole(role).label for role in result.get("roles", [])]
    return render(
        request,
        "duo/link_result.html",
        {"duo": duo, "result": result, "role_labels": role_labels},
        status=200 if result.get("linked") else 400,
    )


@require_safe
@duo_role_required(DuoRole.BEHEERDER)
def users(request: HttpRequest, duo: DuoContext) -> HttpResponse:
    assert duo.organisation is not None
    return render(
        request,
        "duo/users.html",
        {"duo": duo, "rows": users_with_roles(organisation=duo.organisation)},
    )


@require_http_methods(["GET", "POST"])
@duo_role_required(DuoRole.BEHEERDER)
def user_roles(request: HttpRequest, duo: DuoContext, user_id: int) -> HttpResponse:
    assert duo.organisation is not None
    person = get_object_or_404(
        User.objects.filter(
            organisation=duo.organisation,
            is_active=True,
            kind__in=[UserKind.EHERKENNING, UserKind.TOKEN],
        ),
        pk=user_id,
    )
    current = set(
        active_assignments(organisation=duo.organisation)
        .filter(user=person)
        .values_list("role", flat=True)
    )
    form = RolesForm(request.POST or None, initial={"roles": sorted(current)})
    if request.method == "POST" and form.is_valid() and not duo.read_only:
        wanted = set(form.cleaned_data["roles"])
        try:
            roles_set(
                actor=duo.actor,
                user=person,
                organisation=duo.organisation,
                add={DuoRole(role) for role in wanted - current},
                remove={DuoRole(role) for role in current - wanted},
            )
        except RoleRuleBroken as error:
            form.add_error("roles", str(error))
        else:
            messages.success(
                request, _("De rollen van %(name)s zijn opgeslagen.") % {"name": str(person)}
            )
            return redirect("duo:users")
    return render(
        request,
        "duo/user_roles.html",
        {"duo": duo, "person": person, "form": form},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@duo_required
def access_request(request: HttpRequest, duo: DuoContext) -> HttpResponse:
    organisation_name = (
        duo.organisation.name
        if duo.organisation
        else (duo.identity.company_name if duo.identity else "")
    )
    form = AccessRequestForm(
        request.POST or None,
        requester=duo.user,
        kvk_number=duo.kvk_number,
        initial={
            "organisation_name": organisation_name,
            "contact_name": duo.user.display_name,
            "contact_email": duo.user.email,
        },
    )
    if request.method == "POST" and not duo.read_only and form.is_valid():
        try:
            created = access_request_submit(
                actor=duo.actor, details=form.details(), requested_by=duo.user
            )
        except AccessRequestRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _(
                    "Uw aanvraag is ingediend met kenmerk %(reference)s. DUO controleert de "
                    "tekenbevoegdheid; u krijgt bericht per e-mail."
                )
                % {"reference": created.reference},
            )
            return redirect("duo:home")
    return render(
        request,
        "duo/access_request.html",
        {"duo": duo, "form": form},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@duo_required
def claim(request: HttpRequest, duo: DuoContext) -> HttpResponse:
    if duo.identity is None:
        return redirect("duo:link")
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not duo.read_only:
        try:
            roles = access_roles_claim(
                identity=duo.identity, user=duo.user, code=form.cleaned_data["code"]
            )
        except AccessRequestRefused as error:
            form.add_error("code", str(error))
        else:
            messages.success(
                request,
                _("U heeft nu de rollen: %(roles)s.")
                % {"roles": ", ".join(str(DuoRole(role).label) for role in roles)},
            )
            return redirect("duo:home")
    return render(
        request, "duo/claim.html", {"duo": duo, "form": form}, status=400 if form.is_bound else 200
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    eherkenning_sign_out(request=request)
    return render(request, "duo/signed_out.html")


@require_POST
@duo_required
def extend_session(request: HttpRequest, duo: DuoContext) -> HttpResponse:
    return session_extended(request, fallback="duo:home")


# The public "Toegang Mijn DUO" form, for organisations that cannot sign in yet.


@require_http_methods(["GET", "POST"])
def access_form(request: HttpRequest) -> HttpResponse:
    form = AccessRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created, upload_code = access_request_start_form(
                details=form.details(),
                upload_page_url=settings.STAP_BASE_URL + reverse("duo:access_form_upload"),
            )
        except AccessRequestRefused as error:
            form.add_error(None, str(error))
        else:
            codes = dict(request.session.get(FORM_CODES_SESSION_KEY, {}))
            codes[created.reference] = upload_code
            request.session[FORM_CODES_SESSION_KEY] = codes
            return redirect("duo:access_form_ready", reference=created.reference)
    return render(
        request, "duo/access_form.html", {"form": form}, status=400 if form.is_bound else 200
    )


def _form_in_this_session(request: HttpRequest, reference: str) -> tuple[AccessRequest, str]:
    upload_code = request.session.get(FORM_CODES_SESSION_KEY, {}).get(reference)
    if not upload_code:
        raise Http404
    return get_object_or_404(AccessRequest, reference=reference), upload_code


@require_safe
def access_form_ready(request: HttpRequest, reference: str) -> HttpResponse:
    created, upload_code = _form_in_this_session(request, reference)
    return render(
        request,
        "duo/access_form_ready.html",
        {"access_request": created, "upload_code": formatted_code(upload_code)},
    )


@require_safe
def access_form_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    created, upload_code = _form_in_this_session(request, reference)
    pdf = access_request_pdf(
        created,
        upload_code=formatted_code(upload_code),
        upload_url=settings.STAP_BASE_URL + reverse("duo:access_form_upload"),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="toegang-mijn-duo-{reference}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
def access_form_upload(request: HttpRequest) -> HttpResponse:
    form = SignedFormUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["signed_form"]
        try:
            uploaded = access_request_upload_signed(
                reference=form.cleaned_data["reference"],
                upload_code=form.cleaned_data["upload_code"],
                data=upload.read(),
                filename=upload.name or "",
            )
        except SignedPdfRefused as error:
            form.add_error("signed_form", str(error))
        except AccessRequestRefused as error:
            form.add_error(None, str(error))
        else:
            return render(request, "duo/access_form_uploaded.html", {"access_request": uploaded})
    return render(
        request,
        "duo/access_form_upload.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )
