from decimal import Decimal

from django.test import SimpleTestCase

from hypothesis import given
from hypothesis import strategies as st

from stap.core.money import euros, format_euros


class EurosTests(SimpleTestCase):
    def test_it_keeps_two_decimals(self) -> None:
        self.assertEqual(euros("12.5"), Decimal("12.50"))

    def test_it_refuses_fractions_of_cents(self) -> None:
        with self.assertRaisesMessage(ValueError, "more than two decimals"):
            euros("12.345")

    def test_it_refuses_what_is_not_a_number(self) -> None:
        for value in ("twaalf", "NaN", "Infinity", "", "1E100"):
            with self.subTest(value=value), self.assertRaises(ValueError):
                euros(value)

    @given(st.text(max_size=30))
    def test_any_text_is_either_an_exact_amount_or_a_value_error(self, text: str) -> None:
        try:
            amount = euros(text)
        except ValueError:
            return
        self.assertEqual(amount, amount.quantize(Decimal("0.01")))
        self.assertTrue(amount.is_finite())


class FormatEurosTests(SimpleTestCase):
    def test_it_writes_dutch_notation(self) -> None:
        self.assertEqual(format_euros(Decimal("1234.5")), "€ 1.234,50")
        self.assertEqual(format_euros(Decimal("-3")), "-€ 3,00")
