"""Provides the query-language and XML rules: ``ldap-injection``, ``xpath-injection`` and
``xml-external-entities``.

* ``ldap-injection``: an LDAP search filter or bind DN built from request data
  (python-ldap's ``search_s``/``search_ext_s``/..., ldap3's ``Connection.search``,
  ``simple_bind_s``) that ``escape_filter_chars``/``escape_dn_chars`` did not clean;
  a filter built from values of unknown origin by interpolation is a "check", one
  severity lower. JavaScript: ``client.search(base, {filter: `...${x}`})`` with
  request data (ldapjs);
* ``xpath-injection``: an XPath expression built from request data (lxml's
  ``.xpath()``/``etree.XPath()``, ``elementpath.select``, ElementTree's
  ``find``/``findall``/``findtext``/``iterfind``); lxml's variables
  (``tree.xpath("//u[@name=$n]", n=name)``) keep the expression constant. JavaScript:
  ``xpath.select``/``document.evaluate`` with request data;
* ``xml-external-entities``: a parser told to resolve entities or load DTDs
  (lxml's ``XMLParser(resolve_entities=True | no_network=False | load_dtd=True)``,
  a SAX parser's ``setFeature(feature_external_ges, True)``, ``xmltodict.parse(...,
  disable_entities=False)``, libxmljs's ``{noent: true}``). The standard library's
  parsers (ElementTree, minidom, SAX by default) do not fetch external entities, so
  they are not flagged on their own.
"""

from __future__ import annotations

import ast
import re
from typing import Iterator

from triage.models import Finding
from triage.rules.base import RepoContext, register
from triage.rules.dataflow import FileFlow, bound_expr, built_text, flow_of
from triage.rules.fileinfo import FileInfo, FileRule, truncate
from triage.rules.python_ast import dotted
from triage.rules.tokens import JAVASCRIPT, PYTHON
from triage.rules.web import FlowRule, _src, js_calls_carrying



def _literal_text(node: ast.AST) -> str:
    """The literal fragments of a built string, joined."""
    return " ".join(str(n.value) for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str))


# ------------------------------------------------------------------ LDAP

_LDAP_FILTER_ARG = {"search": 1, "search_s": 2, "search_st": 2, "search_ext": 2, "search_ext_s": 2, "paged_search": 1,
                    "search_subtree_s": 1}
_LDAP_DN_ARG = {"simple_bind_s": 0, "simple_bind": 0, "bind_s": 0, "bind": 0, "rebind": 0}
_LDAP_FILTER_KW = ("search_filter", "filterstr", "filter")
_LDAP_SYNTAX = re.compile(r"\(\s*[&|!]?\s*\(?\w[\w-]*\s*[<>~]?=|\b(?:uid|cn|ou|dc|sn|mail|objectclass)\s*=", re.I)


def built_unknown(flow: FileFlow, arg: ast.AST, line: int, syntax: re.Pattern) -> ast.AST | None:
    """The expression ``arg`` was built from, when it is built by interpolation and its literal
    parts read as ``syntax`` (a filter, an XPath): a check on values of unknown origin."""
    expr = bound_expr(arg, flow.function_at(line))
    return expr if built_text(expr) and syntax.search(_literal_text(expr)) else None


@register
class LdapInjection(FlowRule):
    id = "ldap-injection"
    severity = "high"
    kind = "ast"
    cwe = "CWE-90"
    question = "Is every value in this LDAP filter or DN escaped (escape_filter_chars, escape_dn_chars)?"
    languages = (PYTHON, JAVASCRIPT)
    needles = ("search", "bind")

    def wants(self, fi: FileInfo) -> bool:
        return "ldap" in fi.lower

    def _py(self, fi: FileInfo, flow: FileFlow) -> Iterator[Finding]:
        for call, name in flow.calls(lines=fi.added):
            if not isinstance(call.func, ast.Attribute):
                continue
            last = call.func.attr
            if last in _LDAP_FILTER_ARG:
                arg = next((k.value for k in call.keywords if k.arg in _LDAP_FILTER_KW), None)
                i = _LDAP_FILTER_ARG[last]
                if arg is None and len(call.args) > i:
                    arg = call.args[i]
                what = "search filter"
            elif last in _LDAP_DN_ARG:
                arg = next((k.value for k in call.keywords if k.arg in ("who", "dn", "user")), None)
                if arg is None and call.args:
                    arg = call.args[0]
                what = "bind DN"
            else:
                continue
            if arg is not None:
                yield from self._check(fi, flow, call, arg, what)

    def _check(self, fi: FileInfo, flow: FileFlow, call: ast.Call, arg: ast.AST, what: str) -> Iterator[Finding]:
        if flow.safe(arg, "ldap"):
            return
        if flow.tainted(arg, "ldap"):
            yield self.hit(fi, call.lineno, f"request data is built into an LDAP {what}: {_src(arg, 40)}")
            return
        expr = built_unknown(flow, arg, call.lineno, _LDAP_SYNTAX)
        if expr is not None:
            yield self.hit(fi, call.lineno, f"check: an LDAP {what} is built by interpolation: {_src(expr, 40)}",
                           "medium")

    def _js(self, fi: FileInfo) -> Iterator[Finding]:
        for i, name in js_calls_carrying(fi, lambda n: n.endswith(".search"), 1):
            yield self.hit(fi, fi.stream.toks[i].line, f"check: request data may be built into the LDAP filter of {name}()",
                           "medium")


# ------------------------------------------------------------------ XPath

_XPATH_CALLS = {"xpath", "XPath", "XPathEvaluator", "evaluate", "select", "find", "findall", "findtext", "iterfind",
                "xpath_eval", "iter_select"}
_ETREE_FIND = {"find", "findall", "findtext", "iterfind"}
_XPATH_SYNTAX = re.compile(r"\[\s*@|//|\[\s*\w+\s*=|text\(\)|contains\(")


_QUOTES = ("'", '"')


def _strips_quote(node: ast.AST, fn: ast.AST | None) -> str | None:
    """The quote ``node`` cannot hold: ``v.replace("'", "&apos;")`` (also through a name assigned
    it), when no later ``replace`` of the chain puts one back; else None."""
    node = bound_expr(node, fn)
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("str", "format") \
            and len(node.args) == 1 and not node.keywords:
        node = node.args[0]  # str(v.replace(...)): the same text
    outer: list[str] = []
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "replace" \
            and len(node.args) >= 2 and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args[:2]):
        old, new = node.args[0].value, node.args[1].value
        if old in _QUOTES and old not in new and not any(old in r for r in outer):
            return old
        outer.append(new)
        node = node.func.value
    return None


def _parts(node: ast.AST) -> list[ast.AST] | None:
    """The pieces, in order, of text built by an f-string, ``+`` or ``"".join([...])``; None otherwise."""
    if isinstance(node, ast.JoinedStr):
        return [v.value if isinstance(v, ast.FormattedValue) and v.conversion == -1 and v.format_spec is None
                else v for v in node.values]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _parts(node.left), _parts(node.right)
        return (left if left is not None else [node.left]) + (right if right is not None else [node.right])
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join" \
            and isinstance(node.func.value, ast.Constant) and node.func.value.value == "" and len(node.args) == 1 \
            and isinstance(node.args[0], (ast.List, ast.Tuple)):
        return list(node.args[0].elts)
    return None


def quoted_values(flow: FileFlow, arg: ast.AST, line: int) -> bool:
    """Every value built into the expression ``arg`` that is not a constant sits between a pair of
    the quote it was stripped of (``f"[@id='{v.replace("'", "&apos;")}']"``): it cannot end the
    string literal it is in, so it cannot add to the query."""
    fn = flow.function_at(line)
    parts = _parts(bound_expr(arg, fn))
    if not parts:
        return False
    found = False
    for i, part in enumerate(parts):
        if isinstance(part, ast.Constant):
            continue
        q = _strips_quote(part, fn)
        before, after = parts[i - 1] if i else None, parts[i + 1] if i + 1 < len(parts) else None
        if q is None or not (isinstance(before, ast.Constant) and isinstance(before.value, str) and before.value.endswith(q)
                             and isinstance(after, ast.Constant) and isinstance(after.value, str) and after.value.startswith(q)):
            return False
        found = True
    return found


@register
class XpathInjection(FlowRule):
    id = "xpath-injection"
    severity = "high"
    kind = "ast"
    cwe = "CWE-643"
    question = "Can the values be passed as XPath variables instead of built into the expression?"
    languages = (PYTHON, JAVASCRIPT)
    needles = ("xpath", "find", "select", "evaluate")

    def wants(self, fi: FileInfo) -> bool:
        return bool(re.search(r"xpath|etree|elementtree|elementpath|lxml|xml\.dom|defusedxml", fi.lower))

    def _py(self, fi: FileInfo, flow: FileFlow) -> Iterator[Finding]:
        for call, name in flow.calls(lines=fi.added):
            last = name.rsplit(".", 1)[-1]
            if last not in _XPATH_CALLS or not call.args:
                continue
            if last in ("select", "evaluate") and "elementpath" not in name and not name.startswith("lxml"):
                continue
            arg = call.args[1] if last == "select" and len(call.args) > 1 else call.args[0]
            if last == "select" and len(call.args) < 2:
                continue
            if flow.safe(arg, "xpath"):
                continue
            if last in _ETREE_FIND:
                # str.find() looks the same: an element's find takes a built path, on something
                # that is neither request text nor a constant
                receiver = flow.value(call.func.value) if isinstance(call.func, ast.Attribute) else None
                if receiver is None or receiver.taint or receiver.const \
                        or built_unknown(flow, arg, call.lineno, _XPATH_SYNTAX) is None:
                    continue
            if quoted_values(flow, arg, call.lineno):
                continue  # each value is quoted, with that quote replaced in it
            if flow.tainted(arg, "xpath"):
                yield self.hit(fi, call.lineno, f"request data is built into an XPath expression: {_src(arg, 40)}")
                continue
            if last in _ETREE_FIND:
                continue  # find() of a path of unknown origin is ordinary ElementTree use
            expr = built_unknown(flow, arg, call.lineno, _XPATH_SYNTAX)
            if expr is not None:
                yield self.hit(fi, call.lineno, f"check: an XPath expression is built by interpolation: {_src(expr, 40)}",
                               "medium")

    def _js(self, fi: FileInfo) -> Iterator[Finding]:
        for i, name in js_calls_carrying(fi, lambda n: n in ("xpath.select", "xpath.select1") or n.endswith(".evaluate"), 0):
            yield self.hit(fi, fi.stream.toks[i].line, f"check: request data may be built into the XPath of {name}()",
                           "medium")


# ------------------------------------------------------------------ XML external entities

_EXTERNAL_FEATURES = ("feature_external_ges", "feature_external_pes", "external-general-entities",
                      "external-parameter-entities")


@register
class XmlExternalEntities(FileRule):
    id = "xml-external-entities"
    severity = "high"
    kind = "ast"
    cwe = "CWE-611"
    question = "Does this parser refuse DTDs and external entities (defusedxml, resolve_entities=False)?"
    languages = (PYTHON, JAVASCRIPT)
    needles = ("xmlparser", "resolve_entities", "setfeature", "xmltodict", "noent", "load_dtd", "no_network",
               "parsexml", "external_ges", "external-general")

    def scan(self, fi: FileInfo, ctx: RepoContext) -> Iterator[Finding]:
        if fi.lang == JAVASCRIPT:
            yield from self._js(fi)
            return
        if fi.tree is None:
            return
        for call in fi.nodes(ast.Call):
            if not fi.touches(call.lineno, call.end_lineno or call.lineno):
                continue
            q = fi.aliases.resolve(call.func) if fi.aliases else dotted(call.func)
            last = q.rsplit(".", 1)[-1]
            kws = {k.arg: k.value for k in call.keywords}
            if last == "XMLParser" and ("lxml" in q or "etree" in q) and not q.startswith("xml.etree"):
                yield from self._lxml_parser(fi, call, kws)
            elif last == "setFeature" and len(call.args) == 2:
                feature = _src(call.args[0], 200)
                on = call.args[1]
                if any(f in feature for f in _EXTERNAL_FEATURES) and not (isinstance(on, ast.Constant) and not on.value):
                    yield self.hit(fi, call.lineno, f"the XML parser is told to resolve external entities ({truncate(feature, 40)})")
            elif q in ("xmltodict.parse",) and isinstance(kws.get("disable_entities"), ast.Constant) \
                    and kws["disable_entities"].value is False:
                yield self.hit(fi, call.lineno, "xmltodict.parse(disable_entities=False) expands the document's entities")

    def _lxml_parser(self, fi: FileInfo, call: ast.Call, kws: dict) -> Iterator[Finding]:
        def is_(name: str, value: bool) -> bool:
            v = kws.get(name)
            return isinstance(v, ast.Constant) and v.value is value

        if is_("resolve_entities", True):
            yield self.hit(fi, call.lineno, "lxml XMLParser(resolve_entities=True) expands external entities (XXE)")
        elif is_("no_network", False):
            yield self.hit(fi, call.lineno, "lxml XMLParser(no_network=False) fetches external DTDs and entities")
        elif (is_("load_dtd", True) or is_("dtd_validation", True)) and not is_("resolve_entities", False):
            yield self.hit(fi, call.lineno, "lxml XMLParser loads DTDs without resolve_entities=False", "medium")

    def _js(self, fi: FileInfo) -> Iterator[Finding]:
        ts = fi.stream
        toks = ts.toks
        for i, name, _start in ts.calls():
            if name.rsplit(".", 1)[-1] not in ("parseXml", "parseXmlString", "parseXmlAsync"):
                continue
            for a, b in ts.args(i)[1:]:
                v = ts.keys_in(a, b).get("noent")
                if v is not None and v < len(toks) and toks[v].value == "true":
                    yield self.hit(fi, toks[i].line, f"{name}() with noent: true expands external entities (XXE)")
