"""Dump what ingest concluded about every change in a database, to compare two versions of the analysis.

    python tests/tools/dump_findings.py DB [--out FILE]

Prints one line per change (tier, score, factors, files, checklist) and one per
finding (path, line, rule, severity, message, suppression), sorted, then a
digest of the whole dump and the findings per rule. Two runs of the same
history whose digests match concluded the same things.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import sqlite3
import sys


def dump(db: str) -> list[str]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    out = []
    for r in conn.execute("SELECT id, tier, score, factors, files, checklist, n_findings FROM changes ORDER BY id"):
        out.append(json.dumps(["change", r["id"], r["tier"], r["score"], json.loads(r["factors"]),
                               json.loads(r["files"]), json.loads(r["checklist"]), r["n_findings"]],
                              sort_keys=True))
    cols = [c[1] for c in conn.execute("PRAGMA table_info(findings)")]
    keep = [c for c in cols if c not in ("id", "rowid")]
    for r in conn.execute(f"SELECT {', '.join(keep)} FROM findings"):
        out.append(json.dumps(["finding", *[r[c] for c in keep]], sort_keys=True, default=str))
    conn.close()
    return sorted(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("db")
    p.add_argument("--out")
    a = p.parse_args(argv)
    lines = dump(a.db)
    text = "\n".join(lines) + "\n"
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)
    per_rule = collections.Counter()
    for x in lines:
        row = json.loads(x)
        if row[0] == "finding":
            per_rule[next((v for v in row[1:] if isinstance(v, str) and v in RULE_IDS), "?")] += 1
    n_changes = sum(1 for x in lines if x.startswith('["change"'))
    print(f"{n_changes} changes, {len(lines) - n_changes} findings, sha256 {hashlib.sha256(text.encode()).hexdigest()}")
    for rule, n in sorted(per_rule.items()):
        print(f"  {rule}: {n}")
    return 0


try:
    from triage.rules import all_rule_ids

    RULE_IDS = set(all_rule_ids()) | {"external-finding"}
except Exception:  # noqa: BLE001 - a dump of a database needs no rules
    RULE_IDS = set()

if __name__ == "__main__":
    sys.exit(main())
