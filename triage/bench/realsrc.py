"""Provides the benchmark's real-code repository: installed packages' own files, replayed as a history.

The synthetic history (:mod:`triage.bench.synth`) is one-line statements in
small files, which flatters analysis. This one is made of real source: the
files of the Python packages installed beside triage (textual, rich, pygments,
httpx, httpcore, hypothesis, pytest, ...) and, when npm is installed, npm's own
JavaScript. Nothing is downloaded.

Each file is replayed as a developer would have written it:

* it is added with some of its statements missing (a few whole functions,
  methods, class attributes, or statements inside a function body; for other
  languages, paragraphs with balanced brackets);
* later commits put the missing statements back, a few at a time and in a
  random order, so a commit is typically a few lines added inside a large real
  module; now and then a statement is taken out again (and put back later),
  which makes hunks with deleted lines;
* a few files are renamed, a few deleted.

So every commit's post-image is the real file minus some statements: every
Python file parses at every commit, and the sizes of files and of the changes
made to them are those of real code (a three-line change to a 3,000-line
module is common). Generated files come too: SVG snapshots drawn
from the same sources, a ``uv.lock`` listing the installed distributions, and a
minified JavaScript bundle, each rewritten now and then. Commit authorship,
AI share and merges are those of the synthetic history.

The history is deterministic from the seed *and the installed files*: the
build's marker holds a digest of the source list, so a package upgrade makes a
new repository rather than reusing a stale one.
"""

from __future__ import annotations

import ast
import hashlib
import io
import json
import random
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import pygit2

from triage.bench import synth
from triage.bench.synth import COMPLETE_MARKER, FILE_MODE, BuildInfo, _Generator, _log_uniform
from triage.realcode import installed

GENERATOR_VERSION = 2
"""Bumped whenever the replay changes what it writes (invalidates caches)."""

SOURCE_PACKAGES = (
    "textual", "rich", "pygments", "httpx", "httpcore", "hypothesis", "_pytest", "sqlite_utils",
    "pygit2", "h11", "anyio", "markdown_it", "platformdirs", "click", "idna", "hishel", "stamina",
)
"""Import names whose installed files are the history's source (those not installed are skipped)."""

TEXT_SUFFIXES = (".py", ".tcss", ".css", ".md", ".toml", ".json", ".yaml", ".yml", ".js", ".txt")
MAX_SOURCE_BYTES = 400_000
"""Bigger installed files are left out (a data table is not code anyone edits)."""

NEW_FILE_SHARE = 0.14
"""Of a commit's file operations, how many add a file from the pool."""
TAKE_OUT_SHARE = 0.2
"""Of the edits to a file, how many also take a statement out (to be put back later)."""
MISSING_SHARE = (0.1, 0.45)
"""A new file lacks between these shares of its removable statements."""
INITIAL_FILES = 120
INITIAL_GENERATED = 5
"""Generated files in the first commit (more come later, and each is rewritten now and then)."""


# ----------------------------------------------------------------- sources


def _npm_lib() -> Path | None:
    npm = shutil.which("npm")
    if not npm:
        return None
    root = Path(npm).resolve().parent.parent
    lib = root / "lib"
    return lib if (root / "package.json").exists() and lib.is_dir() else None


def sources() -> list[tuple[str, Path]]:
    """``(path in the repository, installed file)`` of every source file, sorted."""
    out: list[tuple[str, Path]] = []
    for name, base in installed(SOURCE_PACKAGES):
        for f in sorted(base.rglob("*")):
            if f.suffix in TEXT_SUFFIXES and f.is_file() and "__pycache__" not in f.parts \
                    and f.stat().st_size <= MAX_SOURCE_BYTES:
                out.append((f"src/{name}/{f.relative_to(base).as_posix()}", f))
    lib = _npm_lib()
    if lib is not None:
        for f in sorted(lib.rglob("*.js")):
            if f.stat().st_size <= MAX_SOURCE_BYTES:
                out.append((f"web/npm/{f.relative_to(lib).as_posix()}", f))
    return sorted(out)


def sources_digest(srcs: list[tuple[str, Path]]) -> str:
    """A digest of the source list (paths and sizes): it changes when an installed package does."""
    from importlib import metadata

    h = hashlib.sha256()
    for rel, f in srcs:
        h.update(f"{rel}\0{f.stat().st_size}\n".encode())
    for name, version in sorted((d.metadata["Name"] or "", d.version) for d in metadata.distributions()):
        h.update(f"{name}\0{version}\n".encode())  # the lockfile lists them
    return h.hexdigest()[:16]


# ------------------------------------------------------------------ blocks


@dataclass
class Block:
    """Lines ``[start, end]`` (1-based) of one statement or paragraph of a file's final text."""

    start: int
    end: int
    removable: bool
    parent: int = -1


def python_blocks(text: str) -> list[Block] | None:
    """Statements of the module, of its classes and of its functions' bodies (two levels
    down), each with its decorators; None when the text does not parse. A body's first
    statement is never removable (the body must not become empty), nor is a statement
    sharing a line with another."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    blocks: list[Block] = []

    def body(stmts: list[ast.stmt], depth: int, parent: int) -> None:
        spans = []
        for s in stmts:
            start = min([s.lineno] + [d.lineno for d in getattr(s, "decorator_list", ())])
            spans.append((start, s.end_lineno or s.lineno))
        for i, (s, (a, b)) in enumerate(zip(stmts, spans)):
            shares = (i > 0 and spans[i - 1][1] >= a) or (i + 1 < len(spans) and spans[i + 1][0] <= b)
            removable = i > 0 and not shares and not (isinstance(s, ast.ImportFrom) and s.module == "__future__")
            blocks.append(Block(a, b, removable, parent))
            if depth < 2 and isinstance(s, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                body(s.body, depth + 1, len(blocks) - 1)

    body(tree.body, 0, -1)
    return blocks


_PAIRS = (("{", "}"), ("(", ")"), ("[", "]"))


def paragraph_blocks(lines: list[str]) -> list[Block]:
    """Runs of non-blank lines; removable (but the first) when their brackets balance."""
    blocks: list[Block] = []
    start = None
    for n, line in enumerate(lines + [""], 1):
        if line.strip():
            if start is None:
                start = n
        elif start is not None:
            chunk = "\n".join(lines[start - 1:n - 1])
            balanced = all(chunk.count(a) == chunk.count(b) for a, b in _PAIRS)
            blocks.append(Block(start, n - 1, bool(blocks) and balanced))
            start = None
    return blocks


@dataclass
class Replay:
    """One source file being written: its final lines, its blocks, and which are missing."""

    lines: list[str]
    blocks: list[Block]
    missing: set[int] = field(default_factory=set)

    def text(self) -> bytes:
        gone = [False] * (len(self.lines) + 2)
        for k in self.missing:
            b = self.blocks[k]
            for n in range(b.start, b.end + 1):
                gone[n] = True
        kept = [line for n, line in enumerate(self.lines, 1) if not gone[n]]
        return ("\n".join(kept) + "\n").encode("utf-8", "surrogateescape")

    def removable(self) -> list[int]:
        return [k for k, b in enumerate(self.blocks) if b.removable and k not in self.missing]


def _load(path: Path, rel: str) -> Replay | None:
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    text = text.replace("\r\n", "\n").rstrip("\n")
    lines = text.split("\n")
    blocks = python_blocks(text) if rel.endswith(".py") else None
    if blocks is None:
        blocks = paragraph_blocks(lines)
    return Replay(lines, blocks)


# ----------------------------------------------------------------- history


class _RealGenerator(_Generator):
    """The synthetic history's commits, authors and merges, with real files and edits."""

    def __init__(self, repo: pygit2.Repository, seed: int, srcs: list[tuple[str, Path]]):
        super().__init__(repo, seed)
        self.pool = list(srcs)
        self.rng.shuffle(self.pool)
        self.replays: dict[str, Replay] = {}
        self.generated: dict[str, str] = {}  # path -> kind (svg, lock, min)
        self.gen_serial = 0

    # -- files

    def add_source(self) -> str | None:
        r = self.rng
        while self.pool:
            rel, f = self.pool.pop()
            rp = _load(f, rel)
            if rp is None or rel in self.replays:
                continue
            cands = [k for k, b in enumerate(rp.blocks) if b.removable]
            share = r.uniform(*MISSING_SHARE)
            rp.missing = {k for k in cands if r.random() < share}
            self.replays[rel] = rp
            self.text[rel] = ("src", [])
            self._put(rel, rp.text())
            return rel
        return None

    def edit(self, path: str) -> bool:
        """Put back 1-3 missing statements (sometimes taking another out); False if nothing to do."""
        r = self.rng
        rp = self.replays[path]
        before = rp.text()
        back: list[int] = []
        if rp.missing:
            back = r.sample(sorted(rp.missing), min(len(rp.missing), _log_uniform(r, 1, 3)))
            rp.missing.difference_update(back)
        if not rp.missing or r.random() < TAKE_OUT_SHARE:
            small = [k for k in rp.removable() if rp.blocks[k].end - rp.blocks[k].start < 15 and k not in back]
            if small:
                rp.missing.add(r.choice(small))
        after = rp.text()
        if after != before:
            self._put(path, after)
        return after != before

    def _pick_source(self) -> str | None:
        keys = [p for p in self.text if p in self.replays]
        if not keys:
            return None
        r = self.rng
        if r.random() < 0.6:
            keys = keys[-150:]
        busy = [p for p in keys if self.replays[p].missing]
        return r.choice(busy if busy and r.random() < 0.85 else keys)

    def rename(self, path: str) -> str:
        rp = self.replays.pop(path)
        mode = self.modes.get(path, FILE_MODE)
        self._drop(path)
        d, _, base = path.rpartition("/")
        stem, dot, ext = base.rpartition(".")
        new = f"{d}/{stem or base}_{self.rng.choice(synth.WORDS)}{dot}{ext if stem else ''}"
        while new in self.text:
            new = new.replace(".", "_x.", 1)
        self.replays[new] = rp
        self.text[new] = ("src", [])
        if self.rng.random() < 0.5 and rp.missing:
            rp.missing.discard(self.rng.choice(sorted(rp.missing)))
        self._put(new, rp.text(), mode)
        return new

    def _drop(self, path: str) -> None:
        super()._drop(path)
        self.replays.pop(path, None)
        self.generated.pop(path, None)

    # -- generated files

    def _svg(self, path: str) -> bytes:
        """A terminal screenshot of 60 lines of a source file, drawn as SVG text (as snapshot
        tests store them)."""
        from xml.sax.saxutils import escape

        srcs = [p for p in self.replays if p.endswith(".py")] or list(self.replays)
        lines = self.replays[self.rng.choice(srcs)].text().decode("utf-8", "replace").split("\n")
        start = self.rng.randrange(0, max(1, len(lines) - 60))
        width = self.rng.choice([80, 100, 120])
        out = [f'<svg class="rich-terminal" viewBox="0 0 {width * 12} {60 * 24 + 40}" '
               'xmlns="http://www.w3.org/2000/svg">',
               f"<style>.r1 {{ fill: #c5c8c6 }} .r2 {{ fill: #{self.rng.randrange(16**6):06x} }}</style>",
               f'<text class="title" x="10" y="20">{escape(path.rsplit("/", 1)[-1])}</text>']
        for k, line in enumerate(lines[start:start + 60]):
            for col, word in enumerate(line[:width].split(" ")):
                if word:
                    out.append(f'<text class="r{1 + col % 2}" x="{col * 12}" y="{40 + k * 24}" '
                               f'textLength="{12 * len(word)}">{escape(word)}</text>')
        out.append("</svg>")
        return "\n".join(out).encode("utf-8")

    def _lock(self) -> bytes:
        from importlib import metadata

        out = ["version = 1", "requires-python = \">=3.11\"", ""]
        seen = set()
        for dist in sorted(metadata.distributions(), key=lambda d: (d.metadata["Name"] or "").lower()):
            name = (dist.metadata["Name"] or "").lower()
            if not name or name in seen:
                continue
            seen.add(name)
            digest = hashlib.sha256(f"{name}{dist.version}{self.gen_serial if self.rng.random() < 0.2 else 0}"
                                    .encode()).hexdigest()
            out += ["[[package]]", f'name = "{name}"', f'version = "{dist.version}"',
                    'source = { registry = "https://pypi.org/simple" }',
                    f'wheels = [{{ url = "https://files.example/{name}-{dist.version}-py3-none-any.whl", '
                    f'hash = "sha256:{digest}" }}]', ""]
        return "\n".join(out).encode()

    def _minified(self) -> bytes:
        js = [p for p in self.replays if p.endswith(".js")] or list(self.replays)
        parts = []
        for p in self.rng.sample(js, min(len(js), 8)):
            parts.append(" ".join(x.strip() for x in self.replays[p].text().decode("utf-8", "replace").split("\n")
                                  if x.strip() and not x.strip().startswith("//")))
        return (";".join(parts) + "\n").encode()

    def _write_generated(self, path: str) -> None:
        self.gen_serial += 1
        kind = self.generated[path]
        data = self._svg(path) if kind == "svg" else self._lock() if kind == "lock" else self._minified()
        self._put(path, data)

    def large_file(self) -> str:
        """A generated file: an SVG snapshot, the lockfile, or a minified bundle."""
        kinds = ["svg", "svg", "min"] + ([] if "uv.lock" in self.generated else ["lock"])
        kind = self.rng.choice(kinds)
        if kind == "lock":
            path = "uv.lock"
        elif kind == "svg":
            path = f"tests/snapshot_tests/__snapshots__/test_snapshot_{len(self.generated)}.svg"
        else:
            path = f"web/dist/bundle{len(self.generated)}.min.js"
        self.generated[path] = kind
        self.text[path] = ("gen", [])
        self.large.append(path)
        self._write_generated(path)
        return path

    def modify(self, path: str, budget: int) -> None:
        if path in self.generated:
            self._write_generated(path)
        elif path in self.replays:
            self.edit(path)

    # -- commits

    def initial(self) -> None:
        for _ in range(INITIAL_FILES):
            self.add_source()
        for _ in range(INITIAL_GENERATED):
            self.large_file()
        sig = pygit2.Signature(*synth.HUMANS[0], self.when, 0)
        self.head = self._commit("Initial import", sig, [])

    def change_set(self) -> list[str]:
        r = self.rng
        nfiles = r.choices([1, 2, 3, 4, 5, r.randint(6, 12), r.randint(10, 30)], [40, 24, 14, 8, 6, 5, 3])[0]
        touched: list[str] = []
        if r.random() < synth.LARGE_FILE_SHARE and self.large:
            p = r.choice(self.large)
            self.modify(p, 0)
            touched.append(p)
        for _ in range(nfiles):
            op = r.random()
            if op < NEW_FILE_SHARE and self.pool:
                p = self.add_source()
            elif op < NEW_FILE_SHARE + 0.01 and len(self.replays) > 150:
                p = self._pick_source()
                if p and p not in touched:
                    self._drop(p)
                    touched.append(p)
                continue
            elif op < NEW_FILE_SHARE + 0.03:
                p = self._pick_source()
                p = self.rename(p) if p and p not in touched else None
            else:
                p = self._pick_source()
                if p is None or p in touched or not self.edit(p):
                    continue
            if p:
                touched.append(p)
        if not touched:
            p = self._pick_source()
            p = p if p is not None and self.edit(p) else self.add_source()
            touched += [p] if p else []
        return touched


def repo_dir(cache: Path, n: int, seed: int) -> Path:
    """Where the real-code repository for ``(n, seed)`` lives under ``cache``."""
    return Path(cache) / f"realsrc-n{n}-s{seed}-v{GENERATOR_VERSION}.git"


def build(cache: Path | str, n: int = 2_000, seed: int = 1, *, pack: bool = True) -> BuildInfo:
    """Build (or reuse) the real-code repository of ``n`` commits under ``cache``."""
    started = time.perf_counter()
    srcs = sources()
    if len(srcs) < 50:
        raise RuntimeError(f"only {len(srcs)} installed source files found for the real-code history")
    digest = sources_digest(srcs)
    path = repo_dir(Path(cache), n, seed)
    marker = path / COMPLETE_MARKER
    if marker.exists():
        info = json.loads(marker.read_text())
        if info.get("sources") == digest:
            return BuildInfo(path, n, seed, info["head"], reused=True)
    if path.exists():
        shutil.rmtree(path)  # an interrupted build, or one from other installed files
    path.parent.mkdir(parents=True, exist_ok=True)
    repo = pygit2.init_repository(str(path), bare=True, initial_head="main")
    gen = _RealGenerator(repo, seed, srcs)
    head = gen.run(n)
    repo.references.create("refs/heads/main", head, force=True)
    if pack:
        synth._pack(path)
    marker.write_text(json.dumps({"commits": n, "seed": seed, "version": GENERATOR_VERSION, "head": str(head),
                                  "sources": digest, "files": len(srcs)}) + "\n")
    return BuildInfo(path, n, seed, str(head), reused=False, seconds=time.perf_counter() - started)
