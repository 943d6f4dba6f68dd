"""Valid burgerservicenummers for tests (9 digits passing the 11-proef)."""

from collections.abc import Iterator

from stap.core.identifiers import is_bsn


def bsns(start: int = 10_000_000) -> Iterator[str]:
    """Every valid BSN from ``start`` (its first eight digits) on, in order."""
    number = start
    while True:
        base = f"{number:08d}"
        check = (
            sum(int(digit) * weight for digit, weight in zip(base, range(9, 1, -1), strict=True))
            % 11
        )
        if check < 10 and is_bsn(candidate := f"{base}{check}"):
            yield candidate
        number += 1
