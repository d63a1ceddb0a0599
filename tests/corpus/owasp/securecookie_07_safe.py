"""An OWASP Benchmark-style case: securecookie #07."""

from flask import Flask, make_response, request, session
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/securecookie-07", methods=["GET", "POST"])
def securecookie_07():
    param = request.form.get("field", "")
    bar = param
    response = make_response("ok")
    response.set_cookie("SomeCookie", bar, secure=True, httponly=True)
    return response
