"""A throwaway PostgreSQL server for the test session: ``initdb`` and ``pg_ctl`` in a temporary directory.

As root the server runs as the ``postgres`` user (initdb refuses root). It listens on
127.0.0.1 at a free port and on a unix socket inside its own directory, trusts local
connections, and is removed with its directory by :meth:`PgServer.stop`.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


class PgServerError(RuntimeError):
    """The throwaway server could not be started (no binaries, initdb or pg_ctl failed)."""


def _tool(name: str) -> str | None:
    """``name`` on PATH, else in Debian's versioned ``/usr/lib/postgresql/N/bin`` (newest first)."""
    found = shutil.which(name)
    if found:
        return found
    for bindir in sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: p.parent.name, reverse=True):
        if (bindir / name).exists():
            return str(bindir / name)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    runuser = shutil.which("runuser")
    if runuser:
        return [runuser, "-u", "postgres", "--", *cmd]
    return ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(cmd)]


class PgServer:
    """One started server; :attr:`dsn` connects to its ``postgres`` database as ``postgres``."""

    def __init__(self) -> None:
        self.tools = {tool: _tool(tool) for tool in ("initdb", "pg_ctl")}
        for tool, path in self.tools.items():
            if path is None:
                raise PgServerError(f"{tool} is not on PATH (PostgreSQL 15 binaries are needed)")
        self.root = Path(tempfile.mkdtemp(prefix="triage-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self._run([self.tools["initdb"], "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                   "--no-sync"], "initdb")
        opts = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c fsync=off"
        self._run([self.tools["pg_ctl"], "-D", str(self.data), "-l", str(self.root / "log"), "-o", opts, "-w", "-t", "60",
                   "start"], "pg_ctl start")
        self.dsn = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, cmd: list[str], what: str) -> None:
        done = subprocess.run(_as_server_user(cmd), capture_output=True, text=True, cwd=self.root)
        if done.returncode != 0:
            log = (self.root / "log").read_text(errors="replace") if (self.root / "log").exists() else ""
            shutil.rmtree(self.root, ignore_errors=True)
            raise PgServerError(f"{what} failed ({done.returncode}): {done.stderr.strip()} {log[-500:]}")

    def stop(self) -> None:
        """Stop the server and delete its directory."""
        subprocess.run(_as_server_user([self.tools["pg_ctl"], "-D", str(self.data), "-m", "immediate", "-w", "stop"]),
                       capture_output=True, cwd=self.root)
        shutil.rmtree(self.root, ignore_errors=True)
