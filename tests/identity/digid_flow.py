"""Drives a DigiD sign-in like a browser: Mijn STAP-budget -> test broker (DigiD side) -> ACS.

As for eHerkenning (``eherkenning_flow``), only the network of the SOAP back channel is replaced
(``BrokerTransport``); every check of the SP runs as in production.
"""

import datetime as dt
import html
import re
from typing import Any

from django.urls import reverse
from django.utils import timezone

from stap.demo.personas import SANNE
from stap.identity.models import Resident
from tests.identity.eherkenning_flow import EHerkenningBrowser, sp_host

AUTHN_REQUEST_FORM = re.compile(r'<form id="digid-authn-request" action="([^"]+)"')


class DigiDBrowser(EHerkenningBrowser):
    """One browser going through the DigiD sign-in; the steps are those of eHerkenning."""

    def start(self, service: str = "digid") -> tuple[str, dict[str, str]]:
        return self.start_at(reverse("digid:login"))

    def start_at(self, path: str) -> tuple[str, dict[str, str]]:
        page = self.client.post(path, headers={"host": sp_host()})
        assert page.status_code == 200, page.status_code
        text = page.content.decode()
        action = AUTHN_REQUEST_FORM.search(text)
        assert action is not None
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', text))
        return html.unescape(action.group(1)), {k: html.unescape(v) for k, v in fields.items()}

    def broker_answer(self, *, service: str = "digid", **choices: Any) -> str:
        url, fields = self.start(service)
        persona_page = self.post_to_broker(url, fields | choices.pop("extra_fields", {}))
        return self.choose(persona_page, digid_form_data(**choices))


def digid_form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"action": "login", "bsn": SANNE.bsn, "level": "Midden", "attack": ""}
    data.update(overrides)
    return data


def in_population_register(
    bsn: str, first_names: str, last_name: str, *, name_prefix: str = ""
) -> Resident:
    """The citizen's record in the stand-in population register (BRP)."""
    return Resident.objects.create(
        bsn=bsn,
        first_names=first_names,
        name_prefix=name_prefix,
        last_name=last_name,
        birth_date=dt.date(1988, 4, 12),
        updated_at=timezone.now(),
    )
