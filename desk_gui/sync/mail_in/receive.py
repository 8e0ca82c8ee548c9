"""From a parsed mail to the ReceiveMail command: thread, spam, loops, rules, attachments."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_gui.models import blob
from desk_gui.models.inbound import InboundState, IntakeRule, SpamList
from desk_gui.models.mail_commands import ReceiveMail
from desk_gui.models.mailbox import Mailbox
from desk_gui.models.message import Attachment, Message
from desk_gui.models.party import Agent, Contact, ContactAddress, Group
from desk_gui.models.ticket import Priority, Ticket

from ..mime.model import Address, ParsedMessage, ParseFailure
from . import threads


def _length(model: Any, column: str) -> int:
    length = getattr(model.__table__.c[column].type, "length", None)
    return int(length) if length else 1 << 30


# Column limits: PostgreSQL refuses longer values (SQLite stores them), and one refused
# mail must never stop its mailbox. Cut where a cut is harmless.
SUBJECT_MAX = min(_length(Ticket, "subject"), _length(Message, "subject"))
NAME_MAX = _length(Contact, "name")
ADDRESS_MAX = _length(ContactAddress, "address")
MSGID_MAX = _length(Message, "message_id_header")
REASON_MAX = _length(Message, "match_reason")
FILENAME_MAX = _length(Attachment, "filename")
CTYPE_MAX = _length(Attachment, "content_type")
CID_MAX = _length(Attachment, "content_id")

SPAM_SCORE_THRESHOLD = 5.0
LOOP_TAGS = {"auto_reply": "auto-reply", "bounce": "bounce", "list": "bulk", "bulk": "bulk"}


@dataclass(frozen=True)
class Lookups:
    """The spam block list and the intake rules, read once per batch of mails.

    Both are small and rarely edited; a batch runs in one transaction, so the snapshot
    is what a query per mail would have seen.
    """

    blocked: frozenset[str]
    rules: tuple[IntakeRule, ...]
    agents: frozenset[str]  # agents' addresses: a forward by one opens the customer's ticket
    # A batch's threading lookups (one query each for all its mails) and the small
    # attachment blobs it writes at its end (sha -> bytes); None: one mail, query and
    # write as it goes.
    known: threads.Known | None = None
    blobs: dict[str, bytes] | None = None

    @classmethod
    def load(cls, session: Session, batch: Sequence[ParsedMessage | ParseFailure] = ()) -> Lookups:
        rules = session.scalars(
            select(IntakeRule).where(IntakeRule.active.is_(True)).order_by(IntakeRule.position)
        )
        blocked = frozenset(session.scalars(select(SpamList.entry)))
        agents = frozenset(a for a in session.scalars(select(Agent.email)) if a)
        if not batch:
            return cls(blocked, tuple(rules), agents)
        return cls(blocked, tuple(rules), agents, _known(session, batch), {})


def _known(session: Session, batch: Sequence[ParsedMessage | ParseFailure]) -> threads.Known:
    """Everything `_thread` and `_unparseable` may look up for these mails."""
    msgids: list[str] = []
    for parsed in batch:
        if isinstance(parsed, ParsedMessage):
            msgids += [parsed.in_reply_to or "", *parsed.references]
            msgids += [m.message_id or "" for m in parsed.attached_messages]
    return threads.Known.load(session, msgids, (p.subject for p in batch))


def command_for(
    session: Session,
    mailbox: Mailbox,
    parsed: ParsedMessage | ParseFailure,
    sha: str,
    *,
    check_spam: bool = True,  # False: an agent recovers a mail that was filed as spam
    lookups: Lookups | None = None,  # a batch's snapshot; read here when not given
) -> tuple[ReceiveMail | None, InboundState, str | None]:
    """The command to run for a mail, its ledger state, and a detail for the ledger."""
    if isinstance(parsed, ParseFailure):
        unparseable = _unparseable(session, mailbox, parsed, sha, lookups)
        return unparseable, InboundState.PARSE_ERROR, parsed.reason
    lookups = lookups or Lookups.load(session)
    if check_spam and (why := spam_reason(session, parsed, lookups.blocked)) is not None:
        return None, InboundState.SPAM, why
    sender = _customer(parsed, lookups.agents)
    found = _thread(session, parsed, lookups.known)
    rules = {} if found.ticket_id else _rule_actions(session, mailbox, parsed, lookups.rules)
    tags = list(rules.get("tags", []))
    if parsed.loop is not None:
        tags.append(LOOP_TAGS[parsed.loop.value])
    cmd = ReceiveMail(
        ticket_id=found.ticket_id,
        subject=_clip(parsed.subject, SUBJECT_MAX),
        from_addr=_address(sender.addr),
        from_name=_clip(sender.name, NAME_MAX) or None,
        to_addrs=tuple(parsed.to_addrs),
        cc_addrs=tuple(parsed.cc_addrs),
        body_text=parsed.body_text,
        body_html=parsed.body_html_sanitized,
        message_id_header=_clip_id(parsed.message_id),
        in_reply_to=_clip_id(parsed.in_reply_to),
        references=parsed.references,
        raw_sha256=sha,
        match_reason=_clip(
            found.reason
            + (f"; forwarded by {parsed.from_addr}" if sender.addr != parsed.from_addr else ""),
            REASON_MAX,
        ),
        group_id=rules.get("group_id", mailbox.group_id) if found.ticket_id is None else None,
        priority=rules.get("priority"),
        tags=tuple(tags),
        attachments=tuple(_store_attachments(session, parsed, lookups.blobs)),
    )
    state = InboundState.LOOP if parsed.loop is not None else InboundState.TICKETED
    return cmd, state, parsed.loop.value if parsed.loop else None


def _unparseable(
    session: Session, mailbox: Mailbox, failure: ParseFailure, sha: str, lookups: Lookups | None
) -> ReceiveMail:
    known = lookups.known if lookups else None
    found = threads.by_subject(session, failure.subject, known) or threads.Match(None, "new ticket")
    return ReceiveMail(
        ticket_id=found.ticket_id,
        subject=_clip(failure.subject or "", SUBJECT_MAX) or "(unreadable mail)",
        from_addr=_address(failure.from_addr),
        raw_sha256=sha,
        parse_error=failure.reason,
        body_text="",
        match_reason=_clip(found.reason, REASON_MAX),
        group_id=mailbox.group_id if found.ticket_id is None else None,
        tags=("parse-error",),
    )


def spam_reason(
    session: Session, parsed: ParsedMessage, blocked: frozenset[str] | None = None
) -> str | None:
    if parsed.spam_flag:
        return "X-Spam-Flag: YES"
    if parsed.spam_score is not None and parsed.spam_score >= SPAM_SCORE_THRESHOLD:
        return f"spam score {parsed.spam_score:g} >= {SPAM_SCORE_THRESHOLD:g}"
    if parsed.from_addr:
        domain = parsed.from_addr.rsplit("@", 1)[-1]
        if blocked is None:
            entry = session.scalar(
                select(SpamList.entry).where(SpamList.entry.in_([parsed.from_addr, domain]))
            )
        else:
            entry = next((e for e in (parsed.from_addr, domain) if e in blocked), None)
        if entry is not None:
            return f"sender blocked ({entry})"
    return None


def _customer(parsed: ParsedMessage, agents: frozenset[str]) -> Address:
    """The customer: the original sender when one of our agents forwarded the mail."""
    sender = Address(parsed.from_name, parsed.from_addr or "")
    if parsed.forwarded_from is None or not parsed.from_addr:
        return sender
    return parsed.forwarded_from if parsed.from_addr in agents else sender


def _thread(
    session: Session, parsed: ParsedMessage, known: threads.Known | None = None
) -> threads.Match:
    found = threads.by_headers(session, parsed.in_reply_to, parsed.references, known)
    if found is None and parsed.is_bounce:
        # A bounce answers the mail it returns: thread it by that mail's Message-ID.
        for original in parsed.attached_messages:
            if original.message_id:
                found = threads.by_headers(session, original.message_id, (), known)
                if found:
                    break
    return (
        found
        or threads.by_subject(session, parsed.subject, known)
        or threads.Match(None, "new ticket")
    )


def _rule_actions(
    session: Session, mailbox: Mailbox, parsed: ParsedMessage, rules: tuple[IntakeRule, ...]
) -> dict[str, Any]:
    """The first matching intake rule's actions, resolved to ids and enums."""
    if not rules:
        return {}
    haystack = f"{parsed.subject}\n{parsed.body_text}".lower()
    sender = (parsed.from_addr or "").lower()
    for rule in rules:
        cond = rule.conditions
        if "keyword" in cond and str(cond["keyword"]).lower() not in haystack:
            continue
        if "sender" in cond and str(cond["sender"]).lower() not in sender:
            continue
        if "mailbox" in cond and cond["mailbox"] != mailbox.name:
            continue
        return _resolve(session, rule.actions)
    return {}


def _resolve(session: Session, actions: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"tags": list(actions.get("tags", []))}
    if "group" in actions:
        group = session.scalar(select(Group.id).where(Group.name == actions["group"]))
        if group is not None:
            out["group_id"] = group
    if "priority" in actions:
        out["priority"] = Priority(actions["priority"])
    return out


def _store_attachments(
    session: Session, parsed: ParsedMessage, held: dict[str, bytes] | None
) -> list[dict[str, Any]]:
    """Attachments as blobs; small ones go into `held` for the batch's insert when given."""
    stored = []
    for att in parsed.attachments:
        if att.size <= blob.CHUNK:
            data = att.read_bytes()
            sha, size = hashlib.sha256(data).hexdigest(), len(data)
            if held is None:
                blob.put_many(session, {sha: data})
            else:
                held[sha] = data
        else:
            with att.open() as stream:  # a spooled part streams from its file
                sha, size = blob.put_stream(session, stream)
        content_id = att.content_id if len(att.content_id or "") <= CID_MAX else None
        stored.append(
            {
                "blob": sha,
                "filename": _clip(att.filename, FILENAME_MAX),
                "content_type": _clip(att.content_type, CTYPE_MAX),
                "size": size,
                "content_id": content_id,
                "inline": att.inline,
            }
        )
    return stored


def _clip(text: str, limit: int) -> str:
    return text[:limit]


def _clip_id(msgid: str | None) -> str | None:
    return None if msgid is None else msgid[:MSGID_MAX]


def _address(address: str | None) -> str | None:
    """No sender rather than one no column can hold (an address is never cut)."""
    return address if address and len(address) <= ADDRESS_MAX else None
