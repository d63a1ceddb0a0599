"""The rule set matches the catalogue: ids, kinds, severities and questions."""

from __future__ import annotations

import re

import pytest

from triage.models import SEVERITIES
from triage.rules import REGISTRY, all_rule_ids

# rules-and-checklists.md §4: id -> (severity, reviewer question)
CATALOGUE = {
    "sql-interpolation": ("high", "Is every clause (WHERE, ORDER BY, LIMIT) parameterized?"),
    "sql-partial-parameterization": ("high", "Is the ORDER BY/LIMIT value mapped through a fixed allowlist?"),
    "xss-unescaped-render": ("high", "Where is this escaped for its output context?"),
    "stacktrace-disclosure": ("medium", "What does the client see on failure?"),
    "hardcoded-secret": ("high", "Where does this come from in production, and was it rotated?"),
    "hallucinated-import": ("high", "Does this exact package exist, is it the intended one, and is it declared?"),
    "swallowed-exception": ("medium", "Which failure is expected, and who learns it happened?"),
    "jwt-signature-unverified": ("high", "Is the signature verified before any claim is trusted?"),
    "float-money": ("medium", "Integer minor units or `Decimal`, with a stated rounding mode?"),
    "unbounded-materialization": ("medium", "How large can this get, and is it paginated or streamed?"),
    "missing-timeout": ("medium", "What is the deadline, and what happens when it passes?"),
    "deep-nesting": ("low", "Could guard clauses flatten this?"),
    "unresolved-todo": ("low", "Is this tracked, or must it be fixed before merge?"),
    "missing-tests": ("medium", "Which test fails if this is reverted?"),
    "insecure-tls-verify": ("high", "Why not a custom CA bundle?"),
    "debug-enabled": ("high", "Can this reach production config?"),
    "cors-wildcard": ("medium", "Which origins need access, and with credentials?"),
    "shell-injection": ("high", "Can this be an argv list?"),
    "eval-exec": ("high", "Can a parser replace dynamic code?"),
    "unsafe-deserialization": ("high", "Can these bytes cross the trust boundary?"),
    "weak-password-hash": ("high", "Is this argon2id, scrypt, bcrypt or PBKDF2 with a salt?"),
    "insecure-random": ("high", "Does this value guard access?"),
}
REQUIRED = {
    "sql-interpolation", "sql-partial-parameterization", "xss-unescaped-render", "stacktrace-disclosure",
    "hardcoded-secret", "hallucinated-import", "swallowed-exception", "float-money", "unbounded-materialization",
    "missing-timeout", "insecure-tls-verify", "shell-injection", "unsafe-deserialization", "eval-exec",
    "weak-password-hash", "insecure-random", "deep-nesting", "unresolved-todo", "missing-tests",
    "hidden-unicode", "gitattributes-hides-diff",
}


def test_at_least_twenty_rules_with_every_required_id():
    ids = set(all_rule_ids())
    assert len(ids) >= 20
    assert REQUIRED <= ids


def test_three_kinds_are_present():
    all_rule_ids()
    kinds = {cls.kind for cls in REGISTRY.values()}
    assert {"token", "ast", "context"} <= kinds


@pytest.mark.parametrize("rule_id", sorted(CATALOGUE))
def test_catalogue_severity_and_question(rule_id):
    all_rule_ids()
    cls = REGISTRY[rule_id]
    severity, question = CATALOGUE[rule_id]
    assert cls.severity == severity
    assert cls.question == question


def test_every_rule_is_well_formed():
    for rule_id in all_rule_ids():
        cls = REGISTRY[rule_id]
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule_id)
        assert cls.severity in SEVERITIES
        assert cls.kind in ("token", "ast", "context")
        assert cls.question.endswith("?")


def test_missing_tests_is_a_per_change_rule():
    all_rule_ids()
    assert REGISTRY["missing-tests"].per_change
