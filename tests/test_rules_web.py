"""The web-handler and query rules: redirects, session trust, cookies, XSS flow, LDAP, XPath, XXE, argv."""

from __future__ import annotations

import pytest

from triage.rules import RepoContext, SourceFile, analyze

HEAD = ("import subprocess\nfrom flask import Flask, make_response, redirect, request, session, url_for\n"
        "from lxml import etree\nimport ldap\n\napp = Flask(__name__)\n\n\n")


def found(body: str, rule: str, path: str = "app/views.py", head: str = HEAD) -> list[int]:
    text = head + body
    f = SourceFile(path, text, frozenset(range(1, text.count("\n") + 2)))
    return [x.line - head.count("\n") for x in analyze([f], RepoContext(paths=(path,), changed_paths=(path,)))
            if x.rule == rule and not x.suppressed]


V = '@app.route("/v")\ndef v():\n    p = request.args.get("p", "")\n'


@pytest.mark.parametrize("body, lines", [
    (V + "    return redirect(p)\n", [4]),
    (V + "    target = p.strip()\n    return redirect(target, code=302)\n", [5]),
    (V + '    r = make_response("", 302)\n    r.headers["Location"] = p\n    return r\n', [5]),
    (V + '    return redirect("/profile/" + p)\n', []),
    (V + '    return redirect(f"https://example.com/{p}")\n', []),
    (V + '    return redirect(url_for("index", q=p))\n', []),
    (V + '    if urlparse(p).netloc:\n        return "no"\n    return redirect(p)\n', []),
    ("def helper(target):\n    return redirect(target)\n", []),  # not request data
])
def test_open_redirect(body, lines):
    assert found(body, "open-redirect") == lines


@pytest.mark.parametrize("body, lines", [
    (V + '    session["user"] = p\n    return "ok"\n', [4]),
    (V + '    session[p] = "10340"\n    return "ok"\n', [4]),
    (V + '    session.update({"user": p})\n    return "ok"\n', [4]),
    (V + '    session["n"] = int(p)\n    return "ok"\n', []),
    (V + '    session["user"] = "alice"\n    return "ok"\n', []),
    (V + '    user = db.execute("SELECT * FROM u WHERE n = ?", (p,)).fetchone()\n    session["uid"] = user["id"]\n', []),
])
def test_trust_boundary_violation(body, lines):
    assert found(body, "trust-boundary-violation") == lines


@pytest.mark.parametrize("call, flagged", [
    ('r.set_cookie("sid", v)', True),
    ('r.set_cookie("sid", v, secure=False, httponly=True)', True),
    ('r.set_cookie("sid", v, secure=True, httponly=False)', True),
    ('r.set_cookie("sid", v, secure=True, httponly=True)', False),
    ('r.set_cookie("session_id", v, secure=True, samesite="Lax")', True),  # Secure, but scripts can read it
    ('r.set_cookie("auth_token", v, secure=True)', True),
    ('r.set_cookie("csrftoken", v, secure=True)', False),  # read by scripts on purpose
    ('r.set_cookie("theme", v, secure=True)', False),
    ('r.set_cookie("session_id", v, secure=True, httponly=cfg.HTTPONLY)', False),  # decided elsewhere
    ('r.set_cookie("sid", v, secure=app.config["SECURE"])', False),  # decided elsewhere
    ('r.set_cookie("sid", "", expires=0)', False),  # a deletion
    ("jar.set_cookie(cookie)", False),  # a cookie jar, not a response
    ('r.set_cookie("sid", v, **opts)', False),
])
def test_insecure_cookie(call, flagged):
    body = f"def f(r, v, jar, cookie, opts):\n    {call}\n"
    assert found(body, "insecure-cookie") == ([2] if flagged else [])


def test_cookie_settings_and_test_files():
    assert found("SESSION_COOKIE_SECURE = False\nCSRF_COOKIE_SECURE = True\n", "insecure-cookie") == [1]
    assert found('def f(r):\n    r.set_cookie("sid", "x")\n', "insecure-cookie", path="tests/test_views.py") == []


@pytest.mark.parametrize("body, lines", [
    (V + '    return f"<p>{p}</p>"\n', [4]),
    (V + "    return p\n", [4]),
    (V + '    out = "<ul>"\n    out += "<li>" + p\n    return out\n', [6]),
    (V + '    r = make_response("<b>" + p + "</b>")\n    return r\n', [4]),
    (V + "    return {'value': p}\n", []),
    (V + '    return render_template("x.html", value=p)\n', []),
    (V + "    import html\n    return f'<p>{html.escape(p)}</p>'\n", []),
    (V + '    r = make_response(p)\n    r.mimetype = "text/plain"\n    return r\n', []),
    (V + '    n = 106\n    bar = "const" if (7 * 18) + n > 200 else p\n    return f"<p>{bar}</p>"\n', []),
])
def test_xss_follows_request_data_to_the_response(body, lines):
    assert found(body, "xss-unescaped-render") == lines


@pytest.mark.parametrize("body, lines", [
    (V + '    ctx = {}\n    ctx["html"] = "<b>%s</b>" % p\n    return render_template("x.html", **ctx)\n', [5]),
    (V + '    ctx = {}\n    ctx["html"] = "<b>{}</b>".format(p)\n    return render_template("x.html", **ctx)\n', [5]),
    (V + '    g.banner = f"<div id=\'b\'>{p}</div>"\n    return render_template("x.html")\n', [4]),
    (V + '    ctx = {}\n    ctx["text"] = "Hello %s" % p\n    return render_template("x.html", **ctx)\n', []),
    (V + '    ctx = {}\n    ctx["html"] = "<b>%s</b>" % escape(p)\n    return render_template("x.html", **ctx)\n', []),
    (V + '    ctx = {}\n    ctx["html"] = "<b>%s</b>".format(p)\n    return render_template("x.html", **ctx)\n', []),  # nothing filled
    ('def fill(store, p):\n    store["html"] = "<b>%s</b>" % p\n    return store\n', []),  # answers no request
])
def test_xss_html_built_from_request_data_and_stored_for_the_template(body, lines):
    assert found(body, "xss-unescaped-render") == lines


def test_xss_markup_of_built_strings_and_autoescape_off():
    head = "import jinja2\nfrom markupsafe import Markup\n\n\n"
    body = ("def a(name):\n    return Markup(f'<b>{name}</b>')\n\n\n"
            "def b(html):\n    return Markup(html)\n\n\n"
            "env = jinja2.Environment(loader=None)\n"
            "safe_env = jinja2.Environment(autoescape=jinja2.select_autoescape())\n")
    assert found(body, "xss-unescaped-render", head=head) == [2, 9]
    tpl = "<div>\n{% autoescape off %}\n{{ body }}\n{% endautoescape %}\n</div>\n"
    assert found(tpl, "xss-unescaped-render", path="templates/page.html", head="") == [2]


@pytest.mark.parametrize("body, lines", [
    (V + '    c = ldap.initialize("ldap://x")\n    return c.search_s("dc=x", ldap.SCOPE_SUBTREE, "(uid=" + p + ")")\n', [5]),
    (V + '    c = ldap.initialize("ldap://x")\n    f = f"(cn={p})"\n    return c.search_s("dc=x", 2, f)\n', [6]),
    (V + '    from ldap.filter import escape_filter_chars\n    c = ldap.initialize("ldap://x")\n'
     '    return c.search_s("dc=x", 2, "(uid=" + escape_filter_chars(p) + ")")\n', []),
    ('def g(c, user):\n    return c.search_s("dc=x", 2, "(uid=%s)" % user)\n', [2]),  # a check, on unknown data
    ('def h(c):\n    return c.search_s("dc=x", 2, "(objectClass=person)")\n', []),
])
def test_ldap_injection(body, lines):
    assert found(body, "ldap-injection") == lines


@pytest.mark.parametrize("body, lines", [
    (V + '    t = etree.parse("u.xml")\n    return str(t.xpath("//u[@n=\'" + p + "\']"))\n', [5]),
    (V + '    t = etree.parse("u.xml")\n    return str(t.xpath("//u[@n=$n]", n=p))\n', []),
    (V + '    root = etree.parse("u.xml").getroot()\n    return str(root.findall(f".//u[@n=\'{p}\']"))\n', [5]),
    (V + '    return str(p.find("x"))\n', []),  # str.find on request text
    ('def k(root, tag):\n    return root.find(f"{{urn:x}}{tag}")\n', []),  # a namespaced tag
    (V + '    import io\n    q = io.StringIO()\n    q.write("//u[@n=\'")\n    q.write(p)\n    q.write("\']")\n'
     '    return str(etree.parse("u.xml").xpath(q.getvalue()))\n', [9]),
    (V + '    s = p.replace("\'", "&apos;")\n    return str(etree.parse("u.xml").xpath(f"//u[@n=\'{s}\']"))\n', []),
    (V + '    return str(etree.parse("u.xml").xpath("//u[@n=\'" + p.replace("\'", "") + "\']"))\n', []),
    (V + '    return str(etree.parse("u.xml").xpath(\'//u[@n="\' + p.replace(\'"\', "&quot;") + \'"]\'))\n', []),
    # the other quote stripped, the value outside any quotes, or the quote put back: still injectable
    (V + '    return str(etree.parse("u.xml").xpath(\'//u[@n="\' + p.replace("\'", "") + \'"]\'))\n', [4]),
    (V + '    return str(etree.parse("u.xml").xpath("//u[@id=" + p.replace("\'", "") + "]"))\n', [4]),
    (V + '    s = p.replace("\'", "&apos;").replace("&apos;", "\'")\n'
     '    return str(etree.parse("u.xml").xpath("//u[@n=\'" + s + "\']"))\n', [5]),
])
def test_xpath_injection(body, lines):
    assert found(body, "xpath-injection") == lines


@pytest.mark.parametrize("line, flagged", [
    ("etree.XMLParser(resolve_entities=True)", True),
    ("etree.XMLParser(no_network=False)", True),
    ("etree.XMLParser(resolve_entities=False, no_network=True)", False),
    ("etree.fromstring(data)", False),
    ("sax_parser.setFeature(feature_external_ges, True)", True),
    ("sax_parser.setFeature(feature_external_ges, False)", False),
    ("xmltodict.parse(data, disable_entities=False)", True),
])
def test_xml_external_entities(line, flagged):
    body = f"import xmltodict\nfrom xml.sax.handler import feature_external_ges\n\n\ndef f(data, sax_parser):\n    return {line}\n"
    assert found(body, "xml-external-entities") == ([6] if flagged else [])


@pytest.mark.parametrize("body, lines", [
    (V + '    return subprocess.check_output(["ping", "-c", "1", p])\n', [4]),
    (V + '    args = ["convert"]\n    args.append(p)\n    subprocess.run(args, check=True)\n    return "ok"\n', [6]),
    (V + '    import os\n    os.execlp("sh", "sh", "-c", "echo " + p)\n', [5]),
    ('def f(cmd):\n    subprocess.run(["bash", "-c", cmd], check=True)\n', [2]),  # a shell with a built command
    ('def g(ref):\n    return subprocess.check_output(["git", "log", ref])\n', []),  # unknown argv: ordinary code
    (V + '    n = int(p)\n    return subprocess.check_output(["ping", "-c", str(n), "localhost"])\n', []),
])
def test_shell_injection_argv(body, lines):
    assert found(body, "shell-injection") == lines


def test_findings_only_on_added_lines_and_suppression_applies():
    text = HEAD + V + "    # triage: ignore[open-redirect] reviewed: p is an internal path\n    return redirect(p)\n"
    sink = text.count("\n")
    comment = sink - 1
    every = frozenset(range(1, sink + 2))
    f = SourceFile("app/views.py", text, every - {comment})  # the comment was there before the change
    (fd,) = [x for x in analyze([f]) if x.rule == "open-redirect"]
    assert fd.suppressed and fd.line == sink
    (fd,) = [x for x in analyze([SourceFile("app/views.py", text, every)]) if x.rule == "open-redirect"]
    assert not fd.suppressed and fd.suppressed_by == "change"  # a comment the change wrote silences nothing
    g = SourceFile("app/views.py", text, frozenset(range(1, sink)))
    assert [x for x in analyze([g]) if x.rule == "open-redirect"] == []


@pytest.mark.parametrize("body, lines", [
    # this site's own path is not a destination an attacker picks
    (V + "    return redirect(request.path)\n", []),
    (V + "    return redirect(request.get_full_path())\n", []),
    # request data only after the "?": the host is fixed
    (V + '    return redirect(url_for("index") + "?q=" + p)\n', []),
    (V + '    return redirect("%s?%s" % (BASE, p))\n', []),
    (V + '    return redirect("%s?%s" % (p, "x=1"))\n', [4]),
    # a helper that checks the host before returning the URL
    ('def safe_next(req):\n    n = req.args.get("next", "/")\n    if urlparse(n).netloc:\n        return "/"\n    return n\n\n\n'
     + V + "    return redirect(safe_next(request))\n", []),
])
def test_open_redirect_knows_same_site_and_checked_urls(body, lines):
    offset = body.count("\n") - V.count("\n") - body[body.index(V):].count("\n") + V.count("\n")
    assert [n - offset for n in found(body, "open-redirect")] == lines


def test_reprs_and_helpers_that_take_the_request_are_not_views():
    head = "from django.http import HttpResponse, HttpResponseRedirect\n\n\n"
    body = ("class Page:\n    def __repr__(self):\n        return '<Page %s of %s>' % (self.n, self.total)\n\n\n"
            "def language_from_request(request):\n    return request.GET.get('lang')\n\n\n"
            "def set_language(request):\n    response = HttpResponseRedirect('/')\n"
            "    response.set_cookie('lang', request.GET['l'], secure=True, httponly=True)\n    return response\n\n\n"
            "def echo(request):\n    return HttpResponse(request.GET['q'])\n")
    assert found(body, "xss-unescaped-render", head=head) == [17]
