"""An OWASP Benchmark-style case: securecookie #05."""

from flask import Flask, make_response, request, session
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/securecookie-05", methods=["GET", "POST"])
def securecookie_05():
    param = (request.get_json(silent=True) or {}).get("value", "")
    bar = param
    response = make_response("ok")
    response.set_cookie("SomeCookie", bar, secure=True, httponly=False)
    return response
