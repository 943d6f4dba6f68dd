"""Too many failed sign-ins for one account lock it for a while, in every process at once."""

from django.core.cache import cache

MAXIMUM_FAILURES = 5
LOCK_SECONDS = 15 * 60


def _key(account: str) -> str:
    return f"stap:sign-in-failures:{account.strip().lower()}"


def is_locked(account: str) -> bool:
    return int(cache.get(_key(account), 0)) >= MAXIMUM_FAILURES


def record_failure(account: str) -> int:
    """Count a failure; the count expires LOCK_SECONDS after the first one."""
    key = _key(account)
    if cache.add(key, 1, LOCK_SECONDS):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, LOCK_SECONDS)
        return 1


def clear(account: str) -> None:
    cache.delete(_key(account))
