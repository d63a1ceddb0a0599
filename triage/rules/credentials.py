"""Provides the credential rules: secrets in code, weak password hashing,
non-cryptographic randomness for security values, and unverified JWTs.

``hardcoded-secret`` is language-agnostic: literal key formats (AWS, GitHub,
Stripe, private keys, ... from ``data/rules/secrets.toml``) are searched on every
added line of any file, long lines included (the patterns are linear). Secret
*names* with literal values are found through tokens in Python/JS and through a
``name = value`` line pattern elsewhere (YAML, .env, INI, TOML, JSON, Go, ...).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache
from typing import Iterator
from urllib.parse import unquote

from triage.models import Finding
from triage.rules.base import RepoContext, register
from triage.rules.data import load
from triage.rules.fileinfo import FileInfo, FileRule, enclosing_function, qualify, truncate
from triage.rules.names import (
    PASSWORD_PARTS, is_password, is_secret, is_security_value, lexicon_words, mentions_password, placeholders,
)
from triage.rules.tokens import JAVASCRIPT, PYTHON

MAX_SECRET_SCAN = 8_000_000
"""Lines longer than this skip even the literal-prefix scan."""


@lru_cache(maxsize=None)
def _patterns() -> list[tuple[str, re.Pattern]]:
    out = []
    for p in load("secrets").get("pattern", []):
        try:
            out.append((p["name"], re.compile(p["regex"])))
        except (KeyError, re.error):
            continue
    return out


@lru_cache(maxsize=None)
def _prefilter() -> re.Pattern:
    """A cheap pre-check: a line can only match a pattern if it contains one of these."""
    return re.compile(
        r"AKIA|ASIA|ABIA|ACCA|gh[pousr]_|github_pat_|glpat-|xox[abposr]-|hooks\.slack|_live_|AIza|sk-|npm_|pypi-|SG\.|SK[0-9a-f]|hf_|PRIVATE KEY|eyJ|://"
    )


def entropy(s: str) -> float:
    """Shannon entropy in bits per character."""
    if not s:
        return 0.0
    n = len(s)
    return -sum(c / n * math.log2(c / n) for c in Counter(s).values())


def _classes(s: str) -> int:
    return sum(bool(re.search(p, s)) for p in (r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]"))


def secret_value(value: str, name: str) -> bool:
    """True when ``value`` (a literal given to secret-named ``name``) looks like a real secret."""
    v = value.strip()
    if len(v) < 6 or len(v) > 500 or any(c.isspace() for c in v) or "\x00" in v:
        return False
    low = v.lower()
    contains, equals = placeholders()
    if low in equals or any(p in low for p in contains):
        return False
    if re.fullmatch(r"(.)\1*", v) or low.startswith(("http://", "https://", "/", "./", "file:")):
        return False
    if "abcdefghij" in low or "0123456789" in v:
        return False  # an alphabet to draw from (SALT_CHARS = "abc...xyz0123456789"), not a value drawn
    if mentions_password(name) or is_password(name):
        if re.fullmatch(r"[A-Z]?[a-z]+:", v) or re.search(r"pass(?:word|wd)|pwd", low):
            return False  # a prompt label or a field name ("Password:", "user_password")
        return not re.fullmatch(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+", v)  # an env var name
    if re.fullmatch(r"[a-z]+\d*(?:[_.-][a-z]+\d*)+|[_#@][a-z]+\d*(?:[_.-][a-z]+\d*)*|[A-Z][A-Z0-9]*(?:[_.-][A-Z0-9]+)+", v):
        return False  # an identifier, key or setting name ("auth_token", "_auth_user_id", "#bygroup", "API_KEY")
    if re.fullmatch(r"[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)+", v) and not re.search(r"\d", v):
        return False  # a dotted path ("settings.SECRET")
    if sum(v.count(c) for c in "[]()\\^$*+?{}|") >= 2:
        return False  # a regular expression or a template, not a key
    if len(v) < 8 or _classes(v) < 2:
        return False
    if v.isalpha() and len(v) < 24:
        return False  # a CamelCase identifier ("OAuthWebAuthStrategy")
    return entropy(v) >= 2.5


_GENERIC_ASSIGN = re.compile(
    r"""^\s*(?:(?:export|set|ENV|ARG|const|var|let|val|final|static|private|public|readonly|String|string|str)\s+|-\s+){0,4}"""
    r"""["']?([A-Za-z_][\w.-]{0,80})["']?\s*(?::\s*\w{1,20}\s*=|:=|=>|[:=])\s*(?:!!\w+\s+)?["']?([^\s"'#,;]{6,300})"""
)


@register
class HardcodedSecret(FileRule):
    id = "hardcoded-secret"
    severity = "high"
    kind = "token"
    cwe = "CWE-798"
    question = "Where does this come from in production, and was it rotated?"
    demote_in_tests = True
    cheap = True
    """On a generated file only the line scans run (the known key formats, ``name = value``)."""

    def scan(self, fi: FileInfo, ctx: RepoContext) -> Iterator[Finding]:
        seen: set[int] = set()
        pre = _prefilter()
        for n in sorted(fi.added):
            line = fi.line(n)
            if not line or len(line) > MAX_SECRET_SCAN or not pre.search(line):
                continue
            for label, rx in _patterns():
                m = rx.search(line)
                near = line[m.start(): m.end() + 48].upper() if m else ""
                if m and "EXAMPLE" not in near and "XXXX" not in near and "..." not in near and not _placeholder_url(m.group(0)):
                    seen.add(n)
                    yield self.hit(fi, n, f"{label} in the source ({_redact(m.group(0))})")
                    break
        if getattr(fi.file, "generated", ""):
            yield from self._generic(fi, seen)
        elif fi.lang in (PYTHON, JAVASCRIPT):
            if _names_a_secret(fi):
                yield from self._tokens(fi, seen)
        else:
            yield from self._generic(fi, seen)

    def _generic(self, fi: FileInfo, seen: set[int]) -> Iterator[Finding]:
        for n in sorted(fi.added):
            if n in seen:
                continue
            line = fi.line(n)
            if not line or len(line) > 4000:
                continue
            m = _GENERIC_ASSIGN.match(line)
            if not m:
                continue
            name, value = m.group(1), m.group(2)
            if value.startswith(("$", "%", "{", "<", "!", "&", "*")) or "(" in value:
                continue
            if is_secret(name.split(".")[-1]) and secret_value(value, name):
                seen.add(n)
                yield self.hit(fi, n, f"literal value for {truncate(name, 40)} ({_redact(value)})")

    def _tokens(self, fi: FileInfo, seen: set[int]) -> Iterator[Finding]:
        ts = fi.stream
        toks = ts.toks
        n = len(toks)
        added = fi.added
        for i, t in enumerate(toks):
            # Every finding here is on its literal's first line: only literals starting on
            # an added line can give one the driver keeps.
            if t.kind != "str" or t.line not in added or t.interps or t.line in seen:
                continue
            name = ""
            prev = toks[i - 1] if i else None
            if prev is not None and prev.value in ("=", ":=", "==", "===", "!=", "!==", "??", "||", "or") and i >= 2:
                k = i - 2
                if toks[k].value == "]" and k in ts.match:  # settings["API_TOKEN"] = "..."
                    o = ts.match[k]
                    if o + 1 < k and toks[o + 1].kind == "str":
                        name = toks[o + 1].text
                elif toks[k].kind == "name":
                    name = toks[k].value
                elif toks[k].kind == "str" and prev.value in ("==", "===", "!=", "!=="):
                    name = toks[k].text
                else:
                    # NAME: type = "..."
                    if toks[k].kind in ("name", "punct") and i >= 4 and toks[i - 3].value == ":" and toks[i - 4].kind == "name":
                        name = toks[i - 4].value
                if prev.value in ("??", "||", "or"):
                    # process.env.X || "fallback"   /   os.getenv("X") or "fallback"
                    s0 = ts.primary_start(i - 2)
                    expr = toks[s0:i - 1]
                    name = ""
                    if any(x.value in ("env", "getenv", "environ") for x in expr):
                        cand = [x.text if x.kind == "str" else x.value for x in expr if x.kind in ("name", "str")]
                        name = next((c for c in reversed(cand) if is_secret(c)), "")
            elif prev is not None and prev.value == ":" and i >= 2 and toks[i - 2].kind in ("name", "str"):
                if fi.lang == PYTHON and ts.depth[i - 2] == 0:
                    continue  # ``name: "Type"`` is an annotation, not a dict key
                name = toks[i - 2].text if toks[i - 2].kind == "str" else toks[i - 2].value
            elif i + 1 < n and toks[i + 1].value in ("==", "===") and i + 2 < n and toks[i + 2].kind == "name":
                name = toks[i + 2].value
            elif prev is not None and prev.value == "," and i >= 3:
                # os.getenv("SECRET_KEY", "literal")  /  environ.get(...)  /  jwt.encode(payload, "literal")
                o = self._open_paren(ts, i)
                if o is not None:
                    callee, _s = ts.callee(o)
                    args = ts.args(o)
                    if callee.endswith(("getenv", "environ.get", "env.get", "setdefault")) and args and toks[args[0][0]].kind == "str":
                        name = toks[args[0][0]].text
                    elif re.search(r"(?:^|\.)(?:jwt|jose|jws)\.(?:encode|sign)$", callee) and len(args) >= 2 and args[1][0] == i:
                        if len(t.text) >= 4 and t.text.lower() not in placeholders()[1]:
                            seen.add(t.line)
                            yield self.hit(fi, t.line, f"{callee}() signs with a literal key ({_redact(t.text)})")
                        continue
            if not name or not (is_secret(name) or mentions_password(name) and not _is_meta(name)):
                continue
            if secret_value(t.text, name):
                seen.add(t.line)
                yield self.hit(fi, t.line, f"string literal assigned to {truncate(name, 40)} ({_redact(t.text)})")

    @staticmethod
    def _open_paren(ts, i: int) -> int | None:
        """Index of the "(" of the call whose argument list holds token ``i``."""
        k = ts.shallower[i]  # the nearest token before ``i`` at a smaller depth, within 400
        if k < 0 or i - k >= 400:
            return None
        return k if ts.toks[k].value == "(" else None


_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_LITERAL_SITE = re.compile(
    r"""(?:[=:,|?]|\bor|^)\s*[rRbBuUfF]{0,2}['"`][^'"`\n]{4}|==""", re.M)
"""Where a token finding's literal can start: after ``=`` ``:`` ``,`` ``||`` ``??`` ``or``
(or first on its line, continuing the statement above), with at least four characters
on that line (a secret has six, a JWT key four, neither a line break); or a line that
compares with ``==``."""


@lru_cache(maxsize=None)
def _secret_word() -> re.Pattern:
    words = set(lexicon_words("secret")) | set(PASSWORD_PARTS) | {"jwt", "jose", "jws"}
    return re.compile("|".join(sorted(map(re.escape, words), key=len, reverse=True)))


def _names_a_secret(fi: FileInfo) -> bool:
    """False when no added line starts a string, or no secret or password word (or a
    JWT call) is near the added lines.

    Every token finding needs a name that :func:`is_secret` or
    :func:`mentions_password` accepts (each of its words, or two of them joined, is
    a lexicon word), so the file is lexed only when such a word occurs; the text is
    compared with separators removed, as ``api_key`` / ``apiKey`` / ``"API Key"``.
    """
    # A finding sits on the line where its literal starts. The added lines are searched
    # joined: a match cannot cross from one line into the next, since after any "\n"
    # that ``\s*`` took in, the literal's line matches at its own ``^`` too.
    if not _LITERAL_SITE.search("\n".join(fi.line(n) for n in fi.added)):
        return False
    return bool(_secret_word().search(_NOT_ALNUM.sub("", fi.near_added_lower)))


_URL_CRED = re.compile(r"://([^:/@\s]*):([^@\s]*)@")
_TRIVIAL_PASSWORDS = {"pass", "password", "passwd", "pwd", "secret", "bar", "baz", "foo", "changeme", "example", "test", "xxx", "user"}


def _placeholder_url(s: str) -> bool:
    """``scheme://user:pass@host`` with an obvious placeholder password."""
    m = _URL_CRED.search(s)
    if not m:
        return False
    pw = unquote(m.group(2).rsplit(":", 1)[-1]).lower()
    if m.group(1).lower() == "scott" and pw.startswith("tiger"):
        return True  # Oracle's classic demo account, in every database library's examples
    if any(c.isspace() for c in pw):
        return True
    contains, equals = placeholders()
    return pw in _TRIVIAL_PASSWORDS or pw in equals or any(p in pw for p in contains) or len(set(pw)) <= 1


def _is_meta(name: str) -> bool:
    from triage.rules.names import parts

    return bool(set(parts(name)) & {"field", "label", "prompt", "hint", "placeholder", "policy", "min", "max", "length", "regex", "pattern", "hash", "hashed", "reset", "url", "input", "error", "message", "msg", "confirm"})


def _redact(s: str) -> str:
    s = s.strip()
    if len(s) <= 8:
        return s[:2] + "…"
    return s[:4] + "…" + f" ({len(s)} chars)"


_WEAK = {"md5", "sha1", "sha", "md4", "md2", "ripemd160"}
_FAST = {"sha256", "sha224", "sha384", "sha512", "sha3_256", "sha3_512", "blake2b", "blake2s", "sha-256", "sha-512"}


@register
class WeakPasswordHash(FileRule):
    id = "weak-password-hash"
    severity = "high"
    kind = "token"
    cwe = "CWE-916"
    question = "Is this argon2id, scrypt, bcrypt or PBKDF2 with a salt?"
    languages = (PYTHON, JAVASCRIPT)
    needles = ("md5", "sha1", "sha256", "sha512", "sha224", "sha384", "createhash", "hashlib", "sha3", "blake2")

    def scan(self, fi: FileInfo, ctx: RepoContext) -> Iterator[Finding]:
        ts = fi.stream
        toks = ts.toks
        hashers: dict[str, str] = {}
        done: set[int] = set()
        for i, name, start in ts.calls():
            q = qualify(fi, name) if fi.lang == PYTHON else name
            algo = ""
            last = q.rsplit(".", 1)[-1].lower()
            args = ts.args(i)
            if fi.lang == PYTHON and (q.startswith("hashlib.") or q in ("md5", "sha1", "sha256")) and last in _WEAK | _FAST:
                algo = last
            elif fi.lang == PYTHON and q == "hashlib.new" and args and toks[args[0][0]].kind == "str":
                algo = toks[args[0][0]].text.lower().replace("-", "")
            elif fi.lang == JAVASCRIPT and last == "createhash" and args and toks[args[0][0]].kind == "str":
                algo = toks[args[0][0]].text.lower().replace("-", "")
            elif fi.lang == JAVASCRIPT and name in ("md5", "sha1", "sha256", "CryptoJS.MD5", "CryptoJS.SHA1", "CryptoJS.SHA256"):
                algo = name.rsplit(".", 1)[-1].lower()
            elif name.endswith(".update") and args:
                obj = name.rsplit(".", 1)[0]
                if obj in hashers and any(mentions_password(x) for x in ts.names_in(*args[0])):
                    if toks[i].line not in done:
                        done.add(toks[i].line)
                        yield self.hit(fi, toks[i].line, f"password fed to a {hashers[obj]} digest")
                continue
            if algo not in _WEAK and algo not in _FAST:
                continue
            a, b = ts.stmt_bounds(i)
            target = ts.assigned_name(i)
            if target and not args:
                hashers[target] = algo
            names = ts.names_in(a, b)
            strs = [t.text for t in toks[a:b] if t.kind == "str"]
            if not any(mentions_password(x) for x in names + [target]):
                if target:
                    hashers[target] = algo
                continue
            salted = any("salt" in x.lower() for x in names + strs)
            if algo in _FAST and salted:
                continue
            if toks[i].line in done:
                continue
            done.add(toks[i].line)
            what = f"unsalted {algo}" if algo in _FAST else algo
            yield self.hit(fi, toks[i].line, f"password hashed with {what}, a fast digest")


_PY_RANDOM = {"random", "randint", "randrange", "choice", "choices", "getrandbits", "uniform", "sample", "randbytes", "shuffle"}


@register
class InsecureRandom(FileRule):
    id = "insecure-random"
    severity = "high"
    kind = "token"
    cwe = "CWE-338"
    question = "Does this value guard access?"
    languages = (PYTHON, JAVASCRIPT)
    needles = ("random",)

    def scan(self, fi: FileInfo, ctx: RepoContext) -> Iterator[Finding]:
        if fi.is_test:
            return  # random test data guards nothing
        ts = fi.stream
        toks = ts.toks
        for i, name, start in ts.calls():
            if fi.lang == PYTHON:
                q = qualify(fi, name)
                head, _, last = q.rpartition(".")
                if head not in ("random", "numpy.random", "np.random") or last not in _PY_RANDOM:
                    continue
            else:
                if name != "Math.random":
                    continue
                q = name
            a, b = ts.stmt_bounds(i)
            ctxnames = [ts.assigned_name(i)]
            eq = next((k for k in range(a, i) if toks[k].value in ("=", ":=", "+=")), None)
            if eq is not None:
                ctxnames += [t.text if t.kind == "str" else t.value for t in toks[a:eq] if t.kind in ("name", "str")]
            if a < len(toks) and toks[a].value == "return" or eq is None:
                ctxnames.append(enclosing_function(fi, toks[i].line))
            if a > 0 and toks[a - 1].value == ":" and a >= 2:
                ctxnames.append(toks[a - 2].text if toks[a - 2].kind == "str" else toks[a - 2].value)
            hit = next((c for c in ctxnames if c and is_security_value(c)), "")
            if not hit and fi.lang == PYTHON and fi.tree is not None:
                from triage.rules.web import random_reaches_secret

                hit = random_reaches_secret(fi, toks[i].line)
            if hit:
                yield self.hit(fi, toks[i].line, f"{q}() is not a CSPRNG but produces {truncate(hit, 30)} (use secrets / crypto.randomBytes)")


@register
class JwtSignatureUnverified(FileRule):
    id = "jwt-signature-unverified"
    severity = "high"
    kind = "token"
    cwe = "CWE-347"
    question = "Is the signature verified before any claim is trusted?"
    languages = (PYTHON, JAVASCRIPT)
    needles = ("jwt", "jose", "jws")

    def scan(self, fi: FileInfo, ctx: RepoContext) -> Iterator[Finding]:
        ts = fi.stream
        toks = ts.toks
        verifies = "jwt.verify" in fi.text or "jwtVerify" in fi.text
        for i, name, start in ts.calls():
            q = qualify(fi, name) if fi.lang == PYTHON else name
            if re.search(r"(?:^|\.)(?:jwt|jose|jws|jsonwebtoken)\.(?:encode|sign)$", q):
                c = ts.close_of(i)
                kw = ts.kwarg(i, "algorithm")
                at = kw[0] if kw else ts.keys_in(i + 1, c).get("algorithm")
                if at is not None and at < len(toks) and toks[at].kind == "str" and toks[at].text.lower() == "none":
                    yield self.hit(fi, toks[i].line, f"{q}() signs with alg \"none\": the token carries no signature, anyone can forge it")
                continue
            if not re.search(r"(?:^|\.)(?:jwt|jose|jws|jsonwebtoken)\.(?:decode|get_unverified_claims)$|^(?:jwt|jose\.jwt)\.decode$", q):
                continue
            c = ts.close_of(i)
            keys = ts.keys_in(i + 1, c)
            if q.endswith("get_unverified_claims"):
                yield self.hit(fi, toks[i].line, f"{q}() reads claims without checking the signature")
                continue
            v = keys.get("verify_signature")
            if v is not None and v < len(toks) and toks[v].value in ("False", "false"):
                yield self.hit(fi, toks[v].line, f"{q}() with verify_signature disabled")
                continue
            kw = ts.kwarg(i, "verify")
            if kw and toks[kw[0]].value == "False":
                yield self.hit(fi, toks[kw[0]].line, f"{q}(verify=False) skips the signature check")
                continue
            alg = ts.kwarg(i, "algorithms")
            rng = alg if alg else ((keys["algorithms"], c) if "algorithms" in keys else None)
            if rng and any(t.kind == "str" and t.text.lower() == "none" for t in toks[rng[0]:min(rng[1], rng[0] + 12)]):
                yield self.hit(fi, toks[i].line, f"{q}() accepts alg \"none\"")
                continue
            if fi.lang == JAVASCRIPT and not verifies and ("jsonwebtoken" in fi.text or name == "jwt.decode"):
                yield self.hit(fi, toks[i].line, f"{name}() returns the claims without verifying the signature (use jwt.verify)")
