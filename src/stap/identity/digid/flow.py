"""Starting and completing a DigiD sign-in: the eHerkenning steps, then DigiD's own checks.

``start`` makes the signed AuthnRequest (RequestedAuthnContext: Comparison "minimum", Midden) and
binds its id to the browser session. ``complete`` accepts the answer only when all of these hold:
everything ``steps.answered_request`` and ``steps.check_ids_unused`` check for eHerkenning too
(artifact format and one-time use, back channel, signatures, addressing, session binding, one-time
ids: S1-S23, S28, S33); a NameID in the BSN sector whose number passes the 11-proef; a DigiD level
of at least the minimum (S24).
"""

from django.http import HttpRequest

from stap.identity.digid.assertion import asserted_citizen
from stap.identity.digid.client import DigiDSaml2Client
from stap.identity.digid.config import LEVEL_ORDER, digid_config
from stap.identity.eherkenning import back_channel, steps
from stap.identity.eherkenning.refusals import Reason, SignInRefused
from stap.identity.eherkenning.steps import AuthnRequestForm
from stap.identity.signin import DIGID_SERVICE, DigiDIdentity

PENDING_SESSION_KEY = "stap.digid.pending"


def start(request: HttpRequest) -> AuthnRequestForm:
    # DigiDClient.create_config has put our minimum level in RequestedAuthnContext.
    url, fields, request_id = DigiDSaml2Client(digid_config()).post_authn_request(request)
    steps.remember_pending(request, PENDING_SESSION_KEY, request_id, {"service": DIGID_SERVICE})
    return AuthnRequestForm(url=url, fields=fields)


def complete(request: HttpRequest, saml_art: str) -> DigiDIdentity:
    """Resolve ``saml_art`` and return who signed in, or raise SignInRefused."""
    config = digid_config()
    client = DigiDSaml2Client(config, transport=back_channel.current_transport())
    response, _entry = steps.answered_request(
        request,
        saml_art,
        client=client,
        session_key=PENDING_SESSION_KEY,
        acceptable=lambda entry: entry.get("service") == DIGID_SERVICE,
    )
    steps.check_ids_unused(response, config)
    citizen = asserted_citizen(response)
    if not steps.level_at_least(citizen.level, config.minimum_level, LEVEL_ORDER):
        raise SignInRefused(
            Reason.LEVEL_TOO_LOW,
            f"level {citizen.level or 'unknown'} below {config.minimum_level}",
            level=citizen.level,
            masked_bsn=citizen.masked_bsn,
        )
    return citizen
