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
from triage.rules.manifests import is_manifest_candidate, python_names

MAX_WEIGHT = 200_000
"""Bound on the cache: one per cached tree plus its manifest candidates and first-party
names (each fact a small tuple or set). Beyond one commit's own subtrees it holds history."""

_TREE = pygit2.enums.ObjectType.TREE


class TreeFacts:
    """What the context rules need to know about one tree; every path is a full path from the root."""

    __slots__ = ("count", "test_example", "manifest_files", "first_party_py", "top_dirs")

    def __init__(self, count: int, test_example: str | None,
                 manifest_files: tuple[tuple[str, pygit2.Oid], ...], first_party_py: frozenset[str],
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
    return 1 + len(facts.manifest_files) + len(facts.first_party_py)


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
        _weight = 0


class _Frame:
    """One tree being summarised: its entries in path order and the facts gathered so far."""

    __slots__ = ("prefix", "tree", "oid", "entries", "next", "exotic", "count", "example", "manifests",
                 "first_party", "tops")

    def __init__(self, prefix: str, tree: pygit2.Tree):
        self.prefix = prefix
        self.tree = tree
        self.oid = tree.id
        entries = []
        slash = False
        for entry in tree:
            name = entry.name
            is_tree = entry.type == _TREE
            slash = slash or "/" in name
            # A subtree's paths all start with "name/", so its block sorts by that key.
            entries.append((name + "/" if is_tree else name, is_tree, entry))
        entries.sort(key=itemgetter(0))
        self.entries = entries
        self.next = 0
        # Blocks compose into sorted order only when names hold no "/" and do not repeat
        # (git never writes such trees; a hand-made object can).
        self.exotic = slash or len({e[0] for e in entries}) != len(entries)
        self.count = 0
        self.example: str | None = None
        self.manifests: list[tuple[str, pygit2.Oid]] = []
        self.first_party: set[str] = set()
        self.tops: set[str] = set()

    def pending(self) -> tuple[str, pygit2.Tree] | None:
        """Take in entries up to the first subtree whose facts are not cached; return that subtree."""
        entries, prefix, leaves = self.entries, self.prefix, _LEAVES
        root = not prefix
        while self.next < len(entries):
            key, is_tree, entry = entries[self.next]
            path = prefix + key
            if is_tree:
                facts = _get((path, entry.id))
                if facts is None:
                    return path, entry
                self.done(facts)
                continue
            self.count += 1
            is_test, is_manifest, names = leaves.get(path) or _leaf(path)
            if is_test and self.example is None:
                self.example = path
            if is_manifest:
                self.manifests.append((path, entry.id))
            if names:
                self.first_party.update(names)
            if root and "/" in path:
                self.tops.add(path.split("/", 1)[0])
            self.next += 1
        return None

    def done(self, facts: TreeFacts) -> None:
        """Take in the facts of the subtree :meth:`pending` stopped at."""
        self.count += facts.count
        if self.example is None:
            self.example = facts.test_example
        self.manifests.extend(facts.manifest_files)
        self.first_party |= facts.first_party_py
        if not self.prefix:
            self.tops |= facts.top_dirs
        self.next += 1

    def facts(self) -> TreeFacts:
        """This tree's facts, once :meth:`pending` has taken in every entry."""
        example, manifests, tops = self.example, self.manifests, self.tops
        if self.prefix and self.count:
            tops.add(self.prefix.split("/", 1)[0])
        if self.exotic:
            paths = list_paths(self.tree, self.prefix)
            example = next((p for p in paths if _is_test_file(p)), None)
            manifests.sort(key=itemgetter(0))
        return TreeFacts(self.count, example, tuple(manifests), frozenset(self.first_party), frozenset(tops))


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
