"""Provides the deterministic demo repository, built with pygit2 from ``data/demo/spec.toml``.

Fixed authors, times and contents give the same commit ids on every machine,
so the demo, the tests and the screenshots share one realistic fixture.
"""

from __future__ import annotations

import hashlib
import shutil
from datetime import datetime
from pathlib import Path

import pygit2

from triage.config import read_toml
from triage.errors import TriageError
from triage.paths import data_file

DEMO_SECRET = b"triage-demo-sampling-secret-31673"
"""The demo's fixed sampling secret, so its deep-dive sample is the same everywhere. The number
was picked (by trying them in order) when draws moved from commit ids to patch ids, so that
the demo still draws the changes its screenshots and tests show: one CRITICAL, one HIGH and
one MEDIUM AI change, and two LOW non-AI ones."""

MARKER = "triage-demo-spec"
"""File in the demo's git dir holding the hash of the spec it was built from."""


def spec_path() -> Path:
    """The shipped demo spec."""
    return data_file("demo/spec.toml")


def _content(text: str) -> bytes:
    # Literal TOML strings start with a newline after the opening quotes; drop it.
    return (text[1:] if text.startswith("\n") else text).encode("utf-8")


def _signature(name: str, email: str, when: int) -> pygit2.Signature:
    return pygit2.Signature(name, email, when, 0)


def _tree_with(repo: pygit2.Repository, base: pygit2.Tree | None, files: dict[str, bytes | None]) -> pygit2.Oid:
    """A new tree: ``base`` with ``files`` written (``None`` deletes)."""
    index = pygit2.Index()
    if base is not None:
        index.read_tree(base)
    for path, data in sorted(files.items()):
        if data is None:
            if path in index:
                index.remove(path)
            continue
        blob = repo.create_blob(data)
        index.add(pygit2.IndexEntry(path, blob, pygit2.enums.FileMode.BLOB))
    return index.write_tree(repo)


def build(dest: Path, spec: Path | None = None) -> Path:
    """Build (or reuse) the demo repository in ``dest``; return its path.

    An existing demo built from the same spec is reused, so recorded verdicts
    keep pointing at the same commits. A directory that is not a triage demo is
    never touched.
    """
    spec = spec or spec_path()
    raw = spec.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    dest = Path(dest)
    marker = dest / ".git" / MARKER
    if marker.exists():
        if marker.read_text().strip() == digest:
            _name(pygit2.Repository(str(dest)))
            return dest
        shutil.rmtree(dest / ".git")
        for child in dest.iterdir():
            if child.name != "triage-demo.db" and not child.name.startswith("triage-demo.db-"):
                shutil.rmtree(child) if child.is_dir() else child.unlink()
    elif dest.exists() and any(p.name != "triage-demo.db" for p in dest.iterdir()):
        raise TriageError(f"{dest} exists and is not a triage demo; choose another --dir")
    cfg = read_toml(spec)
    meta = cfg["repo"]
    t0 = int(datetime.fromisoformat(meta["start"]).timestamp())
    step = int(meta.get("step_minutes", 60)) * 60
    dest.mkdir(parents=True, exist_ok=True)
    repo = pygit2.init_repository(str(dest), initial_head="main")
    parent: pygit2.Commit | None = None
    when = t0
    for entry in cfg["commit"]:
        files: dict[str, bytes | None] = {p: _content(t) for p, t in entry.get("files", {}).items()}
        files.update({p: bytes.fromhex(h) for p, h in entry.get("binary_hex", {}).items()})
        for p in entry.get("delete", []):
            files[p] = None
        message = _content(entry["message"]).decode("utf-8")
        author = _signature(entry["author"], entry["email"], when)
        tree = _tree_with(repo, parent.tree if parent else None, files)
        parents = [parent.id] if parent else []
        if "branch" in entry:
            side = repo.create_commit(None, author, author, message, tree, parents)
            when += step
            merger = _signature(entry.get("merger", entry["author"]), entry.get("merger_email", entry["email"]), when)
            merge_msg = _content(entry["merge_message"]).decode("utf-8")
            oid = repo.create_commit("refs/heads/main", merger, merger, merge_msg, tree, parents + [side])
        else:
            oid = repo.create_commit("refs/heads/main", author, author, message, tree, parents)
        parent = repo[oid].peel(pygit2.Commit)
        when += step
    repo.set_head("refs/heads/main")
    repo.checkout_head(strategy=pygit2.enums.CheckoutStrategy.FORCE)
    _name(repo)
    marker.write_text(digest + "\n")
    return dest


DEMO_KEY = "shopapi"
"""The demo's repository key (it has no remote): ids ``git:shopapi:<sha>`` wherever it is built."""


def _name(repo: pygit2.Repository) -> None:
    """Give the demo clone its key (``git config triage.id``; see :func:`triage.git.repo_key`)."""
    from triage.git import CLONE_KEY

    if CLONE_KEY not in repo.config:
        repo.config[CLONE_KEY] = DEMO_KEY
