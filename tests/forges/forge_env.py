"""Fixtures for the forge tests: fake forges on loopback, a shared scenario, fast retries.

Every test talks to real HTTP servers on 127.0.0.1 (``fakeforge``); nothing
leaves the machine. ``forge`` is parametrised over the three forge kinds.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from fakeforge import FakeGitea, FakeGitHub, FakeGitLab, FakeRepo

DAY = 86400.0
REPO = "acme/shop"
CLAUDE_TRAILER = "\n\nCo-Authored-By: Claude <noreply@anthropic.com>"
CLAUDE_FOOTER = "\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)"

TOKENS = {
    "github": "ghp_" + "C4N4RYt0k3n" * 3 + "xyz",
    "gitea": "c4a7" * 10,
    "gitlab": "glpat-" + "C4N4RYt0k3nZZ" * 2,
}
ENV = {"github": "GH_TOKEN", "gitea": "GITEA_TOKEN", "gitlab": "GITLAB_TOKEN"}
FAKES = {"github": FakeGitHub, "gitea": FakeGitea, "gitlab": FakeGitLab}

BASE_FILES = {
    "pyproject.toml": '[project]\nname = "shop"\ndependencies = ["requests>=2"]\n',
    "app/__init__.py": "",
    "app/pay.py": "import requests\n\n\ndef charge(amount):\n    return requests.post('https://pay.example', json={'a': amount}, timeout=5)\n",
    "tests/test_pay.py": "from app.pay import charge\n\n\ndef test_charge():\n    assert charge\n",
    "README.md": "# shop\n",
}

PAY_V2 = BASE_FILES["app/pay.py"] + (
    "\n\ndef refund(order_id, reason):\n"
    "    import subprocess\n"
    "    subprocess.run(f\"refund-tool {order_id} --why {reason}\", shell=True)\n"
    "    return eval(reason)\n"
)
AUTH_NEW = (
    "import yaml\n\n"
    "API_KEY = \"sk_live_51H8yXqL2eZvKYlo2C9aBcDeFgHiJkLmN0pQrStUvWxYz\"\n\n\n"
    "def load(path):\n"
    "    with open(path) as fh:\n"
    "        return yaml.load(fh)\n"
)


class FakeClock:
    """A clock that only moves when something sleeps (so rate-limit waits cost no real time)."""

    def __init__(self):
        self.now = time.time()
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += max(0.0, seconds)


@dataclass
class ForgeEnv:
    """One running fake forge and how a user would point triage at it."""

    kind: str
    fake: object
    repo: FakeRepo
    token: str
    tmp: Path
    clock: FakeClock = field(default_factory=FakeClock)

    @property
    def env(self) -> dict:
        return {ENV[self.kind]: self.token}

    @property
    def url(self) -> str:
        return self.fake.url

    @property
    def name(self) -> str:
        return REPO

    def client(self, **kw):
        """A forge client wired to the fake, with fast retries and the fake clock."""
        from triage.forges import open_forge
        from triage.forges.http import RetryPolicy

        policy = kw.pop("policy", RetryPolicy(attempts=5, wait_initial=0.001, wait_max=0.005, wait_jitter=0.0))
        return open_forge(self.kind, REPO, self.url, env=self.env, cache_file=kw.pop("cache_file",
                          self.tmp / "t.httpcache.db"), policy=policy, sleep=self.clock.sleep, clock=self.clock.time,
                          gh_token=lambda host: None, **kw)


class Teammate:
    """One person on the team: their own forge account (a token for ``login``) and database."""

    secret = b"shared-team-secret-0123"

    def __init__(self, forge: "ForgeEnv", name: str, login: str, tmp_path: Path, cfg):
        from triage.store import Store

        self.forge, self.name, self.cfg = forge, name, cfg
        self.token = TOKENS[forge.kind] + name
        forge.fake.tokens[self.token] = login
        self.store = Store(tmp_path / f"{name}.db")

    def client(self):
        """A client with this person's token and their own HTTP cache, fast retries, the fake clock."""
        from triage.forges import open_forge
        from triage.forges.http import RetryPolicy

        policy = RetryPolicy(attempts=3, wait_initial=0.001, wait_max=0.005, wait_jitter=0.0, rate_limit_max_wait=0.0)
        return open_forge(self.forge.kind, REPO, self.forge.url, env={ENV[self.forge.kind]: self.token},
                          cache_file=self.forge.tmp / f"{self.name}.httpcache.db", policy=policy,
                          sleep=self.forge.clock.sleep, clock=self.forge.clock.time, gh_token=lambda host: None)

    def sync(self):
        from triage.forges.sync import sync

        with self.client() as c:
            return sync(self.store, c, label="ai-review", cfg=self.cfg, secret=self.secret)

    def push(self):
        from triage.forges.outbox import push

        return push(self.store, lambda s, r, b: self.client(), clock=self.forge.clock.time,
                    sleep=self.forge.clock.sleep)


def build_scenario(repo: FakeRepo, now: float) -> None:
    """The shared story: AI and human PRs, merged and open, in and out of the window."""
    repo.commit(BASE_FILES, "initial import")
    repo.add_pr(1, {"app/pay.py": PAY_V2}, title="Add refunds", body="Adds refunds." + CLAUDE_FOOTER,
                user="alice", head_ref="claude/refunds", merged=True, message="Add refunds" + CLAUDE_TRAILER,
                created_at=now - 3 * DAY, updated_at=now - 2 * DAY)
    repo.add_pr(2, {"README.md": "# shop\n\nHuman docs.\n"}, title="Docs", body="Just docs", user="bob",
                head_ref="docs", merged=True, created_at=now - 2 * DAY, updated_at=now - 1.5 * DAY)
    repo.add_pr(3, {"app/auth.py": AUTH_NEW}, title="Add auth loader", body="Loads auth config.", user="carol",
                head_ref="copilot/auth-loader", labels=["ai-review"], open_=True, message="Add auth loader",
                author=("Copilot", "198982749+Copilot@users.noreply.github.com"),
                created_at=now - 1 * DAY, updated_at=now - 0.5 * DAY)
    repo.add_pr(4, {"app/misc.py": "X = 1\n"}, title="Misc", body="", user="dave", head_ref="codex/misc",
                open_=True, created_at=now - DAY, updated_at=now - DAY)
    repo.add_pr(5, {"app/old.py": "Y = 2\n"}, title="Old work", body=CLAUDE_FOOTER, user="erin",
                head_ref="claude/old", merged=True, created_at=now - 40 * DAY, updated_at=now - 30 * DAY)


@pytest.fixture(params=["github", "gitea", "gitlab"])
def forge(request, tmp_path) -> ForgeEnv:
    """A started fake forge of each kind with the shared scenario in ``acme/shop``."""
    kind = request.param
    return _start(kind, tmp_path, request)


def _start(kind: str, tmp_path: Path, request) -> ForgeEnv:
    fake = FAKES[kind](TOKENS[kind]).start()
    request.addfinalizer(fake.stop)
    repo = FakeRepo(tmp_path / f"{kind}-repo", REPO)
    build_scenario(repo, time.time())
    fake.repos[REPO] = repo
    return ForgeEnv(kind, fake, repo, TOKENS[kind], tmp_path)


@pytest.fixture
def github(request, tmp_path) -> ForgeEnv:
    """The fake GitHub alone."""
    return _start("github", tmp_path, request)


@pytest.fixture
def gitlab(request, tmp_path) -> ForgeEnv:
    """The fake GitLab alone."""
    return _start("gitlab", tmp_path, request)


@pytest.fixture
def gitea(request, tmp_path) -> ForgeEnv:
    """The fake Gitea alone."""
    return _start("gitea", tmp_path, request)


@pytest.fixture
def cfg():
    from triage.config import load_config

    return load_config(None)


@pytest.fixture(autouse=True)
def _no_forge_tokens(monkeypatch):
    """No test may pick up a real token from the developer's environment or gh."""
    for name in ("GH_TOKEN", "GITHUB_TOKEN", "GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN", "GH_HOST",
                 "GITEA_TOKEN", "FORGEJO_TOKEN", "GITLAB_TOKEN", "GITLAB_ACCESS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")  # no gh binary from the developer's tools
