"""An OWASP Benchmark-style case: codeinj #04."""

from flask import Flask, make_response, request, session
import ast
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/codeinj-04", methods=["GET", "POST"])
def codeinj_04():
    param = request.cookies.get("pref", "")
    values = ["safe", param, "moresafe"]
    values.pop(0)
    bar = values[0]
    exec(bar)
    return "done"
