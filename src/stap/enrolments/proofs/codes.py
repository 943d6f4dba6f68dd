"""The verification code of an aanmeldingsbewijs: 12 characters, 60 random bits.

The alphabet has 32 characters — the digits 2 to 9 and the letters without I and O — so that
nothing on paper can be read as something else (0/O, 1/I), and each character carries 5 bits.
Printed in groups of four (``ABCD-EFGH-JKMN``); typed back in any case, with or without spaces
and dashes. A guess is right with a chance of (issued codes) / 2^60, and the public check lets no
one guess fast (``stap.core.ratelimit``).
"""

import secrets
from typing import Final

ALPHABET: Final = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH: Final = 12
GROUP: Final = 4
BITS: Final = LENGTH * (len(ALPHABET).bit_length() - 1)
_ALLOWED: Final = frozenset(ALPHABET)
_SEPARATORS: Final = str.maketrans("", "", " -\t\u00a0\u2010\u2011\u2012\u2013\u2014")
# Nothing longer is looked at: a code with its dashes and a few spaces fits easily.
MAX_INPUT: Final = 40


def new_code() -> str:
    """A fresh code, as stored (no dashes)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalised(text: str) -> str | None:
    """The code as stored, from what someone typed or scanned: upper case, without spaces and
    dashes. ``None`` when it cannot be a code (wrong length, or a character not in the alphabet)."""
    if len(text) > MAX_INPUT:
        return None
    compact = text.translate(_SEPARATORS).upper()
    if len(compact) != LENGTH or not _ALLOWED.issuperset(compact):
        return None
    return compact


def shown(code: str) -> str:
    """The code as people read it: ``ABCD-EFGH-JKMN``."""
    return "-".join(code[start : start + GROUP] for start in range(0, len(code), GROUP))
