"""Verification codes: enough randomness, nothing that reads as something else, typed back in any
way a person would."""

import math
from unittest.mock import patch

from django.test import TestCase

import time_machine
from hypothesis import given
from hypothesis import strategies as st

from stap.enrolments.models import RegistrationProof
from stap.enrolments.proofs import codes
from stap.enrolments.proofs.services import proof_issue
from tests.enrolments.register_fixture import MOMENT, build_register, good_row
from tests.enrolments.test_proofs_services import provider_actor


def test_a_code_carries_at_least_50_random_bits() -> None:
    assert codes.BITS >= 50
    assert codes.LENGTH * math.log2(len(codes.ALPHABET)) == codes.BITS


def test_the_alphabet_has_no_characters_that_read_as_others() -> None:
    assert set(codes.ALPHABET).isdisjoint("0O1I")
    assert len(set(codes.ALPHABET)) == len(codes.ALPHABET) == 32


def test_a_new_code_uses_only_the_alphabet_and_is_different_every_time() -> None:
    made = {codes.new_code() for _ in range(1000)}

    assert len(made) == 1000
    assert all(len(code) == codes.LENGTH and set(code) <= set(codes.ALPHABET) for code in made)


def test_a_code_is_shown_in_groups_of_four() -> None:
    assert codes.shown("ABCDEFGHJKMN") == "ABCD-EFGH-JKMN"


def test_a_code_is_read_back_in_lower_case_with_spaces_and_dashes() -> None:
    for typed in ("abcd-efgh-jkmn", " ABCD EFGH JKMN ", "abcdefghjkmn", "ABCD – EFGH – JKMN"):
        assert codes.normalised(typed) == "ABCDEFGHJKMN", typed


def test_text_that_cannot_be_a_code_is_not_read_as_one() -> None:
    for typed in ("", "ABCD-EFGH-JKM", "ABCD-EFGH-JKMNP", "ABCD-EFGH-JKM0", "ABCD-EFGH-JKMI"):
        assert codes.normalised(typed) is None, typed
    assert codes.normalised("A" * 12 + " " * 40) is None


@given(st.text(max_size=60))
def test_reading_any_text_either_gives_a_code_of_the_alphabet_or_nothing(text: str) -> None:
    code = codes.normalised(text)

    assert code is None or (len(code) == 12 and set(code) <= set(codes.ALPHABET))


@given(st.text(alphabet=codes.ALPHABET, min_size=12, max_size=12))
def test_a_code_as_shown_reads_back_as_itself(code: str) -> None:
    assert codes.normalised(codes.shown(code)) == code
    assert codes.normalised(codes.shown(code).lower()) == code


@time_machine.travel(MOMENT, tick=False)
class UniquenessTests(TestCase):
    def test_a_code_that_is_taken_is_not_given_again(self) -> None:
        register = build_register()
        first = proof_issue(
            actor=provider_actor(register),
            organisation=register.organisation,
            text=good_row(register),
        ).proof
        taken, fresh = first.code, "ZZZZZZZZZZZZ"

        with patch("stap.enrolments.proofs.services.new_code", side_effect=[taken, fresh]):
            second = proof_issue(
                actor=provider_actor(register),
                organisation=register.organisation,
                text=good_row(register, studentnummer="S2026002"),
            ).proof

        self.assertEqual(second.code, fresh)
        self.assertEqual(RegistrationProof.objects.count(), 2)
