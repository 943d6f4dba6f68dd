"""Aanmeldingsbewijzen in the Opleidersportaal: list, issue, look at, download, revoke, replace.

Someone whose machtiging is limited to one vestiging may look but not issue, revoke or replace
(STAP data belong to the whole KvK number): those pages answer 403 with the reason.
"""

from typing import Any, Final

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from stap.core import clock
from stap.core.errors import DomainError
from stap.enrolments.models import RegistrationProof
from stap.enrolments.prereg import fields as f
from stap.enrolments.proofs.codes import shown
from stap.enrolments.proofs.pdf import registration_proof_pdf
from stap.enrolments.proofs.selectors import (
    proof_trail,
    proof_versions,
    registration_proof_for_organisation,
    registration_proofs_for_organisation,
)
from stap.enrolments.proofs.services import (
    Issued,
    ProofDuplicate,
    ProofRefused,
    proof_downloaded,
    proof_issue,
    proof_replace,
    proof_revoke,
)
from stap.identity.signin import ProviderContext
from stap.portals.provider.proof_forms import (
    ProofForm,
    ProofSearchForm,
    RevokeForm,
    proof_initial,
)
from stap.portals.provider.views import signed_in_provider
from stap.register.selectors import open_cohorts_for_organisation

PAGE_SIZE: Final = 25
ACTIVE_NAV: Final = "proofs"

# What the trail calls each step, for the provider.
ACTIONS: Final = {
    "enrolments.registration_proof_issued": gettext_lazy("uitgegeven"),
    "enrolments.registration_proof_revoked": gettext_lazy("ingetrokken"),
    "enrolments.registration_proof_replaced": gettext_lazy("vervangen door een nieuw bewijs"),
    "enrolments.registration_proof_downloaded": gettext_lazy("PDF gedownload"),
}


def _render(
    request: HttpRequest,
    template: str,
    provider: ProviderContext,
    status: int = 200,
    **context: Any,
) -> HttpResponse:
    return render(
        request,
        template,
        {"provider": provider, "active_nav": ACTIVE_NAV, **context},
        status=status,
    )


def _read_only(request: HttpRequest, provider: ProviderContext) -> HttpResponse:
    return _render(request, "provider/proofs/read_only.html", provider, status=403)


@require_safe
@signed_in_provider
def proofs(request: HttpRequest, provider: ProviderContext) -> HttpResponse:
    form = ProofSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    found = registration_proofs_for_organisation(organisation=provider.organisation, query=query)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return _render(
        request,
        "provider/proofs/list.html",
        provider,
        form=form,
        page=page,
        query=query,
        has_any=bool(query)
        or page.paginator.count > 0
        or registration_proofs_for_organisation(organisation=provider.organisation).exists(),
    )


def _issued(request: HttpRequest, issued: Issued, done: str) -> HttpResponse:
    messages.success(request, done)
    for warning in issued.warnings:
        messages.warning(
            request,
            _("Let op: %(message)s %(hint)s") % {"message": warning.message, "hint": warning.hint},
        )
    return redirect("provider:proof_detail", proof_id=issued.proof.pk)


def _refused(form: ProofForm, error: DomainError) -> RegistrationProof | None:
    """Put what the service refused on the form; the bewijs it clashes with, if any."""
    if isinstance(error, ProofRefused):
        form.add_findings(error.findings)
        return None
    form.add_error(None, str(error))
    return error.existing if isinstance(error, ProofDuplicate) else None


@require_http_methods(["GET", "POST"])
@signed_in_provider
def proof_new(request: HttpRequest, provider: ProviderContext) -> HttpResponse:
    if provider.read_only:
        return _read_only(request, provider)
    cohorts = open_cohorts_for_organisation(organisation=provider.organisation, on=clock.today())
    form = ProofForm(request.POST or None, cohorts=cohorts, initial={f.LAND: "NL"})
    duplicate = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = proof_issue(
                actor=provider.actor, organisation=provider.organisation, text=form.text()
            )
        except (ProofRefused, ProofDuplicate) as error:
            duplicate = _refused(form, error)
        else:
            return _issued(
                request,
                issued,
                _("Het aanmeldingsbewijs is gemaakt. Download de PDF en geef die aan de student."),
            )
    return _render(
        request,
        "provider/proofs/form.html",
        provider,
        form=form,
        replacing=None,
        duplicate=duplicate,
        has_cohorts=bool(form.cohorts),
    )


@require_safe
@signed_in_provider
def proof_detail(request: HttpRequest, provider: ProviderContext, proof_id: int) -> HttpResponse:
    proof = registration_proof_for_organisation(
        organisation=provider.organisation, proof_id=proof_id
    )
    trail = [(entry, ACTIONS.get(entry.action, entry.action)) for entry in proof_trail(proof=proof)]
    return _render(
        request,
        "provider/proofs/detail.html",
        provider,
        proof=proof,
        code=shown(proof.code),
        versions=proof_versions(proof=proof),
        trail=trail,
    )


@never_cache
@require_safe
@signed_in_provider
def proof_pdf(request: HttpRequest, provider: ProviderContext, proof_id: int) -> HttpResponse:
    proof = registration_proof_for_organisation(
        organisation=provider.organisation, proof_id=proof_id
    )
    if not proof.is_valid:
        messages.error(
            request,
            _(
                "Dit aanmeldingsbewijs is %(status)s; u kunt de PDF niet meer downloaden. "
                "Geef de student het aanmeldingsbewijs dat nu geldt."
            )
            % {"status": proof.get_status_display()},
        )
        return redirect("provider:proof_detail", proof_id=proof.pk)
    pdf = registration_proof_pdf(proof)
    proof_downloaded(actor=provider.actor, organisation=provider.organisation, proof=proof)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"stap-aanmeldingsbewijs-{proof.studentnummer}-{proof.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _changeable(
    request: HttpRequest, provider: ProviderContext, proof_id: int
) -> RegistrationProof | HttpResponse:
    """The organisation's valid bewijs to revoke or replace, or where to go instead: the page
    that says why someone may only look, or the bewijs's page when it is no longer valid."""
    proof = registration_proof_for_organisation(
        organisation=provider.organisation, proof_id=proof_id
    )
    if provider.read_only:
        return _read_only(request, provider)
    if not proof.is_valid:
        return redirect("provider:proof_detail", proof_id=proof.pk)
    return proof


@require_http_methods(["GET", "POST"])
@signed_in_provider
def proof_revoke_view(
    request: HttpRequest, provider: ProviderContext, proof_id: int
) -> HttpResponse:
    proof = _changeable(request, provider, proof_id)
    if isinstance(proof, HttpResponse):
        return proof
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proof_revoke(
                actor=provider.actor,
                organisation=provider.organisation,
                proof=proof,
                reason=form.cleaned_data["reden"],
            )
        except DomainError as error:
            form.add_error("reden", str(error))
        else:
            messages.success(
                request,
                _(
                    "Het aanmeldingsbewijs is ingetrokken. Wie de controlecode controleert, ziet "
                    "dat het niet meer geldig is."
                ),
            )
            return redirect("provider:proof_detail", proof_id=proof.pk)
    return _render(request, "provider/proofs/revoke.html", provider, proof=proof, form=form)


@require_http_methods(["GET", "POST"])
@signed_in_provider
def proof_replace_view(
    request: HttpRequest, provider: ProviderContext, proof_id: int
) -> HttpResponse:
    proof = _changeable(request, provider, proof_id)
    if isinstance(proof, HttpResponse):
        return proof
    cohorts = open_cohorts_for_organisation(organisation=provider.organisation, on=clock.today())
    form = ProofForm(request.POST or None, cohorts=cohorts, initial=proof_initial(proof))
    duplicate = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = proof_replace(
                actor=provider.actor,
                organisation=provider.organisation,
                proof=proof,
                text=form.text(),
            )
        except (ProofRefused, ProofDuplicate) as error:
            duplicate = _refused(form, error)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            return _issued(
                request,
                issued,
                _(
                    "Het nieuwe aanmeldingsbewijs is gemaakt; het oude is vervangen en niet meer "
                    "geldig. Download de nieuwe PDF en geef die aan de student."
                ),
            )
    return _render(
        request,
        "provider/proofs/form.html",
        provider,
        form=form,
        replacing=proof,
        duplicate=duplicate,
        has_cohorts=bool(form.cohorts),
    )
