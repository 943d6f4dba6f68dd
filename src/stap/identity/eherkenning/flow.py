"""Starting and completing an eHerkenning sign-in: every check, in order, in one place.

``start`` makes the signed AuthnRequest and binds its id to the browser session. ``complete``
resolves the artifact and accepts the assertion only when all of these hold (matrix rows in
docs/eherkenning.md): a well-formed artifact of our broker, used once (S28, S18); a signed
ArtifactResponse and a valid Response (library + our checks, S1-S16, S19-S22); the AuthnRequest
started in this browser session and answered once (S17, S18); response and assertion ids never
seen before (S18); the ServiceID/ServiceUUID of the service that started it (S25); level at least
the service's minimum (S24); a KvK number of 8 digits (S26).
"""

import base64
import binascii
import hashlib
import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest

from onelogin.saml2.errors import OneLogin_Saml2_ValidationError
from onelogin.saml2.response import OneLogin_Saml2_Response

from stap.identity.eherkenning import back_channel
from stap.identity.eherkenning.assertion import (
    AssertedIdentity,
    AssertionRejected,
    IdentityMissing,
    asserted_identity,
)
from stap.identity.eherkenning.client import BackChannelError, EHerkenningClient
from stap.identity.eherkenning.config import (
    LEVEL_ORDER,
    IdentityProviderConfig,
    ServiceConfig,
    SPConfig,
    sp_config,
)
from stap.identity.eherkenning.refusals import Reason, SignInRefused
from stap.identity.signin import EHerkenningIdentity

logger = logging.getLogger(__name__)

PENDING_SESSION_KEY = "stap.eherkenning.pending"
MAX_PENDING = 5
MAX_ARTIFACT_LENGTH = 100
ARTIFACT_TYPE_CODE = b"\x00\x04"
_V = OneLogin_Saml2_ValidationError


@dataclass(frozen=True, kw_only=True)
class AuthnRequestForm:
    """What the browser posts to the broker."""

    url: str
    fields: dict[str, str]


@dataclass(frozen=True, kw_only=True)
class Completed:
    service: ServiceConfig
    identity: EHerkenningIdentity
    # The token user who started this sign-in to link their account (kept server-side).
    link_token_user_id: int | None


def start(
    request: HttpRequest, *, service: str, link_token_user_id: int | None = None
) -> AuthnRequestForm:
    config = sp_config()
    if service not in config.services:
        raise SignInRefused(Reason.UNKNOWN_SERVICE, f"no service {service!r}")
    url, fields, request_id = EHerkenningClient(config).create_authn_request(
        request, service=service
    )
    pending = dict(request.session.get(PENDING_SESSION_KEY, {}))
    pending[request_id] = {"service": service, "link": link_token_user_id}
    request.session[PENDING_SESSION_KEY] = dict(list(pending.items())[-MAX_PENDING:])
    return AuthnRequestForm(url=url, fields=fields)


def pending_services(request: HttpRequest) -> list[str]:
    """The services of the sign-ins started in this session, oldest first."""
    return [entry["service"] for entry in request.session.get(PENDING_SESSION_KEY, {}).values()]


def complete(request: HttpRequest, saml_art: str) -> Completed:
    """Resolve ``saml_art`` and return the service and who signed in, or raise SignInRefused."""
    config = sp_config()
    _check_artifact(saml_art, config.idp)
    if not _first_use("artifact", saml_art, config):
        raise SignInRefused(Reason.REPLAY, "artifact used before")
    response = _resolve(request, saml_art, config)
    service, link_token_user_id = _consume_pending(request, response, config)
    try:
        identity = _accepted_identity(response, service, config)
    except SignInRefused as refusal:
        refusal.service = service.key
        raise
    return Completed(service=service, identity=identity, link_token_user_id=link_token_user_id)


def _accepted_identity(
    response: OneLogin_Saml2_Response, service: ServiceConfig, config: SPConfig
) -> EHerkenningIdentity:
    if not _first_use("response", response.get_id(), config):
        raise SignInRefused(Reason.REPLAY, "Response ID used before")
    if not _first_use("assertion", response.get_assertion_id(), config):
        raise SignInRefused(Reason.REPLAY, "Assertion ID used before")

    try:
        asserted = asserted_identity(response)
    except IdentityMissing as error:
        raise SignInRefused(Reason.KVK_MISSING, str(error)) from error
    except AssertionRejected as error:
        raise SignInRefused(Reason.INVALID_RESPONSE, str(error)) from error
    _check_service(asserted, service)
    _check_level(asserted, service)
    return EHerkenningIdentity(
        service=service.key,
        kvk_number=asserted.kvk_number,
        pseudonym=asserted.pseudonym,
        level=asserted.level,
        company_name=asserted.company_name,
        vestigingsnummer=asserted.vestigingsnummer,
    )


def _check_artifact(saml_art: str, idp: IdentityProviderConfig) -> None:
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


def _first_use(kind: str, value: str | None, config: SPConfig) -> bool:
    """Record ``value`` as used in the shared cache; False when it was used before."""
    if not value:
        return False
    digest = hashlib.sha256(value.encode()).hexdigest()
    return bool(cache.add(f"eherkenning_used_{kind}_{digest}", True, config.used_id_ttl))


def _resolve(request: HttpRequest, saml_art: str, config: SPConfig) -> OneLogin_Saml2_Response:
    client = EHerkenningClient(config, transport=back_channel.current_transport())
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
        logger.exception("eHerkenning response could not be processed")
        raise SignInRefused(Reason.INVALID_RESPONSE, repr(error)) from error


def _consume_pending(
    request: HttpRequest, response: OneLogin_Saml2_Response, config: SPConfig
) -> tuple[ServiceConfig, int | None]:
    """The AuthnRequest must have been started in this session and is answered only once."""
    in_response_to = response.get_in_response_to() or ""
    pending = dict(request.session.get(PENDING_SESSION_KEY, {}))
    entry = pending.pop(in_response_to, None) or {}
    service_key = entry.get("service")
    request.session[PENDING_SESSION_KEY] = pending
    if service_key not in config.services:
        raise SignInRefused(Reason.SESSION_MISMATCH, "InResponseTo not started in this session")
    client = EHerkenningClient(config)
    if not client.consume_authn_request(in_response_to):
        raise SignInRefused(Reason.REPLAY, "AuthnRequest answered before")
    link = entry.get("link")
    return config.services[service_key], link if isinstance(link, int) else None


def _check_service(asserted: AssertedIdentity, service: ServiceConfig) -> None:
    if asserted.service_id != service.service_id or (
        asserted.service_uuid and asserted.service_uuid != service.service_uuid
    ):
        raise SignInRefused(
            Reason.WRONG_SERVICE,
            f"ServiceID {asserted.service_id!r} / ServiceUUID {asserted.service_uuid!r}",
            level=asserted.level,
            kvk_number=asserted.kvk_number,
            pseudonym=asserted.pseudonym,
        )


def _check_level(asserted: AssertedIdentity, service: ServiceConfig) -> None:
    if not asserted.level or LEVEL_ORDER.index(asserted.level) < LEVEL_ORDER.index(
        service.minimum_level
    ):
        raise SignInRefused(
            Reason.LEVEL_TOO_LOW,
            f"level {asserted.level or 'unknown'} below {service.minimum_level}",
            level=asserted.level,
            kvk_number=asserted.kvk_number,
            pseudonym=asserted.pseudonym,
        )
