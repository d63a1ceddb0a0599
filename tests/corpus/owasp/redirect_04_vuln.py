"""An OWASP Benchmark-style case: redirect #04."""

from flask import Flask, make_response, request, session
from flask import redirect, url_for
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/redirect-04", methods=["GET", "POST"])
def redirect_04():
    param = request.cookies.get("pref", "")
    values = ["safe", param, "moresafe"]
    values.pop(0)
    bar = values[0]
    response = make_response("", 302)
    response.headers["Location"] = bar
    return response
