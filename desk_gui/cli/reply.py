"""`desk-gui ticket reply`, `outbox list/retry/send`, `template add/list/remove` and
`mailbox set` (how a mailbox sends).

A reply is queued in one transaction (message, attachments, outbox row); it goes out
with the next `desk-gui sync --once` or `desk-gui outbox send`, never inside `reply`.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desk_gui.models import Mailbox, Message, OutboundMail, OutboundState, Template, Ticket
from desk_gui.models.commands import Actor, execute
from desk_gui.models.mailbox import Security
from desk_gui.models.outbound import MailboxOutbound
from desk_gui.models.reason import Reason
from desk_gui.models.reply_commands import RemoveTemplate, RetrySend, SaveTemplate
from desk_gui.models.store import Store
from desk_gui.models.template import TemplateKind
from desk_gui.sync.mail_out import OutgoingFile, Queued, ReplyDraft, post_note, queue_reply
from desk_gui.sync.mail_out import templates as tpl
from desk_gui.sync.mail_out.drain import drain_outbox
from desk_gui.sync.mail_out.replies import text_to_html
from desk_gui.sync.secrets import KeyringSecrets, SecretError, env_name, mailbox_account

from .common import CliError, UsageError, actor_for, find_ticket, open_store, parse_enum
from .output import print_json, print_table, when
from .tickets_read import positive_int

# --- ticket reply --------------------------------------------------------------------------


def add_reply_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("ticket", metavar="N", help="ticket number (10234, #10234) or UUID")
    p.add_argument("--body-file", metavar="F", help="the reply's text; '-' reads stdin")
    p.add_argument("--html", action="store_true", help="the body file is HTML, not plain text")
    p.add_argument("--template", metavar="NAME", help="start from this template's text")
    p.add_argument("--attach", action="append", default=[], metavar="PATH",
                   help="attach a file (repeatable)")  # fmt: skip
    p.add_argument("--to", action="append", default=[], metavar="ADDR",
                   help="recipient (repeatable; default: the customer)")  # fmt: skip
    p.add_argument("--cc", action="append", default=[], metavar="ADDR")
    p.add_argument("--bcc", action="append", default=[], metavar="ADDR")
    p.add_argument("--subject", metavar="S", help="default: Re: <ticket subject> [#N]")
    p.add_argument("--status", metavar="S", help="set this status with the reply")
    p.add_argument("--note", action="store_true",
                   help="an internal note, not a mail (@login notifies an agent)")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print JSON")


def _body(args: argparse.Namespace, session: Session, ticket: Ticket, actor: Actor) -> str:
    parts: list[str] = []
    if args.template:
        found = tpl.find_template(session, args.template, _language(ticket))
        if found is None or found.kind is not TemplateKind.TEXT:
            raise CliError(f"no template {args.template!r} (see 'desk-gui template list')")
        parts.append(found.body_html)
    if args.body_file:
        text = _read_file(args.body_file)
        parts.append(text if args.html else text_to_html(text))
    if not parts:
        raise UsageError("give --body-file F (or '-' for stdin) or --template NAME")
    return "\n".join(parts)


def _language(ticket: Ticket) -> str:
    return ticket.contact.language if ticket.contact else "de"


def _read_file(name: str) -> str:
    if name == "-":
        return sys.stdin.read()
    try:
        return Path(name).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CliError(f"{name}: not UTF-8 text") from None


def reply(args: argparse.Namespace) -> int:
    if args.note and (args.attach or args.to or args.cc or args.bcc or args.subject):
        raise UsageError("--note is internal: no recipients, subject or attachments")
    files = [Path(a) for a in args.attach]
    for f in files:
        if not f.is_file():
            raise CliError(f"--attach: no such file: {f}")
    with open_store(args) as store:
        with store.read() as session:
            ticket = find_ticket(session, args.ticket)
            actor = actor_for(session, getattr(args, "actor", None))
            body = _body(args, session, ticket, actor)
            label, ticket_id = ticket.label, ticket.id
        status = None
        if args.status:
            from desk_gui.models import Status

            status = parse_enum(Status, args.status, "status")
        if args.note:
            if status is not None:
                raise UsageError("--status goes with a reply; use 'ticket set' with a note")
            note = post_note(store, ticket_id, body, actor)
            return _print({"ticket": label, "note": note}, f"note added to {label}", args.json)
        draft = ReplyDraft(
            ticket_id=ticket_id,
            body_html=body,
            to=tuple(args.to),
            cc=tuple(args.cc),
            bcc=tuple(args.bcc),
            subject=args.subject,
            attachments=tuple(OutgoingFile(path=f) for f in files),
            status=status,
        )
        queued = queue_reply(store, draft, actor)
    assert isinstance(queued, Queued)  # no draft_opened_at: never held
    data = {
        "ticket": label,
        "message_id": queued.message_id,
        "outbox_id": queued.outbound_id,
        "message": queued.message_uuid,
    }
    human = (
        f"reply to {label} queued as {queued.message_id} (outbox {str(queued.outbound_id)[:8]}); "
        "it goes out with 'desk-gui sync --once' or 'desk-gui outbox send'"
    )
    return _print(data, human, args.json)


def _print(data: dict[str, Any], human: str, as_json: bool) -> int:
    if as_json:
        print_json(data)
    else:
        print(human)
    return 0


# --- outbox --------------------------------------------------------------------------------


def add_outbox_list_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--state", metavar="S",
                   help=", ".join(s.value for s in OutboundState) + " (default: all)")  # fmt: skip
    p.add_argument("--limit", type=positive_int, default=50, metavar="N", help="(50)")
    p.add_argument("--json", action="store_true", help="print JSON")


def list_outbox(args: argparse.Namespace) -> int:
    state = parse_enum(OutboundState, args.state, "state") if args.state else None
    with open_store(args) as store, store.read() as session:
        query = (
            select(OutboundMail, Message, Ticket, Mailbox.name)
            .join(Message, Message.id == OutboundMail.message_uuid)
            .join(Ticket, Ticket.id == OutboundMail.ticket_id)
            .join(Mailbox, Mailbox.id == OutboundMail.mailbox_id)
            .order_by(OutboundMail.created_at.desc())
            .limit(args.limit)
        )
        if state is not None:
            query = query.where(OutboundMail.state == state)
        rows = [_outbox_json(o, m, t, box) for o, m, t, box in session.execute(query)]
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("the outbox is empty")
        return 0
    table = [
        [
            str(r["id"])[:8],
            r["ticket"],
            r["kind"],
            r["state"],
            str(r["attempts"]),
            when(r["next_attempt_at"]) if r["state"] == "queued" else when(r["sent_at"]),
            ", ".join(r["to"]),
            r["reason"] or r["subject"],
        ]
        for r in rows
    ]
    print_table(["ID", "TICKET", "KIND", "STATE", "TRIES", "WHEN", "TO", "REASON / SUBJECT"],
                table, flex=7)  # fmt: skip
    return 0


def _outbox_json(o: OutboundMail, m: Message, t: Ticket, mailbox: str) -> dict[str, Any]:
    return {
        "id": o.id,
        "ticket": t.label,
        "mailbox": mailbox,
        "kind": o.kind,
        "state": o.state,
        "attempts": o.attempts,
        "reason": None if o.reason is None else str(Reason.decode(o.reason)),
        "next_attempt_at": o.next_attempt_at,
        "created_at": o.created_at,
        "sent_at": o.sent_at,
        "message_id": o.message_id_header,
        "subject": m.subject or "",
        "to": list(m.to_addrs),
        "cc": list(m.cc_addrs),
    }


def add_outbox_id_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", metavar="ID", help="the outbox id, or its first characters")


def _find_outbound(session: Session, ref: str) -> uuid.UUID:
    ref = ref.strip().lower()
    try:
        return uuid.UUID(ref)
    except ValueError:
        pass
    if len(ref) < 4 or any(c not in "0123456789abcdef-" for c in ref):
        raise CliError(f"not an outbox id: {ref!r} (see 'desk-gui outbox list')")
    ids = [i for i in session.scalars(select(OutboundMail.id)) if str(i).startswith(ref)]
    if len(ids) != 1:
        what = "no" if not ids else "more than one"
        raise CliError(f"{what} outgoing mail with id {ref!r} (see 'desk-gui outbox list')")
    return ids[0]


def retry_outbox(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        with store.read() as session:
            outbound_id = _find_outbound(session, args.id)
            actor = actor_for(session, getattr(args, "actor", None))
        execute(store, RetrySend(outbound_id=outbound_id), actor)
    print(f"outgoing mail {str(outbound_id)[:8]} queued again; it goes out with the next send")
    return 0


def add_outbox_send_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print JSON")


def send_outbox(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        report = drain_outbox(store, KeyringSecrets())
    if args.json:
        print_json({k: v for k, v in report.__dict__.items()})
    else:
        print(
            f"sent {report.sent}, retrying later {report.retrying}, failed {report.failed}, "
            f"found in Sent {report.found_in_sent}, acknowledgements queued {report.acks_queued}"
        )
    return 1 if report.failed else 0


# --- templates ------------------------------------------------------------------------------


def add_template_add_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", metavar="NAME", help="used as ::NAME in the editor")
    p.add_argument("--language", default="de", metavar="L", help="de, en ... (de)")
    p.add_argument("--subject", metavar="S")
    p.add_argument("--body-file", required=True, metavar="F", help="'-' reads stdin")
    p.add_argument("--html", action="store_true", help="the body file is HTML")
    p.add_argument("--ack", action="store_true",
                   help="the automatic acknowledgement of new tickets")  # fmt: skip
    p.add_argument("--mailbox", metavar="M", help="only for this mailbox")


def add_template(args: argparse.Namespace) -> int:
    text = _read_file(args.body_file)
    with open_store(args) as store:
        with store.read() as session:
            mailbox_id = _mailbox(session, args.mailbox).id if args.mailbox else None
            actor = actor_for(session, getattr(args, "actor", None))
        execute(
            store,
            SaveTemplate(
                template_name=args.name,
                language=args.language,
                subject=args.subject,
                body_html=text if args.html else text_to_html(text),
                kind=TemplateKind.ACK if args.ack else TemplateKind.TEXT,
                mailbox_id=mailbox_id,
            ),
            actor,
        )
    print(f"template {args.name!r} ({args.language.lower()}) saved")
    return 0


def add_template_list_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print JSON")


def list_templates(args: argparse.Namespace) -> int:
    with open_store(args) as store, store.read() as session:
        rows: list[dict[str, Any]] = [
            {
                "name": t.name,
                "language": t.language,
                "kind": t.kind,
                "mailbox": box,
                "subject": t.subject,
                "placeholders": t.placeholders,
                "body_html": t.body_html,
            }
            for t, box in session.execute(
                select(Template, Mailbox.name)
                .outerjoin(Mailbox, Mailbox.id == Template.mailbox_id)
                .order_by(Template.name, Template.language)
            )
        ]
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("no templates yet: desk-gui template add NAME --body-file F")
        return 0
    table = [
        [r["name"], r["language"], r["kind"].value, r["mailbox"] or "-",
         " ".join("{{" + p + "}}" for p in r["placeholders"]) or "-"]
        for r in rows
    ]  # fmt: skip
    print_table(["NAME", "LANG", "KIND", "MAILBOX", "PLACEHOLDERS"], table, flex=4)
    return 0


def add_template_remove_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", metavar="NAME")
    p.add_argument("--language", metavar="L", help="only this language (default: all)")


def remove_template(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        with store.read() as session:
            actor = actor_for(session, getattr(args, "actor", None))
        gone = execute(store, RemoveTemplate(template_name=args.name, language=args.language),
                       actor)  # fmt: skip
    print(f"template {args.name!r}: {gone} variant(s) removed")
    return 0


# --- mailbox set ---------------------------------------------------------------------------

SET_EPILOG = """\
The SMTP password is read from the first line of standard input and kept in the OS
keyring, never in the database. Without a secure keyring (a headless server) the command
refuses; put the password into the environment of 'desk-gui sync' as
DESK_SECRET_MAILBOX_<NAME>_SMTP instead (for mailbox 'support':
DESK_SECRET_MAILBOX_SUPPORT_SMTP)."""


def add_mailbox_set_args(p: argparse.ArgumentParser) -> None:
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.epilog = SET_EPILOG
    p.add_argument("name", metavar="NAME")
    p.add_argument("--smtp-host", metavar="H")
    p.add_argument("--smtp-port", type=positive_int, metavar="P",
                   help="default 465 for ssl, 587 for starttls, 25 for none")  # fmt: skip
    p.add_argument("--smtp-security", choices=[s.value for s in Security], metavar="S",
                   help="ssl, starttls or none")  # fmt: skip
    p.add_argument("--smtp-user", metavar="U", help="login; '' sends without login")
    p.add_argument("--smtp-password-stdin", action="store_true",
                   help="read the SMTP password from the first line of stdin")  # fmt: skip
    p.add_argument("--from", dest="from_addr", metavar="ADDR", help="the sender address")
    p.add_argument("--append-sent", choices=["yes", "no"],
                   help="file a copy of every sent mail in the Sent folder over IMAP")  # fmt: skip
    p.add_argument("--sent-folder", metavar="F", help="default: the \\Sent folder, else Sent")
    p.add_argument("--ack-per-hour", type=int, metavar="N",
                   help="acknowledgements to one sender per hour at most (3)")  # fmt: skip
    p.add_argument("--max-attachment-mb", type=positive_int, metavar="MB")
    p.add_argument("--processed-folder", metavar="F",
                   help="move ingested mail to this folder; '' keeps it where it is")  # fmt: skip


# The sending options: with none of them given, only --processed-folder is changed.
SENDING = (
    "smtp_host",
    "smtp_port",
    "smtp_security",
    "smtp_user",
    "smtp_password_stdin",
    "from_addr",
    "append_sent",
    "sent_folder",
    "ack_per_hour",
    "max_attachment_mb",
)


def _mailbox(session: Session, name: str) -> Mailbox:
    box = session.scalar(select(Mailbox).where(func.lower(Mailbox.name) == name.lower()))
    if box is None:
        names = ", ".join(session.scalars(select(Mailbox.name).order_by(Mailbox.name)))
        raise CliError(f"no mailbox {name!r} (mailboxes: {names or 'none yet'})")
    return box


def set_mailbox(args: argparse.Namespace) -> int:
    password = None
    if args.smtp_password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise UsageError("--smtp-password-stdin: standard input held no password")
    if args.from_addr is not None:
        from desk_gui.models.commands import CommandError
        from desk_gui.models.reply_commands import checked_address

        try:
            args.from_addr = checked_address("--from", args.from_addr)
        except CommandError as e:
            raise CliError(str(e)) from None
    if args.ack_per_hour is not None and args.ack_per_hour < 0:
        raise UsageError("--ack-per-hour: 0 or more")
    sending = any(getattr(args, a) not in (None, False) for a in SENDING) or (
        args.processed_folder is None
    )
    name = args.name
    with open_store(args) as store:
        if sending:
            name = _apply_settings(store, args)
        if password is not None:
            _store_password(name, password)
        if args.processed_folder is not None:
            moved_to = _set_processed(store, name, args.processed_folder)
    if sending:
        print(f"mailbox {name!r}: sending settings saved")
    if args.processed_folder is not None:
        where = f"moved to {moved_to}" if moved_to else "kept where it is"
        print(f"mailbox {name!r}: ingested mail is {where}")
    return 0


def _set_processed(store: Store, name: str, folder: str) -> str | None:
    from desk_gui.sync.mail_in import admin

    try:
        return admin.set_processed_folder(store, name, folder)
    except admin.AdminError as e:
        raise CliError(str(e)) from None


def _apply_settings(store: Store, args: argparse.Namespace) -> str:
    with store.write() as session:
        box = _mailbox(session, args.name)
        for attr, value in (
            ("smtp_host", args.smtp_host),
            ("smtp_port", args.smtp_port),
            ("smtp_security", Security(args.smtp_security) if args.smtp_security else None),
            ("from_addr", args.from_addr),
        ):
            if value is not None:
                setattr(box, attr, value)
        if args.smtp_user is not None:
            box.smtp_user = args.smtp_user or None
        if args.max_attachment_mb is not None:
            box.max_attachment_bytes = args.max_attachment_mb * 1024 * 1024
        settings = session.get(MailboxOutbound, box.id)
        if settings is None:
            settings = MailboxOutbound(mailbox_id=box.id, append_sent=False, ack_per_hour=3)
            session.add(settings)
        if args.append_sent is not None:
            settings.append_sent = args.append_sent == "yes"
        if args.sent_folder is not None:
            settings.sent_folder = args.sent_folder or None
        if args.ack_per_hour is not None:
            settings.ack_per_hour = args.ack_per_hour
        if settings.append_sent and not box.imap_host:
            raise CliError("--append-sent needs the mailbox's IMAP settings (mailbox add)")
        return box.name


def _store_password(name: str, password: str) -> None:
    try:
        KeyringSecrets().set(mailbox_account(name, "smtp"), password)
    except SecretError:
        var = env_name(mailbox_account(name, "smtp"))
        raise CliError(
            f"no secure keyring to keep the SMTP password; the other settings are saved. "
            f"Put the password into the environment of 'desk-gui sync' as {var}"
        ) from None


COMMANDS = (
    ("ticket reply", add_reply_args, reply,
     "answer the customer by mail (queued; --note: internal note)", True),
    ("outbox list", add_outbox_list_args, list_outbox,
     "outgoing mail: queued, sending, sent, failed with the reason"),
    ("outbox retry", add_outbox_id_args, retry_outbox, "send a failed mail again", True),
    ("outbox send", add_outbox_send_args, send_outbox, "send all due mail now"),
    ("template add", add_template_add_args, add_template,
     "add or replace a mail template (placeholders like {{contact.first_name}})", True),
    ("template list", add_template_list_args, list_templates, "list mail templates"),
    ("template remove", add_template_remove_args, remove_template, "remove a template", True),
    ("mailbox set", add_mailbox_set_args, set_mailbox,
     "how a mailbox sends: SMTP server, login, sender address, Sent copies"),
)  # fmt: skip
