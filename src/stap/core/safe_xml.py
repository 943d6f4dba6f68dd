"""Reading XML from outside safely, the same way for every file format.

The parser is hardened before it sees a byte: no entities resolved, no network, no DTD, no huge
trees, comments and processing instructions dropped. Each format adds its own limits (size,
element counts) and its own refusal messages on top.
"""

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from lxml import etree


def hardened_pull_parser(*, events: Sequence[str], tag: Sequence[str] | None = None) -> Any:
    """An ``XMLPullParser`` that never expands an entity or reads a file or URL."""
    return etree.XMLPullParser(
        events=tuple(events),
        tag=tuple(tag) if tag is not None else None,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        strip_cdata=True,
        collect_ids=False,
    )


def has_doctype(element: Any) -> bool:
    """Whether the document of ``element`` came with a DOCTYPE or DTD of any kind."""
    info = element.getroottree().docinfo
    return bool(info.doctype) or info.internalDTD is not None or info.externalDTD is not None


def schema_per_thread(path: Path) -> Callable[[], Any]:
    """The XSD at ``path``, compiled once per thread when first asked for (a validator's error
    log is not shared between threads)."""
    local = threading.local()

    def schema() -> Any:
        compiled = getattr(local, "schema", None)
        if compiled is None:
            compiled = local.schema = etree.XMLSchema(etree.parse(str(path)))
        return compiled

    return schema
