"""Streaming CSV that spreadsheet programs cannot turn into formulas."""

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

# OWASP "CSV injection": a cell that starts with one of these may be run as a formula.
_FORMULA_TRIGGERS = frozenset("=+-@\t\r")
_ROWS_PER_CHUNK = 1000


def neutralise(value: Any) -> str:
    text = "" if value is None else str(value)
    if text and text[0] in _FORMULA_TRIGGERS:
        return "'" + text
    return text


def csv_rows(header: list[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """Yield the CSV in chunks of rows (memory stays flat), with a BOM so Excel reads UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(header)
    triggers = _FORMULA_TRIGGERS
    for count, row in enumerate(rows, start=1):
        cells = ["" if value is None else str(value) for value in row]
        writer.writerow([f"'{cell}" if cell and cell[0] in triggers else cell for cell in cells])
        if count % _ROWS_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
