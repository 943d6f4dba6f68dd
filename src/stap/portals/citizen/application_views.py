"""The citizen's application: studentnummer and code, the data shown for confirmation, the
decision — and afterwards the status, the letter and withdrawing.

The form is reached through the waiting room: the person must hold a ticket for the open
period, issued to their own BSN, whose place has been admitted. Code checks are rate-limited
per person, so that no one can guess codes."""

from typing import Any, Final

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from stap.budget.applying import (
    OfferChoice,
    Preview,
    RefusalReason,
    application_apply,
    application_preview,
    application_withdraw,
    reason_label,
)
from stap.budget.errors import ApplicationRefused, TransitionNotAllowed
from stap.budget.letters import decision_letter_pdf
from stap.budget.models import Application, ApplicationPeriod
from stap.budget.selectors import application_of_person
from stap.budget.waiting_room import tickets
from stap.budget.waiting_room.queue import admitted_up_to
from stap.budget.waiting_room.state import current_period
from stap.core import clock
from stap.core.ratelimit import Limit, hit
from stap.identity.signin import CitizenContext, citizen_required
from stap.portals.citizen.application_forms import ChoiceForm, CodeForm
from stap.portals.citizen.waiting_room_views import ticket_of

CODE_CHECKS: Final = Limit(scope="aanvraag-code", count=10, seconds=600)
signed_in_citizen = citizen_required(start_url_name="citizen:start")


def admitted_period(request: HttpRequest, citizen: CitizenContext) -> ApplicationPeriod | None:
    """The open period, if this person's ticket for it has been admitted."""
    period = current_period()
    now = clock.now()
    if period is None or not period.opens_at <= now < period.closes_at:
        return None
    ticket = ticket_of(request, period)
    if ticket is None or not tickets.belongs_to(ticket, citizen.identity.bsn):
        return None
    if ticket.place is None or ticket.place > admitted_up_to(period, now=now):
        return None
    return period


@require_http_methods(["GET", "POST"])
@signed_in_citizen
def apply(request: HttpRequest, citizen: CitizenContext) -> HttpResponse:
    period = admitted_period(request, citizen)
    if period is None:
        return redirect("citizen:waiting_room")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if not form.is_valid():
        return _render(request, citizen, form=form, status=400 if form.is_bound else 200)
    verdict = hit(CODE_CHECKS, tickets.person_key(citizen.identity.bsn))
    if not verdict.allowed:
        form.add_error(
            None,
            _("U heeft veel codes geprobeerd. Probeer het over %(minutes)s minuten opnieuw.")
            % {"minutes": max(verdict.retry_after // 60, 1)},
        )
        return _render(request, citizen, form=form, status=429)
    studentnummer, code = form.cleaned_data["studentnummer"], form.cleaned_data["code"]
    if request.POST.get("actie") == "indienen" and "cohort" not in request.POST:
        # Confirmed with a vooraanmelding: the submission checks everything the preview does.
        try:
            application = _apply(citizen, period, studentnummer, code, choice=None)
        except ApplicationRefused as refused:
            if refused.code != RefusalReason.CHOOSE_AN_OFFER.value:
                form.add_error(None, str(refused))
                return _render(request, citizen, form=form, status=400)
        else:
            return redirect("citizen:application", pk=application.pk)
    try:
        preview = application_preview(
            period=period, bsn=citizen.identity.bsn, studentnummer=studentnummer, code=code
        )
    except ApplicationRefused as refused:
        form.add_error(None, str(refused))
        return _render(request, citizen, form=form, status=400)
    choice = None
    if preview.pre_registration is None:
        choice = ChoiceForm(
            request.POST if request.POST.get("actie") == "indienen" else None,
            offer_id=preview.proof.offer_id,
            initial={
                "cohort": preview.proof.cohort_id,
                "start_date": preview.proof.start_date.isoformat(),
                "amount": f"{preview.proof.amount:.2f}".replace(".", ","),
            },
        )
    if request.POST.get("actie") == "indienen" and (choice is None or choice.is_valid()):
        try:
            application = _apply(citizen, period, studentnummer, code, choice=_choice(choice))
        except ApplicationRefused as refused:
            form.add_error(None, str(refused))
            return _render(request, citizen, form=form, preview=preview, choice=choice, status=400)
        return redirect("citizen:application", pk=application.pk)
    status = 400 if choice is not None and choice.is_bound else 200
    return _render(request, citizen, form=form, preview=preview, choice=choice, status=status)


def _apply(
    citizen: CitizenContext,
    period: ApplicationPeriod,
    studentnummer: str,
    code: str,
    *,
    choice: OfferChoice | None,
) -> Application:
    return application_apply(
        actor=citizen.actor,
        period=period,
        bsn=citizen.identity.bsn,
        studentnummer=studentnummer,
        code=code,
        choice=choice,
    )


def _choice(form: ChoiceForm | None) -> OfferChoice | None:
    if form is None:
        return None
    data = form.cleaned_data
    return OfferChoice(cohort=data["cohort"], start_date=data["start_date"], amount=data["amount"])


def _render(
    request: HttpRequest,
    citizen: CitizenContext,
    *,
    form: CodeForm,
    preview: Preview | None = None,
    choice: ChoiceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "citizen": citizen,
        "form": form,
        "preview": preview,
        "choice": choice,
    }
    return render(request, "citizen/apply.html", context, status=status)


@require_safe
@signed_in_citizen
def application(request: HttpRequest, citizen: CitizenContext, pk: int) -> HttpResponse:
    application = application_of_person(bsn=citizen.identity.bsn, pk=pk)
    context = {
        "citizen": citizen,
        "application": application,
        "reason": reason_label(application.rejection_reason),
        "may_withdraw": application.status in ("ingediend", "in_behandeling", "voorlopig_toegekend")
        and clock.today() < application.start_date,
    }
    return render(request, "citizen/application.html", context)


@require_safe
@signed_in_citizen
def application_letter(request: HttpRequest, citizen: CitizenContext, pk: int) -> HttpResponse:
    application = application_of_person(bsn=citizen.identity.bsn, pk=pk)
    response = HttpResponse(decision_letter_pdf(application), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="besluit-stap-{application.pk}.pdf"'
    return response


@require_POST
@signed_in_citizen
def application_withdrawal(request: HttpRequest, citizen: CitizenContext, pk: int) -> HttpResponse:
    application = application_of_person(bsn=citizen.identity.bsn, pk=pk)
    try:
        application_withdraw(actor=citizen.actor, application=application, bsn=citizen.identity.bsn)
    except (ApplicationRefused, TransitionNotAllowed) as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Uw aanvraag is ingetrokken."))
    return redirect("citizen:application", pk=application.pk)
