"""The rules that come from bandit used as a library: mapped ids, added lines only, no ``# nosec`` escape."""

from __future__ import annotations

import pytest

from triage.rules import REGISTRY, RepoContext, SourceFile, all_rule_ids, analyze
from triage.rules.bandit_bridge import BRIDGED, all_tests


def found(text: str, path: str = "app/crypto.py", added: frozenset[int] | None = None) -> list[tuple[str, int, str]]:
    f = SourceFile(path, text, added or frozenset(range(1, text.count("\n") + 2)))
    return [(x.rule, x.line, x.severity) for x in analyze([f], RepoContext(paths=(path,), changed_paths=(path,)))
            if x.rule in {c.id for c in BRIDGED} and not x.suppressed]


def test_bridged_rules_are_catalogued_like_any_rule():
    all_rule_ids()
    for cls in BRIDGED:
        assert REGISTRY[cls.id] is cls and cls.cwe.startswith("CWE-") and cls.question.endswith("?")
        assert set(cls.tests) <= all_tests(), cls.id  # every bandit test id it names exists in this bandit


@pytest.mark.parametrize("line, expect", [
    ("token = hashlib.md5(seed).hexdigest()", [("weak-hash", 2, "medium")]),
    ('sig = hashlib.new("sha1", payload).digest()', [("weak-hash", 2, "medium")]),
    ("etag = hashlib.md5(body).hexdigest()", []),  # not a security use
    ("key = hashlib.md5(body, usedforsecurity=False).hexdigest()", []),
    ("token = hashlib.sha256(seed).hexdigest()", []),
    ("password_hash = hashlib.md5(password).hexdigest()", []),  # weak-password-hash's
])
def test_weak_hash_only_where_security_depends_on_it(line, expect):
    assert found(f"import hashlib\n{line}\n") == expect


def test_weak_crypto_permissions_and_archives():
    text = ("import os\nimport tarfile\nfrom Crypto.Cipher import ARC4\n"
            "from cryptography.hazmat.primitives.ciphers import modes\n\n\n"
            "def f(key, path, dest):\n"
            "    ARC4.new(key)\n"
            "    modes.ECB()\n"
            "    os.chmod(path, 0o777)\n"
            "    tarfile.open(path).extractall(dest)\n"
            "    tarfile.open(path).extractall(dest, filter='data')\n")
    got = found(text)
    assert ("weak-crypto", 8, "high") in got and ("weak-crypto", 9, "medium") in got
    assert ("insecure-file-permissions", 10, "medium") in got
    assert ("unsafe-archive-extraction", 11, "high") in got
    assert not [g for g in got if g[1] == 12]


def test_the_change_cannot_silence_bandit_with_nosec_and_only_added_lines_count():
    text = "import os\nos.chmod(p, 0o777)  # nosec B103\nos.chmod(q, 0o777)\n"
    assert found(text) == [("insecure-file-permissions", 2, "medium"), ("insecure-file-permissions", 3, "medium")]
    assert found(text, added=frozenset({3})) == [("insecure-file-permissions", 3, "medium")]


def test_triage_suppression_applies_and_test_fixtures_are_left_alone():
    text = "import os\n# triage: ignore[insecure-file-permissions] a scratch dir\nos.chmod(p, 0o777)\n"
    f = SourceFile("app/x.py", text, frozenset({1, 3}))  # the comment was there before the change
    (fd,) = [x for x in analyze([f]) if x.rule == "insecure-file-permissions"]
    assert fd.suppressed and fd.suppressed_by == "existing"
    g = SourceFile("app/x.py", text, frozenset({1, 2, 3}))  # the change wrote the comment itself
    (fd,) = [x for x in analyze([g]) if x.rule == "insecure-file-permissions"]
    assert not fd.suppressed and fd.suppressed_by == "change"
    assert found("import os\nos.chmod(p, 0o777)\n", path="tests/test_x.py") == []
    assert found("import hashlib\ntoken = hashlib.md5(b'x').hexdigest()\n", path="tests/test_x.py") == []


def test_bandit_warnings_never_reach_stderr(capfd):
    found("import hashlib\n\n\ndef token():\n    return hashlib.md5(b'x').hexdigest()\n", path="x.py")
    found("def broken(:\n    pass\n", path="y.py")
    err = capfd.readouterr().err
    assert err == ""


def test_javascript_weak_hash_in_a_security_context():
    js = ("const crypto = require('crypto');\n"
          "function resetToken(email) { return crypto.createHash('md5').update(email).digest('hex'); }\n"
          "function checksum(buf) { return crypto.createHash('md5').update(buf).digest('hex'); }\n")
    f = SourceFile("src/a.js", js, frozenset(range(1, 4)))
    assert [(x.rule, x.line) for x in analyze([f]) if x.rule == "weak-hash"] == [("weak-hash", 2)]


def test_a_file_with_only_weak_hash_needles_does_not_hide_the_next_files_weak_ciphers():
    """bandit keeps its blacklist on a module-level function: a test set built for one file's
    needles must not decide the blacklist calls checked in the next file."""
    cipher = "from Crypto.Cipher import DES\n\n\ndef seal(key, data):\n    return DES.new(key, DES.MODE_ECB).encrypt(data)\n"
    hashes = "from cryptography.hazmat.primitives import hashes\n\nDIGEST = hashes.SHA256()\n"
    first = found(cipher, "app/seal.py")
    assert any(rule == "weak-crypto" and line == 5 for rule, line, _sev in first)
    found(hashes, "app/digest.py")
    assert found(cipher, "app/seal.py") == first
