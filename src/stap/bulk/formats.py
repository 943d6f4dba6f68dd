"""What a kind of bulk file means: its size limit, how many items it holds, how to process it.

A format is an object with the ``BulkFormat`` shape, named here by dotted path and imported when
first used, so that this app depends on no domain app. A format reports each item it processed to
an ``ItemSink``; the sink stores the report lines and the progress (``stap.bulk.processing``).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from django.utils.module_loading import import_string

from stap.bulk.models import BulkKind, ReportLevel
from stap.core.audit import Actor
from stap.identity.models import Organisation

FORMATS: dict[str, str] = {
    BulkKind.SCHOLINGSAANBOD: "stap.register.feed.process.SCHOLINGSAANBOD_FEED",
}


@dataclass(frozen=True, kw_only=True)
class ReportLine:
    """A line of the verwerkingsverslag, before it is stored."""

    level: ReportLevel
    subject: str
    message: str
    own_key: str = ""
    code: str = ""
    line: int | None = None


class ItemSink(Protocol):
    def item(self, lines: Sequence[ReportLine]) -> None:
        """One item is done: its lines (an item with a FOUT line counts as an error)."""

    def notice(self, lines: Sequence[ReportLine]) -> None:
        """Lines about the file rather than one item (not counted as items)."""

    def heartbeat(self) -> None:
        """Still busy (say while reading and checking the file, before any item): keeps the
        run's lease. Call it now and then; it may raise to stop a worker that lost the run."""


class BulkFormat(Protocol):
    max_bytes: int

    def count(self, data: bytes) -> int:
        """How many items ``data`` holds; raises a ``DomainError`` when the file as a whole is
        refused (its message, in Dutch, becomes the report)."""

    def process(
        self, *, data: bytes, organisation: Organisation, actor: Actor, sink: ItemSink
    ) -> None:
        """Process every item for ``organisation``, each in its own transaction, and report
        each to ``sink`` in file order. May raise a ``DomainError`` for the file as a whole."""


def bulk_format(kind: str) -> BulkFormat:
    try:
        path = FORMATS[kind]
    except KeyError:
        raise ValueError(f"unknown bulk kind {kind!r}") from None
    loaded: BulkFormat = import_string(path)
    return loaded
