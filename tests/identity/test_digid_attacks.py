"""Attack mode on the DigiD side: malicious answers, refused by the real DigiD SP code path.

The attacks on signatures and messages are those of the eHerkenning matrix (the rows in
docs/eherkenning.md); each runs here as a sub-test of one table, against the DigiD SP. DigiD's own
(another sector, the 11-proef, no NameID, the level) have tests of their own. As for eHerkenning,
the broker still signs the ArtifactResponse correctly unless the attack is about that signature.
"""

import re
from pathlib import Path

from stap.demo.personas import SANNE
from stap.testbroker.attacks import DIGID_ATTACKS, EVIL_BSN
from tests.identity.digid_signin_case import DigiDSignInTestCase

# (row of the matrix, the broker's attack, why the SP refuses, what its log line names)
REFUSED_LIKE_EHERKENNING = [
    ("S1", "unsigned", "invalid_response", ""),
    ("S2", "response_signed_only", "invalid_response", ""),
    ("S3", "artifact_response_unsigned", "invalid_response", "ArtifactResponse signature"),
    ("S4", "foreign_key", "invalid_response", ""),
    ("S4", "eherkenning_side_key", "invalid_response", ""),
    ("S5", "foreign_key_and_cert", "invalid_response", ""),
    ("S6", "hmac_signature", "invalid_response", ""),
    ("S7", "tampered_bsn", "invalid_response", ""),
    ("S8", "xsw1", "invalid_response", ""),
    ("S8", "xsw2", "invalid_response", ""),
    ("S8", "xsw3", "invalid_response", ""),
    ("S8", "xsw4", "invalid_response", ""),
    ("S8", "xsw5", "invalid_response", ""),
    ("S8", "xsw6", "invalid_response", ""),
    ("S8", "xsw7", "invalid_response", ""),
    ("S8", "xsw8", "invalid_response", ""),
    ("S8", "evil_assertion_in_extensions", "invalid_response", "one Assertion outside Advice"),
    ("S9", "advice_signed_original", "invalid_response", ""),
    ("S9", "advice_same_id", "invalid_response", ""),
    ("S9", "advice_signed_evil", "invalid_response", ""),
    ("S10", "reference_to_response", "invalid_response", ""),
    ("S10", "empty_reference_uri", "invalid_response", ""),
    ("S10", "two_signatures", "invalid_response", ""),
    ("S10", "duplicate_id", "invalid_response", ""),
    ("S11", "two_assertions", "invalid_response", ""),
    ("S13", "doctype", "invalid_response", ""),
    ("S14", "xslt_transform", "invalid_response", "Transforms"),
    ("S15", "external_reference_uri", "invalid_response", "Reference"),
    ("S16", "sha1", "invalid_response", "not allowed"),
    ("S17", "unknown_in_response_to", "session_mismatch", ""),
    ("S17", "missing_in_response_to", "invalid_response", ""),
    ("S19", "expired", "invalid_response", ""),
    ("S19", "not_yet_valid", "invalid_response", ""),
    ("S19", "expired_subject_confirmation", "invalid_response", ""),
    ("S20", "other_audience", "invalid_response", ""),
    ("S20", "no_audience", "invalid_response", ""),
    ("S21", "other_destination", "invalid_response", ""),
    ("S21", "empty_destination", "invalid_response", ""),
    ("S21", "other_recipient", "invalid_response", ""),
    ("S22", "other_issuer_response", "invalid_response", ""),
    ("S22", "other_issuer_assertion", "invalid_response", ""),
    ("S22", "other_issuer_artifact_response", "invalid_response", "Issuer"),
]


class AttacksOnSignaturesAndMessagesTests(DigiDSignInTestCase):
    def test_every_attack_of_the_eherkenning_matrix_that_applies_to_digid_is_refused(
        self,
    ) -> None:
        for row, attack, reason, logged in REFUSED_LIKE_EHERKENNING:
            with self.subTest(row=row, attack=attack):
                browser = self.new_browser()
                with self.assertLogs("stap.identity.digid.views", "WARNING") as logs:
                    response = browser.sign_in(attack=attack)

                self.assertRefused(response, reason, browser=browser)
                self.assertIn(logged, logs.output[0])

    def test_no_wrapping_attack_signs_in_the_attackers_bsn(self) -> None:
        for attack in ("xsw3", "xsw4", "xsw7", "two_assertions", "advice_signed_evil"):
            with self.subTest(attack=attack):
                browser = self.new_browser()

                browser.sign_in(attack=attack)

                self.assertNotIn(EVIL_BSN, str(dict(browser.client.session)))

    def test_s7_a_level_raised_to_hoog_after_signing_is_refused(self) -> None:
        response = self.browser.sign_in(level="Basis", attack="tampered_level")

        self.assertRefused(response, "invalid_response")

    def test_s12_a_comment_inside_the_bsn_does_not_cut_it_short(self) -> None:
        self.browser.sign_in(attack="comment_in_bsn")

        self.assertSignedIn(bsn=SANNE.bsn)

    def test_s18_response_and_assertion_ids_of_an_earlier_answer_are_refused(self) -> None:
        for attack in ("repeat_response_id", "repeat_assertion_id"):
            with self.subTest(attack=attack):
                self.new_browser().sign_in()  # the answer whose ids are sent again
                browser = self.new_browser()

                self.assertRefused(browser.sign_in(attack=attack), "replay", browser=browser)


class LevelAndIdentityTests(DigiDSignInTestCase):
    def test_s24_basis_is_refused_even_when_digid_signed_it(self) -> None:
        response = self.browser.sign_in(attack="too_low_level")

        self.assertRefused(response, "level_too_low", text="U logde in op niveau Basis")

    def test_s24_a_level_that_is_not_a_digid_level_is_refused(self) -> None:
        response = self.browser.sign_in(attack="unknown_level")

        self.assertRefused(response, "level_too_low", text="U logde in op niveau onbekend")

    def test_d1_a_sofi_number_instead_of_a_bsn_is_refused(self) -> None:
        response = self.browser.sign_in(attack="sofi_sector")

        self.assertRefused(response, "wrong_sector", text="Geen burgerservicenummer ontvangen")

    def test_d2_a_signed_number_that_fails_the_11_proef_is_refused(self) -> None:
        response = self.browser.sign_in(attack="bsn_fails_11_proef")

        self.assertRefused(response, "bsn_invalid", text="Geen geldig burgerservicenummer")

    def test_d3_an_assertion_without_name_id_is_refused(self) -> None:
        self.assertRefused(self.browser.sign_in(attack="no_name_id"), "bsn_invalid")


class CoverageTests(DigiDSignInTestCase):
    def test_every_attack_of_the_digid_side_is_tried_here(self) -> None:
        source = Path(__file__).read_text(encoding="utf-8")
        tried = set(re.findall(r'"([a-z0-9_]+)"', source)) & set(DIGID_ATTACKS)

        self.assertEqual(set(DIGID_ATTACKS) - tried, set())
