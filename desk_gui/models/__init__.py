"""Entities, commands and queries of Desk: pure Python, no Qt, no network."""

from .absence import AbsencePeriod, AssignMode, GroupRouting
from .alert import Alert, AlertKind
from .base import Base, utcnow
from .blob import Blob, BlobChunk
from .clock import ClockState, EscalationEvent, SlaTicketState, StoredClock
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
from .sla import BusinessCalendar, CalendarDay, SlaPolicy, SlaTarget
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
from .trigger import TriggerEvent, TriggerFiring, TriggerRule

__all__ = [
    "FINAL_STATUSES",
    "OPEN_STATUSES",
    "TRANSITIONS",
    "AbsencePeriod",
    "Agent",
    "Alert",
    "AlertKind",
    "AssignMode",
    "Attachment",
    "Base",
    "Blob",
    "BlobChunk",
    "BusinessCalendar",
    "CalendarDay",
    "CallOutcome",
    "Channel",
    "ClockState",
    "Contact",
    "ContactAddress",
    "ContractLevel",
    "Counter",
    "EscalationEvent",
    "Group",
    "GroupRouting",
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
    "SlaTarget",
    "SlaTicketState",
    "SpamList",
    "Status",
    "StoredClock",
    "Tag",
    "Template",
    "TemplateKind",
    "Ticket",
    "TicketTag",
    "TicketType",
    "TriggerEvent",
    "TriggerFiring",
    "TriggerRule",
    "Watcher",
    "utcnow",
]

# Every command module registers its commands on import: replaying an outbox (and the
# payload round-trip tests) needs the whole registry, whoever imported what first.
from . import mail_commands, reply_commands, sla_commands  # noqa: F401
