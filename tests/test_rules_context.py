"""Repository-context rules: hallucinated-import and missing-tests."""

from __future__ import annotations

import pytest

from triage.rules import RepoContext, SourceFile, analyze
from triage.rules.context import python_candidates
from triage.rules.manifests import normalize


def ctx_for(files: dict[str, str], changed: tuple[str, ...] = (), tree: bool = True) -> RepoContext:
    data = {k: v.encode() for k, v in files.items()}
    return RepoContext(read=data.get, paths=tuple(sorted(data)) if tree else (), changed_paths=changed)


def imports(path: str, text: str, ctx: RepoContext) -> list[tuple[int, str, str]]:
    f = SourceFile(path, text, frozenset(range(1, text.count("\n") + 2)))
    return [(x.line, x.severity, x.message) for x in analyze([f], ctx) if x.rule == "hallucinated-import"]


PYPROJECT = """
[project]
name = "my-app"
dependencies = ["requests>=2", "PyYAML", "Pillow"]
[project.optional-dependencies]
ml = ["scikit-learn"]
[dependency-groups]
dev = ["pytest"]
[build-system]
requires = ["setuptools>=68"]
[tool.poetry.dependencies]
python = "^3.11"
Django = "^5"
[tool.poetry.group.docs.dependencies]
mkdocs = "*"
"""


def test_python_imports_against_pyproject_tables_and_import_map():
    ctx = ctx_for({"pyproject.toml": PYPROJECT, "my_app/__init__.py": "", "my_app/core.py": ""})
    text = (
        "import os, sys\nimport requests\nimport yaml\nfrom PIL import Image\nfrom sklearn import svm\n"
        "import pytest\nimport django\nimport mkdocs\nfrom my_app import core\nfrom . import sibling\n"
        "import pkg_resources\nimport fancy_hallucinated_pkg\n"
    )
    got = imports("my_app/main.py", text, ctx)
    assert [(ln, sev) for ln, sev, _ in got] == [(12, "high")]
    assert "fancy_hallucinated_pkg" in got[0][2]


def test_try_except_import_error_is_demoted_and_lockfile_only_is_low():
    ctx = ctx_for({"pyproject.toml": PYPROJECT, "poetry.lock": '[[package]]\nname = "ujson"\n'})
    text = "try:\n    import orjson\nexcept ImportError:\n    orjson = None\nimport ujson\n"
    got = imports("app.py", text, ctx)
    assert [(ln, sev) for ln, sev, _ in got] == [(2, "medium"), (5, "low")]


def test_requirements_follow_r_and_pep503():
    ctx = ctx_for({
        "requirements.txt": "-r requirements/base.txt\nFlask_SQLAlchemy==3.1  # orm\n",
        "requirements/base.txt": "python-dateutil\n-e git+https://example.com/x.git#egg=Zope.Interface\n",
    })
    text = "import flask_sqlalchemy\nimport dateutil.parser\nimport zope.interface\nimport nothere\n"
    assert [ln for ln, _s, _m in imports("x.py", text, ctx)] == [4]


def test_no_manifest_means_no_findings():
    ctx = ctx_for({"README.md": "hi"})
    assert imports("x.py", "import surely_missing_pkg\n", ctx) == []
    # a JS manifest says nothing about Python imports
    ctx = ctx_for({"package.json": '{"dependencies": {}}'})
    assert imports("x.py", "import surely_missing_pkg\n", ctx) == []


def test_manifests_found_without_a_tree_listing():
    ctx = ctx_for({"pyproject.toml": PYPROJECT}, tree=False)
    assert [ln for ln, _s, _m in imports("x.py", "import requests\nimport nopenope\n", ctx)] == [2]


def test_js_imports():
    pkg = '{"name": "web", "dependencies": {"express": "4", "@acme/ui": "1"}, "devDependencies": {"vitest": "1"}}'
    ts = '{\n  // comment\n  "compilerOptions": {"paths": {"@app/*": ["src/*"]},},\n}'
    ctx = ctx_for({"package.json": pkg, "tsconfig.json": ts})
    text = (
        'import express from "express";\nimport { B } from "@acme/ui/button";\nimport fs from "node:fs";\n'
        'import path from "path";\nimport x from "./x";\nimport y from "@app/y";\nimport z from "@/z";\n'
        'import { test } from "vitest";\nconst a = require("left-padz");\nimport b from "@evil/pkg/sub";\n'
        'export { c } from "reexported-pkg";\n'
    )
    got = imports("src/a.ts", text, ctx)
    assert [(ln, m.split("'")[1]) for ln, _s, m in got] == [(9, "left-padz"), (10, "@evil/pkg"), (11, "reexported-pkg")]


def test_go_imports():
    gomod = "module example.com/app\n\ngo 1.22\n\nrequire (\n\tgithub.com/gin-gonic/gin v1.10.0\n)\nrequire golang.org/x/sync v0.7.0\n"
    ctx = ctx_for({"go.mod": gomod})
    text = (
        'package main\n\nimport (\n\t"fmt"\n\t"github.com/gin-gonic/gin"\n\t"golang.org/x/sync/errgroup"\n'
        '\t"example.com/app/internal/db"\n\t"github.com/nope/nope"\n)\n'
    )
    assert [ln for ln, _s, _m in imports("main.go", text, ctx)] == [8]


@pytest.mark.parametrize(
    "module,dist",
    [("yaml", "pyyaml"), ("PIL", "pillow"), ("sklearn", "scikit-learn"), ("cv2", "opencv-python"),
     ("bs4", "beautifulsoup4"), ("jwt", "pyjwt"), ("google.cloud.storage", "google-cloud-storage")],
)
def test_import_map(module, dist):
    assert dist in python_candidates(module)


def test_pep503():
    assert normalize("Flask_SQLAlchemy") == "flask-sqlalchemy"
    assert normalize("zope.interface") == "zope-interface"


# ------------------------------------------------------------- missing-tests

REPO = {"app/billing.py": "x", "tests/test_billing.py": "y", "README.md": "z"}


def test_missing_tests_attaches_to_first_added_line_of_first_source_file():
    files = [
        SourceFile("README.md", "a\nb\n", frozenset({2})),
        SourceFile("app/billing.py", "a\nb\nc\n", frozenset({2, 3})),
        SourceFile("app/other.py", "a\n", frozenset({1})),
    ]
    ctx = ctx_for(REPO, changed=("README.md", "app/billing.py", "app/other.py"))
    got = [(x.path, x.line, x.severity) for x in analyze(files, ctx) if x.rule == "missing-tests"]
    assert got == [("app/billing.py", 2, "medium")]


def test_missing_tests_quiet_when_a_test_is_touched_or_the_repo_has_none():
    src = SourceFile("app/billing.py", "a\n", frozenset({1}))
    touched = ctx_for(REPO, changed=("app/billing.py", "tests/test_billing.py"))
    assert not [x for x in analyze([src], touched) if x.rule == "missing-tests"]
    no_tests = ctx_for({"app/billing.py": "x"}, changed=("app/billing.py",))
    assert not [x for x in analyze([src], no_tests) if x.rule == "missing-tests"]
    docs_only = SourceFile("docs/guide.md", "a\n", frozenset({1}))
    assert not [x for x in analyze([docs_only], ctx_for(REPO, changed=("docs/guide.md",))) if x.rule == "missing-tests"]
