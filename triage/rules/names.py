"""Provides identifier splitting and lexicon matching (money, password, secret names).

The lexicons live in ``data/rules/lexicons.toml``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from triage.rules.data import load

_HUMP = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


@lru_cache(maxsize=65536)
def parts(name: str) -> tuple[str, ...]:
    """``getUserAPIKey`` -> ``("get", "user", "api", "key")``; ``MAX_PRICE`` -> ``("max", "price")``."""
    out: list[str] = []
    for chunk in re.split(r"[^A-Za-z0-9]+", name):
        if chunk:
            out.extend(m.group(0).lower() for m in _HUMP.finditer(chunk))
    return tuple(out)


@lru_cache(maxsize=None)
def _lexicon(section: str) -> tuple[frozenset[str], frozenset[str]]:
    d = load("lexicons").get(section, {})
    words = frozenset(w.lower().replace("_", "") for w in d.get("words", []))
    excl = frozenset(w.lower().replace("_", "") for w in d.get("exclude", []))
    return words, excl


def lexicon_words(section: str) -> frozenset[str]:
    """The words of lexicon ``section`` (lower-case, underscores removed)."""
    return _lexicon(section)[0]


@lru_cache(maxsize=65536)
def is_kind(name: str, section: str) -> bool:
    """True when identifier ``name`` names a ``section`` thing (see module doc)."""
    if not name:
        return False
    words, excl = _lexicon(section)
    ps = parts(name)
    if not ps:
        return False
    joined = [a + b for a, b in zip(ps, ps[1:])]
    if any(p in excl for p in ps) or any(j in excl for j in joined):
        return False
    return any(p in words for p in ps) or any(j in words for j in joined)


@lru_cache(maxsize=None)
def _money_weak() -> tuple[frozenset[str], re.Pattern]:
    d = load("lexicons").get("money", {})
    weak = frozenset(w.lower() for w in d.get("weak", []))
    words = "|".join(re.escape(w.lower()) for w in d.get("context", [])) or "(?!)"
    ctx = re.compile(f"(?<![a-z])(?:{words})(?![a-z])")
    return weak, ctx


def money_context(text_lower: str) -> bool:
    """True when a (lower-cased) file talks about money at all."""
    return bool(_money_weak()[1].search(text_lower))


def is_money(name: str, context: bool = True) -> bool:
    """A money name. With ``context=False`` (the file never mentions money) the weak
    words (``total``, ``balance``, ``cost``, ...) do not count."""
    if not is_kind(name, "money"):
        return False
    if context:
        return True
    weak, _ = _money_weak()
    words, _excl = _lexicon("money")
    ps = parts(name)
    return any(p in words and p not in weak for p in ps) or any(a + b in words and a + b not in weak for a, b in zip(ps, ps[1:]))


def is_password(name: str) -> bool:
    return is_kind(name, "password")


def is_secret(name: str) -> bool:
    return is_kind(name, "secret")


def is_security_value(name: str) -> bool:
    """A name for a token, secret, otp, session, reset value and similar."""
    if is_kind(name, "random"):
        return True
    ps = parts(name)
    if "code" in ps or "codes" in ps:
        sens, _ = _lexicon("sensitive_code_words")
        return any(p in sens for p in ps)
    return False


@lru_cache(maxsize=None)
def placeholders() -> tuple[tuple[str, ...], frozenset[str]]:
    """(substrings, whole values) that mark a literal as a placeholder, not a secret."""
    d = load("lexicons").get("secret", {})
    return (
        tuple(str(x).lower() for x in d.get("placeholders", [])),
        frozenset(str(x).lower() for x in d.get("placeholder_values", [])),
    )


PASSWORD_PARTS = frozenset({"password", "passwd", "pwd", "passphrase", "passwords", "pword"})
"""Words that make :func:`mentions_password` true."""


def mentions_password(name: str) -> bool:
    """True when any part of ``name`` is a password word (no exclusions: ``password_hash`` counts)."""
    return any(p in PASSWORD_PARTS for p in parts(name))


_AMOUNT = frozenset({"amount", "amounts", "amt"})
"""Money only beside other money: ``amount`` alone is as often a colour's or a bar's."""


@lru_cache(maxsize=None)
def _other_money() -> re.Pattern:
    words, _excl = _lexicon("money")
    alts = "|".join(sorted(re.escape(w) for w in words - _AMOUNT)) or "(?!)"
    return re.compile(f"(?<![a-z])(?:{alts})(?![a-z])")


def amount_is_money(text_lower: str) -> bool:
    """True when a (lower-cased) file names money by another word than ``amount``
    (``price``, ``balance``, ``fee``...), so that its ``amount`` is money too."""
    return bool(_other_money().search(text_lower))


def only_amount(name: str) -> bool:
    """The name is ``amount`` and nothing else (``amountDue`` or ``max_amount`` say more)."""
    ps = parts(name)
    return len(ps) == 1 and ps[0] in _AMOUNT
