"""Read side: ticket list pages, ticket details and full-text search.

List pages are keyset-paginated on (updated_at, id) so a page costs the same at the
top and at the millionth row; `rows_at` serves the lazy list model's random access.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, Select, and_, func, or_, select, text, tuple_, union_all
from sqlalchemy.orm import Session, aliased, selectinload

from .history import HistoryEntry
from .message import Attachment, Message
from .party import Agent, Contact, Group
from .ticket import OPEN_STATUSES, Priority, Status, Tag, Ticket, TicketTag

Stmt = Select[*tuple[Any, ...]]


@dataclass(frozen=True)
class TicketFilter:
    statuses: frozenset[Status] | None = None
    assignee_id: uuid.UUID | None = None
    unassigned: bool = False
    group_id: uuid.UUID | None = None
    tag: str | None = None
    priority: Priority | None = None
    text: str | None = None
    follow_up: bool = False

    def with_text(self, value: str | None) -> TicketFilter:
        return replace(self, text=(value or "").strip() or None)


ALL_OPEN = TicketFilter(statuses=frozenset(OPEN_STATUSES))


@dataclass(frozen=True)
class TicketRow:
    id: uuid.UUID
    label: str
    status: Status
    priority: Priority
    subject: str
    assignee: str | None
    group: str | None
    sender: str | None
    updated_at: datetime
    follow_up_at: datetime | None


@dataclass(frozen=True)
class Cursor:
    """Where the previous page ended (keyset pagination)."""

    updated_at: datetime
    id: uuid.UUID


_assignee = aliased(Agent)
_group = aliased(Group)
_contact = aliased(Contact)


def _row_select() -> Stmt:
    return (
        select(
            Ticket.id,
            Ticket.number,
            Ticket.status,
            Ticket.priority,
            Ticket.subject,
            _assignee.name,
            _group.name,
            _contact.name,
            Ticket.updated_at,
            Ticket.follow_up_at,
        )
        .outerjoin(_assignee, _assignee.id == Ticket.assignee_id)
        .outerjoin(_group, _group.id == Ticket.group_id)
        .outerjoin(_contact, _contact.id == Ticket.contact_id)
    )


def _to_row(r: Any) -> TicketRow:
    label = f"#{r[1]}" if r[1] is not None else f"~{str(r[0])[:8]}"
    return TicketRow(r[0], label, r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9])


def _filtered(stmt: Stmt, flt: TicketFilter, session: Session) -> Stmt:
    if flt.statuses is not None:
        stmt = stmt.where(Ticket.status.in_(sorted(flt.statuses)))
    if flt.assignee_id is not None:
        stmt = stmt.where(Ticket.assignee_id == flt.assignee_id)
    if flt.unassigned:
        stmt = stmt.where(Ticket.assignee_id.is_(None))
    if flt.group_id is not None:
        stmt = stmt.where(Ticket.group_id == flt.group_id)
    if flt.priority is not None:
        stmt = stmt.where(Ticket.priority == flt.priority)
    if flt.follow_up:
        stmt = stmt.where(Ticket.follow_up_at.is_not(None))
    if flt.tag:
        tagged = (
            select(TicketTag.ticket_id)
            .join(Tag, Tag.id == TicketTag.tag_id)
            .where(Tag.name == flt.tag.strip().lower())
        )
        stmt = stmt.where(Ticket.id.in_(tagged))
    if flt.text:
        stmt = stmt.where(_text_condition(flt.text, session))
    return stmt


def _text_condition(query: str, session: Session) -> Any:
    query = _without_nul(query)
    # Ticket numbers fit in 64 bits; a longer run of digits is only text to search for.
    number = re.fullmatch(r"#?([0-9]{1,18})", query.strip())
    hits = select(Message.ticket_id).where(Message.seq.in_(_fts_seqs(query, session)))
    cond = or_(Ticket.subject.ilike(f"%{_escape_like(query)}%", escape="\\"), Ticket.id.in_(hits))
    if number:
        cond = or_(cond, Ticket.number == int(number.group(1)))
    return cond


def _without_nul(query: str) -> str:
    # PostgreSQL refuses NUL in any text parameter; it is never part of a word anyway.
    return query.replace("\x00", " ")


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _order(flt: TicketFilter) -> tuple[Any, ...]:
    if flt.follow_up:
        return (Ticket.follow_up_at.asc(), Ticket.id.asc())
    return (Ticket.updated_at.desc(), Ticket.id.desc())


def page(
    session: Session, flt: TicketFilter, after: Cursor | None = None, limit: int = 50
) -> tuple[list[TicketRow], Cursor | None]:
    """One page of the list, newest change first, and the cursor for the next page."""
    stmt = _filtered(_row_select(), flt, session)
    if after is not None:
        stmt = stmt.where(tuple_(Ticket.updated_at, Ticket.id) < (after.updated_at, after.id))
    rows = [
        _to_row(r)
        for r in session.execute(
            stmt.order_by(Ticket.updated_at.desc(), Ticket.id.desc()).limit(limit)
        )
    ]
    cursor = Cursor(rows[-1].updated_at, rows[-1].id) if len(rows) == limit else None
    return rows, cursor


def rows_at(session: Session, flt: TicketFilter, offset: int, limit: int) -> list[TicketRow]:
    """Rows [offset, offset+limit) of a view, for a model that scrolls anywhere."""
    # Page the narrow id list first (index only), then join the display columns for
    # just those rows: the joins never run over the skipped offset.
    wanted = [r[0] for r in session.execute(_page_ids(session, flt, offset, limit))]
    if not wanted:
        return []
    found = {r[0]: _to_row(r) for r in session.execute(_row_select().where(Ticket.id.in_(wanted)))}
    return [found[i] for i in wanted if i in found]


def _page_ids(session: Session, flt: TicketFilter, offset: int, limit: int) -> Any:
    statuses = sorted(flt.statuses or ())
    if len(statuses) < 2 or flt.follow_up or flt.text:
        ids = _filtered(select(Ticket.id), flt, session).order_by(*_order(flt))
        return ids.offset(offset).limit(limit)
    # Several statuses (All open, a group's open tickets...): "status IN (...)" leaves
    # the (…, status, updated_at, id) indexes unordered, so a deep offset sorts every
    # row before it. One branch per status is index-ordered, and the database merges
    # the branches instead (MERGE (UNION ALL) / Merge Append): 3-5x faster deep down.
    parts = [
        _filtered(
            select(Ticket.id, Ticket.updated_at), replace(flt, statuses=frozenset({s})), session
        )
        for s in statuses
    ]
    merged = union_all(*parts)
    cols = merged.selected_columns
    return merged.order_by(cols.updated_at.desc(), cols.id.desc()).offset(offset).limit(limit)


def count(session: Session, flt: TicketFilter) -> int:
    # count(*), not count(id): then the narrowest index that covers the filter answers it.
    # count(id) must read the id column, which only the wide list indexes carry; the
    # follow-up view even scanned the whole table for it (~0.25 s at a million tickets).
    stmt = select(func.count()).select_from(Ticket)
    return int(session.scalar(_filtered(stmt, flt, session)) or 0)


def row(session: Session, ticket_id: uuid.UUID) -> TicketRow | None:
    r = session.execute(_row_select().where(Ticket.id == ticket_id)).first()
    return _to_row(r) if r else None


def position(session: Session, flt: TicketFilter, ticket_id: uuid.UUID) -> int | None:
    """Index of a ticket in a view (to keep the selection after a refresh)."""
    t = session.get(Ticket, ticket_id)
    if t is None:
        return None
    if not session.scalar(_filtered(select(func.count()), flt, session).where(Ticket.id == t.id)):
        return None
    # Count the rows before it in the view's own order (the same as rows_at's).
    if flt.follow_up:
        before = or_(
            Ticket.follow_up_at < t.follow_up_at,
            and_(Ticket.follow_up_at == t.follow_up_at, Ticket.id < t.id),
        )
    else:
        before = or_(
            Ticket.updated_at > t.updated_at,
            and_(Ticket.updated_at == t.updated_at, Ticket.id > t.id),
        )
    ahead = _filtered(select(func.count()), flt, session).where(before)
    return int(session.scalar(ahead) or 0)


# --- one ticket ------------------------------------------------------------------------


@dataclass(frozen=True)
class TicketDetail:
    ticket: Ticket
    messages: list[Message]
    history: list[HistoryEntry]
    agents: dict[uuid.UUID, str] = field(default_factory=dict)


def detail(session: Session, ticket_id: uuid.UUID) -> TicketDetail | None:
    ticket = session.scalar(
        select(Ticket)
        .where(Ticket.id == ticket_id)
        .options(
            selectinload(Ticket.tags),
            selectinload(Ticket.watchers),
            selectinload(Ticket.contact).selectinload(Contact.addresses),
            selectinload(Ticket.assignee),
            selectinload(Ticket.group),
            selectinload(Ticket.organization),
        )
    )
    if ticket is None:
        return None
    messages = list(
        session.scalars(
            select(Message)
            .where(Message.ticket_id == ticket_id)
            .options(
                selectinload(Message.attachments).load_only(
                    Attachment.filename, Attachment.size, Attachment.content_type, Attachment.inline
                )
            )
            .order_by(Message.created_at, Message.seq)
        )
    )
    history = list(
        session.scalars(
            select(HistoryEntry)
            .where(HistoryEntry.ticket_id == ticket_id)
            .order_by(HistoryEntry.at, HistoryEntry.hlc)
        )
    )
    agents = {a.id: a.name for a in session.scalars(select(Agent))}
    return TicketDetail(ticket, messages, history, agents)


def find_ticket(session: Session, ref: str) -> Ticket | None:
    """A ticket by number ("10234", "#10234") or UUID."""
    ref = ref.strip().lstrip("#")
    if re.fullmatch(r"[0-9]{1,18}", ref):
        return session.scalar(select(Ticket).where(Ticket.number == int(ref)))
    try:
        return session.get(Ticket, uuid.UUID(ref))
    except ValueError:
        return None


# --- full-text search --------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    message_id: uuid.UUID
    ticket_id: uuid.UUID
    ticket_label: str
    subject: str | None
    snippet: str
    created_at: datetime


def _fts_query(query: str) -> str:
    # Every word as a quoted prefix term: user input never reaches FTS5's syntax.
    words = re.findall(r"\w+", query)
    return " ".join(f'"{w}"*' for w in words)


def _fts_seqs(query: str, session: Session, limit: int | None = None) -> Any:
    """A subquery of message seqs matching the query, newest first where limited."""
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        tsq = "(websearch_to_tsquery('german', :q) || websearch_to_tsquery('english', :q))"
        sql = f"SELECT seq FROM messages WHERE search_vector @@ {tsq} ORDER BY seq DESC"
    else:
        sql = "SELECT rowid AS seq FROM message_fts WHERE message_fts MATCH :q ORDER BY rowid DESC"
        query = _fts_query(query) or '""'
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    sub = text(sql).bindparams(q=query).columns(seq=Integer).subquery()
    return select(sub.c.seq)


def search(session: Session, query: str, limit: int = 50) -> list[SearchHit]:
    """Newest messages matching a full-text query (subjects and bodies)."""
    query = _without_nul(query)
    if not re.search(r"\w", query):
        return []
    seqs = [r[0] for r in session.execute(_fts_seqs(query, session, limit))]
    if not seqs:
        return []
    stmt = (
        select(
            Message.id,
            Message.ticket_id,
            Ticket.number,
            Message.subject,
            func.substr(Message.body_text, 1, 200),
            Message.created_at,
            Message.seq,
        )
        .join(Ticket, Ticket.id == Message.ticket_id)
        .where(Message.seq.in_(seqs))
        .order_by(Message.seq.desc())
    )
    return [
        SearchHit(
            r[0],
            r[1],
            f"#{r[2]}" if r[2] is not None else f"~{str(r[1])[:8]}",
            r[3],
            " ".join((r[4] or "").split()),
            r[5],
        )
        for r in session.execute(stmt)
    ]
