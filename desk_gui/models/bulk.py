"""New rows written set-wise: a few multi-row INSERTs per table instead of a flush each.

A batch (the mail engine's) builds its rows with the same commands as everywhere else.
Where a command makes an ORM object outside a batch, inside one it holds the same
values as a `NewRow` (building the ORM object, with its instrumentation, cost more than
writing the row); `insert_objects` turns rows and any ORM objects into column values the
way a flush would (an attribute left unset or None takes the column's default) and
inserts them table by table in foreign-key order. `insert_rows` writes plain row dicts
(history, outbox, the mail ledger, blobs) the same way.

On SQLite the rows go to the session's own DB-API connection as multi-row
INSERT ... VALUES statements, converted by the columns' own bind processors (the values
SQLAlchemy would bind, without its per-row statement bookkeeping: a tenth of the mail
engine's CPU). Multi-row statements matter for `messages` above all: its full-text
trigger writes an FTS5 table, and FTS5 flushes its pending index to a new segment at
every statement savepoint, so an executemany of 500 messages wrote 500 tiny segments
and merged them again (~60 µs a message); one statement per hundreds of rows writes one.
PostgreSQL keeps SQLAlchemy's executemany, which already sends multi-row VALUES there.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any, ClassVar

from sqlalchemy import Column, Table, insert
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapper, Session

from .base import Base

# (attribute key, column key, default or None) per column of a mapped class
_Spec = tuple[tuple[str, str, Callable[[], Any] | None], ...]
# Most rows one INSERT statement carries: its text grows with them, and SQLite's
# variable limit (32,766 since 3.32) bounds rows x columns anyway.
ROWS_PER_STATEMENT = 200


def _default(column: Column[Any]) -> Callable[[], Any] | None:
    default = column.default
    if default is None:
        return None
    if getattr(default, "is_scalar", False):
        value = default.arg  # type: ignore[attr-defined]
        return lambda: value
    if getattr(default, "is_callable", False):
        fn = default.arg  # type: ignore[attr-defined]  # SQLAlchemy wraps it to take a context
        return lambda: fn(None)
    raise TypeError(f"{column}: only Python-side defaults can be filled in for a bulk insert")


_SPECS: dict[type, tuple[Table, _Spec]] = {}


def _spec(cls: type) -> tuple[Table, _Spec]:
    if (known := _SPECS.get(cls)) is not None:
        return known
    mapper: Mapper[Any] = sa_inspect(cls)
    table = mapper.local_table
    assert isinstance(table, Table)
    spec = []
    for prop in mapper.column_attrs:
        [column] = prop.columns
        assert isinstance(column, Column)
        spec.append((prop.key, column.key, _default(column)))
    _SPECS[cls] = table, tuple(spec)
    return _SPECS[cls]


def table_of(cls: type) -> Table:
    """The table a mapped class writes to: for Core inserts of plain row dicts."""
    return _spec(cls)[0]


@dataclass(slots=True)
class NewRow:
    """A new row held as the keyword arguments its ORM object would be made with."""

    cls: type
    values: dict[str, Any]
    # The ORM object made from `values` once a later command of the batch needs one (to
    # change it like any other): then it, not `values`, is what gets inserted.
    live: Any = None

    def get(self, attr: str) -> Any:
        return getattr(self.live, attr) if self.live is not None else self.values.get(attr)


def row_of(obj: object) -> dict[str, Any]:
    """The column values a flush would insert for `obj` (defaults filled in)."""
    if isinstance(obj, NewRow):
        return row_of(obj.live) if obj.live is not None else _row(obj.cls, obj.values)
    return _row(type(obj), obj.__dict__)


def _row(cls: type, state: Mapping[str, Any]) -> dict[str, Any]:
    _, spec = _spec(cls)
    row = {}
    for attr, key, default in spec:
        value = state.get(attr)
        if value is None and default is not None:
            value = default()
        row[key] = value
    return row


def insert_objects(session: Session, objects: Iterable[object]) -> None:
    """Insert new (transient) ORM objects and `NewRow`s, grouped by table, parents before
    children."""
    by_table: dict[Table, list[dict[str, Any]]] = defaultdict(list)
    for obj in objects:
        table, _ = _spec(obj.cls if isinstance(obj, NewRow) else type(obj))
        by_table[table].append(row_of(obj))
    for table in Base.metadata.sorted_tables:
        if rows := by_table.get(table):
            insert_rows(session, table, rows)


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert row dicts (column key -> value) as a Core insert would: every row has the
    first row's keys; a column no row names takes its Python default, if it has one."""
    if not rows:
        return
    dialect = session.get_bind().dialect
    if dialect.name == "postgresql":
        _copy_rows(session, table, rows)
        return
    if dialect.name != "sqlite":
        session.execute(insert(table), list(rows))
        return
    dbapi = session.connection().connection.dbapi_connection
    assert dbapi is not None
    plan = _Plan.of(table, frozenset(rows[0]), dialect, dbapi)
    cursor = dbapi.cursor()
    try:
        for start in range(0, len(rows), plan.per_statement):
            chunk = rows[start : start + plan.per_statement]
            cursor.execute(plan.sql(len(chunk)), plan.values(chunk))
    finally:
        cursor.close()


class _Plan:
    """How the rows of one table with one set of keys become SQLite statements."""

    # Per dialect too: the bind processors differ (a test session uses both databases).
    _known: ClassVar[dict[tuple[Table, frozenset[str], str], _Plan]] = {}

    def __init__(self, table: Table, keys: frozenset[str], dialect: Dialect, limit: int) -> None:
        quote = dialect.identifier_preparer.quote
        columns = [c for c in table.columns if c.key in keys or _default(c) is not None]
        unknown = keys - {c.key for c in columns}
        if unknown:
            raise KeyError(f"{table.name} has no columns {sorted(unknown)}")
        # (key, default when the row lacks it, bind processor) per column
        self.columns = [
            (c.key, None if c.key in keys else _default(c), _processor(c, dialect)) for c in columns
        ]
        names = ", ".join(quote(c.name) for c in columns)
        self.head = f"INSERT INTO {quote(table.name)} ({names}) VALUES "
        self.copy = f"COPY {quote(table.name)} ({names}) FROM STDIN"
        self.one = "(" + ",".join("?" * len(columns)) + ")"
        self.per_statement = max(1, min(ROWS_PER_STATEMENT, (limit or 1) // len(columns)))
        self._sql: dict[int, str] = {}

    @classmethod
    def of(cls, table: Table, keys: frozenset[str], dialect: Dialect, dbapi: Any) -> _Plan:
        plan = cls._known.get((table, keys, dialect.name))
        if plan is None:
            limit = 0 if dbapi is None else dbapi.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
            plan = cls._known[table, keys, dialect.name] = cls(table, keys, dialect, limit)
        return plan

    def sql(self, count: int) -> str:
        text = self._sql.get(count)
        if text is None:
            text = self._sql[count] = self.head + ",".join([self.one] * count)
        return text

    def values(self, rows: Sequence[dict[str, Any]]) -> list[Any]:
        """The statement's parameters, row after row."""
        return list(chain.from_iterable(zip(*self.columns_of(rows), strict=True)))

    def columns_of(self, rows: Sequence[dict[str, Any]]) -> list[list[Any]]:
        """The rows' bound values, column by column: one comprehension and one map()
        per column instead of a Python loop step per value."""
        columns: list[list[Any]] = []
        for key, default, process in self.columns:
            column = [row[key] for row in rows] if default is None else [default() for _ in rows]
            columns.append(column if process is None else list(map(process, column)))
        return columns


def _processor(column: Column[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    """The column type's own bind conversion (UUID as hex, UTC datetimes as text,
    enums by value, JSON), exactly what SQLAlchemy would bind."""
    return column.type.dialect_impl(dialect).bind_processor(dialect)


def _copy_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """PostgreSQL: the rows as one COPY (text format), into the session's transaction.

    A multi-row INSERT is parsed and planned by the server and its parameters adapted
    one by one in Python; COPY formats the values in C and the server only parses
    them. Values go through the columns' bind processors first (enums by value, JSON
    as text), as SQLAlchemy would bind them."""
    plan = _Plan.of(table, frozenset(rows[0]), session.get_bind().dialect, None)
    dbapi = session.connection().connection.dbapi_connection
    assert dbapi is not None
    cursor = dbapi.cursor()
    try:
        with cursor.copy(plan.copy) as copy:
            for row in zip(*plan.columns_of(rows), strict=True):
                copy.write_row(row)
    finally:
        cursor.close()
