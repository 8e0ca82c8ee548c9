"""The no-Qt admin functions behind `desk-gui mailbox/rule/spam/org` and the settings dialog."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import func, select

from desk_gui.models import Group, InboundMail, InboundState, Mailbox, Ticket
from desk_gui.models.commands import Actor
from desk_gui.models.mailbox import MailboxState, Security
from desk_gui.models.store import Store
from desk_gui.sync.mail_in import admin
from desk_gui.sync.mail_in.engine import MailboxReport, MailEngine
from desk_gui.sync.mail_in.ingest import Outcome
from desk_gui.sync.secrets import SecretError, mailbox_account

from .conftest import ImapAccount, MemorySecrets
from .test_ingest_dovecot import mail


def settings(account: ImapAccount, name: str = "support", **extra: object) -> admin.MailboxSettings:
    values: dict[str, object] = {
        "name": name,
        "imap_host": "127.0.0.1",
        "user": account.user,
        "imap_port": account.server.port,
        "security": Security.NONE,
    }
    return admin.MailboxSettings(**{**values, **extra})  # type: ignore[arg-type]


class RefusingSecrets(MemorySecrets):
    """A keyring that looks usable but refuses to store (locked, D-Bus gone)."""

    def set(self, account: str, secret: str) -> None:
        raise SecretError("the keyring is locked")


class InsecureSecrets(MemorySecrets):
    @property
    def secure(self) -> bool:
        return False


def mailboxes(store: Store) -> list[str]:
    with store.read() as s:
        return list(s.scalars(select(Mailbox.name)))


# --- mailboxes -------------------------------------------------------------------------------


def test_add_stores_password_only_in_secrets_and_refuses_without_keyring(
    store: Store, imap_account: ImapAccount, secrets: MemorySecrets
) -> None:
    with pytest.raises(admin.NoSecureKeyring, match="DESK_SECRET_MAILBOX_SUPPORT_IMAP"):
        admin.add_mailbox(store, InsecureSecrets(), settings(imap_account), "secret")
    with pytest.raises(admin.NoSecureKeyring):
        admin.add_mailbox(store, RefusingSecrets(), settings(imap_account), "secret")
    assert mailboxes(store) == []  # the refused keyring rolled the row back

    added = admin.add_mailbox(store, secrets, settings(imap_account), imap_account.password)
    assert not added.reattached and added.env_var is None
    assert secrets.get(mailbox_account("support", "imap")) == imap_account.password
    with pytest.raises(admin.AdminError, match="exists already"):
        admin.add_mailbox(store, secrets, settings(imap_account), "x")
    with pytest.raises(admin.AdminError, match="no group 'Nope'"):
        admin.add_mailbox(store, secrets, settings(imap_account, "b", group="Nope"), "x")
    with pytest.raises(admin.AdminError, match="not a port"):
        admin.add_mailbox(store, secrets, settings(imap_account, "c", imap_port=70000), "x")

    opted = admin.add_mailbox(
        store, InsecureSecrets(), settings(imap_account, "headless"), None, env_secret=True
    )
    assert opted.env_var == "DESK_SECRET_MAILBOX_HEADLESS_IMAP"
    assert sorted(mailboxes(store)) == ["headless", "support"]


def test_remove_deletes_or_detaches_and_readd_reattaches(
    store: Store, imap_account: ImapAccount, secrets: MemorySecrets
) -> None:
    account = mailbox_account("support", "imap")
    first = admin.add_mailbox(store, secrets, settings(imap_account), imap_account.password)
    assert admin.remove_mailbox(store, secrets, "support") == admin.Removed(False, 0)
    assert mailboxes(store) == [] and secrets.get(account) is None

    added = admin.add_mailbox(store, secrets, settings(imap_account), imap_account.password)
    assert added.mailbox_id != first.mailbox_id
    imap_account.append(mail("Tastatur kaputt", "Taste E fehlt")[0])
    [report] = MailEngine(store, secrets).run_once()
    assert report.ok, report.error
    with pytest.raises(admin.AdminError, match="1 mail"):
        admin.remove_mailbox(store, secrets, "support")
    assert admin.remove_mailbox(store, secrets, "support", force=True) == admin.Removed(True, 1)
    assert secrets.get(account) is None
    assert admin.list_mailboxes(store, secrets) == []
    with pytest.raises(admin.AdminError, match="no mailbox 'support'"):
        admin.remove_mailbox(store, secrets, "support", force=True)

    # Re-attached with its ledger, even when the cursor is lost: nothing is ticketed twice.
    again = admin.add_mailbox(store, secrets, settings(imap_account), imap_account.password)
    assert (again.mailbox_id, again.reattached, again.ingested) == (added.mailbox_id, True, 1)
    with store.write() as s:
        state = s.get(MailboxState, added.mailbox_id)
        assert state is not None
        assert state.highest_modseq is None  # re-attaching forgets it: the pass searches
        state.last_uid = 0
    [report] = MailEngine(store, secrets).run_once()
    assert report.ok and [o.state for o in report.outcomes] == [None]
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Ticket)) == 1


def test_remove_with_sending_settings_and_templates(
    sqlite_store: Store, imap_account: ImapAccount, secrets: MemorySecrets
) -> None:
    from desk_gui.models.outbound import MailboxOutbound
    from desk_gui.models.template import Template

    store = sqlite_store
    added = admin.add_mailbox(store, secrets, settings(imap_account), imap_account.password)
    with pytest.raises(admin.AdminError, match="exists already"):
        admin.add_mailbox(store, secrets, settings(imap_account, "Support"), "x")
    with store.write() as s:  # what `desk-gui mailbox set` stores: deleted with the mailbox
        s.add(MailboxOutbound(mailbox_id=added.mailbox_id, append_sent=True, ack_per_hour=3))
    secrets.set(mailbox_account("support", "smtp"), "smtp-secret")
    assert admin.remove_mailbox(store, secrets, "SUPPORT") == admin.Removed(False, 0)
    assert mailboxes(store) == [] and secrets.values == {}

    added = admin.add_mailbox(store, secrets, settings(imap_account), imap_account.password)
    with store.write() as s:
        s.get(Mailbox, added.mailbox_id).smtp_host = "smtp.example"  # type: ignore[union-attr]
        s.add(Template(name="ack", language="de", mailbox_id=added.mailbox_id, body_html="x"))
    secrets.set(mailbox_account("support", "smtp"), "smtp-secret")
    with pytest.raises(admin.AdminError, match="still used by outgoing mail or templates"):
        admin.remove_mailbox(store, secrets, "support")
    assert admin.remove_mailbox(store, secrets, "support", force=True) == admin.Removed(True, 0)
    with store.read() as s:
        box = s.get(Mailbox, added.mailbox_id)
        assert box is not None and box.imap_host is None and box.smtp_host is None
    assert secrets.values == {}


def test_list_reports_state_and_password_source(
    store: Store,
    imap_account: ImapAccount,
    secrets: MemorySecrets,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with store.write() as s:
        s.add(Group(name="Support"))
    admin.add_mailbox(
        store, secrets, settings(imap_account, group="support"), imap_account.password
    )
    imap_account.append(
        mail("Frage", "Wie geht das?")[0], mail("Gewinn", "Klick", X_Spam_Flag="YES")[0]
    )
    assert admin.pending(store, secrets) == {"support": 2}
    MailEngine(store, secrets).run_once()
    assert admin.pending(store, secrets) == {"support": 0}
    [info] = admin.list_mailboxes(store, secrets)
    assert (info.group, info.ingested, info.spam, info.password) == ("Support", 2, 1, "keyring")
    assert info.last_success_at is not None and info.last_error is None
    secrets.delete(mailbox_account("support", "imap"))
    assert admin.list_mailboxes(store, secrets)[0].password == "missing"
    monkeypatch.setenv("DESK_SECRET_MAILBOX_SUPPORT_IMAP", "x")
    assert admin.list_mailboxes(store, secrets)[0].password == "environment"


def test_pending_is_unknown_where_login_fails(
    sqlite_store: Store, imap_account: ImapAccount, secrets: MemorySecrets
) -> None:
    admin.add_mailbox(sqlite_store, secrets, settings(imap_account), "wrong")
    imap_account.append(mail("Frage", "Text")[0])
    [report] = MailEngine(sqlite_store, secrets).run_once()
    assert not report.ok
    # Not asked again (a second failed login per pass only risks a lockout) until a pass
    # succeeds; a mailbox without a password is not asked either.
    assert admin.pending(sqlite_store, secrets) == {"support": None}
    secrets.set(mailbox_account("support", "imap"), imap_account.password)
    assert admin.pending(sqlite_store, secrets) == {"support": None}
    [report] = MailEngine(sqlite_store, secrets).run_once()
    assert report.ok and admin.pending(sqlite_store, secrets) == {"support": 0}
    secrets.delete(mailbox_account("support", "imap"))
    assert admin.pending(sqlite_store, secrets) == {"support": None}


def test_parse_processes_only_for_big_imports() -> None:
    assert admin.parse_processes_for({"a": 1500, "b": 500, "c": None}) == 0
    expected = 2 if (os.cpu_count() or 1) >= 2 else 0
    assert admin.parse_processes_for({"a": 1500, "b": 501}) == expected


def test_explain_turns_failures_into_one_actionable_line() -> None:
    box = Mailbox(name="support", imap_host="mail.example", imap_port=None,
                  imap_security=Security.SSL, imap_user="u@example", folder="INBOX")  # fmt: skip
    cases = {
        "LoginError: b'[AUTHENTICATIONFAILED] Authentication failed.'": (
            "authentication failed for u@example at mail.example:993 "
            "(server: [AUTHENTICATIONFAILED] Authentication failed.)"
        ),
        "ConnectionRefusedError: [Errno 111] Connection refused": "connection refused by "
        "mail.example:993 (is the host and port right, is it running?)",
        "gaierror: [Errno -2] Name or service not known": "host 'mail.example' not found "
        "([Errno -2] Name or service not known)",
        "TimeoutError: timed out": "no answer from mail.example:993 (timed out)",
        "error: select failed: Mailbox doesn't exist: INBOX": "folder 'INBOX' not found on "
        "the server (select failed: Mailbox doesn't exist: INBOX)",
        "MailboxConfigError: no IMAP password stored for mailbox 'support'": "no IMAP password "
        "stored for mailbox 'support': give it with 'desk-gui mailbox password support' or "
        "set DESK_SECRET_MAILBOX_SUPPORT_IMAP",
        "RuntimeError: odd": "mail.example:993: RuntimeError: odd",
    }
    for text, expected in cases.items():
        assert str(admin.explain(box, text)) == expected
    assert str(admin.explain(box, ConnectionRefusedError(111, "Connection refused"))).startswith(
        "connection refused by mail.example:993"
    )
    ssl_text = "SSLError: [SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)"
    assert str(admin.explain(box, ssl_text)).startswith("TLS error with mail.example:993 ([SSL: ")


def test_summarize_counts_a_pass(sqlite_store: Store) -> None:
    tid = uuid.uuid4()
    outcomes = (
        Outcome(1, InboundState.TICKETED, tid, "new ticket"),
        Outcome(2, InboundState.TICKETED, tid, "In-Reply-To <a@b>"),
        Outcome(3, InboundState.LOOP, tid, "new ticket; forwarded by x@y"),
        Outcome(4, InboundState.PARSE_ERROR, tid, "subject token [#10001]"),
        Outcome(5, InboundState.SPAM, None, "X-Spam-Flag: YES"),
        Outcome(6, None, None, "already ingested"),
    )
    assert admin.summarize(sqlite_store, MailboxReport("support", outcomes)) == admin.PassSummary(
        "support", ingested=5, created=2, threaded=2, spam=1, parse_errors=1, loops=1, skipped=1
    )
    busy = admin.summarize(sqlite_store, MailboxReport("x", error="LeaseLost: held by b"))
    assert busy.busy and busy.error == "held by b"


# --- rules, block list, spam recovery, organizations --------------------------------------


def test_rule_positions(sqlite_store: Store) -> None:
    with sqlite_store.write() as s:
        s.add(Group(name="Billing"))
    add = admin.add_rule
    assert add(sqlite_store, admin.RuleSpec("a", keyword="x", tags=("A",))) == 1
    assert add(sqlite_store, admin.RuleSpec("b", sender="@B.example", group="billing")) == 2
    assert add(sqlite_store, admin.RuleSpec("c", keyword="y", tags=("c",), position=1)) == 1
    assert add(sqlite_store, admin.RuleSpec("d", keyword="z", tags=("d",), position=9)) == 4
    rules = admin.list_rules(sqlite_store)
    assert [(r.position, r.name) for r in rules] == [(1, "c"), (2, "a"), (3, "b"), (4, "d")]
    assert rules[2].conditions == {"sender": "@b.example"}
    assert rules[2].actions == {"group": "Billing"}
    admin.remove_rule(sqlite_store, "a")
    assert [(r.position, r.name) for r in admin.list_rules(sqlite_store)] == [
        (1, "c"), (2, "b"), (3, "d"),
    ]  # fmt: skip
    for spec, error in [
        (admin.RuleSpec("e", tags=("x",)), "needs a condition"),
        (admin.RuleSpec("e", keyword="x"), "needs an action"),
        (admin.RuleSpec("e", keyword="x", tags=("a,b",)), "not a valid tag"),
        (admin.RuleSpec("e", keyword="x", mailbox="nope", tags=("x",)), "no mailbox"),
        (admin.RuleSpec("e", keyword="x", tags=("x",), position=0), "start at 1"),
    ]:
        with pytest.raises(admin.AdminError, match=error):
            add(sqlite_store, spec)


def test_block_entries() -> None:
    assert admin.block_entry(" Max@Spam.Example ") == ("max@spam.example", "sender")
    assert admin.block_entry("@Spam.Example") == ("spam.example", "domain")
    for bad in ("spam.example", "@nodot", "a b@c.d", "@", "max@"):
        with pytest.raises(admin.AdminError):
            admin.block_entry(bad)


def test_recover_a_spam_reply_joins_its_thread(
    store: Store, imap_account: ImapAccount, secrets: MemorySecrets
) -> None:
    admin.add_mailbox(store, secrets, settings(imap_account), imap_account.password)
    first, first_id = mail("Drucker druckt nicht", "Kein Ausdruck")
    imap_account.append(first)
    MailEngine(store, secrets).run_once()
    admin.block(store, "@kunde.example")
    reply, _ = mail("AW: Drucker druckt nicht", "Immer noch nicht", In_Reply_To=first_id)
    imap_account.append(reply)
    [report] = MailEngine(store, secrets).run_once()
    assert [o.state for o in report.outcomes] == [InboundState.SPAM]
    [filed] = admin.filed_spam(store)
    assert filed.subject == "AW: Drucker druckt nicht" and filed.mailbox == "support"

    done = admin.recover_spam(store, str(filed.id), Actor("test"))
    assert not done.new_ticket and done.still_blocked == "kunde.example"
    assert done.detail.startswith("In-Reply-To")
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Ticket)) == 1
        ledger = s.get(InboundMail, filed.id)
        assert ledger is not None and ledger.state is InboundState.TICKETED
        assert ledger.ticket_id == done.ticket_id and ledger.message_uuid is not None
        assert ledger.detail == "recovered from spam (sender blocked (kunde.example))"
    with pytest.raises(admin.AdminError, match="not filed as spam"):
        admin.recover_spam(store, str(filed.id), Actor("test"))
    with pytest.raises(admin.AdminError, match="no mail filed as spam"):
        admin.recover_spam(store, "support:99", Actor("test"))
    with pytest.raises(admin.AdminError, match="not a spam reference"):
        admin.recover_spam(store, "support:x", Actor("test"))


def test_organizations(sqlite_store: Store) -> None:
    from desk_gui.models.party import ContractLevel

    admin.add_organization(sqlite_store, "Kunde GmbH", "@KUNDE.example", ContractLevel.GOLD)
    admin.add_organization(sqlite_store, "Ohne Domain")
    with pytest.raises(admin.AdminError, match="belongs to 'Kunde GmbH'"):
        admin.add_organization(sqlite_store, "Zweite", "kunde.example")
    with pytest.raises(admin.AdminError, match="exists already"):
        admin.add_organization(sqlite_store, "Kunde GmbH")
    assert admin.list_organizations(sqlite_store) == [
        admin.OrganizationInfo("Kunde GmbH", "kunde.example", ContractLevel.GOLD, 0),
        admin.OrganizationInfo("Ohne Domain", None, ContractLevel.NONE, 0),
    ]
