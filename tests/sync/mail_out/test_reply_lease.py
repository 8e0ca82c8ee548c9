"""Two agents never answer the same customer at once: reply leases and viewing presence
(DESIGN.md "Leases"), on SQLite and on one shared PostgreSQL database."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, update

from desk_gui.models.commands import Actor, CommandError
from desk_gui.models.lease import Lease
from desk_gui.models.party import Agent
from desk_gui.models.store import Store
from desk_gui.sync import leases, presence
from desk_gui.sync.mail_out import Queued, ReplyDraft, queue_reply

from .conftest import Desk


def _ben(desk: Desk) -> Actor:
    with desk.store.write() as s:
        ben = Agent(login="ben", name="Ben Kraus", email="ben@desk.example")
        s.add(ben)
        s.flush()
        return Actor(ben.name, ben.id)


def _expire(desk: Desk, resource: str) -> None:
    """As if the holder's laptop slept through its lease (expiry is the database's)."""
    with desk.store.write() as s:
        past = leases.db_now(s) - timedelta(seconds=1)
        s.execute(update(Lease).where(Lease.resource == resource).values(expires_at=past))


@dataclass(frozen=True)
class Two:
    """Anna's and Ben's desktops on one ticket."""

    desk: Desk
    ben: Actor
    tid: uuid.UUID
    anna_here: str
    ben_here: str

    def claim(self, holder: str) -> int | None:
        with self.desk.store.write() as s:
            return presence.claim_reply(s, self.tid, holder)

    def send(self, holder: str | None, epoch: int | None, actor: Actor | None = None) -> object:
        draft = ReplyDraft(self.tid, "<p>Hallo</p>", lease_holder=holder, lease_epoch=epoch)
        return queue_reply(self.desk.store, draft, actor or self.desk.anna)

    def expire(self) -> None:
        _expire(self.desk, f"reply:{self.tid.hex}")


@pytest.fixture
def two(desk: Desk) -> Two:
    ben = _ben(desk)
    return Two(
        desk,
        ben,
        desk.ticket(),
        presence.holder_of(desk.anna.agent_id, "pc-anna"),
        presence.holder_of(ben.agent_id, "pc-ben"),
    )


def test_a_second_agent_cannot_claim_a_reply_the_first_is_writing(two: Two) -> None:
    assert two.claim(two.anna_here) == 1
    assert two.claim(two.ben_here) is None
    with two.desk.store.read() as s:
        assert presence.presence(s, two.tid, two.ben_here).replying == "Anna Schmidt"
        assert presence.presence(s, two.tid, two.anna_here).replying is None  # not herself


def test_a_reply_sent_under_its_lease_is_queued_and_frees_the_ticket(two: Two) -> None:
    assert isinstance(two.send(two.anna_here, two.claim(two.anna_here)), Queued)
    assert two.claim(two.ben_here) == 2  # answered: Ben may write the next one, a new epoch


def test_a_send_after_another_agent_replied_meanwhile_is_refused(two: Two) -> None:
    """Anna's laptop slept with her draft open; Ben answered (and freed the ticket)."""
    epoch = two.claim(two.anna_here)
    two.expire()
    assert isinstance(two.send(two.ben_here, two.claim(two.ben_here), two.ben), Queued)
    with pytest.raises(CommandError, match="took over replying"):
        two.send(two.anna_here, epoch)


def test_a_send_while_another_agent_holds_the_reply_is_refused(two: Two) -> None:
    epoch = two.claim(two.anna_here)
    two.expire()  # Anna's laptop slept ...
    assert two.claim(two.ben_here) == 2  # ... and Ben started his reply
    with pytest.raises(CommandError, match="Ben Kraus is replying to this ticket"):
        two.send(two.anna_here, epoch)
    two.expire()  # Ben gave up; Anna's old epoch stays stale
    with pytest.raises(CommandError, match="took over replying"):
        two.send(two.anna_here, epoch)
    fresh = two.claim(two.anna_here)  # the refused send wrote nothing; she claims anew ...
    assert fresh == 3
    assert isinstance(two.send(two.anna_here, fresh), Queued)  # ... and sends


def test_an_expired_lease_nobody_took_is_renewed_at_the_send(two: Two) -> None:
    epoch = two.claim(two.anna_here)
    two.expire()
    assert isinstance(two.send(two.anna_here, epoch), Queued)


def test_a_reply_without_lease_waits_for_another_agents_but_not_for_ones_own(two: Two) -> None:
    """The CLI sends without a lease: refused while Ben writes at his desktop; Anna's
    own lease (her desktop is open on the ticket) does not stop her script."""
    two.claim(two.ben_here)
    with pytest.raises(CommandError, match="Ben Kraus is replying to this ticket; send yours"):
        two.send(None, None)
    two.expire()
    two.claim(two.anna_here)
    assert isinstance(two.send(None, None), Queued)


def test_viewers_see_each_other_until_one_leaves_or_expires(desk: Desk) -> None:
    ben = _ben(desk)
    tid, other = desk.ticket(), desk.ticket("Zweites Ticket")
    anna_here = presence.holder_of(desk.anna.agent_id, "pc-anna")
    ben_here = presence.holder_of(ben.agent_id, "pc-ben")
    ben_laptop = presence.holder_of(ben.agent_id, "laptop-ben")
    with desk.store.write() as s:
        presence.heartbeat(s, tid, anna_here, replying=False, left=None)
        presence.heartbeat(s, other, ben_here, replying=False, left=None)
        beat = presence.heartbeat(s, tid, ben_laptop, replying=True, left=None)
    assert beat.reply_epoch == 1
    assert beat.presence == presence.Presence(replying=None, viewing=("Anna Schmidt",))
    with desk.store.write() as s:
        seen = presence.heartbeat(s, tid, anna_here, replying=False, left=None).presence
    # Ben on his laptop replies; his desktop shows the other ticket: not counted here.
    assert seen == presence.Presence(replying="Ben Kraus", viewing=())
    with desk.store.write() as s:  # Ben's laptop moves on to the other ticket
        presence.heartbeat(s, other, ben_laptop, replying=False, left=tid)
        assert presence.presence(s, tid, anna_here) == presence.Presence()
        assert presence.presence(s, other, anna_here).viewing == ("Ben Kraus",)
    _expire(desk, f"view:{other.hex}:{ben_here}")
    _expire(desk, f"view:{other.hex}:{ben_laptop}")
    with desk.store.write() as s:
        assert presence.presence(s, other, anna_here) == presence.Presence()
        presence.see(s, other, anna_here)  # clears the expired rows of the ticket
    with desk.store.read() as s:
        rows = s.query(Lease.resource).filter(Lease.resource.startswith("view:")).all()
    assert sorted(r for (r,) in rows) == sorted(
        [f"view:{tid.hex}:{anna_here}", f"view:{other.hex}:{anna_here}"]
    )


def test_holders_without_agent_are_named_by_their_client(desk: Desk) -> None:
    tid = desk.ticket()
    with desk.store.write() as s:
        presence.see(s, tid, presence.holder_of(None, "kiosk-1"))
        presence.see(s, tid, presence.holder_of(uuid.uuid4(), "gone-2"))  # agent deleted
        seen = presence.presence(s, tid, presence.holder_of(desk.anna.agent_id, "pc"))
    assert seen.viewing == ("gone-2", "kiosk-1")


def test_the_list_reads_who_is_on_which_ticket_besides_the_caller(desk: Desk) -> None:
    """Store-wide, for the ticket list: live rows only, the caller's own left out,
    agents by name, the replier not also listed as viewing."""
    ben = _ben(desk)
    with desk.store.write() as s:
        cleo = Agent(login="cleo", name="", email="cleo@desk.example")  # named by login
        s.add(cleo)
        s.flush()
        cleo_id = cleo.id
    tid, other, gone, mine = (desk.ticket(f"Ticket {n}") for n in range(4))
    anna_here = presence.holder_of(desk.anna.agent_id, "pc-anna")
    anna_laptop = presence.holder_of(desk.anna.agent_id, "laptop-anna")
    ben_here = presence.holder_of(ben.agent_id, "pc-ben")
    cleo_here = presence.holder_of(cleo_id, "pc-cleo")
    with desk.store.write() as s:
        presence.heartbeat(s, tid, ben_here, replying=True, left=None)
        presence.heartbeat(s, tid, cleo_here, replying=False, left=None)
        presence.heartbeat(s, other, cleo_here, replying=False, left=None)
        presence.heartbeat(s, other, anna_laptop, replying=False, left=None)
        presence.heartbeat(s, gone, ben_here, replying=True, left=None)
        presence.heartbeat(s, mine, anna_here, replying=True, left=None)
        presence.see(s, mine, ben_here)
    _expire(desk, f"reply:{gone.hex}")
    _expire(desk, f"view:{gone.hex}:{ben_here}")
    _expire(desk, f"view:{mine.hex}:{ben_here}")
    with desk.store.read() as s:
        found = presence.on_tickets(s, anna_here)
    assert found == {
        tid: presence.Presence(replying="Ben Kraus", viewing=("cleo",)),
        # Anna's own laptop is another holder, as on the ticket page.
        other: presence.Presence(replying=None, viewing=("Anna Schmidt", "cleo")),
    }
    with desk.store.read() as s:
        assert presence.on_tickets(s, ben_here)[mine] == presence.Presence(replying="Anna Schmidt")
        assert presence.on_tickets(s, ben_here)[tid] == presence.Presence(viewing=("cleo",))


def test_the_lists_presence_read_walks_only_the_live_leases(sqlite_store: Store) -> None:
    """The expired reply rows stay (one per ticket replied to); the read must not scan
    them: SQLite's plan searches the expiry index. SQLite only: PostgreSQL plans by its
    statistics and scans a tiny table sequentially whatever its indexes."""
    ran: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if "FROM leases" in statement:
            ran.append((statement, params))

    event.listen(sqlite_store.engine, "before_cursor_execute", record)
    try:
        with sqlite_store.read() as s:
            presence.on_tickets(s, "x:pc")
            [(query, params)] = ran
            plan = s.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {query}", params).all()
    finally:
        event.remove(sqlite_store.engine, "before_cursor_execute", record)
    assert any("USING INDEX ix_leases_expires_at" in row[-1] for row in plan), plan
