"""The DigiD sign-in end to end: Mijn STAP-budget, the broker's DigiD side, SOAP, our checks."""

import base64
import hashlib
import io
import logging
from urllib.parse import parse_qs, urlencode, urlsplit

from django.test import override_settings
from django.urls import reverse

import requests
from lxml import etree

from stap.core.identifiers import mask_bsn
from stap.core.models import AuditEntry
from stap.demo.personas import FATIMA, HENK_BASIS, SANNE
from stap.identity.digid.config import digid_config
from stap.identity.eherkenning.back_channel import use_transport
from stap.identity.signin import DIGID_SESSION_KEY, SESSION_KEY, DigiDIdentity
from stap.testbroker.identity_provider import DIGID_ENTITY_ID, ENTITY_ID
from tests.identity.digid_signin_case import DigiDSignInTestCase
from tests.identity.eherkenning_flow import BrokerTransport, EHerkenningBrowser, sp_host
from tests.signin import sign_in_provider

SAML = "{urn:oasis:names:tc:SAML:2.0:assertion}"
SAMLP = "{urn:oasis:names:tc:SAML:2.0:protocol}"


class HappyPathTests(DigiDSignInTestCase):
    def test_a_citizen_signs_in_with_digid_and_lands_on_mijn_stap_budget(self) -> None:
        response = self.browser.sign_in()

        self.assertRedirects(response, reverse("citizen:home"), fetch_redirect_response=False)
        self.assertSignedIn(bsn=SANNE.bsn, level="Midden")
        home = self.client.get(reverse("citizen:home"), headers={"host": sp_host()})
        self.assertContains(home, mask_bsn(SANNE.bsn))

    def test_the_sign_in_is_audited_with_the_masked_bsn_and_the_level(self) -> None:
        self.browser.sign_in()

        entry = AuditEntry.objects.get(action="identity.signed_in")
        self.assertEqual(entry.actor_kind, "citizen")
        self.assertEqual(entry.actor_id, mask_bsn(SANNE.bsn))
        self.assertEqual(entry.channel, "sign_in")
        self.assertEqual(entry.after, {"service": "mijn_stap_budget", "level": "Midden"})

    def test_levels_above_midden_are_accepted(self) -> None:
        for level in ("Substantieel", "Hoog"):
            with self.subTest(level=level):
                browser = self.new_browser()

                browser.sign_in(level=level)

                self.assertSignedIn(browser, level=level)

    def test_a_demo_persona_signs_in_with_one_click(self) -> None:
        response = self.browser.sign_in(action=f"persona:{FATIMA.key}")

        self.assertRedirects(response, reverse("citizen:home"), fetch_redirect_response=False)
        self.assertSignedIn(bsn=FATIMA.bsn, level="Substantieel")

    def test_the_signed_authn_request_asks_for_at_least_midden_by_artifact_binding(self) -> None:
        url, fields = self.browser.start()
        request = etree.fromstring(base64.b64decode(fields["SAMLRequest"]))

        self.assertEqual(url, request.get("Destination"))
        self.assertTrue(url.endswith("/testbroker/digid/sso/"))
        self.assertEqual(
            request.get("ProtocolBinding"), "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact"
        )
        self.assertEqual(request.get("AssertionConsumerServiceURL").split("/", 3)[3], "digid/acs/")
        requested = request.find(f"{SAMLP}RequestedAuthnContext")
        self.assertEqual(requested.get("Comparison"), "minimum")
        self.assertEqual(
            [element.text for element in requested],
            ["urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract"],
        )
        self.assertIsNotNone(request.find("{http://www.w3.org/2000/09/xmldsig#}Signature"))

    def test_the_back_channel_asks_the_digid_side_with_a_timeout_and_text_xml(self) -> None:
        self.browser.sign_in()

        (call,) = self.browser.transport.calls
        self.assertTrue(call["url"].endswith("/testbroker/digid/ars/"))
        self.assertEqual(call["timeout"], (3.05, 10.0))
        self.assertEqual(call["content_type"], "text/xml")


class LoginPageTests(DigiDSignInTestCase):
    def test_the_login_view_answers_post_only(self) -> None:
        self.assertEqual(self.client.get(reverse("digid:login")).status_code, 405)

    def test_the_login_view_is_csrf_protected(self) -> None:
        client = self.client_class(enforce_csrf_checks=True)

        self.assertEqual(client.post(reverse("digid:login")).status_code, 403)

    def test_the_page_posts_the_signed_request_with_a_visible_button_and_no_inline_script(
        self,
    ) -> None:
        response = self.client.post(reverse("digid:login"))

        self.assertContains(response, '<form id="digid-authn-request"')
        self.assertContains(response, 'name="SAMLRequest"')
        self.assertContains(response, 'type="submit">Doorgaan naar DigiD</button>')
        self.assertContains(response, "eherkenning/auto-submit.js")
        self.assertNotContains(response, "<script>")
        self.assertNotContains(response, "RelayState")


class LevelTests(DigiDSignInTestCase):
    def test_s24_basis_is_refused_with_advice_to_use_the_app_or_sms(self) -> None:
        response = self.browser.sign_in(level="Basis")

        self.assertRefused(response, "level_too_low", text="niveau Midden of hoger")
        self.assertContains(response, "U logde in op niveau Basis", status_code=403)
        self.assertContains(response, "DigiD app", status_code=403)

    def test_s24_the_basis_persona_is_refused(self) -> None:
        response = self.browser.sign_in(action=f"persona:{HENK_BASIS.key}")

        self.assertRefused(response, "level_too_low")

    def test_s24_the_refusal_is_audited_with_the_masked_bsn_and_the_level(self) -> None:
        self.browser.sign_in(action=f"persona:{HENK_BASIS.key}")

        entry = AuditEntry.objects.get(action="identity.sign_in_refused")
        self.assertEqual(entry.actor_kind, "citizen")
        self.assertEqual(entry.actor_id, mask_bsn(HENK_BASIS.bsn))
        self.assertEqual(
            entry.after,
            {"reason": "level_too_low", "service": "mijn_stap_budget", "level": "Basis"},
        )


class BsnTests(DigiDSignInTestCase):
    def test_d2_a_number_that_fails_the_11_proef_is_refused(self) -> None:
        response = self.browser.sign_in(bsn="999990010")

        self.assertRefused(response, "bsn_invalid", text="Geen geldig burgerservicenummer")
        entry = AuditEntry.objects.get(action="identity.sign_in_refused")
        self.assertEqual((entry.actor_kind, entry.actor_id), ("system", "digid"))

    def test_a_citizen_who_is_not_in_the_population_register_still_signs_in(self) -> None:
        self.browser.sign_in(bsn="999990056")

        self.assertSignedIn(bsn="999990056")


class PrivacyTests(DigiDSignInTestCase):
    def test_the_bsn_is_in_no_url_of_the_sign_in(self) -> None:
        url, fields = self.browser.start()
        persona_page = self.browser.post_to_broker(url, fields)
        acs_url = self.browser.choose(persona_page, {"action": f"persona:{SANNE.key}"})
        landing = self.browser.return_to_sp(acs_url)

        for address in (url, persona_page, acs_url, landing["Location"]):
            self.assertNotIn(SANNE.bsn, address)
        self.assertSignedIn()

    def test_the_bsn_is_in_no_log_line_when_signing_in_or_refused(self) -> None:
        with self.assertLogs(level=logging.DEBUG) as logs:
            self.browser.sign_in()
            self.new_browser().sign_in(action=f"persona:{HENK_BASIS.key}")
            self.new_browser().sign_in(attack="sofi_sector")

        self.assertTrue(
            any("DigiD sign-in refused (level_too_low)" in line for line in logs.output)
        )
        for bsn in (SANNE.bsn, HENK_BASIS.bsn):
            self.assertFalse([line for line in logs.output if bsn in line], bsn)

    def test_the_bsn_is_in_no_audit_entry(self) -> None:
        self.browser.sign_in()
        self.new_browser().sign_in(action=f"persona:{HENK_BASIS.key}")

        entries = AuditEntry.objects.all()
        self.assertEqual(entries.count(), 2)
        for entry in entries:
            self.assertNotRegex(f"{entry.actor_id} {entry.before} {entry.after}", r"[0-9]{9}")

    def test_the_identity_keeps_the_bsn_out_of_its_representation(self) -> None:
        identity = DigiDIdentity(bsn=SANNE.bsn, level="Midden")

        self.assertNotIn(SANNE.bsn, repr(identity))
        self.assertEqual(identity.masked_bsn, "••••••019")


class SessionTests(DigiDSignInTestCase):
    def test_s31_the_session_key_before_the_sign_in_is_not_the_one_after_it(self) -> None:
        acs_url = self.browser.broker_answer()
        key_while_signing_in = self.client.session.session_key

        self.browser.return_to_sp(acs_url)

        self.assertSignedIn()
        self.assertNotEqual(key_while_signing_in, self.client.session.session_key)

    def test_the_session_ends_after_at_most_15_minutes_without_activity(self) -> None:
        for session_cookie_age, expected in ((15 * 60, 900), (60 * 60, 900), (10 * 60, 600)):
            with (
                self.subTest(session_cookie_age=session_cookie_age),
                override_settings(SESSION_COOKIE_AGE=session_cookie_age),
            ):
                browser = self.new_browser()

                browser.sign_in()

                self.assertEqual(browser.client.session.get_expiry_age(), expected)

    def test_signing_in_with_digid_signs_out_a_provider_in_the_same_browser(self) -> None:
        sign_in_provider(self.client, kvk_number="90000001")

        self.browser.sign_in()

        self.assertSignedIn()
        self.assertNotIn(SESSION_KEY, self.client.session)
        self.assertEqual(
            self.client.get(reverse("provider:overview"), headers={"host": sp_host()})["Location"],
            reverse("provider:start"),
        )

    def test_an_eherkenning_sign_in_in_the_same_browser_ends_the_digid_one(self) -> None:
        self.browser.sign_in()

        EHerkenningBrowser(self.client).sign_in()

        self.assertNotIn(DIGID_SESSION_KEY, self.client.session)
        self.assertIn(SESSION_KEY, self.client.session)
        self.assertRedirects(
            self.client.get(reverse("citizen:home"), headers={"host": sp_host()}),
            reverse("citizen:start"),
            fetch_redirect_response=False,
        )


class OneTimeAndSessionBindingTests(DigiDSignInTestCase):
    def test_s18_an_artifact_that_signed_someone_in_is_refused_next_time_unasked(self) -> None:
        used = self.browser.broker_answer()
        self.browser.return_to_sp(used)
        self.client.post(reverse("citizen:sign_out"))

        self.assertRefused(self.browser.return_to_sp(used), "replay", text="maar één keer")
        self.assertEqual(len(self.browser.transport.calls), 1)  # only the first use asked DigiD

    def test_s17_an_answer_to_a_sign_in_started_in_another_browser_is_refused(self) -> None:
        attackers_answer = self.browser.broker_answer()
        victim = self.new_browser()

        refused = victim.return_to_sp(attackers_answer)

        self.assertRefused(refused, "session_mismatch", browser=victim)
        victim.sign_in()  # the victim's own sign-in is not spoilt by it
        self.assertSignedIn(victim)

    def test_s17_an_eherkenning_sign_in_started_in_this_browser_does_not_accept_a_digid_answer(
        self,
    ) -> None:
        EHerkenningBrowser(self.client).start()
        acs_url = self.new_browser().broker_answer()
        stolen = parse_qs(urlsplit(acs_url).query)["SAMLart"][0]

        with use_transport(BrokerTransport()):
            response = self.client.get(reverse("eherkenning:acs"), {"SAMLart": stolen})

        self.assertEqual(response.status_code, 403)
        entry = AuditEntry.objects.get(action="identity.sign_in_refused")
        self.assertEqual(entry.after and entry.after["reason"], "invalid_artifact")

    def test_s30_the_relay_state_never_decides_where_the_citizen_lands(self) -> None:
        answer = self.browser.broker_answer(extra_fields={"RelayState": "https://evil.example/"})

        landing = self.browser.return_to_sp(answer)

        self.assertIn("RelayState=https%3A%2F%2Fevil.example%2F", answer)
        self.assertEqual(landing["Location"], reverse("citizen:home"))


class CancelAndErrorTests(DigiDSignInTestCase):
    def test_s23_cancel_at_digid_shows_that_signing_in_was_cancelled(self) -> None:
        response = self.browser.sign_in(action="cancel")

        self.assertRefused(response, "cancelled", text="Het inloggen met DigiD is afgebroken")

    def test_s23_an_error_at_digid_shows_a_friendly_message(self) -> None:
        response = self.browser.sign_in(action="error")

        self.assertRefused(response, "broker_error", text="DigiD meldt een fout")


def artifact(*, type_code: int = 4, index: int = 1, source: str = DIGID_ENTITY_ID) -> str:
    """SAMLBind 3.6.4: type code, endpoint index, SourceID (SHA-1 of the entity id), handle."""
    source_id = hashlib.sha1(source.encode(), usedforsecurity=False).digest()
    handle = bytes(range(20))
    return base64.b64encode(
        type_code.to_bytes(2, "big") + index.to_bytes(2, "big") + source_id + handle
    ).decode()


def acs_with(saml_art: str) -> str:
    return f"{digid_config().acs_url}?{urlencode({'SAMLart': saml_art})}"


class ArtifactFormatTests(DigiDSignInTestCase):
    def test_s28_a_malformed_or_foreign_artifact_is_refused_before_digid_is_asked(self) -> None:
        for case, saml_art in {
            "type 0x0001": artifact(type_code=1),
            "the eHerkenning side's": artifact(source=ENTITY_ID),
            "endpoint index 7": artifact(index=7),
            "not base64": "!!not-base64!!",
            "none at all": "",
        }.items():
            with self.subTest(case):
                browser = self.new_browser()
                browser.start()

                refused = browser.return_to_sp(acs_with(saml_art))

                self.assertRefused(refused, "invalid_artifact", browser=browser)
                self.assertFalse(browser.transport.calls)

    def test_s28_a_well_formed_artifact_digid_does_not_know_is_refused_cleanly(self) -> None:
        self.browser.start()

        refused = self.browser.return_to_sp(acs_with(artifact()))

        self.assertRefused(refused, "invalid_response")
        self.assertEqual(len(self.browser.transport.calls), 1)


class Misbehaving(BrokerTransport):
    """The back channel to DigiD, failing in one way: too slow, an error status, or too long."""

    def __init__(self, *, slow: bool = False, status: int = 200, padding: int = 0) -> None:
        super().__init__()
        self.slow, self.status, self.padding = slow, status, padding

    def respond(self, request: requests.PreparedRequest) -> requests.Response:
        if self.slow:
            raise requests.exceptions.ReadTimeout("DigiD did not answer in time")
        body = super().respond(request).content + b"<!--" + b"x" * self.padding + b"-->"
        answer = requests.Response()
        answer.status_code, answer.raw = self.status, io.BytesIO(body)
        return answer


class BackChannelTests(DigiDSignInTestCase):
    def test_digid_out_of_reach_gets_a_friendly_page_and_a_bad_answer_a_refusal(self) -> None:
        for transport, reason, status in (
            (Misbehaving(slow=True), "back_channel_unavailable", 503),
            (Misbehaving(status=500), "back_channel_unavailable", 503),
            (Misbehaving(padding=600_000), "invalid_response", 403),  # S33
        ):
            with self.subTest(reason=reason, status=status):
                browser = self.new_browser()
                answer = browser.broker_answer()
                browser.transport = transport

                self.assertRefused(
                    browser.return_to_sp(answer), reason, browser=browser, status=status
                )

    def test_the_page_for_an_unreachable_digid_says_to_try_again_later(self) -> None:
        answer = self.browser.broker_answer()
        self.browser.transport = Misbehaving(slow=True)

        response = self.browser.return_to_sp(answer)

        self.assertContains(response, "DigiD is nu niet bereikbaar", status_code=503)
        self.assertContains(response, "over een paar minuten opnieuw", status_code=503)


class HeaderTests(DigiDSignInTestCase):
    def test_s36_the_login_page_and_the_acs_answers_are_not_cached(self) -> None:
        for response in (
            self.client.post(reverse("digid:login")),
            self.browser.sign_in(),
            self.new_browser().sign_in(level="Basis"),
        ):
            with self.subTest(status=response.status_code):
                self.assertIn("no-store", response.headers["Cache-Control"])
                self.assertIn("no-cache", response.headers["Cache-Control"])
                self.assertEqual(response.headers["Pragma"], "no-cache")
