"""An OWASP Benchmark-style case: trustbound #08."""

from flask import Flask, make_response, request, session
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/trustbound-08", methods=["GET", "POST"])
def trustbound_08():
    param = request.headers.get("X-Custom", "")
    values = ["safe", param, "moresafe"]
    values.pop(0)
    bar = values[1]
    session["userid"] = bar
    return "done"
