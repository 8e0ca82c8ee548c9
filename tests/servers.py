"""Throwaway servers for the test session: a private PostgreSQL cluster on loopback.

Runs as the `postgres` account when we are root (PostgreSQL refuses to run as root).
When the server binaries are missing the tests that need them are skipped with the
reason; CI installs them and fails on any such skip.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PG_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def find_pg_bin() -> Path | None:
    for d in PG_BIN_DIRS:
        if (d / "initdb").exists() and (d / "pg_ctl").exists():
            return d
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_owner(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def cpu_seconds(pid: int) -> float:
    """A process's CPU seconds so far (utime + stime from /proc), 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class PostgresCluster:
    bindir: Path
    root: Path
    port: int

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{dbname}"

    def start(self) -> None:
        if os.geteuid() == 0:
            # Every parent of the data directory must be reachable by postgres.
            self.root.chmod(0o755)
            shutil.chown(self.root, "postgres", "postgres")
        subprocess.run(
            _as_owner(
                [
                    str(self.bindir / "initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            check=True,
            capture_output=True,
            cwd="/",
        )
        opts = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            " -c max_connections=200"
        )
        subprocess.run(
            _as_owner(
                [
                    str(self.bindir / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.root / "pg.log"),
                    "-w",
                    "-o",
                    opts,
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
            cwd="/",
        )

    def stop(self) -> None:
        subprocess.run(
            _as_owner(
                [str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]
            ),
            capture_output=True,
            cwd="/",
        )
        shutil.rmtree(self.root, ignore_errors=True)

    def cpu_seconds(self) -> float:
        """CPU seconds of the cluster's processes so far (the postmaster and its
        children: backends, checkpointer, WAL writer...), for benchmarks that share
        the cores with the server. A backend that exits takes its seconds with it."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        total = cpu_seconds(postmaster)
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if parent == postmaster:
                total += cpu_seconds(int(stat.parent.name))
        return total

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def start_postgres() -> PostgresCluster | str:
    """A running cluster, or the reason why none can be started."""
    bindir = find_pg_bin()
    if bindir is None:
        return "PostgreSQL server binaries not found (apt-get install postgresql)"
    root = Path(tempfile.mkdtemp(prefix="desk-pg-"))
    cluster = PostgresCluster(bindir, root, free_port())
    cluster.start()
    return cluster


DOVECOT_CONF = """\
instance_name = desk-test-{port}
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/lib
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal_user}
default_login_user = {login_user}
default_internal_group = {internal_group}
first_valid_uid = 1
mail_location = maildir:~/Maildir
mail_fsync = never
# Any user name logs in with the one test password and gets a mailbox of its own, so
# every test can take a fresh account without touching the server's configuration.
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_group} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  {chroot}
}}
service anvil {{
  {chroot}
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \\Sent
    auto = subscribe
  }}
}}
"""


@dataclass
class Dovecot:
    """A private Dovecot IMAP server on loopback; any user name is a fresh account."""

    root: Path
    port: int
    binary: str

    password: str = "secret"

    def stop(self) -> None:
        pid_file = self.root / "run" / "master.pid"
        if pid_file.exists():
            subprocess.run(["kill", pid_file.read_text().strip()], capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)


def start_dovecot() -> Dovecot | str:
    binary = shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
    )
    if binary is None:
        return "Dovecot not found (apt-get install dovecot-imapd)"
    root = Path(tempfile.mkdtemp(prefix="desk-imap-"))
    root.chmod(0o755)
    for sub in ("run", "lib", "mail"):
        (root / sub).mkdir()
    port = free_port()
    if os.geteuid() == 0:
        values = {
            "internal_user": "dovecot",
            "login_user": "dovenull",
            "internal_group": "dovecot",
            "mail_user": "nobody",
            "mail_group": "nogroup",
            "chroot": "",
        }
        shutil.chown(root / "mail", "nobody", "nogroup")
    else:
        import grp
        import pwd

        me = pwd.getpwuid(os.getuid()).pw_name
        group = grp.getgrgid(os.getgid()).gr_name
        values = {
            "internal_user": me,
            "login_user": me,
            "internal_group": group,
            "mail_user": me,
            "mail_group": group,
            "chroot": "chroot =",
        }
    conf = root / "dovecot.conf"
    conf.write_text(DOVECOT_CONF.format(root=root, port=port, password="secret", **values))
    # The daemon keeps inherited pipes open: give it files, or run() waits forever.
    with (root / "start.log").open("wb") as out:
        subprocess.run(
            [binary, "-c", str(conf)], check=True, stdout=out, stderr=out, stdin=subprocess.DEVNULL
        )
    for _ in range(100):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    return Dovecot(root, port, binary)
