"""Amounts as people in the Netherlands type them."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from stap.portals.form_fields import EuroField


class EuroFieldTests(SimpleTestCase):
    def test_a_decimal_comma_a_decimal_point_and_points_between_thousands_are_read(self) -> None:
        field = EuroField(max_digits=12)
        for typed, amount in (
            ("950,00", "950.00"),
            ("950.50", "950.50"),
            ("1.200", "1200"),
            ("€ 1.200,50", "1200.50"),
            ("34.000.000", "34000000"),
            ("1.20", "1.20"),
        ):
            with self.subTest(typed):
                self.assertEqual(field.clean(typed), Decimal(amount))

    def test_three_decimals_are_refused_rather_than_guessed(self) -> None:
        with self.assertRaises(ValidationError):
            EuroField().clean("12,345")
