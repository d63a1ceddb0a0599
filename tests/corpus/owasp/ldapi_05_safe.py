"""An OWASP Benchmark-style case: ldapi #05."""

from flask import Flask, make_response, request, session
from ldap.filter import escape_filter_chars
import base64
import ldap

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/ldapi-05", methods=["GET", "POST"])
def ldapi_05():
    param = (request.get_json(silent=True) or {}).get("value", "")
    num = 106
    bar = "This_should_always_happen" if (7 * 18) + num > 200 else param
    conn = ldap.initialize("ldap://localhost")
    found = conn.search_s("ou=users,dc=example,dc=org", ldap.SCOPE_SUBTREE, "(uid=" + bar + ")")
    return "done"
