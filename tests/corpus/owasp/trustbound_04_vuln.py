"""An OWASP Benchmark-style case: trustbound #04."""

from flask import Flask, make_response, request, session
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/trustbound-04", methods=["GET", "POST"])
def trustbound_04():
    param = request.cookies.get("pref", "")
    values = ["safe", param, "moresafe"]
    values.pop(0)
    bar = values[0]
    session[bar] = "10340"
    return "done"
