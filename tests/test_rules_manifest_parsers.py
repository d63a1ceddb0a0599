"""Manifest parsers: every place a Python project declares a dependency, read without running anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from triage.rules import RepoContext, SourceFile, analyze
from triage.rules.manifests import build


def ctx_for(files: dict[str, str], changed: str = "app/main.py") -> RepoContext:
    data = {k: v.encode() for k, v in files.items()}
    return RepoContext(read=data.get, paths=tuple(sorted(data)), changed_paths=(changed,))


def imports_flagged(files: dict[str, str], code: str, path: str = "app/main.py",
                    edited: bool = False) -> list[tuple[str, str]]:
    files = {**files, path: code}
    f = SourceFile(path, code, frozenset(range(1, code.count("\n") + 2)), edited_in_place=edited)
    return [(x.message.split("'")[1], x.severity) for x in analyze([f], ctx_for(files, path))
            if x.rule == "hallucinated-import"]


SETUP_PY = '''
import os
from setuptools import setup

TESTS = ["pytest>=7", "pytest-asyncio"]
REQUIRES = ["click"] + ["httpx"]

def get_version():
    return open(os.path.join("pkg", "version.py")).read()

setup(
    name="pkg",
    version=get_version(),
    install_requires=REQUIRES,
    extras_require={"test": TESTS, "docs": ["sphinx", "furo"], "ldap": ["python-ldap"]},
    **dict(setup_requires=["wheel"]),
)
'''


def test_setup_py_is_read_from_its_syntax_tree_with_extras_and_names():
    man = build(ctx_for({"setup.py": SETUP_PY}))
    assert {"click", "httpx", "pytest", "pytest-asyncio", "sphinx", "furo", "python-ldap", "wheel"} <= man.python


def test_setup_py_is_never_run(tmp_path: Path):
    sentinel = tmp_path / "ran"
    evil = f'open({str(sentinel)!r}, "w").write("x")\nfrom setuptools import setup\nsetup(name="x", install_requires=["attrs"])\n'
    man = build(ctx_for({"setup.py": evil}))
    assert "attrs" in man.python and not sentinel.exists()


def test_the_issue_case_pytest_asyncio_in_extras_is_declared():
    code = "import pytest\nimport pytest_asyncio\nimport click\n"
    assert imports_flagged({"setup.py": SETUP_PY}, code, path="tests/test_app.py") == []


@pytest.mark.parametrize("files", [
    {"setup.cfg": "[metadata]\nname = pkg\n[options]\ninstall_requires = click\ntests_require =\n    pytest\n"},
    {"setup.cfg": "[options.extras_require]\ntest =\n    pytest>=7\n"},
    {"tox.ini": "[tox]\nenvlist = py311\n[testenv]\ndeps =\n    py311: pytest\n    -r requirements/test.txt\n",
     "requirements/test.txt": "coverage\n"},
    {"dev-requirements.txt": "pytest==8.0\n"},
    {"requirements/dev.in": "pytest\n"},
    {"pyproject.toml": '[project]\nname = "p"\n[dependency-groups]\ntest = ["pytest", {include-group = "lint"}]\nlint = ["ruff"]\n'},
    {"pyproject.toml": '[tool.poetry]\nname = "p"\n[tool.poetry.group.dev.dependencies]\npytest = "^8"\n'},
    {"pyproject.toml": '[project]\nname = "p"\n[tool.pdm.dev-dependencies]\ntest = ["pytest"]\n'},
])
def test_dev_and_test_dependencies_count_as_declared(files):
    assert imports_flagged(files, "import pytest\n", path="tests/test_x.py") == []


@pytest.mark.parametrize("lock", [
    ("pylock.toml", '[[packages]]\nname = "rich"\nversion = "13.0"\n'),
    ("requirements.lock", "rich==13.0\n"),
])
def test_lockfile_only_dependencies_are_low(lock):
    files = {"pyproject.toml": '[project]\nname = "p"\ndependencies = ["click"]\n', lock[0]: lock[1]}
    assert imports_flagged(files, "import rich\n") == [("rich", "low")]


def test_type_checking_imports_vendored_code_and_typeshed():
    files = {"pyproject.toml": '[project]\nname = "p"\ndependencies = []\n'}
    code = ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from _typeshed import StrPath\n"
            "    import typing_extensions\nimport notdeclared\n")
    assert imports_flagged(files, code) == [("typing_extensions", "low"), ("notdeclared", "high")]
    assert imports_flagged(files, "import notdeclared\n", path="pkg/_vendor/lib/x.py", edited=True) == []
    assert imports_flagged(files, "import notdeclared\n", path="pkg/_vendor/lib/x.py") == [("notdeclared", "high")]
    assert imports_flagged(files, "import notdeclared\n", path="examples/demo.py") == [("notdeclared", "low")]
