"""An OWASP Benchmark-style case: ldapi #10."""

from flask import Flask, make_response, request, session
from ldap.filter import escape_filter_chars
import base64
import ldap

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/ldapi-10", methods=["GET", "POST"])
def ldapi_10():
    param = (request.get_json(silent=True) or {}).get("value", "")
    bar = param.strip()
    conn = ldap.initialize("ldap://localhost")
    found = conn.search_s("dc=example,dc=org", ldap.SCOPE_SUBTREE, "(uid=" + escape_filter_chars(bar) + ")")
    return "done"
