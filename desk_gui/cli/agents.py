"""`desk-gui agent notify LOGIN --mail on|off`: notifications by mail for one agent.

In the app every agent sees their notifications; with --mail on, each new one is also
mailed to the agent's address by the outbox (`desk-gui sync --once` sends it).
"""

from __future__ import annotations

import argparse

from desk_gui.sync.mail_out.notify_mail import set_mail_opt_in

from .common import CliError, find_agent, open_store


def add_notify_args(p: argparse.ArgumentParser) -> None:
    p.description = __doc__
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


COMMANDS = (("agent notify", add_notify_args, set_notify, "notify an agent by mail too (on|off)"),)
