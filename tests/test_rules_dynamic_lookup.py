"""Callees named through dynamic lookups with constants (``getattr(os, "system")``, ``__import__``)."""

from __future__ import annotations

import ast

import pytest

from triage.rules.python_ast import Aliases


def _aliases(src: str) -> Aliases:
    return Aliases(ast.parse(src))


@pytest.mark.parametrize("expr, expect", [
    ('__import__("os")', "os"),
    ('importlib.import_module("subprocess")', "subprocess"),
    ('getattr(os, "system")', "os.system"),
    ('getattr(__import__("os"), "popen")', "os.popen"),
    ('__import__("os").system', "os.system"),
    ('getattr(runner, "system")', ""),  # not a module
    ('getattr(os, name)', ""),  # not a constant
    ('__import__(name)', ""),
    ('getattr(os, "not an identifier")', ""),
])
def test_a_lookup_with_constants_names_its_module_attribute(expr, expect):
    al = _aliases("import os\nimport importlib\n")
    assert al.dynamic(ast.parse(expr, mode="eval").body) == expect


def test_a_name_bound_to_a_lookup_is_an_alias_and_an_import_still_wins_where_nothing_is_bound():
    al = _aliases('import os\nd = __import__("os")\nrun = getattr(d, "system")\nx = getattr(obj, "y")\n')
    assert al.map["d"] == "os" and al.map["run"] == "os.system"
    assert "x" not in al.map and al.map["os"] == "os"
