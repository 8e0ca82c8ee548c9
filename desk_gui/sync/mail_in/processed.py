"""Moving ingested mail out of the fetched folder into the mailbox's processed folder
(DESIGN.md, Mail: "optionally move to a processed folder after commit").

Only mail whose transaction has committed is moved: every UID up to the cursor is in
the ledger by then, so a crash before the move leaves the mail where it was and the
next connection sweeps it, and a crash after the move has nothing left to lose.

UID MOVE (RFC 6851) where the server has it; else UID COPY, STORE \\Deleted and
UID EXPUNGE (RFC 4315) of exactly those UIDs. Never a plain EXPUNGE: it would also
remove mails a person flagged \\Deleted in the same folder.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Literal

from imapclient import DELETED, IMAPClient

Method = Literal["MOVE", "UIDPLUS"]
# UIDs per command: a sweep after a long outage may find thousands; bounded commands
# keep each server answer (one EXPUNGE line per mail) and its wait short.
CHUNK = 500


class MoveError(Exception):
    """Ingested mail that could not be moved; it stays in the folder until a sweep."""


def method(client: IMAPClient) -> Method | None:
    if client.has_capability("MOVE"):
        return "MOVE"
    if client.has_capability("UIDPLUS"):
        return "UIDPLUS"
    return None


def uid_set(uids: Sequence[int]) -> str:
    """An IMAP sequence set of ascending runs: '3:7,9,12:13' instead of every UID."""
    runs: list[str] = []
    ordered = sorted(set(uids))
    start = prev = ordered[0] if ordered else 0
    for uid in ordered[1:]:
        if uid != prev + 1:
            runs.append(f"{start}:{prev}" if prev > start else str(start))
            start = uid
        prev = uid
    if ordered:
        runs.append(f"{start}:{prev}" if prev > start else str(start))
    return ",".join(runs)


def _chunks(uids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(uids), CHUNK):
        yield uids[start : start + CHUNK]


def ensure_folder(client: IMAPClient, folder: str) -> bool:
    """Create the folder when it does not exist yet; True when it was created."""
    if client.folder_exists(folder):
        return False
    client.create_folder(folder)
    return True


def usable_method(client: IMAPClient) -> Method:
    how = method(client)
    if how is None:
        raise MoveError(
            "the server offers neither MOVE (RFC 6851) nor UIDPLUS (RFC 4315); Desk does not "
            "expunge without them (that would also remove mails others flagged deleted)"
        )
    return how


def move(client: IMAPClient, uids: Sequence[int], folder: str, *, create: bool = True) -> None:
    """Move these UIDs of the selected folder (selected read-write) to `folder`, which
    is created first when `create` and it does not exist."""
    how = usable_method(client)
    if create:
        ensure_folder(client, folder)
    for chunk in _chunks(sorted(uids)):
        ids = uid_set(chunk)
        if how == "MOVE":
            client.move(ids, folder)
            continue
        # A failure between these steps leaves the mails in the folder (maybe also copied,
        # maybe flagged): the retry copies them again, so at worst the processed folder
        # holds a copy twice; nothing is lost and nobody else's \Deleted mail is expunged.
        client.copy(ids, folder)
        client.add_flags(ids, [DELETED], silent=True)
        client.uid_expunge(ids)


def error_text(exc: BaseException) -> str:
    """The mailbox state's last error for a failed move (admin.explain reads it)."""
    if isinstance(exc, MoveError | IMAPClient.Error):  # a refusal says enough by itself
        return f"MoveError: {exc}"
    return f"MoveError: {type(exc).__name__}: {exc}"
