"""Noise found on code nobody here wrote (issue 16), and the detections that must stay.

Each test pairs the look-alike that real packages are full of with the finding an AI
change would still get: the rules were narrowed, never switched off for a file.
"""

from __future__ import annotations

from triage.rules import RepoContext, SourceFile, analyze


def run(path: str, text: str) -> list[tuple[str, int]]:
    f = SourceFile(path, text, frozenset(range(1, text.count("\n") + 2)))
    return [(x.rule, x.line) for x in analyze([f], RepoContext())]


HYGIENE = (
    "def backoff(n):\n"
    "    # TODO: make the base configurable\n"
    "    return 2 ** n\n\n"
    "def close(fh):\n"
    "    try:\n"
    "        fh.close()\n"
    "    except Exception:\n"
    "        pass\n"
)


def test_a_vendored_copy_has_no_todo_or_swallowed_exception_findings():
    for path in ("app/_vendor/retry.py", "app/vendored/pint/util.py", "static/vendor/lib.py", "third_party/x/y.py"):
        assert run(path, HYGIENE) == [], path


def test_first_party_code_with_vendor_in_its_name_keeps_them():
    for path in ("shop/vendors/payouts.py", "shop/vendor_api.py", "app/retry.py"):
        assert run(path, HYGIENE) == [("unresolved-todo", 2), ("swallowed-exception", 8)], path


def test_security_rules_still_read_vendored_code():
    text = "import pickle\n\ndef load(blob):\n    return pickle.loads(blob)\n"
    assert ("unsafe-deserialization", 4) in run("app/_vendor/cache.py", text)
