"""`desk-gui`: no subcommand starts the app; subcommands serve admins and scripts.

A table maps each subcommand to the function adding its options and its handler.
`main` only parses, dispatches and turns every expected failure into one line on
stderr with exit code 1 (2 for usage errors, like argparse), never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from alembic.util import CommandError as MigrationError
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

from desk_gui.models.commands import CommandError
from desk_gui.models.store import StoreError

from . import (
    absence,
    agents,
    calendars,
    mail,
    reply,
    rules,
    setup,
    sla,
    tickets_read,
    tickets_write,
    triggers,
)
from .common import ENV_DB, CliError, UsageError, display_url, store_url

PROG = "desk-gui"
Handler = Callable[[argparse.Namespace], int]


@dataclass(frozen=True)
class Sub:
    name: str  # "init" or "ticket list": nested subcommands are space-separated
    add_args: Callable[[argparse.ArgumentParser], None]
    handler: Handler
    help: str
    writes: bool = False  # takes --as: changes go into the history under that agent


SUBCOMMANDS = (
    Sub("init", setup.add_init_args, setup.init_store,
        "create or upgrade the store's schema; --demo adds demo data"),
    Sub("ticket list", tickets_read.add_list_args, tickets_read.list_tickets, "list tickets"),
    Sub("ticket show", tickets_read.add_show_args, tickets_read.show_ticket, "show one ticket"),
    Sub("ticket create", tickets_write.add_create_args, tickets_write.create_ticket,
        "create a ticket; prints its number", writes=True),
    Sub("ticket set", tickets_write.add_set_args, tickets_write.set_ticket,
        "change a ticket; all changes apply together or not at all", writes=True),
    Sub("ticket note", tickets_write.add_note_args, tickets_write.add_note,
        "add an internal note", writes=True),
    Sub("ticket call", tickets_write.add_call_args, tickets_write.log_call,
        "log a phone call", writes=True),
    *(Sub(*spec) for spec in (*mail.COMMANDS, *rules.COMMANDS)),
    *(Sub(*spec) for spec in reply.COMMANDS),
    *(Sub(*spec) for m in (calendars, sla, absence, triggers, agents) for spec in m.COMMANDS),
)  # fmt: skip


def _common(writes: bool) -> argparse.ArgumentParser:
    # SUPPRESS: a subcommand's --db must not overwrite one given before the subcommand.
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--db", metavar="URL", default=argparse.SUPPRESS,
                   help=f"sqlite:///PATH or postgresql+psycopg://...; default ${ENV_DB}, "
                   "else the embedded store in the user data directory")  # fmt: skip
    if writes:
        p.add_argument("--as", dest="actor", metavar="LOGIN", default=None,
                       help="act as this agent (default: cli:<your OS user>)")  # fmt: skip
    return p


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, parents=[_common(False)], description="Desk service desk. "
        "Without a subcommand: start the desktop app.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="all commands:\n" + "\n".join(f"  {s.name:<17} {s.help}" for s in SUBCOMMANDS)
        + f"\n\n'{PROG} COMMAND --help' shows a command's options.")  # fmt: skip
    parser.add_argument(
        "--demo",
        dest="app_demo",
        action="store_true",
        help="start the app with demo data (filled in when the store is empty)",
    )
    parser.set_defaults(handler=setup.start_gui)
    groups: dict[str, argparse._SubParsersAction[argparse.ArgumentParser]] = {
        "": parser.add_subparsers(title="commands", metavar="COMMAND")
    }
    for sub in SUBCOMMANDS:
        *path, leaf = sub.name.split()
        prefix = ""
        for part in path:  # "ticket" gets its own level of subcommands
            if f"{prefix}{part}" not in groups:
                mid = groups[prefix].add_parser(part, help=f"{part} commands")
                mid.set_defaults(handler=_needs_subcommand(mid))
                groups[f"{prefix}{part}"] = mid.add_subparsers(title="commands", metavar="COMMAND")
            prefix = f"{prefix}{part}"
        p = groups[prefix].add_parser(leaf, parents=[_common(sub.writes)], help=sub.help,
                                      description=sub.help)  # fmt: skip
        sub.add_args(p)
        p.set_defaults(handler=sub.handler, command=sub.name)
    return parser


def _needs_subcommand(p: argparse.ArgumentParser) -> Handler:
    def handler(_args: argparse.Namespace) -> int:
        p.print_usage(sys.stderr)
        raise UsageError(f"'{p.prog}' needs a subcommand")

    return handler


def _tag_values(argv: list[str]) -> list[str]:
    """Glue `--tag -y` into `--tag=-y`: argparse would take '-y' for an option."""
    out: list[str] = []
    for arg in argv:
        if out and out[-1] == "--tag" and arg.startswith("-") and not arg.startswith("--"):
            out[-1] = f"--tag={arg}"
        else:
            out.append(arg)
    return out


def describe(error: BaseException, url: str | None) -> str:
    if isinstance(error, CommandError | StoreError | CliError):
        return str(error)
    where = f" {display_url(url)}" if url else ""
    if isinstance(error, DBAPIError):
        first = (str(error.orig).strip().splitlines() or [type(error.orig).__name__])[0]
        return f"database{where}: {first}"
    if isinstance(error, ArgumentError):
        return f"bad database URL{where}: {error}"
    if isinstance(error, SQLAlchemyError | MigrationError):
        return f"database{where}: {str(error).splitlines()[0]}"
    if isinstance(error, OSError):
        return str(error)
    return f"internal error: {type(error).__name__}: {error} (set DESK_DEBUG=1 for details)"


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(list(sys.argv[1:] if argv is None else argv))
    except BrokenPipeError:
        _silence_stdout()  # `desk-gui ticket list | head`: the reader left, that is fine
        return 1


def _main(argv: list[str]) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(_tag_values(argv))
    except SystemExit as e:  # usage error (2) or --help (0): argparse already printed
        return int(e.code or 0)
    if args.app_demo and getattr(args, "command", None):
        return _fail("--demo starts the app; for a store with demo data use 'init --demo'", 2)
    try:
        handler: Handler = args.handler
        return handler(args)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except BrokenPipeError:
        raise
    except UsageError as e:
        return _fail(str(e), 2, prog=f"{PROG} {getattr(args, 'command', '')}".strip())
    except Exception as e:
        if os.environ.get("DESK_DEBUG"):
            raise
        return _fail(describe(e, _url_of(args)), 1)


def _url_of(args: argparse.Namespace) -> str | None:
    try:
        return store_url(args)
    except Exception:  # the URL itself was the problem: describe() says so already
        return None


def _fail(message: str, code: int, prog: str = PROG) -> int:
    print(f"{prog}: error: {message}", file=sys.stderr)
    return code


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
