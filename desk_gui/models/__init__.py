"""Entities, commands and queries of Desk: pure Python, no Qt, no network."""

from .base import Base, utcnow
from .blob import Blob, BlobChunk
from .history import HistoryEntry
from .inbound import InboundMail, InboundState, IntakeRule, SpamList
from .lease import Lease
from .mailbox import Mailbox, MailboxState, Security
from .message import Attachment, CallOutcome, Message, MessageKind
from .meta import Counter, Setting
from .outbound import (
    MailboxOutbound,
    Notification,
    NotificationReason,
    OutboundKind,
    OutboundMail,
    OutboundState,
)
from .outbox import OutboxCommand, OutboxState
from .party import (
    Agent,
    Contact,
    ContactAddress,
    ContractLevel,
    Group,
    Membership,
    Organization,
    Role,
)
from .sla import BusinessCalendar, CalendarDay, SlaPolicy
from .template import Template, TemplateKind
from .ticket import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    TRANSITIONS,
    Channel,
    Outcome,
    Priority,
    Status,
    Tag,
    Ticket,
    TicketTag,
    TicketType,
    Watcher,
)

__all__ = [
    "FINAL_STATUSES",
    "OPEN_STATUSES",
    "TRANSITIONS",
    "Agent",
    "Attachment",
    "Base",
    "Blob",
    "BlobChunk",
    "BusinessCalendar",
    "CalendarDay",
    "CallOutcome",
    "Channel",
    "Contact",
    "ContactAddress",
    "ContractLevel",
    "Counter",
    "Group",
    "HistoryEntry",
    "InboundMail",
    "InboundState",
    "IntakeRule",
    "Lease",
    "Mailbox",
    "MailboxOutbound",
    "MailboxState",
    "Membership",
    "Message",
    "MessageKind",
    "Notification",
    "NotificationReason",
    "Organization",
    "OutboundKind",
    "OutboundMail",
    "OutboundState",
    "OutboxCommand",
    "OutboxState",
    "Outcome",
    "Priority",
    "Role",
    "Security",
    "Setting",
    "SlaPolicy",
    "SpamList",
    "Status",
    "Tag",
    "Template",
    "TemplateKind",
    "Ticket",
    "TicketTag",
    "TicketType",
    "Watcher",
    "utcnow",
]
