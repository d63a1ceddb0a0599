"""Provides in-file data flow for Python: what each expression's value is made of.

The request rules ask two questions of an expression: *may it carry request data*
(it is **tainted**), and *is it safe*, made only of constants and cleaned values (so
``eval("1 + 2")``, ``pickle.loads(BLOB)`` or SQL built from constant fragments is not
worth a reviewer's time). :func:`flow_of` answers both for every expression of a
file, computed once per file and shared by the rules.

How values are followed, inside one file:

* **sources** are the request's data (Flask's ``request.args``/``form``/``cookies``/
  ``headers``/``get_json()``/..., Django's ``request.GET``/``POST``/``META``/``body``,
  Starlette's ``query_params``, a class-based view's ``self.request``, an AWS Lambda
  handler's ``event`` in a file that is not a GUI's or a bot's), the URL
  parameters of a route handler (not ``request.path`` in a route whose path has no
  variable part), and any attribute or method of an object built from
  the request (``Wrapper(request).param("x")``); ``random.*`` calls are a separate
  kind of source, for ``insecure-random``;
* values flow through assignments (tuples unpacked), ``+=``, f-strings, ``%``,
  ``.format``, ``+``, ``join``, string methods, slicing, containers and calls: a call
  of a function of the same file returns what its body returns for those arguments
  (followed three calls deep); any other call returns what its arguments carry;
* lists and dicts built in the function are followed element by element
  (``values.append(x)``; ``values.pop(0)``; ``m["k"] = x``; ``m.get("k")``), so are a
  local ``configparser.ConfigParser()``'s options (``set``/``get``), what is written to a
  local ``io.StringIO()``/``BytesIO()`` (``write``, ``writelines``, ``print(..., file=)``;
  ``getvalue()`` and ``read()`` give it back), and an
  ``if``/``while``/conditional expression whose test folds to a constant
  (``if 7 * 18 + 106 > 200:``) runs only its live branch, a ``match`` on a constant only
  the case it matches;
* **cleaners** remove what they make harmless: numbers (``int``, ``float``, ``len``,
  ``uuid.UUID``) remove everything; a call named like ``escape``/``quote``/
  ``sanitize`` removes the kinds it is named for (HTML, SQL identifiers, shell,
  LDAP); ``os.path.basename`` and ``secure_filename`` remove the path kind.

A value's *kinds* say which sinks it can harm (``html``, ``sql``, ``shell``, ``path``,
``url``, ``ldap``, ``xpath``, ``code``, ``xml``, ``deser``, ``session``). The unknown
(a parameter of an ordinary function, a global, what an unknown call returns for
unknown arguments) is tracked the same way, so that a value is *safe* for a sink when
neither request data nor unknown data of that kind can be in it.
"""

from __future__ import annotations

import ast
import operator
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Iterable, Iterator

from triage.rules.fileinfo import FileInfo
from triage.rules.python_ast import dotted

KINDS = frozenset({"html", "sql", "shell", "path", "url", "ldap", "xpath", "code", "xml", "deser", "session"})
"""What request (or unknown) data can harm; cleaners remove some of these."""
RANDOM = "random"
"""The taint kind of a value drawn from a non-cryptographic generator."""
NONE: frozenset[str] = frozenset()
_NOLIT = object()

MAX_STATEMENTS = 3000
"""Functions with more statements are not followed (their expressions have no value)."""
MAX_DEPTH = 3
"""How many calls deep a same-file function is followed."""
MAX_SUMMARIES = 400
"""How many (function, arguments) summaries one file may compute."""


@dataclass(frozen=True, slots=True)
class Value:
    """What one expression's value may be made of (see the module doc)."""

    taint: frozenset = NONE
    """Kinds of request data (and ``random``) it may carry."""
    unknown: frozenset = NONE
    """Kinds of data of unknown origin it may carry."""
    lit: object = _NOLIT
    """The exact constant, when known (folds conditions, picks dict entries)."""
    req: bool = False
    """A request object, or one built from it: its attributes are request data."""
    raw_request: bool = False
    """The framework's request itself (only its data attributes are request data)."""
    elems: tuple | None = None
    """List/tuple elements, when followed one by one."""
    items: tuple | None = None
    """Dict entries ``((key, Value), ...)`` with constant keys, when followed one by one."""

    @property
    def const(self) -> bool:
        """Made only of constants."""
        return not self.taint and not self.unknown and not self.req

    def tainted(self, kind: str) -> bool:
        return kind in self.taint

    def safe(self, kind: str) -> bool:
        """Neither request data nor unknown data of ``kind`` can be in it."""
        return kind not in self.taint and kind not in self.unknown and not self.req

    @property
    def has_lit(self) -> bool:
        return self.lit is not _NOLIT


CONST = Value()
UNKNOWN = Value(unknown=KINDS)
MODULE = Value(unknown=KINDS | {"<module>"})
"""An imported name: calling its functions is not "using" it as data."""
REQUEST_DATA = Value(taint=KINDS)
SAME_SITE = Value(taint=KINDS - {"url"})


def const(v: object) -> Value:
    return Value(lit=v)


def join(values: Iterable[Value]) -> Value:
    """The value of something built from ``values`` (their kinds, no literal)."""
    taint: frozenset = NONE
    unknown: frozenset = NONE
    req = False
    for v in values:
        taint |= v.taint
        unknown |= v.unknown
        req = req or (v.req and not v.raw_request)
    return Value(taint=taint, unknown=unknown, req=req)


def merge(a: Value | None, b: Value | None) -> Value:
    """The value at a join point: either ``a`` or ``b``."""
    if a is None:
        return b or CONST
    if b is None or a is b:
        return a
    lit = a.lit if a.has_lit and b.has_lit and type(a.lit) is type(b.lit) and a.lit == b.lit else _NOLIT
    elems = None
    if a.elems is not None and b.elems is not None and len(a.elems) == len(b.elems):
        elems = tuple(merge(x, y) for x, y in zip(a.elems, b.elems))
    items = None
    if a.items is not None and b.items is not None:
        da, db = dict(a.items), dict(b.items)
        items = tuple((k, merge(da.get(k), db.get(k))) for k in dict.fromkeys([*da, *db]))
    return Value(a.taint | b.taint, a.unknown | b.unknown, lit, a.req or b.req, a.raw_request and b.raw_request,
                 elems, items)


def clean(v: Value, kinds: frozenset) -> Value:
    """``v`` with ``kinds`` removed (a cleaner's result)."""
    return Value(v.taint - kinds, v.unknown - kinds)


def seq(elems: Iterable[Value]) -> Value:
    elems = tuple(elems)
    j = join(elems)
    return Value(j.taint, j.unknown, req=j.req, elems=elems)


def mapping(items: Iterable[tuple[object, Value]]) -> Value:
    items = tuple(items)
    j = join(v for _k, v in items)
    return Value(j.taint, j.unknown, req=j.req, items=items)


# ------------------------------------------------------------------ what calls do

_REQUEST_ATTRS = {
    "args", "form", "values", "json", "get_json", "files", "cookies", "headers", "data", "get_data", "stream",
    "query_string", "path", "full_path", "url", "base_url", "url_root", "referrer", "environ", "view_args",
    "GET", "POST", "FILES", "COOKIES", "META", "body", "query_params", "path_params", "get_full_path",
    "path_info", "content", "text", "match_info", "query", "rel_url", "raw_path", "read", "get_host",
}
_SAME_SITE_ATTRS = {"path", "full_path", "path_info", "get_full_path", "get_full_path_info", "build_absolute_uri",
                    "get_host", "url", "base_url", "url_root", "host_url"}
"""Request attributes that name this site's own URL: request data, but not a destination an
attacker picks (Django's ``get_host`` is checked against ``ALLOWED_HOSTS``)."""
_REQUEST_SAFE_ATTRS = {"method", "scheme", "is_secure", "secure", "is_json", "content_length", "endpoint",
                       "blueprint", "url_rule", "is_xhr"}
_FRAMEWORK_REQUESTS = {"flask.request", "quart.request", "bottle.request", "werkzeug.local.request"}
_NUMBERS = {"int", "float", "bool", "len", "abs", "round", "hash", "complex", "ord", "uuid.UUID", "UUID",
            "decimal.Decimal", "Decimal", "datetime.date.fromisoformat", "id", "isinstance", "callable",
            "hasattr", "math.floor", "math.ceil",
            # hex digits, a number or a UUID: nothing in them can end a quote or a statement
            "secrets.token_hex", "secrets.randbelow", "secrets.randbits", "uuid.uuid4", "uuid.uuid1", "uuid4"}
_PURE = {
    "str", "repr", "bytes", "bytearray", "list", "tuple", "set", "frozenset", "sorted", "reversed", "min", "max",
    "format", "dict", "chr", "iter", "next", "enumerate", "zip", "filter", "map",
    "base64.b64encode", "base64.b64decode", "base64.urlsafe_b64encode", "base64.urlsafe_b64decode",
    "base64.b32encode", "base64.b16encode", "base64.encodebytes", "base64.decodebytes", "codecs.encode",
    "codecs.decode", "urllib.parse.unquote", "urllib.parse.unquote_plus", "binascii.hexlify",
    "binascii.unhexlify", "textwrap.dedent", "str.join", "str.format", "os.fsencode", "os.fsdecode",
}
_STR_METHODS = {
    "lower", "upper", "strip", "lstrip", "rstrip", "replace", "split", "rsplit", "splitlines", "join", "format",
    "encode", "decode", "title", "capitalize", "casefold", "swapcase", "center", "ljust", "rjust", "zfill",
    "expandtabs", "partition", "rpartition", "removeprefix", "removesuffix", "translate", "format_map",
    "copy", "keys", "values", "items", "getlist", "getvalue", "read", "readline", "readlines", "strip_tags",
    "get_all", "to_dict", "dict", "lists",
}
_FRESH = re.compile(r"(?:requests|httpx|urllib\.request|urllib3|aiohttp|http\.client|socket|sqlite3|subprocess)\."
                    r"|(?:open|io\.open)$")
"""Calls whose result is new data (a response, a file), not their arguments."""
_FRESH_METHODS = {"execute", "executemany", "fetchone", "fetchall", "fetchmany", "fetchrow", "fetchval", "scalar",
                  "scalars", "scalar_one", "one_or_none", "get_object_or_404", "get_or_404", "first_or_404",
                  "one_or_404", "authenticate", "load", "load_user", "urlopen"}
"""Methods whose result comes from a database, a file or the network (a row found by a request
value is not that value)."""
_URL_CHECK = re.compile(r"url_has_allowed_host_and_scheme|is_safe_url|is_safe_redirect|\bnetloc\b|\.hostname\b")
"""A function that checks a URL's host before it returns it."""
_STORES = {"query", "objects", "session", "db", "cursor", "conn", "connection", "engine", "cache", "redis"}
"""Receivers whose methods read from a store (``URL.query.get(uid)``, ``User.objects.get(...)``)."""
_CONFIG_PARSERS = {"configparser.ConfigParser", "configparser.RawConfigParser", "configparser.SafeConfigParser"}
_CONFIG = object()
"""The key that marks a followed ``ConfigParser``'s entries (options are keyed ``(section, option)``)."""
_BUFFERS = {"io.StringIO", "io.BytesIO", "StringIO.StringIO", "cStringIO.StringIO"}
_BUFFER = object()
"""The key that marks a followed in-memory buffer's one entry: everything written to it."""
_BUFFER_READS = {"getvalue", "read", "readline", "readlines", "getbuffer", "read1", "readinto"}
_CONTAINER_MUTATORS = {"append", "extend", "insert", "pop", "remove", "update", "setdefault", "add", "clear",
                       "appendleft", "popleft", "discard"}

_CLEANERS: tuple[tuple[re.Pattern, frozenset], ...] = (
    (re.compile(r"(?:^|\.)(?:secure_filename|basename)$"), frozenset({"path"})),
    (re.compile(r"(?:^|\.)dumps?$"), frozenset({"deser"})),  # bytes this process serialized itself
    (re.compile(r"(?:^|\.)(?:re\.escape)$"), NONE),
    (re.compile(r"(?:^|\.)shlex\.quote$|(?:^|\.)pipes\.quote$|(?:^|\.)quote_args?$|(?:^|\.)shell_quote$"),
     frozenset({"shell"})),
    (re.compile(r"escape_filter_chars|escape_dn_chars|escape_rdn|ldap_escape|escape_ldap", re.I),
     frozenset({"ldap"})),
    (re.compile(r"(?:^|\.)(?:urllib\.parse\.)?(?:quote|quote_plus|urlencode)$"), frozenset({"url", "html", "shell", "ldap", "xpath"})),
    (re.compile(r"(?:^|\.)(?:render_template|render\w*|\w*_template|jsonify|JsonResponse|json_response|"
                r"JSONResponse|format_html|format_html_join|urlize|linebreaks|json_script)$"), frozenset({"html"})),
    (re.compile(r"(?:^|\.)(?:url_for|reverse|reverse_lazy|resolve_url)$"), frozenset({"url", "html"})),
    (re.compile(r"(?:^|\.)(?:quote_ident|quote_identifier|quote_name|qn|Identifier|Literal|sql\.SQL|process"
                r"|_?compiler_dispatch|format_(?:table|column|sequence|index|schema|label|constraint|alias)\w*)$"),
     frozenset({"sql"})),  # identifiers quoted, or SQL compiled, by the database layer
    (re.compile(r"escape|sanitiz|bleach\.clean|(?:^|\.)clean_html$|strip_tags$|(?:^|\.)nh3\.clean$", re.I),
     frozenset({"html", "sql", "ldap", "xpath", "shell"})),
)


def cleaner_kinds(callee: str) -> frozenset | None:
    """The kinds a call named ``callee`` removes, or None when it cleans nothing."""
    if callee in _NUMBERS or callee.rsplit(".", 1)[-1] in ("isdigit", "isnumeric", "isalnum", "isalpha", "count",
                                                               "find", "index", "rfind", "startswith", "endswith"):
        return KINDS  # a number or a bool (a random one is still random)
    for pattern, kinds in _CLEANERS:
        if pattern.search(callee):
            return kinds
    return None


def is_random_call(callee: str) -> bool:
    """``random.random()``, ``random.randint()``, ``numpy.random.rand()``... (not ``SystemRandom``)."""
    head, _, last = callee.rpartition(".")
    if head in ("random", "numpy.random", "np.random") and last not in ("seed", "SystemRandom", "getstate",
                                                                         "setstate", "Random"):
        return True
    return head.endswith(("random.Random()",)) and last not in ("seed",)


_SAFE_OPS = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Mod: operator.mod,
    ast.FloorDiv: operator.floordiv, ast.BitAnd: operator.and_, ast.BitOr: operator.or_, ast.BitXor: operator.xor,
}
_CMP = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt,
    ast.GtE: operator.ge, ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
    ast.Is: operator.is_, ast.IsNot: operator.is_not,
}


def _fold(op, a, b):
    """``a op b`` for small constants, or ``_NOLIT`` (never a huge number or string)."""
    fn = _SAFE_OPS.get(type(op))
    if fn is None:
        return _NOLIT
    if isinstance(op, ast.Mult) and (isinstance(a, (str, bytes, list, tuple)) or isinstance(b, (str, bytes, list, tuple))):
        n = b if isinstance(b, int) else a
        if not isinstance(n, int) or n > 1000:
            return _NOLIT
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and (abs(a) > 1e18 or abs(b) > 1e18):
        return _NOLIT
    if isinstance(op, ast.Mod) and isinstance(a, str):
        return _NOLIT  # %-formatting: the text is built, its exact value is not needed
    try:
        out = fn(a, b)
    except Exception:  # noqa: BLE001 - a constant that does not fold (1 // 0, "a" - 1)
        return _NOLIT
    if isinstance(out, (str, bytes)) and len(out) > 10_000:
        return _NOLIT
    return out


def _truth(v: Value) -> bool | None:
    if v.has_lit:
        try:
            return bool(v.lit)
        except Exception:  # noqa: BLE001
            return None
    return None


# ------------------------------------------------------------------ handlers

_ROUTE_DECORATORS = {"route", "get", "post", "put", "patch", "delete", "api_route", "websocket", "view_config",
                     "api_view", "expose", "head", "options"}
_TYPED_ROUTE = re.compile(r"<(?:int|float|uuid):(\w+)>")
_NUMERIC_ANNOTATIONS = {"int", "float", "uuid", "UUID", "bool", "uuid.UUID"}


def is_route(fn: ast.AST) -> bool:
    """Decorated as an HTTP route (``@app.route``, ``@bp.get``, ``@api_view``, ...)."""
    for d in getattr(fn, "decorator_list", []):
        target = d.func if isinstance(d, ast.Call) else d
        if dotted(target).rsplit(".", 1)[-1] in _ROUTE_DECORATORS:
            return True
    return False


def fixed_path(fn: ast.AST) -> bool:
    """Every route decorator of ``fn`` names a path with no variable part (``@app.route("/a/b")``,
    no ``<name>`` or ``{name}``): the request's ``path`` is then one of those constant paths."""
    paths = []
    for d in getattr(fn, "decorator_list", []):
        target = d.func if isinstance(d, ast.Call) else d
        if dotted(target).rsplit(".", 1)[-1] not in _ROUTE_DECORATORS:
            continue
        first = d.args[0] if isinstance(d, ast.Call) and d.args else None
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)) or any(c in first.value for c in "<{*(^$"):
            return False
        paths.append(first.value)
    return bool(paths)


_VIEW_METHODS = {"get", "post", "put", "patch", "delete", "head", "options", "dispatch", "form_valid",
                 "get_context_data", "get_queryset", "handle", "on_get", "on_post", "on_put", "on_delete"}


def is_view(fn: ast.AST, web: bool = True) -> bool:
    """A request handler: a route, or, in a file that imports a web framework (``web``), a
    function taking ``request`` first (Django) or a class-based view's ``get``/``post``/... method."""
    if is_route(fn):
        return True
    args = getattr(fn, "args", None)
    if args is None or not web:
        return False
    names = [a.arg for a in args.posonlyargs + args.args]
    if names[:1] in (["request"], ["req"]):
        return True
    return names[:2] in (["self", "request"], ["self", "req"]) and getattr(fn, "name", "") in _VIEW_METHODS


_LAMBDA_NAMES = re.compile(r"(?:lambda_)?handler|\w+_lambda_handler")
_LAMBDA_HINT = re.compile(r"^[ \t]*(?:async[ \t]+)?def[ \t]+(?:lambda_)?handler[ \t]*\([ \t]*event\b|"
                          r"^[ \t]*(?:async[ \t]+)?def[ \t]+\w+_lambda_handler[ \t]*\([ \t]*event\b", re.M)
"""Text of an AWS Lambda handler's definition (a prefilter: :func:`is_lambda_handler` decides)."""
_NOT_LAMBDA = re.compile(r"^[ \t]*(?:from|import)[ \t]+(?:tkinter|Tkinter|PyQt\d|PySide\d|wx|kivy|pygame|gi|"
                         r"discord|telegram|aiogram|pynput|textual|urwid|curses)\b", re.M)
"""Imports of toolkits whose callbacks are also named ``handler(event, ...)``: not a Lambda file."""


def lambda_file(fi: FileInfo) -> bool:
    """The Python file defines an AWS Lambda handler (``handler``/``lambda_handler(event, context)``)
    and imports no GUI, terminal or chat toolkit whose callbacks look the same (by its text)."""
    return fi.once("lambda-file", lambda: bool(_LAMBDA_HINT.search(fi.text)) and not _NOT_LAMBDA.search(fi.text[:200_000]))


def is_lambda_handler(fn: ast.AST) -> bool:
    """``def handler(event, context)`` / ``lambda_handler`` / ``x_lambda_handler``: its ``event``
    is what API Gateway, a queue or a bucket notification sent, i.e. request data."""
    args = getattr(fn, "args", None)
    if args is None or not _LAMBDA_NAMES.fullmatch(getattr(fn, "name", "")):
        return False
    names = [a.arg for a in args.posonlyargs + args.args]
    return names == ["event", "context"] and not args.vararg and not args.kwonlyargs


def web_python(fi: FileInfo) -> bool:
    """A Python file that imports one of ``data/rules/calls.toml``'s web frameworks (read from
    its text, so a prefilter can ask without parsing)."""
    return fi.once("web-python", lambda: bool(_web_import().search(fi.text[:200_000])))


@lru_cache(maxsize=1)
def _web_import() -> re.Pattern:
    from triage.rules.data import load

    frameworks = load("calls").get("web", {}).get("python_frameworks", [])
    names = "|".join(sorted(map(re.escape, frameworks), key=len, reverse=True)) or "(?!)"
    return re.compile(rf"^[ \t]*(?:from|import)[ \t]+(?:{names})\b", re.M)


def route_params(fn: ast.AST) -> set[str]:
    """The parameters a route handler gets from its URL (less those typed as numbers)."""
    for d in getattr(fn, "decorator_list", []):
        if not isinstance(d, ast.Call) or dotted(d.func).rsplit(".", 1)[-1] not in _ROUTE_DECORATORS:
            continue
        if not d.args or not isinstance(d.args[0], ast.Constant) or not isinstance(d.args[0].value, str):
            continue
        path = d.args[0].value
        if not re.search(r"[<{]", path):
            return set()
        typed = set(_TYPED_ROUTE.findall(path))
        args = fn.args  # type: ignore[attr-defined]
        return {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs
                if a.arg not in ("self", "request", "req") and a.arg not in typed
                and dotted(a.annotation) not in _NUMERIC_ANNOTATIONS}
    return set()


# ------------------------------------------------------------------ the interpreter

_BODIES = ("body", "orelse", "finalbody")


class _Env(dict):
    """Name (or dotted attribute path) -> Value, at one point of a function."""

    def fork(self) -> "_Env":
        return _Env(self)


def _merge_envs(a: _Env, b: _Env) -> _Env:
    out = _Env()
    for k in dict.fromkeys([*a, *b]):
        out[k] = merge(a.get(k), b.get(k))
    return out


class _Stop(Exception):
    """A function is too large to follow."""


class _Run:
    """One run of a function's body with given parameter values."""

    def __init__(self, flow: "FileFlow", fn: ast.AST | None, env: _Env, depth: int) -> None:
        self.flow = flow
        self.fn = fn
        self.env = env
        self.depth = depth
        self.returns: Value | None = None
        self.steps = 0

    # -------------------------------------------------------------- statements

    def block(self, stmts: list[ast.stmt]) -> None:
        for s in stmts:
            self.stmt(s)

    def stmt(self, s: ast.stmt) -> None:
        self.steps += 1
        if self.steps > MAX_STATEMENTS:
            raise _Stop
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for d in s.decorator_list:
                self.value(d)
            if isinstance(s, ast.ClassDef):
                saved = self.env
                self.env = self.env.fork()  # class attributes: evaluated, not visible outside
                self.block(s.body)
                self.env = saved
            self.env[s.name] = UNKNOWN
            return
        if isinstance(s, ast.Assign):
            v = self.value(s.value)
            for t in s.targets:
                self.assign(t, v, s.value)
        elif isinstance(s, ast.AnnAssign):
            if s.value is not None:
                self.assign(s.target, self.value(s.value), s.value)
        elif isinstance(s, ast.AugAssign):
            v = self.value(s.value)
            old = self.value(s.target)
            lit = _fold(s.op, old.lit, v.lit) if old.has_lit and v.has_lit else _NOLIT
            new = join([old, v])
            if old.elems is not None and isinstance(s.op, ast.Add) and v.elems is not None:
                new = seq(old.elems + v.elems)
            self.assign(s.target, replace(new, lit=lit), None)
        elif isinstance(s, ast.Expr):
            self.value(s.value)
        elif isinstance(s, ast.Return):
            v = self.value(s.value) if s.value is not None else const(None)
            self.returns = merge(self.returns, v)
        elif isinstance(s, ast.If):
            t = _truth(self.value(s.test))
            if t is True:
                self.block(s.body)
            elif t is False:
                self.block(s.orelse)
            else:
                self.branches([s.body, s.orelse])
        elif isinstance(s, (ast.For, ast.AsyncFor)):
            it = self.value(s.iter)
            self.assign(s.target, self.element(it), None)
            self.loop(s.body, s.orelse)
        elif isinstance(s, ast.While):
            t = _truth(self.value(s.test))
            if t is False:
                self.block(s.orelse)
            else:
                self.loop(s.body, s.orelse)
        elif isinstance(s, (ast.With, ast.AsyncWith)):
            for item in s.items:
                v = self.value(item.context_expr)
                if item.optional_vars is not None:
                    self.assign(item.optional_vars, v, None)
            self.block(s.body)
        elif isinstance(s, ast.Try) or type(s).__name__ == "TryStar":
            before = self.env.fork()
            self.block(s.body)
            after_body = self.env
            outs = [after_body]
            for h in s.handlers:
                self.env = _merge_envs(before, after_body)
                if h.type is not None:
                    self.value(h.type)
                if h.name:
                    self.env[h.name] = UNKNOWN
                self.block(h.body)
                outs.append(self.env)
            self.env = outs[0]
            for o in outs[1:]:
                self.env = _merge_envs(self.env, o)
            self.block(s.orelse)
            self.block(s.finalbody)
        elif isinstance(s, ast.Match):
            subject = self.value(s.subject)
            before = self.env
            outs = []
            live = _live_case(s.cases, subject)
            if live is not None:  # the subject is a known constant: only the case it matches runs
                for case in s.cases[:live + 1] if live >= 0 else ():
                    if case is s.cases[live]:
                        for node in ast.walk(case.pattern):
                            name = getattr(node, "name", None)
                            if isinstance(name, str):
                                self.env[name] = subject
                        self.block(case.body)
                return
            for case in s.cases:
                self.env = before.fork()
                for node in ast.walk(case.pattern):
                    name = getattr(node, "name", None)
                    if isinstance(name, str):
                        self.env[name] = subject
                if case.guard is not None:
                    self.value(case.guard)
                self.block(case.body)
                outs.append(self.env)
            self.env = before
            for o in outs:
                self.env = _merge_envs(self.env, o)
        elif isinstance(s, (ast.Raise, ast.Assert, ast.Delete)):
            for child in ast.iter_child_nodes(s):
                if isinstance(child, ast.expr):
                    self.value(child)
        elif isinstance(s, (ast.Import, ast.ImportFrom)):
            for a in s.names:
                local = (a.asname or a.name).split(".")[0]
                is_request = isinstance(s, ast.ImportFrom) and a.name == "request" and local in self.flow.request_names
                self.env[local] = Value(req=True, raw_request=True) if is_request else MODULE

    def branches(self, bodies: list[list[ast.stmt]]) -> None:
        before = self.env
        outs = []
        for body in bodies:
            self.env = before.fork()
            self.block(body)
            outs.append(self.env)
        self.env = outs[0]
        for o in outs[1:]:
            self.env = _merge_envs(self.env, o)

    def loop(self, body: list[ast.stmt], orelse: list[ast.stmt]) -> None:
        before = self.env.fork()
        for _ in range(2):  # twice: what the first pass assigns reaches the second
            self.block(body)
            self.env = _merge_envs(before, self.env)
        self.block(orelse)

    def assign(self, target: ast.AST, v: Value, src: ast.AST | None) -> None:
        if isinstance(target, ast.Name):
            self.env[target.id] = v
        elif isinstance(target, (ast.Tuple, ast.List)):
            elts = target.elts
            if v.elems is not None and len(v.elems) == len(elts) and not any(isinstance(e, ast.Starred) for e in elts):
                for e, ev in zip(elts, v.elems):
                    self.assign(e, ev, None)
            else:
                part = self.element(v)
                for e in elts:
                    self.assign(e.value if isinstance(e, ast.Starred) else e, part, None)
        elif isinstance(target, ast.Starred):
            self.assign(target.value, v, src)
        elif isinstance(target, ast.Subscript):
            base = self.value(target.value)
            key = self.value(target.slice)
            name = dotted(target.value)
            if name and "(" not in name and "[" not in name:
                if base.items is not None and key.has_lit and _hashable(key.lit):
                    d = dict(base.items)
                    d[key.lit] = v
                    self.env[name] = mapping(d.items())
                elif base.elems is not None and key.has_lit and isinstance(key.lit, int) and -len(base.elems) <= key.lit < len(base.elems):
                    elems = list(base.elems)
                    elems[key.lit] = v
                    self.env[name] = seq(elems)
                else:
                    self.env[name] = merge(join([base, v]), None) if not base.const or not v.const else base
        elif isinstance(target, ast.Attribute):
            self.value(target.value)
            name = dotted(target)
            if name and "(" not in name and "[" not in name:
                self.env[name] = v

    # -------------------------------------------------------------- expressions

    def element(self, v: Value) -> Value:
        """What iterating over ``v`` (or indexing it unknowingly) gives."""
        if v.elems is not None:
            return join(v.elems) if v.elems else CONST
        if v.items is not None:
            for k, held in v.items:
                if k is _BUFFER:
                    return Value(held.taint, held.unknown)  # a buffer's lines
            return Value()  # iterating a dict gives its (constant) keys
        if v.has_lit and isinstance(v.lit, (str, bytes, tuple, list, frozenset)):
            return CONST
        return Value(v.taint, v.unknown, req=v.req and not v.raw_request)

    def value(self, node: ast.AST | None) -> Value:
        if node is None:
            return CONST
        v = self._value(node)
        self.flow.record(node, v)
        return v

    def _value(self, node: ast.AST) -> Value:
        if isinstance(node, ast.Constant):
            return const(node.value)
        if isinstance(node, ast.Name):
            return self.name(node.id)
        if isinstance(node, ast.JoinedStr):
            parts = [self.value(v) for v in node.values]
            return join(parts)
        if isinstance(node, ast.FormattedValue):
            v = self.value(node.value)
            if node.format_spec is not None:
                self.value(node.format_spec)
            return v
        if isinstance(node, ast.BinOp):
            a, b = self.value(node.left), self.value(node.right)
            if a.has_lit and b.has_lit:
                lit = _fold(node.op, a.lit, b.lit)
                if lit is not _NOLIT:
                    return const(lit)
            if isinstance(node.op, ast.Add) and a.elems is not None and b.elems is not None:
                return seq(a.elems + b.elems)
            if isinstance(node.op, (ast.Sub, ast.FloorDiv, ast.Pow, ast.RShift, ast.LShift)):
                return Value(a.taint & {RANDOM} | b.taint & {RANDOM})  # numbers (a random one stays random)
            return join([a, b])
        if isinstance(node, ast.BoolOp):
            vals = [self.value(v) for v in node.values]
            truths = [_truth(v) for v in vals]
            if all(t is not None for t in truths):
                pick = None
                for v, t in zip(vals, truths):
                    pick = v
                    if (t is False) if isinstance(node.op, ast.And) else (t is True):
                        break
                return pick or CONST
            out = vals[0]
            for v in vals[1:]:
                out = merge(out, v)
            return out
        if isinstance(node, ast.Compare):
            vals = [self.value(node.left)] + [self.value(c) for c in node.comparators]
            if all(v.has_lit for v in vals):
                ok = True
                for op, x, y in zip(node.ops, vals, vals[1:]):
                    fn = _CMP.get(type(op))
                    try:
                        ok = ok and bool(fn(x.lit, y.lit)) if fn else False
                    except Exception:  # noqa: BLE001
                        return Value()
                return const(ok)
            return Value()
        if isinstance(node, ast.UnaryOp):
            v = self.value(node.operand)
            if isinstance(node.op, ast.Not):
                t = _truth(v)
                return const(not t) if t is not None else Value()
            if v.has_lit and isinstance(v.lit, (int, float)) and not isinstance(v.lit, bool):
                return const(-v.lit if isinstance(node.op, ast.USub) else v.lit)
            return Value()
        if isinstance(node, ast.IfExp):
            t = _truth(self.value(node.test))
            if t is True:
                return self.value(node.body)
            if t is False:
                return self.value(node.orelse)
            return merge(self.value(node.body), self.value(node.orelse))
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            return seq(self.value(e) for e in node.elts) if not isinstance(node, ast.Set) else join(self.value(e) for e in node.elts)
        if isinstance(node, ast.Dict):
            entries = []
            precise = True
            for k, v in zip(node.keys, node.values):
                kv = self.value(k) if k is not None else None
                vv = self.value(v)
                if kv is None or not kv.has_lit or not _hashable(kv.lit):
                    precise = False
                    entries.append((object(), vv if kv is None or kv.const else join([kv, vv])))
                else:
                    entries.append((kv.lit, vv))
            out = mapping(entries)
            return out if precise else Value(out.taint, out.unknown, req=out.req)
        if isinstance(node, ast.Subscript):
            return self.subscript(node)
        if isinstance(node, ast.Attribute):
            return self.attribute(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Await):
            return self.value(node.value)
        if isinstance(node, ast.Starred):
            return self.value(node.value)
        if isinstance(node, ast.NamedExpr):
            v = self.value(node.value)
            self.assign(node.target, v, node.value)
            return v
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            saved = self.env
            self.env = self.env.fork()
            for gen in node.generators:
                self.assign(gen.target, self.element(self.value(gen.iter)), None)
                for cond in gen.ifs:
                    self.value(cond)
            if isinstance(node, ast.DictComp):
                out = join([self.value(node.key), self.value(node.value)])
            else:
                out = self.value(node.elt)
            self.env = saved
            return Value(out.taint, out.unknown, req=out.req and not out.raw_request)
        if isinstance(node, ast.Lambda):
            return UNKNOWN
        if isinstance(node, ast.Slice):
            for part in (node.lower, node.upper, node.step):
                if part is not None:
                    self.value(part)
            return Value()
        # anything else: what its parts carry
        parts = [self.value(c) for c in ast.iter_child_nodes(node) if isinstance(c, ast.expr)]
        return join(parts) if parts else UNKNOWN

    def name(self, name: str) -> Value:
        if name in self.env:
            return self.env[name]
        module = self.flow.module_value(name)
        if module is not None:
            return module
        if name in ("True", "False", "None", "__file__", "__name__"):
            return CONST  # (a module's own path and name are the deployment's, not input)
        if name in self.flow.request_names:
            return Value(req=True, raw_request=True)
        return UNKNOWN

    def subscript(self, node: ast.Subscript) -> Value:
        base = self.value(node.value)
        key = self.value(node.slice)
        if isinstance(node.slice, ast.Slice):
            if base.elems is not None:
                return seq(base.elems) if not base.elems else join(base.elems)
            return Value(base.taint, base.unknown, req=base.req and not base.raw_request)
        if base.items is not None:
            if key.has_lit and _hashable(key.lit):
                for k, v in base.items:
                    if type(k) is type(key.lit) and k == key.lit:
                        return v
            return join(v for _k, v in base.items) if base.items else CONST
        if base.elems is not None:
            if key.has_lit and isinstance(key.lit, int) and not isinstance(key.lit, bool) and -len(base.elems) <= key.lit < len(base.elems):
                return base.elems[key.lit]
            return join(base.elems) if base.elems else CONST
        if base.has_lit and key.has_lit:
            try:
                return const(base.lit[key.lit])  # type: ignore[index]
            except Exception:  # noqa: BLE001
                return Value()
        if base.raw_request:
            return REQUEST_DATA
        if base.const:
            return Value()
        return Value(base.taint, base.unknown, req=base.req and not base.raw_request)

    def attribute(self, node: ast.Attribute) -> Value:
        name = dotted(node)
        if name and name in self.env:
            return self.env[name]
        if name and self.flow.qualified(name) in _FRAMEWORK_REQUESTS:
            return Value(req=True, raw_request=True)
        base = self.value(node.value)
        if base is MODULE:
            return MODULE  # os.path, json.loads: a module's member
        if base.raw_request:
            if node.attr == "path" and self.fn is not None and fixed_path(self.fn):
                return Value()  # the rule's own path: no part of it is the client's to choose
            if node.attr in _SAME_SITE_ATTRS:
                return SAME_SITE
            if node.attr in _REQUEST_ATTRS:
                return REQUEST_DATA
            if node.attr == "request":  # self.request, or a wrapper's
                return base
            if node.attr in _REQUEST_SAFE_ATTRS:
                return Value()
            return Value(unknown=KINDS)
        if base.req:
            return REQUEST_DATA
        if node.attr == "request" and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
            return Value(req=True, raw_request=True)
        if base.taint:
            return Value(base.taint, base.unknown)
        if base.const:
            return Value()  # a method or attribute of a constant
        return Value(unknown=base.unknown)

    def call(self, node: ast.Call) -> Value:
        callee = self.flow.callee(node)
        args = [self.value(a) for a in node.args]
        kwargs = {k.arg: self.value(k.value) for k in node.keywords}
        allv = args + list(kwargs.values())
        func = node.func
        receiver: Value | None = None
        if isinstance(func, ast.Attribute):
            receiver = self.value(func.value)
            if receiver is MODULE:
                receiver = None  # os.path.join(...): a module's function, not a method of data
        else:
            self.value(func)
        self.buffers_passed(node, callee, allv)
        last = callee.rsplit(".", 1)[-1]
        if is_random_call(callee):
            return Value(taint=frozenset({RANDOM}))
        if receiver is not None and receiver.items is not None and isinstance(func, ast.Attribute) \
                and any(k is _BUFFER for k, _v in receiver.items):
            return self.buffer_call(func, receiver, last, args)  # (whatever the buffer is named: ``query``)
        if callee in ("open", "io.open", "codecs.open") and args and args[0].safe("path"):
            return Value()  # a file at a constant path: part of the deployment, like an import
        if _FRESH.match(callee) or last in _FRESH_METHODS or (
                isinstance(func, ast.Attribute) and dotted(func.value).rsplit(".", 1)[-1] in _STORES):
            return UNKNOWN  # what a server, a file or a database returns is not the request, whatever it was asked
        if callee == "len" and len(args) == 1 and (args[0].elems is not None or args[0].items is not None):
            return const(len(args[0].elems if args[0].elems is not None else args[0].items))  # type: ignore[arg-type]
        kinds = cleaner_kinds(callee)
        if kinds is not None:
            inner = join(allv + ([receiver] if receiver is not None and last in ("replace", "format") else []))
            return clean(inner, kinds)
        if receiver is not None:
            if receiver.raw_request:
                if last in _SAME_SITE_ATTRS:
                    return SAME_SITE
                return REQUEST_DATA if last in _REQUEST_ATTRS else Value(unknown=KINDS)
            if receiver.req:
                return REQUEST_DATA
            if receiver.items is not None and any(k is _CONFIG for k, _v in receiver.items) \
                    and isinstance(func, ast.Attribute):
                return self.config_call(func, receiver, last, args, kwargs)
            if last in _CONTAINER_MUTATORS and isinstance(func, ast.Attribute):
                return self.mutate(func, receiver, last, args, node)
            if last == "get" and receiver.items is not None and args and args[0].has_lit:
                for k, v in receiver.items:
                    if type(k) is type(args[0].lit) and k == args[0].lit:
                        return v
                return args[1] if len(args) > 1 else const(None)
            if last in _STR_METHODS or last == "get":
                if receiver.has_lit and isinstance(receiver.lit, str) and all(a.has_lit for a in args) and not kwargs:
                    lit = _str_method(receiver.lit, last, [a.lit for a in args])
                    if lit is not _NOLIT:
                        return const(lit)
                if last in ("join",) and args and args[0].elems is None and args[0].const:
                    return Value()
                return join([receiver] + allv)
        if callee in _CONFIG_PARSERS and not args:
            return mapping(((_CONFIG, CONST),))  # options followed one by one, like a dict's entries
        if callee in _BUFFERS:
            return mapping(((_BUFFER, args[0] if args else CONST),))  # what is written to it, followed
        summary = self.flow.summary(node, callee, args, kwargs, self.depth)
        if summary is not None:
            return summary
        if callee in _PURE or last in ("join", "format"):
            return join(allv + ([receiver] if receiver is not None else []))
        out = join(allv + ([receiver] if receiver is not None and not receiver.const else []))
        if any(v.raw_request for v in allv) and _wraps_request(last):
            return Value(out.taint, out.unknown, req=True)
        if not allv and (receiver is None or not receiver.taint):
            return Value(unknown=KINDS)
        return Value(out.taint, out.unknown | KINDS if not out.taint else out.unknown)

    def config_call(self, func: ast.Attribute, receiver: Value, method: str, args: list[Value], kwargs: dict) -> Value:
        """A method of a local ``configparser.ConfigParser()``: ``set(section, option, value)`` and
        ``get(section, option)`` with constant names are followed option by option; reading a
        file or anything not followed makes every option unknown."""
        name = dotted(func.value)
        d = dict(receiver.items)
        lits = len(args) >= 2 and args[0].has_lit and args[1].has_lit and _hashable((args[0].lit, args[1].lit))
        if method in ("get", "getint", "getfloat", "getboolean") and lits:
            v = d.get((args[0].lit, args[1].lit))
            if v is None:
                return kwargs.get("fallback", UNKNOWN)
            return clean(v, KINDS) if method != "get" else v
        if method in ("add_section", "has_section", "has_option", "sections", "options", "remove_section"):
            return CONST
        if method == "set" and lits and len(args) >= 3:
            d[(args[0].lit, args[1].lit)] = args[2]
            new = mapping(d.items())
        else:
            new = join([receiver] + args + list(kwargs.values()))  # read(), read_string(), ...: options unknown
            new = Value(new.taint, new.unknown | KINDS)
        if name and "(" not in name and "[" not in name:
            self.env[name] = new
        return new if method not in ("set", "read", "read_string", "read_file", "read_dict") else CONST

    def buffer_call(self, func: ast.Attribute, receiver: Value, method: str, args: list[Value]) -> Value:
        """A method of a local ``io.StringIO()``: ``write``/``writelines`` add to what it holds,
        ``getvalue``/``read``/... give that back; the rest (``seek``, ``tell``) are numbers."""
        held = dict(receiver.items)[_BUFFER]
        if method in ("write", "writelines"):
            self.write_buffer(func.value, receiver, args)
            return const(None)
        if method in _BUFFER_READS:
            return Value(held.taint, held.unknown)
        return Value()

    def buffers_passed(self, node: ast.Call, callee: str, allv: list[Value]) -> None:
        """A local buffer given to a call: ``print(x, file=buf)`` writes ``x`` to it; any other call
        (``json.dump(obj, buf)``, ``df.to_csv(buf)``) may write anything, its other arguments too."""
        for arg in [*node.args, *(k.value for k in node.keywords)]:
            if not isinstance(arg, (ast.Name, ast.Attribute)):
                continue
            v = self.flow.values.get(id(arg))
            if v is None or v.items is None or not any(k is _BUFFER for k, _v in v.items):
                continue
            others = [x for x in allv if x is not v]
            if callee == "print":
                self.write_buffer(arg, v, others)
            else:
                self.write_buffer(arg, v, [*others, UNKNOWN])

    def write_buffer(self, target: ast.AST, receiver: Value, args: list[Value]) -> None:
        """Add ``args`` to the buffer named by ``target``."""
        name = dotted(target)
        if name and "(" not in name and "[" not in name:
            held = dict(receiver.items)[_BUFFER]  # type: ignore[arg-type]
            self.env[name] = mapping(((_BUFFER, join([held, *args])),))

    def mutate(self, func: ast.Attribute, receiver: Value, method: str, args: list[Value], node: ast.Call) -> Value:
        """``values.append(x)``, ``m.update(...)``, ... on a local container; returns what the call returns."""
        name = dotted(func.value)
        out: Value = const(None)
        new = receiver
        if receiver.elems is not None:
            elems = list(receiver.elems)
            if method in ("append", "appendleft") and args:
                elems.insert(0 if method == "appendleft" else len(elems), args[0])
            elif method == "extend" and args:
                if args[0].elems is not None:
                    elems.extend(args[0].elems)
                else:
                    elems = None  # type: ignore[assignment]
            elif method == "insert" and len(args) == 2 and args[0].has_lit and isinstance(args[0].lit, int):
                elems.insert(args[0].lit, args[1])
            elif method in ("pop", "popleft"):
                i = args[0].lit if args and args[0].has_lit and isinstance(args[0].lit, int) else (0 if method == "popleft" else -1 if not args else None)
                if i is not None and elems and -len(elems) <= i < len(elems):
                    out = elems.pop(i)
                else:
                    out = join(elems) if elems else CONST
                    elems = None  # type: ignore[assignment]
            elif method == "remove" and args and args[0].has_lit:
                for k, e in enumerate(elems):
                    if e.has_lit and e.lit == args[0].lit:
                        del elems[k]
                        break
                else:
                    elems = None  # type: ignore[assignment]
            elif method == "clear":
                elems = []
            else:
                elems = None  # type: ignore[assignment]
            new = seq(elems) if elems is not None else join([receiver] + args)
        elif receiver.items is not None:
            d = dict(receiver.items)
            if method in ("update",) and args and args[0].items is not None:
                d.update(args[0].items)
                new = mapping(d.items())
            elif method == "setdefault" and args and args[0].has_lit and _hashable(args[0].lit):
                out = d.setdefault(args[0].lit, args[1] if len(args) > 1 else const(None))
                new = mapping(d.items())
            elif method == "pop" and args and args[0].has_lit and _hashable(args[0].lit):
                out = d.pop(args[0].lit, args[1] if len(args) > 1 else const(None))
                new = mapping(d.items())
            elif method == "clear":
                new = mapping(())
            else:
                new = join([receiver] + args)
        else:
            new = join([receiver] + args) if not (receiver.const and all(a.const for a in args)) else receiver
            out = self.element(receiver) if method in ("pop", "popleft") else const(None)
        if name and "(" not in name and "[" not in name:
            self.env[name] = new
        return out


def _pattern_matches(p: ast.AST, lit: object) -> bool | None:
    """Whether ``case p:`` matches the constant ``lit`` (None when that is not known)."""
    if isinstance(p, ast.MatchAs) and p.pattern is None:
        return True  # ``case _:`` or a bare capture
    if isinstance(p, ast.MatchValue) and isinstance(p.value, ast.Constant):
        return type(p.value.value) is type(lit) and p.value.value == lit
    if isinstance(p, ast.MatchSingleton):
        return p.value is lit
    if isinstance(p, ast.MatchOr):
        got = [_pattern_matches(q, lit) for q in p.patterns]
        return True if True in got else None if None in got else False
    return None


def _live_case(cases: list, subject: "Value") -> int | None:
    """The index of the case a constant ``subject`` runs, -1 when none matches, None when unknown."""
    if not subject.has_lit:
        return None
    for i, case in enumerate(cases):
        m = _pattern_matches(case.pattern, subject.lit)
        if m is None or (m and case.guard is not None):
            return None
        if m:
            return i
    return -1


def _wraps_request(name: str) -> bool:
    """A call that likely builds an object around the request (``SeparateRequest(request)``,
    ``wrap_request(request)``), as opposed to one that merely receives it (``render(request, ...)``)."""
    if name in ("render", "render_to_response", "redirect", "HttpResponse", "authenticate", "login", "logout",
                "get_object_or_404", "get_list_or_404", "messages", "get_token", "csrf", "TemplateResponse"):
        return False
    return bool(re.search(r"request|wrap|form|params?|args|input", name, re.I) or name[:1].isupper())


def _hashable(x: object) -> bool:
    try:
        hash(x)
    except TypeError:
        return False
    return True


def _str_method(s: str, method: str, args: list) -> object:
    if method not in ("lower", "upper", "strip", "lstrip", "rstrip", "replace", "title", "capitalize", "casefold",
                      "removeprefix", "removesuffix", "zfill"):
        return _NOLIT
    try:
        out = getattr(s, method)(*args)
    except Exception:  # noqa: BLE001
        return _NOLIT
    return out if isinstance(out, str) and len(out) <= 10_000 else _NOLIT


# ------------------------------------------------------------------ the file

class FileFlow:
    """Values of a file's expressions, computed per function on first use."""

    def __init__(self, fi: FileInfo) -> None:
        self.fi = fi
        self.tree = fi.tree
        self.aliases = fi.aliases
        self.values: dict[int, Value] = {}
        self._done: set[int] = set()
        self._module_env: _Env | None = None
        self._module_running = False
        self._summaries: dict[tuple, Value | None] = {}
        self._functions: dict[str, list[ast.AST]] = {}
        self._methods: dict[str, list[ast.AST]] = {}
        self._spans: list[tuple[int, int, ast.AST]] = []
        self.request_names = self._request_names()
        self.web = web_python(fi)
        self.lambda_file = lambda_file(fi)
        if self.tree is not None:
            for node in self.tree.body:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    self._functions.setdefault(node.name, []).append(node)
                elif isinstance(node, ast.ClassDef):
                    for m in node.body:
                        if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef)):
                            self._methods.setdefault(m.name, []).append(m)
            for fn in fi.nodes(ast.FunctionDef, ast.AsyncFunctionDef):
                self._spans.append((fn.lineno, fn.end_lineno or fn.lineno, fn))
            self._spans.sort(key=lambda x: (x[0], -x[1]))

    def _request_names(self) -> set[str]:
        """Local names of a framework's request object (``from flask import request``)."""
        names = {"request"}
        al = self.aliases
        if al is not None:
            for local, full in al.map.items():
                if full.endswith(".request") and full.split(".")[0] in ("flask", "quart", "bottle", "sanic", "werkzeug"):
                    names.add(local)
        return names

    # -------------------------------------------------------------- queries

    def callee(self, call: ast.Call) -> str:
        return self.aliases.resolve(call.func) if self.aliases else dotted(call.func)

    def qualified(self, name: str) -> str:
        """A dotted name with its import alias expanded."""
        if self.aliases is None:
            return name
        head, dot, rest = name.partition(".")
        return self.aliases.map.get(head, head) + dot + rest

    def record(self, node: ast.AST, v: Value) -> None:
        old = self.values.get(id(node))
        self.values[id(node)] = v if old is None else merge(old, v)

    def value(self, node: ast.AST) -> Value | None:
        """The value of ``node``, or None when it is never reached (a dead branch) or
        its function is too large to follow."""
        fn = self.function_at(getattr(node, "lineno", 0), node)
        key = id(fn) if fn is not None else 0
        if key not in self._done:  # its own run first: a call from elsewhere is not all it gets
            self._done.add(key)
            self._run_top(fn)
        return self.values.get(id(node))

    def safe(self, node: ast.AST, kind: str) -> bool:
        """Neither request data nor unknown data of ``kind`` can reach ``node``."""
        v = self.value(node)
        return v is not None and v.safe(kind)

    def tainted(self, node: ast.AST, kind: str) -> bool:
        """Request data (or, for ``random``, a weak random value) of ``kind`` may reach ``node``."""
        v = self.value(node)
        return v is not None and v.tainted(kind)

    def function_at(self, line: int, node: ast.AST | None = None) -> ast.AST | None:
        """The innermost function holding ``line`` (and ``node``), or None (module level)."""
        best = None
        for a, b, fn in self._spans:
            if a > line:
                break
            if a <= line <= b and (node is None or node is not fn):
                best = fn
        return best

    def calls(self, names: set[str] | None = None, lines: set[int] | frozenset[int] | None = None) -> Iterator[tuple[ast.Call, str]]:
        """``(call, qualified callee)`` of every call (on ``lines``; named one of ``names``)."""
        for call in self.fi.nodes(ast.Call):
            if lines is not None and not self.fi.touches(call.lineno, call.end_lineno or call.lineno):
                continue
            name = self.callee(call)
            if names is None or name in names or name.rsplit(".", 1)[-1] in names:
                yield call, name

    # -------------------------------------------------------------- running

    def _run_top(self, fn: ast.AST | None) -> None:
        if fn is None:
            self.module_env()
            return
        env = _Env()
        params = route_params(fn)
        if self.lambda_file and is_lambda_handler(fn):
            params = {"event"}
        args = fn.args  # type: ignore[attr-defined]
        for a in args.posonlyargs + args.args + args.kwonlyargs + [x for x in (args.vararg, args.kwarg) if x]:
            if a.arg in params:
                env[a.arg] = REQUEST_DATA
            elif a.arg in ("request", "req") and (self.web or is_view(fn, self.web)):
                env[a.arg] = Value(req=True, raw_request=True)
            elif a.arg in ("self", "cls"):
                env[a.arg] = Value(unknown=KINDS)
            else:
                env[a.arg] = UNKNOWN
        for d in args.defaults + [x for x in args.kw_defaults if x is not None]:
            self._module_run_value(d)
        run = _Run(self, fn, env, 0)
        try:
            run.block(fn.body)  # type: ignore[attr-defined]
        except (_Stop, RecursionError):
            pass

    def _module_run_value(self, node: ast.AST) -> None:
        run = _Run(self, None, _Env(self.module_env()), MAX_DEPTH)
        try:
            run.value(node)
        except (_Stop, RecursionError):
            pass

    def module_env(self) -> _Env:
        """Module-level names after the module body runs (functions are not entered)."""
        if self._module_env is None:
            if self._module_running:
                return _Env()
            self._module_running = True
            run = _Run(self, None, _Env(), MAX_DEPTH)
            try:
                if self.tree is not None:
                    run.block(self.tree.body)
            except (_Stop, RecursionError):
                pass
            self._module_env = run.env
            self._module_running = False
        return self._module_env

    def module_value(self, name: str) -> Value | None:
        if self._module_running and self._module_env is None:
            return None
        env = self.module_env()
        v = env.get(name)
        if v is None:
            return None
        return v

    def summary(self, call: ast.Call, callee: str, args: list[Value], kwargs: dict, depth: int) -> Value | None:
        """What a same-file function returns for these arguments, or None (not one of ours)."""
        fn = None
        func = call.func
        if isinstance(func, ast.Name) and func.id in self._functions:
            cands = self._functions[func.id]
            fn = cands[-1]
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in ("self", "cls") \
                and func.attr in self._methods:
            fn = self._methods[func.attr][-1]
        if fn is None:
            return None
        if depth >= MAX_DEPTH or len(self._summaries) > MAX_SUMMARIES:
            return join(args + list(kwargs.values())) if any(not a.const for a in args) else Value(unknown=KINDS)
        key = (id(fn), tuple(_sig(a) for a in args), tuple(sorted((k or "", _sig(v)) for k, v in kwargs.items())))
        if key in self._summaries:
            got = self._summaries[key]
            return got if got is not None else UNKNOWN
        self._summaries[key] = None  # recursion: unknown while it runs
        env = _Env()
        params = fn.args.posonlyargs + fn.args.args  # type: ignore[attr-defined]
        offset = 1 if isinstance(func, ast.Attribute) and params and params[0].arg in ("self", "cls") else 0
        for k, p in enumerate(params):
            if k < offset:
                env[p.arg] = Value(unknown=KINDS)
                continue
            i = k - offset
            env[p.arg] = args[i] if i < len(args) else kwargs.get(p.arg, CONST)
        for p in fn.args.kwonlyargs:  # type: ignore[attr-defined]
            env[p.arg] = kwargs.get(p.arg, CONST)
        for extra in (fn.args.vararg, fn.args.kwarg):  # type: ignore[attr-defined]
            if extra is not None:
                env[extra.arg] = join(args + list(kwargs.values()))
        run = _Run(self, fn, env, depth + 1)
        try:
            run.block(fn.body)  # type: ignore[attr-defined]
            out = run.returns if run.returns is not None else const(None)
        except (_Stop, RecursionError):
            out = UNKNOWN
        if "url" in out.taint and _URL_CHECK.search(self._text(fn)):
            out = replace(out, taint=out.taint - {"url"})  # a helper that checks the URL it returns
        self._summaries[key] = out
        return out

    def _text(self, fn: ast.AST) -> str:
        return "\n".join(self.fi.lines[fn.lineno - 1:(fn.end_lineno or fn.lineno)])  # type: ignore[attr-defined]


def _sig(v: Value) -> tuple:
    lit = v.lit if v.has_lit and _hashable(v.lit) and not isinstance(v.lit, (bytes,)) else None
    return (v.taint, v.unknown, v.req, lit, len(v.elems) if v.elems is not None else -1)


def flow_of(fi: FileInfo) -> FileFlow | None:
    """The shared :class:`FileFlow` of a Python file (None when it does not parse)."""
    if fi.tree is None:
        return None
    return fi.once("dataflow", lambda: FileFlow(fi))


def enclosing_view(flow: FileFlow, node: ast.AST) -> ast.AST | None:
    """The request handler holding ``node``, or None."""
    fn = flow.function_at(getattr(node, "lineno", 0), node)
    return fn if fn is not None and is_view(fn, flow.web) else None


def call_at(fi: FileInfo, line: int, name: str) -> ast.Call | None:
    """The call on ``line`` whose callee ends like ``name`` (the token rules' call, in the tree)."""
    if fi.tree is None:
        return None
    last = name.rsplit(".", 1)[-1].split("(")[0]
    for call in fi.nodes(ast.Call):
        if call.lineno <= line <= (call.end_lineno or call.lineno) and dotted(call.func).rsplit(".", 1)[-1] == last:
            if call.lineno == line or not any(c.lineno == line for c in fi.nodes(ast.Call)
                                              if dotted(c.func).rsplit(".", 1)[-1] == last):
                return call
    return None


def may_be_safe(fi: FileInfo, names: Iterable[str]) -> bool:
    """False when one of ``names`` is never assigned in the file's text (a parameter, a global
    from elsewhere): then what it holds is unknown, and no parse can make it safe."""
    text = fi.text[:2_000_000]
    for n in set(names):
        if n in ("True", "False", "None") or n in _NUMBERS or n in _PURE:
            continue
        if not re.search(rf"\b{re.escape(n)}\s*(?::[^=\n]{{0,60}})?(?:=[^=]|\+=)|\bfor\s+{re.escape(n)}\b"
                         rf"|\bas\s+{re.escape(n)}\b|\bimport\s+(?:[\w.]+\s*,\s*)*{re.escape(n)}\b", text):
            return False
    return True


def arg_safe(fi: FileInfo, line: int, name: str, kind: str, index: int = 0, keyword: str | None = None,
             names: Iterable[str] | None = None) -> bool:
    """The argument (``index`` or ``keyword=``) of the call ``name`` on ``line`` is made only
    of constants and cleaned values (see :meth:`Value.safe`): a sink fed it is not worth a finding.
    ``names``, the identifiers in the argument, let a file be spared parsing (:func:`may_be_safe`)."""
    if names is not None and not may_be_safe(fi, names):
        return False
    flow = flow_of(fi)
    call = call_at(fi, line, name) if flow is not None else None
    if call is None:
        return False
    node = next((k.value for k in call.keywords if keyword and k.arg == keyword), None)
    if node is None:
        if index >= len(call.args) or isinstance(call.args[index], ast.Starred):
            return False
        node = call.args[index]
    return flow.safe(node, kind)  # type: ignore[union-attr]


def built_text(node: ast.AST) -> bool:
    """An expression that builds text by interpolation (f-string, ``+``, ``%``, ``.format``, ``.join``)."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return True
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("format", "join")


def bound_expr(node: ast.AST, fn: ast.AST | None) -> ast.AST:
    """For a name, the expression last assigned to it above its use in the function."""
    if not isinstance(node, ast.Name) or fn is None:
        return node
    found: ast.AST = node
    for sub in ast.walk(fn):
        if isinstance(sub, (ast.Assign, ast.AugAssign)) and sub.lineno < node.lineno:
            targets = sub.targets if isinstance(sub, ast.Assign) else [sub.target]
            if any(isinstance(t, ast.Name) and t.id == node.id for t in targets):
                found = sub.value if isinstance(sub, ast.Assign) else ast.BinOp(ast.Name(node.id), ast.Add(), sub.value)
    return found


def builds_html_unsafely(fi: FileInfo, line: int, name: str) -> bool:
    """``mark_safe``/``Markup`` on ``line`` is given text built by interpolation (there, or in a
    name assigned one in the same function), or request data."""
    flow = flow_of(fi)
    call = call_at(fi, line, name) if flow is not None else None
    if call is None or not call.args:
        return True  # no tree to tell: keep the token rule's judgement
    arg = call.args[0]
    if flow.tainted(arg, "html"):  # type: ignore[union-attr]
        return True
    return built_text(bound_expr(arg, flow.function_at(line))) and not flow.safe(arg, "html")  # type: ignore[union-attr]


def built_text_safe(fi: FileInfo, first: int, last: int, kind: str) -> bool:
    """Every string built by interpolation on lines ``first``..``last`` is made only of constants
    and values cleaned for ``kind`` (False when there is none, or no tree to tell)."""
    flow = flow_of(fi)
    if flow is None:
        return False
    found = False
    for node in fi.nodes(ast.JoinedStr, ast.BinOp, ast.Call):
        if first <= node.lineno <= last and built_text(node):
            found = True
            if not flow.safe(node, kind):
                return False
    return found
