"""Two agents never answer the same customer at once: reply leases and viewing presence
(DESIGN.md "Leases"), on SQLite and on one shared PostgreSQL database."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import update

from desk_gui.models.commands import Actor, CommandError
from desk_gui.models.lease import Lease
from desk_gui.models.party import Agent
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


def test_a_second_agent_cannot_claim_a_reply_the_first_is_writing(desk: Desk) -> None:
    ben = _ben(desk)
    tid = desk.ticket()
    anna_here = presence.holder_of(desk.anna.agent_id, "pc-anna")
    ben_here = presence.holder_of(ben.agent_id, "pc-ben")
    with desk.store.write() as s:
        assert presence.claim_reply(s, tid, anna_here) == 1
    with desk.store.write() as s:
        assert presence.claim_reply(s, tid, ben_here) is None
        assert presence.presence(s, tid, ben_here).replying == "Anna Schmidt"
        assert presence.presence(s, tid, anna_here).replying is None  # not herself


def test_a_reply_sent_under_its_lease_is_queued_and_frees_the_ticket(desk: Desk) -> None:
    ben = _ben(desk)
    tid = desk.ticket()
    anna_here = presence.holder_of(desk.anna.agent_id, "pc-anna")
    with desk.store.write() as s:
        epoch = presence.claim_reply(s, tid, anna_here)
    draft = ReplyDraft(tid, "<p>Hallo</p>", lease_holder=anna_here, lease_epoch=epoch)
    assert isinstance(queue_reply(desk.store, draft, desk.anna), Queued)
    with desk.store.write() as s:  # answered: Ben may write the next one, a new epoch
        assert presence.claim_reply(s, tid, presence.holder_of(ben.agent_id, "pc-ben")) == 2


def test_a_send_after_another_agent_replied_meanwhile_is_refused(desk: Desk) -> None:
    """Anna's laptop slept with her draft open; Ben answered (and freed the ticket)."""
    ben = _ben(desk)
    tid = desk.ticket()
    anna_here = presence.holder_of(desk.anna.agent_id, "pc-anna")
    ben_here = presence.holder_of(ben.agent_id, "pc-ben")
    with desk.store.write() as s:
        epoch = presence.claim_reply(s, tid, anna_here)
    _expire(desk, f"reply:{tid.hex}")
    with desk.store.write() as s:
        ben_epoch = presence.claim_reply(s, tid, ben_here)
    ben_draft = ReplyDraft(tid, "<p>Erledigt</p>", lease_holder=ben_here, lease_epoch=ben_epoch)
    assert isinstance(queue_reply(desk.store, ben_draft, ben), Queued)
    draft = ReplyDraft(tid, "<p>Hallo</p>", lease_holder=anna_here, lease_epoch=epoch)
    with pytest.raises(CommandError, match="took over replying"):
        queue_reply(desk.store, draft, desk.anna)


def test_a_send_while_another_agent_holds_the_reply_is_refused(desk: Desk) -> None:
    ben = _ben(desk)
    tid = desk.ticket()
    anna_here = presence.holder_of(desk.anna.agent_id, "pc-anna")
    ben_here = presence.holder_of(ben.agent_id, "pc-ben")
    with desk.store.write() as s:
        epoch = presence.claim_reply(s, tid, anna_here)
    _expire(desk, f"reply:{tid.hex}")  # Anna's laptop slept ...
    with desk.store.write() as s:  # ... and Ben started his reply
        assert presence.claim_reply(s, tid, ben_here) == 2
    draft = ReplyDraft(tid, "<p>Hallo</p>", lease_holder=anna_here, lease_epoch=epoch)
    with pytest.raises(CommandError, match="Ben Kraus is replying to this ticket"):
        queue_reply(desk.store, draft, desk.anna)
    _expire(desk, f"reply:{tid.hex}")  # Ben gave up; Anna's old epoch stays stale
    with pytest.raises(CommandError, match="took over replying"):
        queue_reply(desk.store, draft, desk.anna)
    with desk.store.write() as s:  # the refused send wrote nothing; she claims anew ...
        fresh = presence.claim_reply(s, tid, anna_here)
    assert fresh == 3
    again = ReplyDraft(tid, "<p>Hallo</p>", lease_holder=anna_here, lease_epoch=fresh)
    assert isinstance(queue_reply(desk.store, again, desk.anna), Queued)  # ... and sends


def test_an_expired_lease_nobody_took_is_renewed_at_the_send(desk: Desk) -> None:
    tid = desk.ticket()
    anna_here = presence.holder_of(desk.anna.agent_id, "pc-anna")
    with desk.store.write() as s:
        epoch = presence.claim_reply(s, tid, anna_here)
    _expire(desk, f"reply:{tid.hex}")
    draft = ReplyDraft(tid, "<p>Hallo</p>", lease_holder=anna_here, lease_epoch=epoch)
    assert isinstance(queue_reply(desk.store, draft, desk.anna), Queued)


def test_a_reply_without_lease_waits_for_another_agents_but_not_for_ones_own(
    desk: Desk,
) -> None:
    """The CLI sends without a lease: refused while Ben writes at his desktop; Anna's
    own lease (her desktop is open on the ticket) does not stop her script."""
    ben = _ben(desk)
    tid = desk.ticket()
    with desk.store.write() as s:
        presence.claim_reply(s, tid, presence.holder_of(ben.agent_id, "pc-ben"))
    with pytest.raises(CommandError, match="Ben Kraus is replying to this ticket; send yours"):
        queue_reply(desk.store, ReplyDraft(tid, "<p>Hallo</p>"), desk.anna)
    _expire(desk, f"reply:{tid.hex}")
    with desk.store.write() as s:
        presence.claim_reply(s, tid, presence.holder_of(desk.anna.agent_id, "pc-anna"))
    assert isinstance(queue_reply(desk.store, ReplyDraft(tid, "<p>Hallo</p>"), desk.anna), Queued)


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
