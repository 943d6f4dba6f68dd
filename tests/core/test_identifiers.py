import contextlib

from django.test import SimpleTestCase

from hypothesis import given
from hypothesis import strategies as st

from stap.core.identifiers import is_bsn, is_kvk_number, mask_bsn, normalise_postcode


class IdentifierTests(SimpleTestCase):
    def test_a_kvk_number_is_exactly_eight_digits(self) -> None:
        self.assertTrue(is_kvk_number("90000001"))
        for value in ("9000000", "900000011", "9000000a", " 90000001", "９０００００００"):
            with self.subTest(value=value):
                self.assertFalse(is_kvk_number(value))

    def test_a_bsn_passes_the_eleven_test(self) -> None:
        self.assertTrue(is_bsn("111222333"))
        self.assertFalse(is_bsn("111222334"))
        self.assertFalse(is_bsn("11122233"))

    def test_a_bsn_is_masked_to_its_last_three_digits(self) -> None:
        self.assertEqual(mask_bsn("111222333"), "••••••333")

    def test_postcodes_are_normalised_or_refused(self) -> None:
        self.assertEqual(normalise_postcode("1234ab"), "1234 AB")
        with self.assertRaises(ValueError):
            normalise_postcode("0123 AB")

    @given(st.text(max_size=20))
    def test_no_text_crashes_the_checks(self, text: str) -> None:
        is_kvk_number(text)
        is_bsn(text)
        with contextlib.suppress(ValueError):
            normalise_postcode(text)
