"""What a sign-in leaves in the session, and the one funnel every provider view goes through.

The sign-in module (SAML) produces an ``EHerkenningIdentity``; ``eherkenning_sign_in`` stores it.
Views then receive a ``ProviderContext`` from ``provider_required`` and never read the session
themselves.
"""

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from django.contrib.auth import login, logout
from django.db import transaction
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse

from stap.core import clock
from stap.core.audit import Actor, audit_record
from stap.core.models import ActorKind, Channel
from stap.identity.models import Organisation, User, UserKind

SESSION_KEY = "stap.eherkenning"
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
