"""Corpus access for the mail parsing tests."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from desk_gui.sync.mime import ParsedMessage, parse_message

CORPUS = Path(__file__).parent / "corpus"


@pytest.fixture
def corpus() -> Callable[[str], ParsedMessage]:
    def load(name: str) -> ParsedMessage:
        return parse_message((CORPUS / name).read_bytes())

    return load


@pytest.fixture(scope="session")
def big_attachment_mail() -> tuple[bytes, bytes]:
    """A mail with a 5 MB attachment (generated: too big for the repository)."""
    payload = hashlib.sha256(b"seed").digest() * (5 * 1024 * 1024 // 32)
    encoded = base64.encodebytes(payload)  # 76-character lines
    raw = (
        b"From: Big Sender <big@example.com>\r\n"
        b"To: support@desk.example\r\n"
        b"Subject: huge scan\r\n"
        b"Date: Mon, 1 Apr 2024 10:00:00 +0200\r\n"
        b"Message-ID: <big-1@example.com>\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="big"\r\n\r\n'
        b"--big\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee scan.\r\n"
        b'--big\r\nContent-Type: application/pdf; name="scan.pdf"\r\n'
        b'Content-Disposition: attachment; filename="scan.pdf"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        + encoded.replace(b"\n", b"\r\n")
        + b"--big--\r\n"
    )
    return raw, payload
