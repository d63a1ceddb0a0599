"""Provides the per-process cache of what the rules derive from a file's content alone, keyed by blob id.

Within one ingest the same content is analysed again and again: a merge is
diffed against its first parent, so its post-images are those its branch's
commits already had; a revert, a cherry-pick or a copy brings back a blob seen
before. The Python syntax tree (with its by-type index and statement lines) and
a whole-file token stream depend only on the bytes and on the lexer chosen by
the file's name, never on which lines the change added or on the repository, so
they are kept per ``(blob id, lexer)`` and reused. A git blob id names its bytes
(a hash of them), so a hit can never be stale.

No rule *result* is cached: findings also depend on the added lines, the path,
the tree at the commit and the configuration, and a cache of them would need a
key made of all of these and of the rules' own version. The parsed forms are
what costs (about two thirds of the rules' time on real code), and they need no
such key: they are the parser's and the lexer's output, which this process's
code fixes.

Bounded: at most :data:`MAX_ENTRIES` blobs and :data:`MAX_CHARS` characters of
source, least recently used first out. Each worker process has its own.
"""

from __future__ import annotations

from collections import OrderedDict

MAX_ENTRIES = 256
MAX_CHARS = 6_000_000

_entries: OrderedDict[tuple, dict] = OrderedDict()
_chars = 0
stats = {"hits": 0, "misses": 0}
"""Counts of lookups that found (or did not find) an entry, for tests and the bench."""


def entry(blob: str, lexer: str, text: str) -> dict | None:
    """The shared dict of parsed forms for this content, created on first use; None when
    the blob id is unknown (a forge patch without ids, a test's file)."""
    global _chars
    if not blob or len(blob) not in (40, 64) or blob.strip("0") == "":
        return None
    key = (blob, lexer, len(text))
    got = _entries.get(key)
    if got is not None:
        _entries.move_to_end(key)
        stats["hits"] += 1
        return got
    stats["misses"] += 1
    got = {}
    _entries[key] = got
    _chars += len(text)
    while _entries and (len(_entries) > MAX_ENTRIES or _chars > MAX_CHARS):
        (_b, _l, size), _old = _entries.popitem(last=False)
        _chars -= size
    return got


def clear() -> None:
    """Forget every entry (tests; a worker never needs to)."""
    global _chars
    _entries.clear()
    _chars = 0
    stats.update(hits=0, misses=0)
