"""Reads of the register, always scoped to the signed-in organisation: a foreign code or id
answers like a missing one."""

import datetime as dt
import uuid

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from stap.identity.models import Organisation
from stap.register.eligibility import recognised_offers
from stap.register.models import Cohort, Offer, Provider, Training
from stap.register.values import CohortStatus


def trainings_for_organisation(*, organisation: Organisation) -> QuerySet[Training]:
    return Training.objects.filter(provider__organisation=organisation).order_by("name")


def provider_of_organisation(*, organisation: Organisation) -> Provider | None:
    """The organisation's onderwijsaanbieder (STAP registers one per KvK)."""
    return (
        Provider.objects.filter(organisation=organisation)
        .select_related("visiting_address", "postal_address")
        .prefetch_related("recognitions")
        .order_by("created_at", "id")
        .first()
    )


def trainings_with_offers(*, organisation: Organisation) -> QuerySet[Training]:
    return trainings_for_organisation(organisation=organisation).prefetch_related(
        Prefetch(
            "offers",
            queryset=Offer.objects.order_by("created_at").prefetch_related(
                Prefetch("cohorts", queryset=Cohort.objects.order_by("start_date", "code"))
            ),
        ),
        "exclusions",
    )


def training_for_organisation(*, organisation: Organisation, code: str) -> Training:
    training = trainings_for_organisation(organisation=organisation).filter(code=code).first()
    if training is None:
        raise Http404
    return training


def offer_for_organisation(*, organisation: Organisation, scholings_id: uuid.UUID) -> Offer:
    offer = (
        Offer.objects.filter(provider__organisation=organisation, scholings_id=scholings_id)
        .select_related("training", "address", "provider")
        .first()
    )
    if offer is None:
        raise Http404
    return offer


def cohort_for_organisation(*, organisation: Organisation, cohort_id: int) -> Cohort:
    cohort = (
        Cohort.objects.filter(offer__provider__organisation=organisation, pk=cohort_id)
        .select_related("offer__training")
        .prefetch_related("prices")
        .first()
    )
    if cohort is None:
        raise Http404
    return cohort


def open_cohorts_for_organisation(*, organisation: Organisation, on: dt.date) -> QuerySet[Cohort]:
    """The organisation's open start moments that a student can still start (or, for a
    multi-year programme, is in), of offers that can be chosen for the STAP-budget (recognised,
    not excluded), for choosing one in a form."""
    return (
        Cohort.objects.filter(
            offer__provider__organisation=organisation,
            offer__in=recognised_offers(on=on),
            status=CohortStatus.OPEN,
        )
        .filter(
            Q(start_date__gte=on)
            | Q(intake_end__gte=on)
            | Q(offer__training__is_multi_year=True, end_date__gte=on)
        )
        .select_related("offer__training")
        .order_by("offer__training__name", "start_date", "code")
    )
