"""The public STAP-scholingsregister: search, and the page of one offer. No sign-in."""

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from stap.core import clock
from stap.portals.public.register_forms import RegisterSearchForm
from stap.register.eligibility import NotEligible
from stap.register.search import public_offer, register_page

# Why an offer cannot be chosen for STAP now, as the offer's page says it.
NOT_ELIGIBLE = {
    NotEligible.NOT_RECOGNISED: _(
        "De opleider heeft nu geen geldige erkenning of keurmerk. Alleen erkende opleiders "
        "kunnen opleidingen voor het STAP-budget aanbieden."
    ),
    NotEligible.PROVIDER_EXCLUDED: _("DUO heeft deze opleider uitgesloten van het STAP-budget."),
    NotEligible.TRAINING_EXCLUDED: _("DUO heeft deze opleiding uitgesloten van het STAP-budget."),
    NotEligible.NOT_OFFERED_FOR_STAP: _(
        "De opleider biedt deze opleiding niet aan voor het STAP-budget."
    ),
    NotEligible.NO_OPEN_COHORT: _(
        "Er is geen startmoment waarvoor u zich nog kunt aanmelden en dat nog kan beginnen."
    ),
}


def _page_number(value: str) -> int:
    """The requested page; anything that is not a page number gives the first."""
    return int(value) if value.isascii() and value.isdigit() and 0 < len(value) <= 4 else 1


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Search and filter; a filter that does not parse gets its message and is left out, with
    status 200 like any other search."""
    form = RegisterSearchForm(request.GET or None)
    page = register_page(
        filters=form.filters(),
        on=clock.today(),
        number=_page_number(request.GET.get("pagina", "")),
    )
    return render(
        request,
        "public/register_search.html",
        {"form": form, "page": page, "has_filters": form.has_filters()},
    )


@require_safe
def offer(request: HttpRequest, scholings_id: uuid.UUID) -> HttpResponse:
    """Every offer keeps its page, also when it cannot be chosen for STAP (it says why)."""
    detail = public_offer(scholings_id=scholings_id, on=clock.today())
    return render(
        request,
        "public/register_offer.html",
        {"detail": detail, "reasons": [NOT_ELIGIBLE[reason] for reason in detail.reasons]},
    )
