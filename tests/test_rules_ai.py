"""The AI failure-mode rules: hallucinated-api (with the repository's environment and pins),
token-scope-unchecked, length-only-validation, mirror-test and round-number-timeout."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.gitrepo import RepoBuilder
from triage.rules import RepoContext, SourceFile, analyze
from triage.rules.environment import python_environment
from triage.rules.pins import pins, same_version
from triage.rules.tuning import is_round, kind_of

SECRET = b"test-secret"

LIB = {
    "fakehttp/__init__.py": "from . import sessions\nfrom .api import get\nfrom .sessions import Session\n",
    "fakehttp/api.py": (
        "from . import sessions\nfrom .models import Response\n\n\n"
        "def request(method, url, **kwargs):\n    with sessions.Session() as s:\n"
        "        return s.request(method=method, url=url, **kwargs)\n\n\n"
        "def get(url, params=None, **kwargs) -> Response:\n    return request('get', url, params=params, **kwargs)\n\n\n"
        "def loose(url, **options):\n    return options.get('retries')\n"
    ),
    "fakehttp/models.py": "class Response:\n    def __init__(self):\n        self.status_code = 0\n\n    def json(self):\n        return {}\n",
    "fakehttp/sessions.py": (
        "from .models import Response\n\n\nclass Session:\n    def __enter__(self):\n        return self\n\n"
        "    def __exit__(self, *a):\n        pass\n\n"
        "    def request(self, method, url, params=None, timeout=None) -> Response:\n        return Response()\n"
    ),
    "fakehttp/lazy.py": "def __getattr__(name):\n    return name\n",
}


def install(site: Path, name: str = "fakehttp", version: str = "2.1.0", files: dict | None = None,
            requires: tuple[str, ...] = ()) -> None:
    """A distribution as pip leaves it: dist-info METADATA and RECORD, and the module source."""
    files = LIB if files is None else files
    for rel, text in files.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text)
    meta = site / f"{name}-{version}.dist-info"
    meta.mkdir(parents=True, exist_ok=True)
    reqs = "".join(f"Requires-Dist: {r}\n" for r in requires)
    (meta / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n{reqs}\nbody\n")
    (meta / "RECORD").write_text("".join(f"{rel},,\n" for rel in files) + f"{meta.name}/METADATA,,\n")


def venv_site(root: Path) -> Path:
    site = root / ".venv" / "lib" / "python3.11" / "site-packages"
    site.mkdir(parents=True)
    (root / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    return site


def findings(text: str, files: dict[str, str], *, workdir: str = "", env: tuple[str, ...] = (),
             path: str = "app/m.py", rule: str = "hallucinated-api") -> list[tuple[int, str, str]]:
    data = {k: v.encode() for k, v in {**files, path: text}.items()}
    ctx = RepoContext(read=data.get, paths=tuple(sorted(data)), changed_paths=(path,), workdir=workdir, env_paths=env)
    f = SourceFile(path, text, frozenset(range(1, text.count("\n") + 2)))
    return [(x.line, x.severity, x.message) for x in analyze([f], ctx) if x.rule == rule]


# ---------------------------------------------------------------- acceptance: a real repository with a .venv

def test_a_commit_calling_a_method_the_pinned_library_lacks_is_reported_with_version_and_source(tmp_path,
                                                                                             isolated_git_config):
    from triage.ingest import ingest
    from triage.store import Store

    repo = RepoBuilder(tmp_path / "repo")
    repo.commit({"requirements.txt": "fakehttp==2.1.0\n", "app/__init__.py": "", ".gitignore": ".venv/\n"}, "init")
    install(venv_site(tmp_path / "repo"))
    code = ("import fakehttp\n\n\ndef load(url):\n    s = fakehttp.Session()\n    r = s.request('GET', url, timeout=5)\n"
            "    return r.getStatusMessage()\n")
    sha = repo.commit({"app/client.py": code}, "Add client\n\nCo-Authored-By: Claude <noreply@anthropic.com>")
    with Store(tmp_path / "t.db") as store:
        ingest(store, repo.path, include_all=True, secret=SECRET)
        got = [f for f in store.findings_for(store.resolve_id(sha)) if f["rule"] == "hallucinated-api"]
    assert [f["line"] for f in got] == [7]
    msg = got[0]["message"]
    assert "getStatusMessage" in msg and "fakehttp 2.1.0" in msg and "requirements.txt" in msg
    assert ".venv/lib/python3.11/site-packages/fakehttp/models.py" in msg
    assert got[0]["severity"] == "medium"


def test_a_venv_the_repository_tracks_is_never_used(tmp_path):
    site = venv_site(tmp_path)
    install(site)
    text = "import fakehttp\nfakehttp.nothere()\n"
    tracked = {".venv/lib/python3.11/site-packages/fakehttp/__init__.py": "x", "requirements.txt": "fakehttp\n"}
    assert findings(text, tracked, workdir=str(tmp_path)) == []
    assert [ln for ln, _s, _m in findings(text, {"requirements.txt": "fakehttp\n"}, workdir=str(tmp_path))] == [2]


def test_the_reviewers_config_names_an_environment_and_the_repositorys_cannot(tmp_path, monkeypatch):
    site = tmp_path / "elsewhere" / "site-packages"
    site.mkdir(parents=True)
    install(site)
    text = "import fakehttp\nfakehttp.nothere()\n"
    repo_cfg = {".triage.toml": f'[environment]\npaths = ["{site}"]\n', "requirements.txt": "fakehttp\n"}
    assert findings(text, repo_cfg) == []  # a repository's .triage.toml is not read for this
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[environment]\npaths = ["{site}"]\n')
    monkeypatch.setenv("TRIAGE_CONFIG", str(cfg))
    got = findings(text, {"requirements.txt": "fakehttp\n"})
    assert [ln for ln, _s, _m in got] == [2] and "no pin at this commit" in got[0][2]


def test_an_installed_version_that_differs_from_the_pin_is_said_and_demoted(tmp_path):
    install(tmp_path, version="2.0.0")
    got = findings("import fakehttp\nfakehttp.nothere()\n", {"poetry.lock": '[[package]]\nname = "fakehttp"\nversion = "2.1.0"\n'},
                   env=(str(tmp_path),))
    assert len(got) == 1
    line, sev, msg = got[0]
    assert sev == "low" and "fakehttp 2.0.0 installed" in msg and "poetry.lock pins 2.1.0" in msg


@pytest.mark.parametrize("line, expected", [
    ("fakehttp.get(u, retries=3)", True),             # **kwargs followed to Session.request
    ("fakehttp.get(u, timeout=3)", False),
    ("fakehttp.api.loose(u, retries=3)", False),      # **options read in place: no answer
    ("from fakehttp import Sesion", True),
    ("from fakehttp import sessions", False),         # a submodule
    ("fakehttp.lazy.whatever", False),                # module __getattr__: dynamic
    ("fakehttp.Session().request.__name__", False),
    ("fakehttp.get(u).status_code", False),
    ("fakehttp.get(u).statusCode", True),             # the annotated return type's instance
    ("fakehttp.Session.__name__", False),             # the class object's own attributes
])
def test_what_the_static_api_model_answers(tmp_path, line, expected):
    install(tmp_path)
    text = f"import fakehttp\nu = 'x'\n{line}\n"
    got = findings(text, {"requirements.txt": "fakehttp==2.1.0\n"}, env=(str(tmp_path),))
    assert bool(got) == expected, got


def test_guarded_and_self_assigned_names_and_c_extensions_say_nothing(tmp_path):
    install(tmp_path)
    (tmp_path / "fakehttp" / "_speedups.cpython-311-x86_64-linux-gnu.so").write_bytes(b"\x7fELF")
    text = ("import fakehttp\nimport fakehttp._speedups\n"
            "if hasattr(fakehttp, 'nothere'):\n    fakehttp.nothere()\n"
            "try:\n    fakehttp.gone()\nexcept AttributeError:\n    pass\n"
            "fakehttp.registry = {}\nfakehttp.registry.clear()\n"
            "fakehttp._speedups.anything()\n")
    assert findings(text, {"requirements.txt": "fakehttp\n"}, env=(str(tmp_path),)) == []


def test_no_environment_means_no_answer_and_no_finding():
    assert findings("import fakehttp\nfakehttp.nothere()\n", {"requirements.txt": "fakehttp\n"}) == []


def test_a_stub_package_answers_first_and_is_named(tmp_path):
    install(tmp_path)
    install(tmp_path, "types-fakehttp", "2.1.0.1", {"fakehttp-stubs/__init__.pyi": "def get(url: str, *, timeout: float = ...) -> None: ...\n"})
    got = findings("import fakehttp\nfakehttp.get('u', params={})\n", {"requirements.txt": "fakehttp==2.1.0\n"},
                   env=(str(tmp_path),))
    assert len(got) == 1 and "fakehttp-stubs/__init__.pyi" in got[0][2] and "types-fakehttp" in got[0][2]


def test_environment_reads_metadata_top_levels_and_requirements(tmp_path):
    install(tmp_path, "Jinja2", "3.1.6", {"jinja2/__init__.py": ""}, requires=("MarkupSafe>=2.0",))
    install(tmp_path, "MarkupSafe", "3.0.2", {"markupsafe/__init__.py": "", "markupsafe/_speedups.abi3.so": ""})
    env = python_environment(RepoContext(env_paths=(str(tmp_path),)))
    assert env is not None and env.provider("markupsafe.x").version == "3.0.2"
    assert env.required_by({"jinja2"}) == {"markupsafe": "jinja2"}


def test_hallucinated_import_is_quiet_for_what_a_declared_dependency_brings(tmp_path):
    install(tmp_path, "Jinja2", "3.1.6", {"jinja2/__init__.py": ""}, requires=("MarkupSafe>=2.0",))
    install(tmp_path, "MarkupSafe", "3.0.2", {"markupsafe/__init__.py": ""})
    install(tmp_path, "leftpadx", "0.1", {"leftpadx/__init__.py": ""})
    text = "import jinja2\nimport markupsafe\nimport leftpadx\n"
    got = findings(text, {"requirements.txt": "jinja2\n"}, env=(str(tmp_path),), rule="hallucinated-import")
    assert [ln for ln, _s, _m in got] == [3]  # installed, but nothing declared requires it


def test_pins_from_lockfiles_and_manifests():
    data = {
        "poetry.lock": b'[[package]]\nname = "Requests"\nversion = "2.31.0"\n',
        "requirements.txt": b"flask==3.0.2 ; python_version > '3'\nrich>=13\n",
        "package.json": b'{"dependencies": {"left-pad": "1.3.0", "axios": "^1.6"}}',
        "yarn.lock": b'axios@^1.6:\n  version "1.6.8"\n  resolved "x"\n',
    }
    got = pins(RepoContext(read=data.get, paths=tuple(sorted(data))))
    assert got.python["requests"].version == "2.31.0" and got.python["requests"].source == "poetry.lock"
    assert got.python["flask"].version == "3.0.2" and "rich" not in got.python
    assert got.js["axios"].version == "1.6.8" and got.js["left-pad"].version == "1.3.0"
    assert same_version("2.31", "2.31.0") and same_version("v1.2.0", "1.2") and not same_version("1.2", "1.2.1")


def test_js_named_imports_are_checked_against_the_packages_declarations(tmp_path):
    pkg = tmp_path / "node_modules" / "fakefetch"
    pkg.mkdir(parents=True)
    (pkg / "package.json").write_text('{"name": "fakefetch", "version": "1.4.0", "types": "index.d.ts"}')
    (pkg / "index.d.ts").write_text("export declare function get(url: string): Promise<Res>;\n"
                                    "export interface Res { statusText: string }\nexport * from './extra';\n")
    (pkg / "extra.d.ts").write_text("export const version: string;\nexport { get as fetchIt };\n")
    text = 'import { get, Res, version, fetchIt, getStatusMessage } from "fakefetch";\n'
    got = findings(text, {"package.json": '{"dependencies": {"fakefetch": "1.4.0"}}'}, workdir=str(tmp_path),
                   path="src/a.ts")
    assert len(got) == 1 and "getStatusMessage" in got[0][2] and "fakefetch 1.4.0" in got[0][2]
    assert "node_modules/fakefetch/index.d.ts" in got[0][2]


# ---------------------------------------------------------------- token-scope-unchecked

@pytest.mark.parametrize("body, lines", [
    ("def user(t, k):\n    return jwt.decode(t, k, algorithms=['HS256'])\n", [2]),
    ("def user(t, k):\n    c = jwt.decode(t, k, algorithms=['HS256'])\n    require_scope(c, 'orders:write')\n    return c\n", []),
    ("def user(t, k):\n    return jwt.decode(t, k, algorithms=['HS256'], audience='api')\n", []),
    ("def user(t, k):\n    return jwt.decode(t, k, algorithms=['none'])\n", []),   # jwt-signature-unverified's
    ("def text(b):\n    return b.decode('utf-8')\n", []),
    ("async def dep(token: str = Depends(oauth2_scheme)):\n    if token is None:\n        raise E()\n    return True\n", [1]),
    ("async def dep(token: str = Depends(oauth2_scheme)):\n    return verify(token)\n", []),
])
def test_token_scope(body, lines):
    head = "import jwt\nfrom fastapi import Depends\noauth2_scheme = OAuth2PasswordBearer(tokenUrl='t')\n"
    got = findings(head + body, {}, rule="token-scope-unchecked")
    assert [ln - 3 for ln, _s, _m in got] == lines


def test_js_token_scope_is_a_check():
    text = "function user(req, key) {\n  return jwt.verify(req.token, key);\n}\nfunction admin(req, key) {\n" \
           "  const c = jwt.verify(req.token, key);\n  if (!c.roles.includes('admin')) throw new Error();\n}\n"
    got = findings(text, {}, path="src/auth.js", rule="token-scope-unchecked")
    assert [(ln, sev) for ln, sev, _m in got] == [(2, "low")] and got[0][2].startswith("check:")


# ---------------------------------------------------------------- length-only-validation

@pytest.mark.parametrize("body, lines", [
    ("def f(path):\n    if len(path) > 100:\n        raise ValueError()\n    return open(path)\n", [2]),
    ("def f(path):\n    if len(path) > 100 or '..' in path:\n        raise ValueError()\n    return open(path)\n", []),
    ("def f(url):\n    assert len(url) < 2000\n    return requests.get(url, timeout=5)\n", [2]),
    ("def f(url):\n    assert len(url) < 2000\n    if not url.startswith('https://'):\n        return None\n"
     "    return requests.get(url, timeout=5)\n", []),
    ("def f(cur, ids):\n    if len(ids) > 50:\n        raise ValueError()\n    cur.execute('SELECT 1 WHERE id = ANY(%s)', (ids,))\n", []),
    ("def f(cur, name):\n    if len(name) > 50:\n        raise ValueError()\n    cur.execute(f\"SELECT 1 WHERE n = '{name}'\")\n", [2]),
    ("def f(title):\n    if len(title) > 80:\n        return title[:80]\n    return title\n", []),
    ("def f(user_id):\n    if not user_id or len(user_id) > 36:\n        raise ValueError()\n    return User.objects.get(pk=user_id)\n", [2]),
    ("def f(user_id):\n    if len(user_id) > 36:\n        raise ValueError()\n    uuid.UUID(user_id)\n"
     "    return User.objects.get(pk=user_id)\n", []),
])
def test_length_only_validation(body, lines):
    got = findings("import requests\nimport uuid\n" + body, {}, rule="length-only-validation")
    assert [ln - 2 for ln, _s, _m in got] == lines


# ---------------------------------------------------------------- mirror-test

IMPL = "def total(price, qty, rate=0.2):\n    return price * qty * (1 + rate)\n\n\ndef with_tax(x):\n    return apply_tax(x, 0.2)\n"


def mirror(test: str, impl_added: bool = True) -> list[tuple[str, int]]:
    files = {"app/pricing.py": IMPL, "tests/test_pricing.py": "from app.pricing import total, with_tax\n\n\n" + test}
    srcs = [SourceFile(p, t, frozenset(range(1, t.count("\n") + 2)) if (impl_added or "tests" in p) else frozenset())
            for p, t in files.items()]
    changed = [s for s in srcs if s.added_lines]
    ctx = RepoContext(read=lambda p: files.get(p, "").encode() or None, paths=tuple(files),
                      changed_paths=tuple(s.path for s in changed))
    return [(x.path, x.line) for x in analyze(changed, ctx) if x.rule == "mirror-test"]


@pytest.mark.parametrize("test, mirrored", [
    ("def test_a():\n    assert total(10, 2) == 10 * 2 * (1 + 0.2)\n", True),
    ("def test_a():\n    p, q = 3, 4\n    assert total(p, q) == p * q * (1 + 0.2)\n", True),
    ("def test_a():\n    assert with_tax(100) == apply_tax(100, 0.2)\n", True),
    ("def test_a():\n    expected = total(3, 3)\n    assert total(3, 3) == expected\n", True),
    ("def test_a():\n    assert total(10, 2) == 24\n", False),
    ("def test_a():\n    assert total(10, 2) == 10 * 2 * 1.2\n    assert total(1, 1) == 1.2\n", False),
    ("def test_a():\n    assert total(2, 3, rate=0) == total(3, 2, rate=0)\n", False),       # a property
    ("@pytest.mark.parametrize('p, want', [(1, 1.2)])\ndef test_a(p, want):\n    assert total(p, 1) == want\n", False),
])
def test_mirror_test(test, mirrored):
    got = mirror(test)
    tests = [ln for p, ln in got if p.startswith("tests/")]
    assert bool(tests) == mirrored, got
    # and the production function the mirrors test is named too
    assert any(p == "app/pricing.py" for p, _ln in got) == mirrored


def test_mirror_test_needs_the_code_in_the_same_change():
    assert mirror("def test_a():\n    assert total(10, 2) == 10 * 2 * (1 + 0.2)\n", impl_added=False) == []


# ---------------------------------------------------------------- round-number-timeout

@pytest.mark.parametrize("line, flagged", [
    ("requests.get(u, timeout=30)", True),
    ("requests.get(u, timeout=30)  # upstream p99 is 9 s, three tries", False),
    ("requests.get(u, timeout=7)", False),
    ("requests.get(u, timeout=3.05)", False),
    ("requests.get(u, connect_timeout=6)", True),
    ("REQUEST_TIMEOUT = 30", False),
    ("cache.set(k, v, ttl=60 * 60)", True),
    ("Retry(total=3, max_retries=3)", True),
    ("create_engine(dsn, pool_size=20)", True),
    ("x = os.getenv('TIMEOUT', 30)", False),
    ("timeout = params.get('timeout', 300)", False),
    ("requests.get(u, timeout=0)", False),
])
def test_round_number_timeout(line, flagged):
    got = findings(f"import os\nimport requests\n{line}\n", {}, rule="round-number-timeout")
    assert bool(got) == flagged and all(sev == "low" for _ln, sev, _m in got)


def test_round_numbers_in_tests_and_settings_are_left_alone():
    assert findings("requests.get(u, timeout=30)\n", {}, path="tests/test_x.py", rule="round-number-timeout") == []
    assert findings("TIMEOUTS = {'read_timeout': 30}\nt = {'read_timeout': 30}\n", {}, path="app/settings.py",
                    rule="round-number-timeout") == []


@given(st.integers(min_value=2, max_value=100_000))
def test_round_values_are_those_the_module_doc_lists(v):
    assert is_round(v, "duration") == (v >= 30 and v % 5 == 0)
    assert is_round(v, "ms") == (v >= 30_000 and v % 1000 == 0)
    assert is_round(v, "retry") == (v <= 100 and (v in (3, 5) or v % 5 == 0))


def test_tuning_names():
    assert kind_of("readTimeoutMs") == "ms" and kind_of("connect_timeout") == "connect"
    assert kind_of("max_retries") == "retry" and kind_of("pool_size") == "pool" and kind_of("cache_ttl") == "duration"
    assert kind_of("maxsize") == "" and kind_of("total") == ""


def test_rules_below_the_real_code_bar_are_off_unless_enabled(tmp_path):
    from triage.config import config_with, load_config
    from triage.pipeline import disabled_rules

    cfg = load_config()
    off = disabled_rules(cfg)
    assert {"length-only-validation", "mirror-test", "round-number-timeout"} <= off
    assert not {"hallucinated-api", "token-scope-unchecked"} & off
    on = disabled_rules(config_with({"rules": {"enabled": ["mirror-test"], "disabled": ["unresolved-todo"]}}))
    assert "mirror-test" not in on and {"unresolved-todo", "round-number-timeout"} <= on
