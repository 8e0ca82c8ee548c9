"""`desk-gui agent ...`: the agents, and what each one gets from Desk.

- `agent list`: every agent with role, state, language and notification by mail;
- `agent set LOGIN --language de|en`: the language of the mails Desk writes the agent
  (notifications); agents start with German;
- `agent notify LOGIN --mail on|off`: in the app every agent sees their notifications;
  with --mail on, each new one is also mailed to the agent's address by the outbox
  (`desk-gui sync --once` sends it).
"""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy import select

from desk_gui.models import Agent
from desk_gui.models.i18n import LANGUAGES, known_language
from desk_gui.sync.mail_out.notify_mail import opted_in_agents, set_mail_language, set_mail_opt_in

from .common import CliError, find_agent, open_store
from .output import print_json, print_table


def add_list_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print JSON")


def list_agents(args: argparse.Namespace) -> int:
    with open_store(args) as store, store.read() as session:
        mailed = opted_in_agents(session)
        out: list[dict[str, Any]] = [
            {"id": a.id, "login": a.login, "name": a.name, "email": a.email, "role": a.role,
             "active": a.active, "language": a.language, "notify_mail": a.id in mailed}
            for a in session.scalars(select(Agent).order_by(Agent.login))
        ]  # fmt: skip
    if args.json:
        print_json(out)
        return 0
    rows = [
        [a["login"], a["name"], a["email"] or "-", a["role"].value,
         "active" if a["active"] else "inactive", a["language"],
         "on" if a["notify_mail"] else "off"]
        for a in out
    ]  # fmt: skip
    print_table(["LOGIN", "NAME", "EMAIL", "ROLE", "STATE", "LANGUAGE", "MAIL"], rows, flex=1)
    return 0


def add_set_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("login", metavar="LOGIN")
    p.add_argument(
        "--language",
        required=True,
        metavar="LANG",
        help=f"language of the mails Desk writes the agent: {', '.join(LANGUAGES)}",
    )


def set_agent(args: argparse.Namespace) -> int:
    # Checked before the store opens: a typo changes nothing and names the choices.
    language = known_language(args.language)
    if language is None:
        raise CliError(
            f"unknown language {args.language!r}: Desk writes in {' or '.join(LANGUAGES)}"
        )
    with open_store(args) as store:
        hlc = store.clock.now  # its first use writes in a transaction of its own
        with store.write() as session:
            agent = find_agent(session, args.login)
            set_mail_language(agent, language, hlc)
            login = agent.login
    print(f"{login}: language {language}")
    return 0


def add_notify_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("login", metavar="LOGIN")
    p.add_argument("--mail", required=True, choices=("on", "off"), help="notify by mail too")


def set_notify(args: argparse.Namespace) -> int:
    on = args.mail == "on"
    with open_store(args) as store, store.write() as session:
        agent = find_agent(session, args.login)
        if on and not agent.email:
            raise CliError(f"agent {agent.login!r} has no email address")
        set_mail_opt_in(session, agent.id, on)
        login = agent.login
    print(f"{login}: notifications by mail {'on' if on else 'off'}")
    return 0


COMMANDS = (
    ("agent list", add_list_args, list_agents, "list agents (language, mail notifications)"),
    ("agent set", add_set_args, set_agent, "change an agent's settings (--language de|en)"),
    ("agent notify", add_notify_args, set_notify, "notify an agent by mail too (on|off)"),
)
