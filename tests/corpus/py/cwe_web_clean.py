"""The same operations done the way the CWE entries' mitigations describe."""
import hashlib
import os
import shlex
import subprocess
import tarfile

import jinja2
import ldap
from ldap.filter import escape_filter_chars
from Crypto.Cipher import AES
from django.db.models.expressions import RawSQL
from flask import Flask, redirect, request, session, url_for
from lxml import etree
from sqlalchemy import text

app = Flask(__name__)


@app.route("/cwe-601")
def cwe_601_open_redirect():
    target = request.args.get("next", "")
    if target not in ("profile", "settings"):
        target = "profile"
    return redirect(url_for(target))


@app.route("/cwe-501", methods=["POST"])
def cwe_501_trust_boundary():
    session["visits"] = int(request.form.get("visits", "0"))
    return "ok"


@app.route("/cwe-614")
def cwe_614_cookie():
    resp = app.make_response("ok")
    resp.set_cookie("sessionid", request.args["sid"], secure=True, httponly=True, samesite="Lax")
    return resp


@app.route("/cwe-90")
def cwe_90_ldap_filter():
    conn = ldap.initialize("ldap://directory")
    user = escape_filter_chars(request.args["user"])
    return str(conn.search_s("dc=corp", ldap.SCOPE_SUBTREE, f"(&(uid={user})(objectClass=person))"))


@app.route("/cwe-643")
def cwe_643_xpath_login():
    doc = etree.parse("users.xml")
    return str(doc.xpath("//users/user[login/text()=$login]/home_dir/text()", login=request.form["login"]))


@app.route("/cwe-611", methods=["POST"])
def cwe_611_external_entities():
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.tostring(etree.fromstring(request.data, parser))


def etag_for(body):
    return hashlib.md5(body, usedforsecurity=False).hexdigest()


def cache_key_for(path):
    return "page:" + hashlib.sha1(path.encode()).hexdigest()


def cwe_327_cipher(key, data, nonce):
    return AES.new(key, AES.MODE_GCM, nonce=nonce).encrypt_and_digest(data)


def cwe_732_private(path):
    os.chmod(path, 0o600)


def cwe_22_tar(archive, dest):
    with tarfile.open(archive) as tar:
        tar.extractall(dest, filter="data")


def cwe_78_argv(domain):
    return subprocess.check_output(["nslookup", domain])


def cwe_78_quoted(name):
    return subprocess.run("ls -l " + shlex.quote(name), shell=True, check=True)


def cwe_89_sqlalchemy_text(session_, name):
    return session_.execute(text("SELECT * FROM accounts WHERE owner = :owner"), {"owner": name})


def cwe_89_django_rawsql(qs, value):
    return qs.annotate(v=RawSQL("SELECT col FROM t WHERE x = %s", (value,)))


def cwe_79_autoescape(loader):
    return jinja2.Environment(loader=loader, autoescape=jinja2.select_autoescape())
