"""The engine's notification pass: every new message since the last pass notifies the
ticket's watchers, and a note the agents it @mentions (see reply_commands)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from desk_gui.models.message import Message
from desk_gui.models.meta import get_setting, put_setting
from desk_gui.models.party import Agent
from desk_gui.models.reply_commands import record_notifications
from desk_gui.models.store import Store

from ..leases import db_now
from .notify_mail import notify_mail_messages, queue_notification_mails

CURSOR = "notify_cursor_seq"
PASS_LIMIT = 2000
# The first pass on a store starts a day back, not at the beginning of its history.
FIRST_LOOKBACK = timedelta(days=1)


def scan_notifications(store: Store) -> int:
    """Notifications for messages added since the last pass; returns how many."""
    clock = store.clock
    added = 0
    with store.write() as session:
        stored = get_setting(session, CURSOR)
        if stored is None:
            since = db_now(session) - FIRST_LOOKBACK
            cursor = (
                session.scalar(select(func.max(Message.seq)).where(Message.created_at < since)) or 0
            )
        else:
            cursor = int(stored)
        messages = list(
            session.scalars(
                select(Message).where(Message.seq > cursor).order_by(Message.seq).limit(PASS_LIMIT)
            )
        )
        own = notify_mail_messages(session, (m.id for m in messages))
        for msg in messages:
            if msg.id in own:
                continue  # a notification mail notifies nobody: no loop
            actor = msg.from_addr or ""  # no sender: each reader's language names it
            if msg.author_agent_id is not None:
                agent = session.get(Agent, msg.author_agent_id)
                actor = agent.name if agent else actor
            added += record_notifications(session, clock.now(), msg, actor)
        # Same transaction as the cursor: each notification is mailed once.
        queue_notification_mails(session, clock.now, (m.id for m in messages if m.id not in own))
        last = messages[-1].seq if messages else cursor
        put_setting(session, CURSOR, str(last))
    return added
