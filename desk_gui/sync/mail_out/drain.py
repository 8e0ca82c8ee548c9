"""One pass of outgoing mail, for `desk-gui sync --once` and the engine's loop."""

from __future__ import annotations

import os
import socket
import uuid
from datetime import timedelta

from desk_gui.models.store import Store

from ..secrets import Secrets
from .ack import queue_acknowledgements
from .notify import scan_notifications
from .sender import CLAIM_TTL, DrainReport, Sender


def default_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def drain_outbox(
    store: Store,
    secrets: Secrets,
    *,
    holder: str | None = None,
    acknowledge: bool = True,
    notify: bool = True,
    limit: int | None = None,
    claim_ttl: timedelta = CLAIM_TTL,
    timeout: float = 30.0,
) -> DrainReport:
    """Queue due acknowledgements, record notifications, then send every due mail
    (one SMTP connection per mailbox for the whole pass)."""
    report = DrainReport()
    if acknowledge:
        report.acks_queued = sum(1 for a in queue_acknowledgements(store) if a.queued)
    if notify:
        report.notifications = scan_notifications(store)
    sender = Sender(store, secrets, holder or default_holder(), claim_ttl, timeout)
    return sender.drain(report, limit)
