"""An OWASP Benchmark-style case: redirect #03."""

from flask import Flask, make_response, request, session
from flask import redirect, url_for
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/redirect-03", methods=["GET", "POST"])
def redirect_03():
    param = request.headers.get("X-Custom", "")
    bar = do_something(param)
    response = make_response("", 302)
    response.headers["Location"] = bar
    return response
