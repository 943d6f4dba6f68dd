"""Who signed in with DigiD: the BSN in the NameID and the level, nothing else (docs/adr/0013).

The Response has been validated by then (``steps.answered_request``): one signed top-level
Assertion, exact addressing, python3-saml's checks. DigiD sends no attributes; the NameID is
``s00000000:<BSN>`` (the sector code, then the number). We accept only the BSN sector and only a
number that passes the 11-proef. Refusals never carry the BSN itself: a masked one at most.
"""

import re

from onelogin.saml2.response import OneLogin_Saml2_Response

from stap.core.identifiers import is_bsn
from stap.identity.digid.config import BSN_SECTOR, LEVEL_BY_CLASS_REF
from stap.identity.eherkenning.refusals import Reason, SignInRefused
from stap.identity.signin import DigiDIdentity

_SECTOR = re.compile(r"s[0-9]{8}")


def asserted_citizen(response: OneLogin_Saml2_Response) -> DigiDIdentity:
    """The BSN and the level ("" when the AuthnContextClassRef is not a DigiD level)."""
    return DigiDIdentity(bsn=_bsn(response), level=_level(response))


def _bsn(response: OneLogin_Saml2_Response) -> str:
    try:
        name_id = response.get_nameid_data()
    except Exception as error:  # no NameID, an empty one, one we cannot decrypt
        raise SignInRefused(
            Reason.BSN_INVALID, f"NameID could not be read: {type(error).__name__}"
        ) from error
    sector, separator, number = str(name_id.get("Value") or "").partition(":")
    if not separator or not _SECTOR.fullmatch(sector):
        raise SignInRefused(Reason.BSN_INVALID, "NameID is not <sector code>:<number>")
    if sector != BSN_SECTOR:
        raise SignInRefused(Reason.WRONG_SECTOR, f"sector {sector}, not the BSN sector")
    if not is_bsn(number):
        raise SignInRefused(Reason.BSN_INVALID, "the number fails the BSN 11-proef")
    return number


def _level(response: OneLogin_Saml2_Response) -> str:
    class_refs: list[str] = response.get_authn_contexts()
    if len(class_refs) != 1:
        raise SignInRefused(
            Reason.INVALID_RESPONSE, f"expected one AuthnContextClassRef, found {len(class_refs)}"
        )
    return LEVEL_BY_CLASS_REF.get(class_refs[0], "")
