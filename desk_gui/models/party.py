"""Who is involved: organizations, contacts (with several addresses), agents, groups."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Replicated, str_enum, utcnow


class ContractLevel(enum.StrEnum):
    NONE = "none"
    SILVER = "silver"
    GOLD = "gold"
    PLATINUM = "platinum"


class Role(enum.StrEnum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    AGENT = "agent"
    LIGHT_AGENT = "light_agent"


class Organization(Replicated, Base):
    __tablename__ = "organizations"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    # Mail domain used to attach unknown senders to this organization.
    domain: Mapped[str | None] = mapped_column(String(200), index=True)
    contract_level: Mapped[ContractLevel] = mapped_column(
        str_enum(ContractLevel), default=ContractLevel.NONE
    )
    contacts: Mapped[list[Contact]] = relationship(back_populates="organization")


class Contact(Replicated, Base):
    __tablename__ = "contacts"

    name: Mapped[str] = mapped_column(String(200))
    organization_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organizations.id"), index=True
    )
    phone: Mapped[str | None] = mapped_column(String(60))
    language: Mapped[str] = mapped_column(String(8), default="de")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organization: Mapped[Organization | None] = relationship(back_populates="contacts")
    addresses: Mapped[list[ContactAddress]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="ContactAddress.address"
    )

    @property
    def primary_address(self) -> str | None:
        return self.addresses[0].address if self.addresses else None


class ContactAddress(Replicated, Base):
    __tablename__ = "contact_addresses"

    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contacts.id"), index=True)
    # Stored lower-cased: mail addresses are matched case-insensitively in practice.
    address: Mapped[str] = mapped_column(String(320), unique=True)
    contact: Mapped[Contact] = relationship(back_populates="addresses")


class Agent(Replicated, Base):
    __tablename__ = "agents"

    login: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    role: Mapped[Role] = mapped_column(str_enum(Role), default=Role.AGENT)
    active: Mapped[bool] = mapped_column(default=True)
    signature_html: Mapped[str | None]
    # The language of what Desk writes to the agent (notification mails): one of
    # i18n.LANGUAGES. The server default also covers rows written by a client that
    # does not know the column yet (an older version on the shared database).
    language: Mapped[str] = mapped_column(String(8), default="de", server_default="de")

    memberships: Mapped[list[Membership]] = relationship(back_populates="agent")


class Group(Replicated, Base):
    """A group or department: its own agents, mailboxes, calendar and SLAs."""

    __tablename__ = "groups"

    name: Mapped[str] = mapped_column(String(120), unique=True)
    lead_agent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agents.id"))
    calendar_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("business_calendars.id"))
    layout_html: Mapped[str | None]

    memberships: Mapped[list[Membership]] = relationship(back_populates="group")


class Membership(Replicated, Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("agent_id", "group_id"),)

    agent_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agents.id"), index=True)
    group_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("groups.id"), index=True)
    agent: Mapped[Agent] = relationship(back_populates="memberships")
    group: Mapped[Group] = relationship(back_populates="memberships")
