"""Starting and completing an eHerkenning sign-in: every check, in order, in one place.

``start`` makes the signed AuthnRequest and binds its id to the browser session. ``complete``
resolves the artifact and accepts the assertion only when all of these hold (matrix rows in
docs/eherkenning.md): a well-formed artifact of our broker, used once (S28, S18); a signed
ArtifactResponse and a valid Response (library + our checks, S1-S16, S19-S22); the AuthnRequest
started in this browser session and answered once (S17, S18); response and assertion ids never
seen before (S18); the ServiceID/ServiceUUID of the service that started it (S25); level at least
the service's minimum (S24); a KvK number of 8 digits (S26). The steps that DigiD shares are in
``steps``.
"""

from dataclasses import dataclass

from django.http import HttpRequest

from onelogin.saml2.response import OneLogin_Saml2_Response

from stap.identity.eherkenning import back_channel, steps
from stap.identity.eherkenning.assertion import (
    AssertedIdentity,
    AssertionRejected,
    IdentityMissing,
    asserted_identity,
)
from stap.identity.eherkenning.client import EHerkenningClient
from stap.identity.eherkenning.config import LEVEL_ORDER, ServiceConfig, SPConfig, sp_config
from stap.identity.eherkenning.refusals import Reason, SignInRefused
from stap.identity.eherkenning.steps import AuthnRequestForm
from stap.identity.signin import EHerkenningIdentity

PENDING_SESSION_KEY = "stap.eherkenning.pending"


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
    steps.remember_pending(
        request, PENDING_SESSION_KEY, request_id, {"service": service, "link": link_token_user_id}
    )
    return AuthnRequestForm(url=url, fields=fields)


def pending_services(request: HttpRequest) -> list[str]:
    """The services of the sign-ins started in this session, oldest first."""
    return [entry["service"] for entry in steps.pending_entries(request, PENDING_SESSION_KEY)]


def complete(request: HttpRequest, saml_art: str) -> Completed:
    """Resolve ``saml_art`` and return the service and who signed in, or raise SignInRefused."""
    config = sp_config()
    client = EHerkenningClient(config, transport=back_channel.current_transport())
    response, entry = steps.answered_request(
        request,
        saml_art,
        client=client,
        session_key=PENDING_SESSION_KEY,
        acceptable=lambda entry: entry.get("service") in config.services,
    )
    service, link = config.services[entry["service"]], entry.get("link")
    link_token_user_id = link if isinstance(link, int) else None
    try:
        identity = _accepted_identity(response, service, config)
    except SignInRefused as refusal:
        refusal.service = service.key
        raise
    return Completed(service=service, identity=identity, link_token_user_id=link_token_user_id)


def _accepted_identity(
    response: OneLogin_Saml2_Response, service: ServiceConfig, config: SPConfig
) -> EHerkenningIdentity:
    steps.check_ids_unused(response, config)
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
    if not steps.level_at_least(asserted.level, service.minimum_level, LEVEL_ORDER):
        raise SignInRefused(
            Reason.LEVEL_TOO_LOW,
            f"level {asserted.level or 'unknown'} below {service.minimum_level}",
            level=asserted.level,
            kvk_number=asserted.kvk_number,
            pseudonym=asserted.pseudonym,
        )
