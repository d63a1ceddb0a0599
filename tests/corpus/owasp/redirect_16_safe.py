"""An OWASP Benchmark-style case: redirect #16."""

from flask import Flask, make_response, request, session
from flask import redirect, url_for
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/redirect-16", methods=["GET", "POST"])
def redirect_16():
    param = request.args.get("q", "")
    values = ["safe", param, "moresafe"]
    values.pop(0)
    bar = values[0]
    return redirect(url_for("index", next=bar))
