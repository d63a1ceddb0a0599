"""Cases from the CWE entries' descriptions: each function is one demonstrative weakness."""
import hashlib
import os
import subprocess
import tarfile

import jinja2
import ldap
from Crypto.Cipher import DES
from django.db.models.expressions import RawSQL
from flask import Flask, redirect, request, session
from lxml import etree
from sqlalchemy import text

app = Flask(__name__)


@app.route("/cwe-601")
def cwe_601_open_redirect():
    return redirect(request.args["url"])  # expect: open-redirect


@app.route("/cwe-501", methods=["POST"])
def cwe_501_trust_boundary():
    session["username"] = request.form["username"]  # expect: trust-boundary-violation
    return "ok"


@app.route("/cwe-614")
def cwe_614_cookie_without_secure():
    resp = app.make_response("ok")
    resp.set_cookie("sessionid", request.args["sid"], httponly=True)  # expect: insecure-cookie
    return resp


@app.route("/cwe-90")
def cwe_90_ldap_filter():
    conn = ldap.initialize("ldap://directory")
    user = request.args["user"]
    return str(conn.search_s("dc=corp", ldap.SCOPE_SUBTREE, f"(&(uid={user})(objectClass=person))"))  # expect: ldap-injection


@app.route("/cwe-643")
def cwe_643_xpath_login():
    doc = etree.parse("users.xml")
    login, password = request.form["login"], request.form["password"]
    query = "//users/user[login/text()='" + login + "' and password/text()='" + password + "']/home_dir/text()"
    return str(doc.xpath(query))  # expect: xpath-injection


@app.route("/cwe-611", methods=["POST"])
def cwe_611_external_entities():
    parser = etree.XMLParser(resolve_entities=True)  # expect: xml-external-entities
    return etree.tostring(etree.fromstring(request.data, parser))


@app.route("/cwe-328")
def cwe_328_weak_hash_token():
    token = hashlib.md5(request.args["email"].encode()).hexdigest()  # expect: weak-hash
    return {"reset_token": token}


def cwe_327_broken_cipher(key, data):
    return DES.new(key, DES.MODE_ECB).encrypt(data)  # expect: weak-crypto


def cwe_732_world_writable(path):
    os.chmod(path, 0o777)  # expect: insecure-file-permissions


def cwe_22_tar_slip(archive, dest):
    with tarfile.open(archive) as tar:
        tar.extractall(dest)  # expect: unsafe-archive-extraction


@app.route("/cwe-78")
def cwe_78_argv_from_request():
    return subprocess.check_output(["nslookup", request.args["domain"]])  # expect: shell-injection


def cwe_89_sqlalchemy_text(session_, name):
    return session_.execute(text("SELECT * FROM accounts WHERE owner = '" + name + "'"))  # expect: sql-interpolation


def cwe_89_django_rawsql(qs, column):
    return qs.annotate(v=RawSQL("SELECT %s FROM t" % column, ()))  # expect: sql-interpolation


def cwe_79_autoescape_off(loader):
    return jinja2.Environment(loader=loader, autoescape=False)  # expect: xss-unescaped-render
