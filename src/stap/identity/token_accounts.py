"""Legacy Mijn DUO accounts with a token generator, DUO's switch notice, and linking to eHerkenning.

Token sign-in keeps working for an organisation until the switch date in DUO's notice. Linking
moves a token user's roles to their eHerkenning identity and retires the token for good.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from stap.core import clock
from stap.core.audit import Actor, audit_record
from stap.core.errors import DomainError
from stap.core.models import ActorKind, Channel
from stap.core.notifications import email_enqueue
from stap.identity import throttle, token_generator
from stap.identity.models import Organisation, SwitchNotice, TokenGenerator, User, UserKind
from stap.identity.roles import roles_move
from stap.identity.signin import EHerkenningIdentity

MIJN_DUO = "mijn_duo"


class TokenRuleBroken(DomainError):
    code = "duo_token_rule_broken"


class Refusal(StrEnum):
    """Why a token sign-in is refused; stable codes for the audit trail."""

    LOCKED = "locked"
    INVALID = "invalid_login"
    REUSED_CODE = "reused_code"
    NOT_ENROLLED = "not_enrolled"
    ALREADY_ENROLLED = "already_enrolled"
    RETIRED = "linked_to_eherkenning"
    SWITCHED = "switched_to_eherkenning"


class TokenSignInRefused(Exception):
    def __init__(self, reason: Refusal, *, switch_date: dt.date | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.switch_date = switch_date


class SwitchState(StrEnum):
    NONE = "none"  # no notice: token sign-in works
    NOTIFIED = "notified"  # notice sent, switch date not reached: works, with the notice shown
    SWITCHED = "switched"  # switch date reached: only eHerkenning


def switch_state(organisation: Organisation, *, today: dt.date | None = None) -> SwitchState:
    notice = SwitchNotice.objects.filter(organisation=organisation).first()
    if notice is None:
        return SwitchState.NONE
    if (today or clock.today()) >= notice.switch_date:
        return SwitchState.SWITCHED
    return SwitchState.NOTIFIED


def token_actor(username: str) -> Actor:
    return Actor(
        kind=ActorKind.PERSON, identifier=f"token:{username[:150]}", channel=Channel.SIGN_IN
    )


@transaction.atomic
def token_account_create(
    *,
    actor: Actor,
    organisation: Organisation,
    username: str,
    password: str,
    display_name: str,
    email: str,
    secret: str | None = None,
) -> User:
    """A token user for an organisation that already used token generators.

    With ``secret`` the generator is ready (an existing token, as DUO handed them out); without,
    the person sets it up at the first sign-in with the QR code.
    """
    if not organisation.mijn_duo_token_access:
        raise TokenRuleBroken(
            _(
                "Nieuwe organisaties loggen alleen in met eHerkenning; een tokengenerator is "
                "niet meer mogelijk."
            )
        )
    if switch_state(organisation) != SwitchState.NONE:
        raise TokenRuleBroken(
            _("Deze organisatie stapt over op eHerkenning; er komen geen tokengebruikers bij.")
        )
    user = User(
        username=username,
        kind=UserKind.TOKEN,
        organisation=organisation,
        display_name=display_name,
        email=email,
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    now = clock.now()
    TokenGenerator.objects.create(
        user=user,
        secret=secret or token_generator.new_secret(),
        created_at=now,
        confirmed_at=now if secret else None,
    )
    audit_record(
        actor=actor,
        action="identity.token_account_created",
        target=user,
        after={"username": username, "enrolled": bool(secret)},
        organisation_kvk=organisation.kvk_number,
    )
    return user


@dataclass(frozen=True)
class _Checked:
    user: User
    generator: TokenGenerator | None


def _check_password(username: str, password: str) -> _Checked:
    """The token user with this username and password, or INVALID; as slow either way."""
    if throttle.is_locked(f"token:{username}"):
        raise TokenSignInRefused(Refusal.LOCKED)
    user = (
        User.objects.select_related("organisation")
        .filter(username=username, kind=UserKind.TOKEN)
        .first()
    )
    if user is None:
        User().set_password(password)  # spend the hashing time of a real check
        raise TokenSignInRefused(Refusal.INVALID)
    if not user.check_password(password):
        raise TokenSignInRefused(Refusal.INVALID)
    if user.linked_to_id is not None or not user.is_active:
        raise TokenSignInRefused(Refusal.RETIRED)
    assert user.organisation is not None
    if switch_state(user.organisation) == SwitchState.SWITCHED:
        raise TokenSignInRefused(
            Refusal.SWITCHED, switch_date=user.organisation.switch_notice.switch_date
        )
    generator = TokenGenerator.objects.select_for_update().filter(user=user).first()
    return _Checked(user=user, generator=generator)


def _accept_code(generator: TokenGenerator, code: str) -> None:
    step = token_generator.matching_step(generator.secret, code)
    if step is None:
        raise TokenSignInRefused(Refusal.INVALID)
    if step <= generator.last_used_step:
        raise TokenSignInRefused(Refusal.REUSED_CODE)
    generator.last_used_step = step
    generator.save(update_fields=["last_used_step"])


def _attempt(username: str, action: str, check: Callable[[], User]) -> User:
    """Run ``check`` in a transaction; audit the outcome in another that always commits."""
    try:
        with transaction.atomic():
            user = check()
            audit_record(
                actor=token_actor(username),
                action=action,
                target=user,
                organisation_kvk=user.organisation.kvk_number if user.organisation else "",
            )
    except TokenSignInRefused as refusal:
        if refusal.reason in (Refusal.INVALID, Refusal.REUSED_CODE):
            throttle.record_failure(f"token:{username}")
        with transaction.atomic():
            audit_record(
                actor=token_actor(username),
                action=f"{action}_refused",
                after={"reason": str(refusal.reason)},
            )
        raise
    throttle.clear(f"token:{username}")
    return user


def token_sign_in(*, username: str, password: str, code: str) -> User:
    """Check username, password and a fresh code; raise TokenSignInRefused with the reason."""

    def check() -> User:
        checked = _check_password(username, password)
        if checked.generator is None or checked.generator.confirmed_at is None:
            raise TokenSignInRefused(Refusal.NOT_ENROLLED)
        _accept_code(checked.generator, code)
        return checked.user

    return _attempt(username, "identity.token_signed_in", check)


def token_enrolment_start(*, username: str, password: str) -> User:
    """Username and password of an account whose token generator is not set up yet."""

    def check() -> User:
        checked = _check_password(username, password)
        if checked.generator is not None and checked.generator.confirmed_at is not None:
            raise TokenSignInRefused(Refusal.ALREADY_ENROLLED)
        if checked.generator is None:
            TokenGenerator.objects.create(
                user=checked.user, secret=token_generator.new_secret(), created_at=clock.now()
            )
        return checked.user

    return _attempt(username, "identity.token_enrolment_started", check)


def token_enrolment_confirm(*, user: User, code: str) -> User:
    """The first code from the newly set-up generator confirms it and signs the person in."""

    def check() -> User:
        generator = TokenGenerator.objects.select_for_update().get(user=user)
        if generator.confirmed_at is not None:
            raise TokenSignInRefused(Refusal.ALREADY_ENROLLED)
        _accept_code(generator, code)
        generator.confirmed_at = clock.now()
        generator.save(update_fields=["confirmed_at"])
        return user

    return _attempt(user.username, "identity.token_enrolled", check)


@transaction.atomic
def switch_notice_send(
    *, actor: Actor, organisation: Organisation, switch_date: dt.date
) -> SwitchNotice:
    """DUO tells an organisation to switch to eHerkenning by ``switch_date``; its token users are
    e-mailed the steps."""
    if not organisation.mijn_duo_token_access:
        raise TokenRuleBroken(_("Deze organisatie gebruikt geen tokengenerators."))
    if switch_date <= clock.today():
        raise TokenRuleBroken(
            _(
                "Kies een overstapdatum in de toekomst, zodat gebruikers tijd hebben om over te "
                "stappen."
            )
        )
    if SwitchNotice.objects.filter(organisation=organisation).exists():
        raise TokenRuleBroken(_("Deze organisatie heeft het overstapbericht al gekregen."))
    notice = SwitchNotice.objects.create(
        organisation=organisation,
        switch_date=switch_date,
        sent_at=clock.now(),
        sent_by=actor.identifier,
    )
    audit_record(
        actor=actor,
        action="identity.switch_notice_sent",
        target=notice,
        after={"switch_date": switch_date.isoformat()},
        organisation_kvk=organisation.kvk_number,
    )
    recipients = sorted(
        set(
            User.objects.filter(organisation=organisation, kind=UserKind.TOKEN, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )
    if recipients:
        email_enqueue(
            to=recipients,
            subject="Mijn DUO zakelijk: stap over op eHerkenning",
            body=switch_notice_text(organisation=organisation, switch_date=switch_date),
        )
    return notice


def switch_notice_text(*, organisation: Organisation, switch_date: dt.date) -> str:
    return (
        f"Beste gebruiker van Mijn DUO zakelijk bij {organisation.name},\n\n"
        f"Vanaf {switch_date:%d-%m-%Y} kunt u niet meer inloggen met uw tokengenerator. "
        "Stap vóór die datum over op eHerkenning:\n\n"
        "1. Stel een coördinator aan die de overstap naar eHerkenning coördineert.\n"
        "2. Zoek uit of eHerkenning binnen uw organisatie al wordt gebruikt en of er al een "
        "machtigingenbeheerder voor eHerkenning is.\n"
        "3. De machtigingenbeheerder vraagt bij de leverancier een machtiging voor de dienst "
        "‘Mijn DUO voor zakelijke gebruikers’ aan, op betrouwbaarheidsniveau EH3 (substantieel) "
        "of hoger.\n"
        "4. Vraag de rollen aan met het formulier ‘Toegang Mijn DUO’.\n\n"
        "Log daarna één keer in met uw tokengenerator en kies ‘Koppelen aan eHerkenning’: uw "
        "rollen gaan dan mee naar uw eHerkenning.\n\n"
        "DUO"
    )


@transaction.atomic
def token_account_link(
    *, token_user: User, eherkenning_user: User, identity: EHerkenningIdentity
) -> list[str]:
    """Move the roles of ``token_user`` to the eHerkenning identity and retire the token."""
    token_user = (
        User.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=token_user.pk)
    )
    organisation = token_user.organisation
    if token_user.kind != UserKind.TOKEN or not token_user.is_active or organisation is None:
        raise TokenRuleBroken(_("Dit tokenaccount is al gekoppeld of bestaat niet meer."))
    if identity.service != MIJN_DUO or eherkenning_user.kind != UserKind.EHERKENNING:
        raise TokenRuleBroken(_("Koppelen kan alleen met eHerkenning voor Mijn DUO."))
    if identity.kvk_number != organisation.kvk_number:
        raise TokenRuleBroken(
            _(
                "U logde in met eHerkenning voor KvK-nummer %(asserted)s, maar uw tokenaccount "
                "hoort bij KvK-nummer %(expected)s. Log in met eHerkenning voor %(name)s."
            )
            % {
                "asserted": identity.kvk_number,
                "expected": organisation.kvk_number,
                "name": organisation.name,
            }
        )
    actor = identity.actor(Channel.PORTAL)
    eherkenning_user = User.objects.select_for_update().get(pk=eherkenning_user.pk)
    eherkenning_user.organisation = organisation
    eherkenning_user.display_name = eherkenning_user.display_name or token_user.display_name
    eherkenning_user.email = eherkenning_user.email or token_user.email
    eherkenning_user.save(update_fields=["organisation", "display_name", "email"])
    moved = roles_move(
        actor=actor, source=token_user, target=eherkenning_user, organisation=organisation
    )
    TokenGenerator.objects.filter(user=token_user).delete()
    token_user.is_active = False
    token_user.linked_to = eherkenning_user
    token_user.linked_at = clock.now()
    token_user.set_unusable_password()
    token_user.save(update_fields=["is_active", "linked_to", "linked_at", "password"])
    audit_record(
        actor=actor,
        action="identity.token_account_linked",
        target=token_user,
        after={"eherkenning_user": eherkenning_user.username, "roles": moved},
        organisation_kvk=organisation.kvk_number,
    )
    return moved
