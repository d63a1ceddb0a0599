"""An OWASP Benchmark-style case: trustbound #13."""

from flask import Flask, make_response, request, session
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/trustbound-13", methods=["GET", "POST"])
def trustbound_13():
    param = request.headers.get("X-Custom", "")
    bar = param
    session["count"] = int(bar) if bar.isdigit() else 0
    return "done"
