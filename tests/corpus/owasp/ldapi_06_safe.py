"""An OWASP Benchmark-style case: ldapi #06."""

from flask import Flask, make_response, request, session
from ldap.filter import escape_filter_chars
import base64
import ldap

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/ldapi-06", methods=["GET", "POST"])
def ldapi_06():
    param = request.args.get("q", "")
    values = ["safe", param, "moresafe"]
    values.pop(0)
    bar = values[1]
    conn = ldap.initialize("ldap://localhost")
    found = conn.search_s("ou=users,dc=example,dc=org", ldap.SCOPE_SUBTREE, "(uid=" + bar + ")")
    return "done"
