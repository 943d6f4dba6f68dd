"""Streaming CSV that spreadsheet programs cannot turn into formulas."""

import csv
from collections.abc import Iterable, Iterator
from typing import Any

# OWASP "CSV injection": a cell that starts with one of these may be run as a formula.
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> str:
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_TRIGGERS):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(header: list[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """Yield CSV lines one by one (memory stays flat), with a BOM so Excel reads UTF-8."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow([neutralise(value) for value in row])
