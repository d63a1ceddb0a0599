"""Provides the injection-sink token rules: shell, eval, deserialization and XSS.

All four scan the shared token stream with paren matching, so keyword checks
(``shell=True``, ``Loader=``) are scoped to one call. Python callees are
resolved through the file's import aliases when the file parses. Call lists
live in ``data/rules/calls.toml``.

In Python, a sink whose argument the data flow (:mod:`triage.rules.dataflow`) proves
made only of constants and cleaned values is not reported (``eval("1 + 2")``,
``pickle.loads(pickle.dumps(x))``, ``os.system("ls " + shlex.quote(p))``); the argv
checks of ``shell-injection`` are :mod:`triage.rules.argv`'s, and the request-data and
autoescape checks of ``xss-unescaped-render`` are :mod:`triage.rules.web`'s.
"""

from __future__ import annotations

import re
from typing import Iterator

from triage.models import Finding
from triage.rules.base import RepoContext, register
from triage.rules.data import load
from triage.rules.argv import ARGV_HINT, js_argv, python_argv
from triage.rules.dataflow import arg_safe, builds_html_unsafely, built_text_safe
from triage.rules.fileinfo import FileInfo, FileRule, enclosing_function, is_upstream_vendored, plain_literal, qualify, truncate
from triage.rules.tokens import JAVASCRIPT, PYTHON
from triage.rules.web import autoescape_off, has_request_source, has_view, python_xss
from triage.rules.web import web_python as _is_web_python


def _calls(section: str, lang: str, key: str) -> frozenset[str]:
    return frozenset(load("calls").get(section, {}).get(lang, {}).get(key, []))


def _prev_value(fi: FileInfo, start: int) -> str:
    return fi.stream.toks[start - 1].value if start > 0 else ""


def _plain_names(ts, a: int, b: int) -> list[str] | None:
    """The names in tokens ``[a, b)`` when they hold no call (a call may clean what it is given:
    then only the data flow can tell), else None."""
    if any((t.value == "(" and t.kind in ("punct", "op")) or any("(" in x for x in t.interps) for t in ts.toks[a:b]):
        return None
    return ts.names_in(a, b)


def _is_definition(fi: FileInfo, start: int) -> bool:
    return _prev_value(fi, start) in ("def", "function", "class", ".", "?.", "async")


_SANITIZE = re.compile(r"sanitiz|purify|escape|encode|bleach|clean|xss|textContent|sanitize", re.I)


_PY_SHELL_HINT = re.compile(r"system|popen|getoutput|getstatusoutput|shell")
"""Python: every finding calls ``os.system``, an ``os.popen*``, a ``get(status)output``,
or passes ``shell=True`` (``create_subprocess_shell`` included)."""

_AUTOESCAPE_HINT = re.compile(r"autoescape|Environment\(|Template\(|TemplateLookup\(")
"""A template engine constructed, or an autoescape setting, near the added lines."""

_EVAL_HINT = {
    PYTHON: re.compile(r"\b(?:eval|exec)\b"),
    JAVASCRIPT: re.compile(r"\b(?:eval|Function|vm|setTimeout|setInterval|setImmediate)\b"),
}
"""Every finding calls one of these names (``Function`` with its capital: the needle
``function`` alone is in every JavaScript file)."""


@register
class ShellInjection(FileRule):
    id = "shell-injection"
    severity = "high"
    kind = "token"
    cwe = "CWE-78"
    question = "Can this be an argv list?"
    languages = (PYTHON, JAVASCRIPT)
    needles = ("system", "popen", "shell", "exec", "spawn", "getoutput", "pty", "subprocess", "run_process",
               "open_process")

    def scan(self, fi: FileInfo, ctx: RepoContext) -> Iterator[Finding]:
        if fi.lang == PYTHON:
            if ARGV_HINT.search(fi.near_added_text) and fi.tree is not None:
                for line, msg in python_argv(fi):
                    yield self.hit(fi, line, msg)
            if not _PY_SHELL_HINT.search(fi.near_added_lower):
                return  # no shell call, and no shell=True, near the added lines
        elif "child_process" not in fi.text and "shelljs" not in fi.text:
            return  # JavaScript: every finding needs one of these modules
        ts = fi.stream
        if fi.lang == PYTHON:
            direct = _calls("shell", "python", "calls")
            with_kw = _calls("shell", "python", "shell_kw")
            for i, name, start in ts.calls():
                q = qualify(fi, name, ts.toks[i].line).replace("asyncio.subprocess.", "asyncio.", 1)
                args = ts.args(i)
                at = 0
                if name.endswith(".subprocess_shell") and _prev_value(fi, start) != "def":
                    q, at = "loop.subprocess_shell", 1  # an event loop's (protocol_factory, cmd)
                if q in direct or q in ("asyncio.create_subprocess_shell", "loop.subprocess_shell"):
                    if len(args) > at and not plain_literal(fi, *args[at]) and not arg_safe(
                            fi, ts.toks[i].line, name, "shell", names=_plain_names(ts, *args[at]), index=at):
                        yield self.hit(fi, ts.toks[i].line, f"{q}() runs {truncate(ts.source(*args[at]), 50)} through a shell")
                    continue
                if q in with_kw or name in with_kw:
                    if not (q.startswith("subprocess.") or name.startswith("subprocess.")):
                        continue
                    kw = ts.kwarg(i, "shell")
                    if kw and ts.toks[kw[0]].value == "True":
                        literal = bool(args) and plain_literal(fi, *args[0])
                        if not literal and args and arg_safe(fi, ts.toks[i].line, name, "shell", names=_plain_names(ts, *args[0])):
                            continue  # built only from constants and shlex.quote()d values
                        sev = "medium" if literal else None
                        yield self.hit(fi, ts.toks[kw[0]].line, f"{q}(..., shell=True) runs a command string through a shell", sev)
        else:
            uses_cp = "child_process" in fi.text or "shelljs" in fi.text
            execs = _calls("shell", "javascript", "exec_calls")
            spawns = _calls("shell", "javascript", "spawn_calls")
            for i, name, start in ts.calls():
                bare = name.rsplit(".", 1)[-1]
                args = ts.args(i)
                if (name in execs or (bare in ("exec", "execSync") and "." in name and name.split(".")[0] in ("cp", "child_process", "childProcess", "shell"))) and uses_cp:
                    if name in ("exec", "execSync") and _prev_value(fi, start) in (".", "?.", "function"):
                        continue
                    if args and not plain_literal(fi, *args[0]):
                        yield self.hit(fi, ts.toks[i].line, f"{name}() runs {truncate(ts.source(*args[0]), 50)} through a shell")
                    continue
                if (name in spawns or bare in ("spawn", "spawnSync", "execFile", "execFileSync")) and uses_cp:
                    for a, b in args[1:]:
                        keys = ts.keys_in(a, b)
                        v = keys.get("shell")
                        if v is not None and v < len(ts.toks) and ts.toks[v].value not in ("false", "undefined", "null"):
                            yield self.hit(fi, ts.toks[v].line, f"{name}() with shell: {ts.toks[v].value} runs its command through a shell")
            for line, msg in sorted(js_argv(fi)):
                yield self.hit(fi, line, msg, "medium")


@register
class EvalExec(FileRule):
    id = "eval-exec"
    severity = "high"
    kind = "token"
    cwe = "CWE-95"
    question = "Can a parser replace dynamic code?"
    languages = (PYTHON, JAVASCRIPT)
    needles = ("eval", "exec", "function", "settimeout", "setinterval", "vm.", "setimmediate")

    def scan(self, fi: FileInfo, ctx: RepoContext) -> Iterator[Finding]:
        if not _EVAL_HINT[fi.lang].search(fi.near_added_text):
            return
        ts = fi.stream
        toks = ts.toks
        if fi.lang == PYTHON:
            names = _calls("eval", "python", "calls")
            for i, name, start in ts.calls():
                if _is_definition(fi, start):
                    continue
                q = qualify(fi, name)
                if name in names or q in names:
                    args = ts.args(i)
                    if args and not plain_literal(fi, *args[0]) and not arg_safe(
                            fi, toks[i].line, name, "code", names=_plain_names(ts, *args[0])):
                        yield self.hit(fi, toks[i].line, f"{name}() runs dynamic code built from {truncate(ts.source(*args[0]), 50)}")
            return
        names = _calls("eval", "javascript", "calls")
        timers = _calls("eval", "javascript", "string_timers")
        for i, name, start in ts.calls():
            prev = _prev_value(fi, start)
            if prev in ("function", ".", "?.") and name in ("eval", "Function"):
                continue
            args = ts.args(i)
            if name == "Function" or (name in names and name != "eval"):
                if args and all(plain_literal(fi, a, b) for a, b in args) and name == "Function":
                    continue  # constant code, e.g. Function("return this")
                yield self.hit(fi, toks[i].line, f"{'new ' if prev == 'new' else ''}{name}() compiles code from a string at run time")
            elif name == "eval":
                if args and not plain_literal(fi, *args[0]):
                    yield self.hit(fi, toks[i].line, f"eval() runs dynamic code built from {truncate(ts.source(*args[0]), 50)}")
            elif name in timers or name.rsplit(".", 1)[-1] in timers and name.split(".")[0] in ("window", "global", "globalThis"):
                if args:
                    first = toks[args[0][0]]
                    if first.kind == "str" or (args[0][1] - args[0][0] > 1 and any(t.value == "+" for t in toks[args[0][0]:args[0][1]]) and any(t.kind == "str" for t in toks[args[0][0]:args[0][1]])):
                        yield self.hit(fi, toks[i].line, f"{name}() with a string argument evaluates it as code")


@register
class UnsafeDeserialization(FileRule):
    id = "unsafe-deserialization"
    severity = "high"
    kind = "token"
    cwe = "CWE-502"
    question = "Can these bytes cross the trust boundary?"
    languages = (PYTHON, JAVASCRIPT)
    needles = ("pickle", "marshal", "yaml", "shelve", "dill", "torch", "unserialize", "joblib", "numpy", "np.load", "jsonpickle", "funcster")

    def scan(self, fi: FileInfo, ctx: RepoContext) -> Iterator[Finding]:
        ts = fi.stream
        toks = ts.toks
        if fi.lang == JAVASCRIPT:
            names = _calls("deserialization", "javascript", "calls")
            for i, name, start in ts.calls():
                if name in names and _prev_value(fi, start) not in ("function",):
                    yield self.hit(fi, toks[i].line, f"{name}() can run code embedded in the serialized data")
            return
        names = _calls("deserialization", "python", "calls")
        yaml_load = _calls("deserialization", "python", "yaml_load")
        safe = tuple(load("calls").get("deserialization", {}).get("python", {}).get("safe_loaders", []))
        safe_alias = set(re.findall(r"\b(?:C?SafeLoader|C?BaseLoader)\s+as\s+(\w+)", fi.text))
        for i, name, start in ts.calls():
            if _is_definition(fi, start):
                continue
            q = qualify(fi, name)
            if q in names or name in names:
                args = ts.args(i)
                if not (args and arg_safe(fi, toks[i].line, name, "deser", names=_plain_names(ts, *args[0]))):
                    yield self.hit(fi, toks[i].line, f"{q}() can run code embedded in the data it loads")
            elif (q in yaml_load or name in yaml_load) and not (ts.args(i) and arg_safe(
                    fi, toks[i].line, name, "deser", names=_plain_names(ts, *ts.args(i)[0]))):
                args = ts.args(i)
                loader = ts.kwarg(i, "Loader")
                if loader is None and len(args) >= 2 and toks[args[1][0]].value != "Loader":
                    loader = args[1]
                if loader is not None:
                    src = " ".join(t.value for t in toks[loader[0]:loader[1]])
                    last = src.split(".")[-1].strip()
                    if any(s in src for s in safe) or last in safe_alias:
                        continue
                    yield self.hit(fi, toks[i].line, f"{q}() with Loader={truncate(src, 30)} can construct arbitrary Python objects")
                else:
                    yield self.hit(fi, toks[i].line, f"{q}() without a safe Loader (use yaml.safe_load)")
            elif q.endswith("torch.load") or name == "torch.load":
                kw = ts.kwarg(i, "weights_only")
                if kw and toks[kw[0]].value == "False":
                    yield self.hit(fi, toks[kw[0]].line, "torch.load(weights_only=False) unpickles arbitrary objects")
            elif q in ("numpy.load", "np.load") or name in ("np.load", "numpy.load"):
                kw = ts.kwarg(i, "allow_pickle")
                if kw and toks[kw[0]].value == "True":
                    yield self.hit(fi, toks[kw[0]].line, "numpy.load(allow_pickle=True) unpickles arbitrary objects")


_HTML_TAGS = ("a|abbr|article|aside|audio|b|blockquote|body|br|button|canvas|caption|center|code|dd|details|div|dl|dt|"
              "em|embed|fieldset|font|footer|form|h[1-6]|head|header|hr|html|i|iframe|img|input|label|legend|li|link|"
              "main|mark|meta|nav|noscript|object|ol|optgroup|option|p|pre|q|s|script|section|select|small|source|span|"
              "strong|style|sub|summary|sup|svg|table|tbody|td|template|textarea|tfoot|th|thead|title|tr|u|ul|video")
_HTML = re.compile(rf"<\s*/?\s*(?:{_HTML_TAGS})[\s>/]", re.I)
"""An HTML tag (``<p>``, ``</div>``, ``<a href``), not ``<Page 1 of 3>`` in a ``repr``."""
_PY_MARKUP = {"mark_safe", "Markup", "markupsafe.Markup", "SafeString", "django.utils.safestring.mark_safe",
              "django.utils.safestring.SafeString", "flask.Markup", "jinja2.Markup", "render_template_string",
              "flask.render_template_string"}
_PY_HTML_RESPONSES = {"HTMLResponse", "HttpResponse", "make_response", "Response", "web.Response"}


_JS_HTML_SINK = re.compile(
    r"innerHTML|outerHTML|dangerouslySetInnerHTML|document\s*\.\s*writeln?|insertAdjacentHTML|\.\s*html\s*\(")
"""JavaScript: every finding writes through one of these sinks."""
_PY_MARKUP_HINT = re.compile("|".join(sorted({n.rsplit(".", 1)[-1] for n in _PY_MARKUP})))
"""Python: a call that marks text safe (an alias of one still names it in its import)."""


@register
class XssUnescapedRender(FileRule):
    id = "xss-unescaped-render"
    severity = "high"
    kind = "token"
    cwe = "CWE-79"
    question = "Where is this escaped for its output context?"
    needles = ("innerhtml", "outerhtml", "document.write", "dangerouslysetinnerhtml", "v-html", "insertadjacenthtml",
               "mark_safe", "markup", "render_template_string", "safestring", "<", ".html(", "return", "response",
               ".write(", "autoescape", "environment(", "template(", "templatelookup(")

    def scan(self, fi: FileInfo, ctx: RepoContext) -> Iterator[Finding]:
        if is_upstream_vendored(fi):
            return  # a vendored library (jquery.js) is not the change's code to review line by line
        if fi.lang == JAVASCRIPT:
            if _JS_HTML_SINK.search(fi.near_added_text):
                yield from self._js(fi)
        elif fi.lang == PYTHON:
            near = fi.near_added_text
            seen: set[int] = set()
            if _PY_MARKUP_HINT.search(near) or (
                "<" in near and (_PY_MARKUP_HINT.search(fi.text) or _is_web_python(fi))
            ):
                for f in self._py(fi):
                    seen.add(f.line)
                    yield f
            if (has_request_source(fi) and has_view(fi) or _PY_MARKUP_HINT.search(near)) and fi.tree is not None:
                for line, msg in python_xss(fi, seen):
                    yield self.hit(fi, line, msg)
        if _AUTOESCAPE_HINT.search(fi.near_added_text):
            for line, msg in autoescape_off(fi):
                yield self.hit(fi, line, msg)
        if "v-html" in fi.text:
            for n, line in enumerate(fi.lines, 1):
                if n in fi.added and len(line) < 4000:
                    for m in re.finditer(r"\bv-html\s*=\s*\"([^\"]{0,200})\"", line):
                        if not _SANITIZE.search(m.group(1)):
                            yield self.hit(fi, n, f"v-html renders {truncate(m.group(1), 40)} as raw HTML")

    def _nonliteral(self, fi: FileInfo, a: int, b: int) -> bool:
        if a >= b or plain_literal(fi, a, b):
            return False
        toks = fi.stream.toks
        if b - a == 1 and toks[a].kind == "name" and re.fullmatch(r"[A-Z][A-Z0-9_]*", toks[a].value):
            return False  # an UPPER_CASE constant: markup the code itself defines
        src = " ".join(t.value + " " + " ".join(t.interps) for t in fi.stream.toks[a:b])
        return not _SANITIZE.search(src)

    def _js(self, fi: FileInfo) -> Iterator[Finding]:
        ts = fi.stream
        toks = ts.toks
        n = len(toks)
        for i, t in enumerate(toks):
            if t.kind == "name" and t.value in ("innerHTML", "outerHTML") and i + 1 < n and toks[i + 1].value in ("=", "+="):
                a, b = ts.stmt_bounds(i + 2) if i + 2 < n else (i + 2, i + 2)
                if b - 1 > i + 2 and toks[b - 1].value in ("innerHTML", "outerHTML") and toks[b - 2].value == ".":
                    continue  # markup copied from another element of the page
                if self._nonliteral(fi, i + 2, b):
                    yield self.hit(fi, t.line, f"assigns {truncate(ts.source(i + 2, b), 50)} to {t.value}")
            elif t.value == "dangerouslySetInnerHTML":
                c = min(n, i + 40)
                for k in range(i, c - 2):
                    if toks[k].value == "__html" and toks[k + 1].value == ":":
                        e = k + 2
                        while e < n and e - k < 80:
                            v = toks[e].value
                            if v in ("(", "[", "{") and e in ts.match and ts.match[e] > e:
                                e = ts.match[e] + 1
                                continue
                            if v in ("}", ","):
                                break
                            e += 1
                        if self._nonliteral(fi, k + 2, e):
                            yield self.hit(fi, t.line, f"dangerouslySetInnerHTML renders {truncate(ts.source(k + 2, e), 40)} unescaped")
                        break
        for i, name, start in ts.calls():
            args = ts.args(i)
            if name in ("document.write", "document.writeln") and args and self._nonliteral(fi, *args[0]):
                yield self.hit(fi, toks[i].line, f"{name}() writes {truncate(ts.source(*args[0]), 40)} as HTML")
            elif name.endswith(".insertAdjacentHTML") and len(args) >= 2 and self._nonliteral(fi, *args[1]):
                yield self.hit(fi, toks[i].line, f"insertAdjacentHTML() inserts {truncate(ts.source(*args[1]), 40)} as HTML")
            elif name.endswith(").html") and args and self._nonliteral(fi, *args[0]):
                yield self.hit(fi, toks[i].line, f".html() inserts {truncate(ts.source(*args[0]), 40)} as HTML")

    def _py(self, fi: FileInfo) -> Iterator[Finding]:
        ts = fi.stream
        toks = ts.toks
        seen: set[int] = set()
        for i, name, start in ts.calls():
            if _is_definition(fi, start):
                continue
            q = qualify(fi, name)
            if name in _PY_MARKUP or q in _PY_MARKUP:
                args = ts.args(i)
                built = name.rsplit(".", 1)[-1] == "render_template_string" or builds_html_unsafely(fi, toks[i].line, name)
                if args and self._nonliteral(fi, *args[0]) and toks[i].line not in seen and built \
                        and not arg_safe(fi, toks[i].line, name, "html"):
                    seen.add(toks[i].line)
                    seen.update(range(toks[args[0][0]].line, toks[args[0][1] - 1].end + 1))
                    yield self.hit(fi, toks[i].line, f"{name}() marks {truncate(ts.source(*args[0]), 40)} as safe HTML without escaping")
        web = _is_web_python(fi)
        if not web:
            return
        for i, t in enumerate(toks):
            if t.kind != "str" or not _HTML.search(t.text[:5000]):
                continue
            interps = [e for e in t.interps if not _SANITIZE.search(e)]
            fmt = i + 1 < len(toks) and (toks[i + 1].value == "%" or (toks[i + 1].value == "." and i + 2 < len(toks) and toks[i + 2].value == "format"))
            concat = (i + 1 < len(toks) and toks[i + 1].value == "+") or (i > 0 and toks[i - 1].value == "+")
            if not (interps or fmt or concat):
                continue
            a, b = ts.stmt_bounds(i)
            if fmt or concat:
                tail = " ".join(x.value for x in toks[i + 1:b])
                if _SANITIZE.search(tail):
                    continue
            returned = toks[a].value == "return" and enclosing_function(fi, t.line) not in ("__repr__", "__str__")
            in_response = False
            for k in range(a, i):
                if toks[k].kind == "name" and toks[k].value.split(".")[-1] in _PY_HTML_RESPONSES and k + 1 < len(toks) and toks[k + 1].value == "(":
                    in_response = True
            if (returned or in_response) and not (seen & set(range(t.line, t.end + 1))) \
                    and not built_text_safe(fi, t.line, t.end, "html"):
                seen.update(range(t.line, t.end + 1))
                what = ", ".join(interps[:3]) if interps else ts.source(i + 1, b, 40)
                line = fi.anchor(t.interp_lines or [t.line], (t.line, t.end))
                yield self.hit(fi, line, f"HTML built from {truncate(what, 40)} is returned without escaping")
