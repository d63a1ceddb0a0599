"""Provides :func:`build_author_corpus`: a real repository of changes whose author attacks their own review.

Each :class:`Attack` is one change made twice from the same base commit: ``plain``
(the change as it is) and ``attacked`` (the same change plus the attack: a
suppression comment, a ``.triage.toml``, a bot identity, a CRLF message, an
amended sha...). Replayed on a clone, the attacked change must be judged at
least as strictly as the plain one, and the reviewer must see why.

``main`` moves on after the base with an AI commit that adds a ``.triage.toml``
setting every table a repository may not set, so a clone's ``origin/HEAD`` (the
default trusted revision) carries it: a later commit's config must not reach
back to the changes before it, and triage must say what it ignored.

Every object is written with ``odb.write``, so messages keep their CRLF line
ends and authors and committers are exactly what an attacker would choose.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pygit2

from hostile.builder import MODE_FILE, write_commit, write_tree

T0 = 1_767_225_600  # 2026-01-01T00:00:00Z
CLAUDE_TRAILER = "Co-Authored-By: Claude <noreply@anthropic.com>"
ALICE = b"Alice Martin <alice@example.com>"
MALLORY = b"Mallory Agent <mallory@example.com>"
DEPENDABOT = b"dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>"

TROJAN = 'if access_level != "user\u202e \u2066# Check if admin\u2069 \u2066":'
LIVE_KEY = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"

PAYLOAD = {
    "app/admin.py": (
        "import subprocess\n"
        "\n"
        f'STRIPE_KEY = "{LIVE_KEY}"\n'
        'access_level = "user"\n'
        f"{TROJAN}\n"
        '    print("You are an admin.")\n'
        "\n"
        "\n"
        "def find_user(cursor, name):\n"
        "    cursor.execute(f\"SELECT * FROM users WHERE name = '{name}'\")\n"
        "\n"
        "\n"
        "def run(cmd):\n"
        "    subprocess.run(cmd, shell=True)\n"
        "\n"
        "\n"
        "def calc(expr):\n"
        "    return eval(expr)\n"
    ),
}
"""The issue's commit: Trojan Source, a live key, SQL injection, ``shell=True`` and ``eval``."""

SUPPRESSED_PAYLOAD = {
    "app/admin.py": (
        "import subprocess\n"
        "\n"
        f'STRIPE_KEY = "{LIVE_KEY}"  # triage: ignore[hardcoded-secret]\n'
        'access_level = "user"\n'
        "# triage: ignore[hidden-unicode] -- the line below is fine\n"
        f"{TROJAN}\n"
        '    print("You are an admin.")\n'
        "\n"
        "\n"
        "def find_user(cursor, name):\n"
        "    cursor.execute(f\"SELECT * FROM users WHERE name = '{name}'\")  # triage: ignore[sql-interpolation]\n"
        "\n"
        "\n"
        "def run(cmd):\n"
        "    # triage: ignore[shell-injection, eval-exec]\n"
        "    subprocess.run(cmd, shell=True)\n"
        "\n"
        "\n"
        "def calc(expr):\n"
        "    return eval(expr)  # triage: ignore[eval-exec]\n"
    ),
}
"""The same commit, each finding silenced by a comment the commit itself adds."""

TAMPER_TOML = """\
# Everything here lowers review: none of it may apply.
[rules]
disabled = ["hidden-unicode", "hardcoded-secret", "sql-interpolation", "shell-injection", "eval-exec"]

[risk]
ai_authored = 0
no_tests = 0
findings_cap = 0
suppression_added = 0
review_config = { points = 0, floor = "LOW", patterns = [] }

[risk.thresholds]
MEDIUM = 1000
HIGH = 2000
CRITICAL = 3000

[risk.severity_points]
low = 0
medium = 0
high = 0
critical = 0

[risk.floors]
hidden-unicode = "LOW"

[gate]
auto_merge = ["LOW", "MEDIUM", "HIGH", "CRITICAL"]
blocked = []

[sampling]
secret = "the-author-knows-this-secret"

[sampling.rates]
LOW = 0.0
MEDIUM = 0.0
HIGH = 0.0
CRITICAL = 0.0

[provenance]
threshold = 1000

[[provenance.agents]]
id = "claude"
kind = "bot"

[team]
members = [{name = "mallory", emails = ["mallory@example.com"]}]
security = ["mallory"]

[keymap]
"verdict.approve" = "enter"

[trust]
ref = "refs/heads/attacker"

[forge]
review_label = "nothing-to-see"
"""
"""A ``.triage.toml`` setting every table a repository may not set."""

SMALL_CHANGE = {
    "app/slug.py": "def slugify(text):\n    return '-'.join(text.lower().split())\n",
    "tests/test_slug.py": "from app.slug import slugify\n\n\ndef test_slugify():\n    assert slugify('A b') == 'a-b'\n",
}
"""A tidy change with a test: LOW on its own."""


@dataclass
class Attack:
    """One change, without and with the author's attack on its review."""

    slug: str
    what: str
    plain: str
    attacked: str


@dataclass
class AuthorCorpus:
    """The built repository, its attacks by slug, and other named commits."""

    path: Path
    attacks: dict[str, Attack] = field(default_factory=dict)
    commits: dict[str, str] = field(default_factory=dict)


class _Builder:
    def __init__(self, repo: pygit2.Repository):
        self.repo = repo
        self.when = T0

    def blob_entries(self, files: dict[str, str | bytes]) -> dict[bytes, tuple[int, pygit2.Oid]]:
        return {p.encode(): (MODE_FILE, self.repo.create_blob(d.encode() if isinstance(d, str) else d))
                for p, d in files.items()}

    def commit(self, parent: pygit2.Oid | None, files: dict[str, str | bytes | None], message: str, *,
               author: bytes = MALLORY, committer: bytes | None = None, ref: str | None = None,
               crlf: bool = False, when: int | None = None) -> str:
        entries: dict[bytes, tuple[int, pygit2.Oid]] = {}
        if parent is not None:
            entries = _flatten(self.repo, self.repo[parent].peel(pygit2.Commit).tree)
        for path, data in files.items():
            if data is None:
                entries.pop(path.encode(), None)
            else:
                entries.update(self.blob_entries({path: data}))
        self.when += 3600
        raw = message.replace("\n", "\r\n") if crlf else message
        oid = write_commit(self.repo, write_tree(self.repo, entries), [parent] if parent else [], author,
                           when if when is not None else self.when, raw.encode(), committer)
        if ref:
            self.repo.references.create(ref, oid, force=True)
        return str(oid)


def _flatten(repo: pygit2.Repository, tree: pygit2.Tree, prefix: bytes = b"") -> dict[bytes, tuple[int, pygit2.Oid]]:
    out = {}
    for entry in tree:
        name = prefix + entry.raw_name
        if entry.filemode == pygit2.enums.FileMode.TREE:
            out.update(_flatten(repo, repo[entry.id], name + b"/"))
        else:
            out[name] = (entry.filemode, entry.id)
    return out


def _ai(subject: str, body: str = "") -> str:
    return subject + "\n\n" + (body + "\n\n" if body else "") + CLAUDE_TRAILER + "\n"


def build_author_corpus(dest: Path | str) -> AuthorCorpus:
    """Build the corpus in ``dest`` (a new directory)."""
    dest = Path(dest)
    repo = pygit2.init_repository(str(dest), initial_head="main")
    b = _Builder(repo)
    corpus = AuthorCorpus(dest)
    base = b.commit(None, {
        "README.md": "# shop\n",
        "app/__init__.py": "",
        "app/legacy.py": "# triage: ignore[eval-exec] -- the expression comes from our own settings file\n"
                         "RESULT = None\n",
        "tests/test_app.py": "def test_app():\n    assert True\n",
        ".github/workflows/ci.yml": "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
                                    "    steps:\n      - run: pytest\n",
    }, "Initial import\n", author=ALICE)
    corpus.commits["base"] = base
    base_oid = pygit2.Oid(hex=base)

    def attack(slug: str, what: str, plain: dict, attacked: dict | None = None, *, message: str | None = None,
               attacked_message: str | None = None, **attacked_kw) -> None:
        msg = message or _ai(f"{slug}: the change")
        p = b.commit(base_oid, plain, msg, ref=f"refs/heads/case/{slug}/plain")
        a = b.commit(base_oid, attacked if attacked is not None else plain, attacked_message or msg,
                     ref=f"refs/heads/case/{slug}/attacked", **attacked_kw)
        corpus.attacks[slug] = Attack(slug, what, p, a)

    attack("self-suppression", "each finding silenced by a triage: ignore comment the change adds",
           PAYLOAD, SUPPRESSED_PAYLOAD)
    trojan = {"app/access.py": f'access_level = "user"\n{TROJAN}\n    print("You are an admin.")\n'}
    attack("unicode-floor", "a hidden-unicode suppression, to lose the CRITICAL floor of Trojan Source", trojan,
           {"app/access.py": trojan["app/access.py"].replace(TROJAN, TROJAN + "  # triage: ignore[hidden-unicode]")})
    attack("config-tampering", "a .triage.toml in the same change sets every table that lowers review",
           PAYLOAD, {**PAYLOAD, ".triage.toml": TAMPER_TOML})
    attack("identity-spoof", "a Claude trailer under dependabot's author and committer identity",
           SMALL_CHANGE, author=DEPENDABOT, committer=DEPENDABOT)
    attack("crlf-trailer", "a CRLF message, so a naive parser finds no trailer block", SMALL_CHANGE, crlf=True)
    attack("whitespace-separator", "a whitespace-only line before the trailers", SMALL_CHANGE,
           attacked_message="whitespace-separator: the change\n \t\n" + CLAUDE_TRAILER + "\n")
    attack("re-roll", "the same diff amended (new message, time and sha) to draw the sample again", SMALL_CHANGE,
           attacked_message=_ai("re-roll: the change, amended", "Reworded."), when=T0 + 10 * 86400)
    attack("moved-suppression", "an existing suppression comment moved onto the change's new eval",
           {"app/legacy.py": "RESULT = None\n\n\ndef calc(expr):\n    return eval(expr)\n"},
           {"app/legacy.py": "RESULT = None\n\n\ndef calc(expr):\n"
                             "    # triage: ignore[eval-exec] -- the expression comes from our own settings file\n"
                             "    return eval(expr)\n"})
    comment = "# triage: ignore[eval-exec] -- the expression comes from our own settings file\n"
    attack("hijacked-suppression", "a new eval inserted right under an existing suppression comment",
           {"app/legacy.py": comment + "RESULT = None\n\n\ndef calc(expr):\n    return eval(expr)\n"},
           {"app/legacy.py": comment + "value = eval(expr)\nRESULT = None\n"})
    attack("ci-deletion", "the change deletes the CI workflow that would test it", SMALL_CHANGE,
           {**SMALL_CHANGE, ".github/workflows/ci.yml": None})
    corpus.commits["existing-suppression"] = b.commit(
        base_oid, {"app/legacy.py": "# triage: ignore[eval-exec] -- the expression comes from our own settings file\n"
                                    "RESULT = eval(settings.RESULT_EXPR)\n"},
        _ai("Read the result expression from the settings file"), ref="refs/heads/case/existing-suppression")
    corpus.commits["later-config"] = b.commit(base_oid, {".triage.toml": TAMPER_TOML},
                                              _ai("Configure triage for this repository"), ref="refs/heads/main")
    repo.set_head("refs/heads/main")
    return corpus


__all__ = ["Attack", "AuthorCorpus", "LIVE_KEY", "PAYLOAD", "SUPPRESSED_PAYLOAD", "TAMPER_TOML",
           "build_author_corpus"]
