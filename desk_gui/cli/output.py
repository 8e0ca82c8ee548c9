"""Printing: aligned tables for people, JSON (stable keys, ISO times) for scripts."""

from __future__ import annotations

import enum
import json
import shutil
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any


def when(value: datetime | None) -> str:
    """A time for people: local time, to the minute."""
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else ""


def change_value(field: str, value: str | None) -> str:
    """A history old/new value for people: times of *_at fields in local time."""
    if value is None:
        return "-"
    if field.endswith("_at"):
        try:
            return when(datetime.fromisoformat(value))
        except ValueError:
            pass
    return value


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def print_json(value: Any) -> None:
    print(json.dumps(jsonable(value), ensure_ascii=False, indent=2))


def clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]], flex: int) -> None:
    """Columns sized to their content; column `flex` is clipped to fit the terminal."""
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    room = shutil.get_terminal_size((120, 24)).columns
    others = sum(w for i, w in enumerate(widths) if i != flex) + 2 * (len(widths) - 1)
    widths[flex] = max(12, min(widths[flex], room - others))
    for line in [list(headers), *[list(r) for r in rows]]:
        cells = [clip(c, w).ljust(w) for c, w in zip(line, widths, strict=True)]
        print("  ".join(cells).rstrip())
