"""Commands the SLA engine runs (with history and outbox like every other change)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from .commands import Command, Context, SetFollowUp, command
from .ticket import Status


@command("resume_follow_up")
@dataclass(frozen=True, kw_only=True)
class ResumeFollowUp(Command):
    """A parked ticket's follow-up date has come (Wiedervorlage): back to open.

    `follow_up_at` is the date the engine saw fall due: if someone moved the date or
    took the ticket out of parking meanwhile, their newer decision stands and nothing
    happens. Returns whether the ticket came back.
    """

    ticket_id: uuid.UUID
    follow_up_at: datetime

    def apply(self, ctx: Context) -> bool:
        ticket = ctx.ticket(self.ticket_id)
        if ticket.status is not Status.PENDING_REMINDER or ticket.follow_up_at != self.follow_up_at:
            return False
        # Clearing the date of a parked ticket reopens it, with history for both fields.
        SetFollowUp(ticket_id=self.ticket_id, at=None).apply(ctx)
        return True
