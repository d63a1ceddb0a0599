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
    # issue 16
    "open-redirect": ("medium", "Is the target limited to this site's paths or to an allowlist of hosts?"),
    "trust-boundary-violation": ("medium", "Is this request value validated before the session trusts it?"),
    "insecure-cookie": ("medium", "Should this cookie be Secure, HttpOnly and SameSite?"),
    "ldap-injection": ("high", "Is every value in this LDAP filter or DN escaped (escape_filter_chars, escape_dn_chars)?"),
    "xpath-injection": ("high", "Can the values be passed as XPath variables instead of built into the expression?"),
    "xml-external-entities": ("high", "Does this parser refuse DTDs and external entities (defusedxml, resolve_entities=False)?"),
    "weak-hash": ("medium", "Does anything rely on this digest being hard to forge or reverse, and why not SHA-256 or better?"),
    "weak-crypto": ("high", "Why not a current algorithm (AES-GCM or ChaCha20-Poly1305, RSA of 3072 bits, TLS 1.2 or later)?"),
    "insecure-file-permissions": ("medium", "Who else on the host may read or write this file?"),
    "external-finding": ("medium", "Is this analyzer's finding real here, and what does its rule ask of the change?"),
    "unsafe-archive-extraction": ("high", 'Can a member\'s path escape the target directory (extract with filter="data")?'),
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


def test_the_configuration_knows_every_rule_and_no_other():
    """``[rules]`` and ``[risk.floors]`` accept exactly the registered rules: the id list the
    configuration reads (``data/rule_ids.toml``) is the registry's (a new rule adds its id there)."""
    from triage.config import config_with
    from triage.schema import ConfigError
    from triage.settings import rule_ids

    assert rule_ids() == all_rule_ids()
    newest = sorted(REGISTRY)[-1]
    assert newest in config_with({"rules": {"disabled": [newest]}}).rules.disabled
    with pytest.raises(ConfigError, match="rule id"):
        config_with({"rules": {"disabled": ["no-such-rule"]}})
