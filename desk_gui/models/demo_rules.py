"""The demo's intake rules (how new mail is sorted) and trigger rules (if-then on events).

Written as plain rows in the shapes `desk-gui rule add` (sync.mail_in.admin) and
`desk-gui trigger add` (sync.sla.admin) store, as models must not import sync;
tests/models/test_demo_replies.py checks them against those functions. Neither kind
touches the demo's tickets: intake rules act on mail that opens a new ticket, and the
triggers listen to a customer's reply and an SLA level, events the demo's past does not
raise (a ticket nobody saw yet has no reply event, and the past's SLA levels are recorded
quietly by `SlaEngine.catch_up`).
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from .inbound import IntakeRule
from .trigger import TriggerEvent, TriggerRule

# (name, conditions, actions) in the order they are checked; the first match wins.
INTAKE_RULES: tuple[tuple[str, dict[str, Any], dict[str, Any]], ...] = (
    ("Rechnungen an Billing", {"keyword": "Rechnung"}, {"group": "Billing", "tags": ["rechnung"]}),
    (
        "Sperrmüll an 1st-Level-Support",
        {"keyword": "Sperrmüll"},
        {"group": "1st-Level-Support", "tags": ["abfall", "sperrmüll"]},
    ),
    (
        "Server-Störungen an 2nd-Level",
        {"keyword": "Server"},
        {"group": "2nd-Level", "priority": "high", "tags": ["server"]},
    ),
)

# (name, event, conditions, actions) in firing order.
TRIGGER_RULES: tuple[tuple[str, TriggerEvent, dict[str, list[str]], dict[str, Any]], ...] = (
    (
        "Kunde schreibt „dringend“",
        TriggerEvent.CUSTOMER_REPLIED,
        {"keywords": ["dringend", "urgent"]},
        {"priority": "high", "notify": ["assignee"]},
    ),
    (
        # The SLA levels already notify the assignee and the lead: this only raises it.
        "Platinum-Vertrag: SLA-Stufe erreicht",
        TriggerEvent.SLA_LEVEL,
        {"contract": ["platinum"]},
        {"priority": "urgent", "tags": ["sla-eskalation"]},
    ),
)


def write_rules(session: Session, hlc: str, now: datetime, new_id: Callable[[], uuid.UUID]) -> None:
    """A few rows, whatever the number of tickets."""
    for position, (name, conditions, actions) in enumerate(INTAKE_RULES, start=1):
        session.add(
            IntakeRule(
                id=new_id(),
                name=name,
                position=position,
                conditions=copy.deepcopy(conditions),  # the constants stay untouched
                actions=copy.deepcopy(actions),
                hlc=hlc,
            )
        )
    for position, (name, event, when, then) in enumerate(TRIGGER_RULES, start=1):
        session.add(
            TriggerRule(
                id=new_id(),
                name=name,
                position=position,
                event=event,
                conditions=copy.deepcopy(when),
                actions=copy.deepcopy(then),
                created_at=now,  # "created" rules would fire from the demo's now on
                hlc=hlc,
            )
        )
    session.flush()
