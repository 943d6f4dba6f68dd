"""What a sign-in leaves in the session, and the funnels every signed-in view goes through.

The sign-in modules (SAML) produce an ``EHerkenningIdentity`` or a ``DigiDIdentity``;
``eherkenning_sign_in`` and ``digid_sign_in`` store them. Views then receive a ``ProviderContext``
from ``provider_required`` or a ``CitizenContext`` from ``citizen_required`` and never read the
session themselves.

The two are different kinds of sign-in. eHerkenning signs a person in as a Django user (per
pseudonym and KvK). DigiD signs nobody in as a user: the session holds the citizen's BSN and level
and nothing else, so no provider, Mijn DUO or backoffice view (which all require a user) lets a
citizen in, and a DigiD session with a signed-in user is not a citizen's (``current_citizen``).
Signing in with DigiD starts a new session; any later ``login()`` drops the BSN
(``forget_citizen``).
"""

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import login, logout
from django.db import transaction
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse

from stap.core import clock
from stap.core.audit import Actor, audit_record
from stap.core.identifiers import is_bsn, mask_bsn
from stap.core.models import ActorKind, Channel
from stap.identity.models import Organisation, Resident, User, UserKind

SESSION_KEY = "stap.eherkenning"
DIGID_SESSION_KEY = "stap.digid"
DIGID_SERVICE = "mijn_stap_budget"
_BACKEND = "django.contrib.auth.backends.ModelBackend"


@dataclass(frozen=True, kw_only=True)
class EHerkenningIdentity:
    """Who signed in with eHerkenning, for which organisation and service, at which level."""

    service: str
    kvk_number: str
    pseudonym: str
    level: str
    company_name: str = ""
    vestigingsnummer: str = ""

    @property
    def is_branch_restricted(self) -> bool:
        """The authorisation is limited to one branch (vestiging). STAP records are per KvK, so
        such a sign-in may look but not act."""
        return bool(self.vestigingsnummer)

    def actor(self, channel: Channel = Channel.PORTAL) -> Actor:
        return Actor(
            kind=ActorKind.PERSON,
            identifier=self.pseudonym,
            organisation_kvk=self.kvk_number,
            channel=channel,
        )


@dataclass(frozen=True, kw_only=True)
class ProviderContext:
    identity: EHerkenningIdentity
    organisation: Organisation
    signed_in_at: dt.datetime

    @property
    def read_only(self) -> bool:
        return self.identity.is_branch_restricted

    @property
    def actor(self) -> Actor:
        return self.identity.actor()


def eherkenning_sign_in(*, request: HttpRequest, identity: EHerkenningIdentity) -> User:
    """Sign ``identity`` in: a user per pseudonym and KvK, a new session, an audit entry."""
    with transaction.atomic():
        user, _created = User.objects.get_or_create(
            username=f"eh:{identity.kvk_number}:{identity.pseudonym}",
            defaults={"kind": UserKind.EHERKENNING},
        )
        if _created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        if user.organisation_id is None:
            user.organisation = Organisation.objects.filter(kvk_number=identity.kvk_number).first()
            if user.organisation is not None:
                user.save(update_fields=["organisation"])
        audit_record(
            actor=identity.actor(Channel.SIGN_IN),
            action="identity.signed_in",
            target=user,
            after={
                "service": identity.service,
                "level": identity.level,
                "vestigingsnummer": identity.vestigingsnummer,
            },
        )
    login(request, user, backend=_BACKEND)  # rotates the session key
    request.session[SESSION_KEY] = asdict(identity) | {"signed_in_at": clock.now().isoformat()}
    return user


def eherkenning_sign_out(*, request: HttpRequest) -> None:
    logout(request)  # flushes the whole session


def current_identity(
    request: HttpRequest, *, service: str
) -> tuple[EHerkenningIdentity, dt.datetime] | None:
    data = request.session.get(SESSION_KEY)
    if not request.user.is_authenticated or not isinstance(data, dict):
        return None
    fields = dict(data)
    signed_in_at = dt.datetime.fromisoformat(fields.pop("signed_in_at"))
    identity = EHerkenningIdentity(**fields)
    if identity.service != service:
        return None
    return identity, signed_in_at


ProviderView = Callable[..., HttpResponseBase]


def provider_required(
    *, service: str, start_url_name: str, unknown_template: str
) -> Callable[[ProviderView], Callable[..., HttpResponseBase]]:
    """Deny by default: a view runs only for someone signed in to ``service`` whose KvK we know."""

    def decorator(view: ProviderView) -> Callable[..., HttpResponseBase]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            signed_in = current_identity(request, service=service)
            if signed_in is None:
                return redirect(reverse(start_url_name))
            identity, signed_in_at = signed_in
            organisation = Organisation.objects.filter(kvk_number=identity.kvk_number).first()
            if organisation is None:
                context: dict[str, Any] = {"identity": identity}
                return render(request, unknown_template, context, status=403)
            provider = ProviderContext(
                identity=identity, organisation=organisation, signed_in_at=signed_in_at
            )
            return view(request, provider, *args, **kwargs)

        return wrapper

    return decorator


# ------------------------------------------------------------------------------------------ DigiD
@dataclass(frozen=True, kw_only=True)
class DigiDIdentity:
    """A citizen signed in with DigiD: the BSN (never shown, logged or audited) and the level."""

    bsn: str = field(repr=False)
    level: str

    @property
    def masked_bsn(self) -> str:
        return mask_bsn(self.bsn)

    def actor(self, channel: Channel = Channel.PORTAL) -> Actor:
        return Actor(kind=ActorKind.CITIZEN, identifier=self.masked_bsn, channel=channel)


@dataclass(frozen=True, kw_only=True)
class CitizenContext:
    identity: DigiDIdentity
    resident: Resident | None  # the population register's record (BRP), None when it has none
    signed_in_at: dt.datetime
    session_seconds: int

    @property
    def masked_bsn(self) -> str:
        return self.identity.masked_bsn

    @property
    def actor(self) -> Actor:
        return self.identity.actor()


def digid_session_age() -> int:
    """Seconds without activity after which a DigiD session ends: at most 15 minutes."""
    return min(int(settings.STAP_DIGID_SESSION_AGE), int(settings.SESSION_COOKIE_AGE))


def digid_sign_in(*, request: HttpRequest, identity: DigiDIdentity) -> None:
    """A new session holding only the citizen's BSN and level, idle for at most 15 minutes."""
    if request.user.is_authenticated:
        logout(request)  # flushes the session: it was someone else's kind of sign-in
    else:
        request.session.flush()  # a new session key (S31), nothing carried over
    with transaction.atomic():
        audit_record(
            actor=identity.actor(Channel.SIGN_IN),
            action="identity.signed_in",
            after={"service": DIGID_SERVICE, "level": identity.level},
        )
    request.session[DIGID_SESSION_KEY] = {
        "bsn": identity.bsn,
        "level": identity.level,
        "signed_in_at": clock.now().isoformat(),
    }
    # An idle timeout (renewed by every request, SESSION_SAVE_EVERY_REQUEST), not an absolute one.
    request.session.set_expiry(digid_session_age())


def digid_sign_out(*, request: HttpRequest) -> None:
    request.session.flush()


def forget_citizen(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """``user_logged_in`` receiver: a user's sign-in ends any DigiD sign-in in that session."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(DIGID_SESSION_KEY, None)


def current_citizen(request: HttpRequest) -> tuple[DigiDIdentity, dt.datetime] | None:
    data = request.session.get(DIGID_SESSION_KEY)
    if request.user.is_authenticated or not isinstance(data, dict):
        return None
    bsn, level = data.get("bsn"), data.get("level")
    if not isinstance(bsn, str) or not is_bsn(bsn) or not isinstance(level, str):
        return None
    try:
        signed_in_at = dt.datetime.fromisoformat(str(data.get("signed_in_at")))
    except ValueError:
        return None
    return DigiDIdentity(bsn=bsn, level=level), signed_in_at


def citizen_required(
    *, start_url_name: str
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Deny by default: a view runs only for a citizen signed in with DigiD (else the start page).

    The view gets a ``CitizenContext`` with the citizen's record in the population register."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            signed_in = current_citizen(request)
            if signed_in is None:
                return redirect(reverse(start_url_name))
            identity, signed_in_at = signed_in
            citizen = CitizenContext(
                identity=identity,
                resident=Resident.objects.filter(bsn=identity.bsn).first(),
                signed_in_at=signed_in_at,
                session_seconds=request.session.get_expiry_age(),
            )
            return view(request, citizen, *args, **kwargs)

        return wrapper

    return decorator
