"""Dutch identifiers. Checksums come from python-stdnum; nothing here computes one by hand."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import bsn as stdnum_bsn
from stdnum.nl import postcode as stdnum_postcode

_KVK = re.compile(r"[0-9]{8}")
_VESTIGING = re.compile(r"[0-9]{12}")


def is_kvk_number(value: str) -> bool:
    """A KvK number is exactly 8 digits; it has no check digit."""
    return bool(_KVK.fullmatch(value))


def is_vestigingsnummer(value: str) -> bool:
    return bool(_VESTIGING.fullmatch(value))


def is_bsn(value: str) -> bool:
    """9 digits passing the 11-proef."""
    return len(value) == 9 and stdnum_bsn.is_valid(value)


def normalise_postcode(value: str) -> str:
    """``1234ab`` → ``1234 AB``; raises ValueError when it is not a Dutch postcode."""
    try:
        return str(stdnum_postcode.validate(value))
    except StdnumError as exc:
        raise ValueError(f"{value!r} is not a Dutch postcode") from exc


def validate_kvk_number(value: str) -> None:
    if not is_kvk_number(value):
        raise ValidationError(
            _("Een KvK-nummer bestaat uit precies 8 cijfers, bijvoorbeeld 12345678."),
            code="invalid_kvk",
        )


def validate_bsn(value: str) -> None:
    if not is_bsn(value):
        raise ValidationError(
            _(
                "Dit is geen geldig burgerservicenummer: het moet 9 cijfers hebben en de "
                "11-proef doorstaan."
            ),
            code="invalid_bsn",
        )


def mask_bsn(value: str) -> str:
    """Show only the last three digits, as screens and exports that do not need the BSN must."""
    return "•" * 6 + value[-3:]
