"""django-digid-eherkenning's ``eHerkenningClient``, configured from our settings and hardened.

``HardenedSaml2Client`` holds what we change for every SAML client of ours; the DigiD client
(``stap.identity.digid.client``) uses it too (docs/adr/0013). What we override and why
(docs/adr/0003):

* ``conf`` / ``create_config_dict``: the library reads a database singleton and an IdP metadata
  file; we build the same python3-saml settings from ``SPConfig`` (plain values and files).
* ``rejectDeprecatedAlgorithm`` (SHA-1 refused, S16), which the library never sets, is part of
  the settings we build; the library's ``create_config`` adds its eHerkenning settings on top.
* ``create_authn_request``: the service (AttributeConsumingServiceIndex) is chosen on the server
  from the URL's service key, never from a query parameter, and stored with the request id.
* ``artifact_resolve``: the library's version posts without a timeout, cannot take a transport,
  ignores the ArtifactResponse signature and crashes on an unknown artifact; ours fixes all four
  and runs our own checks of the Assertion (``assertion.signed_assertion``) before the toolkit's.
"""

import logging
from typing import Any
from urllib.parse import urlsplit

from django.core.cache import cache
from django.http import HttpRequest

import requests
from digid_eherkenning.saml2.base import AuthnRequestStorage, BaseSaml2Client
from digid_eherkenning.saml2.eherkenning import (
    create_attribute_consuming_services,
    eHerkenningClient,
)
from digid_eherkenning.utils import get_client_ip
from onelogin.saml2.artifact_resolve import Artifact_Resolve_Request
from onelogin.saml2.artifact_response import Artifact_Response
from onelogin.saml2.auth import OneLogin_Saml2_Auth
from onelogin.saml2.constants import OneLogin_Saml2_Constants
from onelogin.saml2.errors import OneLogin_Saml2_ValidationError
from onelogin.saml2.response import OneLogin_Saml2_Response
from onelogin.saml2.ssl_adapter import SSLAdapter
from onelogin.saml2.xml_utils import OneLogin_Saml2_XML
from requests.adapters import BaseAdapter

from stap.identity.eherkenning import xmlsig
from stap.identity.eherkenning.assertion import signed_assertion
from stap.identity.eherkenning.config import LEVELS, SamlSPConfig, SPConfig

logger = logging.getLogger(__name__)

ValidationError = OneLogin_Saml2_ValidationError


def saml2_request_data(base_url: str, request: HttpRequest) -> dict[str, Any]:
    """python3-saml's view of the request, with scheme and host from our settings.

    As the library's ``create_saml2_request``, but without ``request.body``: after the CSRF
    middleware has read a multipart POST, reading the body raises ``RawPostDataException``.
    """
    url = urlsplit(base_url)
    return {
        "https": "on" if url.scheme == "https" else "off",
        "http_host": url.netloc,
        "script_name": request.META["PATH_INFO"],
        "get_data": request.GET.copy(),
        "post_data": request.POST.copy(),
        "query_string": request.META.get("QUERY_STRING", ""),
    }


class BackChannelError(Exception):
    """The broker's artifact resolution service could not be reached or did not answer."""


class ArtifactResolveRequest(Artifact_Resolve_Request):  # type: ignore[misc]
    """The library's request, sent through our own session: timeout, CA bundle, no redirects."""

    def __init__(
        self,
        settings: Any,
        saml_art: str,
        *,
        timeout: tuple[float, float],
        verify: bool | str,
        transport: BaseAdapter | None,
    ) -> None:
        super().__init__(settings, saml_art)
        self.timeout = timeout
        self.verify = verify
        self.transport = transport

    def send(self) -> requests.Response:
        if self.soap_endpoint is None:  # the library would fail with a TypeError
            raise ValidationError(
                "no artifact resolution service for the artifact's endpoint index",
                ValidationError.WRONG_ARTIFACT_FORMAT,
            )
        security = self._settings.get_security_data()
        idp = self._settings.get_idp_data()
        url = self.soap_endpoint["url"]
        adapter = self.transport or SSLAdapter(
            security["soapClientCert"],
            security["soapClientKey"],
            security.get("soapClientPassphrase"),
        )
        with requests.Session() as session:
            session.trust_env = False  # no proxies or CA bundles from the environment
            session.mount(url, adapter)
            return session.post(
                url,
                data=self.get_soap_request(),
                headers={"content-type": idp["resolveArtifactBindingContentType"]},
                timeout=self.timeout,
                verify=self.verify,
                allow_redirects=False,
                stream=True,  # read with a size limit, see Saml2Auth._read
            )


MAX_ARTIFACT_RESPONSE_BYTES = 512 * 1024


class Saml2Auth(OneLogin_Saml2_Auth):  # type: ignore[misc]
    """``OneLogin_Saml2_Auth.artifact_resolve`` with the ArtifactResponse checked properly."""

    def __init__(
        self,
        request_data: dict[str, Any],
        settings: Any,
        *,
        timeout: tuple[float, float],
        verify: bool | str,
        transport: BaseAdapter | None,
        sp_config: SamlSPConfig,
    ) -> None:
        super().__init__(request_data, old_settings=settings)
        self._sp_config = sp_config
        self._timeout = timeout
        self._verify = verify
        self._transport = transport

    @staticmethod
    def _read(http_response: requests.Response) -> bytes:
        """The body, but never more than ``MAX_ARTIFACT_RESPONSE_BYTES`` (S33)."""
        body = bytearray()
        try:
            for chunk in http_response.iter_content(64 * 1024):
                body += chunk
                if len(body) > MAX_ARTIFACT_RESPONSE_BYTES:
                    raise ValidationError("ArtifactResponse is too large")
        except requests.RequestException as error:
            raise BackChannelError(f"artifact resolution failed: {error!r}") from error
        finally:
            http_response.close()
        return bytes(body)

    def artifact_resolve(self, saml_art: str) -> OneLogin_Saml2_Response:
        resolve_request = ArtifactResolveRequest(
            self._settings,
            saml_art,
            timeout=self._timeout,
            verify=self._verify,
            transport=self._transport,
        )
        try:
            http_response = resolve_request.send()
        except requests.RequestException as error:
            raise BackChannelError(f"artifact resolution failed: {error!r}") from error
        if http_response.status_code != 200:
            raise BackChannelError(f"artifact resolution answered HTTP {http_response.status_code}")

        artifact_response = Artifact_Response(self._settings, self._read(http_response))
        idp = self._settings.get_idp_data()
        try:
            xmlsig.verify_enveloped(artifact_response.document, idp["x509certMulti"]["signing"])
        except xmlsig.SignatureError as error:
            raise ValidationError(
                f"ArtifactResponse signature: {error}", ValidationError.INVALID_SIGNATURE
            ) from error
        if artifact_response.get_in_response_to() != resolve_request.get_id():
            raise ValidationError(
                "ArtifactResponse InResponseTo missing or wrong", ValidationError.WRONG_INRESPONSETO
            )
        issuers = OneLogin_Saml2_XML.query(artifact_response.document, "./saml:Issuer")
        if len(issuers) != 1 or OneLogin_Saml2_XML.element_text(issuers[0]) != idp["entityId"]:
            raise ValidationError(
                "ArtifactResponse Issuer missing or wrong", ValidationError.WRONG_ISSUER
            )
        if not artifact_response.is_valid(resolve_request.get_id()):
            raise ValidationError(f"ArtifactResponse invalid: {artifact_response.get_error()}")
        if len(OneLogin_Saml2_XML.query(artifact_response.document, "./samlp:Response")) != 1:
            # unknown, expired or used artifact: the library would fail with an IndexError
            raise ValidationError("ArtifactResponse carries no Response (artifact unknown or used)")

        response = OneLogin_Saml2_Response(self._settings, artifact_response.get_response_xml())
        response.check_status()  # AuthnFailed (cancel) and other errors carry no assertion
        # Our structural and strict signature checks run before the toolkit's, so that no
        # transform outside the allow-list (XSLT, XPath: S14) ever reaches xmlsec.
        signed_assertion(response, self._sp_config)
        try:
            response.is_valid(self._request_data, raise_exceptions=True)
        except ValidationError as error:
            raise ValidationError(
                f"Response invalid: {response.get_error()}", error.code
            ) from error
        self._last_response = response.get_xml_document()
        return response


class HardenedSaml2Client(BaseSaml2Client):
    """What we change in the library's clients, for eHerkenning and DigiD alike.

    Placed before the library's client in the bases (``class X(HardenedSaml2Client,
    eHerkenningClient)``), so that ``super()`` reaches the library's scheme-specific settings.
    """

    def __init__(self, config: SamlSPConfig, *, transport: BaseAdapter | None = None) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.config = config
        self.transport = transport
        self.cache_timeout = config.request_ttl
        self.authn_storage = AuthnRequestStorage(self.cache_key_prefix, config.request_ttl)  # type: ignore[no-untyped-call]

    @property
    def conf(self) -> dict[str, Any]:
        """What the library's helpers read (never its database singleton)."""
        return {
            "base_url": self.config.base_url,
            "acs_path": self.config.acs_path,
            "entity_id": self.config.entity_id,
        }

    def base_config_dict(self) -> dict[str, Any]:
        """What ``BaseSaml2Client.create_config_dict`` builds, from our configuration and files."""
        config, idp = self.config, self.config.idp
        return {
            "strict": True,
            "debug": False,
            "security": {
                "signMetadata": True,
                "authnRequestsSigned": True,
                "wantAssertionsEncrypted": False,
                "wantAssertionsSigned": True,  # the library's own default here is False
                "wantMessagesSigned": False,  # brokers sign the Assertion, not the Response
                "soapClientKey": str(config.key_pair.key_file),
                "soapClientCert": str(config.key_pair.cert_file),
                "signatureAlgorithm": OneLogin_Saml2_Constants.RSA_SHA256,
                "digestAlgorithm": OneLogin_Saml2_Constants.SHA256,
                # SHA-1 refused (S16); the library never sets it and its create_config keeps it.
                "rejectDeprecatedAlgorithm": True,
            },
            "sp": {
                "entityId": config.entity_id,
                "assertionConsumerService": {
                    "url": config.acs_url,
                    "binding": OneLogin_Saml2_Constants.BINDING_HTTP_ARTIFACT,
                },
                "x509cert": config.key_pair.cert_pem,
                "privateKey": config.key_pair.key_pem,
            },
            "idp": {
                "entityId": idp.entity_id,
                "singleSignOnService": {
                    "url": idp.sso_url,
                    "binding": OneLogin_Saml2_Constants.BINDING_HTTP_POST,
                },
                "artifactResolutionService": [
                    {
                        "url": idp.artifact_resolution_url,
                        "index": str(idp.artifact_resolution_index),
                        "binding": OneLogin_Saml2_Constants.BINDING_SOAP,
                    }
                ],
                # full certificates from our configuration, never a fingerprint
                "x509certMulti": {"signing": list(idp.signing_certs)},
                "resolveArtifactBindingContentType": "text/xml",
            },
        }

    def post_authn_request(
        self, request: HttpRequest, **options: Any
    ) -> tuple[str, dict[str, str], str]:
        """A signed AuthnRequest (HTTP-POST binding): (broker URL, form fields, request id)."""
        saml2_request = saml2_request_data(self.config.base_url, request)
        auth = OneLogin_Saml2_Auth(saml2_request, old_settings=self.saml2_settings)
        url, parameters = auth.login_post(
            return_to="",
            is_passive=False,
            set_nameid_policy=False,
            name_id_value_req=None,
            **options,
        )
        request_id: str = auth.get_last_request_id()
        self.authn_storage.store(request_id, get_client_ip(request))  # type: ignore[no-untyped-call]
        return url, {"SAMLRequest": parameters["SAMLRequest"]}, request_id

    def artifact_resolve(self, request: HttpRequest, saml_art: str) -> OneLogin_Saml2_Response:
        """Resolve and validate; ``verify_saml2_response`` (library) checks InResponseTo."""
        auth = Saml2Auth(
            saml2_request_data(self.config.base_url, request),
            self.saml2_settings,
            timeout=self.config.back_channel_timeout,
            verify=self.config.back_channel_verify,
            transport=self.transport,
            sp_config=self.config,
        )
        response = auth.artifact_resolve(saml_art)
        self.verify_saml2_response(response, get_client_ip(request))  # type: ignore[no-untyped-call]
        return response

    def consume_authn_request(self, request_id: str) -> bool:
        """Forget a sent AuthnRequest; only the first caller gets True (one-time use, S18)."""
        # Django's cache.delete() reports whether *this* call removed the key.
        return cache.delete(self.authn_storage.get_cache_key(request_id))  # type: ignore[no-untyped-call]


class EHerkenningClient(HardenedSaml2Client, eHerkenningClient):
    """One SP entity with one AttributeConsumingService per portal (service)."""

    config: SPConfig

    def __init__(self, config: SPConfig, *, transport: BaseAdapter | None = None) -> None:
        super().__init__(config, transport=transport)

    @property
    def conf(self) -> dict[str, Any]:  # type: ignore[override]
        """The library's configuration dictionary, read by its helpers (base URL, services)."""
        return super().conf | {
            "oin": self.config.oin,
            "services": [
                {
                    "service_uuid": service.service_uuid,
                    "service_instance_uuid": service.service_instance_uuid,
                    "service_name": service.name,
                    "service_description": service.name,
                    "attribute_consuming_service_index": service.attribute_consuming_service_index,
                    "loa": LEVELS[service.minimum_level],
                    "requested_attributes": [],
                    "mark_default": service.mark_default,
                    "language": "nl",
                }
                for service in self.config.services.values()
            ],
        }

    def create_config_dict(self, conf: dict[str, Any]) -> dict[str, Any]:
        """What ``eHerkenningClient.create_config_dict`` builds: one ACS per portal."""
        config_dict = self.base_config_dict()
        config_dict["sp"]["attributeConsumingServices"] = create_attribute_consuming_services(conf)  # type: ignore[arg-type]
        return config_dict

    def create_authn_request(  # type: ignore[override]
        self, request: HttpRequest, *, service: str
    ) -> tuple[str, dict[str, str], str]:
        """A signed AuthnRequest for ``service``: (broker URL, form fields, request id)."""
        return self.post_authn_request(
            request,
            force_authn=True,
            attr_consuming_service_index=(
                self.config.services[service].attribute_consuming_service_index
            ),
        )
