"""Provides the lexical hygiene rules: ``unresolved-todo``, ``deep-nesting`` and
``gitattributes-hides-diff``.

``unresolved-todo`` reads comment tokens (any language a lexer knows; a
comment-marker line pattern for files none knows), Python ``raise
NotImplementedError`` outside abstract methods, and JS ``throw new Error("not
implemented")``. ``deep-nesting`` counts nested blocks with the Python ``ast``
(``elif`` chains stay flat, each function starts again at zero) and with braces
after ``if``/``for``/``while``/``switch``/``try``/``catch``/``else`` in JS.
"""

from __future__ import annotations

import ast
import re
from typing import Iterator

from triage.models import Finding
from triage.rules.base import RepoContext, register
from triage.rules.fileinfo import FileInfo, FileRule, is_upstream_vendored, truncate
from triage.rules.python_ast import dotted
from triage.rules.tokens import JAVASCRIPT, PYTHON

_TODO = re.compile(r"\b(TODO|FIXME|HACK|XXX(?![-X]))\b|\b(todo|fixme)\s*[:(]")
_LINE_TODO = re.compile(r"(?:#|//|/\*|<!--|--|;|^\s*\*|\bREM\b)\s*.{0,200}?(?:\b(TODO|FIXME|HACK|XXX(?![-X]))\b|\b(?:todo|fixme)\s*:)")
_NOT_IMPL = re.compile(r"not\s+(?:yet\s+)?implemented|\btodo\b|\bunimplemented\b", re.I)
_PROSE = {"markdown", "restructuredtext", "text only", "tex", "groff"}


@register
class UnresolvedTodo(FileRule):
    id = "unresolved-todo"
    severity = "low"
    kind = "token"
    cwe = "CWE-546"
    question = "Is this tracked, or must it be fixed before merge?"
    needles = ("todo", "fixme", "hack", "xxx", "notimplemented", "not implemented", "unimplemented")

    def scan(self, fi: FileInfo, ctx: RepoContext) -> Iterator[Finding]:
        if is_upstream_vendored(fi):
            return  # upstream's notes to itself (``_vendor/``, ``vendored/``): not work this change left
        seen: set[int] = set()
        if fi.lang and fi.lang not in _PROSE:
            ts = fi.stream
            for line, text, _next in ts.comments:
                if not _TODO.search(text):
                    continue
                for k, part in enumerate(text.split("\n")):
                    m = _TODO.search(part)
                    if m and line + k not in seen:
                        seen.add(line + k)
                        word = (m.group(1) or m.group(2) or "").upper()
                        yield self.hit(fi, line + k, f"{word} left in a comment: {truncate(part.strip(), 70)}")
            if fi.lang == PYTHON:
                yield from self._py_not_implemented(fi, seen)
            elif fi.lang == JAVASCRIPT:
                toks = ts.toks
                for i, t in enumerate(toks):
                    if t.kind == "kw" and t.value == "throw" and i + 4 < len(toks):
                        window = toks[i + 1:i + 6]
                        s = next((x for x in window if x.kind == "str"), None)
                        if s is not None and _NOT_IMPL.search(s.text) and t.line not in seen:
                            seen.add(t.line)
                            yield self.hit(fi, t.line, f"placeholder: throws {truncate(s.text, 40)!r}")
            return
        if fi.lang in _PROSE:
            return
        for n in sorted(fi.added):
            line = fi.line(n)
            if line and len(line) <= 4000 and _LINE_TODO.search(line):
                yield self.hit(fi, n, f"marker left in a comment: {truncate(line.strip(), 70)}")

    def _py_not_implemented(self, fi: FileInfo, seen: set[int]) -> Iterator[Finding]:
        tree = fi.tree
        if tree is None:
            toks = fi.stream.toks
            for i, t in enumerate(toks[:-1]):
                if t.value == "raise" and toks[i + 1].value == "NotImplementedError" and t.line not in seen:
                    seen.add(t.line)
                    yield self.hit(fi, t.line, "raise NotImplementedError: placeholder body")
            return
        for node in fi.nodes(ast.Raise):
            if node.exc is None or node.lineno not in fi.added:
                continue
            parents = fi.parents
            exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if dotted(exc) != "NotImplementedError":
                continue
            fn = parents.get(node)
            while fn is not None and not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                fn = parents.get(fn)
            if fn is not None and _abstract(fn, parents.get(fn)):
                continue
            if _says_unsupported(node.exc):
                continue  # NotImplementedError("This dialect does not support X"): a deliberate refusal
            owner = parents.get(fn) if fn is not None else None
            if isinstance(owner, ast.ClassDef) and _only_raises(fn):
                continue  # a method that exists only to be overridden (a hook): Python's idiom, not a placeholder
            if fn is not None and _refuses_a_case(node, fn, parents):
                continue  # ``if composite: raise NotImplementedError(...)``: a limit the code states, not a stub
            if isinstance(owner, ast.Module) and _only_raises(fn) and _marker(fn, tree):
                continue  # a function that is only an identity for a registry (SQLAlchemy's operators)
            if node.lineno not in seen:
                seen.add(node.lineno)
                where = f" in {fn.name}()" if fn is not None else ""
                yield self.hit(fi, node.lineno, f"raise NotImplementedError{where}: placeholder body")


def _says_unsupported(exc: ast.AST) -> bool:
    """``NotImplementedError("…")`` with a message of several words that is not "not implemented yet"."""
    if not isinstance(exc, ast.Call) or not exc.args:
        return False
    parts = [v.value for v in ast.walk(exc.args[0]) if isinstance(v, ast.Constant) and isinstance(v.value, str)]
    text = " ".join(parts).strip()
    return len(text.split()) >= 3 and not _NOT_IMPL.search(text) and not _PENDING.search(text)


_PENDING = re.compile(r"\byet\b|\btodo\b|\bunimplemented\b|\bawaiting\b|\bplaceholder\b|\bstub\b|\bcoming\b|\bwip\b", re.I)
"""A message that says the work is still to come ("not implemented yet")."""
_BRANCHES = (ast.If, ast.IfExp, ast.For, ast.AsyncFor, ast.While, ast.Match, ast.ExceptHandler)
"""Where a raise depends on the case (a ``try`` or ``with`` body runs whatever the arguments)."""


def _refuses_a_case(node: ast.Raise, fn: ast.AST, parents: dict) -> bool:
    """The raise is in a branch of a function that does other work, and its message (if
    any) does not say the work is still to come: the code declines one case it names
    (``else: raise NotImplementedError()``) rather than standing in for a body."""
    branch = parents.get(node)
    while branch is not None and branch is not fn and not isinstance(branch, _BRANCHES):
        branch = parents.get(branch)
    if branch is None or branch is fn:
        return False  # raised whatever the arguments: the body is the placeholder
    if isinstance(node.exc, ast.Call) and node.exc.args:
        text = " ".join(v.value for v in ast.walk(node.exc.args[0]) if isinstance(v, ast.Constant) and isinstance(v.value, str))
        if _PENDING.search(text):
            return False
    return not _only_raises(fn)


def _marker(fn: ast.AST, tree: ast.AST) -> bool:
    """``fn`` is decorated by a decorator of the same module that returns what it is given
    (``def _operator_fn(fn): return cast(OperatorType, fn)``, or one that also adds it to a
    set): the function is an identity others look up, never a body to write."""
    decs = {d.id for d in getattr(fn, "decorator_list", []) if isinstance(d, ast.Name)}
    if not decs:
        return False
    for d in getattr(tree, "body", []):
        if isinstance(d, ast.FunctionDef) and d.name in decs and len(d.args.args) == 1:
            arg = d.args.args[0].arg
            last = d.body[-1] if d.body else None
            if isinstance(last, ast.Return) and last.value is not None:
                v = last.value
                if isinstance(v, ast.Call) and dotted(v.func).rsplit(".", 1)[-1] == "cast" and len(v.args) == 2:
                    v = v.args[1]
                if isinstance(v, ast.Name) and v.id == arg and len(d.body) <= 3:
                    return True
    return False


def _only_raises(fn: ast.AST) -> bool:
    """The body is (a docstring and) ``raise NotImplementedError``."""
    body = [s for s in getattr(fn, "body", []) if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if len(body) != 1 or not isinstance(body[0], ast.Raise) or body[0].exc is None:
        return False
    exc = body[0].exc.func if isinstance(body[0].exc, ast.Call) else body[0].exc
    return dotted(exc) == "NotImplementedError"


def _abstract(fn: ast.AST, parent: ast.AST | None) -> bool:
    """An interface method: decorated abstract, or a method of a base/abstract/protocol class."""
    for d in getattr(fn, "decorator_list", []):
        if dotted(d).rsplit(".", 1)[-1] in ("abstractmethod", "abstractproperty", "overload"):
            return True
    if isinstance(parent, ast.ClassDef):
        if re.search(r"Base|Abstract|Interface|Mixin|Protocol|ABC", parent.name):
            return True
        for b in parent.bases:
            if dotted(b).rsplit(".", 1)[-1] in ("ABC", "Protocol", "ABCMeta") or "Base" in dotted(b):
                return True
        for k in parent.keywords:
            if k.arg == "metaclass":
                return True
    return False


MAX_DEPTH = 4
_PY_BLOCKS = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try, ast.Match)
if hasattr(ast, "TryStar"):
    _PY_BLOCKS = _PY_BLOCKS + (ast.TryStar,)  # type: ignore[attr-defined]
_JS_CONTROL = {"if", "for", "while", "switch", "catch", "with"}
_JS_NOT_CODE = re.compile(
    r"//[^\n]*|/\*.*?(?:\*/|\Z)|'(?:\\.|[^'\\\n])*'|\"(?:\\.|[^\"\\\n])*\"|`(?:\\.|[^`\\])*(?:`|\Z)", re.S)
"""Comments, strings and template literals: braces in them open no block (the token
stream keeps a template's ``${...}`` inside its string token too)."""


_JS_BLOCK_BRACE = re.compile(r"(?:\)|\b(?:else|try|do|finally))\s*\{|^\s*\{")
"""A ``{`` that can open a control block: after ``)`` (``if (...) {``), after ``else`` /
``try`` / ``do`` / ``finally``, or first on its line (braces on their own line)."""


def _js_may_nest_deeper(fi: FileInfo, limit: int) -> bool:
    """False when no added line can open a block more than ``limit`` braces deep.

    A cheap bound from counting braces outside comments and strings, so that most
    files are never lexed for this rule: a control block ``limit + 1`` deep needs
    ``limit + 1`` open braces at its ``{``, on an added line where a block can open.
    """
    code = _JS_NOT_CODE.sub(lambda m: "\n" * m.group(0).count("\n"), fi.text)
    depth = 0
    added = fi.added
    for n, line in enumerate(code.split("\n"), 1):
        opens = line.count("{")
        if n in added and depth + opens > limit and _JS_BLOCK_BRACE.search(line):
            return True
        depth = max(0, depth + opens - line.count("}"))
    return False
_JS_BARE = {"else", "try", "do", "finally"}


def _py_may_nest_deeper(fi: FileInfo, limit: int) -> bool:
    """False when no added line can start a block more than ``limit`` deep.

    A block's body is indented strictly deeper than its header (Python refuses tabs
    that make the two counts of a width disagree), so a block ``limit + 1`` deep
    starts, on an added line, at a width that at least ``limit + 1`` distinct
    widths (its own and its enclosing headers') fit under. Counting the widths
    of every line can only over-count (strings, continuation lines), which errs
    towards parsing. Most files have no such line, so the rule needs no syntax tree.
    """
    lines = fi.lines
    top = -1
    for n in fi.added:
        if 1 <= n <= len(lines):
            line = lines[n - 1]
            body = line.lstrip(" \t")
            if body.startswith("\f"):
                return True  # a form feed resets Python's count: no cheap bound
            top = max(top, len(line) - len(body))
    if top < limit:
        return False
    widths: set[int] = set()
    for line in lines:
        body = line.lstrip(" \t")
        if body.startswith("\f"):
            return True
        width = len(line) - len(body)
        if width <= top:
            widths.add(width)
            if len(widths) > limit:
                return True
    return False


_PY_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")
"""The fields of an ast node that hold statements (or except handlers and match cases,
which hold statements): blocks nest only through them, never through an expression."""


def _py_children(node: ast.AST) -> Iterator[ast.AST]:
    for name in _PY_BODIES:
        value = getattr(node, name, None)
        if isinstance(value, list):
            yield from value


@register
class DeepNesting(FileRule):
    id = "deep-nesting"
    severity = "low"
    kind = "ast"
    cwe = "CWE-1124"
    question = "Could guard clauses flatten this?"
    languages = (PYTHON, JAVASCRIPT)

    def scan(self, fi: FileInfo, ctx: RepoContext) -> Iterator[Finding]:
        if fi.lang == PYTHON:
            if _py_may_nest_deeper(fi, MAX_DEPTH) and fi.tree is not None:
                yield from self._py(fi, fi.tree)
        else:
            yield from self._js(fi)

    def _py(self, fi: FileInfo, tree: ast.AST) -> Iterator[Finding]:
        out: list[Finding] = []
        lines = fi.lines

        def is_elif(node: ast.AST, parent: ast.AST | None) -> bool:
            if not (isinstance(node, ast.If) and isinstance(parent, ast.If) and parent.orelse == [node]):
                return False
            src = lines[node.lineno - 1] if node.lineno - 1 < len(lines) else ""
            return src[node.col_offset:].lstrip().startswith("elif") or src.lstrip().startswith("elif")

        def visit(node: ast.AST, depth: int, parent: ast.AST | None) -> None:
            for child in _py_children(node):
                if isinstance(child, ast.stmt) and not fi.touches(child.lineno, child.end_lineno or child.lineno):
                    continue  # nothing added inside: no finding can land here
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                    visit(child, 0, child)
                    continue
                if isinstance(child, _PY_BLOCKS):
                    d = depth if is_elif(child, node) else depth + 1
                    if d > MAX_DEPTH:
                        kind = type(child).__name__.lower().replace("async", "async ")
                        out.append(self.hit(fi, child.lineno, f"{kind} nested {d} blocks deep (more than {MAX_DEPTH})"))
                        continue  # one finding per too-deep chain
                    visit(child, d, node)
                else:
                    visit(child, depth, node)

        visit(tree, 0, None)
        return iter(out)

    def _js(self, fi: FileInfo) -> Iterator[Finding]:
        if not _js_may_nest_deeper(fi, MAX_DEPTH):
            return
        ts = fi.stream
        toks = ts.toks
        stack: list[str] = []  # "ctl", "fn", "obj"
        flagged_until = -1
        depth_of: list[int] = []
        for i, t in enumerate(toks):
            if t.kind not in ("punct", "op"):
                continue
            if t.value == "{":
                prev = toks[i - 1] if i else None
                kind = "obj"
                if prev is not None:
                    if prev.value in _JS_BARE:
                        kind = "ctl"
                    elif prev.value == ")" and i - 1 in ts.match:
                        o = ts.match[i - 1]
                        head = toks[o - 1] if o else None
                        if head is not None and head.value in _JS_CONTROL:
                            kind = "ctl"
                        elif head is not None and (head.kind == "name" or head.value == "function"):
                            kind = "fn"
                    elif prev.value == "=>":
                        kind = "fn"
                stack.append(kind)
                # depth: control blocks since the innermost function
                d = 0
                for k in reversed(stack):
                    if k == "fn":
                        break
                    if k == "ctl":
                        d += 1
                depth_of.append(d)
                if kind == "ctl" and d > MAX_DEPTH and i > flagged_until:
                    flagged_until = ts.close_of(i)
                    yield self.hit(fi, t.line, f"block nested {d} levels deep (more than {MAX_DEPTH})")
            elif t.value == "}" and stack:
                stack.pop()
                depth_of.pop()


_BUILTIN_DRIVERS = {
    "ada", "bash", "bibtex", "cpp", "csharp", "css", "dts", "elixir", "fortran", "fountain", "golang",
    "html", "java", "kotlin", "markdown", "matlab", "objc", "pascal", "perl", "php", "python", "ruby",
    "rust", "scheme", "tex",
}
_LOCKFILES = {
    "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "poetry.lock", "cargo.lock", "go.sum", "composer.lock",
    "gemfile.lock", "uv.lock", "pipfile.lock", "pdm.lock", "npm-shrinkwrap.json", "bun.lockb", "flake.lock",
}
_NON_SOURCE_EXT = {
    "png", "jpg", "jpeg", "gif", "ico", "bmp", "webp", "tif", "tiff", "psd", "pdf", "zip", "gz", "tgz", "bz2", "xz",
    "7z", "tar", "rar", "woff", "woff2", "ttf", "eot", "otf", "mp3", "mp4", "m4a", "wav", "ogg", "mov", "avi",
    "webm", "wasm", "jar", "war", "class", "exe", "dll", "so", "dylib", "a", "o", "obj", "bin", "dat", "db",
    "sqlite", "sqlite3", "map", "lock", "snap", "pb", "onnx", "pt", "pth", "pkl", "npy", "npz", "parquet",
    "xlsx", "xls", "docx", "doc", "pptx", "ppt", "key", "numbers", "pages", "avro", "orc", "h5", "hdf5",
    "mo", "pyc", "svgz", "icns", "lockb",
}
_GENERATED_DIRS = {"dist", "build", "vendor", "node_modules", "third_party", "generated", "out", "target", ".yarn", "__generated__", "gen"}


def source_pattern(pattern: str) -> bool:
    """True when a ``.gitattributes`` pattern can match source or config files."""
    p = pattern.strip().strip('"').lstrip("/")
    if not p:
        return False
    segs = [s for s in p.split("/") if s]
    if any(s.lower() in _GENERATED_DIRS for s in segs[:-1]) or (len(segs) == 1 and p.endswith("/") and segs[0].lower() in _GENERATED_DIRS):
        return False
    last = segs[-1].lower() if segs else ""
    if last in _LOCKFILES or last.endswith((".min.js", ".min.css", ".min.mjs", ".bundle.js")):
        return False
    if "." in last:
        ext = last.rsplit(".", 1)[-1]
        if ext in _NON_SOURCE_EXT or ext.startswith("lock"):
            return False
    return True


@register
class GitattributesHidesDiff(FileRule):
    id = "gitattributes-hides-diff"
    severity = "high"
    kind = "token"
    cwe = "CWE-451"
    question = "Why should changes to these files be hidden from diffs and review?"
    demote_in_tests = False

    def check(self, file, ctx):
        base = file.path.replace("\\", "/").rsplit("/", 1)[-1]
        if base != ".gitattributes" or not file.added_lines:
            return ()
        return super().check(file, ctx)

    def scan(self, fi: FileInfo, ctx: RepoContext) -> Iterator[Finding]:
        for n in sorted(fi.added):
            raw = fi.line(n)
            line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
            if not line or len(line) > 4000:
                continue
            if line.startswith('"'):
                end = line.find('"', 1)
                pattern, rest = (line[: end + 1], line[end + 1:]) if end > 0 else (line, "")
            else:
                pattern, _, rest = line.partition(" ")
                if "\t" in pattern:
                    pattern, _, more = pattern.partition("\t")
                    rest = more + " " + rest
            if pattern.startswith("[attr]"):
                continue
            attrs = rest.split()
            hides: list[str] = []
            severity = None
            for a in attrs:
                if a in ("-diff", "binary"):
                    hides.append(a)
                elif a.startswith("diff="):
                    hides.append(a)
                    if a[5:] in _BUILTIN_DRIVERS and len(hides) == 1:
                        severity = "info"
                elif a in ("linguist-generated", "linguist-generated=true", "linguist-vendored", "linguist-vendored=true"):
                    hides.append(a)
            if any(h in ("-diff", "binary") or (h.startswith("diff=") and h[5:] not in _BUILTIN_DRIVERS) or h.startswith("linguist") for h in hides):
                severity = None
            if not hides or not source_pattern(pattern):
                continue
            what = ", ".join(hides)
            effect = {
                "-diff": "git shows 'Binary files differ' instead of the change",
                "binary": "git shows 'Binary files differ' instead of the change",
            }.get(hides[0], "forges collapse or hide these diffs" if hides[0].startswith("linguist") else "a diff driver rewrites what reviewers see")
            yield self.hit(fi, n, f".gitattributes sets {what} on {pattern}: {effect}", severity)
