"""The transport of the SOAP back channel, replaceable in tests.

``use_transport(adapter)`` mounts a ``requests`` adapter in place of the network (the in-process
tests route the ArtifactResolve into the test broker's view). It replaces the network only: the
request is still signed, sent with its timeout, and the answer goes through every check.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from requests.adapters import BaseAdapter

_transport: BaseAdapter | None = None


def current_transport() -> BaseAdapter | None:
    return _transport


@contextmanager
def use_transport(adapter: BaseAdapter) -> Iterator[BaseAdapter]:
    global _transport
    previous, _transport = _transport, adapter
    try:
        yield adapter
    finally:
        _transport = previous
