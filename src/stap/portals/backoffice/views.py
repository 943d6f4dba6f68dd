"""The backoffice for UWV and DUO staff, and for the staff of recognising bodies: password plus
TOTP, then what their role allows."""

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth import login, logout
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from django_otp import login as otp_login

from stap.budget.models import Application
from stap.core.audit import Actor, audit_record
from stap.core.models import ActorKind, Channel
from stap.identity.models import Organisation, StaffRole, User, UserKind
from stap.portals.backoffice.forms import StaffSignInForm


def staff_actor(user: User, channel: Channel = Channel.BACKOFFICE) -> Actor:
    return Actor(kind=ActorKind.STAFF, identifier=user.username, channel=channel)


View = Callable[..., HttpResponseBase]


def staff_with_role(*roles: StaffRole) -> Callable[[View], View]:
    """Deny by default: staff who signed in with both password and second factor (else to the
    sign-in page) and hold one of ``roles`` (else 403)."""

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if not (
                isinstance(user, User)
                and user.kind == UserKind.STAFF
                and user.is_active
                and user.is_verified()  # type: ignore[attr-defined]  # set by django-otp's middleware
            ):
                return redirect("backoffice:login")
            if user.staff_role not in roles:
                raise PermissionDenied
            return view(request, user, *args, **kwargs)

        return wrapper

    return decorator


# UWV and DUO staff; a recognising body's staff only reach the recognitions in the register.
staff_required = staff_with_role(StaffRole.UWV, StaffRole.DUO)


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = StaffSignInForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        assert form.user is not None and form.device is not None
        login(request, form.user, backend="django.contrib.auth.backends.ModelBackend")
        otp_login(request, form.device)
        with transaction.atomic():
            audit_record(
                actor=staff_actor(form.user, Channel.SIGN_IN),
                action="identity.staff_signed_in",
                target=form.user,
            )
        return redirect("backoffice:home")
    if request.method == "POST" and form.has_error(NON_FIELD_ERRORS):
        with transaction.atomic():
            audit_record(
                actor=Actor(
                    kind=ActorKind.STAFF,
                    identifier=form.cleaned_data.get("username", "")[:200],
                    channel=Channel.SIGN_IN,
                ),
                action="identity.staff_sign_in_refused",
                after={
                    "reason": "locked"
                    if form.has_error(NON_FIELD_ERRORS, "locked")
                    else "invalid_login"
                },
            )
    return render(request, "backoffice/sign_in.html", {"form": form})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("backoffice:login")


@require_safe
@staff_with_role(*StaffRole)
def home(request: HttpRequest, staff: User) -> HttpResponse:
    if staff.staff_role == StaffRole.RECOGNISER:
        return redirect("backoffice:providers")
    context: dict[str, Any] = {
        "staff": staff,
        "organisation_count": Organisation.objects.count(),
        "application_count": Application.objects.count(),
    }
    return render(request, "backoffice/home.html", context)


@require_safe
@staff_required
def organisations(request: HttpRequest, staff: User) -> HttpResponse:
    page = Paginator(Organisation.objects.order_by("name"), 50).get_page(request.GET.get("pagina"))
    return render(request, "backoffice/organisations.html", {"staff": staff, "page": page})


@require_safe
@staff_required
def applications(request: HttpRequest, staff: User) -> HttpResponse:
    queryset = Application.objects.select_related("organisation", "training").order_by(
        "-submitted_at", "-id"
    )
    page = Paginator(queryset, 50).get_page(request.GET.get("pagina"))
    return render(request, "backoffice/applications.html", {"staff": staff, "page": page})
