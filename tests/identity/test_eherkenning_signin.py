"""The eHerkenning sign-in end to end: SP login page, test broker, artifact, SOAP, our checks."""

import base64
import hashlib
import io
from urllib.parse import parse_qs, urlsplit

from django.test import Client, override_settings
from django.urls import reverse

import requests

from stap.core.models import AuditEntry
from stap.demo.personas import MIJN_DUO, OPLEIDERSPORTAAL
from stap.identity.eherkenning.back_channel import use_transport
from stap.identity.models import User
from stap.testbroker.identity_provider import ENTITY_ID
from tests import factories
from tests.identity.eherkenning_flow import BrokerTransport, sp_host
from tests.identity.signin_case import SignInTestCase


class HappyPathTests(SignInTestCase):
    def test_a_provider_signs_in_through_the_broker_and_lands_on_the_overview(self) -> None:
        response = self.browser.sign_in()

        self.assertRedirects(response, reverse("provider:overview"), fetch_redirect_response=False)
        self.assertSignedIn(
            kvk_number="90000001",
            level="EH3",
            service="opleidersportaal",
            company_name="Leerhuis Noord B.V.",
            vestigingsnummer="",
        )
        self.assertTrue(AuditEntry.objects.filter(action="identity.signed_in").exists())
        overview = self.client.get(reverse("provider:overview"), headers={"host": sp_host()})
        self.assertEqual(overview.status_code, 200)

    def test_the_flat_identity_form_of_commercial_simulators_is_accepted_too(self) -> None:
        response = self.browser.sign_in(identity_form="flat")

        self.assertRedirects(response, reverse("provider:overview"), fetch_redirect_response=False)
        self.assertSignedIn(kvk_number="90000001", level="EH3")

    def test_level_eh4_is_accepted_for_an_eh3_service(self) -> None:
        self.browser.sign_in(level="EH4")

        self.assertSignedIn(level="EH4")

    def test_a_demo_persona_signs_in_with_one_click(self) -> None:
        response = self.browser.sign_in(action="persona:leerhuis")

        self.assertRedirects(response, reverse("provider:overview"), fetch_redirect_response=False)
        identity = self.assertSignedIn(kvk_number="90000001", company_name="Leerhuis Noord B.V.")
        self.assertTrue(identity["pseudonym"].startswith("ps-"))

    def test_the_pseudonym_is_stable_per_persona_and_kvk(self) -> None:
        self.browser.sign_in(action="persona:leerhuis")
        first = self.assertSignedIn()["pseudonym"]
        other = self.new_browser()
        other.sign_in(action="persona:leerhuis")

        self.assertEqual(self.assertSignedIn(other)["pseudonym"], first)

    def test_mijn_duo_is_its_own_service_with_its_own_index(self) -> None:
        response = self.browser.sign_in(service="mijn_duo", authorisations=[MIJN_DUO])

        self.assertRedirects(response, reverse("duo:home"), fetch_redirect_response=False)
        self.assertSignedIn(service="mijn_duo")

    def test_the_soap_back_channel_carries_a_timeout_and_the_text_xml_content_type(self) -> None:
        self.browser.sign_in()

        (call,) = self.browser.transport.calls
        self.assertEqual(call["timeout"], (3.05, 10.0))
        self.assertEqual(call["content_type"], "text/xml")


class LoginPageTests(SignInTestCase):
    def test_the_login_view_answers_post_only(self) -> None:
        url = reverse("eherkenning:login", kwargs={"service": "opleidersportaal"})

        self.assertEqual(self.client.get(url).status_code, 405)

    def test_the_login_view_is_csrf_protected(self) -> None:
        client = Client(enforce_csrf_checks=True)
        url = reverse("eherkenning:login", kwargs={"service": "opleidersportaal"})

        self.assertEqual(client.post(url).status_code, 403)

    def test_the_page_posts_the_signed_request_with_a_visible_button_and_no_inline_script(
        self,
    ) -> None:
        response = self.client.post(
            reverse("eherkenning:login", kwargs={"service": "opleidersportaal"})
        )

        self.assertContains(response, 'name="SAMLRequest"')
        self.assertContains(response, 'type="submit">Doorgaan naar eHerkenning</button>')
        self.assertContains(response, "eherkenning/auto-submit.js")
        self.assertNotContains(response, "<script>")
        self.assertNotContains(response, "RelayState")

    def test_an_unknown_service_is_refused(self) -> None:
        response = self.client.post(reverse("eherkenning:login", kwargs={"service": "onbekend"}))

        self.assertRefused(response, "unknown_service")


class LevelTests(SignInTestCase):
    def test_s24_a_level_below_eh3_is_refused(self) -> None:
        response = self.browser.sign_in(level="EH2+")

        self.assertRefused(response, "level_too_low", text="niveau EH3 of hoger")
        self.assertContains(response, "U logde in op niveau EH2+", status_code=403)

    def test_s24_level_eh2_is_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(level="EH2"), "level_too_low")

    def test_s24_the_low_level_demo_persona_is_refused_with_advice(self) -> None:
        response = self.browser.sign_in(action="persona:leerhuis-eh2")

        self.assertRefused(response, "level_too_low", text="machtigingenbeheerder")

    def test_s24_an_unknown_level_urn_is_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(attack="unknown_level"), "level_too_low")

    def test_s24_the_refusal_is_audited_with_the_kvk_but_no_bsn(self) -> None:
        self.browser.sign_in(level="EH2+")

        entry = AuditEntry.objects.get(action="identity.sign_in_refused")
        self.assertEqual(entry.organisation_kvk, "90000001")
        self.assertEqual(
            entry.after, {"reason": "level_too_low", "service": "opleidersportaal", "level": "EH2+"}
        )


class ServiceTests(SignInTestCase):
    def test_s25_an_assertion_with_the_service_id_of_mijn_duo_is_refused(self) -> None:
        response = self.browser.sign_in(attack="other_service_id")

        self.assertRefused(response, "wrong_service", text="STAP Opleidersportaal")

    def test_s25_an_assertion_with_the_service_uuid_of_mijn_duo_is_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(attack="other_service_uuid"), "wrong_service")

    def test_s25_an_assertion_for_another_service_provider_is_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(attack="foreign_service_id"), "wrong_service")

    def test_s25_a_person_without_the_opleidersportaal_authorisation_gets_advice(self) -> None:
        response = self.browser.sign_in(action="persona:leerhuis-alleen-duo")

        self.assertRefused(response, "cancelled", text="machtiging voor de dienst")
        self.assertContains(response, "STAP Opleidersportaal", status_code=403)

    def test_s25_an_opleidersportaal_authorisation_does_not_open_mijn_duo(self) -> None:
        response = self.browser.sign_in(service="mijn_duo", authorisations=[OPLEIDERSPORTAAL])

        self.assertRefused(response, "cancelled", text="Mijn DUO voor zakelijke gebruikers")
        self.assertContains(response, "betrouwbaarheidsniveau EH3 of hoger", status_code=403)

    def test_mijn_duo_at_level_eh2_plus_is_refused_naming_the_service_and_level(self) -> None:
        response = self.browser.sign_in(service="mijn_duo", authorisations=[MIJN_DUO], level="EH2+")

        self.assertRefused(
            response,
            "level_too_low",
            text="machtiging voor de dienst ‘Mijn DUO voor zakelijke gebruikers’ op niveau EH3",
        )
        self.assertContains(response, "U logde in op niveau EH2+", status_code=403)
        self.assertContains(response, reverse("duo:start"), status_code=403)


class IdentityTests(SignInTestCase):
    def test_s26_a_response_without_legal_subject_is_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(attack="no_kvk"), "kvk_missing")

    def test_s26_an_rsin_instead_of_a_kvk_number_is_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(attack="rsin_only"), "kvk_missing")

    def test_s26_a_bsn_of_a_sole_proprietor_is_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(attack="bsn_only"), "kvk_missing")

    def test_s26_a_kvk_number_of_seven_digits_is_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(attack="short_kvk"), "kvk_missing")

    def test_s27_a_vestiging_restriction_is_passed_on_and_shown_read_only(self) -> None:
        response = self.browser.sign_in(vestigingsnummer="000012345678")

        self.assertRedirects(response, reverse("provider:overview"), fetch_redirect_response=False)
        self.assertSignedIn(vestigingsnummer="000012345678")
        overview = self.client.get(reverse("provider:overview"), headers={"host": sp_host()})
        self.assertContains(overview, "Uw machtiging geldt alleen voor vestiging 000012345678")

    def test_s27_the_branch_persona_signs_in_restricted(self) -> None:
        factories.organisation(kvk_number="90000002", name="Vakwerk")

        self.browser.sign_in(action="persona:vakwerk-vestiging")

        self.assertSignedIn(kvk_number="90000002", vestigingsnummer="000012345678")

    def test_s12_a_comment_inside_the_kvk_number_does_not_truncate_it(self) -> None:
        self.browser.sign_in(attack="comment_in_kvk")

        self.assertSignedIn(kvk_number="90000001")


class OneTimeAndSessionTests(SignInTestCase):
    def test_s18_the_second_use_of_an_artifact_is_refused_without_asking_the_broker(
        self,
    ) -> None:
        acs_url = self.browser.broker_answer()
        self.browser.return_to_sp(acs_url)
        self.client.logout()
        self.users_before = User.objects.count()

        response = self.browser.return_to_sp(acs_url)

        self.assertRefused(response, "replay", text="maar één keer")
        self.assertEqual(len(self.browser.transport.calls), 1)

    def test_s18_a_response_id_seen_before_is_refused(self) -> None:
        self.browser.sign_in()
        self.users_before = User.objects.count()
        other = self.new_browser()

        response = other.sign_in(attack="repeat_response_id")

        self.assertRefused(response, "replay", browser=other)

    def test_s18_an_assertion_id_seen_before_is_refused(self) -> None:
        self.browser.sign_in()
        self.users_before = User.objects.count()
        other = self.new_browser()

        response = other.sign_in(attack="repeat_assertion_id")

        self.assertRefused(response, "replay", browser=other)

    def test_s17_an_artifact_from_another_browser_session_is_refused(self) -> None:
        acs_url = self.browser.broker_answer()  # the attacker's own sign-in ...
        victim = self.new_browser()

        response = victim.return_to_sp(acs_url)  # ... completed in the victim's browser

        self.assertRefused(response, "session_mismatch", browser=victim)

    def test_s17_the_victims_own_login_still_works_after_a_foreign_artifact(self) -> None:
        victim = self.new_browser()
        victim.return_to_sp(self.browser.broker_answer())

        victim.sign_in()

        self.assertSignedIn(victim)

    def test_s17_an_in_response_to_we_never_sent_is_refused(self) -> None:
        response = self.browser.sign_in(attack="unknown_in_response_to")

        self.assertRefused(response, "session_mismatch")

    def test_s17_a_response_without_in_response_to_is_refused(self) -> None:
        self.assertRefused(
            self.browser.sign_in(attack="missing_in_response_to"), "invalid_response"
        )

    def test_s31_signing_in_gives_a_new_session_key(self) -> None:
        acs_url = self.browser.broker_answer()
        before = self.client.session.session_key

        self.browser.return_to_sp(acs_url)

        self.assertNotEqual(self.client.session.session_key, before)
        self.assertSignedIn()

    def test_s30_a_relay_state_pointing_elsewhere_is_ignored(self) -> None:
        acs_url = self.browser.broker_answer(extra_fields={"RelayState": "https://evil.example/"})
        self.assertEqual(parse_qs(urlsplit(acs_url).query)["RelayState"], ["https://evil.example/"])

        response = self.browser.return_to_sp(acs_url)

        self.assertRedirects(response, reverse("provider:overview"), fetch_redirect_response=False)


class CancelAndErrorTests(SignInTestCase):
    def test_s23_cancel_at_the_broker_shows_that_sign_in_was_cancelled(self) -> None:
        response = self.browser.sign_in(action="cancel")

        self.assertRefused(response, "cancelled", text="Inloggen is afgebroken")

    def test_s23_an_error_at_the_broker_shows_a_friendly_message(self) -> None:
        response = self.browser.sign_in(action="error")

        self.assertRefused(response, "broker_error", text="eHerkenning meldt een fout")


class ArtifactFormatTests(SignInTestCase):
    def artifact(
        self, *, type_code: bytes = b"\x00\x04", index: int = 1, source: str = ENTITY_ID
    ) -> str:
        source_id = hashlib.sha1(source.encode(), usedforsecurity=False).digest()
        raw = type_code + index.to_bytes(2, "big") + source_id + b"\x01" * 20
        return base64.b64encode(raw).decode()

    def assert_refused_without_broker_call(self, saml_art: str) -> None:
        self.browser.start()
        transport = BrokerTransport()
        with use_transport(transport):
            response = self.client.get(reverse("eherkenning:acs"), {"SAMLart": saml_art})
        self.assertRefused(response, "invalid_artifact")
        self.assertEqual(transport.calls, [])

    def test_s28_an_artifact_of_the_wrong_type_is_refused(self) -> None:
        self.assert_refused_without_broker_call(self.artifact(type_code=b"\x00\x01"))

    def test_s28_an_artifact_of_another_broker_is_refused(self) -> None:
        self.assert_refused_without_broker_call(self.artifact(source="urn:other:broker"))

    def test_s28_an_artifact_with_an_unknown_endpoint_index_is_refused(self) -> None:
        self.assert_refused_without_broker_call(self.artifact(index=7))

    def test_s28_an_artifact_that_is_not_base64_is_refused(self) -> None:
        self.assert_refused_without_broker_call("!!not-base64!!")

    def test_s28_a_missing_artifact_is_refused(self) -> None:
        self.assert_refused_without_broker_call("")

    def test_s28_an_unknown_artifact_of_our_broker_is_refused_cleanly(self) -> None:
        self.browser.start()
        with use_transport(self.browser.transport):
            response = self.client.get(reverse("eherkenning:acs"), {"SAMLart": self.artifact()})

        self.assertRefused(response, "invalid_response")


class BackChannelTests(SignInTestCase):
    def test_a_broker_that_does_not_answer_in_time_gives_a_friendly_page(self) -> None:
        class TimingOut(BrokerTransport):
            def respond(self, request: requests.PreparedRequest) -> requests.Response:
                raise requests.exceptions.ReadTimeout("the broker did not answer")

        acs_url = self.browser.broker_answer()
        self.browser.transport = TimingOut()

        response = self.browser.return_to_sp(acs_url)

        self.assertRefused(response, "back_channel_unavailable", status=503)

    def test_a_broker_error_status_on_the_back_channel_gives_a_friendly_page(self) -> None:
        class Failing(BrokerTransport):
            def respond(self, request: requests.PreparedRequest) -> requests.Response:
                response = requests.Response()
                response.status_code = 500
                response.raw = io.BytesIO(b"oops")
                return response

        acs_url = self.browser.broker_answer()
        self.browser.transport = Failing()

        self.assertRefused(
            self.browser.return_to_sp(acs_url), "back_channel_unavailable", status=503
        )

    def test_s33_an_oversized_artifact_response_is_refused(self) -> None:
        class Oversized(BrokerTransport):
            def respond(self, request: requests.PreparedRequest) -> requests.Response:
                signed = super().respond(request).content
                response = requests.Response()
                response.status_code = 200
                response.raw = io.BytesIO(signed + b"<!--" + b"x" * 600_000 + b"-->")
                return response

        acs_url = self.browser.broker_answer()
        self.browser.transport = Oversized()

        self.assertRefused(self.browser.return_to_sp(acs_url), "invalid_response")


class HeaderTests(SignInTestCase):
    def assert_etd_headers(self, response: object) -> None:
        assert hasattr(response, "headers")
        self.assertIn("no-store", response.headers["Cache-Control"])
        self.assertIn("no-cache", response.headers["Cache-Control"])
        self.assertEqual(response.headers["Pragma"], "no-cache")

    def test_s36_the_login_page_and_the_acs_answer_are_not_cached(self) -> None:
        login_page = self.client.post(
            reverse("eherkenning:login", kwargs={"service": "opleidersportaal"})
        )
        self.assert_etd_headers(login_page)
        self.assert_etd_headers(self.browser.sign_in())
        self.assert_etd_headers(self.new_browser().sign_in(level="EH2"))


@override_settings(STAP_TESTBROKER_IDENTITY_FORM="flat")
class FlatBrokerSettingTests(SignInTestCase):
    def test_the_broker_setting_switches_personas_to_the_flat_form(self) -> None:
        self.browser.sign_in(action="persona:leerhuis")

        self.assertSignedIn(kvk_number="90000001")

    def test_s7_a_flat_kvk_changed_after_signing_is_refused(self) -> None:
        self.assertRefused(
            self.browser.sign_in(identity_form="flat", attack="tampered_kvk"), "invalid_response"
        )
