"""Outgoing mail: compose, templates, the SMTP outbox sender, acknowledgements."""

from .drain import drain_outbox
from .replies import Held, OutgoingFile, Queued, ReplyDraft, post_note, queue_reply
from .sender import DrainReport

__all__ = [
    "DrainReport",
    "Held",
    "OutgoingFile",
    "Queued",
    "ReplyDraft",
    "drain_outbox",
    "post_note",
    "queue_reply",
]
