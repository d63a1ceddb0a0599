"""Property tests for triage.diff (hypothesis).

(a) parse_patch never raises and its counts match its hunks;
(b) a diff rendered from random files parses into hunks that, applied to the
    old file, rebuild the new file byte for byte (CR, VT, FF, U+2028, invalid
    UTF-8 and missing final newlines included);
(c) on random pygit2 commits, diff_commit's counts equal libgit2's own stats.
"""

from __future__ import annotations

import difflib
import tempfile

import pygit2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pygit2.enums import DiffFind, DiffOption, ObjectType

from triage import patch as patchmod
from triage.diff import diff_commit
from triage.patch import parse_hunks, parse_patch

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
REPO = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


pytestmark = pytest.mark.usefixtures("isolated_git_config")


def count(fd, origin):
    return sum(ln.origin == origin for h in fd.hunks for ln in h.lines)


# ------------------------------------------------------------ (a) never raises

FRAGMENTS = [
    b"diff --git a/x b/x",
    b'diff --git "a/\\351" "b/\\n"',
    b"diff --cc x",
    b"--- a/x",
    b"+++ b/x",
    b"--- /dev/null",
    b"+++ /dev/null",
    b"@@ -1,2 +1,2 @@",
    b"@@ -0,0 +1 @@",
    b"@@ -1 +0,0 @@",
    b"@@@ -1 -1 +1 @@@",
    b"@@ -3,1 +3,0 @@ ctx",
    b"+added",
    b"-deleted",
    b" context",
    b"",
    b"\\ No newline at end of file",
    b"new file mode 100644",
    b"deleted file mode 120000",
    b"old mode 100644",
    b"new mode 160000",
    b"similarity index 87%",
    b"rename from a",
    b'rename to "b\\tc"',
    b"copy from a",
    b"copy to b",
    b"index 1234567..89abcde 100755",
    b"Binary files a/x and /dev/null differ",
    b"GIT binary patch",
    b"literal 3",
    b"+\r",
    b"-\xff\xfe",
    b" \x0b\x0c\xe2\x80\xa8",
]

garbage = st.one_of(
    st.binary(max_size=400),
    st.lists(
        st.one_of(st.sampled_from(FRAGMENTS), st.binary(max_size=12)), max_size=40
    ).map(b"\n".join),
)


@FAST
@given(garbage)
def test_parse_patch_never_raises_and_counts_match(data):
    internal = patchmod._parse(data)  # would raise on an internal bug
    files = parse_patch(data)
    assert len(files) == len(internal)
    for fd in files:
        assert fd.status in {"A", "D", "M", "R", "C", "T"}
        assert fd.added == count(fd, "+")
        assert fd.deleted == count(fd, "-")
        for h in fd.hunks:
            for ln in h.lines:
                assert ln.origin in {"+", "-", " ", "\\"}
                assert b"\n" not in ln.raw
                if ln.origin == "\\":
                    assert ln.raw == b""
        if fd.old_path is not None:
            assert fd.old_path.encode("utf-8", "surrogateescape") == fd.old_raw_path
        if fd.new_path is not None:
            assert fd.new_path.encode("utf-8", "surrogateescape") == fd.new_raw_path
    for h in parse_hunks(data):
        assert all(ln.origin in {"+", "-", " ", "\\"} for ln in h.lines)


@settings(max_examples=40, deadline=None)
@given(garbage, st.integers(min_value=0, max_value=5))
def test_capped_parse_never_stores_more_than_the_cap(data, cap):
    for fd in parse_patch(data, max_lines_per_file=cap):
        stored = sum(len(h.lines) for h in fd.hunks)
        assert stored <= cap
        assert fd.added >= count(fd, "+") and fd.deleted >= count(fd, "-")
        if stored < cap:
            assert not fd.truncated


# ------------------------------------------------------------ (b) round trip

LINE_ATOMS = [
    b"a", b"b", b"c", b"", b" ", b"x\r", b"\r", b"\x0b", b"\x0c", b"\xe2\x80\xa8",
    b"\xc2\x85", b"\xff\xfe", b"caf\xe9", b"-", b"+", b"\\", b"--- a/x", b"+++ b/x",
    b"@@ -1 +1 @@", b"diff --git a/x b/x", b"\\ No newline at end of file", b"\x00",
]
line = st.one_of(
    st.sampled_from(LINE_ATOMS),
    st.binary(max_size=6).map(lambda b: b.replace(b"\n", b"")),
)
file_lines = st.lists(line, max_size=25)


def to_items(lines, final_newline):
    """[(content, ends_with_newline)], so a missing final newline is a change."""
    return [(ln, final_newline or i < len(lines) - 1) for i, ln in enumerate(lines)]


def render(old, new, context, git_header):
    """A unified diff of two item lists, written the way git writes one."""
    out = []
    if git_header:
        out.append(b"diff --git a/f b/f\nindex 1111111..2222222 100644\n")
    out.append(b"--- a/f\n+++ b/f\n")
    sm = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for group in sm.get_grouped_opcodes(context):
        i1, i2 = group[0][1], group[-1][2]
        j1, j2 = group[0][3], group[-1][4]
        o_start = i1 + 1 if i2 > i1 else i1
        n_start = j1 + 1 if j2 > j1 else j1
        out.append(b"@@ -%d,%d +%d,%d @@\n" % (o_start, i2 - i1, n_start, j2 - j1))

        def emit(origin, item):
            content, newline = item
            out.append(origin + content + b"\n")
            if not newline:
                out.append(b"\\ No newline at end of file\n")

        for tag, a1, a2, b1, b2 in group:
            if tag == "equal":
                for item in old[a1:a2]:
                    emit(b" ", item)
                continue
            for item in old[a1:a2]:
                emit(b"-", item)
            for item in new[b1:b2]:
                emit(b"+", item)
    return b"".join(out)


def apply(old, hunks):
    """Apply parsed hunks to old items; return the new items."""
    result = []
    pos = 0
    for h in hunks:
        start = h.old_start - 1 if h.old_lines else h.old_start
        result.extend(old[pos:start])
        pos = start
        prev = None
        for ln in h.lines:
            if ln.origin == " ":
                assert old[pos][0] == ln.raw
                result.append((ln.raw, True))
                pos += 1
            elif ln.origin == "-":
                assert old[pos][0] == ln.raw
                pos += 1
            elif ln.origin == "+":
                result.append((ln.raw, True))
            elif ln.origin == "\\" and prev in (" ", "+"):
                result[-1] = (result[-1][0], False)
            prev = ln.origin
    result.extend(old[pos:])
    return result


@FAST
@given(
    old_lines=file_lines,
    old_nl=st.booleans(),
    data=st.data(),
    context=st.integers(min_value=0, max_value=4),
    git_header=st.booleans(),
)
def test_round_trip_rebuilds_the_new_file(old_lines, old_nl, data, context, git_header):
    # The new file is the old one with random deletions, insertions and edits.
    new_lines = list(old_lines)
    for _ in range(data.draw(st.integers(min_value=0, max_value=6))):
        op = data.draw(st.sampled_from(["insert", "delete", "replace"]))
        at = data.draw(st.integers(min_value=0, max_value=len(new_lines)))
        if op == "insert":
            new_lines.insert(at, data.draw(line))
        elif new_lines and at < len(new_lines):
            if op == "delete":
                del new_lines[at]
            else:
                new_lines[at] = data.draw(line)
    new_nl = data.draw(st.booleans())
    old, new = to_items(old_lines, old_nl), to_items(new_lines, new_nl)

    patch = render(old, new, context, git_header)
    files = parse_patch(patch)
    if old == new:
        assert files == [] or all(not f.hunks for f in files)
        return
    [fd] = files
    assert fd.path == "f"
    assert apply(old, fd.hunks) == new
    assert fd.added == count(fd, "+") and fd.deleted == count(fd, "-")
    for h in fd.hunks:
        for ln in h.lines:
            if ln.old_no is not None:
                assert old[ln.old_no - 1][0] == ln.raw
            if ln.new_no is not None:
                assert new[ln.new_no - 1][0] == ln.raw
    # A forge's header-less patch field gives the same hunks.
    body = patch[patch.index(b"@@"):]
    assert [(h.old_start, len(h.lines)) for h in parse_hunks(body)] == [
        (h.old_start, len(h.lines)) for h in fd.hunks
    ]


# ------------------------------------------------------------ (c) vs libgit2

# "d/ln" is always a symlink, so a path never changes type (libgit2 shows a
# type change without content, diff_commit shows both sides on purpose).
PATHS = ["a.txt", "d/b.py", "d/e/c.md", "x y.txt", "bin.dat", b"lat\xe9.txt", "run.sh", "d/ln"]
content = st.lists(st.sampled_from([b"alpha", b"beta", b"gamma", b"x\r", b"\xe9t\xe9", b""]), max_size=12).map(
    lambda ls: b"\n".join(ls)
) | st.sampled_from([b"\x00\x01\x02", b"PK\x03\x04\x00", b""])
tree_files = st.dictionaries(
    st.sampled_from(PATHS), st.tuples(st.sampled_from([0o100644, 0o100755]), content), max_size=len(PATHS)
)


def write_tree(repo, files):
    root: dict = {}
    for path, value in files.items():
        raw = path if isinstance(path, bytes) else path.encode()
        *dirs, leaf = raw.split(b"/")
        node = root
        for d in dirs:
            node = node.setdefault(d, {})
        node[leaf] = value

    def write(node):
        entries = []
        for name, value in node.items():
            if isinstance(value, dict):
                entries.append((name, 0o040000, write(value)))
            else:
                mode, data = value
                if name == b"ln":
                    mode = 0o120000
                entries.append((name, mode, repo.create_blob(data)))
        entries.sort(key=lambda e: e[0] + (b"/" if e[1] == 0o040000 else b""))
        body = b"".join(b"%o %s\0" % (m, n) + o.raw for n, m, o in entries)
        return repo.odb.write(ObjectType.TREE, body)

    return write(root)


@REPO
@given(before=tree_files, after=tree_files, context=st.integers(min_value=0, max_value=5))
def test_counts_match_libgit2_stats(before, after, context):
    with tempfile.TemporaryDirectory() as tmp:
        repo = pygit2.init_repository(tmp, bare=True)
        sig = pygit2.Signature("T", "t@example.com", 1_700_000_000, 0)
        c1 = repo.create_commit(None, sig, sig, "a", write_tree(repo, before), [])
        c2 = repo.create_commit(None, sig, sig, "b", write_tree(repo, after), [c1])
        commit = repo[c2]
        files = diff_commit(repo, commit, context_lines=context)

        ref = repo.diff(repo[c1].tree, commit.tree, flags=DiffOption.INCLUDE_TYPECHANGE, context_lines=context)
        ref.find_similar(flags=DiffFind.FIND_RENAMES | DiffFind.FIND_COPIES)
        assert sum(f.added for f in files) == ref.stats.insertions
        assert sum(f.deleted for f in files) == ref.stats.deletions
        assert len(files) == ref.stats.files_changed
        by_path = {f.raw_path: f for f in files}
        for patch in ref:
            _, adds, dels = patch.line_stats
            raw = patch.delta.new_file.raw_path
            fd = by_path[raw]
            assert (fd.added, fd.deleted) == (adds, dels)
            assert fd.status == patch.delta.status_char()
            assert fd.added == count(fd, "+") and fd.deleted == count(fd, "-")
