"""UWV's budget screens: application periods (create, postpone, carry over), the grant cap per
year, and the stand-in registers (population register, DUO's student finance).

Also one application (review, letter) and applying for someone who cannot do it digitally. A
BSN is typed into a form and sent by POST, never put in a URL; pages show it masked."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from stap.budget.applying import OfferChoice, application_apply, reason_label
from stap.budget.errors import ApplicationRefused, PeriodRuleBroken, TransitionNotAllowed
from stap.budget.letters import decision_letter_pdf
from stap.budget.models import (
    Application,
    ApplicationPeriod,
    ApplicationStatus,
    GrantCap,
    StudentFinance,
)
from stap.budget.services import (
    application_allocate,
    application_decide,
    application_period_carry_over,
    application_period_create,
    application_period_postpone,
    grant_cap_set,
    student_finance_record,
)
from stap.budget.waiting_room.queue import admission_pace_set, admitted_up_to
from stap.core import clock
from stap.core.identifiers import mask_bsn
from stap.identity.models import Resident, StaffRole, User
from stap.identity.services import resident_record
from stap.portals.backoffice.budget_forms import (
    AdmissionPaceForm,
    AssistedApplicationForm,
    BsnForm,
    GrantCapForm,
    PeriodForm,
    PostponeForm,
    ResidentForm,
    ReviewForm,
    StudentFinanceForm,
)
from stap.portals.backoffice.views import staff_actor, staff_with_role
from stap.register.models import Cohort

uwv_required = staff_with_role(StaffRole.UWV)


@require_safe
@uwv_required
def periods(request: HttpRequest, staff: User) -> HttpResponse:
    context = {"staff": staff, "periods": ApplicationPeriod.objects.order_by("-opens_at")}
    return render(request, "backoffice/budget/periods.html", context)


@require_http_methods(["GET", "POST"])
@uwv_required
def period_new(request: HttpRequest, staff: User) -> HttpResponse:
    form = PeriodForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = form.cleaned_data
        if ApplicationPeriod.objects.filter(name=data["name"]).exists():
            form.add_error("name", _("Er is al een tijdvak met deze naam."))
        else:
            period = application_period_create(
                actor=staff_actor(staff),
                name=data["name"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                budget=data["budget"],
                reserved_budget=data["reserved_budget"] or Decimal("0.00"),
                carries_over=data["carries_over"],
            )
            messages.success(request, _("Het tijdvak ‘%(name)s’ is aangemaakt.") % {"name": period})
            return redirect("backoffice:period", pk=period.pk)
    return render(
        request,
        "backoffice/budget/period_new.html",
        {"staff": staff, "form": form},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@uwv_required
def period(request: HttpRequest, staff: User, pk: int) -> HttpResponse:
    period = get_object_or_404(ApplicationPeriod, pk=pk)
    postpone = PostponeForm(request.POST if request.POST.get("actie") == "uitstellen" else None)
    pace = AdmissionPaceForm(
        request.POST if request.POST.get("actie") == "tempo" else None,
        initial={"per_minute": period.admission_per_minute},
    )
    if pace.is_valid():
        admission_pace_set(
            actor=staff_actor(staff), period=period, per_minute=pace.cleaned_data["per_minute"]
        )
        messages.success(
            request,
            _("Vanaf nu worden %(count)s mensen per minuut toegelaten.")
            % {"count": pace.cleaned_data["per_minute"]},
        )
        return redirect("backoffice:period", pk=period.pk)
    failed = False
    try:
        if postpone.is_valid():
            application_period_postpone(
                actor=staff_actor(staff),
                period=period,
                opens_at=postpone.cleaned_data["opens_at"],
                closes_at=postpone.cleaned_data["closes_at"],
                reason=postpone.cleaned_data["reason"],
            )
            messages.success(request, _("Het tijdvak is uitgesteld."))
            return redirect("backoffice:period", pk=period.pk)
        if request.POST.get("actie") == "overboeken":
            following = application_period_carry_over(actor=staff_actor(staff), period=period)
            messages.success(
                request,
                _("Het restant is overgeboekt naar ‘%(name)s’.") % {"name": following.name},
            )
            return redirect("backoffice:period", pk=period.pk)
    except PeriodRuleBroken as broken:
        messages.error(request, str(broken))
        failed = True
    now = clock.now()
    context: dict[str, Any] = {
        "staff": staff,
        "period": period,
        "postpone": postpone,
        "pace": pace,
        "admitted": admitted_up_to(period, now=now),
        "waiting": period.waiting_room.count(),
        "has_closed": period.closes_at <= now,
        "is_open": period.opens_at <= now < period.closes_at,
    }
    status = 400 if postpone.is_bound or pace.is_bound or failed else 200
    return render(request, "backoffice/budget/period.html", context, status=status)


@require_http_methods(["GET", "POST"])
@uwv_required
def grant_caps(request: HttpRequest, staff: User) -> HttpResponse:
    form = GrantCapForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        cap = grant_cap_set(actor=staff_actor(staff), **form.cleaned_data)
        messages.success(
            request,
            _("De verleningsgrens voor %(year)s is %(maximum)s.")
            % {"year": cap.year, "maximum": cap.maximum},
        )
        return redirect("backoffice:grant_caps")
    context = {
        "staff": staff,
        "form": form,
        "caps": GrantCap.objects.order_by("-year"),
        "default": settings.STAP_GRANT_CAP,
    }
    return render(
        request,
        "backoffice/budget/grant_caps.html",
        context,
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@uwv_required
def residents(request: HttpRequest, staff: User) -> HttpResponse:
    """Look a person up by BSN (POST), then record or correct them."""
    action = request.POST.get("actie")
    lookup = BsnForm(request.POST if action == "zoeken" else None)
    form = ResidentForm(request.POST if action == "opslaan" else None)
    found: Resident | None = None
    if lookup.is_valid():
        found = Resident.objects.filter(bsn=lookup.cleaned_data["bsn"]).first()
        form = ResidentForm(initial=_resident_initial(found, lookup.cleaned_data["bsn"]))
    elif form.is_valid():
        resident = resident_record(actor=staff_actor(staff), **form.cleaned_data)
        messages.success(
            request,
            _("De gegevens van de persoon met BSN %(bsn)s zijn opgeslagen.")
            % {"bsn": mask_bsn(resident.bsn)},
        )
        return redirect("backoffice:residents")
    context = {
        "staff": staff,
        "lookup": lookup,
        "form": form,
        "looked_up": lookup.is_bound and lookup.is_valid(),
        "found": found,
        "count": Resident.objects.count(),
    }
    bad = (lookup.is_bound and not lookup.is_valid()) or (form.is_bound and not form.is_valid())
    return render(request, "backoffice/budget/residents.html", context, status=400 if bad else 200)


def _resident_initial(found: Resident | None, bsn: str) -> dict[str, Any]:
    if found is None:
        return {"bsn": bsn}
    initial = {name: getattr(found, name) for name in ResidentForm.base_fields}
    initial["birth_date"] = found.birth_date.isoformat()  # as the date box takes it
    return initial


@require_http_methods(["GET", "POST"])
@uwv_required
def student_finance(request: HttpRequest, staff: User) -> HttpResponse:
    """Record student finance for a BSN, or look up what is recorded (both by POST)."""
    action = request.POST.get("actie")
    lookup = BsnForm(request.POST if action == "zoeken" else None)
    form = StudentFinanceForm(request.POST if action == "opslaan" else None)
    records = None
    if lookup.is_valid():
        records = StudentFinance.objects.filter(bsn=lookup.cleaned_data["bsn"]).order_by(
            "-starts_on"
        )
    elif form.is_valid():
        record = student_finance_record(actor=staff_actor(staff), **form.cleaned_data)
        messages.success(
            request,
            _("Vastgelegd: %(kind)s voor de persoon met BSN %(bsn)s.")
            % {"kind": record.get_kind_display(), "bsn": mask_bsn(record.bsn)},
        )
        return redirect("backoffice:student_finance")
    today = clock.today()
    context = {
        "staff": staff,
        "lookup": lookup,
        "form": form,
        "records": records,
        "looked_up_bsn": mask_bsn(lookup.cleaned_data["bsn"]) if lookup.is_valid() else "",
        "running": StudentFinance.objects.filter(starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .count(),
    }
    bad = (lookup.is_bound and not lookup.is_valid()) or (form.is_bound and not form.is_valid())
    return render(
        request, "backoffice/budget/student_finance.html", context, status=400 if bad else 200
    )


@require_http_methods(["GET", "POST"])
@uwv_required
def application(request: HttpRequest, staff: User, pk: int) -> HttpResponse:
    """One application; one set aside for review is granted (from the budget, as any other) or
    rejected with a reason here."""
    application = get_object_or_404(
        Application.objects.select_related("training", "organisation", "period", "cohort__offer"),
        pk=pk,
    )
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if form.is_valid() and application.status == ApplicationStatus.IN_REVIEW:
        action = request.POST.get("actie")
        try:
            if action == "toekennen":
                decided = application_allocate(actor=staff_actor(staff), application=application)
                messages.success(
                    request, _("Besluit: %(status)s.") % {"status": decided.get_status_display()}
                )
                return redirect("backoffice:application", pk=application.pk)
            if action == "afwijzen" and form.cleaned_data["reason"]:
                application_decide(
                    actor=staff_actor(staff),
                    application=application,
                    decision="reject",
                    reason=form.cleaned_data["reason"],
                )
                messages.success(request, _("De aanvraag is afgewezen."))
                return redirect("backoffice:application", pk=application.pk)
            form.add_error("reason", _("Kies de reden van de afwijzing."))
        except TransitionNotAllowed as refused:
            form.add_error(None, str(refused))
    context = {
        "staff": staff,
        "application": application,
        "bsn": mask_bsn(application.bsn) if application.bsn else "",
        "reason": reason_label(application.rejection_reason)
        if application.rejection_reason
        else "",
        "form": form,
    }
    status = 400 if form.is_bound else 200
    return render(request, "backoffice/budget/application.html", context, status=status)


@require_safe
@uwv_required
def application_letter(request: HttpRequest, staff: User, pk: int) -> HttpResponse:
    application = get_object_or_404(
        Application.objects.select_related("training", "organisation"), pk=pk
    )
    response = HttpResponse(decision_letter_pdf(application), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="besluit-{application.pk}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
@uwv_required
def apply_on_behalf(request: HttpRequest, staff: User) -> HttpResponse:
    """UWV applies for someone who cannot apply digitally: the reserved part of the budget."""
    form = AssistedApplicationForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            decided = application_apply(
                actor=staff_actor(staff),
                period=data["period"],
                bsn=data["bsn"],
                studentnummer=data["studentnummer"],
                code=data["code"],
                choice=_choice(data),
                assisted=True,
            )
        except ApplicationRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                _("De aanvraag is ingediend. Besluit: %(status)s.")
                % {"status": decided.get_status_display()},
            )
            return redirect("backoffice:application", pk=decided.pk)
    return render(
        request,
        "backoffice/budget/apply_on_behalf.html",
        {"staff": staff, "form": form},
        status=400 if form.is_bound else 200,
    )


def _choice(data: dict[str, Any]) -> OfferChoice | None:
    if not data.get("scholings_id"):
        return None
    cohort = Cohort.objects.filter(
        offer__scholings_id=data["scholings_id"], code=data["cohortcode"]
    ).first()
    if cohort is None:
        raise ApplicationRefused(
            _("Dit startmoment bestaat niet: controleer het scholings-ID en de cohortcode."),
            code="startmoment_onbekend",
        )
    return OfferChoice(cohort=cohort, start_date=data["start_date"], amount=data["amount"])
