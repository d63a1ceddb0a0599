"""The layout's rules, checked: every SQL statement lives in ``triage/store/``."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SQL = re.compile(r"""^[rbfuRBFU]*("{1,3}|'{1,3})\s*(SELECT\s|INSERT\s+(OR\s+\w+\s+)?INTO\s|UPDATE\s+\w+\s+SET\s|"""
                 r"""DELETE\s+FROM\s|CREATE\s+(TABLE|INDEX|TRIGGER|VIEW)\s|ALTER\s+TABLE\s|DROP\s+TABLE\s|PRAGMA\s|"""
                 r"""BEGIN(\s|\1)|COMMIT\1|ROLLBACK\1)""")
"""A string literal that starts as an SQL statement (upper-case keywords, as triage writes them)."""

NOT_STATEMENTS = {
    "triage/bench/synth.py": "writes SQL into the synthetic repository's source files, as code to analyse",
}
"""Modules whose SQL-looking strings are data, not statements triage runs."""

OTHER_DATABASES = {
    "triage/forges/cache.py": "opens hishel's HTTP cache file for hishel (no SQL of its own, not the triage database)",
}
"""Modules that may use sqlite3 for a database that is not triage's."""


def sql_outside_store() -> list[str]:
    """``path:line: literal`` of every SQL statement in ``triage/`` and ``tui/`` outside the store."""
    found = []
    for pkg in ("triage", "tui"):
        for path in sorted((ROOT / pkg).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel.startswith("triage/store/") or rel in NOT_STATEMENTS:
                continue
            tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
            for tok in tokens:
                if tok.type == tokenize.STRING and SQL.match(tok.string):
                    found.append(f"{rel}:{tok.start[0]}: {tok.string[:60]}")
                if tok.type == tokenize.NAME and tok.string == "sqlite3" and rel not in OTHER_DATABASES:
                    found.append(f"{rel}:{tok.start[0]}: uses sqlite3")
    return found


def test_no_sql_outside_the_store():
    assert sql_outside_store() == []


def test_the_sql_check_sees_a_statement(tmp_path):
    """The check is not blind: the store's own statements match it."""
    text = (ROOT / "triage/store/verdicts.py").read_text()
    hits = [t for t in tokenize.generate_tokens(io.StringIO(text).readline)
            if t.type == tokenize.STRING and SQL.match(t.string)]
    assert len(hits) >= 5
    assert SQL.match('"SELECT * FROM changes WHERE id = ?"') and SQL.match("'INSERT OR REPLACE INTO x'")
    assert not SQL.match('"Select a change"') and not SQL.match('"selected"')
