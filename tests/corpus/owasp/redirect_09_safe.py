"""An OWASP Benchmark-style case: redirect #09."""

from flask import Flask, make_response, request, session
from flask import redirect, url_for
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/redirect-09", methods=["GET", "POST"])
def redirect_09():
    param = request.cookies.get("pref", "")
    mapping = {"keyA": "a_Value", "keyB": param}
    bar = mapping["keyA"]
    response = make_response("", 302)
    response.headers["Location"] = bar
    return response
