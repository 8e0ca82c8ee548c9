"""The parser's results: plain, frozen, picklable values (they cross process pools)."""

from __future__ import annotations

import enum
import hashlib
import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

__all__ = ["Address", "LoopKind", "ParseFailure", "ParsedAttachment", "ParsedMessage"]


class LoopKind(enum.StrEnum):
    """Why a message must never trigger automatic mail."""

    AUTO_REPLY = "auto_reply"  # Auto-Submitted, X-Autoreply, vacation notices, read receipts
    BOUNCE = "bounce"  # DSN, MAILER-DAEMON/postmaster, null Return-Path
    LIST = "list"  # List-Id, List-Unsubscribe, Precedence: list
    BULK = "bulk"  # Precedence: bulk/junk


@dataclass(frozen=True, slots=True)
class Address:
    name: str  # decoded display name, "" if none
    addr: str  # lower-cased

    def __str__(self) -> str:
        return f"{self.name} <{self.addr}>" if self.name else self.addr


@dataclass(frozen=True, slots=True)
class ParsedAttachment:
    filename: str  # decoded (RFC 2047/2231), path components stripped, never empty
    content_type: str  # lower-case type/subtype
    size: int  # decoded bytes
    content_id: str | None  # without angle brackets
    # Shown in the body: referenced by a cid: URL in the HTML, or an image with
    # Content-Disposition inline. Everything else belongs in the attachment list.
    inline: bool
    _payload: bytes = field(repr=False, compare=False)
    # A big part decoded into a file (see spool.py) instead of held in _payload. The
    # file belongs to whoever parsed the mail from a file, and lives as long as they say.
    _path: str | None = field(default=None, repr=False, compare=False)

    def open(self) -> BinaryIO:
        """The decoded content as a stream (callers should not assume it is in memory)."""
        if self._path is not None:
            return Path(self._path).open("rb")
        return io.BytesIO(self._payload)

    def read_bytes(self) -> bytes:
        return Path(self._path).read_bytes() if self._path is not None else self._payload

    def sha256(self) -> str:
        digest = hashlib.sha256()
        with self.open() as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
        return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class ParsedMessage:
    message_id: str | None  # "<id@host>" form
    in_reply_to: str | None
    references: tuple[str, ...]
    subject: str
    from_name: str
    from_addr: str | None  # lower-cased
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    reply_to: tuple[Address, ...]
    date: datetime | None  # aware
    body_text: str  # the text part, or text generated from the HTML part
    body_html_sanitized: str | None  # nh3-sanitized, remote images blocked; None if no HTML
    attachments: tuple[ParsedAttachment, ...]
    loop: LoopKind | None
    spam_flag: bool
    spam_score: float | None
    # The original sender of a forwarded customer mail: the first message/rfc822 part,
    # else an inline forward ("---------- Forwarded message ---------", "WG: ... Von:").
    forwarded_from: Address | None
    # Every message/rfc822 (and text/rfc822-headers) part, parsed: forwards, and the
    # returned original inside a bounce (its message_id threads the bounce).
    attached_messages: tuple[ParsedMessage, ...]
    # Non-fatal problems: wrong charsets, unparseable dates, parser defects.
    warnings: tuple[str, ...] = ()

    @property
    def to_addrs(self) -> list[str]:
        return [a.addr for a in self.to]

    @property
    def cc_addrs(self) -> list[str]:
        return [a.addr for a in self.cc]

    @property
    def is_auto_submitted(self) -> bool:
        """Anything that must not get an automatic answer (any LoopKind)."""
        return self.loop is not None

    @property
    def is_auto_reply(self) -> bool:
        return self.loop is LoopKind.AUTO_REPLY

    @property
    def is_bounce(self) -> bool:
        return self.loop is LoopKind.BOUNCE

    @property
    def is_bulk(self) -> bool:
        """Bulk or mailing-list mail."""
        return self.loop in (LoopKind.BULK, LoopKind.LIST)

    @property
    def content_ids(self) -> dict[str, ParsedAttachment]:
        """Attachments by Content-ID, for resolving cid: URLs."""
        return {a.content_id: a for a in self.attachments if a.content_id}


@dataclass(frozen=True, slots=True)
class ParseFailure:
    """Not parseable as mail: store the raw bytes, flag, show the raw text."""

    reason: str
    subject: str | None = None  # best effort
    from_addr: str | None = None  # best effort
