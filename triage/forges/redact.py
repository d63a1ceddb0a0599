"""Provides token redaction for log records and any text that might reach a log.

Patterns cover the well-known token shapes (``ghp_``/``gho_``/``ghu_``/``ghs_``/
``ghr_``, ``github_pat_``, ``glpat-``, and 40-hex tokens such as Gitea's); the
exact value of every token triage loads is registered too, so a token of any
shape is masked. :func:`install` hooks the logging record factory, which sees
every record before any handler does (including exception text).
"""

from __future__ import annotations

import logging
import re
import threading

MASK = "[REDACTED]"

_PATTERNS = re.compile(
    r"gh[pousr]_[A-Za-z0-9]{16,}"
    r"|github_pat_[A-Za-z0-9_]{16,}"
    r"|glpat-[A-Za-z0-9_\-]{16,}"
    r"|(?<![0-9A-Fa-f])[0-9A-Fa-f]{40}(?![0-9A-Fa-f])"
)

_known: set[str] = set()
_lock = threading.Lock()
_installed = False


def register_secret(value: str) -> None:
    """Remember an exact secret so :func:`redact` masks it wherever it appears."""
    if value and len(value) >= 8:
        with _lock:
            _known.add(value)


def redact(text: str) -> str:
    """``text`` with every known secret and token-shaped string replaced by a mask."""
    if not text:
        return text
    for secret in sorted(_known, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    return _PATTERNS.sub(MASK, text)


_STRONG = re.compile(r"gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{16,}|glpat-[A-Za-z0-9_-]{16,}")


def contains_secret(text: str) -> bool:
    """True when ``text`` holds a registered secret or a prefixed token shape.

    Markdown backslash escapes are ignored (``ghp\\_…`` still counts). Bare
    40-hex strings do not count here: commit SHAs look the same.
    """
    plain = text.replace("\\", "")
    with _lock:
        known = list(_known)
    return any(s in text or s in plain for s in known) or bool(_STRONG.search(plain))


_ESCAPED_STRONG = re.compile(
    r"gh[pousr]\\?_[A-Za-z0-9]{16,}"
    r"|github\\?_pat\\?_(?:[A-Za-z0-9]|\\?_){16,}"
    r"|glpat\\?-(?:[A-Za-z0-9]|\\?[_-]){16,}"
)
"""The prefixed token shapes, also with the Markdown escapes ``md_escape`` puts before ``_`` and ``-``."""
_MD_ESCAPABLE = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def redact_post_text(text: str) -> str:
    """``text`` (Markdown for a forge post) with every registered secret and prefixed token
    shape masked, escaped or not: a token-shaped file name or PR title is redacted, and the
    post still goes out."""
    if not text:
        return text
    with _lock:
        known = sorted(_known, key=len, reverse=True)
    for secret in known:
        for form in (secret, _MD_ESCAPABLE.sub(r"\\\1", secret)):
            if form in text:
                text = text.replace(form, MASK)
    return _ESCAPED_STRONG.sub(MASK, text)


def contains_registered_secret(text: str) -> bool:
    """True when ``text`` holds a secret triage itself loaded (a token), escaped or not."""
    plain = text.replace("\\", "")
    with _lock:
        known = list(_known)
    return any(s in text or s in plain for s in known)


def _redact_record(record: logging.LogRecord) -> logging.LogRecord:
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a broken format string must not hide the record
        message = str(record.msg)
    record.msg = redact(message)
    record.args = ()
    if record.exc_info and not record.exc_text:
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    elif record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


class RedactingFilter(logging.Filter):
    """A logging filter that masks tokens in the message, arguments and exception text."""

    def filter(self, record: logging.LogRecord) -> bool:  # noqa: A003 - logging's name
        _redact_record(record)
        return True


def install() -> None:
    """Redact every log record from now on (idempotent).

    Wraps the record factory, so records are masked at creation whatever
    handler (a file, pytest's capture, a TUI log view) receives them later.
    """
    global _installed
    with _lock:
        if _installed:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args, **kwargs) -> logging.LogRecord:
            return _redact_record(previous(*args, **kwargs))

        logging.setLogRecordFactory(factory)
        _installed = True
