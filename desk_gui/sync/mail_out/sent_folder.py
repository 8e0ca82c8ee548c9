"""The mailbox's Sent folder over IMAP: keep a copy, and find a mail by Message-ID."""

from __future__ import annotations

import contextlib

from imapclient import IMAPClient, imapclient

from desk_gui.models.mailbox import Mailbox
from desk_gui.models.outbound import MailboxOutbound

from ..mail_in.imap import connect
from ..secrets import Secrets

FALLBACK = "Sent"


class SentFolder:
    """One IMAP connection per drain and mailbox, opened on first use."""

    def __init__(self, mailbox: Mailbox, secrets: Secrets, settings: MailboxOutbound) -> None:
        self.mailbox = mailbox
        self.secrets = secrets
        self.configured = settings.sent_folder
        self._client: IMAPClient | None = None
        self._folder: str | None = None

    def _open(self) -> tuple[IMAPClient, str]:
        if self._client is None:
            self._client = connect(self.mailbox, self.secrets)
        if self._folder is None:
            special = None
            if self.configured is None:
                with contextlib.suppress(Exception):  # servers without SPECIAL-USE / XLIST
                    special = self._client.find_special_folder(imapclient.SENT)
            self._folder = self.configured or special or FALLBACK
        return self._client, self._folder

    def contains(self, message_id: str) -> bool:
        client, folder = self._open()
        client.select_folder(folder, readonly=True)
        return bool(client.search(["HEADER", "Message-ID", message_id]))

    def append(self, raw: bytes) -> None:
        client, folder = self._open()
        client.append(folder, raw, flags=[imapclient.SEEN])

    def close(self) -> None:
        if self._client is not None:
            with contextlib.suppress(Exception):
                self._client.logout()
            self._client = None
