"""A Python file the rules could not parse says so: the reviewer learns which checks did not run."""

from __future__ import annotations

import sys

from triage.ingest import ingest
from triage.rules import SourceFile, analyze, python_ast, release, unparsed
from triage.store import Store

from gitrepo import RepoBuilder

CLAUDE = "\n\nCo-Authored-By: Claude <noreply@anthropic.com>"
BROKEN = (
    "import subprocess\n\n"
    "def run(cmd):\n"
    "    subprocess.call(cmd, shell=True)\n"
    "    return (cmd\n"  # never closed: the file does not parse
)
FINE = "import subprocess\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n    return cmd\n"


def _unparsed(path: str, text: str) -> str:
    src = SourceFile(path=path, text=text, added_lines=frozenset(range(1, text.count("\n") + 2)))
    analyze([src])
    why = unparsed(src)
    release(src)
    return why


def test_a_python_file_with_a_syntax_error_names_it_and_the_checks_that_did_not_run():
    why = _unparsed("app/run.py", BROKEN)
    assert why.startswith(f"does not parse as Python {sys.version_info[0]}.{sys.version_info[1]} (line 5: ")
    assert why.endswith("the checks that need a syntax tree did not run")
    assert _unparsed("app/run.py", FINE) == ""
    # not Python, or no rule asked for a tree: nothing to say
    assert _unparsed("web/run.js", "function f( {\n") == ""
    assert _unparsed("app/empty.py", "x = (\n") == ""


def test_python_names_the_bad_character_by_code_point_and_the_note_would_show_any_other_safely(monkeypatch):
    bidi = "def f():\n    return 1\n\u202e = 2\n"
    assert python_ast.parse_failure(bidi) == f"does not parse as Python {sys.version_info[0]}.{sys.version_info[1]} " \
        "(line 3: invalid non-printable character U+202E)"
    # should a message ever quote the source raw, the note still shows it visibly
    monkeypatch.setattr(python_ast, "parse_failure", lambda text: "does not parse (line 5: '\u202e\x1b[31m')")
    shown = _unparsed("app/run.py", BROKEN)
    assert shown.startswith("does not parse (line 5: ") and "\u202e" not in shown and "\x1b" not in shown


def test_ingest_records_the_note_on_the_file(tmp_path):
    b = RepoBuilder(tmp_path / "r")
    b.commit({"app/a.py": "x = 1\n"}, "start")
    b.commit({"app/run.py": BROKEN, "app/ok.py": FINE}, "add run" + CLAUDE)
    with Store(tmp_path / "t.db") as s:
        ingest(s, b.path, secret=b"s", workers=1)
        (row,) = [r for r in s.conn.execute("select id from changes")]
        files = {f["path"]: f for f in s.get_change(row[0])["files"]}
    assert any("does not parse as Python" in n for n in files["app/run.py"]["notes"])
    assert not any("does not parse" in n for n in files["app/ok.py"]["notes"])
