"""Write use cases for organisations and people."""

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from django_otp.plugins.otp_totp.models import TOTPDevice

from stap.core import clock
from stap.core.audit import Actor, audit_record
from stap.identity.models import Organisation, StaffRole, User, UserKind


@transaction.atomic
def organisation_register(*, actor: Actor, kvk_number: str, name: str) -> Organisation:
    """Record an organisation by its KvK number."""
    organisation = Organisation(kvk_number=kvk_number, name=name, created_at=clock.now())
    organisation.full_clean()
    organisation.save()
    audit_record(
        actor=actor,
        action="organisation.registered",
        target=organisation,
        after={"kvk_number": kvk_number, "name": name},
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
