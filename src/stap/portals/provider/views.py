"""The Opleidersportaal: what a training provider sees after signing in with eHerkenning."""

from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from stap.budget.selectors import (
    granted_application_for_organisation,
    granted_applications_for_organisation,
    granted_applications_page,
)
from stap.core import clock
from stap.core.audit import audit_record
from stap.core.csv_export import csv_rows
from stap.identity.signin import (
    ProviderContext,
    current_identity,
    eherkenning_sign_out,
    provider_required,
)
from stap.portals.provider.forms import GrantedApplicationFilterForm
from stap.portals.sessions import session_extended
from stap.register.selectors import trainings_for_organisation

SERVICE = "opleidersportaal"
PAGE_SIZE = 25
FILTER_PARAMETERS = ("q", "status", "opleiding", "start_vanaf", "start_tot_en_met")

signed_in_provider = provider_required(
    service=SERVICE,
    start_url_name="provider:start",
    unknown_template="provider/unknown_organisation.html",
)


@require_safe
def start(request: HttpRequest) -> HttpResponse:
    if current_identity(request, service=SERVICE) is not None:
        return redirect("provider:overview")
    return render(request, "provider/start.html")


def _filter_form(request: HttpRequest, provider: ProviderContext) -> GrantedApplicationFilterForm:
    return GrantedApplicationFilterForm(
        request.GET or None,
        trainings=trainings_for_organisation(organisation=provider.organisation),
    )


@require_safe
@signed_in_provider
def overview(request: HttpRequest, provider: ProviderContext) -> HttpResponse:
    form = _filter_form(request, provider)
    filters = form.filters()
    result = granted_applications_page(
        organisation=provider.organisation,
        filters=filters,
        after=request.GET.get("na", ""),
        before=request.GET.get("voor", ""),
        size=PAGE_SIZE,
    )
    export_query = request.GET.copy()
    for key in ("na", "voor"):
        export_query.pop(key, None)
    has_filters = any(
        request.GET.get(key)
        for key in ("q", "status", "opleiding", "start_vanaf", "start_tot_en_met")
    )
    context: dict[str, Any] = {
        "provider": provider,
        "active_nav": "overview",
        "form": form,
        "page": result.page,
        "total": result.total,
        "total_is_capped": result.total_is_capped,
        "sort": filters.sort,
        "export_query": export_query.urlencode(),
        "has_filters": has_filters,
        "has_any_application": result.total > 0
        or (
            has_filters
            and granted_applications_for_organisation(organisation=provider.organisation).exists()
        ),
    }
    return render(request, "provider/overview.html", context)


@require_safe
@signed_in_provider
def detail(request: HttpRequest, provider: ProviderContext, aanvraagnummer: str) -> HttpResponse:
    application = granted_application_for_organisation(
        organisation=provider.organisation, aanvraagnummer=aanvraagnummer
    )
    return render(
        request,
        "provider/detail.html",
        {"provider": provider, "application": application},
    )


EXPORT_HEADER = [
    "aanvraagnummer",
    "studentnummer",
    "voornaam",
    "tussenvoegsel",
    "achternaam",
    "opleiding",
    "scholings_id",
    "cohortcode",
    "startdatum",
    "einddatum",
    "bedrag",
    "status",
]


def _export_rows(applications: Any) -> Iterator[list[Any]]:
    rows = applications.values_list(
        "aanvraagnummer",
        "studentnummer",
        "first_name",
        "name_prefix",
        "last_name",
        "training__name",
        "cohort__offer__scholings_id",
        "cohort__code",
        "start_date",
        "end_date",
        "amount",
        "status",
    )
    for row in rows.iterator(chunk_size=2000):
        yield list(row)


@require_safe
@signed_in_provider
def export(request: HttpRequest, provider: ProviderContext) -> HttpResponseBase:
    form = _filter_form(request, provider)
    filters = form.filters()
    applications = granted_applications_for_organisation(
        organisation=provider.organisation, filters=filters
    )
    with transaction.atomic():
        audit_record(
            actor=provider.actor,
            action="budget.granted_applications_exported",
            after={
                "status": filters.status or "",
                "training_id": filters.training_id,
                "start_from": filters.start_from.isoformat() if filters.start_from else None,
                "start_until": filters.start_until.isoformat() if filters.start_until else None,
                "query_given": bool(filters.query),
                "sort": filters.sort,
            },
        )
    filename = f"toegekende-aanvragen-{provider.organisation.kvk_number}-{clock.today():%Y%m%d}.csv"
    response = StreamingHttpResponse(
        csv_rows(EXPORT_HEADER, _export_rows(applications)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    eherkenning_sign_out(request=request)
    return render(request, "provider/signed_out.html")


@require_POST
@signed_in_provider
def extend_session(request: HttpRequest, provider: ProviderContext) -> HttpResponse:
    """Any request renews the session; this one exists so the expiry warning can ask for it."""
    return session_extended(request, fallback="provider:overview")
