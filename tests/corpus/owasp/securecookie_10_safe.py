"""An OWASP Benchmark-style case: securecookie #10."""

from flask import Flask, make_response, request, session
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/securecookie-10", methods=["GET", "POST"])
def securecookie_10():
    param = (request.get_json(silent=True) or {}).get("value", "")
    bar = do_something(param)
    response = make_response("ok")
    response.set_cookie("SomeCookie", bar, secure=True, httponly=True, samesite="Lax")
    return response
