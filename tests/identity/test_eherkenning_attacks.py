"""Attack mode: the test broker sends malicious responses; the real SP code path refuses them.

Unless a test says otherwise, the broker still signs the ArtifactResponse correctly, so that each
test reaches the check it is about (the Assertion, the Response) instead of stopping at the
ArtifactResponse signature.
"""

from tests.identity.signin_case import SignInTestCase


class SignatureTests(SignInTestCase):
    def test_s1_an_unsigned_assertion_and_response_are_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(attack="unsigned"), "invalid_response")

    def test_s2_a_signed_response_with_an_unsigned_assertion_is_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(attack="response_signed_only"), "invalid_response")

    def test_s3_an_artifact_response_without_signature_is_refused(self) -> None:
        response = self.browser.sign_in(attack="artifact_response_unsigned")

        self.assertRefused(response, "invalid_response")

    def test_s4_an_assertion_signed_with_a_foreign_key_is_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(attack="foreign_key"), "invalid_response")

    def test_s5_a_foreign_key_with_its_own_certificate_in_key_info_is_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(attack="foreign_key_and_cert"), "invalid_response")

    def test_s6_an_hmac_signature_with_the_key_in_key_info_is_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(attack="hmac_signature"), "invalid_response")

    def test_s7_a_kvk_number_replaced_after_signing_is_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(attack="tampered_kvk"), "invalid_response")

    def test_s7_a_level_raised_after_signing_is_refused(self) -> None:
        response = self.browser.sign_in(level="EH2", attack="tampered_level")

        self.assertRefused(response, "invalid_response")

    def test_s16_an_rsa_sha1_signature_is_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(attack="sha1"), "invalid_response")


class SignatureWrappingTests(SignInTestCase):
    """S8 (XSW1-8, after SAML Raider / spid-sp-test) and S9 (wrapping through ``<Advice>``)."""

    def test_s8_xsw1_an_evil_response_with_the_original_inside_its_signature_is_refused(
        self,
    ) -> None:
        self.assertRefused(self.browser.sign_in(attack="xsw1"), "invalid_response")

    def test_s8_xsw2_an_evil_response_with_the_original_before_its_signature_is_refused(
        self,
    ) -> None:
        self.assertRefused(self.browser.sign_in(attack="xsw2"), "invalid_response")

    def test_s8_xsw3_an_evil_assertion_before_the_signed_one_is_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(attack="xsw3"), "invalid_response")

    def test_s8_xsw4_the_signed_assertion_inside_an_evil_one_is_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(attack="xsw4"), "invalid_response")

    def test_s8_xsw5_the_signature_moved_to_an_evil_copy_is_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(attack="xsw5"), "invalid_response")

    def test_s8_xsw6_the_original_inside_the_evil_copys_signature_is_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(attack="xsw6"), "invalid_response")

    def test_s8_xsw7_the_signed_assertion_hidden_in_extensions_is_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(attack="xsw7"), "invalid_response")

    def test_s8_xsw8_the_unsigned_original_in_a_signature_object_is_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(attack="xsw8"), "invalid_response")

    def test_s9_the_signed_assertion_moved_into_advice_of_an_evil_one_is_refused(self) -> None:
        response = self.browser.sign_in(attack="advice_signed_original")

        self.assertRefused(response, "invalid_response")

    def test_s9_an_evil_copy_with_the_signed_id_inside_advice_is_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(attack="advice_same_id"), "invalid_response")

    def test_s9_an_unsigned_assertion_with_a_signed_one_in_its_advice_is_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(attack="advice_signed_evil"), "invalid_response")

    def test_s10_a_reference_to_another_element_is_refused(self) -> None:
        response = self.browser.sign_in(attack="reference_to_response")

        self.assertRefused(response, "invalid_response")

    def test_s10_an_empty_reference_uri_is_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(attack="empty_reference_uri"), "invalid_response")

    def test_s10_two_signatures_on_the_assertion_are_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(attack="two_signatures"), "invalid_response")

    def test_s10_a_second_element_with_the_assertions_id_is_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(attack="duplicate_id"), "invalid_response")

    def test_s8_an_evil_assertion_in_extensions_next_to_the_signed_one_is_refused(self) -> None:
        with self.assertLogs("stap.identity.eherkenning.views", "WARNING") as logs:
            response = self.browser.sign_in(attack="evil_assertion_in_extensions")

        self.assertRefused(response, "invalid_response")
        self.assertIn("expected one Assertion outside Advice", logs.output[0])

    def test_s14_an_xslt_transform_is_refused_before_xmlsec_runs_it(self) -> None:
        with self.assertLogs("stap.identity.eherkenning.views", "WARNING") as logs:
            response = self.browser.sign_in(attack="xslt_transform")

        self.assertRefused(response, "invalid_response")
        self.assertIn("Transforms", logs.output[0])

    def test_s15_a_reference_uri_to_another_host_is_refused(self) -> None:
        with self.assertLogs("stap.identity.eherkenning.views", "WARNING") as logs:
            response = self.browser.sign_in(attack="external_reference_uri")

        self.assertRefused(response, "invalid_response")
        self.assertIn("Reference", logs.output[0])

    def test_s11_a_second_unsigned_assertion_is_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(attack="two_assertions"), "invalid_response")


class MessageTests(SignInTestCase):
    def test_s32_an_identity_encrypted_for_another_recipient_is_refused_cleanly(self) -> None:
        response = self.browser.sign_in(attack="encrypted_for_another_key")

        self.assertRefused(response, "invalid_response")

    def test_s13_a_doctype_with_an_external_entity_is_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(attack="doctype"), "invalid_response")

    def test_s19_an_expired_assertion_is_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(attack="expired"), "invalid_response")

    def test_s19_an_assertion_that_is_not_yet_valid_is_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(attack="not_yet_valid"), "invalid_response")

    def test_s19_an_expired_subject_confirmation_is_refused(self) -> None:
        response = self.browser.sign_in(attack="expired_subject_confirmation")

        self.assertRefused(response, "invalid_response")

    def test_s20_an_assertion_for_another_audience_is_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(attack="other_audience"), "invalid_response")

    def test_s20_an_assertion_without_audience_restriction_is_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(attack="no_audience"), "invalid_response")

    def test_s21_a_response_for_another_destination_is_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(attack="other_destination"), "invalid_response")

    def test_s21_an_empty_destination_is_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(attack="empty_destination"), "invalid_response")

    def test_s21_a_recipient_that_merely_contains_our_acs_url_is_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(attack="other_recipient"), "invalid_response")

    def test_s22_a_response_issued_by_another_broker_is_refused(self) -> None:
        response = self.browser.sign_in(attack="other_issuer_response")

        self.assertRefused(response, "invalid_response")

    def test_s22_an_assertion_issued_by_another_broker_is_refused(self) -> None:
        response = self.browser.sign_in(attack="other_issuer_assertion")

        self.assertRefused(response, "invalid_response")

    def test_s22_an_artifact_response_issued_by_another_broker_is_refused(self) -> None:
        response = self.browser.sign_in(attack="other_issuer_artifact_response")

        self.assertRefused(response, "invalid_response")
