"""Alembic environment: runs on the connection the Store hands in."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext

from desk_gui.models import Base
from desk_gui.models.base import UTCDateTime

# Objects made by hand in migrations (full-text search) that the models do not declare.
HAND_MADE = {"message_fts", "search_vector", "ix_messages_search_vector"}


def render_item(kind: str, obj: Any, autogen: AutogenContext) -> str | Literal[False]:
    # Migrations must not import the models: render our UTC type as the plain column.
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def include_object(obj: Any, name: str | None, kind: str, reflected: bool, other: Any) -> bool:
    return name not in HAND_MADE and not (name or "").startswith("message_fts_")


config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through desk_gui.models.store.Store.migrate()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_item=render_item,
    include_object=include_object,
    # SQLite cannot ALTER most things: batch mode copies the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
