"""Who is signed in to Mijn DUO zakelijk, and the funnels every Mijn DUO view goes through.

Two sign-in means lead here: eHerkenning for the service "Mijn DUO voor zakelijke gebruikers",
and, for organisations DUO has not yet told to switch, the legacy token generator. Views receive
a ``DuoContext`` and never read the session themselves. Roles are read from the database on every
request, so a withdrawn role stops working at once.
"""

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import login, logout
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from stap.core import clock
from stap.core.audit import Actor
from stap.core.models import ActorKind, Channel
from stap.identity.models import DuoRole, Organisation, User, UserKind
from stap.identity.roles import beheerders_of, roles_of
from stap.identity.services import mijn_duo_user_join
from stap.identity.signin import EHerkenningIdentity, current_identity
from stap.identity.token_accounts import SwitchState, switch_state

SERVICE = "mijn_duo"
GENERATOR_SESSION_KEY = "stap.duo.token"
_BACKEND = "django.contrib.auth.backends.ModelBackend"


@dataclass(frozen=True, kw_only=True)
class DuoContext:
    user: User
    kvk_number: str
    organisation: Organisation | None  # None: an organisation DUO does not know yet
    identity: EHerkenningIdentity | None  # None: signed in with a token generator
    roles: frozenset[DuoRole]
    switch: SwitchState
    signed_in_at: dt.datetime

    @property
    def means(self) -> str:
        return "token" if self.identity is None else "eherkenning"

    @property
    def read_only(self) -> bool:
        return self.identity is not None and self.identity.is_branch_restricted

    @property
    def is_beheerder(self) -> bool:
        return DuoRole.BEHEERDER in self.roles

    @property
    def can_register(self) -> bool:
        """May change the STAP-scholingsregister."""
        return bool(self.roles & {DuoRole.REGISTREREN, DuoRole.BEHEERDER})

    @property
    def actor(self) -> Actor:
        if self.identity is not None:
            return self.identity.actor(Channel.PORTAL)
        return Actor(
            kind=ActorKind.PERSON,
            identifier=f"token:{self.user.username}",
            organisation_kvk=self.kvk_number,
            channel=Channel.PORTAL,
        )


def token_sign_in_session(request: HttpRequest, user: User) -> None:
    login(request, user, backend=_BACKEND)  # rotates the session key
    request.session[GENERATOR_SESSION_KEY] = {"signed_in_at": clock.now().isoformat()}


def duo_context(request: HttpRequest) -> DuoContext | None:
    user = request.user
    if not isinstance(user, User) or not user.is_active:
        return None
    if user.kind == UserKind.TOKEN:
        data = request.session.get(GENERATOR_SESSION_KEY)
        organisation = user.organisation
        if not isinstance(data, dict) or organisation is None:
            return None
        state = switch_state(organisation)
        if state == SwitchState.SWITCHED:
            logout(request)  # the switch date passed while signed in
            return None
        return DuoContext(
            user=user,
            kvk_number=organisation.kvk_number,
            organisation=organisation,
            identity=None,
            roles=roles_of(user=user, organisation=organisation),
            switch=state,
            signed_in_at=dt.datetime.fromisoformat(data["signed_in_at"]),
        )
    signed_in = current_identity(request, service=SERVICE)
    if signed_in is None:
        return None
    identity, signed_in_at = signed_in
    organisation = Organisation.objects.filter(kvk_number=identity.kvk_number).first()
    if organisation is not None and user.organisation_id is None:
        mijn_duo_user_join(actor=identity.actor(), user=user, organisation=organisation)
    return DuoContext(
        user=user,
        kvk_number=identity.kvk_number,
        organisation=organisation,
        identity=identity,
        roles=roles_of(user=user, organisation=organisation) if organisation else frozenset(),
        switch=SwitchState.NONE,
        signed_in_at=signed_in_at,
    )


DuoView = Callable[..., HttpResponseBase]


def duo_required(view: DuoView) -> DuoView:
    """Deny by default: only someone signed in to Mijn DUO zakelijk gets past."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        duo = duo_context(request)
        if duo is None:
            return redirect("duo:start")
        return view(request, duo, *args, **kwargs)

    return wrapper


def duo_role_required(*roles: DuoRole) -> Callable[[DuoView], DuoView]:
    """Only for people with one of ``roles``; everyone else is told what to request, and how."""

    def decorator(view: DuoView) -> DuoView:
        @functools.wraps(view)
        @duo_required
        def wrapper(request: HttpRequest, duo: DuoContext, *args: Any, **kwargs: Any) -> Any:
            if duo.organisation is None or not duo.roles.intersection(roles):
                context: dict[str, Any] = {
                    "duo": duo,
                    "needed": [role.label for role in roles],
                    "beheerders": beheerders_of(organisation=duo.organisation)
                    if duo.organisation
                    else [],
                }
                return render(request, "duo/role_missing.html", context, status=403)
            return view(request, duo, *args, **kwargs)

        return wrapper

    return decorator
