"""Connecting to a mailbox's IMAP server (one IMAPClient per worker thread)."""

from __future__ import annotations

import ssl

from imapclient import IMAPClient

from desk_gui.models.mailbox import Mailbox, Security

from ..secrets import Secrets, mailbox_account

DEFAULT_PORTS = {Security.SSL: 993, Security.STARTTLS: 143, Security.NONE: 143}


class MailboxConfigError(Exception):
    """The mailbox cannot be reached as configured (host, password, folder)."""


def connect(mailbox: Mailbox, secrets: Secrets, timeout: float = 30.0) -> IMAPClient:
    if not mailbox.imap_host or not mailbox.imap_user:
        raise MailboxConfigError(f"mailbox {mailbox.name!r} has no IMAP host or user")
    password = secrets.get(mailbox_account(mailbox.name, "imap"))
    if password is None:
        raise MailboxConfigError(f"no IMAP password stored for mailbox {mailbox.name!r}")
    security = mailbox.imap_security
    port = mailbox.imap_port or DEFAULT_PORTS[security]
    context = ssl.create_default_context()
    client = IMAPClient(
        mailbox.imap_host,
        port=port,
        ssl=security is Security.SSL,
        ssl_context=context if security is Security.SSL else None,
        timeout=timeout,
    )
    try:
        if security is Security.STARTTLS:
            client.starttls(context)
        client.login(mailbox.imap_user, password)
        enable_condstore(client)
    except Exception:
        client.shutdown()
        raise
    return client


def enable_condstore(client: IMAPClient) -> bool:
    """Ask for mod-sequences (RFC 7162) where the server has them: every SELECT then
    reports HIGHESTMODSEQ, which changes whenever a mail arrives or changes, so a pass
    can tell "nothing new" without searching. Only before a folder is selected."""
    if not (client.has_capability("CONDSTORE") and client.has_capability("ENABLE")):
        return False
    return b"CONDSTORE" in {c.upper() for c in client.enable("CONDSTORE")}
