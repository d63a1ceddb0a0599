"""An OWASP Benchmark-style case: trustbound #02."""

from flask import Flask, make_response, request, session
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/trustbound-02", methods=["GET", "POST"])
def trustbound_02():
    param = request.form.get("field", "")
    bar = param.strip()
    session["userid"] = bar
    return "done"
