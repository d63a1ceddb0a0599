"""The layout's rules (ARCHITECTURE.md), checked on every test run.

* The import contracts in ``pyproject.toml`` (import-linter): cli above tui above
  services above forges, store and analysis above the base; widgets never reach the
  store, git, the libgit2 adapter or pygit2; no import cycles between the modules of
  ``triage`` (every top-level module and package) nor between the rooms of its packages
  and of the app.
* Every module of ``triage`` is in one layer, so a new one cannot slip past the contracts.
* Every SQL statement lives in ``triage/store/``.
"""

from __future__ import annotations

import io
import re
import tokenize
import tomllib
from pathlib import Path

import pytest

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


# ------------------------------------------------------------------ import contracts


def _contracts() -> list[dict]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]


def test_the_import_contracts_hold(monkeypatch, capsys):
    from importlinter.cli import lint_imports

    monkeypatch.chdir(ROOT)
    code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.count("KEPT") == len(_contracts()) >= 3


def test_every_triage_module_is_in_a_layer():
    """A module outside every layer would be free of the layers contract."""
    layers = next(c for c in _contracts() if c["id"] == "layers")["layers"]
    placed = [m.strip() for layer in layers for m in re.split(r"[:|]", layer)]
    assert len(placed) == len(set(placed)), "a module is in two layers"
    rooms = {f"triage.{p.stem}" for p in (ROOT / "triage").glob("*.py") if p.stem != "__init__"}
    rooms |= {f"triage.{p.parent.name}" for p in (ROOT / "triage").glob("*/__init__.py")}
    rooms -= {"triage.data"}
    assert sorted(rooms - set(placed)) == [] and sorted(set(placed) - rooms - {"tui"}) == []


CONTRACT_TYPES = {"layers": "importlinter.contracts.layers:LayersContract",
                  "forbidden": "importlinter.contracts.forbidden:ForbiddenContract",
                  "acyclic_siblings": "importlinter.contracts.acyclic_siblings:AcyclicSiblingsContract"}


def _broken(graph) -> list[str]:
    """The names of the configured contracts ``graph`` breaks."""
    import importlib

    session = {"root_packages": ["triage", "tui"], "include_external_packages": True}
    broken = []
    for c in _contracts():
        module, cls = CONTRACT_TYPES[c["type"]].split(":")
        options = {k: (v if isinstance(v, list) else str(v)) for k, v in c.items() if k not in ("id", "name", "type")}
        contract = getattr(importlib.import_module(module), cls)(c["name"], session, options)
        if not contract.check(graph, verbose=False).kept:
            broken.append(c["id"])
    return broken


@pytest.fixture(scope="module")
def import_graph():
    import grimp

    return grimp.build_graph("triage", "tui", include_external_packages=True, exclude_type_checking_imports=True,
                             cache_dir=None)  # a stale cache could hide an import


@pytest.mark.parametrize(("importer", "imported", "contract"), [
    ("tui.widgets.diff_view", "triage.store", "widgets"),
    ("tui.widgets.queue_table", "pygit2", "widgets"),
    ("tui.app", "triage.cli", "layers"),
    ("triage.services.team", "triage.commands_team", "layers"),
    ("triage.store.team", "triage.services.verdicts", "layers"),
    ("triage.models", "triage.store.rows", "layers"),
    ("triage.store.rows", "triage.store.team", "acyclic"),
    ("tui.screens.help", "tui.app", "acyclic"),
    ("tui.widgets.diff_view", "tui.screens.review", "acyclic"),
    ("triage.config", "triage.forges.errors", "acyclic"),
    ("triage.settings", "triage.rules", "acyclic"),
    ("triage.paths", "triage.config", "acyclic"),
    ("triage.store.rows", "triage.queue", "acyclic"),
])
def test_the_contracts_catch_an_import_against_them(import_graph, importer, imported, contract):
    """The contracts are not vacuous: one forbidden import added to the real graph breaks one."""
    graph = import_graph
    assert _broken(graph) == []
    assert imported not in graph.find_modules_directly_imported_by(importer)
    graph.add_import(importer=importer, imported=imported)
    try:
        assert contract in _broken(graph)
    finally:
        graph.remove_import(importer=importer, imported=imported)


def test_docstrings_cite_only_files_in_the_repository():
    """A module that cites a document (``*.md``) cites one a reader of the repository can open."""
    import ast

    missing = []
    for pkg in ("triage", "tui"):
        for path in sorted((ROOT / pkg).rglob("*.py")):
            doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
            for ref in re.findall(r"[\w./-]+\.md\b", doc):
                if not any((base / ref).exists() for base in (ROOT, path.parent)):
                    missing.append(f"{path.relative_to(ROOT)}: {ref}")
    assert missing == []
