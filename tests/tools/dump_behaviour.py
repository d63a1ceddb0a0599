"""Dump what triage concludes and plans, deterministically, to compare two versions of the code.

    python tests/tools/dump_behaviour.py OUT_DIR [--commits 1000] [--cache DIR]

Writes, for the demo and for ingest of the synthetic benchmark history
(:mod:`triage.bench.synth`, ``--commits`` commits, seed 1, ``--all``):

* ``<name>-queue.jsonl``: ``triage queue --all --json`` (order, tiers, scores,
  factors, reasons, sampled flags), one object a line;
* ``<name>-show.jsonl``: ``triage show --json`` of every change (findings, the
  worst first, checklist, evidence), the ingest time left out;
* ``<name>-findings.jsonl``: every stored finding row, sorted;
* ``<name>-posts.jsonl``: the forge posts planned when each change, made to look like
  a pull request of GitHub, GitLab or Gitea (open or merged, in turn), gets a verdict
  (each verdict in turn) through ``triage verdict``; verdict ids and times are masked.

It drives triage only through its command line (``triage.cli.main``), so the same
tool runs on any version; everything machine-dependent (home, data dirs, the
sampling secret, times) is pinned or left out. Two runs whose files are
byte-identical behaved the same; ``sha256sum OUT_DIR/*`` compares them at a glance.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

SOURCES = ("github", "gitlab", "gitea")
VOLATILE = ("ingested_at",)


def _cli(*argv: str) -> str:
    from triage.cli import main

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(list(argv), open_tui=None)
    if code != 0:
        raise SystemExit(f"triage {' '.join(argv)} exited {code}")
    return buf.getvalue()


def _lines(objects) -> str:
    return "".join(json.dumps(o, sort_keys=True, ensure_ascii=True) + "\n" for o in objects)


def dump_db(db: Path, out: Path, name: str, mask: str) -> None:
    """Write the four dumps of database ``db`` as ``out/<name>-*.jsonl`` (``mask``: a temporary
    directory whose name is replaced by ``<tmp>``)."""
    out = _Masked(out, mask)
    queue = json.loads(_cli("queue", "--all", "--json", "--db", str(db)))
    (out / f"{name}-queue.jsonl").write_text(_lines(queue))
    shows = []
    for item in queue:
        d = json.loads(_cli("show", item["id"], "--json", "--db", str(db)))
        for k in VOLATILE:
            d.pop(k, None)
        shows.append(d)
    (out / f"{name}-show.jsonl").write_text(_lines(shows))
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    cols = [c[1] for c in conn.execute("PRAGMA table_info(findings)") if c[1] != "id"]
    rows = sorted(json.dumps([r[c] for c in cols], ensure_ascii=True)
                  for r in conn.execute(f"SELECT {', '.join(cols)} FROM findings"))
    conn.close()
    (out / f"{name}-findings.jsonl").write_text(json.dumps(cols) + "\n" + "".join(r + "\n" for r in rows))
    (out / f"{name}-posts.jsonl").write_text(_posts(db, [item["id"] for item in queue]))


class _Masked:
    """A directory whose files are written with a temporary path masked."""

    def __init__(self, path: Path, mask: str):
        self.path, self.mask = path, mask

    def __truediv__(self, name: str) -> "_Masked":
        return _Masked(self.path / name, self.mask)

    def write_text(self, text: str) -> None:
        self.path.write_text(text.replace(self.mask, "<tmp>"))


def _posts(db: Path, ids: list[str]) -> str:
    """The outbox a verdict on each change plans, on a copy of ``db`` where changes are forge changes."""
    from triage.models import VERDICTS

    verdicts = [v for v in VERDICTS if v != "withdrawn"]
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "posts.db"
        src = sqlite3.connect(str(db))
        dst = sqlite3.connect(str(copy))
        src.backup(dst)
        src.close()
        for n, cid in enumerate(ids):
            source = SOURCES[n % len(SOURCES)]
            state = "open" if (n // len(SOURCES)) % 2 == 0 else "merged"
            dst.execute("UPDATE changes SET source = ?, number = ?, state = ?, url = ? WHERE id = ?",
                        (source, n + 1, state, f"https://forge.example/{source}/pr/{n + 1}", cid))
        dst.commit()
        dst.close()
        for n, cid in enumerate(ids):
            verdict = verdicts[n % len(verdicts)]
            _cli("verdict", cid, f"--{verdict}", "--note", f"note {n}: <b>*x*</b>", "--reviewer", "dumper",
                 "--db", str(copy))
        conn = sqlite3.connect(str(copy))
        vids = {vid: cid for vid, cid in conn.execute("SELECT id, change_id FROM verdicts")}
        out = []
        for change_id, action, target, body, state in conn.execute(
                "SELECT change_id, action, target, body, state FROM outbox ORDER BY change_id, rowid"):
            for vid in vids:
                body = body.replace(vid, "<verdict-id>")
            payload = json.loads(body)
            if isinstance(payload.get("record"), dict) and "at" in payload["record"]:
                payload["record"]["at"] = "<verdict-time>"  # the verdict's own clock time
            out.append([change_id, action, target, payload, state])
        conn.close()
    return _lines(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out")
    p.add_argument("--commits", type=int, default=1000)
    p.add_argument("--cache", help="where to keep the synthetic repository (default: a temporary dir)")
    a = p.parse_args(argv)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        os.environ.update({"HOME": str(home), "XDG_DATA_HOME": str(home / "data"),
                           "XDG_CONFIG_HOME": str(home / "config"), "XDG_CACHE_HOME": str(home / "cache"),
                           "TRIAGE_SAMPLING_SECRET": "dump-behaviour-sampling-secret-0001",
                           "TRIAGE_REVIEWER": "dumper", "TZ": "UTC"})
        os.environ.pop("TRIAGE_DB", None)
        demo = Path(tmp) / "demo"
        os.environ.pop("TRIAGE_SAMPLING_SECRET")  # the demo uses its own fixed secret
        _cli("demo", "--no-tui", "--dir", str(demo))
        os.environ["TRIAGE_SAMPLING_SECRET"] = "dump-behaviour-sampling-secret-0001"
        dump_db(demo / "triage-demo.db", out, "demo", tmp)

        from triage.bench import synth

        cache = Path(a.cache) if a.cache else Path(tmp) / "cache"
        info = synth.build(cache, a.commits, 1)
        db = Path(tmp) / "bench.db"
        _cli("ingest", "--repo", str(info.path), "--all", "--db", str(db))
        dump_db(db, out, f"bench{a.commits}", tmp)
        if not a.cache:
            shutil.rmtree(cache, ignore_errors=True)
    for f in sorted(out.glob("*.jsonl")):
        print(f"{f.name}: {sum(1 for _ in f.open())} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
