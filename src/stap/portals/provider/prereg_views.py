"""Vooraanmeldingen in the Opleidersportaal: one student at a time, or a file of many — checked
first, committed when the provider says so, rejected rows fixed in place.

A vooraanmelding reserves no budget and gives no priority; every page that makes one says so.
Someone whose machtiging is limited to one vestiging may look but not change anything.
"""

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import storages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from stap.core import clock
from stap.core.audit import audit_record
from stap.core.csv_export import csv_rows
from stap.enrolments.models import PreRegistrationUpload, RowStatus, UploadStatus
from stap.enrolments.prereg.fields import LAND
from stap.enrolments.prereg.reading import FileRefused
from stap.enrolments.prereg.rules import RULES
from stap.enrolments.selectors import (
    ROW_FILTERS,
    findings_of,
    pre_registrations_for_organisation,
    report_lines,
    staged_row_for_organisation,
    staged_rows,
    upload_for_organisation,
    uploads_for_organisation,
)
from stap.enrolments.services import (
    RowRefused,
    UploadRefused,
    pre_registration_save,
    staged_row_fix,
    upload_commit_request,
    upload_receive,
    uploads_requeue_stale,
)
from stap.identity.signin import ProviderContext
from stap.portals.provider.prereg_forms import PreRegistrationForm, RowForm, UploadForm
from stap.portals.provider.views import signed_in_provider
from stap.register.selectors import open_cohorts_for_organisation

PAGE_SIZE = 25
ROWS_PAGE_SIZE = 50
REPORT_HEADER = [
    "regel",
    "studentnummer",
    "controle",
    "verwerking",
    "veld",
    "regel_id",
    "ernst",
    "melding",
    "oplossing",
]
ROW_FILTER_LABELS = (
    ("afgekeurd", gettext_lazy("Afgekeurde regels")),
    ("waarschuwing", gettext_lazy("Met waarschuwing")),
    ("goed", gettext_lazy("Goedgekeurde regels")),
    ("alle", gettext_lazy("Alle regels")),
)
BUSY = (
    UploadStatus.RECEIVED,
    UploadStatus.CHECKING,
    UploadStatus.COMMIT_QUEUED,
    UploadStatus.COMMITTING,
)


def may_change(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Refuse a change to someone whose machtiging is limited to one vestiging."""

    @functools.wraps(view)
    def wrapper(
        request: HttpRequest, provider: ProviderContext, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        if provider.read_only and request.method == "POST":
            raise PermissionDenied
        return view(request, provider, *args, **kwargs)

    return wrapper


def _context(provider: ProviderContext, **more: Any) -> dict[str, Any]:
    return {"provider": provider, "active_nav": "pre_registrations", **more}


@require_safe
@signed_in_provider
def pre_registrations(request: HttpRequest, provider: ProviderContext) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    found = pre_registrations_for_organisation(organisation=provider.organisation, query=query)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("pagina"))
    uploads = uploads_for_organisation(organisation=provider.organisation)[:5]
    return render(
        request,
        "provider/prereg/list.html",
        _context(provider, page=page, query=query, uploads=uploads),
    )


@require_http_methods(["GET", "POST"])
@signed_in_provider
@may_change
def pre_registration_new(request: HttpRequest, provider: ProviderContext) -> HttpResponse:
    cohorts = open_cohorts_for_organisation(organisation=provider.organisation, on=clock.today())
    form = PreRegistrationForm(request.POST or None, cohorts=cohorts, initial={LAND: "NL"})
    if request.method == "POST" and form.is_valid():
        try:
            saved = pre_registration_save(
                actor=provider.actor, organisation=provider.organisation, values=form.text()
            )
        except RowRefused as refused:
            form.add_findings(tuple(finding for finding in refused.findings if finding.is_error))
        else:
            if saved.created:
                message = _("De vooraanmelding van %(number)s is opgeslagen.")
            elif saved.changed:
                message = _("De vooraanmelding van %(number)s is bijgewerkt.")
            else:
                message = _(
                    "De vooraanmelding van %(number)s stond al zo opgeslagen; er is niets "
                    "veranderd."
                )
            messages.success(request, message % {"number": saved.pre_registration.studentnummer})
            for warning in saved.warnings:
                messages.warning(request, f"{warning.message} {warning.hint}")
            return redirect("provider:pre_registrations")
    return render(
        request,
        "provider/prereg/new.html",
        _context(provider, form=form, has_cohorts=bool(form.cohorts)),
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@signed_in_provider
@may_change
def upload_new(request: HttpRequest, provider: ProviderContext) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["bestand"]
        try:
            upload = upload_receive(
                actor=provider.actor,
                organisation=provider.organisation,
                filename=uploaded.name or "",
                stream=uploaded.file,
                size=uploaded.size or 0,
            )
        except FileRefused as refused:
            form.add_error("bestand", str(refused))
        else:
            return redirect("provider:upload", upload_id=upload.pk)
    return render(
        request,
        "provider/prereg/upload_new.html",
        _context(provider, form=form),
        status=400 if request.method == "POST" else 200,
    )


@require_safe
@signed_in_provider
def uploads(request: HttpRequest, provider: ProviderContext) -> HttpResponse:
    found = uploads_for_organisation(organisation=provider.organisation)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(request, "provider/prereg/uploads.html", _context(provider, page=page))


def _percent(upload: PreRegistrationUpload) -> int:
    if upload.status in (UploadStatus.RECEIVED,):
        return 0
    if upload.status == UploadStatus.CHECKING:
        return min(99, upload.bytes_checked * 100 // upload.size) if upload.size else 0
    if upload.status in (UploadStatus.COMMIT_QUEUED, UploadStatus.COMMITTING):
        todo = upload.rows_valid + upload.rows_warning
        return min(99, upload.rows_committed * 100 // todo) if todo else 0
    return 100


@require_safe
@signed_in_provider
def upload(request: HttpRequest, provider: ProviderContext, upload_id: int) -> HttpResponse:
    found = upload_for_organisation(organisation=provider.organisation, upload_id=upload_id)
    show = request.GET.get("toon", "afgekeurd")
    if show not in ROW_FILTERS:
        show = "alle"
    rows = Paginator(staged_rows(upload=found, show=show), ROWS_PAGE_SIZE).get_page(
        request.GET.get("pagina")
    )
    shown = [(row, findings_of(row)) for row in rows]
    return render(
        request,
        "provider/prereg/upload.html",
        _context(
            provider,
            upload=found,
            busy=found.status in BUSY,
            percent=_percent(found),
            rows=rows,
            shown=shown,
            show=show,
            filters=ROW_FILTER_LABELS,
            refusal=_refusal(found),
            committable=found.status == UploadStatus.CHECKED
            and found.rows_valid + found.rows_warning > 0,
        ),
    )


def _refusal(upload: PreRegistrationUpload) -> str:
    if upload.status != UploadStatus.REFUSED:
        return ""
    finding = RULES[upload.refusal_rule].finding(upload.refusal_values)
    return f"{finding.message} {finding.hint}"


@require_GET
@signed_in_provider
def upload_status(request: HttpRequest, provider: ProviderContext, upload_id: int) -> JsonResponse:
    found = upload_for_organisation(organisation=provider.organisation, upload_id=upload_id)
    if found.status in BUSY and found.lease_expires_at and found.lease_expires_at < clock.now():
        uploads_requeue_stale()
        found.refresh_from_db()
    response = JsonResponse(
        {
            "status": found.status,
            "status_display": found.get_status_display(),
            "processed": _percent(found),
            "total": 100,
            "done": found.status not in BUSY,
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@signed_in_provider
@may_change
def upload_commit(request: HttpRequest, provider: ProviderContext, upload_id: int) -> HttpResponse:
    found = upload_for_organisation(organisation=provider.organisation, upload_id=upload_id)
    try:
        upload_commit_request(actor=provider.actor, upload=found)
    except UploadRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _("De goedgekeurde regels worden verwerkt. U kunt deze pagina verlaten."),
        )
    return redirect("provider:upload", upload_id=found.pk)


@require_safe
@signed_in_provider
def upload_report(
    request: HttpRequest, provider: ProviderContext, upload_id: int
) -> StreamingHttpResponse:
    found = upload_for_organisation(organisation=provider.organisation, upload_id=upload_id)
    response = StreamingHttpResponse(
        csv_rows(REPORT_HEADER, report_lines(upload=found)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="verslag-vooraanmeldingen-{found.pk}.csv"'
    )
    return response


@require_safe
@signed_in_provider
def upload_file(request: HttpRequest, provider: ProviderContext, upload_id: int) -> FileResponse:
    found = upload_for_organisation(organisation=provider.organisation, upload_id=upload_id)
    stored = storages["uploads"].open(found.stored_as, "rb")
    with transaction.atomic():
        audit_record(
            actor=provider.actor,
            action="enrolments.upload_downloaded",
            target=found,
            after={"filename": found.filename},
            organisation_kvk=provider.organisation.kvk_number,
        )
    return FileResponse(
        stored,
        as_attachment=True,
        filename=found.filename,
        content_type="application/octet-stream",
    )


@require_http_methods(["GET", "POST"])
@signed_in_provider
@may_change
def row_fix(
    request: HttpRequest, provider: ProviderContext, upload_id: int, number: int
) -> HttpResponse:
    row = staged_row_for_organisation(
        organisation=provider.organisation, upload_id=upload_id, number=number
    )
    posted = request.method == "POST"
    # Bound on a GET too, to the row as sent, so that its findings show on their fields.
    form = RowForm(request.POST if posted else row.raw)
    findings = findings_of(row)
    if form.is_valid() and posted:
        try:
            fixed = staged_row_fix(actor=provider.actor, row=row, values=form.values())
        except UploadRefused as refused:
            form.add_error(None, str(refused))
        else:
            if fixed.status != RowStatus.REJECTED:
                messages.success(
                    request, _("Regel %(number)s is hersteld.") % {"number": fixed.number}
                )
                return redirect("provider:upload", upload_id=upload_id)
            row, findings = fixed, findings_of(fixed)
            form.show(findings)
    elif form.is_valid() and row.status == RowStatus.REJECTED:
        form.show(findings)
    return render(
        request,
        "provider/prereg/row_fix.html",
        _context(provider, row=row, upload=row.upload, form=form, findings=findings),
        status=400 if posted else 200,
    )
