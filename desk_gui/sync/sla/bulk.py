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

    def stage(self, like: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
        """PostgreSQL: rows COPYed into an empty temporary table shaped like `like`, for
        one set-based statement to take them from. Per-row statements through psycopg
        cost ~30 µs a row on the client, arrays of parameters more (their text format is
        escaped in Python); COPY formats rows in C. Returns the table's name."""
        assert self.pg
        name = f"staged_{like}"
        cur = self.dbapi.cursor()
        try:
            cur.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {name} "
                f"(LIKE {like} INCLUDING DEFAULTS) ON COMMIT DROP"
            )
            cur.execute(f"DELETE FROM {name}")
            with cur.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        finally:
            cur.close()
        return name

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
