"""How often a verification code may be checked: per client, and by everyone together.

The per-client limit is generous for a person with a stack of PDFs and slow for a script. The
limit for everyone together caps what many clients guessing at once can try: at 600 a minute a
year of guessing tries about 3·10^8 codes out of 2^60 (≈ 1.2·10^18). It can be used up by a flood
of checks, which then makes the public check wait for a minute; the provider portal and the
application flow do not share it.
"""

from typing import Final

from stap.core.ratelimit import Limit, Verdict, hit_all

PER_CLIENT: Final = Limit(scope="proof-check-client", count=10, seconds=60)
EVERYONE: Final = Limit(scope="proof-check-all", count=600, seconds=60)


def check_allowed(*, client: str) -> Verdict:
    """Count one check by ``client`` (``ratelimit.client_key``) and say whether it may run."""
    return hit_all([(PER_CLIENT, client), (EVERYONE, "")])
