"""Sending the scholingsaanbod as an XML feed, and reading its verwerkingsverslag."""

from django import forms
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from stap.bulk.formats import bulk_format
from stap.bulk.models import BulkKind, ReportLevel
from stap.bulk.selectors import (
    bulk_report_csv,
    bulk_report_lines,
    bulk_run_for_organisation,
    bulk_runs_for_organisation,
)
from stap.bulk.services import BulkFileRefused, BulkRunBusy, bulk_run_submit
from stap.portals.duo.access import DuoContext
from stap.portals.duo.register_views import registrar_required

REPORT_PAGE_SIZE = 100


class FeedUploadForm(forms.Form):
    feed = forms.FileField(
        label=gettext_lazy("XML-bestand met scholingsaanbod"),
        help_text=gettext_lazy(
            "Volgens het gepubliceerde schema scholingsaanbod-feed.xsd, ten hoogste 20 MB."
        ),
        error_messages={
            "required": gettext_lazy("Kies het XML-bestand dat u wilt aanleveren."),
            "empty": gettext_lazy("Het gekozen bestand is leeg."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,application/xml,text/xml"}),
    )

    def clean_feed(self) -> UploadedFile:
        """Refuse a file above the format's limit by its size alone, before it is read into
        memory (the service says the same, but only once it has the bytes)."""
        upload: UploadedFile = self.cleaned_data["feed"]
        limit = bulk_format(BulkKind.SCHOLINGSAANBOD).max_bytes
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(
                _("Het bestand is %(size)s MB; het mag ten hoogste %(limit)s MB zijn.")
                % {"size": f"{upload.size / 2**20:.1f}", "limit": limit // 2**20},
                code="too_large",
            )
        return upload


@require_http_methods(["GET", "POST"])
@registrar_required
def feed_upload(request: HttpRequest, duo: DuoContext) -> HttpResponse:
    assert duo.organisation is not None
    form = FeedUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and duo.read_only:
        # The page shows no button then; a POST that comes anyway is told, not ignored.
        messages.error(
            request,
            _(
                "Uw machtiging geldt alleen voor één vestiging. U kunt daarom alleen kijken en "
                "geen bestand aanleveren; er is niets ontvangen."
            ),
        )
        form = FeedUploadForm()
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["feed"]
        try:
            run = bulk_run_submit(
                actor=duo.actor,
                organisation=duo.organisation,
                kind=BulkKind.SCHOLINGSAANBOD,
                filename=upload.name or "feed.xml",
                data=upload.read(),
            )
        except (BulkFileRefused, BulkRunBusy) as error:
            form.add_error("feed", str(error))
        else:
            messages.success(request, _("Het bestand is ontvangen."))
            return redirect("duo:register_feed_run", run_id=run.pk)
    runs = bulk_runs_for_organisation(organisation=duo.organisation, kind=BulkKind.SCHOLINGSAANBOD)
    return render(
        request,
        "duo/register/feed_upload.html",
        {"duo": duo, "active_nav": "register", "form": form, "runs": runs[:20]},
        status=400 if form.errors else 200,
    )


@require_safe
@registrar_required
def feed_run(request: HttpRequest, duo: DuoContext, run_id: int) -> HttpResponse:
    assert duo.organisation is not None
    run = bulk_run_for_organisation(organisation=duo.organisation, run_id=run_id)
    lines = bulk_report_lines(run=run)
    only_errors = request.GET.get("alleen") == "fouten"
    if only_errors:
        lines = lines.filter(level=ReportLevel.FOUT)
    page = Paginator(lines, REPORT_PAGE_SIZE).get_page(request.GET.get("pagina"))
    busy = not run.is_finished
    return render(
        request,
        "duo/register/feed_run.html",
        {
            "duo": duo,
            "active_nav": "register",
            "run": run,
            "page": page,
            "busy": busy,
            "only_errors": only_errors,
            "percentage": run.percent_done,
        },
    )


@require_GET
@registrar_required
def feed_run_status(request: HttpRequest, duo: DuoContext, run_id: int) -> JsonResponse:
    """The progress of a run as JSON, for the run page to follow while the run is busy."""
    assert duo.organisation is not None
    run = bulk_run_for_organisation(organisation=duo.organisation, run_id=run_id)
    response = JsonResponse(
        {
            "status": run.status,
            "status_display": run.get_status_display(),
            "processed": run.processed,
            "total": run.total,
            "done": run.is_finished,
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@require_safe
@registrar_required
def feed_report_csv(request: HttpRequest, duo: DuoContext, run_id: int) -> StreamingHttpResponse:
    assert duo.organisation is not None
    run = bulk_run_for_organisation(organisation=duo.organisation, run_id=run_id)
    response = StreamingHttpResponse(
        bulk_report_csv(run=run), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="verwerkingsverslag-{run.pk}.csv"'
    return response
