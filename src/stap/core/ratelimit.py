"""A small rate limiter on Django's cache, shared by every web process.

Fixed windows: a limit of ``count`` per ``seconds`` counts hits in the current window (the
window number is part of the cache key) and lets no more through until the next window starts.
A visitor who is refused learns how many seconds are left. Fixed windows let a burst of twice the
limit through around a window's edge; for slowing down guessing that is good enough and costs
one cache write per hit.

The count is kept with ``cache.add`` and ``cache.incr``. On the database cache ``incr`` reads and
writes in two steps, so two processes hitting the same key at the same moment may count once:
the limit can be passed by a few hits under heavy concurrency, never by an order of magnitude.

Who the client is: ``client_key`` takes the address the request came from — behind a reverse
proxy, the address the trusted proxies say (``STAP_TRUSTED_PROXIES``, the number of proxies that
add themselves to X-Forwarded-For; 0 by default, so a client cannot choose its own address). An
IPv6 client is counted per /64, the block one household or server usually has. Addresses are
not stored: the cache key holds a keyed hash of them.
"""

import ipaddress
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac


@dataclass(frozen=True, kw_only=True)
class Limit:
    """At most ``count`` hits per ``seconds`` for one key of ``scope``."""

    scope: str
    count: int
    seconds: int

    def __post_init__(self) -> None:
        if self.count < 1 or self.seconds < 1:
            raise ValueError("a limit needs a count and a window of at least 1")


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    # Seconds until the refused hit could succeed; 0 when allowed.
    retry_after: int = 0
    # The scope of the limit that refused, "" when allowed.
    scope: str = ""


ALLOWED = Verdict(allowed=True)


def _cache_key(limit: Limit, key: str, window: int) -> str:
    digest = salted_hmac("stap.core.ratelimit", key, algorithm="sha256").hexdigest()[:32]
    return f"stap:ratelimit:{limit.scope}:{limit.seconds}:{digest}:{window}"


def hit(limit: Limit, key: str = "", *, at: float | None = None) -> Verdict:
    """Count one hit for ``key`` (empty: one counter for everyone) and say whether it may pass."""
    moment = time.time() if at is None else at
    window = int(moment // limit.seconds)
    cache_key = _cache_key(limit, key, window)
    # The entry outlives its window a little so a slow clock elsewhere still finds it.
    if cache.add(cache_key, 1, limit.seconds + 1):
        count = 1
    else:
        try:
            count = int(cache.incr(cache_key))
        except ValueError:  # expired between add and incr
            cache.add(cache_key, 1, limit.seconds + 1)
            count = 1
    if count <= limit.count:
        return ALLOWED
    retry_after = max(1, math.ceil((window + 1) * limit.seconds - moment))
    return Verdict(allowed=False, retry_after=retry_after, scope=limit.scope)


def hit_all(limits: Sequence[tuple[Limit, str]], *, at: float | None = None) -> Verdict:
    """Count a hit against each (limit, key) in turn; the first refusal stops the counting, so a
    client refused by its own limit does not use up a limit shared with everyone else."""
    for limit, key in limits:
        verdict = hit(limit, key, at=at)
        if not verdict.allowed:
            return verdict
    return ALLOWED


def client_key(request: HttpRequest) -> str:
    """Who the request came from, for counting: an IPv4 address or an IPv6 /64."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.STAP_TRUSTED_PROXIES
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        # Each trusted proxy appends the address it received the request from; the one the
        # outermost trusted proxy saw is the client's. Anything further left the client wrote.
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return f"unknown:{address[:64]}"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)
