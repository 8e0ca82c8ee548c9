"""Big mails from a file: big attachments decoded into files, the rest parsed as usual.

A 50 MB attachment arrives as ~68 MB of base64. `email` keeps the encoded text, the
decoded bytes and copies in between (~3x the mail in memory). Here the mail is read
line by line instead: every attachment-like leaf part whose body exceeds SPOOL_BYTES is
decoded straight into a file and replaced, in a small skeleton of the mail, by an empty
body and a marker header naming the file. The skeleton then goes through the normal
parser, which hands out the file for marked parts (ParsedAttachment.open() streams it).

Marker values are random and only looked up in this split's own table, so a marker
header forged inside a mail names nothing.
"""

from __future__ import annotations

import binascii
import uuid
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import compat32
from pathlib import Path
from typing import BinaryIO

__all__ = ["MARKER", "SPOOL_BYTES", "SpooledPart", "split"]

SPOOL_BYTES = 1 << 20  # encoded body size from which an attachment goes to a file
MARKER = "X-Desk-Spooled"
_LINE_LIMIT = 1 << 16  # longer lines are read in pieces (binary parts may have none)
_MAX_HEADER = 1 << 20
_FLUSH = 1 << 16
_HEADERS = BytesHeaderParser(policy=compat32)
_B64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
_NOT_B64 = bytes(c for c in range(256) if c not in _B64_ALPHABET)
_INLINE_TEXT = ("text/plain", "text/html")
# Other message/* types (delivery-status...) are small and parsed into blocks: never spooled.
_MAILS = ("message/rfc822", "message/global")


@dataclass(frozen=True)
class SpooledPart:
    path: Path
    size: int  # decoded bytes


class _Reader:
    """Lines of at most _LINE_LIMIT bytes, knowing which start a line, with push-back."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.at_start = True
        self.back: tuple[bytes, bool] | None = None

    def next(self) -> tuple[bytes, bool]:
        if self.back is not None:
            found, self.back = self.back, None
            return found
        line = self.stream.readline(_LINE_LIMIT)
        starts, self.at_start = self.at_start, line.endswith(b"\n")
        return line, starts

    def push(self, line: bytes, starts: bool) -> None:
        self.back = (line, starts)


class _Sink:
    """Decodes one part's body into a file; the last line ending belongs to the boundary."""

    def __init__(self, path: Path, encoding: str) -> None:
        self.path = path
        self.file = path.open("wb")
        self.encoding = encoding
        self.pending = bytearray()  # undecoded input, decoded in _FLUSH-sized steps
        self.last = b""  # held back: its line ending is not part of the body

    def write(self, line: bytes) -> None:
        if self.last:
            self._feed(self.last)
        self.last = line

    def _feed(self, data: bytes) -> None:
        if self.encoding == "base64":
            self.pending += data.translate(None, _NOT_B64)
        else:
            self.pending += data
        if len(self.pending) >= _FLUSH:
            self._decode(final=False)

    def _decode(self, final: bool) -> None:
        if self.encoding == "base64":
            cut = len(self.pending) if final else len(self.pending) // 4 * 4
            chunk, self.pending = bytes(self.pending[:cut]), self.pending[cut:]
            if final and len(chunk) % 4:
                chunk += b"=" * (-len(chunk) % 4)
            try:
                self.file.write(binascii.a2b_base64(chunk))
            except binascii.Error:  # misplaced padding: keep what decodes, as `email` does
                data = chunk.replace(b"=", b"")
                self.file.write(binascii.a2b_base64(data[: len(data) // 4 * 4]))
        elif self.encoding == "quoted-printable":
            # Cut after a line ending so a soft break ("=" at the end) stays whole.
            cut = len(self.pending) if final else self.pending.rfind(b"\n") + 1
            if cut == 0 and len(self.pending) > 4 * _FLUSH:  # no line breaks at all
                cut = len(self.pending) - 2  # never splits an "=XX" escape
            chunk, self.pending = bytes(self.pending[:cut]), self.pending[cut:]
            self.file.write(binascii.a2b_qp(chunk))
        else:
            self.file.write(self.pending)
            self.pending.clear()

    def close(self) -> SpooledPart:
        self._feed(self.last.rstrip(b"\r\n"))
        self._decode(final=True)
        self.file.close()
        return SpooledPart(self.path, self.path.stat().st_size)


class _Splitter:
    def __init__(self, stream: BinaryIO, spool_dir: Path) -> None:
        self.reader = _Reader(stream)
        self.spool_dir = spool_dir
        self.skeleton = bytearray()
        self.spooled: dict[str, SpooledPart] = {}

    def _boundary(self, line: bytes, starts: bool, stack: list[bytes]) -> tuple[int, bool] | None:
        """(index into stack, closing?) when the line is one of the open boundaries."""
        if not starts or not line.startswith(b"--"):
            return None
        text = line.rstrip(b"\r\n").rstrip(b" \t")
        for i in range(len(stack) - 1, -1, -1):
            if text == b"--" + stack[i]:
                return i, False
            if text == b"--" + stack[i] + b"--":
                return i, True
        return None

    def entity(self, stack: list[bytes]) -> None:
        """Copy one entity (headers, body) up to the next open boundary or the end."""
        head = bytearray()
        while True:
            line, starts = self.reader.next()
            if not line:
                break
            if self._boundary(line, starts, stack) is not None:
                self.reader.push(line, starts)
                break
            head += line
            if (starts and line in (b"\r\n", b"\n")) or len(head) > _MAX_HEADER:
                break
        headers = _HEADERS.parsebytes(bytes(head), headersonly=True)
        boundary = headers.get_boundary() if headers.get_content_maintype() == "multipart" else None
        if boundary:
            self.skeleton += head
            self.multipart(boundary.encode("ascii", "surrogateescape"), stack)
        else:
            self.leaf(bytes(head), headers, stack)

    def multipart(self, boundary: bytes, stack: list[bytes]) -> None:
        inner = [*stack, boundary]
        closed = False
        while not closed:  # preamble, then the parts
            line, starts = self.reader.next()
            if not line:
                return
            hit = self._boundary(line, starts, inner)
            if hit is None:
                self.skeleton += line
                continue
            if hit[0] < len(stack):  # an enclosing boundary: this multipart was not closed
                self.reader.push(line, starts)
                return
            self.skeleton += line
            closed = hit[1]
            if not closed:
                self.entity(inner)
        while True:  # epilogue
            line, starts = self.reader.next()
            if not line:
                return
            if self._boundary(line, starts, stack) is not None:
                self.reader.push(line, starts)
                return
            self.skeleton += line

    def leaf(self, head: bytes, headers: Message, stack: list[bytes]) -> None:
        ctype = headers.get_content_type()
        named = headers.get_param("filename", header="content-disposition") or headers.get_param(
            "name"
        )
        spoolable = (
            ctype not in _INLINE_TEXT
            or headers.get_content_disposition() == "attachment"
            or bool(named)
        ) and (not ctype.startswith("message/") or ctype in _MAILS)
        encoding = str(headers.get("content-transfer-encoding", "")).strip().lower()
        # A forwarded mail keeps its headers in the skeleton (the parser reads sender
        # and Message-ID from them); any other spooled part keeps an empty body.
        keep_head = ctype in _MAILS and encoding not in (
            "base64",
            "quoted-printable",
        )
        body = bytearray()  # the body while it is small; the kept headers once spooled
        in_head = keep_head
        sink: _Sink | None = None
        token = ""
        while True:
            line, starts = self.reader.next()
            if not line:
                break
            if self._boundary(line, starts, stack) is not None:
                self.reader.push(line, starts)
                break
            if sink is None:
                body += line
                if spoolable and len(body) > SPOOL_BYTES:
                    token = uuid.uuid4().hex
                    sink = _Sink(self.spool_dir / f"part-{token}", encoding)
                    sink.write(bytes(body))
                    body = _head_of(bytes(body)) if keep_head else bytearray()
                    in_head = keep_head and not body.endswith((b"\r\n\r\n", b"\n\n"))
                continue
            sink.write(line)
            if in_head:
                body += line
                in_head = not (starts and line in (b"\r\n", b"\n")) and len(body) < _MAX_HEADER
        if sink is None:
            self.skeleton += head + body
            return
        self.spooled[token] = sink.close()
        self.skeleton += f"{MARKER}: {token}\r\n".encode() + head + body + b"\r\n"


def _head_of(start: bytes) -> bytearray:
    """The header block at the start of a mail (up to its blank line), or all of it."""
    for sep in (b"\r\n\r\n", b"\n\n"):
        end = start.find(sep)
        if end >= 0:
            return bytearray(start[: end + len(sep)])
    return bytearray(start)


def split(stream: BinaryIO, spool_dir: Path) -> tuple[bytes, dict[str, SpooledPart]]:
    """The mail's skeleton, and its big parts decoded into files in spool_dir by marker."""
    splitter = _Splitter(stream, spool_dir)
    splitter.entity([])
    while True:  # anything after a top-level multipart's epilogue (nothing, usually)
        line, _ = splitter.reader.next()
        if not line:
            break
        splitter.skeleton += line
    return bytes(splitter.skeleton), splitter.spooled
