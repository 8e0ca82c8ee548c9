"""The demo's templates, signatures, layout, intake and trigger rules: there, rendered by
the code the reply editor and the CLI use, and leaving the demo's tickets alone."""

from __future__ import annotations

import html
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from desk_gui.models import Agent, Group, Ticket, TriggerFiring, TriggerRule
from desk_gui.models.commands import Actor, AddMessage, execute
from desk_gui.models.demo import populate
from desk_gui.models.demo_replies import LAYOUT_GROUP
from desk_gui.models.inbound import IntakeRule
from desk_gui.models.message import MessageKind
from desk_gui.models.party import Contact
from desk_gui.models.store import Store
from desk_gui.models.template import Template
from desk_gui.models.ticket import FINAL_STATUSES, Priority
from desk_gui.sync.mail_in import admin as intake
from desk_gui.sync.mail_out import templates
from desk_gui.sync.sla import admin as trigger_admin
from desk_gui.sync.sla.engine import SlaEngine
from desk_gui.sync.sla.triggers import load_rules, normalize_conditions, validate_actions

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # a Monday, office hours


def _ticket_in(store: Store, language: str) -> uuid.UUID:
    """An assigned ticket in a group whose contact writes in `language`."""
    with store.read() as s:
        tid = s.scalar(
            select(Ticket.id)
            .join(Contact, Contact.id == Ticket.contact_id)
            .where(
                Contact.language == language,
                Ticket.assignee_id.is_not(None),
                Ticket.group_id.is_not(None),
                Ticket.number.is_not(None),
            )
            .order_by(Ticket.number)
            .limit(1)
        )
    assert tid is not None
    return tid


def test_templates_in_both_languages_render_the_tickets_values(store: Store) -> None:
    populate(store, 60, seed=4, now=NOW)
    with store.read() as s:
        languages: dict[str, set[str]] = defaultdict(set)
        for t in templates.list_templates(s):
            languages[t.name].add(t.language)
        assert len(languages) >= 6
        assert all(found == {"de", "en"} for found in languages.values()), languages
        with_subject = s.scalars(select(Template.name).where(Template.subject.is_not(None)))
        assert set(with_subject) >= {"sperrmuell-termin", "rechnung-korrigiert"}

        used: set[str] = set()
        for language in ("de", "en"):
            ticket = s.get(Ticket, _ticket_in(store, language))
            assert ticket is not None and ticket.contact is not None
            agent = s.get(Agent, ticket.assignee_id)
            group = s.get(Group, ticket.group_id)
            assert agent is not None and group is not None
            for name in languages:
                # As the reply editor renders a pick (template_picker.render_for_ticket).
                found = templates.find_template(s, name, ticket.contact.language)
                assert found is not None and found.language == language
                values = templates.values_for(s, ticket, agent, None, found.language)
                rendered = templates.render_template(found, values)
                text = (rendered.subject or "") + rendered.body_html
                assert "{{" not in text, (name, language)
                for placeholder in found.placeholders:
                    assert values[placeholder], placeholder  # a value, not an empty string
                    assert html.escape(values[placeholder]) in text, (name, placeholder)
                used |= set(found.placeholders)
            greeting = templates.find_template(s, "anrede", language)
            assert greeting is not None
            body = templates.render_template(
                greeting, templates.values_for(s, ticket, agent, None, language)
            ).body_html
            first = ticket.contact.name.split()[0]
            assert (f"Guten Tag {ticket.contact.name}," if language == "de" else
                    f"Hello {first},") in body  # fmt: skip
            assert str(ticket.number) in body and agent.name in body
    assert {"contact.name", "contact.first_name", "ticket.number", "agent.name"} <= used
    assert {"group.name", "ticket.subject"} <= used


def test_every_agent_signs_and_a_department_has_its_layout(sqlite_store: Store) -> None:
    populate(sqlite_store, 20, seed=4, now=NOW)
    ticket_id = _ticket_in(sqlite_store, "de")
    with sqlite_store.read() as s:
        agents = s.scalars(select(Agent)).all()
        assert len(agents) == 8
        for agent in agents:
            signature = agent.signature_html or ""
            assert f"<b>{agent.name}</b>" in signature and "Tel. 0800 123 45 67" in signature
            groups = s.scalars(select(Group.name).join(Group.memberships).where(
                Group.memberships.any(agent_id=agent.id))).all()  # fmt: skip
            assert any(g in signature for g in groups), (agent.name, groups)

        layouts = {g.name: g.layout_html for g in s.scalars(select(Group))}
        assert [n for n, layout in layouts.items() if layout] == [LAYOUT_GROUP]
        ticket = s.get(Ticket, ticket_id)
        assert ticket is not None
        values = templates.values_for(s, ticket, agents[0], None, "de")
        content = templates.with_signature("<p>Antwort</p>", agents[0].signature_html, values)
        mail = templates.in_layout(layouts[LAYOUT_GROUP], content, values)
        assert "<p>Antwort</p>" in mail and "{{" not in mail
        assert f"Vorgang {ticket.number}" in mail and "Service Desk Musterstadt" in mail


def test_intake_rules_are_what_rule_add_stores(store: Store) -> None:
    populate(store, 0, now=NOW)
    listed = intake.list_rules(store)  # what `desk-gui rule list` prints
    assert [r.position for r in listed] == [1, 2, 3]
    assert all(r.active for r in listed)
    by_name = {r.name: r for r in listed}
    assert by_name["Rechnungen an Billing"].actions == {"group": "Billing", "tags": ["rechnung"]}
    assert by_name["Sperrmüll an 1st-Level-Support"].conditions == {"keyword": "Sperrmüll"}

    # Removed and added again through `desk-gui rule add`'s function: the same rules.
    for rule in listed:
        intake.remove_rule(store, rule.name)
    for rule in listed:
        priority = rule.actions.get("priority")
        intake.add_rule(
            store,
            intake.RuleSpec(
                name=rule.name,
                keyword=rule.conditions.get("keyword"),
                group=rule.actions.get("group"),
                priority=Priority(priority) if priority else None,
                tags=tuple(rule.actions.get("tags", ())),
            ),
        )
    assert intake.list_rules(store) == listed


def test_trigger_rules_are_what_trigger_add_stores(store: Store) -> None:
    populate(store, 0, now=NOW)
    with store.read() as s:
        rules = trigger_admin.list_rules(s)  # what `desk-gui trigger list` reads
        assert [r.position for r in rules] == [1, 2]
        for rule in rules:
            assert rule.active and rule.created_at == NOW
            assert normalize_conditions(rule.conditions) == rule.conditions
            assert validate_actions(rule.actions) == rule.actions
        assert [r.name for r in load_rules(s)] == [r.name for r in rules]


def test_templates_and_rules_are_the_same_for_a_seed(tmp_path: Path) -> None:
    ids = []
    for name in ("a", "b"):
        store = Store(f"sqlite:///{tmp_path / name}.sqlite3")
        store.migrate()
        populate(store, 0, seed=3, now=NOW)
        with store.read() as s:
            ids.append(
                [
                    s.scalars(select(Template.id).order_by(Template.name, Template.language)).all(),
                    s.scalars(select(IntakeRule.id).order_by(IntakeRule.position)).all(),
                    s.scalars(select(TriggerRule.id).order_by(TriggerRule.position)).all(),
                    s.scalars(select(Agent.signature_html).order_by(Agent.login)).all(),
                ]
            )
        store.dispose()
    assert ids[0] == ids[1]


def _state(store: Store) -> list[tuple[object, ...]]:
    with store.read() as s:
        return [
            tuple(r)
            for r in s.execute(
                select(Ticket.id, Ticket.priority, Ticket.group_id, Ticket.status).order_by(
                    Ticket.id
                )
            )
        ]


def test_the_rules_leave_the_demos_past_alone_and_act_on_what_comes(
    sqlite_store: Store,
) -> None:
    populate(sqlite_store, 150, seed=4, now=NOW)
    before = _state(sqlite_store)
    with SlaEngine(sqlite_store, processes=0) as engine:
        engine.catch_up(NOW)  # as `init --demo` and the app's --demo do
        first = engine.run_once(NOW + timedelta(minutes=1))  # the app's first pass
        assert first.triggered == []
        assert _state(sqlite_store) == before
        with sqlite_store.read() as s:
            assert s.scalar(select(func.count()).select_from(TriggerFiring)) == 0
            open_ticket = s.scalars(
                select(Ticket)
                .where(
                    Ticket.status.not_in(FINAL_STATUSES),
                    Ticket.assignee_id.is_not(None),
                    Ticket.contact_id.is_not(None),
                    Ticket.priority.in_([Priority.LOW, Priority.NORMAL]),
                )
                .order_by(Ticket.number)
                .limit(1)
            ).one()
            assert open_ticket.contact is not None
            tid, address = open_ticket.id, open_ticket.contact.primary_address

        # A customer's reply that says "dringend" is what the first trigger waits for.
        execute(
            sqlite_store,
            AddMessage(
                ticket_id=tid,
                kind=MessageKind.INBOUND_MAIL,
                body_text="Bitte dringend melden, wir können nicht arbeiten.",
                from_addr=address,
                message_id_header=f"<{uuid.uuid4()}@kunde.example>",
            ),
            Actor("mail"),
        )
        later = engine.run_once(NOW + timedelta(minutes=2))
    fired = [f for f in later.triggered if f.ticket_id == tid]
    assert [f.rule for f in fired] == ["Kunde schreibt „dringend“"]
    assert "priority=high" in fired[0].actions
    with sqlite_store.read() as s:
        ticket = s.get(Ticket, tid)
        assert ticket is not None and ticket.priority is Priority.HIGH
