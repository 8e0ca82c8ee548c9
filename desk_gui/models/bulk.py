"""New ORM objects written set-wise: one executemany per table instead of a flush each.

A batch (the mail engine's) builds its rows with the same commands as everywhere else,
as ORM objects that never enter the session; `insert_objects` turns them into column
values the way a flush would (an attribute left unset or None takes the column's
default) and inserts them table by table in foreign-key order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Column, Table, insert
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapper, Session

from .base import Base

# (attribute key, column key, default or None) per column of a mapped class
_Spec = tuple[tuple[str, str, Callable[[], Any] | None], ...]


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


def row_of(obj: object) -> dict[str, Any]:
    """The column values a flush would insert for `obj` (defaults filled in)."""
    _, spec = _spec(type(obj))
    state = obj.__dict__
    row = {}
    for attr, key, default in spec:
        value = state.get(attr)
        if value is None and default is not None:
            value = default()
        row[key] = value
    return row


def insert_objects(session: Session, objects: Iterable[object]) -> None:
    """Insert new (transient) ORM objects, grouped by table, parents before children."""
    by_table: dict[Table, list[dict[str, Any]]] = defaultdict(list)
    for obj in objects:
        table, _ = _spec(type(obj))
        by_table[table].append(row_of(obj))
    for table in Base.metadata.sorted_tables:
        if rows := by_table.get(table):
            session.execute(insert(table), rows)
