"""The steps of an artifact-binding sign-in that eHerkenning and DigiD share (docs/adr/0013).

Each sign-in module (``flow`` here, ``stap.identity.digid.flow``) strings these together with its
own checks of who signed in:

* ``remember_pending``: the AuthnRequest id, bound to this browser session (at most a few);
* ``answered_request``: the artifact's format before any network call (S28); the artifact used
  once (S18); the back channel and every signature and message check, each failure a refusal; the
  AuthnRequest started in this session and answered once (S17, S18);
* ``check_ids_unused``: Response ID and Assertion ID never seen before (S18);
* ``level_at_least``: the level in the assertion against the service's minimum (S24).

Used ids are recorded in the shared cache (``cache.add``), so that every process sees them.
"""

import base64
import binascii
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest

from onelogin.saml2.errors import OneLogin_Saml2_ValidationError
from onelogin.saml2.response import OneLogin_Saml2_Response

from stap.identity.eherkenning.assertion import AssertionRejected
from stap.identity.eherkenning.client import BackChannelError, HardenedSaml2Client
from stap.identity.eherkenning.config import IdentityProviderConfig, SamlSPConfig
from stap.identity.eherkenning.refusals import Reason, SignInRefused

logger = logging.getLogger(__name__)

MAX_PENDING = 5
MAX_ARTIFACT_LENGTH = 100
ARTIFACT_TYPE_CODE = b"\x00\x04"
_V = OneLogin_Saml2_ValidationError


@dataclass(frozen=True, kw_only=True)
class AuthnRequestForm:
    """What the browser posts to the broker."""

    url: str
    fields: dict[str, str]


def remember_pending(
    request: HttpRequest, session_key: str, request_id: str, entry: dict[str, Any]
) -> None:
    """Bind a sent AuthnRequest to this browser session; only the latest few are kept."""
    pending = dict(request.session.get(session_key, {}))
    pending[request_id] = entry
    request.session[session_key] = dict(list(pending.items())[-MAX_PENDING:])


def pending_entries(request: HttpRequest, session_key: str) -> list[dict[str, Any]]:
    """The entries of the sign-ins started in this session, oldest first."""
    return list(request.session.get(session_key, {}).values())


def check_artifact(saml_art: str, idp: IdentityProviderConfig) -> None:
    """SAMLBind 3.6.4: type 0x0004, our broker's endpoint index and SourceID (S28)."""
    if not saml_art or len(saml_art) > MAX_ARTIFACT_LENGTH:
        raise SignInRefused(Reason.INVALID_ARTIFACT, "artifact missing or too long")
    try:
        raw = base64.b64decode(saml_art, validate=True)
    except (binascii.Error, ValueError) as error:
        raise SignInRefused(Reason.INVALID_ARTIFACT, "artifact is not base64") from error
    source_id = hashlib.sha1(idp.entity_id.encode(), usedforsecurity=False).digest()
    if (
        len(raw) != 44
        or raw[:2] != ARTIFACT_TYPE_CODE
        or int.from_bytes(raw[2:4], "big") != idp.artifact_resolution_index
        or raw[4:24] != source_id
    ):
        raise SignInRefused(Reason.INVALID_ARTIFACT, "artifact type, index or SourceID wrong")


def first_use(kind: str, value: str | None, config: SamlSPConfig) -> bool:
    """Record ``value`` as used in the shared cache; False when it was used before."""
    if not value:
        return False
    digest = hashlib.sha256(value.encode()).hexdigest()
    return bool(cache.add(f"{config.name}_used_{kind}_{digest}", True, config.used_id_ttl))


def answered_request(
    request: HttpRequest,
    saml_art: str,
    *,
    client: HardenedSaml2Client,
    session_key: str,
    acceptable: Callable[[dict[str, Any]], bool],
) -> tuple[OneLogin_Saml2_Response, dict[str, Any]]:
    """The validated Response behind ``saml_art`` and the pending entry of its AuthnRequest.

    That AuthnRequest must have been started in this session (and its entry be ``acceptable``)
    and is answered only once.
    """
    check_artifact(saml_art, client.config.idp)
    if not first_use("artifact", saml_art, client.config):
        raise SignInRefused(Reason.REPLAY, "artifact used before")
    response = resolve(client, request, saml_art)
    in_response_to = response.get_in_response_to() or ""
    pending = dict(request.session.get(session_key, {}))
    entry = pending.pop(in_response_to, None)
    request.session[session_key] = pending
    if not isinstance(entry, dict) or not acceptable(entry):
        raise SignInRefused(Reason.SESSION_MISMATCH, "InResponseTo not started in this session")
    if not client.consume_authn_request(in_response_to):
        raise SignInRefused(Reason.REPLAY, "AuthnRequest answered before")
    return response, entry


def check_ids_unused(response: OneLogin_Saml2_Response, config: SamlSPConfig) -> None:
    if not first_use("response", response.get_id(), config):
        raise SignInRefused(Reason.REPLAY, "Response ID used before")
    if not first_use("assertion", response.get_assertion_id(), config):
        raise SignInRefused(Reason.REPLAY, "Assertion ID used before")


def resolve(
    client: HardenedSaml2Client, request: HttpRequest, saml_art: str
) -> OneLogin_Saml2_Response:
    """The validated Response behind ``saml_art``; every failure becomes a refusal."""
    try:
        return client.artifact_resolve(request, saml_art)
    except BackChannelError as error:
        raise SignInRefused(Reason.BACK_CHANNEL, str(error)) from error
    except AssertionRejected as error:
        raise SignInRefused(Reason.INVALID_RESPONSE, str(error)) from error
    except _V as error:
        if error.code == _V.STATUS_CODE_AUTHNFAILED:
            raise SignInRefused(Reason.CANCELLED, str(error)) from error
        if error.code == _V.STATUS_CODE_IS_NOT_SUCCESS:
            raise SignInRefused(Reason.BROKER_ERROR, str(error)) from error
        if error.code == _V.WRONG_INRESPONSETO:
            raise SignInRefused(Reason.SESSION_MISMATCH, str(error)) from error
        raise SignInRefused(Reason.INVALID_RESPONSE, str(error)) from error
    except Exception as error:
        # Whatever the toolkit raises on hostile input (XML syntax, xmlsec, decryption):
        # a refusal, never a server error.
        logger.exception("%s response could not be processed", client.config.name)
        raise SignInRefused(Reason.INVALID_RESPONSE, repr(error)) from error


def level_at_least(level: str, minimum: str, order: list[str]) -> bool:
    """``level`` is known and not below ``minimum`` in ``order`` (lowest first)."""
    return level in order and order.index(level) >= order.index(minimum)
