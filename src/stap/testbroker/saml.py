"""The test broker's SAML side: check AuthnRequests, build and sign Responses, resolve artifacts.

Messages follow a real broker (Signicat layout): a signed ArtifactResponse holding an unsigned
Response holding a signed Assertion, RSA-SHA256 / SHA-256 / exclusive c14n. Both sides use this:
eHerkenning (eTD or flat attributes, ``Login``) and DigiD (only the BSN as NameID and the level,
``DigiDLogin``). Attack mode (``stap.testbroker.attacks``) hooks into ``build_response`` and
``resolve_artifact``.
"""

import base64
import datetime as dt
import hashlib
import hmac
import os
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache

import xmlsec
from lxml import etree
from lxml.builder import ElementMaker
from onelogin.saml2.utils import OneLogin_Saml2_Utils
from onelogin.saml2.xml_utils import OneLogin_Saml2_XML
from xmlsec import constants

from stap.identity.digid.config import BSN_SECTOR, DigiDConfig
from stap.identity.digid.config import LEVELS as DIGID_LEVELS
from stap.identity.eherkenning import xmlsig
from stap.identity.eherkenning.config import LEVELS, SamlSPConfig, SPConfig
from stap.testbroker.identity_provider import (
    ARTIFACT_RESOLUTION_INDEX,
    DIGID,
    EHERKENNING,
    Side,
)

NS_SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
NS_SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
NS_SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
NS_XS = "http://www.w3.org/2001/XMLSchema"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {"saml": NS_SAML, "samlp": NS_SAMLP, "xs": NS_XS, "xsi": NS_XSI}
SAML = ElementMaker(namespace=NS_SAML, nsmap=NSMAP)
SAMLP = ElementMaker(namespace=NS_SAMLP, nsmap=NSMAP)
SOAP = ElementMaker(namespace=NS_SOAP, nsmap={"soap": NS_SOAP})
XSI_TYPE = f"{{{NS_XSI}}}type"
STATUS = "urn:oasis:names:tc:SAML:2.0:status:"
BINDING_ARTIFACT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact"
PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
TRANSIENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
UNSPECIFIED = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
Q_KVK = "urn:etoegang:1.9:EntityConcernedID:KvKnr"
Q_RSIN = "urn:etoegang:1.9:EntityConcernedID:RSIN"
Q_BSN = "urn:etoegang:1.12:EntityConcernedID:BSN"
Q_PSEUDO = "urn:etoegang:1.9:EntityConcernedID:Pseudo"
SOFI_SECTOR = "s00000001"
REQUEST_TTL = 15 * 60
ARTIFACT_TTL = 5 * 60
CLOCK_SKEW = 5 * 60


class BrokerError(Exception):
    """The AuthnRequest or ArtifactResolve is not acceptable; the message is shown to the tester."""


@dataclass(frozen=True, kw_only=True)
class VerifiedRequest:
    request_id: str
    service_key: str
    service_name: str
    relay_state: str
    requested_level: str = ""  # DigiD: the minimum level the SP asked for

    def as_dict(self) -> dict[str, str]:
        return {
            "request_id": self.request_id,
            "service_key": self.service_key,
            "service_name": self.service_name,
            "relay_state": self.relay_state,
            "requested_level": self.requested_level,
        }


@dataclass(frozen=True, kw_only=True)
class Login:
    """What the tester chose on the eHerkenning persona page."""

    kvk_number: str
    pseudonym: str
    level: str
    company_name: str = ""
    vestigingsnummer: str = ""
    authorisations: tuple[str, ...] = ()
    identity_form: str = "etd"
    status: str = ""  # "" (success), "AuthnFailed" (cancel) or "RequestUnsupported" (error)

    def name_id(self) -> Any:
        return SAML.NameID(new_id(), Format=TRANSIENT)

    def authn_context(self) -> Any:
        return SAML.AuthnContext(
            SAML.AuthnContextClassRef(LEVELS[self.level]),
            SAML.AuthenticatingAuthority("urn:etoegang:AD:00000009999999999998:entities:9200"),
        )

    def attribute_statement(self, draft: "Draft") -> Any:
        return SAML.AttributeStatement(*_etd_attributes(self, draft))


@dataclass(frozen=True, kw_only=True)
class DigiDLogin:
    """What the tester chose on the DigiD persona page: DigiD sends only the BSN and the level."""

    bsn: str
    level: str
    sector: str = BSN_SECTOR
    status: str = ""  # "" (success), "AuthnFailed" (cancel) or "RequestUnsupported" (error)

    def name_id(self) -> Any:
        return SAML.NameID(f"{self.sector}:{self.bsn}", Format=UNSPECIFIED)

    def authn_context(self) -> Any:
        return SAML.AuthnContext(SAML.AuthnContextClassRef(DIGID_LEVELS[self.level]))

    def attribute_statement(self, draft: "Draft") -> Any:
        return None


@dataclass(kw_only=True)
class Signer:
    key_pem: str
    cert_pem: str
    signature_method: str = xmlsig.RSA_SHA256
    digest_method: str = xmlsig.SHA256

    def sign(self, element: Any) -> None:
        xmlsig.sign_enveloped(
            element,
            key_pem=self.key_pem,
            cert_pem=self.cert_pem,
            signature_method=self.signature_method,
            digest_method=self.digest_method,
        )


@dataclass(kw_only=True)
class Draft:
    """A response under construction, handed to attack hooks."""

    sp: SamlSPConfig
    request: VerifiedRequest
    login: Login | DigiDLogin
    now: dt.datetime
    signer: Signer
    issuer: str = EHERKENNING.entity_id
    sign_assertion: bool = True
    sign_response: bool = False
    response: Any = None
    assertion: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


def saml_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_id() -> str:
    return "_" + uuid.uuid4().hex  # an NCName: never starts with a digit


def pseudonym_for(persona: str, kvk_number: str, sp: SPConfig) -> str:
    """Stable per persona, KvK and service provider (as an eHerkenning specific pseudonym)."""
    digest = hmac.new(
        sp.oin.encode(), f"{persona}|{kvk_number}".encode(), hashlib.sha256
    ).hexdigest()
    return f"ps-{digest[:32]}"


# --------------------------------------------------------------------------------- AuthnRequest
def _signed_authn_request(saml_request: str, relay_state: str, side: Side) -> Any:
    """HTTP-POST binding: base64 without deflate, enveloped signature by the SP, our endpoints."""
    sp = side.sp()
    try:
        root = OneLogin_Saml2_XML.to_etree(base64.b64decode(saml_request, validate=True))
    except Exception as error:
        raise BrokerError("SAMLRequest is geen geldig base64-XML-bericht") from error
    if root.tag != f"{{{NS_SAMLP}}}AuthnRequest":
        raise BrokerError("SAMLRequest is geen AuthnRequest")
    if root.findtext(f"{{{NS_SAML}}}Issuer") != sp.entity_id:
        raise BrokerError("AuthnRequest komt van een onbekende dienstverlener")
    try:
        xmlsig.verify_enveloped(root, [sp.key_pair.cert_pem])
    except xmlsig.SignatureError as error:
        raise BrokerError(f"handtekening van de AuthnRequest is ongeldig: {error}") from error
    if root.get("Destination") != side.sso_url():
        raise BrokerError("Destination van de AuthnRequest klopt niet")
    if root.get("AssertionConsumerServiceURL") != sp.acs_url:
        raise BrokerError("AssertionConsumerServiceURL is niet geregistreerd")
    if root.get("ProtocolBinding") != BINDING_ARTIFACT:
        raise BrokerError("alleen artifact binding wordt ondersteund")
    issued = OneLogin_Saml2_Utils.parse_SAML_to_time(root.get("IssueInstant"))
    if abs(issued - dt.datetime.now(dt.UTC).timestamp()) > CLOCK_SKEW:
        raise BrokerError("IssueInstant van de AuthnRequest ligt buiten de toegestane marge")
    if len(relay_state.encode()) > 80:
        raise BrokerError("RelayState is langer dan 80 bytes")
    return root


def verify_authn_request(saml_request: str, relay_state: str) -> VerifiedRequest:
    """eHerkenning: also ForceAuthn and a known AttributeConsumingServiceIndex (the service)."""
    root = _signed_authn_request(saml_request, relay_state, EHERKENNING)
    if root.get("ForceAuthn") != "true":
        raise BrokerError("alleen artifact binding met ForceAuthn=true wordt ondersteund")
    sp = EHERKENNING.sp()
    assert isinstance(sp, SPConfig)
    index = root.get("AttributeConsumingServiceIndex")
    service = next(
        (s for s in sp.services.values() if s.attribute_consuming_service_index == index), None
    )
    if service is None:
        raise BrokerError(f"onbekende AttributeConsumingServiceIndex {index!r}")
    return VerifiedRequest(
        request_id=str(root.get("ID")),
        service_key=service.key,
        service_name=service.name,
        relay_state=relay_state,
    )


def verify_digid_authn_request(saml_request: str, relay_state: str) -> VerifiedRequest:
    """DigiD: also a RequestedAuthnContext with Comparison "minimum" and one DigiD level.

    The broker shows the requested level but does not enforce it, so that the SP's own check of
    the level in the answer can be tested (a real DigiD never answers below the minimum).
    """
    root = _signed_authn_request(saml_request, relay_state, DIGID)
    requested = root.find(f"{{{NS_SAMLP}}}RequestedAuthnContext")
    class_refs = (
        [] if requested is None else requested.findall(f"{{{NS_SAML}}}AuthnContextClassRef")
    )
    levels = {class_ref: level for level, class_ref in DIGID_LEVELS.items()}
    if (
        requested is None
        or requested.get("Comparison") != "minimum"
        or len(class_refs) != 1
        or class_refs[0].text not in levels
    ):
        raise BrokerError(
            "RequestedAuthnContext moet Comparison=minimum en één DigiD-niveau hebben"
        )
    sp = DIGID.sp()
    assert isinstance(sp, DigiDConfig)
    return VerifiedRequest(
        request_id=str(root.get("ID")),
        service_key="digid",
        service_name=sp.service_name,
        relay_state=relay_state,
        requested_level=levels[str(class_refs[0].text)],
    )


def remember_request(request: VerifiedRequest, side: Side = EHERKENNING) -> str:
    token = base64.urlsafe_b64encode(os.urandom(18)).decode()
    cache.set(f"testbroker_{side.kind}_request_{token}", request.as_dict(), REQUEST_TTL)
    return token


def recall_request(token: str, side: Side = EHERKENNING) -> VerifiedRequest | None:
    stored = cache.get(f"testbroker_{side.kind}_request_{token}")
    return VerifiedRequest(**stored) if isinstance(stored, dict) else None


def forget_request(token: str, side: Side = EHERKENNING) -> bool:
    return bool(cache.delete(f"testbroker_{side.kind}_request_{token}"))


# ------------------------------------------------------------------------------------- Response
def build_response(draft: Draft, attack: Any = None) -> Any:
    """The samlp:Response for ``draft`` (signed Assertion inside), with attack hooks applied."""
    if attack is not None:
        attack.prepare(draft)
    sp, request, login = draft.sp, draft.request, draft.login
    response = SAMLP.Response(
        SAML.Issuer(draft.issuer),
        ID=new_id(),
        Version="2.0",
        IssueInstant=saml_time(draft.now),
        InResponseTo=request.request_id,
        Destination=sp.acs_url,
    )
    draft.response = response
    if login.status:
        second = SAMLP.StatusCode(Value=STATUS + login.status)
        response.append(SAMLP.Status(SAMLP.StatusCode(second, Value=STATUS + "Responder")))
        return response
    response.append(SAMLP.Status(SAMLP.StatusCode(Value=STATUS + "Success")))
    expires = saml_time(draft.now + dt.timedelta(minutes=2))
    assertion = SAML.Assertion(
        SAML.Issuer(draft.issuer),
        SAML.Subject(
            login.name_id(),
            SAML.SubjectConfirmation(
                SAML.SubjectConfirmationData(
                    InResponseTo=request.request_id, Recipient=sp.acs_url, NotOnOrAfter=expires
                ),
                Method="urn:oasis:names:tc:SAML:2.0:cm:bearer",
            ),
        ),
        SAML.Conditions(
            SAML.AudienceRestriction(SAML.Audience(sp.entity_id)),
            NotBefore=saml_time(draft.now - dt.timedelta(seconds=5)),
            NotOnOrAfter=expires,
        ),
        SAML.AuthnStatement(
            login.authn_context(),
            AuthnInstant=saml_time(draft.now),
            SessionIndex=new_id(),
        ),
        ID=new_id(),
        Version="2.0",
        IssueInstant=saml_time(draft.now),
    )
    statement = login.attribute_statement(draft)
    if statement is not None:
        assertion.append(statement)
    response.append(assertion)  # embed first, then sign in the final tree
    draft.assertion = assertion
    if attack is not None:
        attack.before_signing(draft)
    if draft.sign_assertion:
        draft.signer.sign(draft.assertion)
    if draft.sign_response:
        draft.signer.sign(draft.response)
    if attack is not None:
        attack.after_signing(draft)
    return draft.response


def _etd_attributes(login: Login, draft: Draft) -> list[Any]:
    """ServiceID, ServiceUUID and the identity, as EncryptedIDs (eTD) or flat (simulators)."""
    sp = draft.sp
    assert isinstance(sp, SPConfig)
    service = sp.services[draft.request.service_key]

    def text(name: str, value: str) -> Any:
        return SAML.Attribute(SAML.AttributeValue(value, **{XSI_TYPE: "xs:string"}), Name=name)

    def encrypted(name: str, value: str, qualifier: str) -> Any:
        return SAML.Attribute(SAML.AttributeValue(encrypted_id(value, qualifier, sp)), Name=name)

    attributes = [
        text("urn:etoegang:core:ServiceID", service.service_id),
        text("urn:etoegang:core:ServiceUUID", service.service_uuid),
    ]
    if login.identity_form == "flat":
        attributes.append(text("urn:etoegang:1.13:EntityConcernedID:Pseudo", login.pseudonym))
        if login.kvk_number:
            attributes.append(text(Q_KVK, login.kvk_number))
    else:
        if login.kvk_number:
            attributes.append(
                encrypted("urn:etoegang:core:LegalSubjectID", login.kvk_number, Q_KVK)
            )
        attributes.append(encrypted("urn:etoegang:core:ActingSubjectID", login.pseudonym, Q_PSEUDO))
    if login.company_name:
        attributes.append(
            text("urn:etoegang:1.11:attribute-represented:CompanyName", login.company_name)
        )
    if login.vestigingsnummer:
        attributes.append(
            text("urn:etoegang:1.9:ServiceRestriction:Vestigingsnr", login.vestigingsnummer)
        )
    return attributes


def encrypted_id(value: str, qualifier: str, sp: SamlSPConfig) -> Any:
    """saml:EncryptedID of a persistent NameID, AES-256-CBC + RSA-OAEP to the SP certificate.

    The plaintext NameID declares its own namespace (``generate_name_id`` does not, and libxml2
    then complains on decryption). ``EncryptedKey/@Recipient`` is the SP entity id (eTD).
    """
    name_id = etree.Element(
        f"{{{NS_SAML}}}NameID",
        nsmap={"saml": NS_SAML},
        Format=PERSISTENT,
        NameQualifier=qualifier,
    )
    name_id.text = value
    encrypted = etree.Element(f"{{{NS_SAML}}}EncryptedID", nsmap={"saml": NS_SAML})
    data = xmlsec.template.encrypted_data_create(
        encrypted, constants.TransformAes256Cbc, type=constants.TypeEncElement, ns="xenc"
    )
    encrypted.append(data)
    xmlsec.template.encrypted_data_ensure_cipher_value(data)
    key_info = xmlsec.template.encrypted_data_ensure_key_info(data, ns="ds")
    encrypted_key = xmlsec.template.add_encrypted_key(key_info, constants.TransformRsaOaep)
    xmlsec.template.encrypted_data_ensure_cipher_value(encrypted_key)
    encrypted_key.set("Recipient", sp.entity_id)
    manager = xmlsec.KeysManager()
    manager.add_key(
        xmlsec.Key.from_memory(sp.key_pair.cert_pem, constants.KeyDataFormatCertPem, None)
    )
    context = xmlsec.EncryptionContext(manager)
    context.key = xmlsec.Key.generate(constants.KeyDataAes, 256, constants.KeyDataTypeSession)
    context.encrypt_binary(data, etree.tostring(name_id))
    return encrypted


# ------------------------------------------------------------------------------------- Artifact
def issue_artifact(response: Any, attack_key: str = "", side: Side = EHERKENNING) -> str:
    """SAMLBind 3.6.4: 0x0004, endpoint index, SHA-1 of the side's entity id, 20 random bytes."""
    handle = os.urandom(20)
    raw = (
        b"\x00\x04"
        + ARTIFACT_RESOLUTION_INDEX.to_bytes(2, "big")
        + hashlib.sha1(side.entity_id.encode(), usedforsecurity=False).digest()
        + handle
    )
    cache.set(
        f"testbroker_artifact_{handle.hex()}",
        {"response": etree.tostring(response).decode(), "attack": attack_key, "side": side.kind},
        ARTIFACT_TTL,
    )
    return base64.b64encode(raw).decode()


def resolve_artifact(body: bytes, side: Side = EHERKENNING) -> tuple[int, bytes]:
    """The SOAP ArtifactResolve endpoint: check the SP's signature, answer once per artifact."""
    from stap.testbroker.attacks import attacks_for

    sp = side.sp()
    try:
        envelope = OneLogin_Saml2_XML.to_etree(body)
    except Exception:
        return 400, b"not XML"
    resolve = envelope.find(f"{{{NS_SOAP}}}Body/{{{NS_SAMLP}}}ArtifactResolve")
    if resolve is None:
        return 400, b"no ArtifactResolve"
    if resolve.findtext(f"{{{NS_SAML}}}Issuer") != sp.entity_id:
        return 403, b"unknown requester"
    try:
        xmlsig.verify_enveloped(resolve, [sp.key_pair.cert_pem])
    except xmlsig.SignatureError:
        return 403, b"ArtifactResolve signature invalid"
    try:
        raw = base64.b64decode(resolve.findtext(f"{{{NS_SAMLP}}}Artifact") or "", validate=True)
    except ValueError:
        return 400, b"artifact not base64"
    key = f"testbroker_artifact_{raw[24:44].hex()}"
    pending = cache.get(key)
    ours = isinstance(pending, dict) and pending.get("side", EHERKENNING.kind) == side.kind
    one_time = ours and cache.delete(key)  # SAMLBind 3.6.5.2: only once
    artifact_response = SAMLP.ArtifactResponse(
        SAML.Issuer(side.entity_id),
        SAMLP.Status(SAMLP.StatusCode(Value=STATUS + "Success")),
        ID=new_id(),
        Version="2.0",
        IssueInstant=saml_time(dt.datetime.now(dt.UTC)),
        InResponseTo=resolve.get("ID"),
    )
    attack = None
    if one_time and isinstance(pending, dict):
        artifact_response.append(OneLogin_Saml2_XML.to_etree(pending["response"].encode()))
        attack = attacks_for(side).get(pending.get("attack", ""))
    keys = side.key_pair()
    envelope_out = SOAP.Envelope(SOAP.Body(artifact_response))
    if attack is not None:
        attack.before_artifact_response_signing(artifact_response)
    Signer(key_pem=keys.key_pem, cert_pem=keys.cert_pem).sign(artifact_response)
    serialised: bytes = etree.tostring(envelope_out, xml_declaration=True, encoding="UTF-8")
    if attack is not None:
        serialised = attack.after_artifact_response_signing(envelope_out, serialised)
    return 200, serialised
