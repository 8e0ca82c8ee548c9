"""STARTTLS and implicit TLS with a login from the secret store, against aiosmtpd with a
certificate made for the test (trusted through SSL_CERT_FILE, as an admin would)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import update

from desk_gui.models import OutboundMail, OutboundState
from desk_gui.models.mailbox import Security
from desk_gui.models.reason import loaded
from desk_gui.models.store import Store
from desk_gui.sync.mail_out import Queued, ReplyDraft, drain_outbox, queue_reply
from desk_gui.sync.secrets import mailbox_account

from ...servers import free_port
from .conftest import MemorySecrets, SinkHandler, make_desk


def certificate(tmp: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp / "cert.pem", tmp / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def authenticator(
    server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (
        auth_data.login == b"support" and auth_data.password == b"s3cret"
    )
    return AuthResult(success=ok, handled=False)


@pytest.fixture(params=["starttls", "ssl"])
def tls_server(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Security, int, SinkHandler]]:
    cert, key = certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts our test CA
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    handler, port = SinkHandler(), free_port()
    security = Security(request.param)
    if security is Security.STARTTLS:
        controller = Controller(
            handler, hostname="127.0.0.1", port=port, tls_context=context,
            require_starttls=True, authenticator=authenticator, auth_require_tls=True,
        )  # fmt: skip
    else:
        controller = Controller(
            handler, hostname="127.0.0.1", port=port, ssl_context=context,
            authenticator=authenticator, auth_require_tls=False,
        )  # fmt: skip
    controller.start()
    yield security, port, handler
    controller.stop()


def test_tls_and_login(sqlite_store: Store, tls_server: tuple[Security, int, SinkHandler]) -> None:
    security, port, handler = tls_server
    desk = make_desk(sqlite_store, port, smtp_security=security, smtp_user="support")
    secrets = MemorySecrets()
    secrets.set(mailbox_account("support", "smtp"), "wrong")
    queued = queue_reply(sqlite_store, ReplyDraft(desk.ticket(), "<p>Hallo</p>"), desk.anna)
    assert isinstance(queued, Queued)

    assert drain_outbox(sqlite_store, secrets, acknowledge=False).retrying == 1
    with sqlite_store.read() as s:
        row = s.get(OutboundMail, queued.outbound_id)
        assert row is not None and row.state is OutboundState.QUEUED
        assert "SMTP login refused: 535" in str(loaded(row.reason))

    secrets.set(mailbox_account("support", "smtp"), "s3cret")
    with sqlite_store.write() as s:
        s.execute(update(OutboundMail).values(next_attempt_at=OutboundMail.created_at))
    assert drain_outbox(sqlite_store, secrets, acknowledge=False).sent == 1
    assert len(handler.received) == 1


def test_untrusted_certificate_is_refused(
    sqlite_store: Store,
    tls_server: tuple[Security, int, SinkHandler],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    security, port, handler = tls_server
    (tmp_path / "other").mkdir()
    other, _ = certificate(tmp_path / "other")  # a CA that did not sign the server's cert
    monkeypatch.setenv("SSL_CERT_FILE", str(other))
    desk = make_desk(sqlite_store, port, smtp_security=security, smtp_user="support")
    secrets = MemorySecrets()
    secrets.set(mailbox_account("support", "smtp"), "s3cret")
    queued = queue_reply(sqlite_store, ReplyDraft(desk.ticket(), "<p>Hallo</p>"), desk.anna)
    assert isinstance(queued, Queued)
    assert drain_outbox(sqlite_store, secrets, acknowledge=False).retrying == 1
    with sqlite_store.read() as s:
        row = s.get(OutboundMail, queued.outbound_id)
        assert row is not None and "CERTIFICATE_VERIFY_FAILED" in str(loaded(row.reason))
    assert handler.received == []
