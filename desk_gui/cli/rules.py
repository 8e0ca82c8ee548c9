"""`desk-gui rule ...`, `desk-gui spam ...` and `desk-gui org ...`: how new mail is sorted.

Intake rules route a new ticket (not a reply to an existing one) by keyword, sender or
mailbox to a group, a priority and tags; the first matching rule wins. The spam block
list files mail from an address or a whole domain apart from the queues; `spam recover`
turns such a mail into a ticket after all. Organizations with a mail domain collect new
senders from that domain as their contacts.
"""

from __future__ import annotations

import argparse
from typing import Any

from desk_gui.models.party import ContractLevel
from desk_gui.models.ticket import Priority
from desk_gui.sync.mail_in import admin

from .common import actor_for, open_store, parse_enum
from .mail import admin_errors
from .output import clip, print_json, print_table, when
from .tickets_read import positive_int

# --- rules ---------------------------------------------------------------------------------


def add_rule_args(p: argparse.ArgumentParser) -> None:
    p.description = (
        "Add an intake rule. Conditions (all must match): --keyword in subject or body, "
        "--sender (part of the address, e.g. @kunde.example), --mailbox. Actions: --group, "
        "--priority, --tag. Rules apply to mail that opens a new ticket; the first match wins."
    )
    p.add_argument("name", metavar="NAME")
    p.add_argument("--keyword", metavar="K", help="word or phrase in subject or body, any case")
    p.add_argument("--sender", metavar="S", help="part of the sender's address")
    p.add_argument("--mailbox", metavar="M", help="only mail fetched from this mailbox")
    p.add_argument("--group", metavar="G", help="route the new ticket to this group")
    p.add_argument("--priority", metavar="P", help=", ".join(pr.value for pr in Priority))
    p.add_argument(
        "--tag",
        dest="tags",
        action="append",
        default=[],
        metavar="T",
        help="tag the new ticket; repeatable",
    )
    p.add_argument(
        "--position",
        type=positive_int,
        metavar="N",
        help="check it as the N-th rule (default: last)",
    )


@admin_errors
def add_rule(args: argparse.Namespace) -> int:
    priority = parse_enum(Priority, args.priority, "priority") if args.priority else None
    spec = admin.RuleSpec(
        name=args.name,
        keyword=args.keyword,
        sender=args.sender,
        mailbox=args.mailbox,
        group=args.group,
        priority=priority,
        tags=tuple(args.tags),
        position=args.position,
    )
    with open_store(args) as store:
        position = admin.add_rule(store, spec)
    print(f"rule {args.name!r} added at position {position}")
    return 0


def add_json_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print JSON")


def _describe(values: dict[str, Any]) -> str:
    return ", ".join(f"{k}={','.join(v) if isinstance(v, list) else v}" for k, v in values.items())


def list_rules(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        rules = admin.list_rules(store)
    if args.json:
        print_json([r.__dict__ for r in rules])
        return 0
    if not rules:
        print("no intake rules yet: desk-gui rule add NAME --keyword K --group G ...")
        return 0
    rows = [[str(r.position), r.name, _describe(r.conditions), _describe(r.actions)] for r in rules]
    print_table(["#", "NAME", "WHEN", "THEN"], rows, flex=2)
    return 0


def add_rule_name_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", metavar="NAME")


@admin_errors
def remove_rule(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        admin.remove_rule(store, args.name)
    print(f"rule {args.name!r} removed")
    return 0


# --- spam ----------------------------------------------------------------------------------


def add_entry_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "entry",
        metavar="ADDR|@DOMAIN",
        help="an address (max@spam.example) or a whole domain (@spam.example)",
    )


@admin_errors
def block(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        entry, kind = admin.block(store, args.entry)
    print(f"blocked {kind} {entry}: new mail from it is filed as spam")
    return 0


@admin_errors
def unblock(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        admin.unblock(store, args.entry)
    print(f"unblocked {args.entry.strip().lower()}")
    return 0


def add_spam_list_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--filed",
        action="store_true",
        help="list the mails filed as spam (newest first) instead of the block list",
    )
    p.add_argument(
        "--limit",
        type=positive_int,
        default=100,
        metavar="N",
        help="with --filed: at most N mails (100)",
    )
    add_json_arg(p)


def list_spam(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        if args.filed:
            return _print_filed(admin.filed_spam(store, args.limit), args.json)
        entries = admin.blocked(store)
    if args.json:
        print_json([{"entry": e, "kind": k} for e, k in entries])
    elif not entries:
        print("the block list is empty")
    else:
        print_table(["ENTRY", "KIND"], [[e, k] for e, k in entries], flex=0)
    return 0


def _print_filed(mails: list[admin.FiledSpam], as_json: bool) -> int:
    if as_json:
        print_json([m.__dict__ for m in mails])
        return 0
    if not mails:
        print("no mail is filed as spam")
        return 0
    rows = [
        [
            f"{m.mailbox}:{m.uid}",
            when(m.received_at),
            clip(m.sender, 40),
            m.subject,
            m.reason or "",
            str(m.id),
        ]
        for m in mails
    ]
    print_table(["MAIL", "RECEIVED", "FROM", "SUBJECT", "WHY", "ID"], rows, flex=3)
    return 0


def add_recover_args(p: argparse.ArgumentParser) -> None:
    p.description = (
        "Turn a mail filed as spam into a ticket (or add it to its thread), from the raw "
        "mail stored when it was fetched. The sender stays on the block list."
    )
    p.add_argument(
        "ref", metavar="MAIL", help="UID, MAILBOX:UID or the id shown by 'spam list --filed'"
    )
    add_json_arg(p)


@admin_errors
def recover(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        with store.read() as session:
            actor = actor_for(session, args.actor)
        done = admin.recover_spam(store, args.ref, actor)
    if args.json:
        print_json(done.__dict__)
        return 0
    label = f"#{done.ticket_number}"
    print(
        f"{label}: {'new ticket' if done.new_ticket else 'added to the thread'} "
        f"from the mail filed as spam ({done.detail})"
    )
    if done.still_blocked:
        print(
            f"note: {done.still_blocked} is still blocked "
            f"(desk-gui spam unblock {_shown_entry(done.still_blocked)})"
        )
    return 0


def _shown_entry(entry: str) -> str:
    return entry if "@" in entry else f"@{entry}"


# --- organizations -------------------------------------------------------------------------


def add_org_args(p: argparse.ArgumentParser) -> None:
    p.description = (
        "Add an organization. With --domain, senders from that mail domain who are not "
        "contacts yet become its contacts when their first mail arrives."
    )
    p.add_argument("name", metavar="NAME")
    p.add_argument("--domain", metavar="D", help="mail domain, e.g. kunde.example")
    p.add_argument(
        "--contract",
        metavar="C",
        help=", ".join(c.value for c in ContractLevel if c is not ContractLevel.NONE),
    )


@admin_errors
def add_org(args: argparse.Namespace) -> int:
    contract = (
        parse_enum(ContractLevel, args.contract, "contract")
        if args.contract
        else ContractLevel.NONE
    )
    with open_store(args) as store:
        admin.add_organization(store, args.name, args.domain, contract)
    domain = f" for mail from @{args.domain.strip().lower().lstrip('@')}" if args.domain else ""
    print(f"organization {args.name.strip()!r} added{domain}")
    return 0


def list_orgs(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        orgs = admin.list_organizations(store)
    if args.json:
        print_json([o.__dict__ for o in orgs])
        return 0
    if not orgs:
        print("no organizations yet: desk-gui org add NAME --domain D")
        return 0
    rows = [[o.name, o.domain or "-", o.contract.value, f"{o.contacts:,}"] for o in orgs]
    print_table(["NAME", "DOMAIN", "CONTRACT", "CONTACTS"], rows, flex=0)
    return 0


COMMANDS = (
    ("rule add", add_rule_args, add_rule, "add an intake rule (keyword/sender/mailbox -> "
     "group/priority/tags)"),
    ("rule list", add_json_arg, list_rules, "intake rules in the order they are checked"),
    ("rule remove", add_rule_name_args, remove_rule, "remove an intake rule"),
    ("spam block", add_entry_args, block, "file mail from an address or @domain as spam"),
    ("spam unblock", add_entry_args, unblock, "take an address or @domain off the block list"),
    ("spam list", add_spam_list_args, list_spam, "the block list (--filed: mails filed as spam)"),
    ("spam recover", add_recover_args, recover, "turn a mail filed as spam into a ticket", True),
    ("org add", add_org_args, add_org, "add an organization, optionally with its mail domain"),
    ("org list", add_json_arg, list_orgs, "organizations with domain, contract and contacts"),
)  # fmt: skip
