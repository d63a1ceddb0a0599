"""An OWASP Benchmark-style case: ldapi #09."""

from flask import Flask, make_response, request, session
from ldap.filter import escape_filter_chars
import base64
import ldap

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/ldapi-09", methods=["GET", "POST"])
def ldapi_09():
    param = request.cookies.get("pref", "")
    bar = param
    conn = ldap.initialize("ldap://localhost")
    found = conn.search_s("dc=example,dc=org", ldap.SCOPE_SUBTREE, "(uid=" + escape_filter_chars(bar) + ")")
    return "done"
