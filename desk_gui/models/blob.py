"""Content-addressed blobs (SHA-256), stored as chunks so large files stream.

Chunks live in the database rather than on disk so that one backup, one transaction
and (later) one replication stream cover them with everything else.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from typing import BinaryIO

from sqlalchemy import ForeignKey, LargeBinary, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from . import bulk
from .base import Base

CHUNK = 1 << 20  # 1 MiB: large enough to be cheap, small enough to keep memory flat


class Blob(Base):
    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int]


class BlobChunk(Base):
    __tablename__ = "blob_chunks"

    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"), primary_key=True)
    idx: Mapped[int] = mapped_column(primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


def put_bytes(session: Session, data: bytes) -> str:
    """Store a small blob held in memory; returns its SHA-256."""
    sha = hashlib.sha256(data).hexdigest()
    if session.get(Blob, sha) is None:
        session.add(Blob(sha256=sha, size=len(data)))
        session.flush()
        for idx, start in enumerate(range(0, max(len(data), 1), CHUNK)):
            session.add(BlobChunk(sha256=sha, idx=idx, data=data[start : start + CHUNK]))
    return sha


def put_many(session: Session, blobs: dict[str, bytes]) -> None:
    """Blobs held in memory, keyed by their SHA-256, with one multi-row insert per table
    (no ORM flush: a batch of mails has many); those stored already are skipped."""
    shas = sorted(blobs)
    existing = set()
    for i in range(0, len(shas), 500):  # far below SQLite's bound-parameter limit
        existing |= set(
            session.scalars(select(Blob.sha256).where(Blob.sha256.in_(shas[i : i + 500])))
        )
    new = {sha: data for sha, data in blobs.items() if sha not in existing}
    if not new:
        return
    bulk.insert_rows(
        session, bulk.table_of(Blob), [{"sha256": s, "size": len(d)} for s, d in new.items()]
    )
    bulk.insert_rows(
        session,
        bulk.table_of(BlobChunk),
        [
            {"sha256": s, "idx": i, "data": d[start : start + CHUNK]}
            for s, d in new.items()
            for i, start in enumerate(range(0, max(len(d), 1), CHUNK))
        ],
    )


def put_stream(session: Session, stream: BinaryIO) -> tuple[str, int]:
    """Store a blob of any size read from a stream, holding at most a chunk in memory."""
    digest = hashlib.sha256()
    size = 0
    # The hash is known only at the end, so spool to disk first, then copy in chunks.
    with tempfile.SpooledTemporaryFile(max_size=CHUNK * 4) as spool:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            spool.write(chunk)
        sha = digest.hexdigest()
        if session.get(Blob, sha) is not None:
            return sha, size
        session.add(Blob(sha256=sha, size=size))
        session.flush()
        spool.seek(0)
        idx = 0
        while (chunk := spool.read(CHUNK)) or idx == 0:
            row = BlobChunk(sha256=sha, idx=idx, data=chunk)
            session.add(row)
            session.flush()
            # Written: drop it from the identity map so memory stays at one chunk.
            session.expunge(row)
            idx += 1
    return sha, size


def iter_chunks(session: Session, sha: str) -> Iterator[bytes]:
    """Yield a blob's bytes chunk by chunk, one query per chunk."""
    idx = 0
    while True:
        data = session.scalar(
            select(BlobChunk.data).where(BlobChunk.sha256 == sha, BlobChunk.idx == idx)
        )
        if data is None:
            return
        if data:
            yield data
        idx += 1


def read_bytes(session: Session, sha: str) -> bytes:
    return b"".join(iter_chunks(session, sha))


def copy_to(session: Session, sha: str, target: BinaryIO) -> None:
    for chunk in iter_chunks(session, sha):
        target.write(chunk)


__all__ = ["Blob", "BlobChunk", "copy_to", "iter_chunks", "put_bytes", "put_stream", "read_bytes"]
