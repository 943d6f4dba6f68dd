"""Reading vooraanmeldingen from XML: streamed, hardened, and each record checked on its own.

Safety. The file comes from outside, so it is refused before libxml2 could do harm:

* No DTD at all (VA-110). The raw bytes are searched for ``<!DOCTYPE`` and ``<!ENTITY`` (in
  UTF-8, and in UTF-16/32 when the file starts like one) before they reach the parser, so a
  billion-laughs or external-entity (XXE) file is refused before any entity is declared. Should a
  DOCTYPE come in an encoding the search does not know, the parser reports it when it reaches the
  root element and the file is refused then. The parser itself never resolves entities, never
  loads a DTD, never uses the network and keeps libxml2's limits (``huge_tree=False``).
* The size limit (VA-101) is checked before reading when the stream can tell its size, and on
  every chunk otherwise; a file is never held in memory whole.
* Memory stays flat however many records there are: the parser is fed in chunks, each record is
  handled as soon as it ends, then cleared and cut from the tree with whatever came before it.
  What would grow the tree or libxml2's buffers anyway is refused within a chunk or two: a
  record with absurdly many elements, anything but records between the records (which could
  otherwise pile up unread), a root element that has not started after the first megabyte, a
  start tag or value of more than 64 kB (libxml2 buffers it whole, and re-reads it for every
  chunk). A file with more than ``max_rows`` records is refused (VA-114) as soon as the next
  record starts.
* Only the root, the header and the records are reported by the parser, not every element:
  a Python round trip per value would cost more than the parsing itself.

Nothing but ``FileRefused`` leaves ``read_xml``. Rows already handed on do not count when it is
raised (the header count, VA-113, is only known at the end): whoever reads must finish before
writing anything.

An element between the records that is not one (a misspelt <vooraanmelding>, or one in another
namespace) refuses the whole file rather than being skipped: it may be a record, and a record is
never silently dropped. Such refusals, and text between the records or a misplaced header, use
VA-111 for now: the file is well-formed, but it does not fit the schema.

Per record. Validating the whole document against the XSD would stop at the first error, so each
``<vooraanmelding>`` is validated against the XSD on its own (it is a global element there). A
record that passes costs nothing more. For one that does not, the reader explains the layout
itself, completely (libxml2 stops at a record's first layout error): unknown, repeated or
misplaced elements, attributes, elements inside a value, text between the elements; each is
VA-002 naming the element. The XSD's verdict on a *value* is left to ``structure``, which gives
CSV and XML the same rule ids and messages; to be sure that no value the XSD refuses slips
through, such a record is run through ``structure`` here as well, and an XSD value error on a
field that ``structure`` does not refuse is reported as VA-002 on that field. That is how XML's
stricter forms are refused: a date as DD-MM-YYYY or an amount with a decimal comma, which CSV
allows.

Values are stripped of XML white space only (space, tab, CR, LF), as ``xs:token`` does; other
white space such as a no-break space stays part of the value, so that lengths agree with the XSD.
"""

import difflib
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Final, NoReturn

from django.utils.translation import gettext as _

from lxml import etree

from stap.core.safe_xml import hardened_pull_parser, has_doctype, schema_per_thread
from stap.enrolments.prereg import fields as f
from stap.enrolments.prereg import rules
from stap.enrolments.prereg.reading import FileRefused, RawRow
from stap.enrolments.prereg.rules import Finding
from stap.enrolments.prereg.structure import check_structure, parse_date

SCHEMA_PATH: Final = Path(__file__).resolve().parent / "xsd" / "vooraanmeldingen.xsd"
NS: Final = "{" + f.NAMESPACE + "}"
ROOT: Final = "vooraanmeldingen"
HEADER: Final = "kop"
RECORD: Final = "vooraanmelding"
CHUNK_BYTES: Final = 256 * 1024
# A record has 19 fields; more elements than this inside one is not a mistake but an attack.
MAX_ELEMENTS_PER_RECORD: Final = 100
# No value is longer than 254 characters, nor a start tag much longer; longer is an attack.
MAX_BYTES_BETWEEN_TAGS: Final = 64 * 1024
# The root element comes first; a file that has not started it by then is not ours.
ROOT_WITHIN_BYTES: Final = 4 * CHUNK_BYTES
SHOWN_CHARACTERS: Final = 40

_XML_SPACE: Final = " \t\r\n"
_BLANK_BYTES: Final = b" \t\r\n\x00\xef\xbb\xbf\xfe\xff"
_FIELD_BY_TAG: Final = {NS + name: name for name in f.FIELDS}
_POSITION: Final = {name: index for index, name in enumerate(f.FIELDS)}
_DATE_FIELDS: Final = frozenset(
    {f.GEBOORTEDATUM, f.STARTDATUM, f.EINDDATUM, f.STUDIEJAAR_BEGIN, f.STUDIEJAAR_EIND}
)
_XSI: Final = "{http://www.w3.org/2001/XMLSchema-instance}"
_UNSAFE: Final = ("<!DOCTYPE", "<!ENTITY")
_NARROW_MARKERS: Final = tuple(marker.encode("utf-8") for marker in _UNSAFE)
_WIDE_MARKERS: Final = tuple(
    marker.encode(encoding)
    for marker in _UNSAFE
    for encoding in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)
_MARKER_OVERLAP: Final = max(len(marker) for marker in _NARROW_MARKERS + _WIDE_MARKERS) - 1
_CONTROL_BYTES: Final = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SNIFFED_BYTES: Final = 8 * 1024

# libxml2's schema errors about a value (its type or a facet) rather than the layout.
_VALUE_ERRORS: Final = frozenset(
    {
        "SCHEMAV_CVC_DATATYPE_VALID_1_2_1",
        "SCHEMAV_CVC_DATATYPE_VALID_1_2_2",
        "SCHEMAV_CVC_DATATYPE_VALID_1_2_3",
        "SCHEMAV_CVC_PATTERN_VALID",
        "SCHEMAV_CVC_LENGTH_VALID",
        "SCHEMAV_CVC_MINLENGTH_VALID",
        "SCHEMAV_CVC_MAXLENGTH_VALID",
        "SCHEMAV_CVC_ENUMERATION_VALID",
        "SCHEMAV_CVC_TOTALDIGITS_VALID",
        "SCHEMAV_CVC_FRACTIONDIGITS_VALID",
        "SCHEMAV_CVC_MININCLUSIVE_VALID",
        "SCHEMAV_CVC_MAXINCLUSIVE_VALID",
        "SCHEMAV_CVC_MINEXCLUSIVE_VALID",
        "SCHEMAV_CVC_MAXEXCLUSIVE_VALID",
    }
)


def read_xml(stream: BinaryIO, *, max_bytes: int, max_rows: int) -> Iterator[RawRow]:
    """Every ``<vooraanmelding>`` of ``stream`` as a ``RawRow``, in order; ``FileRefused`` when
    the file as a whole cannot be used (possibly only at the end: see the module docstring)."""
    reader = _Reader(max_rows=max_rows)
    parser = _parser()
    guard = _ByteGuard(max_bytes=max_bytes)
    _refuse_if_known_too_large(stream, max_bytes)
    while chunk := stream.read(CHUNK_BYTES):
        guard.check(chunk, stream)
        _feed(parser, chunk)
        yield from reader.handle(parser.read_events())
        reader.check_growth(guard.read)
    if guard.blank:
        _refuse(rules.FILE_EMPTY())
    root = _close(parser)
    yield from reader.handle(parser.read_events())
    reader.finish(root)


# --- The bytes, before the parser sees them ----------------------------------------------------


@dataclass
class _ByteGuard:
    """Refuses a file, chunk by chunk, before the parser sees what is wrong with it: too large,
    binary, a DTD, or a start tag or value so long that libxml2 would buffer (and, fed in chunks,
    re-read) all of it."""

    max_bytes: int
    read: int = 0
    lines: int = 1
    blank: bool = True
    markers: tuple[bytes, ...] = _NARROW_MARKERS
    previous: bytes = b""
    since_tag_end: int = 0

    def check(self, chunk: bytes, stream: BinaryIO) -> None:
        if not self.read:
            self.markers = _markers_for(chunk)
            _refuse_if_binary(chunk, self.markers)
        self.read += len(chunk)
        if self.read > self.max_bytes:
            _refuse(_too_large(self.read + _remaining(stream), self.max_bytes))
        window = self.previous[-_MARKER_OVERLAP:] + chunk
        if any(marker in window for marker in self.markers):
            _refuse(rules.FILE_XML_UNSAFE())
        self._check_tag_ends(chunk)
        self.blank = self.blank and not chunk.strip(_BLANK_BYTES)
        self.lines += chunk.count(b"\n")
        self.previous = chunk

    def _check_tag_ends(self, chunk: bytes) -> None:
        """Every so many bytes a '>' must end a tag. Gaps within one chunk are not measured;
        a longer gap spans two chunks and is."""
        first = chunk.find(b">")
        gap = self.since_tag_end + (len(chunk) if first < 0 else first)
        if gap > MAX_BYTES_BETWEEN_TAGS:
            _refuse(
                _not_in_schema(
                    self.lines,
                    _("een element of waarde is langer dan %(limit)s kB.")
                    % {"limit": MAX_BYTES_BETWEEN_TAGS // 1024},
                )
            )
        self.since_tag_end = gap if first < 0 else len(chunk) - 1 - chunk.rfind(b">")


def _refuse_if_known_too_large(stream: BinaryIO, max_bytes: int) -> None:
    try:
        if not stream.seekable():
            return
        start = stream.tell()
        size = stream.seek(0, 2) - start
        stream.seek(start)
    except (AttributeError, OSError, ValueError):
        return
    if size > max_bytes:
        _refuse(_too_large(size, max_bytes))


def _remaining(stream: BinaryIO) -> int:
    """How much more there is, to say how large the file is; an endless stream is cut short."""
    remaining = 0
    while remaining < 64 * CHUNK_BYTES and (chunk := stream.read(CHUNK_BYTES)):
        remaining += len(chunk)
    return remaining


def _too_large(size: int, max_bytes: int) -> Finding:
    # The size is rounded up, so that a file just over a 50 MB limit does not say it is 50 MB.
    size_shown = f"{math.ceil(size * 10 / 2**20) / 10:.1f}".removesuffix(".0")
    return rules.FILE_TOO_LARGE(
        size=size_shown, limit=f"{max_bytes / 2**20:.1f}".removesuffix(".0")
    )


def _markers_for(first: bytes) -> tuple[bytes, ...]:
    """The DTD markers to look for: libxml2 reads a file as UTF-16 or UTF-32 only when its first
    bytes say so (a byte order mark, or a NUL next to the first '<')."""
    if first[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in first[:4]:
        return _NARROW_MARKERS + _WIDE_MARKERS
    return _NARROW_MARKERS


def _refuse_if_binary(first: bytes, markers: tuple[bytes, ...]) -> None:
    """Control characters are never text (nor allowed in XML); a UTF-16/32 file has NUL bytes."""
    if markers is _NARROW_MARKERS and _CONTROL_BYTES.search(first, 0, _SNIFFED_BYTES):
        _refuse(rules.FILE_NOT_TEXT())


def _parser() -> Any:
    return hardened_pull_parser(events=("start", "end"), tag=(NS + ROOT, NS + RECORD, NS + HEADER))


def _feed(parser: Any, chunk: bytes) -> None:
    try:
        parser.feed(chunk)
    except etree.XMLSyntaxError as error:
        _refuse(_malformed(error))
    except (etree.LxmlError, LookupError, ValueError, UnicodeError) as error:
        _refuse(rules.FILE_XML_MALFORMED(line=1, detail=_shown(str(error), 200)))


def _close(parser: Any) -> Any:
    try:
        return parser.close()
    except etree.XMLSyntaxError as error:
        _refuse(_malformed(error))
    except (etree.LxmlError, LookupError, ValueError, UnicodeError) as error:
        _refuse(rules.FILE_XML_MALFORMED(line=1, detail=_shown(str(error), 200)))


def _malformed(error: Any) -> Finding:
    """VA-111 with libxml2's latest error. ``error.msg`` may be a follow-up ("no element found")
    while the log holds the cause ("Entity 'foo' not defined"); the log is the thread's, so it may
    also hold older errors of other files: the cause is the last one."""
    line, detail = (error.position or (0, 0))[0], str(error.msg or error)
    for entry in reversed(error.error_log):
        if entry.level >= etree.ErrorLevels.ERROR:
            line, detail = entry.line, str(entry.message)
            break
    return rules.FILE_XML_MALFORMED(line=max(line or 1, 1), detail=_shown(detail, 200))


# --- The tree, record by record --------------------------------------------------------------


@dataclass
class _Reader:
    """Turns the parser's events into rows, keeping no more of the tree than about one record.

    The parser reports only the root, the header and the records, so what lies between them is
    looked at when the next one starts, after each chunk (``check_growth``) and at the end."""

    max_rows: int
    root: Any = None
    current: Any = None
    rows: int = 0
    stated: int | None = None

    def handle(self, events: Iterable[tuple[str, Any]]) -> Iterator[RawRow]:
        for event, element in events:
            if self.root is None:
                self._found_root(element.getroottree().getroot())
            if element.getparent() is not self.root:
                continue  # the root itself, or a record inside a record (reported there)
            if event == "start":
                self._started(element)
            elif element.tag == NS + RECORD:
                yield self._record_ended(element)
            else:
                self._header_ended(element)

    def _found_root(self, root: Any) -> None:
        if has_doctype(root):
            _refuse(rules.FILE_XML_UNSAFE())
        if root.tag != NS + ROOT:
            _refuse(rules.FILE_XML_ROOT(namespace=f.NAMESPACE))
        self.root = root

    def _started(self, element: Any) -> None:
        previous = element.getprevious()
        self._refuse_strangers(previous)
        self._refuse_stray_text(element, previous)
        self.current = element
        if element.tag == NS + HEADER:
            if previous is not None:
                _refuse(_header_misplaced(element))
            return
        self.rows += 1
        if self.rows > self.max_rows:
            _refuse(rules.FILE_TOO_MANY_ROWS(limit=self.max_rows))

    def _record_ended(self, record: Any) -> RawRow:
        row = _record_row(record, self.rows)
        if row.findings and _element_count(record) > MAX_ELEMENTS_PER_RECORD:
            _refuse(_too_many_elements(record))
        self._forget_up_to(record)
        return row

    def _header_ended(self, header: Any) -> None:
        if _element_count(header) > MAX_ELEMENTS_PER_RECORD:
            _refuse(_too_many_elements(header))
        self.stated = _stated_count(header)
        if self.stated is not None and self.stated > self.max_rows:
            _refuse(rules.FILE_TOO_MANY_ROWS(limit=self.max_rows))
        self._forget_up_to(header)

    def _forget_up_to(self, element: Any) -> None:
        """Clear what has been read, and cut it and everything before it from the tree."""
        element.clear(keep_tail=True)
        while element.getprevious() is not None:
            del self.root[0]
        self.current = None

    def check_growth(self, read: int) -> None:
        """After each chunk: refuse what would otherwise grow the tree until the next record."""
        if self.root is None:
            if read > ROOT_WITHIN_BYTES:
                _refuse(rules.FILE_XML_ROOT(namespace=f.NAMESPACE))
            return
        last = self.root[-1] if len(self.root) else None
        if last is None:
            return
        if last is self.current:
            if _element_count(last) > MAX_ELEMENTS_PER_RECORD:
                _refuse(_too_many_elements(last))
        else:
            self._refuse_strangers(last)

    def _refuse_strangers(self, element: Any) -> None:
        """Refuse ``element`` if it is neither a record nor the header. Whatever came before it
        has been looked at already: what lies between records is looked at when the next one
        starts, and after every chunk."""
        if element is not None and element.tag not in (NS + RECORD, NS + HEADER):
            _refuse(_stranger(element))

    def _refuse_stray_text(self, near: Any, previous: Any) -> None:
        """Text between the records belongs to none of them: the file is refused, not a row."""
        text = self.root.text if previous is None else previous.tail
        if text and text.strip(_XML_SPACE):
            _refuse(
                _not_in_schema(
                    near.sourceline or 1,
                    _("tussen de vooraanmeldingen staat tekst: ‘%(text)s’.")
                    % {"text": _shown(text.strip(_XML_SPACE))},
                )
            )

    def finish(self, root: Any) -> None:
        if self.root is None:
            self._found_root(root)
        last = root[-1] if len(root) else None
        self._refuse_strangers(last)
        if last is not None:
            self._refuse_stray_text(last, last)
        elif root.text and root.text.strip(_XML_SPACE):
            self._refuse_stray_text(root, None)
        if not self.rows:
            _refuse(rules.FILE_NO_ROWS())
        if self.stated is not None and self.stated != self.rows:
            _refuse(rules.FILE_XML_COUNT(stated=self.stated, found=self.rows))


def _element_count(element: Any) -> int:
    return sum(1 for _element in element.iter())


def _stranger(element: Any) -> Finding:
    """An element among the records that is none: the file is refused, so that no record is
    silently skipped (it may be a misspelt one, or one in another namespace)."""
    name = _local(element.tag)
    if name in (RECORD, HEADER):
        detail = _("<%(element)s> staat niet in de namespace %(namespace)s.") % {
            "element": name,
            "namespace": f.NAMESPACE,
        }
    else:
        closest = difflib.get_close_matches(name, (RECORD, HEADER), n=1)
        detail = _(
            "het element <%(element)s> hoort niet tussen de vooraanmeldingen; daar staan alleen "
            "<kop> en <vooraanmelding>."
        ) % {"element": _shown(name)}
        if closest:
            detail += " " + _("Bedoelt u <%(suggestion)s>?") % {"suggestion": closest[0]}
    return _not_in_schema(element.sourceline or 1, detail)


def _not_in_schema(line: int, detail: str) -> Finding:
    """The file is well-formed, but what lies between the records does not fit the schema."""
    return rules.FILE_XML_SCHEMA(line=line, detail=detail)


def _stated_count(header: Any) -> int | None:
    validator = schema()
    if not validator.validate(header):
        entry = validator.error_log[0]
        _refuse(
            _not_in_schema(
                entry.line or header.sourceline or 1,
                _("de <kop> past niet in het schema: %(detail)s")
                % {"detail": _shown(_without_namespace(str(entry.message)), 200)},
            )
        )
    count = header.find(NS + "aantal")
    return int(count.text) if count is not None else None


def _header_misplaced(header: Any) -> Finding:
    return _not_in_schema(
        header.sourceline or 1,
        _("de <kop> staat niet vóór de eerste <vooraanmelding>, of staat er twee keer."),
    )


def _too_many_elements(element: Any) -> Finding:
    return _not_in_schema(
        element.sourceline or 1,
        _("een vooraanmelding bevat meer dan %(limit)s elementen.")
        % {"limit": MAX_ELEMENTS_PER_RECORD},
    )


# --- One record --------------------------------------------------------------------------------


schema = schema_per_thread(SCHEMA_PATH)


def _record_row(record: Any, number: int) -> RawRow:
    values = _first_texts(record, _FIELD_BY_TAG)
    validator = schema()
    if validator.validate(record):
        return RawRow(number=number, line=record.sourceline, values=values)
    layout = _layout(record)
    unexplained = _unexplained(validator.error_log, values, layout)
    return RawRow(
        number=number,
        line=record.sourceline,
        values=values,
        findings=(*layout.findings, *unexplained),
    )


def _first_texts(record: Any, names: dict[str, str]) -> dict[str, str]:
    """The text of each field element (by its tag in ``names``), the first one when there are
    more."""
    values: dict[str, str] = {}
    for child in record:
        name = names.get(child.tag)
        if name is not None and name not in values:
            text = child.text
            values[name] = text.strip(_XML_SPACE) if text else ""
    return values


# --- Why a record does not fit the schema ------------------------------------------------------

# The kind of layout problem each libxml2 error is about; ``_layout`` finds them all itself.
_CONTENT, _TEXT, _NESTED, _ATTRIBUTE = "content", "text", "nested", "attribute"
_LAYOUT_ERRORS: Final = {
    "SCHEMAV_ELEMENT_CONTENT": _CONTENT,  # an unknown, repeated, misplaced or missing element
    "SCHEMAV_CVC_COMPLEX_TYPE_2_4": _CONTENT,  # a required element missing at the end
    "SCHEMAV_CVC_COMPLEX_TYPE_2_3": _TEXT,
    "SCHEMAV_CVC_TYPE_3_1_2": _NESTED,
    "SCHEMAV_CVC_COMPLEX_TYPE_3_2_1": _ATTRIBUTE,
    "SCHEMAV_CVC_COMPLEX_TYPE_3_2_2": _ATTRIBUTE,
    "SCHEMAV_CVC_TYPE_3_1_1": _ATTRIBUTE,
}


@dataclass
class _Layout:
    """What ``_layout`` found: VA-002 findings, and the kinds of XSD error they explain."""

    findings: list[Finding] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)

    def add(self, kind: str, detail: str, name: str = "") -> None:
        self.kinds.add(kind)
        values: dict[str, object] = {"detail": detail}
        if name:
            values["field"] = name
        self.findings.append(rules.ROW_SCHEMA(**values))


def _layout(record: Any) -> _Layout:
    """Every way the record's layout differs from the XSD, each naming the element. A missing
    required element is left out: ``structure`` reports it as empty (VA-003), as for CSV."""
    layout = _Layout()
    _check_attributes(layout, record, RECORD)
    if record.text and record.text.strip(_XML_SPACE):
        layout.add(_TEXT, _text_between(record.text))
    seen: set[str] = set()
    furthest = -1
    for child in record:
        name = _FIELD_BY_TAG.get(child.tag)
        if name is None:
            layout.add(_CONTENT, _unknown_element(child.tag))
        else:
            if name in seen:
                layout.add(
                    _CONTENT,
                    _("het element <%(element)s> staat er twee keer in.") % {"element": name},
                    name,
                )
            elif _POSITION[name] < furthest:
                layout.add(_CONTENT, _misplaced(name, f.FIELDS[furthest]), name)
            seen.add(name)
            furthest = max(furthest, _POSITION[name])
            _check_attributes(layout, child, name)
            if len(child):
                layout.add(
                    _NESTED,
                    _("<%(element)s> bevat een element; het mag alleen een waarde bevatten.")
                    % {"element": name},
                    name,
                )
        if child.tail and child.tail.strip(_XML_SPACE):
            layout.add(_TEXT, _text_between(child.tail))
    return layout


def _check_attributes(layout: _Layout, element: Any, name: str) -> None:
    for attribute in element.attrib:
        if not attribute.startswith(_XSI):  # xsi:type and xsi:nil are the XSD's to judge
            layout.add(
                _ATTRIBUTE,
                _("het attribuut %(attribute)s op <%(element)s> is niet toegestaan.")
                % {"attribute": _shown(_local(attribute)), "element": name},
                name if name in _POSITION else "",
            )


def _unknown_element(tag: Any) -> str:
    name = _local(tag)
    if name in _POSITION:
        return _("het element <%(element)s> staat niet in de namespace %(namespace)s.") % {
            "element": name,
            "namespace": f.NAMESPACE,
        }
    closest = difflib.get_close_matches(name.lower(), f.FIELDS, n=1)
    if closest:
        return _("het element <%(element)s> kennen wij niet. Bedoelt u <%(suggestion)s>?") % {
            "element": _shown(name),
            "suggestion": closest[0],
        }
    return _("het element <%(element)s> kennen wij niet.") % {"element": _shown(name)}


def _misplaced(name: str, after: str) -> str:
    return _(
        "het element <%(element)s> staat op de verkeerde plaats: het hoort vóór <%(after)s>."
    ) % {"element": name, "after": after}


def _text_between(text: str) -> str:
    return _("tussen de elementen staat tekst: ‘%(text)s’.") % {
        "text": _shown(text.strip(_XML_SPACE))
    }


# --- Schema errors that nothing else reports ---------------------------------------------------


def _unexplained(log: Any, values: dict[str, str], layout: _Layout) -> list[Finding]:
    """VA-002 for each schema error that neither ``_layout`` nor ``structure`` reports.

    A value error on a field is covered when ``structure`` (or the layout) refuses that field
    too; a layout error when ``_layout`` found that kind of problem, or, for a missing element,
    when ``structure`` reports an empty required field. What is left is XML's own stricter forms
    (see the module docstring), and whatever else libxml2 may report: passed on, never dropped.
    """
    refused = _refused_fields(values, layout.findings)
    missing_required = rules.REQUIRED.id in refused.values()
    found: list[Finding] = []
    reported: set[str] = set()
    for entry in log:
        name = _direct_field(entry)
        kind = _LAYOUT_ERRORS.get(entry.type_name)
        if entry.type_name in _VALUE_ERRORS and name is not None:
            if name not in refused and name not in reported:
                reported.add(name)
                found.append(_value_refused(name, values.get(name, "")))
        elif kind is not None and (kind in layout.kinds or (kind == _CONTENT and missing_required)):
            continue
        elif (key := f"{entry.type_name}:{name}") not in reported:
            reported.add(key)
            found.append(_schema_error(entry, name))
    return found


def _refused_fields(values: dict[str, str], layout_findings: list[Finding]) -> dict[str, str]:
    """The fields that get a *fout* (from ``structure`` or the layout), with its rule id."""
    row = check_structure(RawRow(number=0, line=0, values=values))
    refused: dict[str, str] = {}
    for finding in (*layout_findings, *row.findings):
        if finding.is_error:
            refused.setdefault(finding.field, finding.rule.id)
    return refused


_ENTRY_TAG: Final = re.compile(r"^Element '(?P<tag>[^']+)'")


def _direct_field(entry: Any) -> str | None:
    """The field an error is about when it is about a child of the record, else ``None``."""
    match = _ENTRY_TAG.match(str(entry.message))
    if match is None or str(entry.path or "").count("/") != 2:
        return None
    return _FIELD_BY_TAG.get(match["tag"])


def _value_refused(name: str, value: str) -> Finding:
    shown = _shown(value)
    if name in _DATE_FIELDS and (day := parse_date(value)) is not None:
        detail = _(
            "de datum ‘%(value)s’ in <%(element)s> staat niet in de vorm JJJJ-MM-DD; schrijf in "
            "XML %(iso)s."
        ) % {"value": shown, "element": name, "iso": day.isoformat()}
    elif name == f.SUBSIDIEBEDRAG and "," in value:
        detail = _(
            "het bedrag ‘%(value)s’ heeft een decimale komma; schrijf in XML een punt, zoals "
            "%(dotted)s."
        ) % {"value": shown, "dotted": _shown(value.replace(",", "."))}
    else:
        detail = _("de waarde ‘%(value)s’ van <%(element)s> past niet in het schema.") % {
            "value": shown,
            "element": name,
        }
    return rules.ROW_SCHEMA(detail=detail, field=name)


def _schema_error(entry: Any, name: str | None) -> Finding:
    values: dict[str, object] = {"detail": _shown(_without_namespace(str(entry.message)), 200)}
    if name:
        values["field"] = name
    return rules.ROW_SCHEMA(**values)


# --- Small helpers -----------------------------------------------------------------------------


def _refuse(finding: Finding) -> NoReturn:
    raise FileRefused(finding)


def _local(tag: Any) -> str:
    text = str(tag)
    return text.rsplit("}", 1)[-1] if text.startswith("{") else text


def _without_namespace(message: str) -> str:
    return message.replace(NS, "")


def _shown(text: str, limit: int = SHOWN_CHARACTERS) -> str:
    """A value as a message shows it: on one line, and a pasted essay cut short."""
    text = " ".join(text.split())
    return text if len(text) <= limit else f"{text[:limit]}…"
