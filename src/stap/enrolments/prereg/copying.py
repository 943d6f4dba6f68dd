"""Writing many rows at once on PostgreSQL: ``COPY`` instead of ``INSERT`` statements.

Staging a hundred thousand rows with ``bulk_create`` costs about 17 s (psycopg re-parses each
INSERT of thousands of placeholders), ``COPY`` about 2.5 s; committing them with
``bulk_create(update_conflicts=True)`` and ``bulk_update`` costs over 100 s, one
``INSERT … ON CONFLICT`` from a copied temporary table and one ``UPDATE … FROM`` a few seconds
(``docs/benchmarks.md``). SQLite has no ``COPY``; the callers keep the ORM path there.
"""

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any, Final

from django.db import connection
from django.db.models import QuerySet

from stap.enrolments.models import PreRegistration, StagedRow


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """``COPY table (columns) FROM STDIN`` with ``rows`` (in the caller's transaction)."""
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    sql = f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


# --- Staged rows ---------------------------------------------------------------------------------

STAGED_COLUMNS: Final = (
    "upload_id",
    "number",
    "line",
    "raw",
    "typed_values",
    "findings",
    "status",
    "studentnummer",
    "scholings_id",
    "start_date",
    "person",
    "outcome",
    "fixed_by",
)


JSON_COLUMNS: Final = frozenset({"raw", "typed_values", "findings"})


def _staged_tuple(attributes: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(
        json.dumps(value, ensure_ascii=False, default=str)
        if column in JSON_COLUMNS and value is not None
        else value
        for column, value in ((column, attributes[column]) for column in STAGED_COLUMNS)
    )


def copy_staged(rows: Iterable[dict[str, Any]]) -> None:
    """Staged rows given as ``checking.staged_attributes`` makes them."""
    copy_rows(StagedRow._meta.db_table, STAGED_COLUMNS, (_staged_tuple(row) for row in rows))


# --- Committing ----------------------------------------------------------------------------------

KEY: Final = ("organisation_id", "studentnummer", "offer_id", "start_date")


def _fields() -> list[tuple[str, str]]:
    """PreRegistration's (column, attribute) pairs except its id, in model order."""
    return [
        (field.column, field.attname)
        for field in PreRegistration._meta.concrete_fields
        if not field.primary_key
    ]


def _create_incoming() -> list[str]:
    """The temporary table ``prereg_incoming``: a vooraanmelding's columns and the staged
    row's id; returns the columns."""
    columns = [column for column, _attname in _fields()]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE prereg_incoming ON COMMIT DROP AS "  # noqa: S608
            f"SELECT 0::bigint AS staged_id, {', '.join(quote(c) for c in columns)} "
            f"FROM {quote(PreRegistration._meta.db_table)} WITH NO DATA"
        )
    return columns


def upsert_pre_registrations(items: Sequence[tuple[int, dict[str, Any]]]) -> None:
    """Put ``(staged row id, vooraanmelding's attributes)`` pairs in with one statement (see
    ``_upsert_incoming``), copied into a temporary table first."""
    if not items:
        return
    fields = _fields()
    columns = _create_incoming()
    copy_rows(
        "prereg_incoming",
        ["staged_id", *columns],
        ((staged_id, *(item[attname] for _column, attname in fields)) for staged_id, item in items),
    )
    _upsert_incoming(columns)


# Set by the commit, not stored on the staged row.
_GIVEN: Final = ("organisation_id", "upload_id", "created_at", "updated_at")


def upsert_staged_pre_registrations(
    rows: QuerySet[StagedRow], *, organisation_id: int, upload_id: int, now: dt.datetime
) -> int:
    """Put the staged ``rows`` in from their ``typed_values``, without a row passing through
    Python: ``jsonb_populate_record`` turns the JSON into a vooraanmelding's columns. Returns
    how many rows went in."""
    columns = _create_incoming()
    quote = connection.ops.quote_name
    selected, params = rows.values_list("pk", "typed_values").query.sql_with_params()
    taken = [
        f"%s AS {quote(column)}" if column in _GIVEN else f"r.{quote(column)}" for column in columns
    ]
    given = {"organisation_id": organisation_id, "upload_id": upload_id}
    sql = f"""
        INSERT INTO prereg_incoming (staged_id, {", ".join(quote(c) for c in columns)})
        SELECT s.id, {", ".join(taken)}
        FROM ({selected}) AS s (id, typed_values)
        CROSS JOIN LATERAL jsonb_populate_record(
            NULL::{quote(PreRegistration._meta.db_table)}, s.typed_values
        ) AS r
    """  # noqa: S608 - names come from the models, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [given.get(column, now) for column in columns if column in _GIVEN] + list(params),
        )
        written: int = cursor.rowcount
    _upsert_incoming(columns)
    return written


def _upsert_incoming(columns: list[str]) -> None:
    """Put the rows of ``prereg_incoming`` in with one statement, and write on each staged row
    what became of it: new, updated (a value changed) or unchanged, and its id.

    ``INSERT … ON CONFLICT DO UPDATE … WHERE`` a value differs updates only changed rows, and
    ``RETURNING`` tells new from updated, so whatever it does not return was unchanged and is
    found by its key."""
    quote = connection.ops.quote_name
    target = quote(PreRegistration._meta.db_table)
    staged = quote(StagedRow._meta.db_table)
    key = ", ".join(quote(column) for column in KEY)
    changing = [c for c in columns if c not in KEY and c != "created_at"]
    compared = [c for c in changing if c not in ("upload_id", "updated_at")]
    on_key = " AND ".join(f"i.{quote(c)} = {{t}}.{quote(c)}" for c in KEY)
    sql = f"""
        WITH upserted AS (
            INSERT INTO {target} AS p ({", ".join(quote(c) for c in columns)})
            SELECT {", ".join(quote(c) for c in columns)} FROM prereg_incoming
            ON CONFLICT ({key}) DO UPDATE SET
                {", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in changing)}
            WHERE ({", ".join(f"p.{quote(c)}" for c in compared)})
                IS DISTINCT FROM ({", ".join(f"EXCLUDED.{quote(c)}" for c in compared)})
            RETURNING p.id, {", ".join(f"p.{quote(c)}" for c in KEY)}, (p.xmax = 0) AS inserted
        )
        UPDATE {staged} AS s SET
            pre_registration_id = COALESCE(u.id, p.id),
            outcome = CASE WHEN u.id IS NULL THEN 'unchanged'
                           WHEN u.inserted THEN 'created' ELSE 'updated' END
        FROM prereg_incoming AS i
        LEFT JOIN upserted AS u ON {on_key.format(t="u")}
        LEFT JOIN {target} AS p ON {on_key.format(t="p")}
        WHERE s.id = i.staged_id
    """  # noqa: S608 - names come from the models, values go through COPY
    with connection.cursor() as cursor:
        cursor.execute(sql)
        # A row another transaction put in while this statement ran is not in its snapshot:
        # such a staged row is "unchanged" but unlinked. A new statement sees it.
        cursor.execute(
            f"""
            UPDATE {staged} AS s SET pre_registration_id = p.id
            FROM prereg_incoming AS i
            JOIN {target} AS p ON {on_key.format(t="p")}
            WHERE s.id = i.staged_id AND s.pre_registration_id IS NULL
            """  # noqa: S608 - names come from the models
        )
        cursor.execute("DROP TABLE prereg_incoming")
