"""New register rows from a feed, in bulk: the fast path for the first upload of a large offer.

Each new row is built and validated on its own with the model's rules (``full_clean``: fields,
choices, lengths and the ``clean`` rules that mirror the check constraints), so a bad item is
refused before anything is written. The valid rows of one level (trainings, offers or cohorts)
are then inserted with ``bulk_create`` in one transaction together with their audit entries, in
exactly the shape that ``training_register``, ``offer_register`` and ``cohort_add`` write them
(a test compares the two). What ``full_clean`` leaves to the database here — uniqueness, which
the caller has checked against the keys it fetched, and foreign keys, which the caller set from
rows it holds — is still enforced by the database: if it refuses a batch, nothing of the batch is
kept and its rows are written one by one through those services, each in its own transaction.
"""

import dataclasses
import secrets
from collections.abc import Sequence
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from stap.core import clock
from stap.core.audit import Actor
from stap.core.models import AuditEntry
from stap.register.feed.parse import CohortValues, OfferValues, TrainingValues
from stap.register.feed.report import refused_by_database
from stap.register.models import Address, Cohort, CohortPrice, Offer, Provider, Training
from stap.register.services import (
    TRAINING_DETAILS,
    AddressInput,
    cohort_add,
    offer_register,
    training_register,
)
from stap.register.values import CohortStatus, Language, StapPermission, TeachingForm

BATCH = 1000

_Row = TypeVar("_Row", bound=models.Model)
Created = list[tuple[_Row, ValidationError | None]]


def invalid(instance: models.Model, *, exclude: Sequence[str] = ()) -> ValidationError | None:
    """The model rules for one new row, without the per-row queries for uniqueness and foreign
    keys (see the module docstring)."""
    relations = [
        field.name
        for field in instance._meta.concrete_fields
        if isinstance(field, models.ForeignKey)
    ]
    try:
        instance.full_clean(
            exclude=[*exclude, *relations], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        return error
    return None


def _plain(value: Any) -> Any:
    """A value as the services write it into the audit trail's JSON."""
    return value if value is None or isinstance(value, (bool, int, str)) else str(value)


def _audit(
    actor: Actor, action: str, target: models.Model, after: dict[str, Any], kvk_number: str
) -> AuditEntry:
    """The entry ``stap.core.audit.audit_record`` writes, for ``bulk_create``."""
    return AuditEntry(
        at=clock.now(),
        actor_kind=actor.kind,
        actor_id=actor.identifier,
        organisation_kvk=kvk_number,
        channel=actor.channel,
        action=action,
        object_type=target._meta.label_lower,
        object_id=str(target.pk),
        before=None,
        after=after,
    )


def _refused_by_database() -> ValidationError:
    return ValidationError(refused_by_database())


def _one_by_one(rows: list[_Row], write: Any) -> Created[_Row]:
    results: Created[_Row] = []
    for row in rows:
        try:
            with transaction.atomic():
                results.append((write(row), None))
        except ValidationError as error:
            results.append((row, error))
        except IntegrityError:
            results.append((row, _refused_by_database()))
    return results


def _reset(rows: Sequence[models.Model]) -> None:
    """Rows of a batch the database refused: nothing of them was kept."""
    for row in rows:
        row.pk = None
        row._state.adding = True


# --- Opleidingen -------------------------------------------------------------------------------


def training_fields(values: TrainingValues) -> dict[str, Any]:
    return dataclasses.asdict(values)


def training_new(provider: Provider, own_key: str, fields: dict[str, Any]) -> Training:
    return Training(provider=provider, code="", own_key=own_key, created_at=clock.now(), **fields)


def new_training_codes(count: int) -> list[str]:
    """``count`` unused opleidingscodes (``9999O9999``), checked against the register in a few
    queries instead of one per code."""
    codes: set[str] = set()
    while len(codes) < count:
        candidates = {
            f"{secrets.randbelow(10_000):04d}O{secrets.randbelow(10_000):04d}"
            for _ in range(count - len(codes))
        } - codes
        taken = set(Training.objects.filter(code__in=candidates).values_list("code", flat=True))
        codes |= candidates - taken
    return list(codes)


def _training_register(actor: Actor, training: Training) -> Training:
    return training_register(
        actor=actor,
        provider=training.provider,
        name=training.name,
        short_name=training.short_name,
        is_multi_year=training.is_multi_year,
        is_funded=training.is_funded,
        **{name: getattr(training, name) for name in sorted(TRAINING_DETAILS)},
    )


def trainings_create(
    trainings: list[Training], *, actor: Actor, kvk_number: str, bulk: bool = True
) -> Created[Training]:
    """Insert validated new trainings with their audit entries (``training_register``)."""
    if not trainings:
        return []
    if bulk:
        try:
            with transaction.atomic():
                for training, code in zip(
                    trainings, new_training_codes(len(trainings)), strict=True
                ):
                    training.code = code
                Training.objects.bulk_create(trainings, batch_size=BATCH)
                AuditEntry.objects.bulk_create(
                    [
                        _audit(
                            actor,
                            "register.training_registered",
                            training,
                            {
                                "code": training.code,
                                "name": training.name,
                                **{
                                    name: _plain(getattr(training, name))
                                    for name in sorted(TRAINING_DETAILS)
                                },
                            },
                            kvk_number,
                        )
                        for training in trainings
                    ],
                    batch_size=BATCH,
                )
            return [(training, None) for training in trainings]
        except IntegrityError:
            _reset(trainings)
    return _one_by_one(trainings, lambda training: _training_register(actor, training))


# --- Aangeboden opleidingen ----------------------------------------------------------------------


def address_input(offer: Offer) -> AddressInput | None:
    address = offer.address
    if address is None:
        return None
    return AddressInput(
        street=address.street,
        house_number=address.house_number,
        house_number_addition=address.house_number_addition,
        postcode=address.postcode,
        city=address.city,
    )


def offer_new(
    training: Training, own_key: str, values: OfferValues, address: AddressInput | None
) -> tuple[Offer, ValidationError | None]:
    """A new offer with its (unsaved) address; ``address`` is already normalised."""
    location = Address(**dataclasses.asdict(address)) if address is not None else None
    offer = Offer(
        training=training,
        provider_id=training.provider_id,
        location=address.city if address is not None else "",
        address=location,
        language=values.language,
        stap_permission=values.stap_permission,
        website=values.website,
        own_key=own_key,
        created_at=clock.now(),
    )
    errors: dict[str, Any] = {}
    for row in (location, offer):
        error = invalid(row) if row is not None else None
        if error is not None:
            errors = error.update_error_dict(errors)
    return offer, (ValidationError(errors) if errors else None)


def _offer_register(actor: Actor, offer: Offer) -> Offer:
    return offer_register(
        actor=actor,
        training=offer.training,
        address=address_input(offer),
        language=Language(offer.language),
        stap_permission=StapPermission(offer.stap_permission),
        website=offer.website,
        own_key=offer.own_key,
    )


def offers_create(
    offers: list[Offer], *, actor: Actor, kvk_number: str, bulk: bool = True
) -> Created[Offer]:
    """Insert validated new offers, their addresses and audit entries (``offer_register``)."""
    if not offers:
        return []
    addresses = [offer.address for offer in offers if offer.address is not None]
    if bulk:
        try:
            with transaction.atomic():
                Address.objects.bulk_create(addresses, batch_size=BATCH)
                Offer.objects.bulk_create(offers, batch_size=BATCH)
                AuditEntry.objects.bulk_create(
                    [
                        _audit(
                            actor,
                            "register.offer_registered",
                            offer,
                            {
                                "scholings_id": str(offer.scholings_id),
                                "training": offer.training.code,
                                "location": offer.location,
                                "language": offer.language,
                                "stap_permission": offer.stap_permission,
                                "own_key": offer.own_key,
                            },
                            kvk_number,
                        )
                        for offer in offers
                    ],
                    batch_size=BATCH,
                )
            return [(offer, None) for offer in offers]
        except IntegrityError:
            _reset([*offers, *addresses])
    return _one_by_one(offers, lambda offer: _offer_register(actor, offer))


# --- Cohorten -------------------------------------------------------------------------------------

COHORT_FIELDS = (
    "enrolment_start",
    "enrolment_end",
    "start_date",
    "intake_end",
    "end_date",
    "teaching_form",
    "places_per_year",
)


def cohort_fields(values: CohortValues) -> dict[str, Any]:
    """What ``cohort_update`` changes (prices and status have their own services)."""
    return {name: getattr(values, name) for name in COHORT_FIELDS}


def cohort_new(offer: Offer, code: str, values: CohortValues) -> Cohort:
    return Cohort(
        offer=offer,
        code=code,
        status=values.status,
        total_price=values.total_price,
        subsidisable_amount=values.subsidisable_amount,
        **cohort_fields(values),
    )


def _cohort_add(actor: Actor, cohort: Cohort) -> Cohort:
    return cohort_add(
        actor=actor,
        offer=cohort.offer,
        code=cohort.code,
        start_date=cohort.start_date,
        end_date=cohort.end_date,
        total_price=cohort.total_price,
        subsidisable_amount=cohort.subsidisable_amount,
        enrolment_start=cohort.enrolment_start,
        enrolment_end=cohort.enrolment_end,
        intake_end=cohort.intake_end,
        teaching_form=TeachingForm(cohort.teaching_form),
        places_per_year=cohort.places_per_year,
        status=CohortStatus(cohort.status),
    )


def cohorts_create(
    cohorts: list[Cohort], *, actor: Actor, kvk_number: str, bulk: bool = True
) -> Created[Cohort]:
    """Insert validated new cohorts, their first price and audit entries (``cohort_add``)."""
    if not cohorts:
        return []
    if bulk:
        try:
            with transaction.atomic():
                Cohort.objects.bulk_create(cohorts, batch_size=BATCH)
                now = clock.now()
                CohortPrice.objects.bulk_create(
                    [
                        CohortPrice(
                            cohort=cohort,
                            total_price=cohort.total_price,
                            subsidisable_amount=cohort.subsidisable_amount,
                            valid_from=now,
                            recorded_by=actor.identifier,
                        )
                        for cohort in cohorts
                    ],
                    batch_size=BATCH,
                )
                AuditEntry.objects.bulk_create(
                    [
                        _audit(
                            actor,
                            "register.cohort_added",
                            cohort,
                            {
                                "code": cohort.code,
                                "start_date": cohort.start_date.isoformat(),
                                "end_date": cohort.end_date.isoformat(),
                                "total_price": str(cohort.total_price),
                                "subsidisable_amount": str(cohort.subsidisable_amount),
                                "teaching_form": cohort.teaching_form,
                                "status": cohort.status,
                            },
                            kvk_number,
                        )
                        for cohort in cohorts
                    ],
                    batch_size=BATCH,
                )
            return [(cohort, None) for cohort in cohorts]
        except IntegrityError:
            _reset(cohorts)
    return _one_by_one(cohorts, lambda cohort: _cohort_add(actor, cohort))
