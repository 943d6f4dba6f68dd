"""The test broker's SAML side: check AuthnRequests, build and sign Responses, resolve artifacts.

Messages follow a real eHerkenning broker (Signicat layout): a signed ArtifactResponse holding an
unsigned Response holding a signed Assertion, RSA-SHA256 / SHA-256 / exclusive c14n. Attack mode
(``stap.testbroker.attacks``) hooks into ``build_response`` and ``resolve_artifact``.
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

from stap.identity.eherkenning import xmlsig
from stap.identity.eherkenning.config import LEVELS, SPConfig, sp_config
from stap.testbroker.identity_provider import (
    ARTIFACT_RESOLUTION_INDEX,
    ENTITY_ID,
    broker_key_pair,
    broker_url,
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
Q_KVK = "urn:etoegang:1.9:EntityConcernedID:KvKnr"
Q_RSIN = "urn:etoegang:1.9:EntityConcernedID:RSIN"
Q_BSN = "urn:etoegang:1.12:EntityConcernedID:BSN"
Q_PSEUDO = "urn:etoegang:1.9:EntityConcernedID:Pseudo"
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

    def as_dict(self) -> dict[str, str]:
        return {
            "request_id": self.request_id,
            "service_key": self.service_key,
            "service_name": self.service_name,
            "relay_state": self.relay_state,
        }


@dataclass(frozen=True, kw_only=True)
class Login:
    """What the tester chose on the persona page."""

    kvk_number: str
    pseudonym: str
    level: str
    company_name: str = ""
    vestigingsnummer: str = ""
    authorisations: tuple[str, ...] = ()
    identity_form: str = "etd"
    status: str = ""  # "" (success), "AuthnFailed" (cancel) or "RequestUnsupported" (error)


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

    sp: SPConfig
    request: VerifiedRequest
    login: Login
    now: dt.datetime
    signer: Signer
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


def sso_url() -> str:
    return broker_url("sso/")


# --------------------------------------------------------------------------------- AuthnRequest
def verify_authn_request(saml_request: str, relay_state: str) -> VerifiedRequest:
    """HTTP-POST binding: base64 without deflate, enveloped signature by the SP."""
    sp = sp_config()
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
    if root.get("Destination") != sso_url():
        raise BrokerError("Destination van de AuthnRequest klopt niet")
    if root.get("AssertionConsumerServiceURL") != sp.acs_url:
        raise BrokerError("AssertionConsumerServiceURL is niet geregistreerd")
    if root.get("ProtocolBinding") != BINDING_ARTIFACT or root.get("ForceAuthn") != "true":
        raise BrokerError("alleen artifact binding met ForceAuthn=true wordt ondersteund")
    index = root.get("AttributeConsumingServiceIndex")
    service = next(
        (s for s in sp.services.values() if s.attribute_consuming_service_index == index), None
    )
    if service is None:
        raise BrokerError(f"onbekende AttributeConsumingServiceIndex {index!r}")
    issued = OneLogin_Saml2_Utils.parse_SAML_to_time(root.get("IssueInstant"))
    if abs(issued - dt.datetime.now(dt.UTC).timestamp()) > CLOCK_SKEW:
        raise BrokerError("IssueInstant van de AuthnRequest ligt buiten de toegestane marge")
    if len(relay_state.encode()) > 80:
        raise BrokerError("RelayState is langer dan 80 bytes")
    return VerifiedRequest(
        request_id=str(root.get("ID")),
        service_key=service.key,
        service_name=service.name,
        relay_state=relay_state,
    )


def remember_request(request: VerifiedRequest) -> str:
    token = base64.urlsafe_b64encode(os.urandom(18)).decode()
    cache.set(f"testbroker_request_{token}", request.as_dict(), REQUEST_TTL)
    return token


def recall_request(token: str) -> VerifiedRequest | None:
    stored = cache.get(f"testbroker_request_{token}")
    return VerifiedRequest(**stored) if isinstance(stored, dict) else None


def forget_request(token: str) -> bool:
    return bool(cache.delete(f"testbroker_request_{token}"))


# ------------------------------------------------------------------------------------- Response
def build_response(draft: Draft, attack: Any = None) -> Any:
    """The samlp:Response for ``draft`` (signed Assertion inside), with attack hooks applied."""
    if attack is not None:
        attack.prepare(draft)
    sp, request, login = draft.sp, draft.request, draft.login
    service = sp.services[request.service_key]
    response = SAMLP.Response(
        SAML.Issuer(ENTITY_ID),
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
    assertion = SAML.Assertion(
        SAML.Issuer(ENTITY_ID),
        SAML.Subject(
            SAML.NameID(new_id(), Format=TRANSIENT),
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
            SAML.AuthnContext(
                SAML.AuthnContextClassRef(LEVELS[login.level]),
                SAML.AuthenticatingAuthority("urn:etoegang:AD:00000009999999999998:entities:9200"),
            ),
            AuthnInstant=saml_time(draft.now),
            SessionIndex=new_id(),
        ),
        SAML.AttributeStatement(*attributes),
        ID=new_id(),
        Version="2.0",
        IssueInstant=saml_time(draft.now),
    )
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


def encrypted_id(value: str, qualifier: str, sp: SPConfig) -> Any:
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
def issue_artifact(response: Any, attack_key: str = "") -> str:
    """SAMLBind 3.6.4: 0x0004, endpoint index, SHA-1 of our entity id, 20 random bytes."""
    handle = os.urandom(20)
    raw = (
        b"\x00\x04"
        + ARTIFACT_RESOLUTION_INDEX.to_bytes(2, "big")
        + hashlib.sha1(ENTITY_ID.encode(), usedforsecurity=False).digest()
        + handle
    )
    cache.set(
        f"testbroker_artifact_{handle.hex()}",
        {"response": etree.tostring(response).decode(), "attack": attack_key},
        ARTIFACT_TTL,
    )
    return base64.b64encode(raw).decode()


def resolve_artifact(body: bytes) -> tuple[int, bytes]:
    """The SOAP ArtifactResolve endpoint: check the SP's signature, answer once per artifact."""
    from stap.testbroker.attacks import ATTACKS

    sp = sp_config()
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
    one_time = pending is not None and cache.delete(key)  # SAMLBind 3.6.5.2: only once
    artifact_response = SAMLP.ArtifactResponse(
        SAML.Issuer(ENTITY_ID),
        SAMLP.Status(SAMLP.StatusCode(Value=STATUS + "Success")),
        ID=new_id(),
        Version="2.0",
        IssueInstant=saml_time(dt.datetime.now(dt.UTC)),
        InResponseTo=resolve.get("ID"),
    )
    attack = None
    if one_time and isinstance(pending, dict):
        artifact_response.append(OneLogin_Saml2_XML.to_etree(pending["response"].encode()))
        attack = ATTACKS.get(pending.get("attack", ""))
    keys = broker_key_pair()
    envelope_out = SOAP.Envelope(SOAP.Body(artifact_response))
    if attack is not None:
        attack.before_artifact_response_signing(artifact_response)
    Signer(key_pem=keys.key_pem, cert_pem=keys.cert_pem).sign(artifact_response)
    serialised: bytes = etree.tostring(envelope_out, xml_declaration=True, encoding="UTF-8")
    if attack is not None:
        serialised = attack.after_artifact_response_signing(envelope_out, serialised)
    return 200, serialised
