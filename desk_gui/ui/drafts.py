"""Reply drafts kept on this machine, saved as the agent types, restored after a crash.

A draft is per agent and ticket: one small JSON file written atomically (temp file,
fsync, rename), so a crash mid-write leaves the previous version, never half a file.
Drafts are deliberately local (not a replicated table): they are unfinished work of
one person on one machine, and must survive when the shared database is unreachable.

The editor serializes its state on the GUI thread (the document lives there) after a
pause in typing; the file is written on a worker thread, never on the GUI thread.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer, Signal

log = logging.getLogger(__name__)

SAVE_DELAY_MS = 800  # after the last keystroke: a pause, not every key
FILES_KEPT_S = 3600  # unreferenced unpacked files younger than this are left alone


@dataclass(frozen=True)
class StoredDraft:
    ticket_id: str
    mode: str = "reply"  # "reply" or "note"
    html: str = ""
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()
    attachments: tuple[str, ...] = ()  # paths of local files
    # The collision check survives a restart: what the writer had seen, and when.
    opened_at: str | None = None  # ISO 8601, UTC
    seen_message_uuid: str | None = None
    replaces: str | None = None  # the failed outbox row an edited reply stands in for
    saved_at: str = field(default_factory=lambda: datetime.now().astimezone().isoformat())

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> StoredDraft:
        data = json.loads(text)
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for key in ("to", "cc", "bcc", "attachments"):
            known[key] = tuple(known.get(key) or ())
        return cls(**known)


def default_directory() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or tempfile.gettempdir()) / "drafts"


class DraftStore:
    """Draft files under one directory: `<agent>/<ticket>.json`."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or default_directory()
        # One worker: reads, writes and deletes of drafts happen in the order asked.
        # Plain threads (not qasync's QThread executor) so nothing outlives the app.
        self.io = ThreadPoolExecutor(max_workers=1, thread_name_prefix="desk-drafts")
        self.io.submit(self.sweep_files)

    def files_dir(self, outbound_id: uuid.UUID | str) -> Path:
        """Where the files of a failed mail brought back for editing are unpacked."""
        return self.directory / "files" / str(outbound_id)

    def remove_files(self, outbound_id: uuid.UUID | str) -> None:
        """The edited mail went out (or was discarded): its unpacked files are no longer
        needed (a queued mail carries its own copy). On the drafts' worker thread."""
        self.io.submit(shutil.rmtree, self.files_dir(outbound_id), ignore_errors=True)

    def sweep_files(self, min_age_s: float = FILES_KEPT_S) -> int:
        """Remove unpacked files no draft refers to any more (left by a crash between
        sending and cleaning up); young ones may belong to a draft not saved yet."""
        root = self.directory / "files"
        if not root.is_dir():
            return 0
        wanted = set()
        for path in self.directory.glob("*/*.json"):
            try:
                draft = StoredDraft.from_json(path.read_text(encoding="utf-8"))
            except (OSError, ValueError, TypeError):
                continue
            if draft.replaces:
                wanted.add(draft.replaces)
        removed = 0
        cutoff = time.time() - min_age_s
        for folder in root.iterdir():
            try:
                old = folder.stat().st_mtime < cutoff
            except OSError:
                continue
            if folder.is_dir() and folder.name not in wanted and old:
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
        return removed

    def path(self, agent_id: uuid.UUID | None, ticket_id: uuid.UUID) -> Path:
        return self.directory / (str(agent_id) if agent_id else "nobody") / f"{ticket_id}.json"

    def load(self, agent_id: uuid.UUID | None, ticket_id: uuid.UUID) -> StoredDraft | None:
        path = self.path(agent_id, ticket_id)
        try:
            return StoredDraft.from_json(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError) as error:
            # A damaged file must not block the ticket: keep it aside for the agent.
            log.warning("draft %s unreadable: %s", path, error)
            return None

    def save(self, agent_id: uuid.UUID | None, draft: StoredDraft) -> Path:
        path = self.path(agent_id, uuid.UUID(draft.ticket_id))
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".draft-", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(draft.to_json())
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path

    def delete(self, agent_id: uuid.UUID | None, ticket_id: uuid.UUID) -> None:
        self.path(agent_id, ticket_id).unlink(missing_ok=True)

    def tickets(self, agent_id: uuid.UUID | None) -> list[uuid.UUID]:
        """Tickets with a draft of this agent (e.g. to mark them in a list)."""
        folder = self.path(agent_id, uuid.UUID(int=0)).parent
        found = []
        for f in folder.glob("*.json"):
            try:
                found.append(uuid.UUID(f.stem))
            except ValueError:
                continue
        return found


class DraftSaver(QObject):
    """Debounces saves: `touch()` on every change, one write after a pause.

    `snapshot` returns the draft to write (None: the editor is empty, delete the file).
    """

    saved = Signal(object)  # the StoredDraft written, or None when deleted
    failed = Signal(str)

    def __init__(
        self,
        store: DraftStore,
        snapshot: Callable[[], tuple[uuid.UUID | None, uuid.UUID, StoredDraft | None] | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self._snapshot = snapshot
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.flush)
        self._writing: set[asyncio.Future[None]] = set()

    @property
    def pending(self) -> bool:
        return self._timer.isActive() or bool(self._writing)

    def touch(self) -> None:
        self._timer.start()  # restarts: typing keeps pushing the save back

    def cancel(self) -> None:
        self._timer.stop()

    def flush(self) -> None:
        """Save now (switching tickets, closing): serialize here, write on a worker."""
        self._timer.stop()
        taken = self._snapshot()
        if taken is None:
            return
        agent_id, ticket_id, draft = taken
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._write(agent_id, ticket_id, draft)  # no loop (shutting down): write here
            return
        future = loop.run_in_executor(self.store.io, self._write, agent_id, ticket_id, draft)
        self._writing.add(future)
        future.add_done_callback(lambda f: self._written(f, draft))

    def _write(
        self, agent_id: uuid.UUID | None, ticket_id: uuid.UUID, draft: StoredDraft | None
    ) -> None:
        if draft is None:
            self.store.delete(agent_id, ticket_id)
        else:
            self.store.save(agent_id, draft)

    def _written(self, future: asyncio.Future[None], draft: StoredDraft | None) -> None:
        self._writing.discard(future)
        if future.cancelled():
            return
        error = future.exception()
        if error is not None:
            self.failed.emit(str(error))
        else:
            self.saved.emit(draft)
