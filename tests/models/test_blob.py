"""Content-addressed blobs: streamed in chunks, deduplicated, read back identical, and
never held whole in memory."""

from __future__ import annotations

import hashlib
import io
import random
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import func, select

from desk_gui.models import Blob, BlobChunk
from desk_gui.models.blob import CHUNK, copy_to, iter_chunks, put_bytes, put_stream, read_bytes
from desk_gui.models.store import Store

MiB = 1 << 20
BIG = 30 * MiB
# Peak Python memory allowed while a 30 MiB blob streams in or out: a few chunks plus the
# in-memory part of the spool (4 chunks, copied once when it rolls over to disk). Measured
# here: ~7 MiB storing, ~2 MiB reading; holding the blob whole would take over 30 MiB.
PEAK_LIMIT = 10 * MiB


class RandomStream(io.RawIOBase):
    """`size` reproducible pseudo-random bytes, made on demand as they are read."""

    def __init__(self, size: int, seed: int = 7) -> None:
        self.left = size
        self.rng = random.Random(seed)

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        self.left -= n
        return self.rng.randbytes(n)


def sha_of(stream: io.RawIOBase) -> str:
    digest = hashlib.sha256()
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def peak_memory() -> Iterator[Callable[[], int]]:
    tracemalloc.start()
    try:
        yield lambda: tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


class HashingSink(io.RawIOBase):
    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.digest.update(data)
        self.size += len(data)
        return len(data)


def chunk_sizes(store: Store, sha: str) -> list[int]:
    with store.read() as s:
        return list(
            s.scalars(
                select(func.length(BlobChunk.data))
                .where(BlobChunk.sha256 == sha)
                .order_by(BlobChunk.idx)
            )
        )


def test_large_stream_is_chunked_deduplicated_and_read_back(store: Store) -> None:
    expected = sha_of(RandomStream(BIG))

    with store.write() as s, peak_memory() as peak:
        sha, size = put_stream(s, RandomStream(BIG))  # type: ignore[arg-type]
        stored_peak = peak()
    assert (sha, size) == (expected, BIG)
    assert stored_peak < PEAK_LIMIT, f"peak {stored_peak / MiB:.1f} MiB while storing"
    assert chunk_sizes(store, sha) == [CHUNK] * (BIG // CHUNK)

    # The same content again: same address, nothing new stored.
    with store.write() as s:
        assert put_stream(s, RandomStream(BIG)) == (sha, BIG)  # type: ignore[arg-type]
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Blob)) == 1
        assert s.scalar(select(func.count()).select_from(BlobChunk)) == BIG // CHUNK
        blob = s.get(Blob, sha)
        assert blob is not None and blob.size == BIG

    sink = HashingSink()
    with store.read() as s, peak_memory() as peak:
        copy_to(s, sha, sink)  # type: ignore[arg-type]
        read_peak = peak()
    assert (sink.digest.hexdigest(), sink.size) == (sha, BIG)
    assert read_peak < PEAK_LIMIT, f"peak {read_peak / MiB:.1f} MiB while reading"


def test_different_content_gets_its_own_blob(store: Store) -> None:
    with store.write() as s:
        a, _ = put_stream(s, RandomStream(3 * MiB + 5, seed=1))  # type: ignore[arg-type]
        b, _ = put_stream(s, RandomStream(3 * MiB + 5, seed=2))  # type: ignore[arg-type]
    assert a != b
    assert chunk_sizes(store, a) == [CHUNK, CHUNK, CHUNK, 5]


def test_bytes_and_stream_give_the_same_blob(store: Store) -> None:
    data = RandomStream(2 * MiB + 100, seed=3).read()
    with store.write() as s:
        sha = put_bytes(s, data)
        assert put_bytes(s, data) == sha
        assert put_stream(s, io.BytesIO(data)) == (sha, len(data))
    assert sha == hashlib.sha256(data).hexdigest()
    with store.read() as s:
        assert read_bytes(s, sha) == data
        assert [len(c) for c in iter_chunks(s, sha)] == [CHUNK, CHUNK, 100]
        assert s.scalar(select(func.count()).select_from(Blob)) == 1


def test_empty_blob(store: Store) -> None:
    empty = hashlib.sha256(b"").hexdigest()
    with store.write() as s:
        assert put_stream(s, io.BytesIO(b"")) == (empty, 0)
        assert put_bytes(s, b"") == empty
    with store.read() as s:
        assert read_bytes(s, empty) == b""
        assert list(iter_chunks(s, empty)) == []
        blob = s.get(Blob, empty)
        assert blob is not None and blob.size == 0


def test_unknown_blob_reads_as_nothing(store: Store) -> None:
    with store.read() as s:
        assert list(iter_chunks(s, "0" * 64)) == []
