"""Reading a CSV file of vooraanmeldingen into rows of text, streamed.

The file is read in chunks, twice, so memory stays flat however many rows it has (about 1 MB
for 100,000 or 1,000,000 rows):

1. The size (VA-101, in MB of 2**20 bytes as elsewhere in the portal, the size rounded up) is
   checked first by seeking to the end, so the stream must be seekable (an upload is).
2. A *survey* of the bytes decides what only the whole file can tell, before a single row is
   handed on: it is not empty (VA-100; spaces, newlines and a BOM alone count as empty), not
   binary (VA-102: a NUL byte anywhere, or at the start the signature of a PDF, a ZIP (xlsx,
   docx, ods), old Excel or Word (OLE2), gzip, PNG, JPEG or GIF) and decodable (VA-103). It is
   UTF-8 when the whole file is valid UTF-8, with or without a BOM, and otherwise Windows-1252;
   a file that is neither (cp1252 leaves 0x81, 0x8D, 0x8F, 0x90 and 0x9D undefined) is refused
   with the line of the first such byte (found by reading up to it once more). Deciding up front
   means that one late non-UTF-8 byte never makes us hand on rows twice. (The price: a cp1252
   file that happens to be valid UTF-8, such as one holding only "Ã©", reads as UTF-8; real
   Windows-1252 text almost never is.) A UTF-16 or UTF-32 BOM, as Excel's "Unicode-tekst"
   writes, is refused as an encoding problem rather than as binary, since saving the file as
   CSV UTF-8 is the fix.
3. The *reading* pass seeks back to the start once and parses with the ``csv`` module from a text
   stream opened with ``newline=""``. Outside quotes CRLF, LF and a lone CR (what "CSV
   (Macintosh)" from older Excel writes) each end a line, as they do for the ``csv`` module
   itself; so a lone CR in an unquoted cell ends the row there. Inside quotes they belong to the
   cell, as do the separator and doubled quotes. The reader is not strict about quotes (``a"b``
   and ``"a"b`` read as Excel reads them), so ``csv`` has nothing to raise about on text from the
   survey; should it raise all the same, the file is refused as not text (VA-102).

Limits that keep a hostile file from costing memory, checked while reading and independent of
``csv.field_size_limit`` (which other code may raise): lines come from a bounded ``readline``,
and a *record* (the physical lines of one row, so that an unclosed quote is caught however short
its lines are) longer than ``MAX_LINE_CHARACTERS`` refuses the file (VA-109) naming the line
where the record starts, which is where the unclosed quote is. A cell longer than
``MAX_CELL_CHARACTERS`` refuses the file too (VA-109, with that limit and the row's first line).

The header is the first line, and it is checked before any row is handed on:

- The separator is a comma or a semicolon, whichever the header has more of outside quotes (a
  tie goes to the semicolon of Dutch Excel). A header with neither but with tabs is refused as
  no header (VA-104): tab-separated text is not part of the format.
- A name is matched ignoring case, spaces, underscores and hyphens, so ``Scholings ID``,
  ``scholingsid``, ``SCHOLINGS-ID`` and `` scholings_id `` all mean ``scholings_id``; no two
  fields collide under this rule.
- A first line on which fewer than half the names are a field or close to one is data, not a
  header (VA-104); so is an empty first line (blank lines before the header are not skipped).
  Otherwise the file is refused for the first unknown name (VA-105, suggesting the closest field
  by ``difflib``, or when none is close the fields the header lacks) or the first repeated one
  (VA-107), in the order of the header, and then for the first missing required column (VA-106,
  in the order of the spec). Empty names at the end of the header (Excel writes them for
  formatted but empty columns) are ignored, as are empty cells under them; an empty name
  between others is an unknown column.

Rows are numbered as a spreadsheet numbers them: the header is row 1 and every record after it
counts, blank or not, so that the number is the one the provider sees in Excel. ``line`` is the
physical line where the record starts. A record whose cells are all empty (Excel writes ``;;;;``
for a cleared row) is not a vooraanmelding: it is skipped, and counts neither towards
``max_rows`` (VA-114) nor as the row a file must have (VA-108). A row with more or fewer cells
than the header gets VA-001 and still hands on what it has: missing cells are empty, extra ones
are dropped. Values are stripped of surrounding whitespace and otherwise kept as they are
(formula prefixes are neutralised on export, not here).
"""

import codecs
import csv
import difflib
import io
import math
import re
from collections.abc import Iterator
from itertools import chain
from typing import TYPE_CHECKING, BinaryIO, Final

from stap.enrolments.prereg import rules
from stap.enrolments.prereg.fields import (
    FIELDS,
    MAX_CELL_CHARACTERS,
    MAX_LINE_CHARACTERS,
    REQUIRED_COLUMNS,
)
from stap.enrolments.prereg.reading import FileRefused, RawRow
from stap.enrolments.prereg.rules import Finding

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

_CHUNK: Final = 256 * 1024
_MEGABYTE: Final = 2**20
_UTF8_BOM: Final = codecs.BOM_UTF8
_WIDE_BOMS: Final = (
    codecs.BOM_UTF32_LE,
    codecs.BOM_UTF32_BE,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
)
_BINARY_SIGNATURES: Final = (
    b"%PDF",
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    b"\x1f\x8b",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
)
_CP1252_UNDEFINED: Final = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
_BYTE_WHITESPACE: Final = b" \t\r\n\x0b\x0c"
# A line with more than MAX_LINE_CHARACTERS characters besides its "\r\n" comes back from a
# readline of this size without its line end, and is refused whatever follows.
_READLINE_SIZE: Final = MAX_LINE_CHARACTERS + 3
_IGNORED_IN_NAMES: Final = re.compile(r"[\s_\-\ufeff]+")


def read_csv(stream: BinaryIO, *, max_bytes: int, max_rows: int) -> Iterator[RawRow]:
    """The vooraanmeldingen in ``stream`` (seekable, read from where it is now), one at a time.

    Raises ``FileRefused`` when the file as a whole cannot be used, possibly after some rows:
    the caller then uses none of them. Never raises anything else, whatever the bytes."""
    start = stream.tell()
    _refuse_if_too_large(stream, start, max_bytes)
    encoding, skip = _survey(stream, start)
    stream.seek(start + skip)
    lines = _Lines(_text(stream, encoding))
    try:
        yield from _rows(lines, max_rows)
    except csv.Error as error:
        raise FileRefused(rules.FILE_NOT_TEXT()) from error


# --- The bytes: size, binary content, encoding --------------------------------------------------


def _refuse_if_too_large(stream: BinaryIO, start: int, max_bytes: int) -> None:
    size = stream.seek(0, io.SEEK_END) - start
    stream.seek(start)
    if size > max_bytes:
        raise FileRefused(
            rules.FILE_TOO_LARGE(size=_megabytes_rounded_up(size), limit=_megabytes(max_bytes))
        )


def _megabytes(size: int) -> str:
    return f"{size / _MEGABYTE:.1f}".removesuffix(".0")


def _megabytes_rounded_up(size: int) -> str:
    # Rounded up, so that a file just over a 50 MB limit does not say it is 50 MB.
    return f"{math.ceil(size * 10 / _MEGABYTE) / 10:.1f}".removesuffix(".0")


def _survey(stream: BinaryIO, start: int) -> tuple[str, int]:
    """The encoding of the whole file and how many bytes of BOM to skip, or ``FileRefused``.
    Leaves ``stream`` somewhere in the file."""
    first = stream.read(_CHUNK)
    _refuse_binary_or_wide_start(first)
    skip = len(_UTF8_BOM) if first.startswith(_UTF8_BOM) else 0
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_utf8 = True
    cp1252_undefined_at: int | None = None
    has_content = False
    offset, chunk = skip, first[skip:]
    while chunk and (is_utf8 or cp1252_undefined_at is None):
        if b"\x00" in chunk:
            raise FileRefused(rules.FILE_NOT_TEXT())
        has_content = has_content or bool(chunk.strip(_BYTE_WHITESPACE))
        is_utf8 = is_utf8 and _decodes(utf8, chunk)
        if cp1252_undefined_at is None:
            cp1252_undefined_at = _first_undefined_in_cp1252(chunk, offset)
        offset += len(chunk)
        chunk = stream.read(_CHUNK)
    is_utf8 = is_utf8 and _decodes(utf8, b"", final=True)
    if not is_utf8 and cp1252_undefined_at is not None:
        raise FileRefused(rules.FILE_ENCODING(line=_line_at(stream, start, cp1252_undefined_at)))
    if not has_content:
        raise FileRefused(rules.FILE_EMPTY())
    return ("utf-8" if is_utf8 else "cp1252"), skip


def _refuse_binary_or_wide_start(first: bytes) -> None:
    if first.startswith(_BINARY_SIGNATURES):
        raise FileRefused(rules.FILE_NOT_TEXT())
    if first.startswith(_WIDE_BOMS):
        raise FileRefused(rules.FILE_ENCODING(line=1))


def _decodes(decoder: codecs.IncrementalDecoder, data: bytes, *, final: bool = False) -> bool:
    try:
        decoder.decode(data, final)
    except UnicodeDecodeError:
        return False
    return True


def _first_undefined_in_cp1252(chunk: bytes, offset: int) -> int | None:
    found = [offset + at for byte in _CP1252_UNDEFINED if (at := chunk.find(byte)) >= 0]
    return min(found, default=None)


def _line_at(stream: BinaryIO, start: int, offset: int) -> int:
    """The physical line of the byte at ``offset``; CRLF, LF and a lone CR each end a line."""
    stream.seek(start)
    line_ends = 0
    ended_with_cr = False
    remaining = offset
    while remaining > 0 and (chunk := stream.read(min(_CHUNK, remaining))):
        line_ends += chunk.count(b"\n") + chunk.count(b"\r") - chunk.count(b"\r\n")
        if ended_with_cr and chunk.startswith(b"\n"):
            line_ends -= 1
        ended_with_cr = chunk.endswith(b"\r")
        remaining -= len(chunk)
    return line_ends + 1


class _NeverCloses(io.RawIOBase):
    """The caller's stream as raw bytes, so that closing the text stream leaves it open."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: "WriteableBuffer") -> int:
        view = memoryview(buffer).cast("B")
        data = self._stream.read(len(view))
        view[: len(data)] = data
        return len(data)


def _text(stream: BinaryIO, encoding: str) -> io.TextIOWrapper:
    raw = io.BufferedReader(_NeverCloses(stream), buffer_size=_CHUNK)
    return io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")


# --- The lines and records ----------------------------------------------------------------------


class _Lines:
    """The physical lines of the text, for ``csv.reader``, each record held to the line limit.

    ``csv.reader`` asks for the next line only while the record it reads is unfinished, so the
    lines asked for since the last ``finish_record`` are exactly those of the current record."""

    def __init__(self, text: io.TextIOWrapper) -> None:
        self._text = text
        self._read = 0
        self._record_start = 1
        self._record_characters = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        try:
            line = self._text.readline(_READLINE_SIZE)
        except UnicodeDecodeError as error:  # only if the file changed since the survey
            raise FileRefused(rules.FILE_ENCODING(line=self._read + 1)) from error
        if not line:
            raise StopIteration
        self._read += 1
        self._record_characters += len(line)
        if self._record_characters - _line_end_length(line) > MAX_LINE_CHARACTERS:
            raise FileRefused(
                rules.FILE_LINE_TOO_LONG(line=self._record_start, limit=MAX_LINE_CHARACTERS)
            )
        return line

    def finish_record(self) -> tuple[int, int]:
        """The line where the record just read starts and its length in characters (line ends
        included); the next record starts after it."""
        finished = self._record_start, self._record_characters
        self._record_start = self._read + 1
        self._record_characters = 0
        return finished


def _line_end_length(line: str) -> int:
    return len(line) - len(line.rstrip("\r\n"))


# --- The header ---------------------------------------------------------------------------------


def _name_key(name: str) -> str:
    return _IGNORED_IN_NAMES.sub("", name).casefold()


_FIELD_BY_KEY: Final = {_name_key(name): name for name in FIELDS}


def _separator(header_line: str) -> str:
    counts = {";": 0, ",": 0}
    quoted = False
    for character in header_line:
        if character == '"':
            quoted = not quoted
        elif not quoted and character in counts:
            counts[character] += 1
    if counts[";"] == counts[","] == 0 and "\t" in header_line:
        raise FileRefused(rules.FILE_NO_HEADER())
    return "," if counts[","] > counts[";"] else ";"


def _columns(header: list[str]) -> tuple[str, ...]:
    """The field of each named column, in order."""
    names = [cell.strip() for cell in header]
    while names and not names[-1]:
        names.pop()
    if not _looks_like_a_header(names):
        raise FileRefused(rules.FILE_NO_HEADER())
    fields: list[str] = []
    for name in names:
        field = _FIELD_BY_KEY.get(_name_key(name))
        if field is None:
            raise FileRefused(_unknown_column(name, names))
        if field in fields:
            raise FileRefused(rules.FILE_DUPLICATE_COLUMN(column=field))
        fields.append(field)
    for field in FIELDS:
        if field in REQUIRED_COLUMNS and field not in fields:
            raise FileRefused(rules.FILE_MISSING_COLUMN(column=field))
    return tuple(fields)


def _looks_like_a_header(names: list[str]) -> bool:
    """At least half the names are fields or close to one: a row of data may hold a value that
    happens to be close (a street called Straatweg), a header with a typo still has the rest."""
    named = [name for name in names if name]
    recognised = sum(
        1 for name in named if _name_key(name) in _FIELD_BY_KEY or _closest_field(name)
    )
    return recognised > 0 and 2 * recognised >= len(named)


def _closest_field(name: str) -> str | None:
    close = difflib.get_close_matches(_name_key(name), _FIELD_BY_KEY, n=1)
    return _FIELD_BY_KEY[close[0]] if close else None


def _unknown_column(name: str, names: list[str]) -> Finding:
    """The field closest to ``name``; when none is close, the fields the header lacks (all of
    them when it lacks none), since the column is probably meant to be one of those."""
    closest = _closest_field(name)
    if closest is not None:
        return rules.FILE_UNKNOWN_COLUMN(column=name, suggestion=closest)
    present = {_FIELD_BY_KEY.get(_name_key(other)) for other in names}
    lacking = [field for field in FIELDS if field not in present]
    return rules.FILE_UNKNOWN_COLUMN_NO_MATCH(column=name, missing=", ".join(lacking or FIELDS))


# --- The rows -----------------------------------------------------------------------------------


def _rows(lines: _Lines, max_rows: int) -> Iterator[RawRow]:
    header_line = next(lines, "")
    records = csv.reader(
        chain((header_line,), lines),
        delimiter=_separator(header_line),
        quotechar='"',
        doublequote=True,
        skipinitialspace=False,
        strict=False,
    )
    columns = _columns(next(records, []))
    width = len(columns)
    lines.finish_record()
    number = 1
    rows = 0
    for record in records:
        line, characters = lines.finish_record()
        number += 1
        cells = list(map(str.strip, record))
        if not any(cells):
            continue
        rows += 1
        if rows > max_rows:
            raise FileRefused(rules.FILE_TOO_MANY_ROWS(limit=max_rows))
        if characters > MAX_CELL_CHARACTERS and max(map(len, cells)) > MAX_CELL_CHARACTERS:
            raise FileRefused(rules.FILE_LINE_TOO_LONG(line=line, limit=MAX_CELL_CHARACTERS))
        if len(cells) == width:  # the usual row, made here: this loop is the hot path
            yield RawRow(number, line, dict(zip(columns, cells, strict=True)))
        else:
            yield _uneven_row(columns, number, line, cells)
    if rows == 0:
        raise FileRefused(rules.FILE_NO_ROWS())


def _uneven_row(columns: tuple[str, ...], number: int, line: int, cells: list[str]) -> RawRow:
    """A row with more or fewer cells than the header has names."""
    width = len(columns)
    found = len(cells)
    if found > width and not any(cells[width:]):
        # Excel's empty cells under the empty names it writes at the end of the header.
        return RawRow(number, line, dict(zip(columns, cells[:width], strict=True)))
    cells = cells[:width] + [""] * (width - found)
    findings = (rules.ROW_CELLS(found=found, expected=width),)
    return RawRow(number, line, dict(zip(columns, cells, strict=True)), findings)
