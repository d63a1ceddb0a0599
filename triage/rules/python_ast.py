"""Provides parsing and small helpers for the Python ``ast`` rules.

The tree is parsed once per file (see :class:`triage.rules.fileinfo.FileInfo`);
a file that does not parse yields ``None`` and the ast rules skip it while the
token rules still run.
"""

from __future__ import annotations

import ast
import re
import sys
import warnings

from triage.rules import fstrings

MAX_PARSE_CHARS = 1_000_000
"""Larger Python files are not parsed: ast rules skip them, token rules still run
(parsing and walking a multi-megabyte module costs seconds per commit)."""


def parse(text: str) -> ast.Module | None:
    """``ast.parse(text)``, or None for a syntax error or pathological input. Before Python 3.12,
    a file that fails only for 3.12's f-strings (PEP 701) is parsed with them rewritten
    (:func:`triage.rules.fstrings.downgrade`: the same names and calls on the same lines)."""
    if len(text) > MAX_PARSE_CHARS:
        return None
    text = text.replace("\r\n", "\n")
    tree = _parse(text)
    if tree is None and fstrings.NEEDED and _FSTRING.search(text):
        alt = fstrings.downgrade(text)
        tree = _parse(alt) if alt is not None else None
    return tree


_FSTRING = re.compile(r"(?i)\b[rb]?f[rb]?['\"]")


def _parse(text: str) -> ast.Module | None:
    try:
        with warnings.catch_warnings():  # untrusted code's invalid escapes must not reach stderr or the app
            warnings.simplefilter("ignore")
            return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return None


def parse_failure(text: str) -> str:
    """Why :func:`parse` gives None for ``text``, as one line ("" when it parses): the
    syntax error this Python reports (code written for a newer Python fails here too), or
    the size or depth that stopped it. Untrusted text can be in the message: callers show
    it through :func:`triage.sanitize.one_line`."""
    if len(text) > MAX_PARSE_CHARS:
        return f"too large to parse (over {MAX_PARSE_CHARS:,} characters)"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text.replace("\r\n", "\n"))
    except SyntaxError as exc:
        if parse(text) is not None:
            return ""  # Python 3.12's f-strings, read all the same
        where = f"line {exc.lineno}: " if exc.lineno else ""
        return f"does not parse as Python {sys.version_info[0]}.{sys.version_info[1]} ({where}{exc.msg})"
    except (ValueError, RecursionError, MemoryError, OverflowError) as exc:
        return f"cannot be parsed ({type(exc).__name__})"
    return ""


def dotted(node: ast.AST | None) -> str:
    """``a.b.c`` for a Name/Attribute chain; ``a.b()`` segments for calls; else ""."""
    parts: list[str] = []
    while node is not None:
        if isinstance(node, ast.Name):
            parts.append(node.id)
            break
        if isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            parts.append("()")
            node = node.func
        elif isinstance(node, ast.Subscript):
            parts.append("[]")
            node = node.value
        else:
            return ""
    out = ""
    for p in reversed(parts):
        if p in ("()", "[]"):
            out += p
        else:
            out = f"{out}.{p}" if out else p
    return out


class Aliases:
    """Local name -> fully qualified name, from a module's imports.

    ``import requests as r`` maps ``r`` to ``requests``; ``from urllib.request import
    urlopen`` maps ``urlopen`` to ``urllib.request.urlopen``.
    """

    def __init__(self, tree: ast.AST | list) -> None:
        self.map: dict[str, str] = {}
        nodes = list(tree if isinstance(tree, list) else ast.walk(tree))
        for node in nodes:
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.asname:
                        self.map[a.asname] = a.name
                    else:
                        top = a.name.split(".")[0]
                        self.map.setdefault(top, top)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for a in node.names:
                    if a.name != "*":
                        self.map[a.asname or a.name] = f"{node.module}.{a.name}"
        for node in sorted((n for n in nodes if isinstance(n, ast.Assign)), key=lambda n: n.lineno):
            if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                name = self.dynamic(node.value)
                if name:
                    self.map[node.targets[0].id] = name  # d = __import__("os"); f = getattr(os, "system")

    def dynamic(self, node: ast.AST | None) -> str:
        """The module or attribute a dynamic lookup names with constants: ``__import__("os")``,
        ``importlib.import_module("os")`` -> ``os``; ``getattr(os, "system")`` and
        ``__import__("os").system`` -> ``os.system`` (the object of ``getattr`` a module alias or
        another such lookup); "" for anything else."""
        if isinstance(node, ast.Attribute):
            base = self.dynamic(node.value)
            return f"{base}.{node.attr}" if base else ""
        if not isinstance(node, ast.Call) or not node.args:
            return ""
        first = node.args[0]
        func = self.map.get(node.func.id, node.func.id) if isinstance(node.func, ast.Name) else dotted(node.func)
        if func in ("__import__", "importlib.import_module", "importlib.__import__"):
            return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else ""
        if func == "getattr" and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) \
                and isinstance(node.args[1].value, str) and node.args[1].value.isidentifier():
            base = self.dynamic(first)
            if not base and isinstance(first, (ast.Name, ast.Attribute)):
                head = dotted(first).split(".")[0]
                base = self.resolve(first) if head in self.map else ""
            return f"{base}.{node.args[1].value}" if base else ""
        return ""

    def resolve(self, node: ast.AST | None) -> str:
        """The qualified dotted name of an expression, with aliases expanded."""
        name = dotted(node)
        if not name:
            return ""
        head, dot, rest = name.partition(".")
        bare = head.split("(")[0].split("[")[0]
        suffix = head[len(bare):]
        if bare in self.map:
            return self.map[bare] + suffix + (dot + rest if dot else "")
        return name


def parent_map(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    """Child node -> parent node."""
    out: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            out[child] = node
    return out


def span(node: ast.AST) -> tuple[int, int]:
    """1-based first and last line of a node."""
    a = getattr(node, "lineno", 1)
    return a, getattr(node, "end_lineno", None) or a


def own_nodes(fn: ast.AST) -> list[ast.AST]:
    """The nodes inside a function (or module), not those of the functions, lambdas and classes nested in it."""
    out: list[ast.AST] = []
    stack = list(ast.iter_child_nodes(fn))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        out.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return out
