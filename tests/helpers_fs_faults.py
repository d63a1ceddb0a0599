"""Storage faults for the reliability tests, set up inside a private mount namespace.

    unshare --mount python tests/helpers_fs_faults.py readonly --db DB --change ID
    unshare --mount python tests/helpers_fs_faults.py full --db DB --change ID --dir D
    unshare --mount python tests/helpers_fs_faults.py secret --repo REPO --dir D

Run under ``unshare --mount`` (root), so the mounts it makes exist only for
this process and vanish with it:

* ``readonly``: bind-mounts the database's directory read-only over itself
  (root ignores file modes, not a read-only mount), then runs the real
  ``triage verdict`` and ``triage queue`` on it;
* ``full``: mounts a small tmpfs at ``D``, copies the database in, fills the
  rest of the filesystem, then runs ``triage verdict`` with a note larger
  than the space left (SQLITE_FULL), and checks the copy there (it is gone
  once this process ends);
* ``secret``: mounts a full tmpfs as triage's user config directory (under
  ``D``) and runs ``triage gate`` with no sampling secret set, so triage must
  generate one and cannot write it; reports what was left in the directory.

Prints one JSON object: each command's exit code, stdout and stderr, and, for
``full``, the integrity and verdict count of the database on the full disk.
Exits 3 with ``{"skip": reason}`` when the mounts cannot be made.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import shutil
import sqlite3
import subprocess
import sys


def _sh(*cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run(list(cmd), capture_output=True, text=True)


def _triage(*args: str) -> dict:
    p = subprocess.run([sys.executable, "-m", "triage", *args], capture_output=True, stdin=subprocess.DEVNULL)
    return {"rc": p.returncode, "out": p.stdout.decode("utf-8", "replace"), "err": p.stderr.decode("utf-8", "replace")}


def _skip(reason: str) -> int:
    print(json.dumps({"skip": reason}))
    return 3


def readonly(args) -> int:
    d = os.path.dirname(os.path.abspath(args.db))
    for cmd in (("mount", "--bind", d, d), ("mount", "-o", "remount,bind,ro", d)):
        r = _sh(*cmd)
        if r.returncode:
            return _skip(f"{' '.join(cmd[:3])} failed: {r.stderr.strip()}")
    try:
        open(os.path.join(d, "probe"), "w").close()
        return _skip("the read-only mount still accepts writes")
    except OSError as exc:
        if exc.errno != errno.EROFS:
            return _skip(f"unexpected error on the read-only mount: {exc}")
    result = {
        "verdict": _triage("verdict", args.change, "--approve", "--note", "ro", "--db", args.db),
        "queue": _triage("queue", "--db", args.db, "--json"),
    }
    print(json.dumps(result))
    return 0


def full(args) -> int:
    d = args.dir
    os.makedirs(d, exist_ok=True)
    size_kb = os.path.getsize(args.db) // 1024 + 512
    r = _sh("mount", "-t", "tmpfs", "-o", f"size={size_kb}k,mode=0700", "tmpfs", d)
    if r.returncode:
        return _skip(f"mount -t tmpfs failed: {r.stderr.strip()}")
    db = os.path.join(d, "triage.db")
    shutil.copyfile(args.db, db)
    filler = os.path.join(d, "filler")
    with open(filler, "wb") as fh:  # leave room for the -shm index and a little WAL, not for the note
        free = os.statvfs(d).f_bavail * os.statvfs(d).f_frsize
        fh.write(b"\0" * max(0, free - 64 * 1024))
    before = _count(db)
    note = "x" * (120 * 1024)  # one argv string may not exceed 128 KiB
    result = {
        "free_bytes": os.statvfs(d).f_bavail * os.statvfs(d).f_frsize,
        "verdict": _triage("verdict", args.change, "--needs-fix", "--note", note, "--db", db),
        "verdicts_before": before,
    }
    os.unlink(filler)  # room again: the checks below must not fail for lack of space
    result["verdicts_after"] = _count(db)
    conn = sqlite3.connect(db)
    result["integrity"] = conn.execute("PRAGMA integrity_check").fetchone()[0]
    conn.close()
    print(json.dumps(result))
    return 0


def secret(args) -> int:
    config_home = os.path.abspath(args.dir)
    d = os.path.join(config_home, "triage")
    os.makedirs(d, exist_ok=True)
    r = _sh("mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", d)
    if r.returncode:
        return _skip(f"mount -t tmpfs failed: {r.stderr.strip()}")
    filler = os.path.join(d, "filler")
    with open(filler, "wb") as fh:
        try:
            fh.write(b"\0" * (1 << 20))
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                return _skip(f"could not fill the tmpfs: {exc}")
    env = dict(os.environ, XDG_CONFIG_HOME=config_home)
    env.pop("TRIAGE_SAMPLING_SECRET", None)
    env.pop("TRIAGE_CONFIG", None)
    p = subprocess.run([sys.executable, "-m", "triage", "gate", "--repo", args.repo], capture_output=True,
                       stdin=subprocess.DEVNULL, env=env)
    left = sorted(n for n in os.listdir(d) if n != "filler")
    print(json.dumps({"gate": {"rc": p.returncode, "out": p.stdout.decode("utf-8", "replace"),
                               "err": p.stderr.decode("utf-8", "replace")}, "left": left}))
    return 0


def _count(db: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM verdicts").fetchone()[0]
    finally:
        conn.close()


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["readonly", "full", "secret"])
    p.add_argument("--db")
    p.add_argument("--change")
    p.add_argument("--repo")
    p.add_argument("--dir")
    args = p.parse_args()
    return {"readonly": readonly, "full": full, "secret": secret}[args.mode](args)


if __name__ == "__main__":
    raise SystemExit(main())
