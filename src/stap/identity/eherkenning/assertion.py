"""Checks on the validated SAML Response that the library does not make, and the identity in it.

The library has already verified the signature, timestamps, Destination (prefix), Audience (when
present), Issuers and SubjectConfirmation. With ``disableSignatureWrappingProtection`` (which it
sets for eHerkenning, because brokers put signed AD/MR assertions in ``<Advice>``) it only looks at
signatures outside Advice. Here we insist on exactly one top-level Assertion, signed by the broker
with a signature on exactly that element, with a unique ID, and read everything from it.
``signed_assertion`` runs for DigiD answers too (docs/adr/0013).
"""

import re
from dataclasses import dataclass
from typing import Any

from onelogin.saml2.response import OneLogin_Saml2_Response
from onelogin.saml2.xml_utils import OneLogin_Saml2_XML

from stap.identity.eherkenning import xmlsig
from stap.identity.eherkenning.config import LEVEL_BY_CLASS_REF, SamlSPConfig

NS_SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
NS_SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SERVICE_ID = "urn:etoegang:core:ServiceID"
SERVICE_UUID = "urn:etoegang:core:ServiceUUID"
LEGAL_SUBJECT_ID = "urn:etoegang:core:LegalSubjectID"
ACTING_SUBJECT_ID = "urn:etoegang:core:ActingSubjectID"
VESTIGINGSNUMMER = "urn:etoegang:1.9:ServiceRestriction:Vestigingsnr"
COMPANY_NAME = "urn:etoegang:1.11:attribute-represented:CompanyName"
KVK_QUALIFIER = ":EntityConcernedID:KvKnr"
PSEUDO_QUALIFIER = ":EntityConcernedID:Pseudo"
_KVK = re.compile(r"[0-9]{8}")
_VESTIGINGSNUMMER = re.compile(r"[0-9]{12}")


class AssertionRejected(Exception):
    """The response is valid SAML but not acceptable to us; the message is for the log."""


class IdentityMissing(Exception):
    """The assertion does not identify an organisation by a well-formed KvK number."""


@dataclass(frozen=True, kw_only=True)
class AssertedIdentity:
    form: str  # "etd" (EncryptedIDs) or "flat" (commercial brokers' simulators)
    kvk_number: str
    pseudonym: str
    level: str
    company_name: str
    vestigingsnummer: str
    service_id: str
    service_uuid: str


def signed_assertion(response: OneLogin_Saml2_Response, config: SamlSPConfig) -> Any:
    """The one signed top-level Assertion, after checks the library skips for eHerkenning."""
    document = response.document
    if document.tag != f"{{{NS_SAMLP}}}Response":
        raise AssertionRejected("the document is not a samlp:Response")
    if OneLogin_Saml2_XML.query(document, "//saml:EncryptedAssertion"):
        raise AssertionRejected("EncryptedAssertion is not expected")
    top = OneLogin_Saml2_XML.query(document, "/samlp:Response/saml:Assertion")
    outside_advice = OneLogin_Saml2_XML.query(
        document, "//saml:Assertion[not(ancestor::saml:Advice)]"
    )
    if len(top) != 1 or len(outside_advice) != 1:
        raise AssertionRejected(
            f"expected one Assertion outside Advice, found {len(outside_advice)} ({len(top)} top)"
        )
    assertion = top[0]
    for signature in OneLogin_Saml2_XML.query(
        document, "//ds:Signature[not(ancestor::saml:Advice)]"
    ):
        if signature.getparent() not in (document, assertion):
            raise AssertionRejected(f"unexpected signature on {signature.getparent().tag}")
    try:
        xmlsig.verify_enveloped(assertion, list(config.idp.signing_certs))
    except xmlsig.SignatureError as error:
        raise AssertionRejected(f"Assertion signature: {error}") from error
    _check_addressing(document, assertion, config)
    return assertion


def _check_addressing(document: Any, assertion: Any, config: SamlSPConfig) -> None:
    """Exact Destination, Recipient, Audience and InResponseTo (the library is lenient)."""
    if document.get("Destination") != config.acs_url:
        raise AssertionRejected(f"Destination {document.get('Destination')!r}")
    audiences = [
        OneLogin_Saml2_XML.element_text(node)
        for node in OneLogin_Saml2_XML.query(
            assertion, "./saml:Conditions/saml:AudienceRestriction/saml:Audience"
        )
    ]
    if audiences != [config.entity_id]:
        raise AssertionRejected(f"Audience {audiences!r}")
    confirmations = OneLogin_Saml2_XML.query(
        assertion, "./saml:Subject/saml:SubjectConfirmation/saml:SubjectConfirmationData"
    )
    if len(confirmations) != 1:
        raise AssertionRejected("expected exactly one SubjectConfirmationData")
    if confirmations[0].get("Recipient") != config.acs_url:
        raise AssertionRejected(f"Recipient {confirmations[0].get('Recipient')!r}")
    in_response_to = document.get("InResponseTo")
    if not in_response_to or confirmations[0].get("InResponseTo") != in_response_to:
        raise AssertionRejected("InResponseTo of Response and Assertion differ or are missing")


def asserted_identity(response: OneLogin_Saml2_Response) -> AssertedIdentity:
    """Who signed in, in the eTD form (EncryptedIDs) or the flat simulator form."""
    try:
        attributes: dict[str, list[Any]] = response.get_attributes()  # decrypts EncryptedIDs
    except Exception as error:  # wrong recipient key, tampered ciphertext (S32): no oracle
        raise AssertionRejected(f"attributes could not be read: {type(error).__name__}") from error
    legal = _name_ids(attributes.get(LEGAL_SUBJECT_ID, []))
    acting = _name_ids(attributes.get(ACTING_SUBJECT_ID, []))
    flat = {
        name: values
        for name, values in attributes.items()
        if name.startswith("urn:etoegang:") and ":EntityConcernedID:" in name
    }
    if (legal or acting) and flat:
        raise AssertionRejected("both EncryptedID and flat identity attributes are present")
    form = "etd" if legal or acting else "flat"
    if form == "flat":
        legal = acting = {name: _strings(values) for name, values in flat.items()}
    kvk_values = _pick(legal, KVK_QUALIFIER)
    if len(kvk_values) != 1 or not _KVK.fullmatch(kvk_values[0]):
        raise IdentityMissing(f"KvK number {kvk_values!r}")
    pseudonyms = _pick(acting, PSEUDO_QUALIFIER)
    if len(pseudonyms) != 1 or not pseudonyms[0].strip():
        raise AssertionRejected(f"expected one pseudonym, found {len(pseudonyms)}")
    vestigingsnummers = _strings(attributes.get(VESTIGINGSNUMMER, []))
    if len(vestigingsnummers) > 1 or not all(
        _VESTIGINGSNUMMER.fullmatch(value) for value in vestigingsnummers
    ):
        raise AssertionRejected(f"Vestigingsnr {vestigingsnummers!r}")
    class_refs: list[str] = response.get_authn_contexts()
    if len(class_refs) != 1:
        raise AssertionRejected(f"expected one AuthnContextClassRef, found {class_refs!r}")
    return AssertedIdentity(
        form=form,
        kvk_number=kvk_values[0],
        pseudonym=pseudonyms[0],
        level=LEVEL_BY_CLASS_REF.get(class_refs[0], ""),
        company_name=(_strings(attributes.get(COMPANY_NAME, [])) or [""])[0][:200],
        vestigingsnummer=(vestigingsnummers or [""])[0],
        service_id=_single(attributes, SERVICE_ID),
        service_uuid=_single(attributes, SERVICE_UUID),
    )


def _name_ids(values: list[Any]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for value in values:
        if not isinstance(value, dict) or "NameID" not in value:
            raise AssertionRejected("a subject attribute is not an EncryptedID")
        name_id = value["NameID"]
        found.setdefault(str(name_id.get("NameQualifier") or ""), []).append(
            str(name_id.get("value") or "")
        )
    return found


def _pick(values: dict[str, list[str]], suffix: str) -> list[str]:
    """Values whose qualifier ends in ``suffix``; brokers mix scheme versions (1.9, 1.13)."""
    return [
        value
        for qualifier, found in values.items()
        if qualifier.startswith("urn:etoegang:") and qualifier.endswith(suffix)
        for value in found
    ]


def _strings(values: list[Any]) -> list[str]:
    if not all(isinstance(value, str) for value in values):
        raise AssertionRejected("expected plain string attribute values")
    return [str(value) for value in values]


def _single(attributes: dict[str, list[Any]], name: str) -> str:
    values = _strings(attributes.get(name, []))
    if len(values) > 1:
        raise AssertionRejected(f"{name} occurs {len(values)} times")
    return values[0] if values else ""
