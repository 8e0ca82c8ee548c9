"""Building the MIME message of an outbound mail with the standard library.

multipart/alternative with the text generated from the HTML (never the other way
round), inline images in multipart/related, attachments streamed chunk by chunk from
the blob store into their base64 bodies. Header encoding (RFC 2047 / 2231) and folding
are the library's; line breaks in any header value are refused before they reach it.
"""

from __future__ import annotations

import base64
import email.utils
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage, MIMEPart

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_gui.models import blob
from desk_gui.models.i18n import QT_TRANSLATE_NOOP
from desk_gui.models.mailbox import Mailbox
from desk_gui.models.message import Attachment, Message
from desk_gui.models.outbound import OutboundKind, OutboundMail
from desk_gui.models.reason import ReasonedError, reason

from ..mime import html_to_text

POLICY = policy.SMTP  # CRLF line ends, 78-column folding
_B64_LINE = 57  # raw bytes per 76-character base64 line


class ComposeError(ReasonedError, ValueError):
    """The mail cannot be built as given (a header value with a line break...)."""


@dataclass(frozen=True)
class OutgoingAttachment:
    filename: str
    content_type: str
    chunks: Callable[[], Iterable[bytes]]  # called once, while composing
    content_id: str | None = None
    inline: bool = False


@dataclass(frozen=True)
class Outgoing:
    message_id: str
    from_addr: str
    from_name: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    bcc: tuple[str, ...]
    subject: str
    html: str
    date: datetime
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    attachments: tuple[OutgoingAttachment, ...] = ()
    auto_submitted: bool = False  # RFC 3834 for automatic mail (acknowledgements)
    auto_generated: bool = False  # RFC 3834 for notifications: no reply to anything

    @property
    def recipients(self) -> list[str]:
        """The SMTP envelope: To, Cc and Bcc, each address once."""
        return list(dict.fromkeys([*self.to, *self.cc, *self.bcc]))


def refuse_line_breaks(name: str, value: str | None) -> None:
    if value and ("\r" in value or "\n" in value or "\0" in value):
        raise ComposeError(
            reason(
                QT_TRANSLATE_NOOP(
                    "Reason", "line break in the {name} header refused (header injection)"
                ),
                name=name,
            )
        )


def _check(out: Outgoing) -> None:
    for name, value in (
        ("Message-ID", out.message_id),
        ("From", out.from_addr),
        ("From", out.from_name),
        ("Subject", out.subject),
        ("In-Reply-To", out.in_reply_to),
        *(("To", a) for a in out.to),
        *(("Cc", a) for a in out.cc),
        *(("Bcc", a) for a in out.bcc),
        *(("References", r) for r in out.references),
        *(("Content-Disposition", a.filename) for a in out.attachments),
        *(("Content-Type", a.content_type) for a in out.attachments),
        *(("Content-ID", a.content_id) for a in out.attachments),
    ):
        refuse_line_breaks(name, value)


def _address(addr: str, name: str = "") -> Address:
    try:
        return Address(display_name=name, addr_spec=addr)
    except (ValueError, IndexError) as exc:  # the library's own parse of the address
        raise ComposeError(
            reason(
                QT_TRANSLATE_NOOP("Reason", "not a mail address: {addr} ({error})"),
                addr=repr(addr),
                error=str(exc),
            )
        ) from None


def base64_body(chunks: Iterable[bytes]) -> Iterator[str]:
    """76-column base64 lines from a stream of chunks of any size (constant memory)."""
    carry = b""
    for chunk in chunks:
        data = carry + chunk
        cut = len(data) - len(data) % _B64_LINE
        if cut:
            yield base64.encodebytes(data[:cut]).decode("ascii")
        carry = data[cut:]
    if carry:
        yield base64.encodebytes(carry).decode("ascii")


def _attachment_part(att: OutgoingAttachment) -> MIMEPart:
    maintype, _, subtype = att.content_type.partition("/")
    part = MIMEPart(policy=POLICY)
    # The library writes the headers (RFC 2231 file names); the body is streamed in.
    part.set_content(
        b"",
        maintype=maintype or "application",
        subtype=subtype or "octet-stream",
        disposition="inline" if att.inline else "attachment",
        filename=att.filename,
        cid=f"<{att.content_id}>" if att.content_id else None,
    )
    part.set_payload("".join(base64_body(att.chunks())))
    return part


def compose(out: Outgoing) -> EmailMessage:
    _check(out)
    msg = EmailMessage(policy=POLICY)
    msg["From"] = _address(out.from_addr, out.from_name)
    msg["To"] = tuple(_address(a) for a in out.to)
    if out.cc:
        msg["Cc"] = tuple(_address(a) for a in out.cc)
    msg["Subject"] = out.subject
    msg["Date"] = email.utils.format_datetime(out.date)
    msg["Message-ID"] = out.message_id
    if out.in_reply_to:
        msg["In-Reply-To"] = out.in_reply_to
    if out.references:
        msg["References"] = " ".join(out.references)
    if out.auto_submitted or out.auto_generated:
        msg["Auto-Submitted"] = "auto-generated" if out.auto_generated else "auto-replied"
        msg["X-Auto-Response-Suppress"] = "All"  # no out-of-office answers back (Exchange)
    # Quoted-printable: 7-bit safe on every server, readable in the raw source.
    msg.set_content(html_to_text(out.html) + "\n", cte="quoted-printable")
    msg.add_alternative(out.html, subtype="html", cte="quoted-printable")
    inline = [a for a in out.attachments if a.inline and a.content_id]
    if inline:
        html_part = list(msg.iter_parts())[1]
        html_part.make_related()
        del html_part["MIME-Version"]  # left behind by make_related; the top has one
        for att in inline:
            html_part.attach(_attachment_part(att))
    files = [a for a in out.attachments if not (a.inline and a.content_id)]
    if files:
        msg.make_mixed()
        for att in files:
            msg.attach(_attachment_part(att))  # type: ignore[arg-type]
    return msg


def to_bytes(msg: EmailMessage) -> bytes:
    return msg.as_bytes(policy=POLICY)


def outgoing_for(session: Session, row: OutboundMail, mailbox: Mailbox) -> Outgoing:
    """The mail an outbox row sends; attachments read from the blob store when composed.

    Date is the queue time, so every attempt builds byte-identical mail.
    """
    msg = session.get(Message, row.message_uuid)
    if msg is None or mailbox.from_addr is None:
        raise ComposeError(
            reason(
                QT_TRANSLATE_NOOP("Reason", "the message or the mailbox's sender address is gone")
            )
        )
    atts = session.scalars(
        select(Attachment).where(Attachment.message_id == msg.id).order_by(Attachment.filename)
    )
    return Outgoing(
        message_id=row.message_id_header,
        from_addr=mailbox.from_addr,
        from_name=row.from_name,
        to=tuple(msg.to_addrs),
        cc=tuple(msg.cc_addrs),
        bcc=tuple(row.bcc_addrs),
        subject=msg.subject or "",
        html=row.mail_html,
        date=row.created_at,
        in_reply_to=msg.in_reply_to,
        references=tuple(msg.references),
        attachments=tuple(
            OutgoingAttachment(
                filename=a.filename,
                content_type=a.content_type,
                chunks=_chunks(session, a.blob_sha256),
                content_id=a.content_id,
                inline=a.inline,
            )
            for a in atts
        ),
        auto_submitted=row.kind is OutboundKind.ACK,
        auto_generated=row.kind is OutboundKind.NOTIFY,
    )


def _chunks(session: Session, sha: str) -> Callable[[], Iterable[bytes]]:
    return lambda: blob.iter_chunks(session, sha)


def store_raw(session: Session, row: OutboundMail) -> str:
    """Compose once, when queued, and keep the bytes as the message's raw blob: every
    attempt sends exactly these bytes, the Sent copy is the same, and the sent mail is
    kept like a received one. (A row replicated without its raw is composed at send.)"""
    msg = session.get(Message, row.message_uuid)
    mailbox = session.get(Mailbox, row.mailbox_id)
    if msg is None or mailbox is None:
        raise ComposeError(
            reason(QT_TRANSLATE_NOOP("Reason", "the message or its mailbox is gone"))
        )
    raw = to_bytes(compose(outgoing_for(session, row, mailbox)))
    msg.raw_sha256 = blob.put_bytes(session, raw)
    return msg.raw_sha256


def raw_for(session: Session, row: OutboundMail, mailbox: Mailbox) -> bytes:
    msg = session.get(Message, row.message_uuid)
    if msg is not None and msg.raw_sha256 is not None:
        return blob.read_bytes(session, msg.raw_sha256)
    return to_bytes(compose(outgoing_for(session, row, mailbox)))
