"""Plain DB-API access for the bulk paths (100,000 clocks at a time).

SQLAlchemy's per-value type processing (UUIDs, enums, datetimes) costs more than all
the clock arithmetic together, so the recompute reads and writes raw tuples on the
session's own connection, inside its transaction. The differences between the two
databases stay here: placeholders, how a UUID travels (32 hex characters in SQLite,
its canonical text from PostgreSQL), and epoch seconds of a timestamp column. Ids
handed around are "raw ids", text in both: they hash, compare and sort in C (in the
database's order too), where 100,000 uuid.UUID objects cost a second of hashing and
formatting per recompute; `raw_id` and `to_uuid` convert at the edges.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from psycopg.types.string import TextLoader
from sqlalchemy import BigInteger, Boolean, Column, Integer, Table, Uuid
from sqlalchemy.orm import Session

RawId = Any  # str: 32 hex digits (SQLite) or the canonical text (PostgreSQL)
_UNIXEPOCH = sqlite3.sqlite_version_info >= (3, 38, 0)


class Bulk:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.pg = session.get_bind().dialect.name == "postgresql"
        self._dbapi: Any = None

    @property
    def dbapi(self) -> Any:
        if self._dbapi is None:
            # The session's own connection: reads see its flushed changes, writes join
            # its transaction.
            self._dbapi = self.session.connection().connection.dbapi_connection
        return self._dbapi

    def sql(self, text: str) -> str:
        """Statements are written with '?' placeholders; psycopg wants '%s'."""
        return text.replace("?", "%s") if self.pg else text

    def epoch(self, column: str) -> str:
        """SQL for the whole UTC epoch seconds of a UTCDateTime column."""
        if self.pg:  # date_part's double precision: cheaper than extract's numeric
            return f"CAST(floor(date_part('epoch', {column})) AS BIGINT)"
        if _UNIXEPOCH:  # half the cost of strftime + CAST; both floor the fraction
            return f"unixepoch({column})"
        return f"CAST(strftime('%s', {column}) AS INTEGER)"

    def timestamp(self, t: datetime) -> Any:
        """A bind value comparable with a UTCDateTime column (naive UTC text in SQLite)."""
        utc = t.astimezone(UTC)
        return utc if self.pg else utc.replace(tzinfo=None).isoformat(" ", "microseconds")

    def raw_id(self, value: uuid.UUID | RawId) -> RawId:
        if isinstance(value, uuid.UUID):
            return str(value) if self.pg else value.hex
        return value

    def raw_ids(self, values: Iterable[uuid.UUID | RawId]) -> list[RawId]:
        return [self.raw_id(v) for v in values]

    @staticmethod
    def to_uuid(value: RawId) -> uuid.UUID:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(hex=value)

    def fetch(self, text: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cur = self.dbapi.cursor()
        if self.pg:
            cur.adapters.register_loader("uuid", TextLoader)  # raw ids are text
        try:
            cur.execute(self.sql(text), tuple(params))
            return list(cur.fetchall())
        finally:
            cur.close()

    def execute(self, text: str, params: Sequence[Any] = ()) -> None:
        cur = self.dbapi.cursor()
        try:
            cur.execute(self.sql(text), tuple(params))
        finally:
            cur.close()

    def stage(self, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
        """PostgreSQL: rows COPYed into an empty temporary table, for one set-based
        statement to take them from; returns a SELECT of `columns` from it, typed as
        `table`'s, in the order of the first column.

        Per-row statements through psycopg cost ~30 µs a row on the client, arrays of
        parameters more (their text format is escaped in Python); COPY formats rows in
        C. Binary COPY, because the server's parsing of text COPY was a fifth of its
        time in a large recompute; UUIDs travel as raw ids, text, and are cast back in
        the SELECT."""
        assert self.pg
        name = f"staged_{table.name}"
        types = [_copy_type(table.c[c]) for c in columns]
        cur = self.dbapi.cursor()
        try:
            cur.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {name} "
                f"({', '.join(f'{c} {t}' for c, t in zip(columns, types, strict=True))}) "
                "ON COMMIT DROP"
            )
            cur.execute(f"DELETE FROM {name}")
            with cur.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(types)
                for row in rows:
                    copy.write_row(row)
        finally:
            cur.close()
        typed = [f"CAST({c} AS uuid) AS {c}" if _is_uuid(table.c[c]) else c for c in columns]
        return f"SELECT {', '.join(typed)} FROM {name} ORDER BY 1"

    def many(self, text: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        cur = self.dbapi.cursor()
        try:
            cur.executemany(self.sql(text), rows)
        finally:
            cur.close()

    @staticmethod
    def marks(n: int) -> str:
        return ",".join("?" * n)

    def among(self, column: str, ids: Sequence[RawId]) -> tuple[str, list[Any]]:
        """The id `column` is one of `ids`: SQL and its parameters. PostgreSQL takes one
        array, as its text (psycopg parses a statement with 5,000 placeholders anew on
        every call, and escapes a list parameter element by element in Python)."""
        if self.pg:
            return f"{column} = ANY(CAST(? AS uuid[]))", ["{" + ",".join(map(str, ids)) + "}"]
        return f"{column} IN ({self.marks(len(ids))})", list(ids)

    def sorted_ids(self, ids: Iterable[RawId]) -> list[RawId]:
        """Raw ids in the database's order: text of fixed width (hyphens in the same
        places) sorts as the 128-bit numbers do."""
        return sorted(ids)


def _copy_type(column: Column[Any]) -> str:
    """The type a column's values travel as in a binary COPY (UUIDs as raw ids: text)."""
    kind = column.type
    if isinstance(kind, Boolean):
        return "bool"
    if isinstance(kind, BigInteger):  # before Integer: it is one
        return "int8"
    if isinstance(kind, Integer):
        return "int4"
    return "text"


def _is_uuid(column: Column[Any]) -> bool:
    return isinstance(column.type, Uuid)
