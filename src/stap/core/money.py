"""Money is ``Decimal`` euros with two places, incl. VAT. Nothing else is money."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
STAP_MAXIMUM_PER_YEAR = Decimal("1000.00")
# No amount in this product comes near a billion euros; larger input is a mistake, not money.
MAXIMUM = Decimal("1000000000")


def euros(value: Decimal | int | str) -> Decimal:
    """Exact euros with two decimals; refuses values that need rounding or are not numbers."""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError) as exc:
        raise ValueError(f"{value!r} is not an amount") from exc
    if not amount.is_finite() or abs(amount) >= MAXIMUM:
        raise ValueError(f"{value!r} is not an amount")
    quantized = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    if quantized != amount:
        raise ValueError(f"{value!r} has more than two decimals")
    return quantized


def format_euros(amount: Decimal) -> str:
    """Dutch notation: ``€ 1.234,50``."""
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount):.2f}".split(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}€ {grouped},{cents}"
