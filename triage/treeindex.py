"""Provides facts about git trees, cached by tree id, so a commit pays only for the subtrees it changed.

Consecutive commits share almost every subtree. :func:`tree_facts` derives what
the context rules need to know about a commit's tree (how many paths it holds,
the first test file in sorted order, the manifest candidates, first-party Python
names, top-level directories) for each ``(path prefix, tree id)`` from its entries
and its subtrees' facts, and keeps them in a per-process LRU cache bounded by its
number of entries. The prefix is part of the key because the facts depend on
directory names (``tests/``, ``node_modules/``). No list of every path is built:
:func:`list_paths` lists a tree when a caller really needs it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from operator import itemgetter

import pygit2

from triage.rules.context import _is_test_file
from triage.rules.manifests import NameUnion, is_manifest_candidate, python_names

MAX_WEIGHT = 200_000
"""Bound on the cache: one per cached tree plus its manifest candidates and first-party
names (each fact a small tuple or set). Beyond one commit's own subtrees it holds history."""

_TREE = pygit2.enums.ObjectType.TREE


class TreeFacts:
    """What the context rules need to know about one tree; every path is a full path from the root."""

    __slots__ = ("count", "test_example", "manifest_files", "first_party_py", "top_dirs")

    def __init__(self, count: int, test_example: str | None,
                 manifest_files: tuple[tuple[str, pygit2.Oid], ...], first_party_py: NameUnion,
                 top_dirs: frozenset[str]):
        self.count = count
        """How many non-tree entries (blobs, submodules) are below."""
        self.test_example = test_example
        """The first test file, in sorted path order (the missing-tests rule's example), or None."""
        self.manifest_files = manifest_files
        """``(path, object id)`` of each manifest candidate, in sorted path order."""
        self.first_party_py = first_party_py
        """Package directories and module stems of the Python files below."""
        self.top_dirs = top_dirs
        """First path segments of the paths below that have more than one."""


_CACHE: OrderedDict[tuple[str, pygit2.Oid], TreeFacts] = OrderedDict()
_LOCK = threading.Lock()
_weight = 0


def _weight_of(facts: TreeFacts) -> int:
    return 1 + len(facts.manifest_files) + len(facts.first_party_py.own)


def _get(key: tuple[str, pygit2.Oid]) -> TreeFacts | None:
    with _LOCK:
        facts = _CACHE.get(key)
        if facts is not None:
            _CACHE.move_to_end(key)
        return facts


def _put(key: tuple[str, pygit2.Oid], facts: TreeFacts) -> None:
    global _weight
    with _LOCK:
        old = _CACHE.pop(key, None)
        if old is not None:
            _weight -= _weight_of(old)
        _CACHE[key] = facts
        _weight += _weight_of(facts)
        while _weight > MAX_WEIGHT and len(_CACHE) > 1:
            _key, evicted = _CACHE.popitem(last=False)
            _weight -= _weight_of(evicted)


def cache_info() -> tuple[int, int]:
    """``(entries, weight)`` of the cache."""
    with _LOCK:
        return len(_CACHE), _weight


def clear() -> None:
    """Empty the cache."""
    global _weight
    with _LOCK:
        _CACHE.clear()
        _LEAVES.clear()
        _BLOB_SETS.clear()
        _weight = 0


class _Blobs:
    """The facts of a directory's own files (not its subtrees): they depend only on the
    directory's path and its file names, which most commits that change it keep."""

    __slots__ = ("count", "example", "manifests", "first_party", "tops")

    def __init__(self, prefix: str, names: tuple[str, ...]):
        self.count = len(names)
        self.example: str | None = None
        """The first test file's name (``names`` are sorted)."""
        self.manifests: list[str] = []
        """Names of the manifest candidates, sorted."""
        first_party: set[str] = set()
        self.tops: set[str] = set()
        leaves = _LEAVES
        for name in names:
            path = prefix + name
            is_test, is_manifest, names_of_leaf = leaves.get(path) or _leaf(path)
            if is_test and self.example is None:
                self.example = name
            if is_manifest:
                self.manifests.append(name)
            if names_of_leaf:
                first_party.update(names_of_leaf)
            if not prefix and "/" in name:  # only in a hand-made tree
                self.tops.add(name.split("/", 1)[0])
        self.first_party = frozenset(first_party)
        """Package directories and module stems of these files (frozen once: every tree
        with these file names shares it)."""


MAX_BLOB_SETS = 4096
"""Bound on the memo of :class:`_Blobs` by (prefix, file names) (emptied when full)."""

_BLOB_SETS: dict[tuple[str, tuple[str, ...]], _Blobs] = {}


def _blobs(prefix: str, names: tuple[str, ...]) -> _Blobs:
    key = (prefix, names)
    part = _BLOB_SETS.get(key)
    if part is None:
        part = _Blobs(prefix, names)
        if len(_BLOB_SETS) >= MAX_BLOB_SETS:
            _BLOB_SETS.clear()
        _BLOB_SETS[key] = part
    return part


class _Frame:
    """One tree being summarised: its files' facts, and its subtrees' facts as they come."""

    __slots__ = ("prefix", "tree", "oid", "subtrees", "next", "exotic", "count", "example", "example_key",
                 "manifests", "first_party", "first_party_parts", "tops")

    def __init__(self, prefix: str, tree: pygit2.Tree):
        self.prefix = prefix
        self.tree = tree
        self.oid = tree.id
        names: list[str] = []
        subtrees: list[tuple[str, pygit2.Tree]] = []
        for entry in tree:
            if entry.type == _TREE:
                # A subtree's paths all start with "name/", so its block sorts by that key.
                subtrees.append((entry.name + "/", entry))
            else:
                names.append(entry.name)
        names.sort()
        subtrees.sort(key=itemgetter(0))
        self.subtrees = subtrees
        self.next = 0
        # Blocks compose into sorted order only when names hold no "/" and do not repeat
        # (git never writes such trees; a hand-made object can).
        keys = {k for k, _e in subtrees}
        self.exotic = ("/" in "".join(names) or len(set(names)) != len(names) or len(keys) != len(subtrees)
                       or any("/" in k[:-1] for k in keys))
        blobs = _blobs(prefix, tuple(names))
        self.count = blobs.count
        self.example = prefix + blobs.example if blobs.example is not None else None
        self.example_key = blobs.example
        if blobs.manifests and self.exotic:  # a name may repeat, or hold a "/" (not a lookup by name)
            wanted = set(blobs.manifests)
            found = [(e.name, e.id) for e in tree if e.type != _TREE and e.name in wanted]
        else:
            found = [(name, tree[name].id) for name in blobs.manifests]
        self.manifests: list[tuple[str, str, pygit2.Oid]] = [(name, prefix + name, oid) for name, oid in found]
        self.first_party = blobs.first_party
        self.first_party_parts: list[NameUnion] = []
        self.tops = set(blobs.tops)

    def pending(self) -> tuple[str, pygit2.Tree] | None:
        """Take in subtrees up to the first one whose facts are not cached; return that subtree."""
        subtrees, prefix = self.subtrees, self.prefix
        while self.next < len(subtrees):
            key, entry = subtrees[self.next]
            path = prefix + key
            facts = _get((path, entry.id))
            if facts is None:
                return path, entry
            self.done(facts)
        return None

    def done(self, facts: TreeFacts) -> None:
        """Take in the facts of the subtree :meth:`pending` stopped at."""
        key = self.subtrees[self.next][0]
        self.count += facts.count
        if facts.test_example is not None and (self.example_key is None or key < self.example_key):
            self.example, self.example_key = facts.test_example, key
        self.manifests.extend((key, path, oid) for path, oid in facts.manifest_files)
        self.first_party_parts.append(facts.first_party_py)
        if not self.prefix:
            self.tops |= facts.top_dirs
        self.next += 1

    def facts(self) -> TreeFacts:
        """This tree's facts, once :meth:`pending` has taken in every subtree."""
        example, tops = self.example, self.tops
        if self.prefix and self.count:
            tops.add(self.prefix.split("/", 1)[0])
        # Files and subtrees were taken in apart: order the manifests by their block's key
        # (stable, so a subtree's own order stays), or by path in a hand-made tree.
        manifests = sorted(self.manifests, key=itemgetter(1 if self.exotic else 0))
        if self.exotic:
            paths = list_paths(self.tree, self.prefix)
            example = next((p for p in paths if _is_test_file(p)), None)
        return TreeFacts(self.count, example, tuple((path, oid) for _k, path, oid in manifests),
                         NameUnion(self.first_party, tuple(self.first_party_parts)), frozenset(tops))


def list_paths(tree: pygit2.Tree, prefix: str = "") -> tuple[str, ...]:
    """Every non-tree path below ``tree`` (each starting with ``prefix``), sorted."""
    out: list[str] = []
    stack = [(tree, prefix)]
    while stack:
        t, pre = stack.pop()
        for entry in t:
            if entry.type == _TREE:
                stack.append((entry, pre + entry.name + "/"))
            else:
                out.append(pre + entry.name)
    out.sort()
    return tuple(out)


MAX_LEAVES = 100_000
"""Bound on the per-path memo of :func:`_leaf` (emptied when full)."""

_LEAVES: dict[str, tuple[bool, bool, tuple[str, ...]]] = {}
_PLAIN = (False, False, ())


def _leaf(path: str) -> tuple[bool, bool, tuple[str, ...]]:
    """``(test file?, manifest candidate?, first-party Python names)`` of one path, memoised:
    a changed directory is mostly the same paths as its previous version."""
    facts = _LEAVES.get(path)
    if facts is None:
        facts = (_is_test_file(path), is_manifest_candidate(path), tuple(python_names(path)))
        if facts == _PLAIN:
            facts = _PLAIN
        if len(_LEAVES) >= MAX_LEAVES:
            _LEAVES.clear()
        _LEAVES[path] = facts
    return facts


def tree_facts(tree: pygit2.Tree) -> TreeFacts:
    """The facts of a commit's root tree (computed from, and cached with, its subtrees' facts)."""
    key = ("", tree.id)
    cached = _get(key)
    if cached is not None:
        return cached
    stack = [_Frame("", tree)]
    while True:
        frame = stack[-1]
        sub = frame.pending()
        if sub is not None:
            stack.append(_Frame(*sub))
            continue
        facts = frame.facts()
        _put((frame.prefix, frame.oid), facts)
        stack.pop()
        if not stack:
            return facts
        stack[-1].done(facts)
