"""An OWASP Benchmark-style case: trustbound #16."""

from flask import Flask, make_response, request, session
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/trustbound-16", methods=["GET", "POST"])
def trustbound_16():
    param = request.args.get("q", "")
    values = ["safe", param, "moresafe"]
    values.pop(0)
    bar = values[0]
    session["userid"] = "10340"
    return "done"
