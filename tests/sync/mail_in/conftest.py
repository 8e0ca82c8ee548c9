"""A private Dovecot for the mail tests, and a store with a mailbox pointing at it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from imapclient import IMAPClient

from desk_gui.models.mailbox import Mailbox, Security
from desk_gui.models.store import Store
from desk_gui.sync.secrets import mailbox_account

from ...servers import Dovecot, start_dovecot


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    server = start_dovecot()
    if isinstance(server, str):
        pytest.skip(server)
    try:
        yield server
    finally:
        server.stop()


class MemorySecrets:
    """An in-memory secret store: tests must never prompt or touch a real keyring."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    @property
    def secure(self) -> bool:
        return True

    def get(self, account: str) -> str | None:
        return self.values.get(account)

    def set(self, account: str, secret: str) -> None:
        self.values[account] = secret

    def delete(self, account: str) -> None:
        self.values.pop(account, None)


@dataclass
class ImapAccount:
    server: Dovecot
    user: str
    password: str

    def client(self) -> IMAPClient:
        client = IMAPClient("127.0.0.1", port=self.server.port, ssl=False, timeout=30)
        client.login(self.user, self.password)
        return client

    def append(self, *raws: bytes, folder: str = "INBOX") -> None:
        with self.client() as c:
            if len(raws) > 50:
                for start in range(0, len(raws), 100):
                    c.multiappend(folder, list(raws[start : start + 100]))
            else:
                for raw in raws:
                    c.append(folder, raw)


@pytest.fixture
def imap_account(dovecot: Dovecot) -> ImapAccount:
    user = f"support-{uuid.uuid4().hex[:8]}@example.test"
    return ImapAccount(dovecot, user, dovecot.password)


@pytest.fixture
def secrets() -> MemorySecrets:
    return MemorySecrets()


def add_mailbox(
    store: Store, account: ImapAccount, secrets: MemorySecrets, name: str = "support"
) -> uuid.UUID:
    with store.write() as session:
        mailbox = Mailbox(
            name=name,
            imap_host="127.0.0.1",
            imap_port=account.server.port,
            imap_security=Security.NONE,
            imap_user=account.user,
        )
        session.add(mailbox)
        session.flush()
        mailbox_id = mailbox.id
    secrets.set(mailbox_account(name, "imap"), account.password)
    return mailbox_id
