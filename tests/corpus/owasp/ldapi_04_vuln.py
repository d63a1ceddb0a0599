"""An OWASP Benchmark-style case: ldapi #04."""

from flask import Flask, make_response, request, session
from ldap.filter import escape_filter_chars
import base64
import ldap

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/ldapi-04", methods=["GET", "POST"])
def ldapi_04():
    param = request.cookies.get("pref", "")
    values = ["safe", param, "moresafe"]
    values.pop(0)
    bar = values[0]
    conn = ldap.initialize("ldap://localhost")
    flt = f"(&(objectclass=person)(|(uid={bar})(street=x)))"
    found = conn.search_s("dc=example,dc=org", ldap.SCOPE_SUBTREE, flt)
    return "done"
