"""The DUO screens of the backoffice: "Toegang Mijn DUO" requests and the switch notice.

Only DUO staff may use them. The pages offer what the state of a request allows, but the services
decide: a refused action (four eyes, a missing note, a request already decided) comes back as a
message on the form.
"""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from stap.core.audit import audit_record
from stap.identity.access_requests import (
    AccessRequestRefused,
    access_request_approve,
    access_request_check,
    access_request_reject,
)
from stap.identity.models import (
    AccessRequest,
    AccessRequestStatus,
    Organisation,
    StaffRole,
    SwitchNotice,
    User,
    UserKind,
)
from stap.identity.token_accounts import TokenRuleBroken, switch_notice_send, switch_state
from stap.portals.backoffice.duo_forms import (
    AccessRequestApproveForm,
    AccessRequestCheckForm,
    AccessRequestFilterForm,
    AccessRequestRejectForm,
    SwitchNoticeForm,
)
from stap.portals.backoffice.views import staff_actor, staff_with_role

S = AccessRequestStatus
CHECK, APPROVE, REJECT = "controleren", "goedkeuren", "afwijzen"


duo_staff_required = staff_with_role(StaffRole.DUO)


@require_safe
@duo_staff_required
def access_requests(request: HttpRequest, staff: User) -> HttpResponse:
    form = AccessRequestFilterForm(request.GET)
    statuses = form.statuses()
    queryset = (
        AccessRequest.objects.defer("signed_form")
        .select_related("organisation")
        .prefetch_related("persons")
        .order_by("-created_at", "-id")
    )
    if statuses is not None:
        queryset = queryset.filter(status__in=statuses)
    page = Paginator(queryset, 50).get_page(request.GET.get("pagina"))
    return render(
        request,
        "backoffice/access_requests.html",
        {"staff": staff, "form": form, "page": page},
        status=200 if form.is_valid() else 400,
    )


def _action_forms(request: HttpRequest, item: AccessRequest, action: str | None) -> dict[str, Any]:
    """One form per action, bound only for the action that was posted."""

    def data(name: str) -> Any:
        return request.POST if action == name else None

    return {
        CHECK: AccessRequestCheckForm(data(CHECK), prefix=CHECK),
        APPROVE: AccessRequestApproveForm(
            data(APPROVE),
            prefix=APPROVE,
            note_required=item.status == S.SUBMITTED and not item.makes_beheerder,
        ),
        REJECT: AccessRequestRejectForm(data(REJECT), prefix=REJECT),
    }


def _offered(item: AccessRequest, staff: User) -> set[str]:
    """What the page offers; the services check again, whatever is posted."""
    if item.status not in (S.SUBMITTED, S.CHECKED):
        return set()
    offered = {REJECT}
    if item.makes_beheerder:
        if item.status == S.SUBMITTED:
            offered.add(CHECK)
        elif item.checked_by != staff.username:
            offered.add(APPROVE)
    else:
        offered.add(APPROVE)
    return offered


@require_http_methods(["GET", "POST"])
@duo_staff_required
def access_request(request: HttpRequest, staff: User, reference: str) -> HttpResponse:
    item = get_object_or_404(
        AccessRequest.objects.defer("signed_form").select_related("organisation", "requested_by"),
        reference=reference,
    )
    action = request.POST.get("action") if request.method == "POST" else None
    forms = _action_forms(request, item, action)
    if request.method == "POST":
        form = forms.get(action or "")
        if form is not None and form.is_valid():
            actor = staff_actor(staff)
            try:
                if action == CHECK:
                    access_request_check(actor=actor, request=item, note=form.cleaned_data["note"])
                    success = _(
                        "De tekenbevoegdheid van aanvraag %(reference)s is gecontroleerd. Een "
                        "andere medewerker keurt de aanvraag goed."
                    )
                elif action == APPROVE:
                    access_request_approve(
                        actor=actor, request=item, note=form.cleaned_data["note"]
                    )
                    success = _("Aanvraag %(reference)s is goedgekeurd.")
                else:
                    access_request_reject(
                        actor=actor, request=item, reason=form.cleaned_data["reason"]
                    )
                    success = _("Aanvraag %(reference)s is afgewezen.")
            except AccessRequestRefused as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, success % {"reference": item.reference})
                return redirect("backoffice:access_request", reference=item.reference)
    checked_by_me = item.status == S.CHECKED and item.checked_by == staff.username
    context: dict[str, Any] = {
        "staff": staff,
        "item": item,
        "persons": list(item.persons.select_related("user")),
        "forms": forms,
        "offered": _offered(item, staff),
        "checked_by_me": checked_by_me,
        "has_signed_form": bool(item.signed_form_sha256),
    }
    return render(
        request,
        "backoffice/access_request.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@duo_staff_required
def access_request_signed_form(request: HttpRequest, staff: User, reference: str) -> HttpResponse:
    item = get_object_or_404(AccessRequest, reference=reference)
    data = bytes(item.signed_form or b"")
    if not data:
        raise Http404
    with transaction.atomic():
        audit_record(
            actor=staff_actor(staff),
            action="identity.access_request_signed_form_downloaded",
            target=item,
            after={"sha256": item.signed_form_sha256},
            organisation_kvk=item.kvk_number,
        )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=f"{item.reference}.pdf")
        or "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_http_methods(["GET", "POST"])
@duo_staff_required
def switch_notice(request: HttpRequest, staff: User, kvk_number: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, kvk_number=kvk_number)
    form = SwitchNoticeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            switch_notice_send(
                actor=staff_actor(staff),
                organisation=organisation,
                switch_date=form.cleaned_data["switch_date"],
            )
        except TokenRuleBroken as error:
            form.add_error("switch_date", str(error))
        else:
            messages.success(
                request,
                _("Het overstapbericht aan %(name)s is verstuurd.") % {"name": organisation.name},
            )
            return redirect("backoffice:switch_notice", kvk_number=organisation.kvk_number)
    token_users = User.objects.filter(
        organisation=organisation, kind=UserKind.TOKEN, is_active=True
    )
    context: dict[str, Any] = {
        "staff": staff,
        "organisation": organisation,
        "notice": SwitchNotice.objects.filter(organisation=organisation).first(),
        "state": str(switch_state(organisation)),
        "token_users": token_users.count(),
        "token_users_with_email": token_users.exclude(email="").count(),
        "form": form,
    }
    return render(
        request, "backoffice/switch_notice.html", context, status=400 if form.is_bound else 200
    )
