"""Write use cases for the STAP-scholingsregister.

Every change is validated with the model's RIO rules (``full_clean``), runs in one transaction and
writes its audit entry there. Nothing is deleted: a cohort is closed, a price change adds a row to
the cohort's price history, an exclusion is lifted rather than removed.
"""

import datetime as dt
import re
import secrets
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from stap.core import clock
from stap.core.audit import Actor, audit_record
from stap.core.errors import DomainError
from stap.identity.models import Organisation, StaffRole, User, UserKind
from stap.register.models import (
    Address,
    Cohort,
    CohortPrice,
    Exclusion,
    Offer,
    Provider,
    Recogniser,
    Recognition,
    Training,
)
from stap.register.values import (
    CohortStatus,
    Language,
    RecognitionKind,
    StapPermission,
    TeachingForm,
)

DEFAULT_ENROLMENT_WEEKS = 12


class RegisterRuleBroken(DomainError):
    code = "register_rule_broken"


@dataclass(frozen=True, kw_only=True)
class AddressInput:
    street: str
    house_number: str
    postcode: str
    city: str
    house_number_addition: str = ""


def normalised_postcode(value: str) -> str:
    """'1234ab', '1234 AB ' -> '1234 AB'; anything else is left for the validator to refuse."""
    compact = re.sub(r"\s+", "", value).upper()
    return f"{compact[:4]} {compact[4:]}" if re.fullmatch(r"[0-9]{4}[A-Z]{2}", compact) else value


def _address(value: AddressInput | None) -> Address | None:
    if value is None:
        return None
    address = Address(
        street=value.street.strip(),
        house_number=value.house_number.strip(),
        house_number_addition=value.house_number_addition.strip(),
        postcode=normalised_postcode(value.postcode),
        city=value.city.strip(),
    )
    address.full_clean()
    address.save()
    return address


def _kvk(provider: Provider) -> str:
    return provider.organisation.kvk_number


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
def provider_register(
    *,
    actor: Actor,
    organisation: Organisation,
    name: str,
    phone: str = "",
    email: str = "",
    website: str = "",
) -> Provider:
    """Register an onderwijsaanbieder under an organisation; its opleider-id is generated."""
    provider = Provider(
        organisation=organisation,
        code=_new_provider_code(),
        name=name,
        phone=phone,
        email=email,
        website=website,
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
    **details: Any,
) -> Training:
    """Register an opleidingseenheid; ``details`` are the optional RIO fields (description,
    study_load, study_load_unit, nlqf_level, eqf_level, value_document, category, own_key)."""
    _only(details, TRAINING_DETAILS)
    training = Training(
        provider=provider,
        code=_new_training_code(),
        name=name,
        short_name=short_name,
        is_multi_year=is_multi_year,
        is_funded=is_funded,
        created_at=clock.now(),
        **details,
    )
    training.full_clean()
    training.save()
    audit_record(
        actor=actor,
        action="register.training_registered",
        target=training,
        after={"code": training.code, "name": name, **_plain(details)},
        organisation_kvk=_kvk(provider),
    )
    return training


TRAINING_DETAILS = frozenset(
    {
        "description",
        "study_load",
        "study_load_unit",
        "nlqf_level",
        "eqf_level",
        "value_document",
        "category",
        "own_key",
    }
)
TRAINING_FIELDS = TRAINING_DETAILS | {"name", "short_name", "is_multi_year", "is_funded"}


def _only(values: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(values) - allowed
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    """Values as JSON for the audit trail."""
    return {
        key: value if value is None or isinstance(value, (bool, int, str)) else str(value)
        for key, value in values.items()
    }


def _update(actor: Actor, instance: Any, changes: dict[str, Any], action: str, kvk: str) -> None:
    before = {key: getattr(instance, key) for key in changes}
    for key, value in changes.items():
        setattr(instance, key, value)
    instance.full_clean()
    instance.save(update_fields=list(changes))
    changed = {key: value for key, value in changes.items() if before[key] != value}
    if changed:
        audit_record(
            actor=actor,
            action=action,
            target=instance,
            before=_plain({key: before[key] for key in changed}),
            after=_plain(changed),
            organisation_kvk=kvk,
        )


@transaction.atomic
def training_update(*, actor: Actor, training: Training, **changes: Any) -> Training:
    _only(changes, TRAINING_FIELDS)
    training = Training.objects.select_for_update().get(pk=training.pk)
    _update(actor, training, changes, "register.training_changed", _kvk(training.provider))
    return training


@transaction.atomic
def offer_register(
    *,
    actor: Actor,
    training: Training,
    location: str = "",
    address: AddressInput | None = None,
    language: Language = Language.NLD,
    stap_permission: StapPermission = StapPermission.GRANTED,
    website: str = "",
    own_key: str = "",
    scholings_id: uuid.UUID | None = None,
) -> Offer:
    """An aangeboden opleiding; its scholings-ID (UUID) is generated unless one is carried over
    (from an earlier register, or the demo's fixed ones). No address: online."""
    offer = Offer(
        scholings_id=scholings_id or uuid.uuid4(),
        training=training,
        provider=training.provider,
        location=location or (address.city if address else ""),
        address=_address(address),
        language=language,
        stap_permission=stap_permission,
        website=website,
        own_key=own_key,
        created_at=clock.now(),
    )
    offer.full_clean()
    offer.save()
    audit_record(
        actor=actor,
        action="register.offer_registered",
        target=offer,
        after={
            "scholings_id": str(offer.scholings_id),
            "training": training.code,
            "location": offer.location,
            "language": language,
            "stap_permission": stap_permission,
            "own_key": own_key,
        },
        organisation_kvk=_kvk(training.provider),
    )
    return offer


OFFER_FIELDS = frozenset({"language", "stap_permission", "website", "own_key", "location"})


@transaction.atomic
def offer_update(
    *, actor: Actor, offer: Offer, address: AddressInput | bool | None = False, **changes: Any
) -> Offer:
    """Change an offer; ``address`` None makes it online, an AddressInput moves it, False
    leaves it."""
    _only(changes, OFFER_FIELDS)
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if address is not False:
        new_address = _address(address) if isinstance(address, AddressInput) else None
        changes = changes | {"address": new_address}
        if isinstance(address, AddressInput) and "location" not in changes:
            changes["location"] = address.city
        if address is None and "location" not in changes:
            changes["location"] = ""
    _update(actor, offer, changes, "register.offer_changed", _kvk(offer.provider))
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
    enrolment_start: dt.date | None = None,
    enrolment_end: dt.date | None = None,
    intake_end: dt.date | None = None,
    teaching_form: TeachingForm = TeachingForm.KLASSIKAAL,
    places_per_year: int | None = None,
    status: CohortStatus = CohortStatus.OPEN,
) -> Cohort:
    """A start moment with its two prices, which become the first in its price history."""
    cohort = Cohort(
        offer=offer,
        code=code,
        status=status,
        enrolment_start=enrolment_start or start_date - dt.timedelta(weeks=DEFAULT_ENROLMENT_WEEKS),
        enrolment_end=enrolment_end,
        start_date=start_date,
        intake_end=intake_end,
        end_date=end_date,
        total_price=total_price,
        subsidisable_amount=subsidisable_amount,
        teaching_form=teaching_form,
        places_per_year=places_per_year,
    )
    cohort.full_clean()
    cohort.save()
    CohortPrice.objects.create(
        cohort=cohort,
        total_price=cohort.total_price,
        subsidisable_amount=cohort.subsidisable_amount,
        valid_from=clock.now(),
        recorded_by=actor.identifier,
    )
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
            "teaching_form": teaching_form,
            "status": status,
        },
        organisation_kvk=offer.training.provider.organisation.kvk_number,
    )
    return cohort


COHORT_FIELDS = frozenset(
    {
        "enrolment_start",
        "enrolment_end",
        "start_date",
        "intake_end",
        "end_date",
        "teaching_form",
        "places_per_year",
    }
)


@transaction.atomic
def cohort_update(*, actor: Actor, cohort: Cohort, **changes: Any) -> Cohort:
    """Dates, teaching form, places. Prices change with ``cohort_price_change``, the status with
    ``cohort_close``/``cohort_open``."""
    _only(changes, COHORT_FIELDS)
    cohort = Cohort.objects.select_for_update().select_related("offer__provider").get(pk=cohort.pk)
    _update(actor, cohort, changes, "register.cohort_changed", _kvk(cohort.offer.provider))
    return cohort


@transaction.atomic
def cohort_price_change(
    *, actor: Actor, cohort: Cohort, total_price: Decimal, subsidisable_amount: Decimal
) -> Cohort:
    """New prices from now on; the old ones stay in the cohort's price history."""
    cohort = Cohort.objects.select_for_update().select_related("offer__provider").get(pk=cohort.pk)
    before = {"total_price": cohort.total_price, "subsidisable_amount": cohort.subsidisable_amount}
    cohort.total_price, cohort.subsidisable_amount = total_price, subsidisable_amount
    cohort.full_clean()
    if before == {"total_price": total_price, "subsidisable_amount": subsidisable_amount}:
        return cohort
    cohort.save(update_fields=["total_price", "subsidisable_amount"])
    CohortPrice.objects.create(
        cohort=cohort,
        total_price=total_price,
        subsidisable_amount=subsidisable_amount,
        valid_from=clock.now(),
        recorded_by=actor.identifier,
    )
    audit_record(
        actor=actor,
        action="register.cohort_price_changed",
        target=cohort,
        before=_plain(before),
        after=_plain({"total_price": total_price, "subsidisable_amount": subsidisable_amount}),
        organisation_kvk=_kvk(cohort.offer.provider),
    )
    return cohort


def _set_status(actor: Actor, cohort: Cohort, status: CohortStatus) -> Cohort:
    cohort = Cohort.objects.select_for_update().select_related("offer__provider").get(pk=cohort.pk)
    _update(
        actor,
        cohort,
        {"status": status},
        "register.cohort_status_changed",
        _kvk(cohort.offer.provider),
    )
    return cohort


@transaction.atomic
def cohort_close(*, actor: Actor, cohort: Cohort) -> Cohort:
    """Aanmelding gesloten: a full cohort, or a start moment that is withdrawn. It stays in the
    register's history."""
    return _set_status(actor, cohort, CohortStatus.CLOSED)


@transaction.atomic
def cohort_open(*, actor: Actor, cohort: Cohort) -> Cohort:
    return _set_status(actor, cohort, CohortStatus.OPEN)


@transaction.atomic
def provider_contact_update(
    *,
    actor: Actor,
    provider: Provider,
    phone: str,
    email: str,
    website: str,
    visiting_address: AddressInput | None,
    postal_address: AddressInput | None,
) -> Provider:
    """The provider's contact details for STAP; a changed address is a new address row."""
    provider = (
        Provider.objects.select_for_update().select_related("organisation").get(pk=provider.pk)
    )
    changes: dict[str, Any] = {"phone": phone.strip(), "email": email.strip(), "website": website}
    for field, value in (
        ("visiting_address", visiting_address),
        ("postal_address", postal_address),
    ):
        current = getattr(provider, field)
        if value is None:
            changes[field] = None
        elif current is None or _as_input(current) != value:
            changes[field] = _address(value)
    _update(actor, provider, changes, "register.provider_contact_changed", _kvk(provider))
    return provider


def _as_input(address: Address) -> AddressInput:
    return AddressInput(
        street=address.street,
        house_number=address.house_number,
        house_number_addition=address.house_number_addition,
        postcode=address.postcode,
        city=address.city,
    )


@transaction.atomic
def recognition_record(
    *,
    actor: Actor,
    provider: Provider,
    kind: RecognitionKind,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    body: str = "",
) -> Recognition:
    """DUO staff or a recognising body record a recognition; providers never do this."""
    recognition = Recognition(
        provider=provider,
        kind=kind,
        body=body.strip(),
        valid_from=valid_from,
        valid_until=valid_until,
        recorded_at=clock.now(),
        recorded_by=actor.identifier,
    )
    recognition.full_clean()
    recognition.save()
    audit_record(
        actor=actor,
        action="register.recognition_recorded",
        target=recognition,
        after=_plain(
            {
                "provider": provider.code,
                "kind": kind,
                "body": body,
                "valid_from": valid_from.isoformat(),
                "valid_until": valid_until.isoformat() if valid_until else None,
            }
        ),
        organisation_kvk=_kvk(provider),
    )
    return recognition


@transaction.atomic
def recognition_end(*, actor: Actor, recognition: Recognition, valid_until: dt.date) -> Recognition:
    recognition = (
        Recognition.objects.select_for_update()
        .select_related("provider__organisation")
        .get(pk=recognition.pk)
    )
    _update(
        actor,
        recognition,
        {"valid_until": valid_until},
        "register.recognition_ended",
        _kvk(recognition.provider),
    )
    return recognition


@transaction.atomic
def recogniser_appoint(
    *, actor: Actor, user: User, kind: RecognitionKind, body: str = ""
) -> Recogniser:
    """Let a staff account of a recognising body record and end that body's recognitions."""
    if user.kind != UserKind.STAFF or user.staff_role != StaffRole.RECOGNISER:
        raise RegisterRuleBroken(
            _("Alleen een medewerker van een erkennende organisatie kan worden aangewezen.")
        )
    recogniser = Recogniser(
        user=user,
        kind=kind,
        body=body.strip(),
        appointed_at=clock.now(),
        appointed_by=actor.identifier,
    )
    recogniser.full_clean()
    recogniser.save()
    audit_record(
        actor=actor,
        action="register.recogniser_appointed",
        target=recogniser,
        after={"user": user.username, "kind": kind, "body": recogniser.body},
    )
    return recogniser


@transaction.atomic
def exclusion_add(
    *,
    actor: Actor,
    reason: str,
    provider: Provider | None = None,
    training: Training | None = None,
    starts_on: dt.date | None = None,
) -> Exclusion:
    """Exclude a provider or one training from STAP, from ``starts_on`` (default: today)."""
    if (provider is None) == (training is None):
        raise TypeError("exclude either a provider or a training")
    if not reason.strip():
        raise RegisterRuleBroken(
            _("Schrijf de reden van de uitsluiting op; de aanbieder krijgt die te lezen.")
        )
    target_provider = provider or (training.provider if training else None)
    assert target_provider is not None
    open_exclusion = Exclusion.objects.filter(
        provider=provider, training=training, lifted_at__isnull=True
    )
    if open_exclusion.exists():
        raise RegisterRuleBroken(
            _("Deze uitsluiting geldt al. Hef haar eerst op om haar te wijzigen.")
        )
    exclusion = Exclusion(
        provider=provider,
        training=training,
        reason=reason.strip(),
        starts_on=starts_on or clock.today(),
        excluded_at=clock.now(),
        excluded_by=actor.identifier,
    )
    exclusion.full_clean()
    exclusion.save()
    audit_record(
        actor=actor,
        action="register.excluded",
        target=exclusion,
        after={
            "provider": provider.code if provider else None,
            "training": training.code if training else None,
            "reason": exclusion.reason,
            "starts_on": exclusion.starts_on.isoformat(),
        },
        organisation_kvk=_kvk(target_provider),
    )
    return exclusion


@transaction.atomic
def exclusion_lift(*, actor: Actor, exclusion: Exclusion, reason: str) -> Exclusion:
    exclusion = Exclusion.objects.select_for_update().get(pk=exclusion.pk)
    if exclusion.lifted_at is not None:
        raise RegisterRuleBroken(_("Deze uitsluiting is al opgeheven."))
    if not reason.strip():
        raise RegisterRuleBroken(_("Schrijf op waarom de uitsluiting wordt opgeheven."))
    exclusion.lifted_at = clock.now()
    exclusion.lifted_by = actor.identifier
    exclusion.lift_reason = reason.strip()
    exclusion.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    provider = exclusion.provider or (exclusion.training.provider if exclusion.training else None)
    assert provider is not None
    audit_record(
        actor=actor,
        action="register.exclusion_lifted",
        target=exclusion,
        after={"reason": exclusion.lift_reason},
        organisation_kvk=_kvk(provider),
    )
    return exclusion
