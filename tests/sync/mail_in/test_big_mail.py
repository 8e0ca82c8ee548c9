"""Big mails take the streaming path: fetched in pieces into a file, big parts decoded
into files, blobs written chunk by chunk; the result is the same as the in-memory path."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import select

from desk_gui.models import blob
from desk_gui.models.message import Attachment, Message
from desk_gui.models.store import Store
from desk_gui.sync.mail_in.engine import MailEngine
from desk_gui.sync.mail_in.worker import BIG_MAIL
from desk_gui.sync.mime import ParsedMessage, spool, try_parse
from desk_gui.sync.mime.parse import try_parse_file

from .conftest import ImapAccount, MemorySecrets, add_mailbox
from .corpus_gen import CORPUS, big_attachment_mail, generate


def test_big_attachment_streams_into_the_store(
    store: Store,
    imap_account: ImapAccount,
    secrets: MemorySecrets,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    size = BIG_MAIL + (3 << 20)
    raw = big_attachment_mail(size)
    imap_account.append(raw, *[m.raw for m in generate(3, seed=5)])
    add_mailbox(store, imap_account, secrets)
    [report] = MailEngine(store, secrets).run_once()
    assert report.ok, report.error
    assert len(report.outcomes) == 4 and report.outcomes[0].uid == 1

    expected = hashlib.sha256(b"".join(_decoded_payload(raw))).hexdigest()
    with store.read() as s:
        msg = s.scalar(select(Message).where(Message.subject == "Großer Scan"))
        assert msg is not None and msg.body_text.strip() == "Der Scan im Anhang."
        assert msg.raw_sha256 == hashlib.sha256(raw).hexdigest()
        assert blob.read_bytes(s, msg.raw_sha256) == raw
        [att] = s.scalars(select(Attachment).where(Attachment.message_id == msg.id))
        assert (att.filename, att.size) == ("scan.pdf", size)
        assert att.blob_sha256 == expected
        assert hashlib.sha256(blob.read_bytes(s, att.blob_sha256)).hexdigest() == expected
    assert not list(tmp_path.glob("desk-mail-*")), "temporary files left behind"


def _decoded_payload(raw: bytes) -> list[bytes]:
    import base64

    body = raw.split(b"Content-Transfer-Encoding: base64\r\n\r\n", 1)[1]
    return [base64.b64decode(body.rsplit(b"--big--", 1)[0])]


@pytest.mark.parametrize("threshold", [200, 5000])
def test_file_path_parses_like_the_memory_path(
    threshold: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every corpus mail and a generated inbox, with a tiny spool threshold so that
    nearly every attachment (and every forwarded mail) goes through a file."""
    monkeypatch.setattr(spool, "SPOOL_BYTES", threshold)
    raws = [p.read_bytes() for p in sorted(CORPUS.glob("*.eml"))]
    raws += [m.raw for m in generate(300, seed=8)] + [big_attachment_mail(100_000)]
    spooled = 0
    for i, raw in enumerate(raws):
        path = tmp_path / f"{i}.eml"
        path.write_bytes(raw)
        memory, streamed = try_parse(raw), try_parse_file(path, tmp_path)
        assert type(memory) is type(streamed)
        if not isinstance(memory, ParsedMessage):
            continue
        assert isinstance(streamed, ParsedMessage)
        for field in ("subject", "body_text", "body_html_sanitized", "forwarded_from", "loop"):
            assert getattr(memory, field) == getattr(streamed, field), (i, field)
        assert _attachments(memory) == _attachments(streamed), i
        assert [(m.message_id, m.from_addr) for m in memory.attached_messages] == [
            (m.message_id, m.from_addr) for m in streamed.attached_messages
        ]
        spooled += sum(a._path is not None for a in streamed.attachments)
    assert spooled >= 30


def _attachments(msg: ParsedMessage) -> list[object]:
    # A forwarded mail's .eml is kept byte for byte on the file path, and re-serialized
    # by `email` on the memory path: compare its name only.
    return [
        a.filename
        if a.content_type == "message/rfc822"
        else (a.filename, a.content_type, a.size, a.sha256(), a.inline, a.content_id)
        for a in msg.attachments
    ]
