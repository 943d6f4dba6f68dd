"""The draw at the opening: everyone already waiting gets a random place, which anyone can
check afterwards.

Before the opening we publish the *commitment*, the SHA-256 of a secret random seed; after the
opening we publish the seed and the entry numbers of everyone in the draw. An entry's place is
given by the SHA-256 of the seed followed by its entry number, smallest first — so anyone can
recompute the whole order from what was published (``python -m stap.budget.waiting_room.draw
SEED ENTRIES_FILE``), and no one, us included, could choose the seed after seeing who waits: it
had to match the commitment. Entry numbers are random and say nothing about the person; each
person sees their own on the waiting page.
"""

import hashlib
import secrets
import sys
from collections.abc import Iterable
from typing import Final

SEED_BYTES: Final = 32


def new_seed() -> str:
    """A secret seed for one opening, as 64 hexadecimal digits."""
    return secrets.token_hex(SEED_BYTES)


def commitment(seed: str) -> str:
    """What is published before the opening: the SHA-256 of the seed (hexadecimal)."""
    return hashlib.sha256(_seed_bytes(seed)).hexdigest()


def matches(seed: str, published: str) -> bool:
    """Whether ``seed`` is the one the published commitment promised."""
    return secrets.compare_digest(commitment(seed), published.lower())


def draw_key(seed: str, entry: str) -> bytes:
    """The key an entry is sorted on: SHA-256 of the seed's bytes followed by the entry number."""
    return hashlib.sha256(_seed_bytes(seed) + entry.encode("ascii")).digest()


def draw_order(seed: str, entries: Iterable[str]) -> list[str]:
    """The entries in their drawn order, first place first."""
    return sorted(entries, key=lambda entry: (draw_key(seed, entry), entry))


def _seed_bytes(seed: str) -> bytes:
    raw = bytes.fromhex(seed)
    if len(raw) != SEED_BYTES:
        raise ValueError(f"a seed is {SEED_BYTES} bytes ({2 * SEED_BYTES} hexadecimal digits)")
    return raw


def main(argv: list[str]) -> int:
    """Recompute a published draw: the seed, and a file with one entry number per line."""
    if len(argv) != 2:
        print("usage: python -m stap.budget.waiting_room.draw SEED ENTRIES_FILE", file=sys.stderr)
        return 2
    seed, path = argv
    with open(path, encoding="ascii") as lines:
        entries = [line.strip() for line in lines if line.strip()]
    for place, entry in enumerate(draw_order(seed, entries), start=1):
        print(place, entry)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
