"""An OWASP Benchmark-style case: securecookie #06."""

from flask import Flask, make_response, request, session
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/securecookie-06", methods=["GET", "POST"])
def securecookie_06():
    param = request.args.get("q", "")
    bar = do_something(param)
    response = make_response("ok")
    response.set_cookie("SomeCookie", bar, secure=True, httponly=False)
    return response
