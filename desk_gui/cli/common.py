"""What every subcommand shares: the store URL, opening the store, names -> rows, actors.

Everything a user types is checked here and turned into a `CliError` with one readable
line, before or inside the one transaction a subcommand runs, never half-way after it.
"""

from __future__ import annotations

import argparse
import enum
import getpass
import os
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session

from desk_gui.models import Agent, Group, Ticket, queries
from desk_gui.models.commands import Actor, Command, run_in
from desk_gui.models.store import Store, StoreError, default_url

ENV_DB = "DESK_DB"
_DRIVERS = {"sqlite": "sqlite", "sqlite+pysqlite": "sqlite", "postgresql+psycopg": "postgresql"}
# Plain postgresql:// would pick psycopg2, which Desk does not ship: mean psycopg 3.
_ALIASES = {"postgresql": "postgresql+psycopg", "postgres": "postgresql+psycopg"}


class CliError(Exception):
    """Bad input found by the CLI itself (unknown name, malformed value...): exit 1."""


class UsageError(CliError):
    """Options that do not go together (argparse cannot say so itself): exit 2."""


# --- the store -----------------------------------------------------------------------------


def store_url(args: argparse.Namespace) -> str:
    """--db, else $DESK_DB, else the embedded store in the user data directory."""
    raw = getattr(args, "db", None) or os.environ.get(ENV_DB) or default_url()
    return normalize_url(raw)


def normalize_url(raw: str) -> str:
    try:
        url = make_url(raw)
    except ArgumentError:
        raise StoreError(f"not a database URL: {raw!r}") from None
    url = url.set(drivername=_ALIASES.get(url.drivername, url.drivername))
    if url.drivername not in _DRIVERS:
        raise StoreError(
            f"unsupported database URL {display_url(raw)!r}: "
            "use sqlite:///PATH or postgresql+psycopg://USER@HOST/DB"
        )
    return url.render_as_string(hide_password=False)


def display_url(raw: str) -> str:
    try:
        return make_url(raw).render_as_string(hide_password=True)
    except ArgumentError:
        return raw


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL (None for in-memory or PostgreSQL)."""
    parsed = make_url(url)
    db = parsed.database
    if not parsed.drivername.startswith("sqlite") or not db or db == ":memory:":
        return None
    return None if db.startswith("file:") else Path(db)


@contextmanager
def open_store(args: argparse.Namespace, *, migrated: bool = True) -> Iterator[Store]:
    """The store of --db; with `migrated`, refuse one that `desk-gui init` never set up."""
    url = store_url(args)
    path = sqlite_path(url)
    if migrated and path is not None and not path.exists():
        # Opening would create an empty file: a typo in --db must not leave litter behind.
        raise StoreError(f"no store at {path}: run 'desk-gui init' first")
    store = Store(url)
    try:
        if migrated:
            store.require_migrated()
        yield store
    finally:
        store.dispose()


# --- names typed by the user -> rows -------------------------------------------------------

E = TypeVar("E", bound=enum.Enum)


def parse_enum(cls: type[E], text: str, what: str) -> E:
    """An enum member by value, forgiving case, '-' for '_' and unique prefixes."""
    key = text.strip().lower().replace("-", "_").replace(" ", "_")
    members = list(cls)
    exact = [m for m in members if m.value == key]
    matches = exact or [m for m in members if key and str(m.value).startswith(key)]
    if len(matches) == 1:
        return matches[0]
    choices = ", ".join(str(m.value) for m in members)
    raise CliError(f"unknown {what} {text!r} (choose from: {choices})")


def find_ticket(session: Session, ref: str) -> Ticket:
    ticket = queries.find_ticket(session, ref)
    if ticket is None:
        raise CliError(f"no ticket {ref!r} (give a number like 10234 or #10234, or a UUID)")
    return ticket


def find_agent(session: Session, login: str) -> Agent:
    agent = session.scalar(select(Agent).where(func.lower(Agent.login) == login.strip().lower()))
    if agent is None:
        raise CliError(f"no agent with login {login!r}")
    return agent


def find_group(session: Session, name: str) -> Group:
    group = session.scalar(select(Group).where(func.lower(Group.name) == name.strip().lower()))
    if group is None:
        names = ", ".join(session.scalars(select(Group.name).order_by(Group.name)))
        raise CliError(f"no group {name!r} (groups: {names or 'none yet'})")
    return group


def is_none(value: str) -> bool:
    """`--assignee none` / `--group none` clear the field."""
    return value.strip().lower() in ("none", "-", "")


def read_body(value: str) -> str:
    """A text option's value, or standard input for '-'."""
    return sys.stdin.read() if value == "-" else value


# --- running commands ----------------------------------------------------------------------


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in env or passwd (containers): still say it was the CLI
        return "unknown"


def actor_for(session: Session, login: str | None) -> Actor:
    if login is None:
        return Actor(f"cli:{os_user()}")
    agent = find_agent(session, login)
    if not agent.active:
        raise CliError(f"agent {login!r} is inactive")
    return Actor(agent.name, agent.id)


Build = Callable[[Session], list[Command]]


def run_commands(store: Store, login: str | None, build: Build) -> tuple[list[str], list[Any]]:
    """Run the commands `build` makes in ONE write transaction: all of them or none.

    Returns the HLC each command ran with (history rows carry it) and their results.
    """
    clock = store.clock  # first use writes the node id in its own transaction: do it before
    with store.write() as session:
        actor = actor_for(session, login)
        hlcs: list[str] = []
        results: list[Any] = []
        for cmd in build(session):
            hlcs.append(clock.now())
            results.append(run_in(session, hlcs[-1], cmd, actor))
    return hlcs, results


def ticket_id(session: Session, ref: str) -> uuid.UUID:
    return find_ticket(session, ref).id
