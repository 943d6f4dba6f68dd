"""Keyset ("seek") pagination: every page costs the same, however deep.

An offset page (``OFFSET 50000``) makes the database walk past every earlier row; a keyset page
asks for the rows after (or before) the last row seen, which an index answers directly. The
cursor is that row's sort values, opaque to the person but never trusted: a cursor that does not
parse simply gives the first page, and every query stays scoped by the caller's queryset.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import F, Lookup, QuerySet

# Row comparisons come with composite primary keys in Django 5.2; not yet documented API.
from django.db.models.fields.tuple_lookups import (  # type: ignore[import-untyped]
    Tuple,
    TupleGreaterThan,
    TupleLessThan,
)

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class KeysetPage(Generic[M]):
    rows: list[M]
    next_cursor: str | None
    previous_cursor: str | None


def _field_name(order: str) -> str:
    return order.removeprefix("-")


def encode_cursor(row: models.Model, ordering: tuple[str, ...]) -> str:
    values = [str(getattr(row, _field_name(order))) for order in ordering]
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def _decode_cursor(
    cursor: str, model: type[models.Model], ordering: tuple[str, ...]
) -> list[Any] | None:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(ordering):
            return None
        values = []
        for order, value in zip(ordering, raw, strict=True):
            field = model._meta.get_field(_field_name(order))
            assert isinstance(field, models.Field)
            parsed = field.to_python(value)
            field.run_validators(parsed)  # e.g. an id beyond the column's range
            if isinstance(parsed, str) and "\x00" in parsed:
                return None  # PostgreSQL's text cannot hold a NUL character
            values.append(parsed)
    except (ValueError, TypeError, binascii.Error, ValidationError, FieldDoesNotExist):
        return None
    return None if None in values else values


def _beyond(ordering: tuple[str, ...], values: list[Any], *, forward: bool) -> Lookup[Any]:
    """Rows after ``values`` in ``ordering`` (or before, when not ``forward``).

    A row comparison ``(a, b) < (x, y)`` lets PostgreSQL seek in an index on ``(a, b)`` straight
    to the cursor, even when many rows share ``a`` (cohorts share start dates). Django writes it
    out as ``a < x OR (a = x AND b < y)`` where the database has no row values (SQLite).
    """
    directions = {order.startswith("-") for order in ordering}
    if len(directions) != 1:
        raise ValueError(f"every column of {ordering} must sort in the same direction")
    lookup = TupleLessThan if directions.pop() == forward else TupleGreaterThan
    condition: Lookup[Any] = lookup(Tuple(*(F(_field_name(order)) for order in ordering)), values)
    return condition


def _reversed(ordering: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(order[1:] if order.startswith("-") else f"-{order}" for order in ordering)


def keyset_page(
    queryset: QuerySet[M],
    *,
    ordering: tuple[str, ...],
    size: int,
    after: str = "",
    before: str = "",
) -> KeysetPage[M]:
    """One page of ``queryset`` in ``ordering`` (which must end in a unique field)."""
    model = queryset.model
    if before and (values := _decode_cursor(before, model, ordering)) is not None:
        backwards = list(
            queryset.filter(_beyond(ordering, values, forward=False)).order_by(
                *_reversed(ordering)
            )[: size + 1]
        )
        rows = list(reversed(backwards[:size]))
        has_previous, has_next = len(backwards) > size, True
    else:
        values = _decode_cursor(after, model, ordering) if after else None
        if values is not None:
            queryset = queryset.filter(_beyond(ordering, values, forward=True))
        forwards = list(queryset.order_by(*ordering)[: size + 1])
        rows = forwards[:size]
        has_previous, has_next = values is not None, len(forwards) > size
    return KeysetPage(
        rows=rows,
        next_cursor=encode_cursor(rows[-1], ordering) if rows and has_next else None,
        previous_cursor=encode_cursor(rows[0], ordering) if rows and has_previous else None,
    )
