"""Small key/value state of a store: node id, counters for human numbers."""

from __future__ import annotations

from sqlalchemy import String, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from .base import Base


class Counter(Base):
    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[int]


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    value: Mapped[str]


def next_value(session: Session, name: str, start: int = 1) -> int:
    """Take the next number of a counter inside the caller's transaction."""
    value = session.scalar(
        update(Counter)
        .where(Counter.name == name)
        .values(value=Counter.value + 1)
        .returning(Counter.value)
    )
    if value is None:
        session.add(Counter(name=name, value=start))
        session.flush()
        return start
    return int(value)


def reserve(session: Session, name: str, count: int, start: int = 1) -> int:
    """Reserve `count` consecutive numbers; returns the first (bulk loads use this)."""
    first = next_value(session, name, start)
    if count > 1:
        session.execute(
            update(Counter).where(Counter.name == name).values(value=Counter.value + count - 1)
        )
    return first


def get_setting(session: Session, key: str) -> str | None:
    return session.scalar(select(Setting.value).where(Setting.key == key))


def put_setting(session: Session, key: str, value: str) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
