"""Provides the rules that come from bandit, used as a library: ``weak-hash``,
``weak-crypto``, ``insecure-file-permissions`` and ``unsafe-archive-extraction``.

bandit's checks for broken hashes and ciphers, short keys, old TLS versions, SSH
host-key policies, world-writable modes and tar extraction are precise call matches
with years of maintenance behind them; triage runs them on a changed Python file's
post-image and reports each issue under a triage rule id, with triage's severity,
CWE and reviewer question. The driver keeps the findings on added lines and applies
``triage: ignore[...]`` suppression like any rule's; the change's own ``# nosec``
comments are ignored (a change may not lower its own review).

bandit runs only when a rule's needles occur near the added lines, once per file for
every bridged rule that asks, with only the tests those rules need (about 15 ms for a
350-line module). ``weak-hash`` adds what bandit does not decide: whether the digest
is used for security. A weak digest is reported in a request handler, on request data,
or next to security names (token, secret, signature, session, key, auth, nonce,
otp...); a cache key, ETag or checksum is left alone, and password hashing is
``weak-password-hash``'s. JavaScript's ``crypto.createHash("md5" | "sha1")`` is judged
the same way from its statement and function.
"""

from __future__ import annotations

import ast
import bisect
import io
import logging
import re
import threading
import warnings
from functools import lru_cache
from typing import Iterator

from triage.models import Finding
from triage.rules.base import RepoContext, register
from triage.rules.dataflow import enclosing_view, flow_of
from triage.rules.fileinfo import FileInfo, FileRule, enclosing_function
from triage.rules.names import mentions_password, parts
from triage.rules.tokens import JAVASCRIPT, PYTHON

_SEVERITY = {"HIGH": "high", "MEDIUM": "medium", "LOW": "low", "UNDEFINED": "low"}
_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _bandit():
    """bandit's modules, imported once (None when bandit is not installed)."""
    log = logging.getLogger("bandit")
    log.propagate = False  # its warnings must not reach stderr or the app
    log.addHandler(logging.NullHandler())
    log.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():  # stevedore's deprecation notices must not reach stderr either
            warnings.simplefilter("ignore")
            from bandit.core import config, meta_ast, metrics, node_visitor, test_set
    except Exception:  # noqa: BLE001 - a missing or broken bandit: the bridged rules report nothing
        return None
    return config, meta_ast, metrics, node_visitor, test_set


@lru_cache(maxsize=64)
def _test_set(tests: frozenset[str]):
    mods = _bandit()
    if mods is None:
        return None
    config, _meta, _metrics, _nv, test_set = mods
    from bandit.core import blacklisting

    with _LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ts = test_set.BanditTestSet(config.BanditConfig(), profile={"include": sorted(tests), "exclude": []})
        # bandit keeps the blacklist a test set filtered on the blacklist function itself, so the
        # set built last would decide the blacklist calls of every cached set: keep this one's
        ts._triage_blacklist = (getattr(blacklisting.blacklist, "_checks", None),
                                getattr(blacklisting.blacklist, "_config", None))
    return ts


def _use_blacklist(ts) -> None:
    """Put ``ts``'s own blacklist back on bandit's blacklist test (call under ``_LOCK``)."""
    saved = getattr(ts, "_triage_blacklist", None)
    if saved is None or saved[1] is None:
        return
    from bandit.core import blacklisting

    blacklisting.blacklist._checks, blacklisting.blacklist._config = saved


@lru_cache(maxsize=1)
def all_tests() -> frozenset[str]:
    """The id of every test bandit has (its plugins and its blacklists)."""
    mods = _bandit()
    if mods is None:
        return frozenset()
    from bandit.core import extension_loader

    ids = set(extension_loader.MANAGER.plugins_by_id)
    for tests in extension_loader.MANAGER.blacklist.values():
        ids.update(t["id"] for t in tests)
    return frozenset(ids)


def run_bandit(fi: FileInfo, tests: frozenset[str], *, added_only: bool = False) -> list:
    """bandit's issues for ``fi`` with only ``tests`` (``# nosec`` ignored); [] on any failure.

    ``added_only`` visits only the statements that hold an added line or an import
    (:func:`_changed_visitor`): the issues on added lines are the same, for less work."""
    mods = _bandit()
    ts = _test_set(tests) if mods is not None and tests else None
    if ts is None or fi.tree is None:
        return []
    _config, meta_ast, metrics, node_visitor, _ts = mods
    text = fi.text.replace("\r\n", "\n")
    cls = _changed_visitor(node_visitor.BanditNodeVisitor) if added_only else node_visitor.BanditNodeVisitor
    try:
        with _LOCK:  # bandit's visitor keeps module-level state in its tester
            _use_blacklist(ts)
            v = cls(fi.basename, io.BytesIO(text.encode("utf-8", "replace")),
                    meta_ast.BanditMetaAst(), ts, False, {}, metrics.Metrics())
            if added_only:
                v.marks = _marks(fi)
                v.inert = _inert(ts, cls)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if added_only:
                    v.process_tree(fi.tree)  # the rules' tree, parsed once (the same text)
                else:
                    v.process(text)
    except Exception:  # noqa: BLE001 - bandit failing on odd input must not stop review
        return []
    return list(v.tester.results)


def _marks(fi: FileInfo) -> list[int]:
    """The sorted lines a statement must span for bandit to visit it: the added lines, and
    every line that mentions ``import`` (bandit learns import aliases in visiting order, and
    a later call is named by them)."""
    return sorted(set(fi.added) | {n for n, line in enumerate(fi.lines, 1) if "import" in line})


_NODE_TYPES = tuple(name for name in dir(ast) if isinstance(getattr(ast, name), type)
                    and issubclass(getattr(ast, name), ast.AST))
_AS_TESTED = {"Constant": ("Str", "Bytes")}
"""Node types whose ``visit_`` method only runs other names' tests: bandit's visitor runs a
``Constant``'s tests as ``Str`` or ``Bytes`` tests."""


def _inert(test_set, visitor: type) -> frozenset[str]:
    """Names of the node types whose pre-visit, visit and post-visit change nothing bandit
    reports with ``test_set``: no ``visit_`` method and no test for them (what a pre-visit
    sets up is read only by the same node's visit; the depth it counts is undone after)."""
    tested = set(test_set.tests)
    return frozenset(name for name in _NODE_TYPES
                     if (name in _AS_TESTED or not hasattr(visitor, "visit_" + name))
                     and not tested.intersection(_AS_TESTED.get(name, (name,))))


@lru_cache(maxsize=4)
def _changed_visitor(base: type) -> type:
    """bandit's node visitor, skipping every statement whose lines hold no mark (:func:`_marks`).

    An issue is raised while visiting its node, with that node's line (or one of its call's
    arguments'), so an issue on an added line comes from a statement spanning that line; the
    only state one statement's visit leaves for the next are the import aliases and names,
    and a statement holding an import is visited. Parents and siblings are linked as
    bandit links them; the skipped statements' insides are not visited at all."""

    class ChangedOnly(base):
        marks: list[int] = []
        inert: frozenset[str] = frozenset()
        """Node types whose visit has no effect: no visitor method of bandit's and no test of
        this test set (their children are still visited)."""

        def _wanted(self, node: ast.stmt) -> bool:
            start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", ())])
            end = getattr(node, "end_lineno", None) or start
            k = bisect.bisect_left(self.marks, start)
            return k < len(self.marks) and self.marks[k] <= end

        touched: dict = {}

        def process_tree(self, tree: ast.Module):
            """bandit's ``process`` on a tree already parsed, which is left as it was found:
            the links to parents and siblings bandit adds are taken out again (they would
            keep the shared tree alive in reference cycles)."""
            self.touched = {}  # by id: ``Load()`` and ``Store()`` are one node each, shared
            try:
                self.generic_visit(tree)
            finally:
                for n in self.touched.values():
                    del n._bandit_parent, n._bandit_sibling
                self.touched = {}
            self.context = {"file_data": self.fdata, "filename": self.fname, "lineno": 0,
                            "linerange": [0, 1], "col_offset": 0}
            self.update_scores(self.tester.run_tests(self.context, "File"))
            return self.scores

        def generic_visit(self, node):  # bandit's, with the skip
            touched = self.touched
            for _, value in ast.iter_fields(node):
                if isinstance(value, list):
                    max_idx = len(value) - 1
                    for idx, item in enumerate(value):
                        if isinstance(item, ast.AST):
                            touched[id(item)] = item
                            item._bandit_sibling = value[idx + 1] if idx < max_idx else None
                            item._bandit_parent = node
                            if isinstance(item, ast.stmt) and not self._wanted(item):
                                continue
                            if type(item).__name__ in self.inert:
                                self.generic_visit(item)
                            elif self.pre_visit(item):
                                self.visit(item)
                                self.generic_visit(item)
                                self.post_visit(item)
                elif isinstance(value, ast.AST):
                    touched[id(value)] = value
                    value._bandit_sibling = None
                    value._bandit_parent = node
                    if type(value).__name__ in self.inert:
                        self.generic_visit(value)
                    elif self.pre_visit(value):
                        self.visit(value)
                        self.generic_visit(value)
                        self.post_visit(value)

    return ChangedOnly


class BanditRule(FileRule):
    """A rule whose findings are bandit issues of the ``tests`` it names."""

    tests: tuple[str, ...] = ()
    languages = (PYTHON,)
    severity_from_bandit = False

    def scan(self, fi: FileInfo, ctx: RepoContext) -> Iterator[Finding]:
        if fi.lang != PYTHON or fi.is_test:
            return  # a test's hashes, modes and archives are fixtures
        for issue in _shared_issues(fi):
            if issue.test_id in self.tests and issue.lineno in fi.added:
                finding = self.convert(fi, issue)
                if finding is not None:
                    yield finding

    def convert(self, fi: FileInfo, issue) -> Finding | None:
        sev = _SEVERITY.get(str(issue.severity).upper(), self.severity) if self.severity_from_bandit else None
        return self.hit(fi, issue.lineno, f"{_message(issue.text)} (bandit {issue.test_id})", sev)


def _message(text: str) -> str:
    return " ".join(str(text).split())[:160]


BRIDGED: list[type[BanditRule]] = []


def _bridged(cls: type[BanditRule]) -> type[BanditRule]:
    BRIDGED.append(cls)
    return register(cls)


def _shared_issues(fi: FileInfo) -> list:
    """bandit run once per file, with the tests of every bridged rule whose needles are near the added lines."""
    def compute() -> list:
        tests = frozenset(t for cls in BRIDGED if fi.has_any(cls.needles) for t in cls.tests)
        return run_bandit(fi, tests, added_only=True)
    return fi.once("bandit", compute)


# ------------------------------------------------------------------ weak hash

_SECURITY_WORDS = frozenset({
    "token", "secret", "sign", "signed", "signature", "signer", "auth", "authenticate", "authentication",
    "credential", "credentials", "session", "nonce", "otp", "totp", "hotp", "apikey", "hmac",
    "verify", "verification", "csrf", "xsrf", "integrity", "tamper", "cert", "certificate", "salt", "login",
    "remember", "reset", "cookie", "jwt", "unsubscribe", "invite", "sig", "secretkey", "signingkey",
    "privatekey", "sessionkey", "accesskey",
})
_NOT_SECURITY = frozenset({"etag", "cache", "cached", "checksum", "fingerprint", "dedupe", "dedup", "shard",
                           "bucket", "color", "colour", "avatar", "gravatar", "filename", "fname", "slug"})
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _words(text: str) -> set[str]:
    """The lower-case words of the identifiers in ``text``, and each pair joined (``secret_key`` -> ``secretkey``)."""
    out: set[str] = set()
    for w in _WORD.findall(text):
        ps = parts(w)
        out.update(ps)
        out.update(a + b for a, b in zip(ps, ps[1:]))
    return out


def _statement_text(fi: FileInfo, line: int) -> str:
    lo, hi = max(1, line - 1), min(len(fi.lines), line + 1)
    return "\n".join(fi.lines[lo - 1:hi])


def security_use(fi: FileInfo, line: int) -> str:
    """Why a digest on ``line`` looks security-relevant ("" when it does not)."""
    text = fi.line(line)
    function = _words(enclosing_function(fi, line))
    if (_words(text) | function) & _NOT_SECURITY or any(mentions_password(w) for w in _WORD.findall(text)):
        return ""  # a cache key or a checksum; a password is weak-password-hash's
    near = _words(_statement_text(fi, line)) | function
    hit = sorted(near & _SECURITY_WORDS)
    if hit:
        return f"next to {hit[0]!r}"
    if fi.lang == PYTHON:
        flow = flow_of(fi)
        if flow is not None:
            call = next((c for c in fi.nodes(ast.Call) if c.lineno == line), None)
            if call is not None and enclosing_view(flow, call) is not None:
                return "in a request handler"
    elif re.search(r"\breq(?:uest)?\.(?:query|params|body|headers|cookies)\b", fi.text):
        return "in a request handler"
    return ""


_JS_WEAK = re.compile(r"""createHash\(\s*['"`](md5|sha1|md4|ripemd160)['"`]""", re.I)


@_bridged
class WeakHash(BanditRule):
    id = "weak-hash"
    severity = "medium"
    kind = "ast"
    cwe = "CWE-328"
    question = "Does anything rely on this digest being hard to forge or reverse, and why not SHA-256 or better?"
    languages = (PYTHON, JAVASCRIPT)
    tests = ("B303", "B324")
    needles = ("md5", "sha1", "md4", "md2", "sha(", ".sha.", "hashes.sha", "ripemd")

    def scan(self, fi: FileInfo, ctx: RepoContext) -> Iterator[Finding]:
        if fi.lang == JAVASCRIPT and not fi.is_test:
            for n in sorted(fi.added):
                line = fi.line(n)
                m = _JS_WEAK.search(line) if len(line) < 4000 else None
                why = security_use(fi, n) if m else ""
                if m and why:
                    yield self.hit(fi, n, f"{m.group(1).upper()} digest used {why}: it is broken for security (createHash)")
            return
        yield from super().scan(fi, ctx)

    def convert(self, fi: FileInfo, issue) -> Finding | None:
        why = security_use(fi, issue.lineno)
        if not why:
            return None
        algo = re.search(r"\b(MD[245]|SHA1?|SHA-1)\b", str(issue.text), re.I)
        name = algo.group(1).upper() if algo else "weak"
        return self.hit(fi, issue.lineno, f"{name} digest used {why}: it is broken for security (bandit {issue.test_id})")


@_bridged
class WeakCrypto(BanditRule):
    id = "weak-crypto"
    severity = "high"
    kind = "ast"
    cwe = "CWE-327"
    question = "Why not a current algorithm (AES-GCM or ChaCha20-Poly1305, RSA of 3072 bits, TLS 1.2 or later)?"
    tests = ("B304", "B305", "B502", "B503", "B504", "B505", "B507")
    needles = ("cipher", "des", "arc4", "arc2", "blowfish", "ecb", "idea", "cast5", "ssl", "tls", "rsa", "dsa",
               "generate_private_key", "autoaddpolicy", "warningpolicy", "paramiko")
    severity_from_bandit = True


@_bridged
class InsecureFilePermissions(BanditRule):
    id = "insecure-file-permissions"
    severity = "medium"
    kind = "ast"
    cwe = "CWE-732"
    question = "Who else on the host may read or write this file?"
    tests = ("B103",)
    needles = ("chmod",)


@_bridged
class UnsafeArchiveExtraction(BanditRule):
    id = "unsafe-archive-extraction"
    severity = "high"
    kind = "ast"
    cwe = "CWE-22"
    question = "Can a member's path escape the target directory (extract with filter=\"data\")?"
    tests = ("B202",)
    needles = ("extractall", "tarfile")
