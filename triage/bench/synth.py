"""Provides the benchmark's synthetic repository: realistic history, built with pygit2.

:func:`build` writes a bare repository of ``n`` commits, deterministic from a
seed (the same seed and size give the same commit ids on every machine), and
reuses it when a previous run left a complete one in the same place.

What the history looks like (the proportions are the knobs at the top):

* most commits touch 1-5 files with 5-200 changed lines, a few touch 10-30;
* Python, JavaScript/TypeScript, Markdown and config files (YAML, TOML, JSON,
  INI) in a few dozen directories, with new files, deletions, renames and
  mode changes;
* about 10% AI-authored, marked the way agents really mark commits
  (``Co-Authored-By`` trailers, Copilot's and Cursor's author emails, Codex
  and Aider trailers, Claude Code's footer);
* large files of several thousand lines (a dozen per 10,000 commits),
  edited now and then;
* a few binaries (NUL bytes, PNG-like headers);
* merges of short side branches (about 2% of commits), some of them from an
  agent's branch;
* some added lines that the rule catalogue flags (hard-coded secrets, shell
  calls, ``eval``), so analysis has findings to store;
* code that parses: Python and JavaScript files are whole functions of
  one-line statements, and every edit replaces, adds or removes statements
  inside a function (keeping its first) or whole functions, so every Python
  file parses and every JavaScript function's braces close, at every commit
  (``tests/test_bench_synth.py``). Rules that need a Python syntax tree run as
  they would on a real repository.

The repository is packed at the end with ``git repack -a -d`` when git is
installed (real repositories are packed, and the ``git log -p`` baseline
should read the same kind of object store as triage does).
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pygit2

GENERATOR_VERSION = 3
"""Bumped whenever the generator changes what it writes (invalidates caches)."""

COMPLETE_MARKER = "triage-bench-complete"
"""File in the git dir, written last, holding the build's parameters."""

START_TIME = 1_704_067_200  # 2024-01-01T00:00:00Z

AI_SHARE = 0.10
MERGE_SHARE = 0.02
BINARY_SHARE = 0.006
LARGE_FILE_SHARE = 0.012
LARGE_FILES_PER_10K = 12
FINDING_LINE_SHARE = 0.004

FILE_MODE = pygit2.enums.FileMode.BLOB
EXEC_MODE = pygit2.enums.FileMode.BLOB_EXECUTABLE
TREE_MODE = pygit2.enums.FileMode.TREE

DIRS = {
    "py": [
        "src/shop", "src/shop/api", "src/shop/models", "src/shop/services", "src/shop/payments",
        "src/shop/auth", "src/shop/utils", "src/shop/db", "src/shop/db/migrations", "src/worker",
        "src/worker/jobs", "tests", "tests/api", "tests/models", "tests/services", "scripts",
        "tools/release",
    ],
    "js": [
        "web/src", "web/src/components", "web/src/components/cart", "web/src/components/admin",
        "web/src/pages", "web/src/hooks", "web/src/lib", "web/src/api", "web/test", "web/scripts",
    ],
    "md": ["docs", "docs/guide", "docs/adr", "docs/api", "."],
    "cfg": ["config", "deploy", "deploy/k8s", ".github/workflows", "infra/terraform", "web"],
}
EXT = {
    "py": [".py"],
    "js": [".js", ".ts", ".tsx", ".jsx"],
    "md": [".md"],
    "cfg": [".yaml", ".yml", ".toml", ".json", ".ini"],
}
KIND_WEIGHTS = [("py", 45), ("js", 30), ("md", 12), ("cfg", 13)]
CODE = {"py": "    ", "js": "  "}
"""Kinds whose files are code, and the indent of a statement in a function body: edits
keep every Python file parseable and every JavaScript function's braces balanced."""
FUNCTION = {"py": "def ", "js": "export function "}
"""How a function's first line starts, per code kind (see :meth:`Content.function_header`)."""

WORDS = (
    "order cart item price user account session token payment invoice refund customer address "
    "shipping stock product catalog search filter page limit offset cache queue job retry event "
    "config value result status error message request response handler client server record "
    "batch total count amount currency tax discount coupon email report exports imports schema"
).split()

HUMANS = [
    ("Alice Martin", "alice@shop.example"), ("Bob Chen", "bob@shop.example"),
    ("Carla Diaz", "carla@shop.example"), ("Dmitri Ivanov", "dmitri@shop.example"),
    ("Emma Wilson", "emma@shop.example"), ("Farid Haddad", "farid@shop.example"),
    ("Grace Kim", "grace@shop.example"), ("Hiro Tanaka", "hiro@shop.example"),
    ("Ines Costa", "ines@shop.example"), ("Jonas Berg", "jonas@shop.example"),
    ("Kofi Mensah", "kofi@shop.example"), ("Lena Vogel", "lena@shop.example"),
    ("Marco Rossi", "marco@shop.example"), ("Nadia Ali", "nadia@shop.example"),
    ("Oskar Nowak", "oskar@shop.example"), ("Priya Nair", "priya@shop.example"),
    ("Quentin Roy", "quentin@shop.example"), ("Rosa Lopez", "rosa@shop.example"),
    ("Sam Taylor", "sam@shop.example"), ("Tariq Aziz", "tariq@shop.example"),
    ("Uma Patel", "uma@shop.example"), ("Viktor Horvat", "viktor@shop.example"),
]

VERBS = ["Fix", "Add", "Update", "Refactor", "Remove", "Improve", "Handle", "Support", "Rename", "Simplify"]


@dataclass
class BuildInfo:
    """What :func:`build` made (or found)."""

    path: Path
    commits: int
    seed: int
    head: str
    reused: bool
    seconds: float = 0.0


# ------------------------------------------------------------------ the tree


class _Dir:
    __slots__ = ("entries", "oid")

    def __init__(self) -> None:
        self.entries: dict[str, object] = {}  # name -> _Dir | (oid, mode)
        self.oid: pygit2.Oid | None = None


class TreeState:
    """A mutable tree that rewrites only the directories a commit touched."""

    def __init__(self, repo: pygit2.Repository):
        self.repo = repo
        self.root = _Dir()

    def set(self, path: str, oid: pygit2.Oid, mode: int) -> None:
        """Put a blob at ``path``."""
        *dirs, name = path.split("/")
        node = self.root
        node.oid = None
        for d in dirs:
            nxt = node.entries.get(d)
            if not isinstance(nxt, _Dir):
                nxt = _Dir()
                node.entries[d] = nxt
            nxt.oid = None
            node = nxt
        node.entries[name] = (oid, mode)

    def delete(self, path: str) -> None:
        """Remove ``path`` (and any directory it leaves empty)."""
        *dirs, name = path.split("/")
        chain = [self.root]
        for d in dirs:
            chain.append(chain[-1].entries[d])  # type: ignore[arg-type]
        for node in chain:
            node.oid = None
        del chain[-1].entries[name]
        for i in range(len(dirs), 0, -1):
            if not chain[i].entries:
                del chain[i - 1].entries[dirs[i - 1]]

    def write(self, node: _Dir | None = None) -> pygit2.Oid:
        """Write the changed trees; return the root tree id."""
        node = node or self.root
        if node.oid is not None:
            return node.oid
        tb = self.repo.TreeBuilder()
        for name, entry in node.entries.items():
            if isinstance(entry, _Dir):
                tb.insert(name, self.write(entry), TREE_MODE)
            else:
                tb.insert(name, entry[0], entry[1])
        node.oid = tb.write()
        return node.oid


# --------------------------------------------------------------- the content


class Content:
    """Deterministic, plausible-looking lines for each kind of file."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.n = 0

    def _w(self) -> str:
        return self.rng.choice(WORDS)

    def _name(self) -> str:
        return f"{self._w()}_{self._w()}"

    def _camel(self) -> str:
        a, b = self._w(), self._w()
        return a + b.capitalize()

    def risky(self, kind: str) -> str:
        """A line the rule catalogue is likely to flag."""
        r = self.rng
        self.n += 1
        if kind == "py":
            return r.choice([
                f'    api_key = "sk_live_{r.getrandbits(96):024x}Zq"',
                f'    subprocess.run(f"convert {{{self._name()}}} out.png", shell=True)',
                f"    result = eval({self._name()})",
                f"    data = pickle.loads({self._name()})",
                f'    cursor.execute(f"SELECT * FROM {self._w()} WHERE id = {{{self._name()}}}")',
                "    token = random.random()",
                f"    # TODO: check the {self._w()} before {self._w()}",
                "    raise NotImplementedError",
                f'    password = "Pa55-{r.getrandbits(40):010x}!x"',
            ])
        if kind == "js":
            return r.choice([
                f"  el.innerHTML = {self._camel()};",
                f"  const secret = 'ghp_{r.getrandbits(150):038x}';",
                f"  eval({self._camel()});",
                f"  child_process.exec(`rm -rf ${{{self._camel()}}}`);",
                f"  // FIXME: {self._w()} is not {self._w()} yet",
            ])
        if kind == "cfg":
            return r.choice([f"password: hunter{r.randrange(10**6)}Xy!", f"# TODO remove the {self._w()} override"])
        return f"Set `API_TOKEN=ghp_{r.getrandbits(150):038x}` to run it."

    def line(self, kind: str, indent: int = 1) -> str:
        """One ordinary line of a ``kind`` file."""
        r = self.rng
        if r.random() < FINDING_LINE_SHARE:
            return self.risky(kind)
        pad = "    " * indent
        if kind == "py":  # one-line statements: any of them is a valid function body line
            return r.choice([
                f"{pad}{self._name()} = {self._name()}({self._w()}, {r.randrange(100)})",
                f"{pad}if {self._name()} is None: return {self._name()}",
                f"{pad}for {self._w()} in {self._name()}: total += {self._w()}.{self._w()}",
                f"{pad}logger.info(\"{self._w()} %s\", {self._name()})",
                f"{pad}{self._name()}.append({self._w()}.{self._w()})",
                f"{pad}# {self._w()} the {self._w()} before {self._w()}",
                f"{pad}total += {self._w()}.{self._w()} * {r.randrange(1, 9)}",
            ])
        if kind == "js":
            p = "  " * indent
            return r.choice([
                f"{p}const {self._camel()} = {self._camel()}({self._w()}, {r.randrange(100)});",
                f"{p}if (!{self._camel()}) return null;",
                f"{p}{self._camel()}.push({self._w()}.{self._w()});",
                f"{p}// {self._w()} the {self._w()} first",
                f"{p}await api.{self._camel()}({{ {self._w()}: {self._camel()} }});",
                f"{p}return <{self._w().capitalize()} {self._w()}={{{self._camel()}}} />;",
            ])
        if kind == "md":
            return r.choice([
                " ".join(self._w() for _ in range(r.randrange(6, 16))).capitalize() + ".",
                f"- `{self._name()}`: the {self._w()} of the {self._w()}",
                f"## {self._w().capitalize()} {self._w()}",
                "",
                f"See [{self._w()}](../{self._w()}/{self._w()}.md).",
            ])
        return r.choice([
            f"{self._w()}_{self._w()}: {r.randrange(1000)}",
            f"  {self._w()}: \"{self._w()}-{self._w()}\"",
            f"{self._w()} = {r.choice(['true', 'false', str(r.randrange(99))])}",
            f"  - {self._w()}",
        ])

    def block(self, kind: str, n: int) -> list[str]:
        """``n`` lines: whole functions for code (a Python ``def`` or a JavaScript
        ``export function`` with one-line statements in its body, then a blank line),
        ordinary lines for other kinds."""
        if kind not in CODE:
            return [self.line(kind) for _ in range(n)]
        out: list[str] = []
        r = self.rng
        closing = 1 if kind == "js" else 0
        while len(out) < n:
            left = n - len(out)
            if left < 2 + closing:  # no room for a function: top-level statements
                out.extend(self.top_level(kind) for _ in range(left))
                break
            body = min(left - 1 - closing, r.randint(2, 22))
            out.append(self.function_header(kind))
            out.append(self.first_statement(kind))  # never a comment: a body needs a statement
            out.extend(self.line(kind) for _ in range(body - 1))
            if closing:
                out.append("}")
            if len(out) < n:
                out.append("")
        return out

    def function_header(self, kind: str) -> str:
        if kind == "py":
            return f"def {self._name()}({self._w()}, {self._w()}=None):"
        return f"export function {self._camel()}({self._w()}) {{"

    def first_statement(self, kind: str) -> str:
        """A function's first statement (edits keep it, so no function is left empty)."""
        if kind == "py":
            return f"    {self._name()} = {self._name()}({self._w()})"
        return f"  const {self._camel()} = {self._camel()}({self._w()});"

    def top_level(self, kind: str) -> str:
        """A statement that is valid outside any function."""
        if kind == "py":
            return f"{self._w().upper()}_{self._w().upper()} = {self.rng.randrange(1000)}"
        return f"export const {self._camel()} = {self.rng.randrange(1000)};"

    def header(self, kind: str) -> list[str]:
        """The first lines of a new file."""
        if kind == "py":
            return ['"""The ' + self._w() + " " + self._w() + '."""', "", "import logging",
                    f"from shop.{self._w()} import {self._name()}", "", "logger = logging.getLogger(__name__)", ""]
        if kind == "js":
            return [f"import {{ {self._camel()} }} from '../lib/{self._w()}';", ""]
        if kind == "md":
            return [f"# {self._w().capitalize()} {self._w()}", ""]
        return [f"# {self._w()} settings"]


def _encode(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def _log_uniform(rng: random.Random, lo: int, hi: int) -> int:
    import math

    return int(round(math.exp(rng.uniform(math.log(lo), math.log(hi)))))


# --------------------------------------------------------------- the history


class _Generator:
    def __init__(self, repo: pygit2.Repository, seed: int, max_lines: int = 200, large_files: bool = True):
        self.repo = repo
        self.rng = random.Random(seed)
        self.content = Content(self.rng)
        self.tree = TreeState(repo)
        self.text: dict[str, tuple[str, list[str]]] = {}  # path -> (kind, lines)
        self.binaries: set[str] = set()
        self.large: list[str] = []
        self.modes: dict[str, int] = {}
        self.when = START_TIME
        self.head: pygit2.Oid | None = None
        self.count = 0
        self.serial = 0
        self.max_lines = max_lines
        self.large_files = large_files

    # -- files

    def _new_path(self, kind: str) -> str:
        r = self.rng
        d = r.choice(DIRS[kind])
        ext = r.choice(EXT[kind])
        while True:
            self.serial += 1
            stem = f"{r.choice(WORDS)}_{r.choice(WORDS)}" if r.random() < 0.7 else f"{r.choice(WORDS)}{self.serial}"
            path = f"{stem}{ext}" if d == "." else f"{d}/{stem}{ext}"
            if path not in self.text and path not in self.binaries:
                return path

    def _put(self, path: str, data: bytes, mode: int | None = None) -> None:
        mode = mode if mode is not None else self.modes.get(path, FILE_MODE)
        self.modes[path] = mode
        self.tree.set(path, self.repo.create_blob(data), mode)

    def _drop(self, path: str) -> None:
        self.tree.delete(path)
        self.text.pop(path, None)
        self.binaries.discard(path)
        self.modes.pop(path, None)
        if path in self.large:
            self.large.remove(path)

    def add_file(self, kind: str | None = None, n: int | None = None, path: str | None = None) -> str:
        """Add a new text file of ``n`` lines."""
        r = self.rng
        kind = kind or r.choices([k for k, _ in KIND_WEIGHTS], [w for _, w in KIND_WEIGHTS])[0]
        path = path or self._new_path(kind)
        n = n if n is not None else _log_uniform(r, 5, self.max_lines)
        lines = self.content.header(kind) + self.content.block(kind, n)
        self.text[path] = (kind, lines)
        self._put(path, _encode(lines), EXEC_MODE if path.startswith("scripts/") and r.random() < 0.5 else FILE_MODE)
        return path

    def modify(self, path: str, budget: int) -> None:
        """Replace, insert or delete about ``budget`` lines in 1-3 hunks."""
        r = self.rng
        kind, lines = self.text[path]
        hunks = 1 if budget < 20 else r.randint(1, 3)
        for _ in range(hunks):
            size = max(1, budget // hunks)
            if kind in CODE:
                self._edit_code(kind, lines, size)
                continue
            at = r.randrange(0, max(1, len(lines)))
            op = r.random()
            if op < 0.55:  # replace
                old = min(size // 2 + 1, len(lines) - at)
                lines[at:at + old] = self.content.block(kind, max(1, size - old))
            elif op < 0.85 or len(lines) < 10:  # insert
                lines[at:at] = self.content.block(kind, size)
            else:  # delete
                del lines[at:at + size]
        if not lines:
            lines.append("")
        self._put(path, _encode(lines))

    def _edit_code(self, kind: str, lines: list[str], size: int) -> None:
        """One hunk in a code file: statements replaced, added or removed inside a function
        (which keeps at least one), or a whole function added or removed."""
        r = self.rng
        indent = CODE[kind]
        body = [i for i, line in enumerate(lines) if line.startswith(indent)]
        units = [i for i, line in enumerate(lines) if line.startswith(FUNCTION[kind])]
        op = r.random()
        if not body or (op >= 0.85 and op < 0.95):  # a new function, before another or at the end
            at = r.choice(units + [len(lines)])
            new = self.content.block(kind, max(3, size))
            lines[at:at] = new + ([""] if at < len(lines) and new[-1] != "" else [])
            return
        if op >= 0.95 and len(units) > 1:  # a whole function removed
            k = r.randrange(len(units))
            end = units[k + 1] if k + 1 < len(units) else len(lines)
            del lines[units[k]:end]
            return
        at = r.choice(body)
        if op < 0.55 or op >= 0.80:  # replace or delete: never a function's first statement
            later = [i for i in body if i > 0 and lines[i - 1].startswith(indent)]
            if not later:
                op = 0.6
            else:
                at = r.choice(later)
        start, end = at, at + 1  # the run of body lines around ``at``: one function's statements
        while start > 0 and lines[start - 1].startswith(indent):
            start -= 1
        while end < len(lines) and lines[end].startswith(indent):
            end += 1
        if op < 0.55:  # replace
            old = min(size // 2 + 1, end - at)
            lines[at:at + old] = [self.content.line(kind) for _ in range(max(1, size - old))]
        elif op < 0.80:  # insert after ``at``
            lines[at + 1:at + 1] = [self.content.line(kind) for _ in range(size)]
        else:  # delete, keeping the function's first statement
            first = max(at, start + 1)
            del lines[first:min(end, first + size)]

    def binary(self, path: str | None = None) -> str:
        """Add or replace a binary file (PNG-like, with NUL bytes early)."""
        r = self.rng
        if path is None:
            path = f"web/public/img/{r.choice(WORDS)}_{r.randrange(10**6)}.png"
        size = _log_uniform(r, 2_000, 60_000)
        data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + r.randbytes(size)
        self.binaries.add(path)
        self._put(path, data, FILE_MODE)
        return path

    def rename(self, path: str) -> str:
        """Move a text file (sometimes with a small edit)."""
        kind, lines = self.text[path]
        mode = self.modes.get(path, FILE_MODE)
        self._drop(path)
        new = self._new_path(kind)
        self.text[new] = (kind, lines)
        if self.rng.random() < 0.5 and len(lines) > 3:
            indent = CODE.get(kind)
            spots = [i for i, line in enumerate(lines)
                     if indent is None or (line.startswith(indent) and i and lines[i - 1].startswith(indent))]
            if spots:  # in code, a statement for a statement (never a function's first)
                lines[self.rng.choice(spots)] = self.content.line(kind)
        self._put(new, _encode(lines), mode)
        return new

    # -- commits

    def _author(self, ai: bool) -> tuple[pygit2.Signature, str]:
        """An author signature and the trailer block to append to the message."""
        r = self.rng
        self.when += r.randrange(300, 7200)
        name, email = r.choice(HUMANS)
        if not ai:
            return pygit2.Signature(name, email, self.when, 0), ""
        style = r.choices(["claude", "claude-footer", "copilot", "cursor", "codex", "aider"],
                          [35, 15, 20, 10, 10, 10])[0]
        if style == "claude":
            return (pygit2.Signature(name, email, self.when, 0),
                    "\n\nCo-Authored-By: Claude <noreply@anthropic.com>")
        if style == "claude-footer":
            return (pygit2.Signature(name, email, self.when, 0),
                    "\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\n"
                    "Co-Authored-By: Claude <noreply@anthropic.com>")
        if style == "copilot":
            return (pygit2.Signature("Copilot", "198982749+Copilot@users.noreply.github.com", self.when, 0),
                    f"\n\nCo-authored-by: {name} <{email}>")
        if style == "cursor":
            return pygit2.Signature("Cursor Agent", "cursoragent@cursor.com", self.when, 0), ""
        if style == "codex":
            return (pygit2.Signature(name, email, self.when, 0),
                    "\n\nCo-authored-by: Codex <noreply@openai.com>")
        return (pygit2.Signature(f"{name} (aider)", email, self.when, 0),
                "\n\nCo-authored-by: aider (anthropic/claude-sonnet-4) <noreply@aider.chat>")

    def _message(self, paths: list[str]) -> str:
        r = self.rng
        area = paths[0].split("/")[-2] if "/" in paths[0] else "repo"
        subject = f"{r.choice(VERBS)} {r.choice(WORDS)} {r.choice(WORDS)} in {area}"
        if r.random() < 0.5:
            body = "\n\n" + " ".join(r.choice(WORDS) for _ in range(r.randrange(8, 40))).capitalize() + "."
        else:
            body = ""
        return subject + body

    def _commit(self, message: str, sig: pygit2.Signature, parents: list[pygit2.Oid]) -> pygit2.Oid:
        tree = self.tree.write()
        oid = self.repo.create_commit(None, sig, sig, message, tree, parents)
        self.count += 1
        return oid

    def _pick_text(self, prefer_large: bool = False) -> str | None:
        if prefer_large and self.large:
            return self.rng.choice(self.large)
        if not self.text:
            return None
        # Recently added files are edited more often, as in real histories.
        keys = list(self.text)
        if self.rng.random() < 0.6:
            keys = keys[-150:]
        return self.rng.choice(keys)

    def change_set(self) -> list[str]:
        """Apply one commit's worth of file changes; return the paths touched."""
        r = self.rng
        nfiles = r.choices([1, 2, 3, 4, 5, r.randint(6, 12), r.randint(10, 30)], [34, 24, 16, 10, 7, 6, 3])[0]
        touched: list[str] = []
        if r.random() < BINARY_SHARE:
            touched.append(self.binary(r.choice(sorted(self.binaries)) if self.binaries and r.random() < 0.3
                                       else None))
        if r.random() < LARGE_FILE_SHARE and self.large:
            p = self.rng.choice(self.large)
            self.modify(p, _log_uniform(r, 5, self.max_lines))
            touched.append(p)
        budget = _log_uniform(r, 5, self.max_lines)
        per_file = max(1, budget // nfiles)
        for _ in range(nfiles):
            op = r.random()
            few = len(self.text) < 60
            if few or op < 0.16:
                touched.append(self.add_file(n=max(5, per_file)))
            elif op < 0.19 and len(self.text) > 80:
                p = self._pick_text()
                if p and p not in touched and p not in self.large:
                    self._drop(p)
                    touched.append(p)
            elif op < 0.22:
                p = self._pick_text()
                if p and p not in touched and p not in self.large:
                    touched.append(self.rename(p))
            elif op < 0.23:
                p = self._pick_text()
                if p and p not in touched:
                    mode = EXEC_MODE if self.modes.get(p) == FILE_MODE else FILE_MODE
                    self._put(p, _encode(self.text[p][1]), mode)
                    touched.append(p)
            else:
                p = self._pick_text()
                if p:
                    self.modify(p, per_file)
                    touched.append(p)
        return touched or [self.add_file()]

    def initial(self) -> None:
        """The first commit: README, configs and a package skeleton."""
        for path, kind in [("README.md", "md"), ("pyproject.toml", "cfg"), ("web/package.json", "cfg"),
                           ("src/shop/__init__.py", "py"), ("config/settings.yaml", "cfg"),
                           (".github/workflows/ci.yml", "cfg"), ("docs/index.md", "md")]:
            self.add_file(kind, n=20, path=path)
        sig = pygit2.Signature(*HUMANS[0], self.when, 0)
        self.head = self._commit("Initial import", sig, [])

    def large_file(self) -> str:
        """Add a file of several thousand lines."""
        r = self.rng
        kind = r.choice(["py", "js", "cfg"])
        n = r.randint(2_000, 8_000)
        if kind == "cfg":
            path = f"web/src/data/fixtures_{len(self.large)}.json"
            lines = ["["] + [f'  {{"id": {i}, "{r.choice(WORDS)}": "{r.choice(WORDS)}"}},' for i in range(n)] + ["]"]
            self.text[path] = ("cfg", lines)
            self._put(path, _encode(lines))
        else:
            path = self.add_file(kind, n=n)
        self.large.append(path)
        return path

    def run(self, n: int) -> pygit2.Oid:
        r = self.rng
        self.initial()
        k = max(1, round(n * LARGE_FILES_PER_10K / 10_000))
        large_at = {max(2, (n * (i + 1)) // (k + 2)) for i in range(k)} if n >= 40 and self.large_files else set()
        while self.count < n:
            left = n - self.count
            if left >= 4 and r.random() < MERGE_SHARE:
                self._merge(min(r.randint(1, 3), left - 1))
                continue
            if self.count in large_at:
                touched = [self.large_file()]
            else:
                touched = self.change_set()
            ai = r.random() < AI_SHARE
            sig, trailer = self._author(ai)
            self.head = self._commit(self._message(touched) + trailer + "\n", sig, [self.head])
        return self.head

    def _merge(self, side_commits: int) -> None:
        """A short side branch merged back with a merge commit."""
        r = self.rng
        base = self.head
        ai = r.random() < 0.3
        tip = base
        for _ in range(side_commits):
            touched = self.change_set()
            sig, trailer = self._author(ai)
            tip = self._commit(self._message(touched) + trailer + "\n", sig, [tip])
        branch = (r.choice(["claude/", "copilot/", "codex/"]) if ai else "feature/") + f"{r.choice(WORDS)}-{self.count}"
        self.when += 60
        sig = pygit2.Signature(*r.choice(HUMANS), self.when, 0)
        # The side branch is based on main's head, so the merge's tree is the side's.
        msg = f"Merge pull request #{self.count} from shop/{branch}\n\n{self._message(['x'])}\n"
        self.head = self._commit(msg, sig, [base, tip]) if tip != base else self.head


# ------------------------------------------------------------------- build


def repo_dir(cache: Path, n: int, seed: int, light: bool = False) -> Path:
    """Where the repository for ``(n, seed)`` lives under ``cache``."""
    return Path(cache) / f"synth{'-light' if light else ''}-n{n}-s{seed}-v{GENERATOR_VERSION}.git"


def _marker(n: int, seed: int, head: str) -> str:
    return json.dumps({"commits": n, "seed": seed, "version": GENERATOR_VERSION, "head": head})


def _pack(path: Path) -> None:
    git = shutil.which("git")
    if not git:
        return
    env_cmd = [git, "-c", "gc.auto=0", "-C", str(path)]
    subprocess.run([*env_cmd, "repack", "-a", "-d", "-q"], check=True, stdin=subprocess.DEVNULL)
    subprocess.run([*env_cmd, "prune-packed", "-q"], check=True, stdin=subprocess.DEVNULL)


def build(cache: Path | str, n: int = 10_000, seed: int = 1, *, pack: bool = True, light: bool = False) -> BuildInfo:
    """Build (or reuse) the synthetic repository of ``n`` commits under ``cache``.

    ``light`` makes a cheaper history to analyse (changes of at most 40
    lines, no large files) for tests that ingest it many times.
    """
    import time

    started = time.perf_counter()
    path = repo_dir(Path(cache), n, seed, light)
    marker = path / COMPLETE_MARKER
    if marker.exists():
        info = json.loads(marker.read_text())
        return BuildInfo(path, n, seed, info["head"], reused=True)
    if path.exists():
        shutil.rmtree(path)  # an interrupted build
    path.parent.mkdir(parents=True, exist_ok=True)
    repo = pygit2.init_repository(str(path), bare=True, initial_head="main")
    gen = _Generator(repo, seed, max_lines=40 if light else 200, large_files=not light)
    head = gen.run(n)
    repo.references.create("refs/heads/main", head, force=True)
    if pack:
        _pack(path)
    marker.write_text(_marker(n, seed, str(head)) + "\n")
    return BuildInfo(path, n, seed, str(head), reused=False, seconds=time.perf_counter() - started)


def build_big_diff(cache: Path | str, lines: int, seed: int = 1) -> BuildInfo:
    """A two-commit repository whose head adds one Python file of ``lines`` lines.

    The head is AI-authored (a Claude trailer), so it is in the default queue;
    the Review screen's paint, scroll and memory are measured on it.
    """
    import time

    started = time.perf_counter()
    path = Path(cache) / f"bigdiff-{lines}-s{seed}-v{GENERATOR_VERSION}.git"
    marker = path / COMPLETE_MARKER
    if marker.exists():
        info = json.loads(marker.read_text())
        return BuildInfo(path, 2, seed, info["head"], reused=True)
    if path.exists():
        shutil.rmtree(path)
    repo = pygit2.init_repository(str(path), bare=True, initial_head="main")
    gen = _Generator(repo, seed)
    gen.initial()
    body = gen.content.header("py") + gen.content.block("py", lines - 7)
    gen.text["src/shop/generated_tables.py"] = ("py", body)
    gen._put("src/shop/generated_tables.py", _encode(body))
    sig = pygit2.Signature(*HUMANS[1], START_TIME + 3600, 0)
    head = gen._commit(f"Add generated tables ({lines} lines)\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n",
                       sig, [gen.head])
    repo.references.create("refs/heads/main", head, force=True)
    marker.write_text(_marker(2, seed, str(head)) + "\n")
    return BuildInfo(path, 2, seed, str(head), reused=False, seconds=time.perf_counter() - started)
