"""Mijn STAP-budget: what a citizen sees after signing in with DigiD."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from stap.budget.selectors import applications_of_person
from stap.budget.waiting_room.state import current_period
from stap.core import clock
from stap.identity.signin import (
    CitizenContext,
    citizen_required,
    current_citizen,
    digid_sign_out,
)
from stap.portals.sessions import session_extended

signed_in_citizen = citizen_required(start_url_name="citizen:start")


@require_safe
def start(request: HttpRequest) -> HttpResponse:
    if current_citizen(request) is not None:
        return redirect("citizen:home")
    return render(request, "citizen/start.html")


@require_safe
@signed_in_citizen
def home(request: HttpRequest, citizen: CitizenContext) -> HttpResponse:
    context = {
        "citizen": citizen,
        "applications": applications_of_person(bsn=citizen.identity.bsn),
        "period": current_period(),
        "now": clock.now(),
    }
    return render(request, "citizen/home.html", context)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    digid_sign_out(request=request)
    return render(request, "citizen/signed_out.html")


@require_POST
@signed_in_citizen
def extend_session(request: HttpRequest, citizen: CitizenContext) -> HttpResponse:
    """Any request renews the session; this one exists so the expiry warning can ask for it."""
    return session_extended(request, fallback="citizen:home")
