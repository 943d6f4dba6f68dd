"""Write use cases for organisations and people."""

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from django_otp.plugins.otp_totp.models import TOTPDevice

from stap.core import clock
from stap.core.audit import Actor, audit_record
from stap.identity.models import Organisation, StaffRole, User, UserKind


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
