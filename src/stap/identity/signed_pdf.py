"""Checks on an uploaded signed "Toegang Mijn DUO" form before we keep it.

The file comes from someone who cannot sign in yet, so it is untrusted: we accept a plain PDF of
at most ``MAX_PAGES`` pages and ``MAX_BYTES`` bytes, and refuse anything that can act when a DUO
employee opens it (scripts, launch actions, embedded files, forms that submit). Every refusal is
a ``SignedPdfRefused`` with a stable code; a hostile file never crashes the check.
"""

import io
import re
from pathlib import PurePath

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
    is_null_or_none,
)

from stap.core.errors import DomainError

MAX_BYTES = 5 * 1024 * 1024
MAX_PAGES = 20
HEADER_WINDOW = 1024
MAX_OBJECT_VISITS = 100_000

# Names that make a PDF do something, as a key (/JS, /AA) or as a value (/S /Launch).
ACTIVE_NAMES = frozenset(
    {"/JS", "/JavaScript", "/Launch", "/AA", "/RichMedia", "/XFA", "/EmbeddedFile"}
    | {"/EmbeddedFiles", "/SubmitForm", "/ImportData"}
)
# /JS or /JavaScript as a whole name: followed by whitespace, a delimiter or the end of the file.
RAW_SCRIPT = re.compile(rb"/J(?:S|avaScript)(?![^\x00\t\n\x0c\r ()<>\[\]{}/%])")
WALKED = (IndirectObject, DictionaryObject, ArrayObject, NameObject)

MESSAGES: dict[str, Promise] = {
    "empty": _(
        "Het bestand %(name)s is leeg. Kies het PDF-bestand van het ondertekende formulier."
    ),
    "too_large": _(
        "Het bestand %(name)s is groter dan 5 MB. Scan het formulier opnieuw met een lagere "
        "resolutie of in zwart-wit."
    ),
    "not_pdf": _(
        "Het bestand %(name)s is geen PDF. Scan het ondertekende formulier als PDF, of sla het op "
        "als PDF, en upload dat bestand."
    ),
    "unreadable": _(
        "We kunnen het bestand %(name)s niet lezen. Het is misschien beschadigd of niet volledig. "
        "Scan het formulier opnieuw of sla het opnieuw op als PDF."
    ),
    "encrypted": _(
        "Het bestand %(name)s is beveiligd met een wachtwoord of versleuteld. Sla het op zonder "
        "beveiliging en upload het opnieuw."
    ),
    "too_many_pages": _(
        "Het bestand %(name)s heeft meer dan 20 pagina's. Upload alleen het ondertekende formulier."
    ),
    "scripts": _(
        "Het bestand %(name)s bevat scripts, bijlagen of andere actieve inhoud. Print het "
        "formulier, scan het en upload de scan, of sla het op als gewone PDF."
    ),
}


class SignedPdfRefused(DomainError):
    code = "signed_pdf_refused"


def check_signed_pdf(data: bytes, *, filename: str) -> None:
    """Raise ``SignedPdfRefused`` unless ``data`` is a plain, readable PDF we can keep."""
    name = PurePath(filename.replace("\\", "/")).name[:100] or "formulier.pdf"

    def refused(code: str) -> SignedPdfRefused:
        return SignedPdfRefused(str(MESSAGES[code]) % {"name": name}, code=code)

    if not data:
        raise refused("empty")
    if len(data) > MAX_BYTES:
        raise refused("too_large")
    if b"%PDF-" not in data[:HEADER_WINDOW]:
        raise refused("not_pdf")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else len(reader.pages)
    except Exception as error:  # pypdf raises many kinds on hostile input, RecursionError too
        raise refused("unreadable") from error
    if encrypted:
        raise refused("encrypted")
    if pages < 1:
        raise refused("unreadable")
    if pages > MAX_PAGES:
        raise refused("too_many_pages")
    try:
        active = RAW_SCRIPT.search(data) is not None or _has_active(reader)
    except Exception as error:  # _TooComplex too: more objects than a signed form ever has
        raise refused("unreadable") from error
    if active:
        raise refused("scripts")


class _TooComplex(Exception):
    pass


def _has_active(reader: PdfReader) -> bool:
    """True at the first active name reachable from the trailer. Each indirect object is
    resolved once (no loops); numbers and strings cannot act, so they are not walked."""
    seen: set[tuple[int, int]] = set()
    todo: list[PdfObject | None] = [reader.trailer]
    visits = 0
    while todo:
        visits += 1
        if visits > MAX_OBJECT_VISITS:
            raise _TooComplex
        node = todo.pop()
        if isinstance(node, IndirectObject):
            ref = (node.idnum, node.generation)
            node = None if ref in seen else node.get_object()
            seen.add(ref)
        if isinstance(node, NameObject) and node in ACTIVE_NAMES:
            return True
        if isinstance(node, DictionaryObject):  # a stream's dictionary, never its data
            if not ACTIVE_NAMES.isdisjoint(node) or not _harmless_open(node.get("/OpenAction")):
                return True
            todo.extend(value for value in node.values() if isinstance(value, WALKED))
        elif isinstance(node, ArrayObject):
            todo.extend(item for item in node if isinstance(item, WALKED))
    return False


def _harmless_open(value: PdfObject | None) -> bool:
    """No /OpenAction, a destination, or /S /GoTo without /Next: it only opens a page."""
    action = None if value is None else value.get_object()
    if is_null_or_none(action) or isinstance(action, ArrayObject):
        return True
    return (
        isinstance(action, DictionaryObject)
        and action.get("/S") == "/GoTo"
        and is_null_or_none(action.get("/Next"))
    )
