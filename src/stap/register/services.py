"""Write use cases for the STAP-scholingsregister (the full register comes with its own issue)."""

import datetime as dt
import secrets
from decimal import Decimal

from django.db import transaction

from stap.core import clock
from stap.core.audit import Actor, audit_record
from stap.identity.models import Organisation
from stap.register.models import Cohort, Offer, Provider, Training

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _new_provider_code() -> str:
    while True:
        digits = (
            f"{secrets.randbelow(1000):03d}{secrets.choice(_LETTERS)}{secrets.randbelow(1000):03d}"
        )
        if not Provider.objects.filter(code=digits).exists():
            return digits


def _new_training_code() -> str:
    while True:
        code = f"{secrets.randbelow(10_000):04d}O{secrets.randbelow(10_000):04d}"
        if not Training.objects.filter(code=code).exists():
            return code


@transaction.atomic
def provider_register(*, actor: Actor, organisation: Organisation, name: str) -> Provider:
    """Register an onderwijsaanbieder under an organisation; its opleider-id is generated."""
    provider = Provider(
        organisation=organisation,
        code=_new_provider_code(),
        name=name,
        created_at=clock.now(),
    )
    provider.full_clean()
    provider.save()
    audit_record(
        actor=actor,
        action="register.provider_registered",
        target=provider,
        after={"code": provider.code, "name": name},
        organisation_kvk=organisation.kvk_number,
    )
    return provider


@transaction.atomic
def training_register(
    *,
    actor: Actor,
    provider: Provider,
    name: str,
    short_name: str,
    is_multi_year: bool = False,
    is_funded: bool = False,
) -> Training:
    training = Training(
        provider=provider,
        code=_new_training_code(),
        name=name,
        short_name=short_name,
        is_multi_year=is_multi_year,
        is_funded=is_funded,
        created_at=clock.now(),
    )
    training.full_clean()
    training.save()
    audit_record(
        actor=actor,
        action="register.training_registered",
        target=training,
        after={"code": training.code, "name": name},
        organisation_kvk=provider.organisation.kvk_number,
    )
    return training


@transaction.atomic
def offer_register(*, actor: Actor, training: Training, location: str = "") -> Offer:
    offer = Offer(training=training, location=location, created_at=clock.now())
    offer.full_clean()
    offer.save()
    audit_record(
        actor=actor,
        action="register.offer_registered",
        target=offer,
        after={"scholings_id": str(offer.scholings_id), "location": location},
        organisation_kvk=training.provider.organisation.kvk_number,
    )
    return offer


@transaction.atomic
def cohort_add(
    *,
    actor: Actor,
    offer: Offer,
    code: str,
    start_date: dt.date,
    end_date: dt.date,
    total_price: Decimal,
    subsidisable_amount: Decimal,
) -> Cohort:
    cohort = Cohort(
        offer=offer,
        code=code,
        start_date=start_date,
        end_date=end_date,
        total_price=total_price,
        subsidisable_amount=subsidisable_amount,
    )
    cohort.full_clean()
    cohort.save()
    audit_record(
        actor=actor,
        action="register.cohort_added",
        target=cohort,
        after={
            "code": code,
            "start_date": start_date.isoformat(),
            "end_date": end_date.isoformat(),
            "total_price": str(total_price),
            "subsidisable_amount": str(subsidisable_amount),
        },
        organisation_kvk=offer.training.provider.organisation.kvk_number,
    )
    return cohort
