"""Opening a store: the embedded SQLite file or a shared PostgreSQL database.

SQLite runs in WAL mode so the GUI's readers never wait for the writer, and writers take
the lock up front (BEGIN IMMEDIATE) so two writers queue instead of failing half-way
with "database is locked" on upgrade from a read lock.
"""

from __future__ import annotations

import logging
import sys
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from .hlc import HybridClock
from .meta import get_setting, put_setting

if TYPE_CHECKING:
    from alembic.config import Config

APP_NAME = "desk"

log = logging.getLogger(__name__)


class StoreError(Exception):
    """A store cannot be opened or is not usable (bad URL, not migrated...)."""


def default_url() -> str:
    data = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    data.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{data / 'desk.sqlite3'}"


WAL_LIMIT = 32 * 1024 * 1024  # bytes the SQLite log file keeps after a checkpoint


def _sqlite_engine(url: str) -> Engine:
    # LIFO: the connection used last is handed out again, so a few stay warm and the
    # others idle, instead of every pooled connection taking its turn and each keeping
    # its own page cache and mapped pages resident (bench_ui, 1M demo store with the
    # engine passes: peak 440 -> 418 MB, one pair of runs).
    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": 30}, pool_use_lifo=True
    )

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin event issue BEGIN itself (pysqlite's own is deferred).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        # 8 MB of page cache per connection: reads come from the 256 MB memory map (file
        # pages, shared), and each of the app's connections filling a 64 MB cache of its
        # own pushed the window past its 400 MB on a 1M-ticket store (bench_ui: peak
        # 433 -> 318 MB, first pages and searches as fast).
        for pragma in (
            "journal_mode=WAL",
            "synchronous=NORMAL",
            "foreign_keys=ON",
            "busy_timeout=30000",
            "cache_size=-8192",
            "mmap_size=268435456",
            "temp_store=MEMORY",
            # A large transaction (an SLA recompute of 100,000 tickets, a first mail
            # import) grows the log to ~100 MB; without a limit the file keeps that size
            # for as long as the app runs. Cut back when the log starts over.
            f"journal_size_limit={WAL_LIMIT}",
        ):
            cur.execute(f"PRAGMA {pragma}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        mode = "IMMEDIATE" if conn.get_execution_options().get("desk_write") else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


@contextmanager
def _log_kept(conn: Connection) -> Iterator[None]:
    """No automatic checkpoint at this connection's commits (SQLite); the connection
    goes back to the pool as it came."""
    raw = conn.connection.dbapi_connection
    assert raw is not None
    limit = raw.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
    raw.execute("PRAGMA wal_autocheckpoint = 0")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA wal_autocheckpoint = {int(limit)}")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    if url.startswith("postgresql"):
        return create_engine(url, pool_pre_ping=True)
    raise StoreError(f"unsupported database URL: {url!r} (use sqlite:/// or postgresql+psycopg://)")


def alembic_config(connection: Connection) -> Config:
    # Imported here: Alembic costs a third of a CLI call's start-up and most calls
    # never migrate.
    from alembic.config import Config

    # Explicitly the current stdout: Config's default is the one of Alembic's import.
    cfg = Config(stdout=sys.stdout)
    cfg.set_main_option("script_location", str(files("desk_gui.models") / "migrations"))
    cfg.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    cfg.attributes["connection"] = connection
    return cfg


class Store:
    """One database: a session factory, migrations, and this node's clock."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_url()
        self.engine = make_engine(self.url)
        self._write_engine = self.engine.execution_options(desk_write=True)
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(self._write_engine, expire_on_commit=False)
        self._clock: HybridClock | None = None
        self._checkpoint_lock = threading.Lock()
        self._checkpointer: ThreadPoolExecutor | None = None
        self._checkpointing: Future[None] | None = None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def migrate(self) -> None:
        from alembic import command

        with self._write_engine.begin() as conn:
            # "heads": feature branches of the schema may land side by side until merged.
            command.upgrade(alembic_config(conn), "heads")

    def is_migrated(self) -> bool:
        return inspect(self.engine).has_table("tickets")

    def require_migrated(self) -> None:
        if not self.is_migrated():
            raise StoreError("the store has no schema yet: run 'desk-gui init' first")

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reader() as session, session.begin():
            yield session

    @contextmanager
    def write(self, checkpoint: bool = True) -> Iterator[Session]:
        """One transaction that commits on success and rolls back on any error.

        `checkpoint=False` (SQLite): the commit leaves the log as it is even past its
        size limit; the caller has it copied back later, off its own path
        (`checkpoint_soon`). For a series of big transactions (a mail import): at the
        limit each commit would otherwise copy the log into the file and wait for the
        disk (fsync) before the next batch could start."""
        if checkpoint or self.dialect != "sqlite":
            with self._writer() as session, session.begin():
                yield session
            return
        with (
            self._write_engine.connect() as conn,
            _log_kept(conn),
            Session(conn, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session

    @contextmanager
    def write_attached(self, path: str, schema: str, checkpoint: bool = True) -> Iterator[Session]:
        """A write transaction (SQLite) whose connection also sees the database file
        `path` as `schema`. Detached again on the same connection once the transaction
        has ended: SQLite refuses to detach a file a transaction has read.

        `checkpoint=False`: as for `write`."""
        with self._write_engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None
            raw.execute(f"ATTACH DATABASE ? AS {schema}", (path,))
            try:
                with (
                    _log_kept(conn) if not checkpoint else nullcontext(),
                    Session(conn, expire_on_commit=False) as session,
                    session.begin(),
                ):
                    yield session
            finally:
                raw.execute(f"DETACH DATABASE {schema}")

    def checkpoint(self) -> int:
        """Copy the SQLite log back into the store's file without waiting for or blocking
        anyone (PASSIVE); returns the log frames copied (0 on PostgreSQL)."""
        if self.dialect != "sqlite":
            return 0
        with self.engine.connect() as conn:
            row = conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return 0 if row is None else int(row[2])

    def checkpoint_soon(self) -> None:
        """`checkpoint` on a thread of its own, without waiting. Requests while one
        waits to start are covered by it; SQLite does the copying and the fsync with
        the GIL released, so the caller's thread goes on."""
        if self.dialect != "sqlite":
            return
        with self._checkpoint_lock:
            queued = self._checkpointing
            if queued is not None and not queued.running() and not queued.done():
                return
            if self._checkpointer is None:
                self._checkpointer = ThreadPoolExecutor(1, thread_name_prefix="desk-checkpoint")
            self._checkpointing = self._checkpointer.submit(self._checkpoint_logged)

    def _checkpoint_logged(self) -> None:
        try:
            self.checkpoint()
        except Exception as exc:  # the next commit or checkpoint copies the log
            log.warning("checkpoint of the store's log failed: %s", exc)

    @property
    def clock(self) -> HybridClock:
        if self._clock is None:
            with self.write() as session:
                node = get_setting(session, "node_id")
                if node is None:
                    node = uuid.uuid4().hex[:12]
                    put_setting(session, "node_id", node)
            self._clock = HybridClock(node)
        return self._clock

    def dispose(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.shutdown(wait=True)
            self._checkpointer = None
        self.engine.dispose()
