"""UTC datetimes on SQLite: stored as the very text SQLAlchemy's own DATETIME writes
(stores written before hold it, and SQL compares the text), read back as aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.dialects import sqlite

from desk_gui.models.base import UTCDateTime

VALUES = [
    datetime(2026, 11, 23, 1, 2, 3, 456789, tzinfo=UTC),
    datetime(2026, 11, 23, 1, 2, 3, tzinfo=UTC),  # no microseconds: still written
    datetime(2026, 3, 29, 2, 30, tzinfo=timezone(timedelta(hours=2))),  # not UTC
    datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-5))),
    datetime(999, 1, 2, 3, 4, 5, 6, tzinfo=UTC),  # a year of three digits
]


def test_sqlite_text_is_sqlalchemys_datetime_text() -> None:
    dialect = sqlite.dialect()
    ours = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    theirs = sqlite.DATETIME().bind_processor(dialect)
    read = UTCDateTime().dialect_impl(dialect).result_processor(dialect, None)
    assert ours is not None and theirs is not None and read is not None
    for value in VALUES:
        text = ours(value)
        assert text == theirs(value.astimezone(UTC).replace(tzinfo=None))
        assert read(text) == value
        assert read(text).tzinfo is UTC
    assert ours(None) is None


def test_naive_datetimes_are_refused() -> None:
    dialect = sqlite.dialect()
    ours = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    assert ours is not None
    with pytest.raises(ValueError, match="naive"):
        ours(datetime(2026, 11, 23, 1, 2, 3))
