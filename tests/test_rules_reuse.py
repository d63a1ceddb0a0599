"""Work reused across files with the same content, and the files that get only the cheap checks."""

from __future__ import annotations

import json

from triage.models import DiffLine, FileDiff, Hunk
from triage.pipeline import source_files
from triage.rules import SourceFile, analyze, blobcache, generated, release

BLOB = "ab" * 20
KEY = "AKIA" + "Z3MSJV4WWNKWW5FG"
CODE = (
    "import pickle\nimport subprocess\n\n"
    "def load(blob, cmd):\n"
    "    data = pickle.loads(blob)\n"
    "    subprocess.run(cmd, shell=True)\n"
    "    eval(data)\n"
    "    return data\n"
)


def sf(path: str, text: str, added, blob: str = "") -> SourceFile:
    return SourceFile(path=path, text=text, added_lines=frozenset(added), blob=blob)


def keys(findings):
    return [(f.path, f.line, f.rule, f.message) for f in findings]


def test_the_same_blob_is_parsed_and_lexed_once_and_gives_the_same_findings():
    blobcache.clear()
    plain = analyze([sf("app/load.py", CODE, range(1, 9))])
    first = sf("app/load.py", CODE, range(1, 9), BLOB)
    got1 = analyze([first])
    release(first)
    misses = blobcache.stats["misses"]
    # A merge brings the same post-image back, with other added lines: reused, not re-parsed.
    again = sf("app/load.py", CODE, {5, 6}, BLOB)
    got2 = analyze([again])
    assert blobcache.stats["misses"] == misses and blobcache.stats["hits"] >= 1
    assert keys(got1) == keys(plain) and {f.rule for f in got1} >= {"unsafe-deserialization", "shell-injection"}
    assert keys(got2) == [k for k in keys(plain) if k[1] in (5, 6)]


def test_another_lexer_or_another_blob_is_another_entry_and_the_cache_is_bounded(monkeypatch):
    blobcache.clear()
    a = blobcache.entry(BLOB, "PythonLexer", CODE)
    assert blobcache.entry(BLOB, "JavascriptLexer", CODE) is not a
    assert blobcache.entry("cd" * 20, "PythonLexer", CODE) is not a
    assert blobcache.entry(BLOB, "PythonLexer", CODE) is a
    assert blobcache.entry("", "PythonLexer", CODE) is None and blobcache.entry("0" * 40, "x", CODE) is None
    monkeypatch.setattr(blobcache, "MAX_ENTRIES", 2)
    blobcache.entry("ef" * 20, "PythonLexer", CODE)
    assert len(blobcache._entries) == 2 and blobcache.entry(BLOB, "JavascriptLexer", CODE) is not None
    blobcache.clear()


def test_what_counts_as_generated_and_what_never_does():
    c = generated.classify
    assert c("web/package-lock.json", "{}") == "lockfile" and c("uv.lock", "") == "lockfile"
    assert c("docs/logo.svg", "<svg/>") == "SVG"
    assert c("tests/__snapshots__/test_app.ambr", "x") == "snapshot"
    assert c("web/dist/app.js", "var a=1;" * 500) == "minified"
    assert c("x.txt", "a\n" * (generated.HUGE_CHARS // 2 + 1)) == "huge file"
    # The change names its own files: a readable file is read, whatever it is called.
    readable = "function f(x) {\n  return eval(x);\n}\n" * 100
    assert c("web/dist/app.min.js", readable) == ""
    assert c("tests/__snapshots__/helpers.py", "def f():\n    pass\n") == ""
    assert c("src/generated_tables.py", "# @generated\n" + "x = 1\n" * 5000) == ""


def test_a_generated_file_gets_only_the_cheap_checks_and_says_so():
    bundle = "var k='" + KEY + "';" + "function f(a){return eval(a)};" * 200
    lock = '{\n  "lockfileVersion": 3,\n  "token": "' + KEY + '"\n}\n'
    fds = []
    for path, text in (("web/dist/bundle.js", bundle), ("package-lock.json", lock)):
        lines = text.rstrip("\n").split("\n")
        fd = FileDiff(status="A", old_path=None, new_path=path, added=len(lines))
        fd.hunks = [Hunk(0, 0, 1, len(lines), "", [DiffLine("+", ln.encode(), None, i)
                                                 for i, ln in enumerate(lines, 1)])]
        fds.append((fd, text))
    data = {fd.path: text.encode() for fd, text in fds}
    srcs = source_files([fd for fd, _t in fds], lambda f: data[f.path])
    assert [s.generated for s in srcs] == ["minified", "lockfile"]
    for fd, _t in fds:
        assert any("only the cheap checks ran" in n for n in fd.notes), fd.notes
    found = analyze(srcs)
    rules = {(f.path, f.rule) for f in found}
    assert ("web/dist/bundle.js", "hardcoded-secret") in rules and ("package-lock.json", "hardcoded-secret") in rules
    assert not any(f.rule == "eval-exec" for f in found)  # the code rules did not run on the bundle
    json.dumps([n for fd, _t in fds for n in fd.notes])  # notes are plain text
