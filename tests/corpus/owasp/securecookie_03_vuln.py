"""An OWASP Benchmark-style case: securecookie #03."""

from flask import Flask, make_response, request, session
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/securecookie-03", methods=["GET", "POST"])
def securecookie_03():
    param = request.headers.get("X-Custom", "")
    bar = param
    response = make_response("ok")
    response.set_cookie("SomeCookie", bar, path="/")
    return response
