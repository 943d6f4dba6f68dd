"""Registering the scholingsaanbod in Mijn DUO zakelijk, under the KvK of the signed-in
organisation. Only people with "Registreren scholingsaanbod" or "Beheerder RIO Algemeen"."""

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from stap.core import clock
from stap.identity.models import DuoRole
from stap.portals.duo.access import DuoContext, duo_role_required
from stap.portals.duo.register_forms import (
    AddressForm,
    CohortEditForm,
    CohortForm,
    OfferForm,
    PriceForm,
    ProviderForm,
    TrainingForm,
)
from stap.register.eligibility import EXPLANATIONS, offer_eligibility
from stap.register.models import Cohort, Offer, Provider, Training
from stap.register.selectors import (
    cohort_for_organisation,
    offer_for_organisation,
    provider_of_organisation,
    training_for_organisation,
    trainings_with_offers,
)
from stap.register.services import (
    cohort_add,
    cohort_close,
    cohort_open,
    cohort_price_change,
    cohort_update,
    offer_register,
    offer_update,
    provider_contact_update,
    provider_register,
    training_register,
    training_update,
)

registrar_required = duo_role_required(DuoRole.REGISTREREN, DuoRole.BEHEERDER)


def _render(request: HttpRequest, template: str, duo: DuoContext, **context: Any) -> HttpResponse:
    bound = [value for value in context.values() if hasattr(value, "is_bound") and value.is_bound]
    status = 400 if any(form.errors for form in bound) else 200
    return render(
        request,
        template,
        {"duo": duo, "active_nav": "register", **context},
        status=status,
    )


def _provider(duo: DuoContext) -> Provider | None:
    assert duo.organisation is not None
    return provider_of_organisation(organisation=duo.organisation)


@require_safe
@registrar_required
def overview(request: HttpRequest, duo: DuoContext) -> HttpResponse:
    assert duo.organisation is not None
    provider = _provider(duo)
    today = clock.today()
    recognised = provider is not None and any(
        recognition.is_valid_on(today) for recognition in provider.recognitions.all()
    )
    return _render(
        request,
        "duo/register/overview.html",
        duo,
        provider=provider,
        recognised=recognised,
        trainings=trainings_with_offers(organisation=duo.organisation),
    )


@require_http_methods(["GET", "POST"])
@registrar_required
def provider_edit(request: HttpRequest, duo: DuoContext) -> HttpResponse:
    assert duo.organisation is not None
    provider = _provider(duo)
    data = request.POST if request.method == "POST" else None
    form = ProviderForm(data, instance=provider or Provider(organisation=duo.organisation))
    visiting = AddressForm(
        data,
        prefix="bezoek",
        initial=AddressForm.initial_from(provider.visiting_address if provider else None),
    )
    postal = AddressForm(
        data,
        prefix="post",
        initial=AddressForm.initial_from(provider.postal_address if provider else None),
    )
    if data is not None and not duo.read_only:
        valid = all([form.is_valid(), visiting.is_valid(), postal.is_valid()])
        if valid:
            try:
                if provider is None:
                    provider = provider_register(
                        actor=duo.actor,
                        organisation=duo.organisation,
                        name=form.cleaned_data["name"],
                    )
                provider_contact_update(
                    actor=duo.actor,
                    provider=provider,
                    phone=form.cleaned_data["phone"],
                    email=form.cleaned_data["email"],
                    website=form.cleaned_data["website"],
                    visiting_address=visiting.address(),
                    postal_address=postal.address(),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("De gegevens van de onderwijsaanbieder zijn opgeslagen.")
                )
                return redirect("duo:register")
    return _render(
        request,
        "duo/register/provider_form.html",
        duo,
        form=form,
        visiting=visiting,
        postal=postal,
        provider=provider,
    )


@require_http_methods(["GET", "POST"])
@registrar_required
def training_new(request: HttpRequest, duo: DuoContext) -> HttpResponse:
    provider = _provider(duo)
    if provider is None:
        return redirect("duo:register_provider")
    form = TrainingForm(request.POST or None, instance=Training(provider=provider))
    if request.method == "POST" and form.is_valid() and not duo.read_only:
        fields = {name: form.cleaned_data[name] for name in TrainingForm.Meta.fields}
        try:
            training = training_register(actor=duo.actor, provider=provider, **fields)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("De opleiding is geregistreerd met opleidingscode %(code)s.")
                % {"code": training.code},
            )
            return redirect("duo:register_training", code=training.code)
    return _render(request, "duo/register/training_form.html", duo, form=form, training=None)


@require_http_methods(["GET", "POST"])
@registrar_required
def training_detail(request: HttpRequest, duo: DuoContext, code: str) -> HttpResponse:
    assert duo.organisation is not None
    training = training_for_organisation(organisation=duo.organisation, code=code)
    form = TrainingForm(request.POST or None, instance=training)
    if request.method == "POST" and form.is_valid() and not duo.read_only:
        changes = {name: form.cleaned_data[name] for name in TrainingForm.Meta.fields}
        try:
            training_update(actor=duo.actor, training=training, **changes)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("De opleiding is opgeslagen."))
            return redirect("duo:register_training", code=code)
    today = clock.today()
    offers = [
        (offer, offer_eligibility(offer, on=today))
        for offer in training.offers.order_by("created_at").prefetch_related("cohorts")
    ]
    return _render(
        request,
        "duo/register/training_form.html",
        duo,
        form=form,
        training=training,
        offers=offers,
        excluded=training.exclusions.filter(lifted_at__isnull=True).exists(),
    )


def _offer_forms(data: Any, offer: Offer | None) -> tuple[OfferForm, AddressForm]:
    initial = (
        {
            "language": offer.language,
            "stap_permission": offer.stap_permission,
            "website": offer.website,
            "own_key": offer.own_key,
        }
        if offer
        else {}
    )
    return (
        OfferForm(data, initial=initial),
        AddressForm(
            data,
            prefix="locatie",
            initial=AddressForm.initial_from(offer.address if offer else None),
        ),
    )


@require_http_methods(["GET", "POST"])
@registrar_required
def offer_new(request: HttpRequest, duo: DuoContext, code: str) -> HttpResponse:
    assert duo.organisation is not None
    training = training_for_organisation(organisation=duo.organisation, code=code)
    form, address = _offer_forms(request.POST or None, None)
    if request.method == "POST" and not duo.read_only and form.is_valid() & address.is_valid():
        try:
            offer = offer_register(
                actor=duo.actor, training=training, address=address.address(), **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Het aanbod is geregistreerd. Het scholings-ID is %(id)s.")
                % {"id": offer.scholings_id},
            )
            return redirect("duo:register_offer", scholings_id=offer.scholings_id)
    return _render(
        request,
        "duo/register/offer_form.html",
        duo,
        form=form,
        address=address,
        training=training,
        offer=None,
    )


@require_http_methods(["GET", "POST"])
@registrar_required
def offer_detail(request: HttpRequest, duo: DuoContext, scholings_id: uuid.UUID) -> HttpResponse:
    assert duo.organisation is not None
    offer = offer_for_organisation(organisation=duo.organisation, scholings_id=scholings_id)
    form, address = _offer_forms(request.POST or None, offer)
    if request.method == "POST" and not duo.read_only and form.is_valid() & address.is_valid():
        try:
            offer_update(
                actor=duo.actor, offer=offer, address=address.address(), **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Het aanbod is opgeslagen."))
            return redirect("duo:register_offer", scholings_id=scholings_id)
    return _render(
        request,
        "duo/register/offer_form.html",
        duo,
        form=form,
        address=address,
        training=offer.training,
        offer=offer,
        cohorts=offer.cohorts.order_by("start_date", "code"),
        reasons=[EXPLANATIONS[reason] for reason in offer_eligibility(offer, on=clock.today())],
    )


@require_http_methods(["GET", "POST"])
@registrar_required
def cohort_new(request: HttpRequest, duo: DuoContext, scholings_id: uuid.UUID) -> HttpResponse:
    assert duo.organisation is not None
    offer = offer_for_organisation(organisation=duo.organisation, scholings_id=scholings_id)
    form = CohortForm(request.POST or None, instance=Cohort(offer=offer))
    if request.method == "POST" and form.is_valid() and not duo.read_only:
        try:
            cohort_add(actor=duo.actor, offer=offer, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Het startmoment is toegevoegd."))
            return redirect("duo:register_offer", scholings_id=scholings_id)
    return _render(
        request, "duo/register/cohort_form.html", duo, form=form, offer=offer, cohort=None
    )


@require_http_methods(["GET", "POST"])
@registrar_required
def cohort_detail(request: HttpRequest, duo: DuoContext, cohort_id: int) -> HttpResponse:
    assert duo.organisation is not None
    cohort = cohort_for_organisation(organisation=duo.organisation, cohort_id=cohort_id)
    action = request.POST.get("action", "")
    form = CohortEditForm(request.POST if action == "dates" else None, instance=cohort)
    prices = PriceForm(request.POST if action == "prices" else None, instance=cohort)
    if request.method == "POST" and not duo.read_only:
        try:
            if action == "dates" and form.is_valid():
                cohort_update(actor=duo.actor, cohort=cohort, **form.cleaned_data)
                messages.success(request, _("Het startmoment is opgeslagen."))
                return redirect("duo:register_cohort", cohort_id=cohort_id)
            if action == "prices" and prices.is_valid():
                cohort_price_change(actor=duo.actor, cohort=cohort, **prices.cleaned_data)
                messages.success(request, _("De nieuwe prijzen gelden vanaf nu."))
                return redirect("duo:register_cohort", cohort_id=cohort_id)
        except ValidationError as error:
            (form if action == "dates" else prices).add_error(None, error)
    cohort.refresh_from_db()
    return _render(
        request,
        "duo/register/cohort_form.html",
        duo,
        form=form,
        prices=prices,
        offer=cohort.offer,
        cohort=cohort,
        history=cohort.prices.order_by("-valid_from", "-id"),
    )


@require_POST
@registrar_required
def cohort_status(request: HttpRequest, duo: DuoContext, cohort_id: int) -> HttpResponse:
    assert duo.organisation is not None
    cohort = cohort_for_organisation(organisation=duo.organisation, cohort_id=cohort_id)
    if not duo.read_only:
        if request.POST.get("status") == "open":
            cohort_open(actor=duo.actor, cohort=cohort)
            messages.success(request, _("De aanmelding voor dit startmoment is weer open."))
        else:
            cohort_close(actor=duo.actor, cohort=cohort)
            messages.success(request, _("De aanmelding voor dit startmoment is gesloten."))
    return redirect("duo:register_cohort", cohort_id=cohort_id)
