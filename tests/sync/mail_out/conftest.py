"""An in-process SMTP sink (aiosmtpd) on loopback, and a store with a mailbox using it."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from desk_gui.models import Agent, Group, Membership
from desk_gui.models.commands import Actor, CreateTicket, execute
from desk_gui.models.mailbox import Mailbox, Security
from desk_gui.models.store import Store

from ...servers import free_port
from ..mail_in.conftest import MemorySecrets, dovecot, imap_account, secrets  # noqa: F401


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes


@dataclass
class SinkHandler:
    """Accepts everything unless told otherwise; records what arrives."""

    received: list[Received] = field(default_factory=list)
    data_reply: str | None = None  # e.g. "451 4.3.0 try later" or "554 5.7.1 rejected"
    rcpt_replies: dict[str, str] = field(default_factory=dict)
    on_data: Callable[[bytes], None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.rcpt_replies:
            return self.rcpt_replies[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.data_reply:
            return self.data_reply
        content = envelope.original_content or envelope.content
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), content))
        if self.on_data is not None:
            self.on_data(content)
        return "250 Message accepted for delivery"


@dataclass
class Sink:
    handler: SinkHandler
    port: int
    controller: Controller | None

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def start_sink(port: int | None = None) -> Sink:
    handler = SinkHandler()
    port = port or free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return Sink(handler, port, controller)


@pytest.fixture
def sink() -> Iterator[Sink]:
    s = start_sink()
    yield s
    s.stop()


@dataclass
class Desk:
    """A store with a sending mailbox, agent Anna (with signature) and a group layout."""

    store: Store
    mailbox_id: uuid.UUID
    anna: Actor
    group_id: uuid.UUID

    def ticket(self, subject: str = "Drucker druckt nicht", body: str = "Seit heute.") -> uuid.UUID:
        tid: uuid.UUID = execute(
            self.store,
            CreateTicket(
                subject=subject,
                body=body,
                from_addr="max@kunde.example",
                from_name="Max Muster",
                group_id=self.group_id,
                message_id_header=f"<{uuid.uuid4()}@kunde.example>",
            ),
        )
        return tid


LAYOUT = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><style>p{margin:0}</style></head>"
    '<body><div class="frame">{{content}}</div>'
    "<p>{{group.name}} · Musterstadt GmbH</p></body></html>"
)


def make_desk(store: Store, port: int, **mailbox: Any) -> Desk:
    with store.write() as s:
        group = Group(name="Support", layout_html=LAYOUT)
        anna = Agent(
            login="anna",
            name="Anna Schmidt",
            email="anna@desk.example",
            signature_html="<p>Viele Grüße<br>{{agent.name}}</p>",
        )
        s.add_all([group, anna])
        s.flush()
        s.add(Membership(agent_id=anna.id, group_id=group.id))
        settings: dict[str, Any] = {
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "smtp_security": Security.NONE,
            "from_addr": "support@desk.example",
            **mailbox,
        }
        box = Mailbox(name="support", group_id=group.id, **settings)
        s.add(box)
        s.flush()
        return Desk(store, box.id, Actor(anna.name, anna.id), group.id)


@pytest.fixture
def desk(store: Store, sink: Sink) -> Desk:
    return make_desk(store, sink.port)
