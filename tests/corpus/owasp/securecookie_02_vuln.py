"""An OWASP Benchmark-style case: securecookie #02."""

from flask import Flask, make_response, request, session
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/securecookie-02", methods=["GET", "POST"])
def securecookie_02():
    param = request.form.get("field", "")
    bar = do_something(param)
    response = make_response("ok")
    response.set_cookie("SomeCookie", bar, secure=False, httponly=True)
    return response
