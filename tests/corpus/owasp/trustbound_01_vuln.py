"""An OWASP Benchmark-style case: trustbound #01."""

from flask import Flask, make_response, request, session
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/trustbound-01", methods=["GET", "POST"])
def trustbound_01():
    param = request.args.get("q", "")
    bar = param
    session["userid"] = bar
    return "done"
