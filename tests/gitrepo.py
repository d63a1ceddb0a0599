"""A small pygit2 repository builder for tests (real repositories, no git CLI)."""

from __future__ import annotations

from pathlib import Path

import pygit2


class RepoBuilder:
    """Build commits on ``main`` in a real repository at ``path``."""

    def __init__(self, path: Path, start: int = 1_767_000_000):
        self.repo = pygit2.init_repository(str(path), initial_head="main")
        self.path = Path(path)
        self.when = start

    @classmethod
    def existing(cls, path: Path, start: int = 1_800_000_000) -> "RepoBuilder":
        """A builder on a repository that already exists at ``path`` (its history is kept)."""
        b = cls.__new__(cls)
        b.repo, b.path, b.when = pygit2.Repository(str(path)), Path(path), start
        return b

    def commit(self, files: dict[str, bytes | str | None], message: str = "change", *,
               name: str = "Alice", email: str = "alice@example.com", parents=None, ref="refs/heads/main",
               mode: int = pygit2.enums.FileMode.BLOB) -> str:
        """Commit ``files`` (None deletes) on top of ``parents`` (default: the branch head)."""
        self.when += 3600
        sig = pygit2.Signature(name, email, self.when, 0)
        if parents is None:
            parents = [] if self.repo.head_is_unborn else [self.repo.head.target]
        index = pygit2.Index()
        if parents:
            index.read_tree(self.repo[parents[0]].peel(pygit2.Commit).tree)
        # Deletions first: adding ``a/b`` drops a file ``a`` from the index (and adding ``a``
        # drops ``a/...``), so deleting that path afterwards would find nothing to remove.
        for path, data in sorted(files.items(), key=lambda item: item[1] is not None):
            if data is None:
                index.remove(path)
                continue
            raw = data.encode() if isinstance(data, str) else data
            index.add(pygit2.IndexEntry(path, self.repo.create_blob(raw), mode))
        tree = index.write_tree(self.repo)
        oid = self.repo.create_commit(ref, sig, sig, message, tree, list(parents))
        return str(oid)
