"""Drives a sign-in like a browser: SP login page -> test broker -> ACS, through the test client.

The only thing replaced is the network of the SOAP back channel: ``BrokerTransport`` is a
``requests`` adapter that hands the signed ArtifactResolve to the broker's view and returns its
answer. Every check of the SP runs as in production.
"""

import html
import io
import re
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import reverse

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from stap.demo.personas import OPLEIDERSPORTAAL
from stap.identity.eherkenning.back_channel import use_transport


def sp_host() -> str:
    return urlsplit(settings.STAP_BASE_URL).netloc


def broker_host() -> str:
    return urlsplit(settings.STAP_TESTBROKER_BASE_URL).netloc


class BrokerTransport(BaseAdapter):
    """Routes the SP's ArtifactResolve POST into the test broker's view, on the broker host."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[dict[str, Any]] = []

    def send(  # type: ignore[override]
        self, request: requests.PreparedRequest, **kwargs: Any
    ) -> requests.Response:
        self.calls.append(
            {
                "url": request.url,
                "timeout": kwargs.get("timeout"),
                "content_type": request.headers.get("content-type"),
            }
        )
        return self.respond(request)

    def respond(self, request: requests.PreparedRequest) -> requests.Response:
        """The broker's answer: its artifact resolution view, called on the broker host."""
        url = urlsplit(request.url or "")
        body = request.body if isinstance(request.body, bytes) else str(request.body).encode()
        answer = Client().post(
            url.path,
            data=body,
            content_type=request.headers.get("content-type", "text/xml"),
            headers={"host": url.netloc},
        )
        response = requests.Response()
        response.status_code = answer.status_code
        response.raw = io.BytesIO(answer.content)
        response.headers = CaseInsensitiveDict({"Content-Type": answer["Content-Type"]})
        response.url = request.url or ""
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        pass


class EHerkenningBrowser:
    """One browser (one test client) going through the sign-in, step by step."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.transport = BrokerTransport()

    def start(self, service: str = "opleidersportaal") -> tuple[str, dict[str, str]]:
        return self.start_at(reverse("eherkenning:login", kwargs={"service": service}))

    def start_at(self, path: str) -> tuple[str, dict[str, str]]:
        """POST to a page of ours that answers with the form that goes to the broker."""
        page = self.client.post(path, headers={"host": sp_host()})
        assert page.status_code == 200, page.status_code
        text = page.content.decode()
        action = re.search(r'<form id="eherkenning-authn-request" action="([^"]+)"', text)
        assert action is not None
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', text))
        return html.unescape(action.group(1)), {k: html.unescape(v) for k, v in fields.items()}

    def post_to_broker(self, url: str, fields: dict[str, str]) -> str:
        """The auto-submitted form; returns the persona page path."""
        answer = self.client.post(urlsplit(url).path, data=fields, headers={"host": broker_host()})
        assert answer.status_code == 302, (answer.status_code, answer.content[:300])
        return str(answer["Location"])

    def choose(self, persona_page: str, data: dict[str, Any]) -> str:
        """Submit the persona page; returns the absolute ACS URL the broker redirects to."""
        answer = self.client.post(persona_page, data=data, headers={"host": broker_host()})
        assert answer.status_code == 302, (answer.status_code, answer.content[:500])
        return str(answer["Location"])

    def return_to_sp(self, acs_url: str) -> HttpResponseBase:
        url = urlsplit(acs_url)
        with use_transport(self.transport):
            return self.client.get(f"{url.path}?{url.query}", headers={"host": url.netloc})

    def broker_answer(self, *, service: str = "opleidersportaal", **choices: Any) -> str:
        """Start a sign-in and let the broker answer; returns the ACS URL with the artifact."""
        url, fields = self.start(service)
        persona_page = self.post_to_broker(url, fields | choices.pop("extra_fields", {}))
        return self.choose(persona_page, form_data(**choices))

    def sign_in(self, *, service: str = "opleidersportaal", **choices: Any) -> HttpResponseBase:
        return self.return_to_sp(self.broker_answer(service=service, **choices))


def form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "action": "login",
        "kvk_number": "90000001",
        "vestigingsnummer": "",
        "company_name": "Leerhuis Noord B.V.",
        "level": "EH3",
        "authorisations": [OPLEIDERSPORTAAL],
        "identity_form": "etd",
        "attack": "",
    }
    data.update(overrides)
    return data
