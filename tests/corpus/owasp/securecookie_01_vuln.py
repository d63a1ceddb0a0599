"""An OWASP Benchmark-style case: securecookie #01."""

from flask import Flask, make_response, request, session
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/securecookie-01", methods=["GET", "POST"])
def securecookie_01():
    param = request.args.get("q", "")
    bar = param
    response = make_response("ok")
    response.set_cookie("SomeCookie", bar, secure=False, httponly=True)
    return response
