"""Enveloped XML signatures on python-xmlsec, with the eTD rules enforced on verification.

The SP uses ``verify_enveloped`` for what the SAML toolkit does not check (the ArtifactResponse
signature) and as a second, stricter check of the Assertion signature. The test broker uses both
functions for its own messages and to check the SP's AuthnRequest and ArtifactResolve.

Verification enforces (eTD "Digital signature"):

* exactly one ``ds:Signature``, a direct child of the signed element;
* one Reference whose URI is ``#`` + that element's ID, and that ID unique in the document;
* exclusive c14n, only the enveloped-signature and exc-c14n transforms (no XSLT/XPath, S14);
* RSA-SHA256 or stronger, SHA-256 or stronger (S16);
* only the configured certificates: key material in ``KeyInfo`` is never used (S5, S6).
"""

from typing import Any

import xmlsec
from xmlsec import constants

NS = {
    "ds": "http://www.w3.org/2000/09/xmldsig#",
    "saml": "urn:oasis:names:tc:SAML:2.0:assertion",
    "samlp": "urn:oasis:names:tc:SAML:2.0:protocol",
}
DS = "{http://www.w3.org/2000/09/xmldsig#}"
SAML_ISSUER = "{urn:oasis:names:tc:SAML:2.0:assertion}Issuer"

RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
RSA_SHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
SHA1 = "http://www.w3.org/2000/09/xmldsig#sha1"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"

ALLOWED_SIGNATURE_METHODS = frozenset(
    {
        RSA_SHA256,
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
    }
)
ALLOWED_DIGEST_METHODS = frozenset(
    {
        SHA256,
        "http://www.w3.org/2001/04/xmldsig-more#sha384",
        "http://www.w3.org/2001/04/xmlenc#sha512",
    }
)
ALLOWED_TRANSFORMS = frozenset({ENVELOPED, EXC_C14N})

_SIGN_TRANSFORMS = {RSA_SHA256: constants.TransformRsaSha256, RSA_SHA1: constants.TransformRsaSha1}
_DIGEST_TRANSFORMS = {SHA256: constants.TransformSha256, SHA1: constants.TransformSha1}


class SignatureError(Exception):
    """The signature is missing, malformed, uses a refused algorithm, or does not verify."""


def sign_enveloped(
    element: Any,
    *,
    key_pem: str,
    cert_pem: str,
    signature_method: str = RSA_SHA256,
    digest_method: str = SHA256,
) -> None:
    """Sign ``element`` in place; it may sit deep inside a larger document.

    Not ``OneLogin_Saml2_Utils.add_sign``: given a nested element it looks up ``//saml:Issuer``
    from the document root and signs the wrong element.
    """
    element_id = element.get("ID")
    if not element_id:
        raise ValueError("the element to sign needs an ID attribute")
    signature = xmlsec.template.create(
        element, constants.TransformExclC14N, _SIGN_TRANSFORMS[signature_method], ns="ds"
    )
    issuer = element.find(SAML_ISSUER)
    if issuer is not None:
        issuer.addnext(signature)  # schema order: Issuer, Signature, ...
    else:
        element.insert(0, signature)
    reference = xmlsec.template.add_reference(
        signature, _DIGEST_TRANSFORMS[digest_method], uri=f"#{element_id}"
    )
    xmlsec.template.add_transform(reference, constants.TransformEnveloped)
    xmlsec.template.add_transform(reference, constants.TransformExclC14N)
    xmlsec.template.add_x509_data(xmlsec.template.ensure_key_info(signature))
    # IDs are not DTD-declared: register them on the whole tree, or "#id" does not resolve.
    xmlsec.tree.add_ids(element.getroottree().getroot(), ["ID"])
    context = xmlsec.SignatureContext()
    key = xmlsec.Key.from_memory(key_pem, constants.KeyDataFormatPem, None)
    key.load_cert_from_memory(cert_pem, constants.KeyDataFormatPem)
    context.key = key
    context.sign(signature)


def verify_enveloped(element: Any, cert_pems: list[str]) -> str:
    """Verify the enveloped signature of ``element`` with one of ``cert_pems``.

    Returns the SignatureMethod; raises ``SignatureError`` otherwise.
    """
    signatures = element.findall(f"{DS}Signature")
    if len(signatures) != 1:
        raise SignatureError(f"expected one ds:Signature on {element.tag}, found {len(signatures)}")
    signature = signatures[0]
    references = signature.findall(f"{DS}SignedInfo/{DS}Reference")
    element_id = element.get("ID")
    if not element_id or len(references) != 1 or references[0].get("URI") != f"#{element_id}":
        raise SignatureError("the Reference does not point at the signed element's own ID")
    root = element.getroottree().getroot()
    if len(root.xpath("//*[@ID=$id]", id=element_id)) != 1:
        raise SignatureError("the signed element's ID is not unique in the document")
    canonicalization = _algorithm(signature, f"{DS}SignedInfo/{DS}CanonicalizationMethod")
    signature_method = _algorithm(signature, f"{DS}SignedInfo/{DS}SignatureMethod")
    digest_method = _algorithm(references[0], f"{DS}DigestMethod")
    transforms = [
        transform.get("Algorithm")
        for transform in references[0].findall(f"{DS}Transforms/{DS}Transform")
    ]
    if canonicalization != EXC_C14N:
        raise SignatureError(f"CanonicalizationMethod {canonicalization} is not allowed")
    if signature_method not in ALLOWED_SIGNATURE_METHODS:
        raise SignatureError(f"SignatureMethod {signature_method} is not allowed")
    if digest_method not in ALLOWED_DIGEST_METHODS:
        raise SignatureError(f"DigestMethod {digest_method} is not allowed")
    if not set(transforms) <= ALLOWED_TRANSFORMS or ENVELOPED not in transforms:
        raise SignatureError(f"Transforms {transforms} are not allowed")

    xmlsec.tree.add_ids(root, ["ID"])
    last_error: Exception | None = None
    for cert_pem in cert_pems:
        context = xmlsec.SignatureContext()
        context.key = xmlsec.Key.from_memory(cert_pem, constants.KeyDataFormatCertPem, None)
        context.set_enabled_key_data([constants.KeyDataX509])  # never a key from KeyInfo
        try:
            context.verify(signature)
        except xmlsec.Error as error:
            last_error = error
        else:
            return signature_method
    raise SignatureError(f"the signature does not verify: {last_error}")


def _algorithm(parent: Any, path: str) -> str:
    node = parent.find(path)
    if node is None:
        raise SignatureError(f"{path} is missing")
    return str(node.get("Algorithm") or "")
