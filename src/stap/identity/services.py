"""Write use cases for organisations and people."""

import datetime as dt

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from django_otp.plugins.otp_totp.models import TOTPDevice

from stap.core import clock
from stap.core.audit import Actor, audit_record
from stap.core.identifiers import mask_bsn
from stap.identity.models import Organisation, Resident, StaffRole, User, UserKind


@transaction.atomic
def organisation_register(
    *, actor: Actor, kvk_number: str, name: str, mijn_duo_token_access: bool = False
) -> Organisation:
    """Record an organisation by its KvK number. Only organisations carried over from before
    eHerkenning became mandatory have ``mijn_duo_token_access``."""
    organisation = Organisation(
        kvk_number=kvk_number,
        name=name,
        created_at=clock.now(),
        mijn_duo_token_access=mijn_duo_token_access,
    )
    organisation.full_clean()
    organisation.save()
    audit_record(
        actor=actor,
        action="organisation.registered",
        target=organisation,
        after={
            "kvk_number": kvk_number,
            "name": name,
            "mijn_duo_token_access": mijn_duo_token_access,
        },
        organisation_kvk=kvk_number,
    )
    return organisation


@transaction.atomic
def staff_user_create(
    *,
    actor: Actor,
    username: str,
    role: StaffRole,
    password: str,
    display_name: str = "",
) -> tuple[User, TOTPDevice]:
    """A UWV or DUO staff account with a password and a confirmed TOTP device (second factor)."""
    user = User(
        username=username,
        kind=UserKind.STAFF,
        staff_role=role,
        display_name=display_name,
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    device = TOTPDevice.objects.create(user=user, name=str(_("Authenticator-app")), confirmed=True)
    audit_record(
        actor=actor,
        action="identity.staff_user_created",
        target=user,
        after={"username": username, "role": role},
    )
    return user, device


@transaction.atomic
def profile_update(*, actor: Actor, user: User, display_name: str, email: str) -> User:
    """The name and e-mail address a person gives so that their beheerder recognises them."""
    before = {"display_name": user.display_name, "email": user.email}
    user.display_name, user.email = display_name, email
    user.full_clean(exclude=["password"])
    user.save(update_fields=["display_name", "email"])
    audit_record(
        actor=actor,
        action="identity.profile_updated",
        target=user,
        before=before,
        after={"display_name": display_name, "email": email},
    )
    return user


@transaction.atomic
def mijn_duo_user_join(*, actor: Actor, user: User, organisation: Organisation) -> None:
    """Someone signed in to Mijn DUO for ``organisation`` for the first time: from now on its
    beheerder sees them and can give them roles."""
    user.organisation = organisation
    user.save(update_fields=["organisation"])
    audit_record(
        actor=actor,
        action="identity.mijn_duo_user_joined",
        target=user,
        organisation_kvk=organisation.kvk_number,
    )


@transaction.atomic
def resident_record(
    *,
    actor: Actor,
    bsn: str,
    first_names: str,
    name_prefix: str = "",
    last_name: str,
    birth_date: dt.date,
    street: str = "",
    house_number: str = "",
    house_number_addition: str = "",
    postcode: str = "",
    city: str = "",
    country: str = "NL",
) -> Resident:
    """Record a person in the stand-in population register, or bring them up to date. The
    audit trail names them by the last three digits of the BSN only."""
    resident = Resident.objects.select_for_update().filter(bsn=bsn).first() or Resident(bsn=bsn)
    created = resident.pk is None
    resident.first_names, resident.name_prefix, resident.last_name = (
        first_names,
        name_prefix,
        last_name,
    )
    resident.birth_date = birth_date
    resident.street, resident.house_number = street, house_number
    resident.house_number_addition, resident.postcode = house_number_addition, postcode
    resident.city, resident.country = city, country
    resident.updated_at = clock.now()
    resident.full_clean()
    resident.save()
    audit_record(
        actor=actor,
        action="identity.resident_created" if created else "identity.resident_updated",
        target=resident,
        after={"bsn": mask_bsn(bsn)},
    )
    return resident
