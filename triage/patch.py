"""Provides the unified-diff parser: bytes in, :class:`~triage.models.FileDiff` records out, no repository.

:func:`parse_patch` parses unified-diff bytes (``git diff`` output, forge
``.diff`` downloads, plain ``diff -u``). It works on bytes, splits lines on
``b"\\n"`` only (VT, FF, U+0085 and U+2028 stay inside a line, so line
numbers match git), keeps a trailing ``\\r`` in :attr:`DiffLine.raw`, and
never raises: garbage in gives a best-effort or empty list.
:func:`parse_hunks` does the same for a forge's header-less per-file patch.
The notes that explain a file's edge cases (binary, modes, symlinks,
submodules, huge files, CRLF) are written here too, for the libgit2 adapter
(:mod:`triage.diff`) to reuse. Pure: it imports no pygit2.
"""

from __future__ import annotations

import posixpath

from triage.models import DiffLine, FileDiff, Hunk

__all__ = ["parse_hunks", "parse_patch"]

BINARY_SNIFF_BYTES = 8000
"""Like git, a NUL byte within this many leading bytes makes content binary."""

MAX_TEXT_BYTES = 512 * 1024 * 1024
"""libgit2's size above which a blob is treated as binary (not re-diffed)."""

MAX_LINK_TARGET = 4096
"""At most this many bytes of a symlink target are quoted in a note."""

_S_IFMT = 0o170000
_MODE_TREE = 0o040000
_MODE_FILE = 0o100644
_MODE_EXEC = 0o100755
_MODE_LINK = 0o120000
_MODE_GITLINK = 0o160000
_BLOB_KINDS = (0o100000, _MODE_LINK)  # S_IFMT of regular files and symlinks

_ZERO_OIDS = frozenset({"0" * 40, "0" * 64})

_GIT_PREFIXES = frozenset(b"abciow12")  # "a/", "b/" and git's mnemonic prefixes

_C_ESCAPES = {
    ord("a"): 7,
    ord("b"): 8,
    ord("t"): 9,
    ord("n"): 10,
    ord("v"): 11,
    ord("f"): 12,
    ord("r"): 13,
    ord('"'): 34,
    ord("\\"): 92,
}


# --------------------------------------------------------------------- parsing


class _Meta:
    """Parse-time facts about one file that do not belong in FileDiff."""

    __slots__ = (
        "fd",
        "git",
        "in_header",
        "saw_paths",
        "status",
        "old_raw",
        "new_raw",
        "old_null",
        "new_null",
        "combined",
        "literals",
        "eof_old",
        "eof_new",
        "cr_added",
        "cr_deleted",
    )

    def __init__(self, git: bool = False) -> None:
        self.fd = FileDiff(status="M", old_path=None, new_path=None)
        self.git = git
        self.in_header = git
        self.saw_paths = False
        self.status = ""
        self.old_raw: bytes | None = None
        self.new_raw: bytes | None = None
        self.old_null = False
        self.new_null = False
        self.combined = False
        self.literals = 0
        self.eof_old = False
        self.eof_new = False
        self.cr_added = 0
        self.cr_deleted = 0


def _unquote(s: bytes, start: int) -> tuple[bytes, int] | None:
    """Decode git's C-quoted string at ``s[start] == '"'``.

    Returns the bytes and the index after the closing quote, or None when the
    quote is not closed.
    """
    out = bytearray()
    i = start + 1
    n = len(s)
    while i < n:
        c = s[i]
        if c == 0x22:  # closing quote
            return bytes(out), i + 1
        if c == 0x5C:  # backslash
            i += 1
            if i >= n:
                return None
            c = s[i]
            if 0x30 <= c <= 0x37:
                v = 0
                j = i
                while j < n and j < i + 3 and 0x30 <= s[j] <= 0x37:
                    v = v * 8 + (s[j] - 0x30)
                    j += 1
                out.append(v & 0xFF)
                i = j
                continue
            out.append(_C_ESCAPES.get(c, c))
            i += 1
            continue
        out.append(c)
        i += 1
    return None


def _strip_prefix(path: bytes) -> bytes:
    """Drop git's ``a/`` / ``b/`` (or mnemonic ``c/``, ``i/``, ...) prefix."""
    if len(path) > 2 and path[1] == 0x2F and path[0] in _GIT_PREFIXES:
        return path[2:]
    return path


def _header_path(rest: bytes, *, cut_tab: bool) -> bytes:
    """A path as written after ``--- ``, ``rename from `` etc., unquoted."""
    if rest[:1] == b'"':
        got = _unquote(rest, 0)
        if got is not None:
            return got[0]
    if cut_tab:
        tab = rest.find(b"\t")
        if tab >= 0:
            rest = rest[:tab]
    if rest[-1:] == b"\r":  # git quotes a real trailing CR; this one is CRLF
        rest = rest[:-1]
    return rest


def _git_line_paths(rest: bytes) -> tuple[bytes | None, bytes | None]:
    """Best-effort paths from ``diff --git <a> <b>`` (later headers override)."""
    if rest[-1:] == b"\r":
        rest = rest[:-1]
    if rest[:1] == b'"':
        got = _unquote(rest, 0)
        if got is None:
            return None, None
        a, j = got
        tail = rest[j:].lstrip(b" ")
        if tail[:1] == b'"':
            got = _unquote(tail, 0)
            b = got[0] if got is not None else tail
        else:
            b = tail
        return _strip_prefix(a), _strip_prefix(b)
    if rest[-1:] == b'"':
        q = rest.find(b' "')
        if q >= 0:
            got = _unquote(rest, q + 1)
            if got is not None:
                return _strip_prefix(rest[:q]), _strip_prefix(got[0])
    n = len(rest)
    if n % 2 == 1 and rest[n // 2] == 0x20:  # "a/X b/X": same name twice
        a, b = rest[: n // 2], rest[n // 2 + 1 :]
        if _strip_prefix(a) == _strip_prefix(b):
            return _strip_prefix(a), _strip_prefix(b)
    k = rest.find(b" b/")
    if k < 0:
        k = rest.find(b" ")
    if k < 0:
        return _strip_prefix(rest), _strip_prefix(rest)
    return _strip_prefix(rest[:k]), _strip_prefix(rest[k + 1 :])


def _parse_range(spec: bytes) -> tuple[int, int] | None:
    comma = spec.find(b",")
    if comma < 0:
        start, count = spec, b"1"
    else:
        start, count = spec[:comma], spec[comma + 1 :]
    if not (start.isdigit() and count.isdigit()):
        return None
    return int(start), int(count)


def _parse_hunk_header(line: bytes) -> tuple[int, int, int, int] | None:
    """Numbers of ``@@ -a,b +c,d @@ section``; None when malformed."""
    end = line.find(b" @@", 4)
    if end < 0:
        return None
    spec = line[4:end]
    sp = spec.find(b" +")
    if sp < 0:
        return None
    old = _parse_range(spec[:sp])
    new = _parse_range(spec[sp + 2 :])
    if old is None or new is None:
        return None
    return old[0], old[1], new[0], new[1]


def _parse_mode(rest: bytes) -> int:
    rest = rest.strip()
    if rest and len(rest) <= 7 and all(0x30 <= c <= 0x37 for c in rest):
        return int(rest, 8)
    return 0


def _header_line(meta: _Meta, line: bytes) -> None:
    """Apply one extended header line of a ``diff --git`` block."""
    fd = meta.fd
    c = line[:1]
    if c == b"i":
        if line.startswith(b"index "):
            parts = line[6:].rstrip(b"\r").split(b" ")
            ids = parts[0].split(b"..")
            if len(ids) == 2 and all(x and x.isalnum() and x.isascii() for x in ids):
                fd.old_oid = ids[0].decode("ascii")
                fd.new_oid = ids[1].decode("ascii")
            if len(parts) > 1:
                mode = _parse_mode(parts[1])
                if mode:
                    fd.old_mode = fd.old_mode or mode
                    fd.new_mode = fd.new_mode or mode
    elif c == b"o":
        if line.startswith(b"old mode "):
            fd.old_mode = _parse_mode(line[9:])
    elif c == b"n":
        if line.startswith(b"new mode "):
            fd.new_mode = _parse_mode(line[9:])
        elif line.startswith(b"new file mode "):
            fd.new_mode = _parse_mode(line[14:])
            meta.status = "A"
            meta.old_null = True
    elif c == b"d":
        if line.startswith(b"deleted file mode "):
            fd.old_mode = _parse_mode(line[18:])
            meta.status = "D"
            meta.new_null = True
    elif c == b"s":
        if line.startswith(b"similarity index "):
            pct = line[17:].rstrip(b"\r").rstrip(b"%")
            if pct.isdigit() and len(pct) <= 3:
                fd.similarity = int(pct)
    elif c == b"r":
        if line.startswith(b"rename from "):
            meta.old_raw = _header_path(line[12:], cut_tab=False)
            meta.status = "R"
        elif line.startswith(b"rename to "):
            meta.new_raw = _header_path(line[10:], cut_tab=False)
            meta.status = "R"
    elif c == b"c":
        if line.startswith(b"copy from "):
            meta.old_raw = _header_path(line[10:], cut_tab=False)
            meta.status = "C"
        elif line.startswith(b"copy to "):
            meta.new_raw = _header_path(line[8:], cut_tab=False)
            meta.status = "C"
    elif c == b"B":
        if line.startswith(b"Binary files ") and b" differ" in line:
            fd.is_binary = True
            fd.binary_reason = "content"
            if not meta.saw_paths:
                body = line[13 : line.rfind(b" differ")]
                if body.count(b" and ") == 1:
                    a, b = body.split(b" and ")
                    _set_side_paths(meta, _header_path(a, cut_tab=False), _header_path(b, cut_tab=False))
    elif c == b"G":
        if line.startswith(b"GIT binary patch"):
            fd.is_binary = True
            fd.binary_reason = "content"
    elif c == b"l":
        # "literal N" inside a GIT binary patch: the first is the new side.
        if line.startswith(b"literal ") and fd.is_binary:
            size = line[8:].rstrip(b"\r")
            if size.isdigit():
                if meta.literals == 0:
                    fd.new_size = int(size)
                elif meta.literals == 1:
                    fd.old_size = int(size)
            meta.literals += 1


def _set_side_paths(meta: _Meta, old: bytes | None, new: bytes | None) -> None:
    """Record ``---``/``+++``-style paths; ``/dev/null`` marks a missing side."""
    if old is not None:
        if old == b"/dev/null":
            meta.old_null = True
        else:
            meta.old_raw = _strip_prefix(old)
    if new is not None:
        if new == b"/dev/null":
            meta.new_null = True
        else:
            meta.new_raw = _strip_prefix(new)


def _decode_path(raw: bytes | None) -> str | None:
    return None if raw is None else raw.decode("utf-8", "surrogateescape")


def _finish(meta: _Meta, added: int, deleted: int) -> None:
    """Settle status, paths and counts of a parsed file."""
    fd = meta.fd
    fd.added = added
    fd.deleted = deleted
    st = meta.status
    if not st:
        if meta.old_null and not meta.new_null:
            st = "A"
        elif meta.new_null and not meta.old_null:
            st = "D"
        elif fd.old_mode and fd.new_mode and (fd.old_mode & _S_IFMT) != (fd.new_mode & _S_IFMT):
            st = "T"
        else:
            st = "M"
    fd.status = st
    old_raw, new_raw = meta.old_raw, meta.new_raw
    if st == "A":
        old_raw = None
    elif st == "D":
        new_raw = None
    fd.old_raw_path, fd.new_raw_path = old_raw, new_raw
    fd.old_path, fd.new_path = _decode_path(old_raw), _decode_path(new_raw)


def _parse(data: bytes, cap: int | None = None) -> list[_Meta]:
    """The parser proper. May raise only on internal bugs (tests call it directly)."""
    lines = data.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()
    has_cr = b"\r" in data
    metas: list[_Meta] = []
    cur: _Meta | None = None
    in_hunk = False
    hlines: list[DiffLine] | None = None  # where hunk lines go; None past the cap
    room = 0  # lines that may still be stored for the current file
    orem = nrem = 0  # lines the current hunk still expects (old / new side)
    ono = nno = 0  # next old / new line numbers
    last = ""  # origin of the previous hunk line ("" right after a marker)
    added = deleted = 0
    unlimited = cap is None
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        i += 1
        if in_hunk:
            c = line[:1]
            if c == b"+":
                if nrem > 0:
                    nrem -= 1
                    added += 1
                    if has_cr and line[-1:] == b"\r":
                        cur.cr_added += 1  # type: ignore[union-attr]
                    if hlines is not None:
                        if unlimited or room > 0:
                            hlines.append(DiffLine("+", line[1:], None, nno))
                            room -= 1
                        else:
                            hlines = None
                            cur.fd.truncated = True  # type: ignore[union-attr]
                    nno += 1
                    last = "+"
                    continue
            elif c == b"-":
                if orem > 0:
                    orem -= 1
                    deleted += 1
                    if has_cr and line[-1:] == b"\r":
                        cur.cr_deleted += 1  # type: ignore[union-attr]
                    if hlines is not None:
                        if unlimited or room > 0:
                            hlines.append(DiffLine("-", line[1:], ono, None))
                            room -= 1
                        else:
                            hlines = None
                            cur.fd.truncated = True  # type: ignore[union-attr]
                    ono += 1
                    last = "-"
                    continue
            elif c == b" " or not line:
                if orem > 0 and nrem > 0:
                    orem -= 1
                    nrem -= 1
                    if hlines is not None:
                        if unlimited or room > 0:
                            hlines.append(DiffLine(" ", line[1:], ono, nno))
                            room -= 1
                        else:
                            hlines = None
                            cur.fd.truncated = True  # type: ignore[union-attr]
                    ono += 1
                    nno += 1
                    last = " "
                    continue
            elif c == b"\\":
                if last:
                    if last != "+":
                        cur.eof_old = True  # type: ignore[union-attr]
                    if last != "-":
                        cur.eof_new = True  # type: ignore[union-attr]
                    last = ""
                    if hlines is not None:
                        if unlimited or room > 0:
                            hlines.append(DiffLine("\\", b"", None, None))
                            room -= 1
                        else:
                            hlines = None
                            cur.fd.truncated = True  # type: ignore[union-attr]
                    continue
            # Not a line this hunk can hold: the hunk is over.
            in_hunk = False
            hlines = None
        c0 = line[:1]
        if c0 == b"@":
            if line.startswith(b"@@ -"):
                nums = _parse_hunk_header(line)
                if nums is None:
                    continue
                if cur is None or cur.combined:
                    if cur is not None:
                        _finish(cur, added, deleted)
                    cur = _Meta()
                    metas.append(cur)
                    added = deleted = 0
                    room = cap or 0
                cur.in_header = False
                o_start, o_len, n_start, n_len = nums
                header = line[:-1] if line[-1:] == b"\r" else line
                hunk = Hunk(o_start, o_len, n_start, n_len, header.decode("utf-8", "replace"))
                # An empty side starts "before" line 1 (e.g. "-0,0"), so the
                # first real line is start + 1 only when the count is 0.
                ono = o_start if o_len else o_start + 1
                nno = n_start if n_len else n_start + 1
                orem, nrem = o_len, n_len
                last = ""
                in_hunk = True
                if unlimited or room > 0:
                    cur.fd.hunks.append(hunk)
                    hlines = hunk.lines
                else:
                    hlines = None
                    cur.fd.truncated = True
            elif line.startswith(b"@@@") and cur is not None and not cur.combined:
                cur.combined = True
            continue
        if c0 == b"d" and line.startswith(b"diff "):
            if line.startswith(b"diff --git "):
                if cur is not None:
                    _finish(cur, added, deleted)
                cur = _Meta(git=True)
                metas.append(cur)
                added = deleted = 0
                room = cap or 0
                cur.old_raw, cur.new_raw = _git_line_paths(line[11:])
                continue
            if line.startswith(b"diff --cc ") or line.startswith(b"diff --combined "):
                if cur is not None:
                    _finish(cur, added, deleted)
                cur = _Meta()
                metas.append(cur)
                added = deleted = 0
                room = cap or 0
                path = _header_path(line[line.index(b" ", 5) + 1 :], cut_tab=False)
                cur.old_raw = cur.new_raw = path
                cur.combined = True
                continue
        if (
            c0 == b"-"
            and line.startswith(b"--- ")
            and i < n
            and lines[i].startswith(b"+++ ")
        ):
            plus = lines[i]
            i += 1
            if cur is None or not cur.in_header or cur.saw_paths:
                if cur is not None:
                    _finish(cur, added, deleted)
                cur = _Meta()
                metas.append(cur)
                added = deleted = 0
                room = cap or 0
            cur.saw_paths = True
            _set_side_paths(
                cur,
                _header_path(line[4:], cut_tab=True),
                _header_path(plus[4:], cut_tab=True),
            )
            continue
        if cur is not None and cur.in_header:
            _header_line(cur, line)
    if cur is not None:
        _finish(cur, added, deleted)
    return metas


def _count_hunk_lines(fd: FileDiff) -> int:
    return sum(len(h.lines) for h in fd.hunks)


def parse_patch(data: bytes, *, max_lines_per_file: int | None = None) -> list[FileDiff]:
    """Parse unified-diff bytes into one :class:`FileDiff` per file.

    Accepts git-style ``diff --git`` blocks (with mode, rename, copy, index
    and binary headers) and plain ``---``/``+++`` diffs. Never raises: on
    garbage it returns what it could make sense of, possibly ``[]``. With
    ``max_lines_per_file``, hunk lines beyond the cap are dropped (counts stay
    exact and the file is marked ``truncated``).
    """
    try:
        if not isinstance(data, bytes):
            data = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else bytes(data)
        metas = _parse(data, max_lines_per_file)
        text_ok = _is_utf8(data)
        out = []
        for meta in metas:
            _annotate(meta, content_utf8=text_ok, cap=max_lines_per_file)
            out.append(meta.fd)
        return out
    except Exception:  # noqa: BLE001 - the contract is "never raise"
        return []


def parse_hunks(patch: bytes) -> list[Hunk]:
    """Parse a header-less patch (a forge's per-file ``patch`` field) into hunks.

    Never raises; returns ``[]`` for input without a valid hunk header.
    """
    try:
        if not isinstance(patch, bytes):
            patch = patch.encode("utf-8", "surrogateescape") if isinstance(patch, str) else bytes(patch)
        return [h for meta in _parse(patch) for h in meta.fd.hunks]
    except Exception:  # noqa: BLE001 - the contract is "never raise"
        return []


def _is_utf8(data: bytes) -> bool:
    if data.isascii():
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# ----------------------------------------------------------------------- notes


def _show(raw: bytes | None) -> str:
    """Bytes for a note: UTF-8 where valid, ``\\xNN`` escapes elsewhere."""
    return "" if raw is None else raw.decode("utf-8", "backslashreplace")


def _kind(mode: int) -> str:
    fmt = mode & _S_IFMT
    if fmt == _MODE_LINK:
        return "symlink"
    if fmt == _MODE_GITLINK:
        return "submodule"
    if fmt == _MODE_TREE:
        return "directory"
    if mode == _MODE_EXEC:
        return "executable file"
    return "regular file"


def _link_target(raw: bytes) -> str:
    if len(raw) > MAX_LINK_TARGET:
        return _show(raw[:MAX_LINK_TARGET]) + "..."
    return _show(raw)


def _escapes_repo(link_path: bytes | None, target: bytes) -> bool:
    """True when a symlink target is absolute or climbs out of the repository."""
    if target.startswith(b"/") or target.startswith(b"~"):
        return True
    base = posixpath.dirname(link_path or b"")
    joined = posixpath.normpath(posixpath.join(base, target))
    return joined == b".." or joined.startswith(b"../") or joined.startswith(b"/")


def _new_content(fd: FileDiff) -> bytes | None:
    """The new side's text, rebuilt from hunks (only whole-file hunks)."""
    parts = [ln.raw for h in fd.hunks for ln in h.lines if ln.origin in "+ "]
    return b"\n".join(parts) if parts else None


def _old_content(fd: FileDiff) -> bytes | None:
    parts = [ln.raw for h in fd.hunks for ln in h.lines if ln.origin in "- "]
    return b"\n".join(parts) if parts else None


def _size_phrase(fd: FileDiff) -> str:
    if fd.status == "A":
        return f"binary file added ({fd.new_size} bytes)" if fd.new_size else "binary file added"
    if fd.status == "D":
        return f"binary file deleted ({fd.old_size} bytes)" if fd.old_size else "binary file deleted"
    if fd.old_size or fd.new_size:
        return f"binary file ({fd.old_size} -> {fd.new_size} bytes)"
    return "binary file"


def _submodule_sha(fd: FileDiff, side: str) -> str:
    oid = fd.old_oid if side == "old" else fd.new_oid
    if oid:
        return oid
    origin = "-" if side == "old" else "+"
    for h in fd.hunks:
        for ln in h.lines:
            if ln.origin == origin and ln.raw.startswith(b"Subproject commit "):
                return _show(ln.raw[18:].strip())
    return "?"


def _annotate(
    meta: _Meta,
    *,
    content_utf8: bool = True,
    old_link: bytes | None = None,
    new_link: bytes | None = None,
    cap: int | None = None,
) -> None:
    """Add the human-readable notes that explain a file's edge cases."""
    fd = meta.fd
    notes = fd.notes
    old_p, new_p = _show(fd.old_raw_path), _show(fd.new_raw_path)
    st = fd.status

    if st == "R":
        notes.append(f"renamed {old_p} -> {new_p} ({fd.similarity}%)")
    elif st == "C":
        notes.append(f"copied {old_p} -> {new_p} ({fd.similarity}%)")

    old_kind = fd.old_mode & _S_IFMT
    new_kind = fd.new_mode & _S_IFMT
    if st == "T" or (fd.old_mode and fd.new_mode and old_kind != new_kind):
        notes.append(f"type change: {_kind(fd.old_mode)} -> {_kind(fd.new_mode)}")
    elif (
        fd.old_mode in (_MODE_FILE, _MODE_EXEC)
        and fd.new_mode in (_MODE_FILE, _MODE_EXEC)
        and fd.old_mode != fd.new_mode
    ):
        flag = "+x" if fd.new_mode == _MODE_EXEC else "-x"
        notes.append(f"mode {fd.old_mode:o} -> {fd.new_mode:o} ({flag})")

    # Symlinks: quote the target (blob bytes); never follow it.
    if fd.old_mode == _MODE_LINK or fd.new_mode == _MODE_LINK:
        if fd.new_mode == _MODE_LINK and st != "D":
            target = new_link if new_link is not None else _new_content(fd)
            if target is not None:
                text = f"symlink -> {_link_target(target)}"
                if fd.old_mode == _MODE_LINK and st != "A":
                    old_t = old_link if old_link is not None else _old_content(fd)
                    if old_t is not None and old_t != target:
                        text += f" (was -> {_link_target(old_t)})"
                notes.append(text)
                if _escapes_repo(fd.new_raw_path, target):
                    notes.append("symlink target is outside the repository")
            else:
                notes.append("symlink")
        elif fd.old_mode == _MODE_LINK:
            target = old_link if old_link is not None else _old_content(fd)
            if st == "D":
                notes.append(f"symlink removed (was -> {_link_target(target or b'')})")
            else:
                notes.append(f"symlink replaced (was -> {_link_target(target or b'')})")

    # Submodules: only the recorded commit changes; nothing is fetched.
    if fd.old_mode == _MODE_GITLINK or fd.new_mode == _MODE_GITLINK:
        old_sub = fd.old_mode == _MODE_GITLINK and st != "A"
        new_sub = fd.new_mode == _MODE_GITLINK and st != "D"
        if old_sub and new_sub:
            notes.append(f"submodule {_submodule_sha(fd, 'old')} -> {_submodule_sha(fd, 'new')}")
        elif new_sub:
            notes.append(f"submodule added at {_submodule_sha(fd, 'new')}")
        elif old_sub:
            notes.append(f"submodule removed (was {_submodule_sha(fd, 'old')})")

    if fd.is_binary:
        notes.append(_size_phrase(fd))

    if st in ("A", "D") and not fd.hunks and not fd.is_binary and not fd.is_submodule:
        notes.append("empty file added" if st == "A" else "empty file deleted")
    elif st in ("R", "C") and not fd.hunks and not fd.is_binary:
        notes.append("content unchanged")

    base = posixpath.basename(fd.raw_path)
    if base == b".gitattributes":
        notes.append(".gitattributes changed: it can hide diffs (-diff, binary) and change line endings")
    elif base == b".gitmodules":
        notes.append(".gitmodules changed: check submodule URLs and paths")

    if not _is_utf8(fd.old_raw_path or b"") or not _is_utf8(fd.new_raw_path or b""):
        notes.append("path is not valid UTF-8 (raw bytes kept, shown escaped)")
    if not content_utf8 and fd.hunks:
        if any(not _is_utf8(ln.raw) for h in fd.hunks for ln in h.lines):
            notes.append("content is not valid UTF-8 (raw bytes kept, shown escaped)")

    if meta.cr_added or meta.cr_deleted:
        notes.append(
            f"CRLF line endings: {meta.cr_added} added and {meta.cr_deleted} deleted line(s) end in \\r"
        )
    if meta.eof_old or meta.eof_new:
        if meta.eof_old and meta.eof_new:
            side = "old and new versions"
        elif meta.eof_old:
            side = "old version"
        else:
            side = "new version"
        notes.append(f"no newline at end of file ({side})")

    if fd.truncated:
        shown = _count_hunk_lines(fd)
        limit = f" (limit {cap} lines)" if cap else ""
        notes.append(
            f"diff truncated: {shown} lines shown{limit}; +{fd.added} -{fd.deleted} counts are exact"
        )
    if meta.combined:
        notes.append("combined merge diff (--cc) hunks not shown")


